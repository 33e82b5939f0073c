//! The one path of every write: [`Store::command`] checks the caller's right, opens the write
//! transaction, runs the change, insists it wrote its audit row, and commits — so a command is
//! its change alone and cannot forget a step. Reads that want one consistent snapshot take
//! [`Store::read`], which PostgreSQL runs read-only: a write slipped into a read fails there.
//!
//! CI checks that no other module opens a transaction or writes an audit row (`.ci/run`).

use crate::{Caller, DbError, Store, new_id, now};
use sqlx::{Any, Transaction};

/// What a caller needs for a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Right {
    /// Staff, secretaries and admins: writes in their own subtree (the change checks the
    /// subtree, which is part of its SQL).
    Write,
    /// The committee's staff and admins: decisions of the committee and the tree's structure.
    Committee,
    /// Admins alone (users, rules, the calendar, the demo).
    Admin,
    /// The inspection commission's members and admins: cases, discipline, complaints.
    Inspect,
    /// Anyone, the command itself deciding (a login, a change of one's own password, a logout).
    Any,
}

impl Right {
    fn allows(self, caller: &Caller) -> bool {
        match self {
            // The role × action table (auth::Role::may).
            Right::Write => caller.can_write(),
            Right::Committee => caller.is_committee(),
            Right::Admin => caller.is_admin(),
            Right::Inspect => caller.may(crate::Action::Inspect),
            Right::Any => true,
        }
    }
}

/// A command under way: its transaction, its caller, and the audit rows it has written.
pub(crate) struct Cmd<'c> {
    pub tx: Transaction<'static, Any>,
    pub caller: &'c Caller,
    audited: usize,
}

impl Cmd<'_> {
    /// Writes the audit row of this change (as the caller), in its transaction.
    pub async fn audit(
        &mut self,
        action: &str,
        entity: &str,
        entity_id: &str,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Result<(), DbError> {
        let actor = self.caller.username.clone();
        self.audit_as(&actor, action, entity, entity_id, before, after).await
    }

    /// An audit row naming someone else than the caller (a login attempt names the username
    /// tried).
    pub async fn audit_as(
        &mut self,
        actor: &str,
        action: &str,
        entity: &str,
        entity_id: &str,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Result<(), DbError> {
        sqlx::query("INSERT INTO audit_log (id, at, actor, action, entity, entity_id, before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(new_id())
            .bind(now())
            .bind(actor)
            .bind(action)
            .bind(entity)
            .bind(entity_id)
            .bind(before.map(|v| v.to_string()))
            .bind(after.map(|v| v.to_string()))
            .execute(&mut *self.tx)
            .await?;
        self.audited += 1;
        Ok(())
    }

    /// Marks a change that is bookkeeping, not a fact anyone recorded (a session closed, a
    /// derived count rebuilt): it needs no audit row, and says so where it is written.
    pub fn unaudited(&mut self, _why: &'static str) {
        self.audited += 1;
    }
}

impl Store {
    /// Runs `change` as one command of `caller`: refused with [`DbError::Forbidden`] before
    /// anything is read when the caller lacks `right`; otherwise one write transaction (on
    /// SQLite holding the one write lock for its whole life), committed only when the change
    /// succeeded and wrote its audit row. Any error rolls everything back.
    pub(crate) async fn command<T>(&self, caller: &Caller, right: Right, change: impl AsyncFnOnce(&mut Cmd<'_>) -> Result<T, DbError>) -> Result<T, DbError> {
        if !right.allows(caller) {
            return Err(DbError::Forbidden);
        }
        let w = self.write().await?;
        // What a command reads to decide is the caller's own subtree: an inherited
        // predecessor's history is read-only.
        let writer = Caller { writing: true, ..caller.clone() };
        let mut cmd = Cmd { tx: w.tx, caller: &writer, audited: 0 };
        let out = match change(&mut cmd).await {
            Ok(_) if cmd.audited == 0 => Err(DbError::Internal(anyhow::anyhow!("a command wrote no audit row"))),
            done => done,
        };
        let out = match out {
            Ok(out) => out,
            Err(e) => {
                // Rolled back here, under the write lock, not later when the connection is
                // next used.
                let _ = cmd.tx.rollback().await;
                return Err(e);
            }
        };
        cmd.tx.commit().await?;
        drop(w.guard);
        Ok(out)
    }

    /// Upkeep by the system itself (reference lists and rules seeded, derived rows and kept
    /// counts rebuilt): a command of [`Caller::system`] that records no fact anyone stated,
    /// so it writes no audit row; `why` says what it is.
    pub(crate) async fn upkeep<T>(
        &self,
        why: &'static str,
        change: impl AsyncFnOnce(&mut Transaction<'static, Any>) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let system = Caller::system();
        self.command(&system, Right::Admin, async |c| {
            c.unaudited(why);
            change(&mut c.tx).await
        })
        .await
    }

    /// A transaction for reads that must see one state of the database. On PostgreSQL it is
    /// read-only (a write in it fails); on SQLite a deferred transaction, which never takes the
    /// write lock unless it writes.
    pub(crate) async fn read(&self) -> Result<Transaction<'static, Any>, DbError> {
        Ok(match self.backend {
            crate::Backend::Postgres => self.pool.begin_with("BEGIN READ ONLY").await?,
            crate::Backend::Sqlite => self.pool.begin().await?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Right;
    use crate::test_support::TestDb;
    use crate::{Caller, DbError, Role};

    async fn count(db: &TestDb, sql: &'static str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&db.store.pool).await.expect("count")
    }

    const INSERT: &str = "INSERT INTO calendar_day (day, kind, name, recorded_by, recorded_at) VALUES ('2099-01-02', 'holiday', 'x', 't', 't')";
    const DAYS: &str = "SELECT COUNT(*) FROM calendar_day WHERE day = '2099-01-02'";

    #[tokio::test]
    async fn a_command_without_its_audit_row_or_its_right_changes_nothing() {
        for db in TestDb::all().await {
            let admin = Caller::system();
            let forgot = db.store.command(&admin, Right::Admin, async |c| Ok(sqlx::query(INSERT).execute(&mut *c.tx).await?.rows_affected())).await;
            assert!(matches!(forgot, Err(DbError::Internal(_))), "{}: a change without its audit row is refused", db.name);
            assert_eq!(count(&db, DAYS).await, 0, "{}: and rolled back", db.name);

            let viewer = Caller { role: Role::Viewer, ..Caller::named("v") };
            let mut ran = false;
            let refused = db
                .store
                .command(&viewer, Right::Write, async |_| {
                    ran = true;
                    Ok(())
                })
                .await;
            assert!(matches!(refused, Err(DbError::Forbidden)) && !ran, "{}: refused before the change runs", db.name);

            let failed = db
                .store
                .command(&admin, Right::Admin, async |c| {
                    sqlx::query(INSERT).execute(&mut *c.tx).await?;
                    c.audit("test.put", "calendar_day", "2099-01-02", None, None).await?;
                    Err::<(), _>(DbError::field("day", "err-choice"))
                })
                .await;
            assert!(matches!(failed, Err(DbError::Invalid(_))));
            assert_eq!(count(&db, DAYS).await, 0, "{}: a refused change leaves nothing", db.name);
            assert_eq!(count(&db, "SELECT COUNT(*) FROM audit_log WHERE action = 'test.put'").await, 0, "{}: nor its audit row", db.name);

            db.store
                .command(&admin, Right::Admin, async |c| {
                    sqlx::query(INSERT).execute(&mut *c.tx).await?;
                    c.audit("test.put", "calendar_day", "2099-01-02", None, None).await
                })
                .await
                .expect("a whole command commits");
            assert_eq!(count(&db, DAYS).await, 1);
            assert_eq!(count(&db, "SELECT COUNT(*) FROM audit_log WHERE action = 'test.put' AND actor = 'system'").await, 1);
            db.finish().await;
        }
    }

    #[tokio::test]
    async fn a_write_slipped_into_a_read_fails_on_postgres() {
        let Some(db) = TestDb::postgres().await else { return };
        let mut tx = db.store.read().await.expect("read");
        assert!(sqlx::query(INSERT).execute(&mut *tx).await.is_err(), "a read transaction is read-only");
        drop(tx);
        db.finish().await;
    }

    #[tokio::test]
    async fn a_stored_value_this_build_does_not_know_is_an_error_not_a_default() {
        for db in TestDb::all().await {
            db.store.rule_book().await.expect("the built-in rules read back");
            // As a database written by a build that knew more values, without this one's checks.
            crate::stored_enums::remove_all(&db.store).await;
            sqlx::query("INSERT INTO calendar_day (day, kind, name, recorded_by, recorded_at) VALUES ('2099-01-02', 'feast', 'x', 't', 't')")
                .execute(&db.store.pool)
                .await
                .expect("insert");
            assert!(matches!(db.store.work_calendar().await, Err(DbError::Internal(_))), "{}: an unknown kind of day", db.name);
            sqlx::query("INSERT INTO rule_version (rule_id, effective_from, value, citation, confirmed, recorded_by, recorded_at) VALUES ('no-such-rule', '2020-01-01', '1', 'x', 1, 't', 't')")
                .execute(&db.store.pool)
                .await
                .expect("insert");
            assert!(matches!(db.store.rule_book().await, Err(DbError::Internal(_))), "{}: an unknown rule", db.name);
            db.finish().await;
        }
    }
}
