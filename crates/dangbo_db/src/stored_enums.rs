//! The columns that store an enum's text refuse any other text: a `CHECK` constraint on
//! PostgreSQL, a pair of triggers on SQLite (which cannot add a constraint to a table). The
//! values come from the Rust enums themselves, so the database and the code cannot disagree;
//! reading a value back still fails loudly if one slips past (`rows::decoded`).
//!
//! Each check's name carries a digest of its values: when an enum gains a value, the next
//! start replaces the check (on PostgreSQL validating every stored row, so a database holding a
//! value this build does not know refuses to start instead of reading it as something else).

use crate::{Backend, DbError, Store};
use dangbo_core::cadre::planning::RemovalReason;
use dangbo_core::cadre::{MoveCategory, MoveKind, PostBasis, Title};
use dangbo_core::calendar::DayKind;
use dangbo_core::candidate::{Stage, StepKind};
use dangbo_core::course::{CourseKind, CourseResult};
use dangbo_core::discipline::{Body, CaseKind, ComplaintResult, Outcome, Penalty, StepKind as CaseStep};
use dangbo_core::event::EventKind;
use dangbo_core::fee::relief::ReliefKind;
use dangbo_core::fee::{Category, Channel};
use dangbo_core::meeting::{AssignmentKind, DocumentKind, MeetingKind, MeetingState, Presence, ProposalState, VoteKind};
use dangbo_core::member::Status;
use dangbo_core::org::OrgKind;
use dangbo_core::rules::RuleId;
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};

/// A column and the texts it may hold (NULL stays allowed where the column allows it).
pub(crate) struct Checked {
    pub table: &'static str,
    pub column: &'static str,
    pub values: Vec<&'static str>,
}

macro_rules! checked {
    ($($table:literal . $column:literal : $enum:ty),+ $(,)?) => {
        vec![$(Checked { table: $table, column: $column, values: <$enum>::ALL.iter().map(|v| v.as_str()).collect() }),+]
    };
}

/// Every column that stores an enum.
pub(crate) fn columns() -> Vec<Checked> {
    checked![
        "org"."kind": OrgKind,
        "org_span"."kind": OrgKind,
        "member"."status": Status,
        "discipline_case"."kind": CaseKind,
        "inspection_plan_item"."kind": CaseKind,
        "discipline_case"."outcome": Outcome,
        "discipline_step"."kind": CaseStep,
        "discipline_penalty"."penalty": Penalty,
        "discipline_penalty"."body": Body,
        "discipline_complaint"."result": ComplaintResult,
        "discipline_complaint"."new_penalty": Penalty,
        "member_span"."status": Status,
        "member_event"."kind": EventKind,
        "calendar_day"."kind": DayKind,
        "rule_version"."rule_id": RuleId,
        "course"."kind": CourseKind,
        "course_enrolment"."result": CourseResult,
        "course_participant"."result": CourseResult,
        "candidate"."stage": Stage,
        "candidate_step"."kind": StepKind,
        "position"."title": Title,
        "position"."basis": PostBasis,
        "cadre_move"."kind": MoveKind,
        "cadre_move"."category": MoveCategory,
        "planning_entry"."title": Title,
        "planning_entry"."removal_reason": RemovalReason,
        "meeting"."kind": MeetingKind,
        "meeting"."state": MeetingState,
        "meeting_attendance"."presence": Presence,
        "meeting_vote"."kind": VoteKind,
        "meeting_proposal"."state": ProposalState,
        "member_assignment"."kind": AssignmentKind,
        "party_document"."kind": DocumentKind,
        "app_user"."role": crate::Role,
        "fee_basis"."category": Category,
        "fee_payment"."channel": Channel,
        "fee_relief"."kind": ReliefKind,
    ]
}

impl Checked {
    /// `ck_<table>_<column>_<digest of the values>`.
    fn name(&self) -> String {
        let digest = hex::encode(Sha256::digest(self.values.join("\n").as_bytes()));
        format!("{}_{}", self.prefix(), &digest[..8])
    }

    fn prefix(&self) -> String {
        format!("ck_{}_{}", self.table, self.column)
    }

    /// `column IN ('a', 'b', …)`; the values are the code's own identifiers, never input.
    fn condition(&self, column: &str) -> String {
        let list: Vec<String> = self.values.iter().map(|v| format!("'{v}'")).collect();
        format!("{column} IN ({})", list.join(", "))
    }
}

/// Puts every check in place (once; again when an enum's values change). One read of the
/// checks there are, at every start.
pub(crate) async fn ensure(store: &Store) -> Result<(), DbError> {
    let backend = store.backend;
    let all = all_checks(store).await?;
    let stale: Vec<(Checked, Vec<String>)> =
        columns().into_iter().map(|c| (of(&c, &all), c)).filter(|(there, c)| *there != names(backend, c)).map(|(there, c)| (c, there)).collect();
    if stale.is_empty() {
        return Ok(());
    }
    store
        .upkeep("stored enums checked", async |tx| {
            for (c, old) in &stale {
                replace(tx, backend, c, old).await?;
            }
            Ok(())
        })
        .await
}

/// The names a check is stored under: one constraint, or an insert and an update trigger.
fn names(backend: Backend, c: &Checked) -> Vec<String> {
    match backend {
        Backend::Postgres => vec![c.name()],
        Backend::Sqlite => vec![format!("{}_i", c.name()), format!("{}_u", c.name())],
    }
}

/// Every check's name in the database (constraints or triggers named `ck_…`), sorted.
async fn all_checks(store: &Store) -> Result<Vec<String>, DbError> {
    let sql = match store.backend {
        Backend::Postgres => "SELECT CAST(conname AS TEXT) FROM pg_constraint WHERE conname LIKE 'ck\\_%' ESCAPE '\\' ORDER BY conname",
        Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ck\\_%' ESCAPE '\\' ORDER BY name",
    };
    Ok(sqlx::query_scalar(sql).fetch_all(&store.pool).await?)
}

/// The names among `all` that belong to `c`'s column: its prefix, then a digest of 8 hex
/// digits (and `_i` / `_u` for a trigger).
fn of(c: &Checked, all: &[String]) -> Vec<String> {
    let prefix = format!("{}_", c.prefix());
    let ours = |rest: &str| match (rest.get(..8), rest.get(8..)) {
        (Some(digest), Some(suffix)) => digest.chars().all(|d| d.is_ascii_hexdigit()) && matches!(suffix, "" | "_i" | "_u"),
        _ => false,
    };
    all.iter().filter(|n| n.strip_prefix(&prefix).is_some_and(ours)).cloned().collect()
}

/// Drops `old` and puts `c`'s check in place, then makes sure no stored row breaks it.
async fn replace(tx: &mut Transaction<'static, Any>, backend: Backend, c: &Checked, old: &[String]) -> Result<(), DbError> {
    let (table, name) = (c.table, c.name());
    let statements = match backend {
        Backend::Postgres => {
            let mut s: Vec<String> = old.iter().map(|o| format!("ALTER TABLE {table} DROP CONSTRAINT {o}")).collect();
            s.push(format!("ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({}) NOT VALID", c.condition(c.column)));
            s.push(format!("ALTER TABLE {table} VALIDATE CONSTRAINT {name}"));
            s
        }
        Backend::Sqlite => {
            let mut s: Vec<String> = old.iter().map(|o| format!("DROP TRIGGER {o}")).collect();
            let refuse = c.condition(&format!("NEW.{}", c.column));
            for (suffix, event) in [("i", "INSERT".to_string()), ("u", format!("UPDATE OF {}", c.column))] {
                s.push(format!(
                    "CREATE TRIGGER {name}_{suffix} BEFORE {event} ON {table} FOR EACH ROW WHEN NOT ({refuse}) \
                     BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
                ));
            }
            s
        }
    };
    for sql in statements {
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut **tx).await?;
    }
    // Rows written before the check must already hold known values (PostgreSQL's VALIDATE
    // has said so; SQLite's triggers see new rows only).
    let unknown: Option<String> =
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT {col} FROM {table} WHERE NOT ({}) LIMIT 1", c.condition(c.column), col = c.column)))
            .fetch_optional(&mut **tx)
            .await?;
    match unknown {
        Some(v) => Err(DbError::Internal(anyhow::anyhow!("{table}.{} holds {v:?}, which this build does not know", c.column))),
        None => Ok(()),
    }
}

/// Removes every check, as a database written before they existed (tests of reading back).
#[cfg(test)]
pub(crate) async fn remove_all(store: &Store) {
    let all = all_checks(store).await.expect("checks");
    for c in columns() {
        for name in of(&c, &all) {
            let sql = match store.backend {
                Backend::Postgres => format!("ALTER TABLE {} DROP CONSTRAINT {name}", c.table),
                Backend::Sqlite => format!("DROP TRIGGER {name}"),
            };
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&store.pool).await.expect("drop");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::TestDb;

    const GOOD: &str = "INSERT INTO calendar_day (day, kind, name, recorded_by, recorded_at) VALUES ('2099-01-01', 'holiday', 'x', 't', 't')";
    const BAD: &str = "INSERT INTO calendar_day (day, kind, name, recorded_by, recorded_at) VALUES ('2099-01-02', 'feast', 'x', 't', 't')";

    #[tokio::test]
    async fn a_column_of_an_enum_refuses_other_text_on_both_databases() {
        for db in TestDb::all().await {
            sqlx::query(GOOD).execute(&db.store.pool).await.expect("a known kind");
            assert!(sqlx::query(BAD).execute(&db.store.pool).await.is_err(), "{}: an unknown kind is refused", db.name);
            let update = "UPDATE calendar_day SET kind = 'feast' WHERE day = '2099-01-01'";
            assert!(sqlx::query(update).execute(&db.store.pool).await.is_err(), "{}: on update too", db.name);
            // Every column's check is in place, once, and a second start adds nothing.
            db.store.migrate().await.expect("migrates again");
            let all = all_checks(&db.store).await.expect("checks");
            for c in columns() {
                assert_eq!(of(&c, &all), names(db.store.backend, &c), "{}: {}.{}", db.name, c.table, c.column);
            }
            assert_eq!(all.len(), columns().iter().map(|c| names(db.store.backend, c).len()).sum::<usize>(), "{}: no other check", db.name);
            db.finish().await;
        }
    }

    #[tokio::test]
    async fn a_check_whose_values_changed_is_replaced_and_old_rows_are_checked() {
        for db in TestDb::all().await {
            remove_all(&db.store).await;
            // The check an earlier build put there, for other values (holidays only).
            let earlier = match db.store.backend {
                Backend::Postgres => vec!["ALTER TABLE calendar_day ADD CONSTRAINT ck_calendar_day_kind_00000000 CHECK (kind IN ('holiday'))".to_string()],
                Backend::Sqlite => ["i", "u"]
                    .iter()
                    .map(|s| {
                        let event = if *s == "i" { "INSERT" } else { "UPDATE OF kind" };
                        format!(
                            "CREATE TRIGGER ck_calendar_day_kind_00000000_{s} BEFORE {event} ON calendar_day FOR EACH ROW WHEN NOT (NEW.kind IN ('holiday')) \
                             BEGIN SELECT RAISE(ABORT, 'old'); END"
                        )
                    })
                    .collect(),
            };
            for sql in earlier {
                sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&db.store.pool).await.expect("an earlier check");
            }
            assert!(
                sqlx::query(sqlx::AssertSqlSafe(GOOD.replace("holiday", "workday"))).execute(&db.store.pool).await.is_err(),
                "{}: the earlier check",
                db.name
            );
            ensure(&db.store).await.expect("the earlier check replaced");
            sqlx::query(sqlx::AssertSqlSafe(GOOD.replace("holiday", "workday"))).execute(&db.store.pool).await.expect("a value the earlier check refused");
            remove_all(&db.store).await;
            sqlx::query(BAD).execute(&db.store.pool).await.expect("no check: written");
            // A database holding a value this build does not know refuses to start.
            assert!(ensure(&db.store).await.is_err(), "{}: the unknown kind stops the start", db.name);
            sqlx::query("DELETE FROM calendar_day WHERE kind = 'feast'").execute(&db.store.pool).await.expect("delete");
            ensure(&db.store).await.expect("checks in place");
            let c = columns().into_iter().find(|c| c.table == "calendar_day").expect("calendar_day");
            assert_eq!(of(&c, &all_checks(&db.store).await.expect("checks")), names(db.store.backend, &c));
            db.finish().await;
        }
    }
}
