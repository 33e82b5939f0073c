//! A read model above the features: a member's record as the profile page shows it, with
//! their posts, moves, courses, votes and assignments: read in one snapshot without the write lock,
//! then the opening logged by group commit (`audit::OpeningLog`), so that readers of different
//! files no longer queue behind each other for SQLite's one writer.

use crate::cadre::{MoveRow, PositionRow, member_cadre_in};
use crate::courses::{ParticipantRow, member_courses_in};
use crate::meetings::{AssignmentRow, VoteRow, member_assignments_in, member_votes_in};
use crate::members::{MemberDetail, MemberEventRow, member_visible_cond};
use crate::rows::{date, iso, opt_date};
use crate::scope::MEMBER_IN_SCOPE;
use crate::{Caller, DbError, Store};
use chrono::NaiveDate;
use dangbo_core::event::{Derived, EventData, EventRecord, replay_by};
use dangbo_core::member::Status;
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

/// Everything the member profile shows, read in one snapshot.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberProfile {
    pub detail: MemberDetail,
    /// The ethnic group's name ("Kinh"), or its code when the reference list lacks it.
    pub ethnicity: String,
    /// For a probationary member, to a caller who may write: the full members of the branch who
    /// can be assigned to help, (id, name) sorted by given name.
    /// A tuple: an array of its values in order.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<serde_json::Value>>))]
    pub helpers: Vec<(String, String)>,
    pub positions: Vec<PositionRow>,
    pub moves: Vec<MoveRow>,
    pub assignments: Vec<AssignmentRow>,
    pub courses: Vec<ParticipantRow>,
    /// Votes about the member: (meeting id, held on, vote).
    /// A tuple: an array of its values in order.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<serde_json::Value>>))]
    pub votes: Vec<(String, NaiveDate, VoteRow)>,
    /// Whether a photo is on file.
    pub has_photo: bool,
    /// Penalties decided on the member (kỷ luật), newest first.
    pub penalties: Vec<crate::discipline::PenaltyRow>,
}

impl Store {
    /// Opens a member's full record (and logs the opening).
    #[tracing::instrument(skip_all)]
    pub async fn member(&self, caller: &Caller, member_id: &str) -> Result<MemberDetail, DbError> {
        let mut tx = self.read().await?;
        let (detail, _) = self.refused_logged(caller, member_id, detail_in(&mut tx, caller, member_id).await).await?;
        tx.commit().await?;
        self.log_opening(caller, "member.open", "member", member_id).await?;
        Ok(detail)
    }

    /// Opens a member's profile: the record and everything the page lists about the member,
    /// from one snapshot; the opening is logged before anything is returned.
    #[tracing::instrument(skip_all)]
    pub async fn member_profile(&self, caller: &Caller, member_id: &str, today: NaiveDate) -> Result<MemberProfile, DbError> {
        let mut tx = self.read().await?;
        let (detail, head) = self.refused_logged(caller, member_id, detail_in(&mut tx, caller, member_id).await).await?;
        let has = |i: usize| head.lists[i] > 0;
        let helpers = match detail.status == Status::Probationary && caller.can_write() {
            true => helpers_in(&mut tx, caller, &head.org_id, today).await?,
            false => vec![],
        };
        let (positions, moves) = if has(0) || has(1) { member_cadre_in(&mut tx, member_id).await? } else { (vec![], vec![]) };
        let assignments = if has(2) { member_assignments_in(&mut tx, caller, member_id).await? } else { vec![] };
        let courses = if has(3) { member_courses_in(&mut tx, caller, member_id).await? } else { vec![] };
        let votes = if has(4) { member_votes_in(&mut tx, member_id).await? } else { vec![] };
        let penalties = if has(6) { crate::discipline::member_penalties(&mut tx, member_id).await? } else { vec![] };
        tx.commit().await?;
        self.log_opening(caller, "member.open", "member", member_id).await?;
        let ethnicity = head.ethnicity.unwrap_or_else(|| detail.person.ethnicity.clone());
        Ok(MemberProfile { detail, ethnicity, helpers, positions, moves, assignments, courses, votes, has_photo: has(5), penalties })
    }
}

impl Store {
    /// A file the caller may not open (out of scope, or no such member) is logged as refused
    /// before the refusal is returned: probing for files leaves a trace.
    async fn refused_logged<T>(&self, caller: &Caller, member_id: &str, read: Result<T, DbError>) -> Result<T, DbError> {
        if let Err(DbError::NotFound) = &read {
            let id: String = member_id.chars().filter(|c| !c.is_control()).take(64).collect();
            self.log_read(caller, "member.open_refused", "member", &id, serde_json::json!({})).await?;
        }
        read
    }
}

/// What the record's statement finds about a member the caller may see, beside the events: the
/// branch, the ethnic group's name and how many rows each list of the profile has (most
/// members have none).
struct Head {
    org_id: String,
    org_code: String,
    org_name: String,
    ethnicity: Option<String>,
    /// Positions, moves, assignments, courses, votes, photos, penalties.
    lists: [i64; 7],
}

/// A member's record as one statement reads it: the head and the events, replayed.
struct Record {
    head: Head,
    events: Vec<MemberEventRow>,
    derived: Derived,
}

/// The head's columns on every row, then one event's (`LEFT JOIN`: no row at all when the
/// caller may not see the member).
fn record_sql() -> String {
    format!(
        "WITH h AS MATERIALIZED (
           SELECT m.id AS member_id, o.id AS org_id, o.code AS org_code, o.name AS org_name,
                  (SELECT r.name FROM ref_item r WHERE r.kind = 'ethnicity' AND r.code = m.ethnicity) AS ethnicity_name,
                  (SELECT COUNT(*) FROM position WHERE member_id = m.id) AS n_positions, (SELECT COUNT(*) FROM cadre_move WHERE member_id = m.id) AS n_moves,
                  (SELECT COUNT(*) FROM member_assignment WHERE member_id = m.id) AS n_assignments,
                  (SELECT COUNT(*) FROM course_participant WHERE member_id = m.id) AS n_courses,
                  (SELECT COUNT(*) FROM meeting_vote WHERE member_id = m.id) AS n_votes,
                  (SELECT COUNT(*) FROM member_photo WHERE member_id = m.id) AS n_photos,
                  (SELECT COUNT(*) FROM discipline_penalty WHERE member_id = m.id) AS n_penalties
           FROM member m JOIN org o ON o.id = m.org_id WHERE m.id = $4 AND {})
         SELECT h.org_id, h.org_code, h.org_name, h.ethnicity_name, h.n_positions, h.n_moves, h.n_assignments, h.n_courses, h.n_votes, h.n_photos, h.n_penalties,
                e.id, e.seq, e.kind, e.effective_on, e.decision_no, e.decision_date, e.issuer, e.data, e.recorded_at, e.recorded_by
         FROM h LEFT JOIN member_event e ON e.member_id = h.member_id ORDER BY e.seq",
        member_visible_cond()
    )
}

/// Reads a member's record in one statement, if the caller may see it.
async fn read_record(tx: &mut Transaction<'static, Any>, caller: &Caller, member_id: &str) -> Result<Record, DbError> {
    let s = caller.scope();
    let rows = sqlx::query(sqlx::AssertSqlSafe(record_sql())).bind(s.all).bind(&s.prefix).bind(&s.self_id).bind(member_id).fetch_all(&mut **tx).await?;
    let first = rows.first().ok_or(DbError::NotFound)?;
    let mut lists = [0; 7];
    for (n, name) in lists.iter_mut().zip(["n_positions", "n_moves", "n_assignments", "n_courses", "n_votes", "n_photos", "n_penalties"]) {
        *n = first.try_get(name)?;
    }
    let head = Head {
        org_id: first.try_get("org_id")?,
        org_code: first.try_get("org_code")?,
        org_name: first.try_get("org_name")?,
        ethnicity: first.try_get("ethnicity_name")?,
        lists,
    };
    // One read of the events serves the replay (in recording order) and the timeline (by date).
    let mut records = Vec::with_capacity(rows.len());
    let mut events = Vec::with_capacity(rows.len());
    for r in rows.iter().filter(|r| r.try_get::<Option<String>, _>("id").ok().flatten().is_some()) {
        let data: serde_json::Value = serde_json::from_str(&r.try_get::<String, _>("data")?)?;
        let effective_on = date(&r.try_get::<String, _>("effective_on")?)?;
        records.push(EventRecord { id: r.try_get("id")?, seq: r.try_get("seq")?, effective_on, data: serde_json::from_value::<EventData>(data.clone())? });
        events.push(MemberEventRow {
            id: r.try_get("id")?,
            kind: r.try_get("kind")?,
            effective_on,
            decision_no: r.try_get("decision_no")?,
            decision_date: opt_date(r.try_get("decision_date")?)?,
            issuer: r.try_get("issuer")?,
            data,
            recorded_at: r.try_get("recorded_at")?,
            recorded_by: r.try_get("recorded_by")?,
        });
    }
    // Stable: events of one date keep their recording order.
    events.sort_by_key(|e| e.effective_on);
    let derived = replay_by(&records, &crate::rules::load_rules(tx).await?)?;
    Ok(Record { head, events, derived })
}

/// The member's record, if the caller may see the member, and its head.
async fn detail_in(tx: &mut Transaction<'static, Any>, caller: &Caller, member_id: &str) -> Result<(MemberDetail, Head), DbError> {
    let rec = read_record(tx, caller, member_id).await?;
    let d = &rec.derived;
    let host: Option<String> = match &d.host_org_id {
        Some(h) => sqlx::query_scalar("SELECT code FROM org WHERE id = $1").bind(h).fetch_optional(&mut **tx).await?,
        None => None,
    };
    let helper = match &d.helper_id {
        Some(h) => {
            sqlx::query_scalar::<_, String>("SELECT full_name FROM member WHERE id = $1").bind(h).fetch_optional(&mut **tx).await?.map(|n| (h.clone(), n))
        }
        None => None,
    };
    let pending_transfer = match &d.pending_transfer {
        None => None,
        Some(t) => {
            let code: Option<String> = match &t.org_id {
                Some(o) => sqlx::query_scalar("SELECT code FROM org WHERE id = $1").bind(o).fetch_optional(&mut **tx).await?,
                None => None,
            };
            Some((code, t.destination.clone(), t.issued_on))
        }
    };
    Ok(detail_of(member_id, rec, host, helper, pending_transfer))
}

fn detail_of(
    member_id: &str,
    rec: Record,
    host_org: Option<String>,
    helper: Option<(String, String)>,
    pending_transfer: Option<(Option<String>, String, NaiveDate)>,
) -> (MemberDetail, Head) {
    let Record { head, events, derived: d } = rec;
    let detail = MemberDetail {
        id: member_id.to_string(),
        full_name: d.person.full_name(),
        party_age_from: dangbo_core::badge::party_age_start(&d),
        person: d.person,
        party: d.party,
        status: d.status,
        org: head.org_code.clone(),
        org_name: head.org_name.clone(),
        host_org,
        episode: d.episode,
        full_date: d.full_date,
        exit_date: d.exit_date,
        helper,
        pending_transfer,
        events,
    };
    (detail, head)
}

/// The full members of a branch on `today` within the caller's scope, sorted by given name
/// (at most 500, as a list page).
async fn helpers_in(tx: &mut Transaction<'static, Any>, caller: &Caller, org_id: &str, today: NaiveDate) -> Result<Vec<(String, String)>, DbError> {
    let s = caller.scope();
    let sql = format!(
        "SELECT m.id, m.full_name FROM member_span ms JOIN member m ON m.id = ms.member_id JOIN org o ON o.id = ms.org_id
         WHERE ms.org_id = $4 AND ms.valid_from <= $5 AND (ms.valid_to IS NULL OR ms.valid_to > $5) AND ms.status = $6 AND {MEMBER_IN_SCOPE}
         ORDER BY m.sort_key, m.id LIMIT 500"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(s.all)
        .bind(&s.prefix)
        .bind(&s.self_id)
        .bind(org_id)
        .bind(iso(today))
        .bind(Status::Full.as_str())
        .fetch_all(&mut **tx)
        .await?;
    rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("full_name")?))).collect()
}
