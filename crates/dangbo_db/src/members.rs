//! Members: create, record events, open a record, and list as of a date.
//!
//! Writes append to `member_event`, then replay all of the member's events (dangbo_core) and
//! rewrite the derived `member` row and `member_span` rows in the same transaction.

use crate::command::Right;
use crate::orgs::org_in_tx;
use crate::rows::{date, iso};
use crate::scope::MEMBER_IN_SCOPE;
use crate::{Caller, DbError, Store, new_id, now};
use chrono::NaiveDate;
use dangbo_core::FieldErrors;
use dangbo_core::event::{Derived, EventData, EventKind, EventRecord, NewEvent, replay_by};
use dangbo_core::member::{AgeBand, NewMember, Status};
use dangbo_core::org::Basis;
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

/// The filter value that asks for members whose level (education, professional, theory) is
/// not recorded (stored empty). No level is spelt "-".
pub const NOT_RECORDED: &str = "-";

/// Filters of a member list. `org` limits to a subtree; `as_of` defaults to today.
#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    pub org: Option<String>,
    pub q: Option<String>,
    pub status: Option<Status>,
    pub sex: Option<String>,
    pub ethnicity: Option<String>,
    pub age_band: Option<AgeBand>,
    pub religion: Option<String>,
    /// A level's stored value, or [`NOT_RECORDED`] for members with none.
    pub education: Option<String>,
    pub professional: Option<String>,
    pub theory: Option<String>,
    pub as_of: Option<NaiveDate>,
    pub limit: i64,
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberItem {
    pub id: String,
    pub full_name: String,
    pub org: String,
    pub org_name: String,
    pub status: Status,
    pub sex: String,
    pub birth_date: NaiveDate,
    pub ceremony_date: NaiveDate,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberPage {
    pub items: Vec<MemberItem>,
    pub total: i64,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberEventRow {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub effective_on: NaiveDate,
    pub decision_no: Option<String>,
    pub decision_date: Option<NaiveDate>,
    pub issuer: Option<String>,
    pub data: serde_json::Value,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// A member's full record: the derived state and every event.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberDetail {
    pub id: String,
    pub full_name: String,
    pub person: dangbo_core::member::Person,
    pub party: dangbo_core::member::PartyRecord,
    pub status: Status,
    pub org: String,
    pub org_name: String,
    pub host_org: Option<String>,
    pub episode: i64,
    pub full_date: Option<NaiveDate>,
    pub exit_date: Option<NaiveDate>,
    /// The full member helping during probation: (id, name).
    /// A tuple: an array of its values in order.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<serde_json::Value>>))]
    pub helper: Option<(String, String)>,
    /// The transfer letter issued and not yet received: (to branch code, destination, issued on).
    /// A tuple: an array of its values in order.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<serde_json::Value>>))]
    pub pending_transfer: Option<(Option<String>, String, NaiveDate)>,
    /// Tuổi đảng counts from this date (first admission decision plus gaps).
    pub party_age_from: NaiveDate,
    pub events: Vec<MemberEventRow>,
}

impl Store {
    /// Adds a member: an admission (and, for a long-standing member, the recognition) event.
    /// A citizen ID or card number already in the register (anywhere) is refused, and the
    /// refusal is logged with the number asked about: the answer says the number exists.
    #[tracing::instrument(skip_all)]
    pub async fn create_member(&self, caller: &Caller, new: NewMember) -> Result<String, DbError> {
        let asked = (new.person.cccd.clone(), new.party.card_no.clone());
        let created = self.create_member_checked(caller, new).await;
        if let Err(DbError::Invalid(e)) = &created
            && (e.has("cccd", "err-cccd-taken") || e.has("card_no", "err-card-taken"))
        {
            self.log_read(caller, "member.key_taken", "member", "", serde_json::json!({"cccd": asked.0, "card_no": asked.1})).await?;
        }
        created
    }

    async fn create_member_checked(&self, caller: &Caller, new: NewMember) -> Result<String, DbError> {
        self.command(caller, Right::Write, async |c| {
            let org = org_in_tx(&mut c.tx, c.caller, new.org.as_str()).await?.ok_or_else(|| DbError::field("org", "err-org-unknown"))?;
            if !org.kind.holds_members() {
                return Err(DbError::field("org", "err-org-not-branch"));
            }
            if org.ended_on.is_some() || org.founded_on > new.party.ceremony_date {
                return Err(DbError::field("org", "err-org-not-alive"));
            }
            self.check_person_refs(&mut c.tx, &new.person.ethnicity, &new.person.religion).await?;
            let id = new_id();
            let mut events = vec![EventData::Admitted { person: new.person.clone(), party: new.party.clone(), org_id: org.id.clone() }];
            let mut dates = vec![new.party.ceremony_date];
            if let Some(f) = new.full_date {
                events.push(EventData::Recognised {});
                dates.push(f);
            }
            let events = events.into_iter().zip(dates).map(|(d, on)| (on, d, new.basis.clone())).collect();
            insert_member(c, &id, events).await?;
            Ok(id)
        })
        .await
    }

    pub(crate) async fn check_person_refs(&self, tx: &mut Transaction<'static, Any>, ethnicity: &str, religion: &str) -> Result<(), DbError> {
        let mut e = FieldErrors::new();
        if !self.ref_exists(tx, "ethnicity", ethnicity).await? {
            e.add("ethnicity", "err-choice");
        }
        if !self.ref_exists(tx, "religion", religion).await? {
            e.add("religion", "err-choice");
        }
        e.into_result(()).map_err(DbError::Invalid)
    }

    /// Records one event on a member in the caller's scope. A change to a CCCD or card number
    /// already in the register is refused and the refusal logged, as for a new member.
    #[tracing::instrument(skip_all)]
    pub async fn record_event(&self, caller: &Caller, member_id: &str, ev: NewEvent, today: NaiveDate) -> Result<String, DbError> {
        let recorded = self.record_event_checked(caller, member_id, ev, today).await;
        if let Err(DbError::Invalid(e)) = &recorded
            && (e.has("cccd", "err-cccd-taken") || e.has("card_no", "err-card-taken"))
        {
            self.log_read(caller, "member.key_taken", "member", member_id, serde_json::json!({})).await?;
        }
        recorded
    }

    async fn record_event_checked(&self, caller: &Caller, member_id: &str, ev: NewEvent, today: NaiveDate) -> Result<String, DbError> {
        let right = if ev.kind.is_committee_decision() { Right::Committee } else { Right::Write };
        self.command(caller, right, async |c| {
            if !member_visible(&mut c.tx, c.caller, member_id).await? {
                return Err(DbError::NotFound);
            }
            let org_id = match &ev.org {
                None => None,
                Some(code) => {
                    // A transfer letter may name any branch of the register: the receiving one is
                    // usually outside the sender's scope (organisation names are not confidential).
                    let o = if matches!(ev.kind, EventKind::TransferIssued | EventKind::TempAttached) {
                        crate::orgs::org_any(&mut c.tx, code.as_str()).await?
                    } else {
                        org_in_tx(&mut c.tx, c.caller, code.as_str()).await?
                    };
                    let o = o.ok_or_else(|| DbError::field("org", "err-org-unknown"))?;
                    if !o.kind.holds_members() {
                        return Err(DbError::field("org", "err-org-not-branch"));
                    }
                    if o.ended_on.is_some_and(|e| e <= ev.effective_on) || o.founded_on > ev.effective_on {
                        return Err(DbError::field("org", "err-org-not-alive"));
                    }
                    Some(o.id)
                }
            };
            // An open inspection on signs of violation or a denunciation holds the transfer and
            // the end of probation until it closes (domain.md §2.5); the case itself stays
            // confidential.
            if matches!(ev.kind, EventKind::TransferIssued | EventKind::Recognised) && held_by_case(&mut c.tx, member_id).await? {
                return Err(DbError::field("kind", "err-member-held-by-case"));
            }
            let current = derive(&mut c.tx, member_id).await?;
            let ev = recognition_on_due_date(ev, &current);
            let data = if ev.kind == EventKind::Corrected {
                let target = ev.input.corrects.as_deref().unwrap_or("").trim().to_string();
                let row = sqlx::query("SELECT kind, data FROM member_event WHERE id = $1 AND member_id = $2")
                    .bind(&target)
                    .bind(member_id)
                    .fetch_optional(&mut *c.tx)
                    .await?;
                let Some(row) = row else { return Err(DbError::field("corrects", "err-event-unknown")) };
                let kind: String = row.try_get("kind")?;
                let old: EventData = serde_json::from_str(&row.try_get::<String, _>("data")?)?;
                let kind = crate::rows::decoded(&kind, EventKind::parse, "EventKind")?;
                // The date of an admission is a core field of the file: changed by decision only.
                if matches!(kind, EventKind::Admitted | EventKind::TransferredIn | EventKind::Readmitted) && ev.basis.decision_no.is_none() {
                    return Err(DbError::field("decision_no", "err-core-needs-decision"));
                }
                let replacement = match kind {
                    EventKind::Corrected => return Err(DbError::field("corrects", "err-event-unknown")),
                    // The admission's date is its ceremony's: corrected together.
                    EventKind::Admitted => match old {
                        EventData::Admitted { person, mut party, org_id } => {
                            party.ceremony_date = ev.effective_on;
                            EventData::Admitted { person, party, org_id }
                        }
                        other => other,
                    },
                    EventKind::TransferredIn => old,
                    k if k.needs_org() && org_id.is_none() => old,
                    k => ev.data(k, org_id, &current.person, today)?,
                };
                EventData::Corrected { event_id: target, effective_on: ev.effective_on, data: Box::new(replacement) }
            } else {
                ev.data(ev.kind, org_id, &current.person, today)?
            };
            if let EventData::HelperAssigned { helper_id } = &data {
                if helper_id == member_id {
                    return Err(DbError::field("helper", "err-same-member"));
                }
                check_full_member(&mut c.tx, c.caller, helper_id, ev.effective_on, "helper").await?;
            }
            if let EventData::InfoChanged { person, .. } = &data {
                self.check_person_refs(&mut c.tx, &person.ethnicity, &person.religion).await?;
            }
            let id = append_event(c, member_id, ev.effective_on, &ev.basis, data).await?;
            Ok(id)
        })
        .await
    }
}

/// Whether the member has an open case that holds a transfer or the end of probation.
pub(crate) async fn held_by_case(tx: &mut Transaction<'static, Any>, member_id: &str) -> Result<bool, DbError> {
    let holding: Vec<String> = dangbo_core::discipline::CaseKind::ALL.iter().filter(|k| k.holds_member()).map(|k| format!("'{}'", k.as_str())).collect();
    let sql = format!("SELECT COUNT(*) FROM discipline_case WHERE member_id = $1 AND closed_on IS NULL AND kind IN ({})", holding.join(", "));
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(member_id).fetch_one(&mut **tx).await?;
    Ok(n > 0)
}

/// A member (`m`, branch `o`) is visible in the caller's scope, to the branch a transfer letter
/// is addressed to (the receiving half of a transfer), and to the branch hosting a temporary
/// attachment. Binds the scope as $1–$3 ([`crate::scope::ScopeArgs`]).
pub(crate) fn member_visible_cond() -> String {
    format!(
        "({MEMBER_IN_SCOPE}
           OR EXISTS (SELECT 1 FROM member_transfer t JOIN org r ON r.id = t.to_org_id WHERE t.member_id = m.id AND $1 <> 1 AND r.path LIKE $2)
           OR EXISTS (SELECT 1 FROM member_attachment a JOIN org h ON h.id = a.host_org_id WHERE a.member_id = m.id AND $1 <> 1 AND h.path LIKE $2))"
    )
}

/// Whether the caller may see the member ([`member_visible_cond`]).
pub(crate) async fn member_visible(tx: &mut Transaction<'static, Any>, caller: &Caller, member_id: &str) -> Result<bool, DbError> {
    let s = caller.scope();
    let sql = format!("SELECT COUNT(*) FROM member m JOIN org o ON o.id = m.org_id WHERE m.id = $4 AND {}", member_visible_cond());
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(&s.self_id).bind(member_id).fetch_one(&mut **tx).await?;
    Ok(n > 0)
}

pub(crate) async fn load_events(tx: &mut Transaction<'static, Any>, member_id: &str) -> Result<Vec<EventRecord>, DbError> {
    let rows =
        sqlx::query("SELECT id, seq, effective_on, data FROM member_event WHERE member_id = $1 ORDER BY seq").bind(member_id).fetch_all(&mut **tx).await?;
    rows.iter()
        .map(|r| {
            Ok(EventRecord {
                id: r.try_get("id")?,
                seq: r.try_get("seq")?,
                effective_on: date(&r.try_get::<String, _>("effective_on")?)?,
                data: serde_json::from_str(&r.try_get::<String, _>("data")?)?,
            })
        })
        .collect()
}

/// A recognition takes effect on the day the twelve months end, however late the branch met or
/// the committee decided (QĐ 24 §4.2.2): the date given becomes the decision date (unless one
/// is given) and the event is dated on the due date. A date before the due date is left for
/// replay to refuse.
fn recognition_on_due_date(mut ev: NewEvent, current: &Derived) -> NewEvent {
    if ev.kind != EventKind::Recognised {
        return ev;
    }
    let due = dangbo_core::rules::full_membership_date(current.party.ceremony_date);
    if ev.effective_on > due {
        if ev.basis.decision_date.is_none() {
            ev.basis.decision_date = Some(ev.effective_on);
        }
        ev.effective_on = due;
    }
    ev
}

pub(crate) async fn derive(tx: &mut Transaction<'static, Any>, member_id: &str) -> Result<Derived, DbError> {
    let book = crate::rules::load_rules(tx).await?;
    derive_by(tx, member_id, &book).await
}

/// As [`derive`], by a rule book already loaded (many members in one transaction).
pub(crate) async fn derive_by(tx: &mut Transaction<'static, Any>, member_id: &str, book: &dangbo_core::rules::RuleBook) -> Result<Derived, DbError> {
    let events = load_events(tx, member_id).await?;
    Ok(replay_by(&events, book)?)
}

/// Inserts a new member from its first events (used by the API and the demo loader).
pub(crate) async fn insert_member(c: &mut crate::command::Cmd<'_>, id: &str, events: Vec<(NaiveDate, EventData, Basis)>) -> Result<(), DbError> {
    let records: Vec<EventRecord> =
        events.iter().enumerate().map(|(i, (on, data, _))| EventRecord { id: new_id(), seq: i as i64 + 1, effective_on: *on, data: data.clone() }).collect();
    let book = crate::rules::load_rules(&mut c.tx).await?;
    let d = replay_by(&records, &book)?;
    check_unique(&mut c.tx, id, &d).await?;
    let counted = crate::tally::before(&mut c.tx, id).await?;
    write_member(&mut c.tx, id, &d, true).await?;
    for (r, (_, _, basis)) in records.iter().zip(&events) {
        insert_event(&mut c.tx, c.caller, id, r, basis).await?;
    }
    write_spans(&mut c.tx, id, &d).await?;
    crate::tally::after(&mut c.tx, counted, &d).await?;
    c.audit("member.create", "member", id, None, Some(serde_json::to_value(&d.person)?)).await?;
    Ok(())
}

/// Appends an event, replays, rewrites the derived rows, and logs it. Returns the event id.
pub(crate) async fn append_event(c: &mut crate::command::Cmd<'_>, member_id: &str, on: NaiveDate, basis: &Basis, data: EventData) -> Result<String, DbError> {
    let mut events = load_events(&mut c.tx, member_id).await?;
    let book = crate::rules::load_rules(&mut c.tx).await?;
    let before = replay_by(&events, &book)?;
    let seq = events.iter().map(|e| e.seq).max().unwrap_or(0) + 1;
    let record = EventRecord { id: new_id(), seq, effective_on: on, data };
    events.push(record.clone());
    let after = replay_by(&events, &book)?;
    check_unique(&mut c.tx, member_id, &after).await?;
    insert_event(&mut c.tx, c.caller, member_id, &record, basis).await?;
    let counted = crate::tally::before(&mut c.tx, member_id).await?;
    write_member(&mut c.tx, member_id, &after, false).await?;
    write_spans(&mut c.tx, member_id, &after).await?;
    crate::tally::after(&mut c.tx, counted, &after).await?;
    let summary = |d: &Derived| serde_json::json!({"status": d.status.as_str(), "org_id": d.org_id, "person": d.person, "party": d.party});
    c.audit(&format!("member.{}", record.data.kind().as_str()), "member", member_id, Some(summary(&before)), Some(summary(&after))).await?;
    Ok(record.id)
}

async fn check_unique(tx: &mut Transaction<'static, Any>, id: &str, d: &Derived) -> Result<(), DbError> {
    let mut e = FieldErrors::new();
    if let Some(c) = &d.person.cccd {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM member WHERE cccd = $1 AND id <> $2").bind(c).bind(id).fetch_one(&mut **tx).await?;
        if n > 0 {
            e.add("cccd", "err-cccd-taken");
        }
    }
    if let Some(c) = &d.party.card_no {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM member WHERE card_no = $1 AND id <> $2").bind(c).bind(id).fetch_one(&mut **tx).await?;
        if n > 0 {
            e.add("card_no", "err-card-taken");
        }
    }
    e.into_result(()).map_err(DbError::Invalid)
}

async fn insert_event(tx: &mut Transaction<'static, Any>, caller: &Caller, member_id: &str, r: &EventRecord, basis: &Basis) -> Result<(), DbError> {
    let sql = "INSERT INTO member_event (id, member_id, seq, kind, effective_on, decision_no, decision_date, issuer, data, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
    crate::bulk::bind_all(sqlx::query(sql), event_values(member_id, r, basis, now(), &caller.username)?).execute(&mut **tx).await?;
    Ok(())
}

/// A `member_event` row ([`crate::bulk::MEMBER_EVENT`]).
pub(crate) fn event_values(member_id: &str, r: &EventRecord, basis: &Basis, recorded_at: String, recorded_by: &str) -> Result<Vec<crate::bulk::Val>, DbError> {
    Ok(vec![
        r.id.as_str().into(),
        member_id.into(),
        r.seq.into(),
        r.data.kind().as_str().into(),
        iso(r.effective_on).into(),
        basis.decision_no.as_ref().into(),
        basis.decision_date.map(iso).into(),
        basis.issuer.as_ref().into(),
        serde_json::to_string(&r.data)?.into(),
        recorded_at.into(),
        recorded_by.into(),
    ])
}

/// An introducer (or a probationary member's helper) must be a full member, in the caller's
/// scope, on the date.
pub(crate) async fn check_full_member(tx: &mut Transaction<'static, Any>, caller: &Caller, member_id: &str, on: NaiveDate, field: &str) -> Result<(), DbError> {
    let s = caller.scope();
    let sql = format!(
        "SELECT COUNT(*) FROM member_span ms JOIN member m ON m.id = ms.member_id JOIN org o ON o.id = ms.org_id
         WHERE ms.member_id = $4 AND ms.status IN ('full', 'exempt') AND ms.valid_from <= $5 AND (ms.valid_to IS NULL OR ms.valid_to > $5)
           AND {}",
        crate::scope::MEMBER_IN_SCOPE
    );
    let n: i64 =
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(&s.self_id).bind(member_id).bind(iso(on)).fetch_one(&mut **tx).await?;
    if n == 0 {
        return Err(DbError::field(field, "err-introducer-not-full"));
    }
    Ok(())
}

mod derived;
pub(crate) use derived::{MEMBER_UPDATE, episode_values, is_name_word, member_values, repath_words, span_values, word_values, words_of};
use derived::{write_member, write_spans};

mod rebuild;

mod list;
mod list_plan;
pub(crate) use list::page_of;
pub use list_plan::MAX_PAGE;
pub(crate) use list_plan::decode_cursor;
pub(crate) use rebuild::rebuild_missing;
