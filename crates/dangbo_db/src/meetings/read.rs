//! Reading meetings: the list of a subtree with attendance and quality, one meeting's minutes
//! with everything recorded at it, and the roster to take attendance from.

use super::proposals::{ProposalRow, proposals_where};
use super::{meeting_in_tx, roster_on};
use crate::movements::SUBTREE_IN_PERIOD;
use crate::rows::{date, iso, opt_date};
use crate::rules::load_rules;
use crate::scope::ORG_IN_SCOPE;
use crate::{Caller, DbError, Store};
use chrono::{Datelike, NaiveDate};
use dangbo_core::meeting::{Attendance, MeetingKind, MeetingState, Presence, Quality, VoteKind, longest_excused_run, quality};
use dangbo_core::rules::RuleBook;
use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingItem {
    pub id: String,
    pub org: String,
    pub org_name: String,
    pub kind: MeetingKind,
    pub state: MeetingState,
    pub planned_on: NaiveDate,
    pub held_on: Option<NaiveDate>,
    pub topic: String,
    pub prepared_on: Option<NaiveDate>,
    pub supervisor_present: bool,
    pub attendance: Attendance,
    pub quorum: bool,
    /// Judged for held meetings only.
    pub quality: Option<Quality>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceRow {
    pub member_id: String,
    pub full_name: String,
    pub presence: Presence,
    pub reason: String,
    pub full_member: bool,
}

/// A member of the branch on the meeting date, with the presence to show in the form.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RosterRow {
    pub member_id: String,
    pub full_name: String,
    pub status: String,
    pub presence: Presence,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoteRow {
    pub id: String,
    pub seq: i64,
    pub kind: VoteKind,
    pub subject: String,
    pub candidate_id: Option<String>,
    pub member_id: Option<String>,
    pub votes_for: i64,
    pub against: i64,
    pub abstain: i64,
    pub base: i64,
    pub passed: bool,
    pub threshold: String,
    pub citation: String,
    pub doc_no: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskRow {
    pub id: String,
    pub meeting_id: String,
    pub title: String,
    pub assignee: Option<String>,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingDetail {
    #[serde(flatten)]
    pub item: MeetingItem,
    pub starts_at: String,
    pub place: String,
    pub agenda: Vec<String>,
    pub documents: Vec<String>,
    pub chair: Option<String>,
    pub secretary: Option<String>,
    pub supervisor: Option<String>,
    pub guests: String,
    pub opinions: String,
    pub conclusions: String,
    pub closed_at: Option<String>,
    /// Whether the caller may change it: false for a predecessor's meeting, which its successor
    /// reads (`org_heirs`).
    pub writable: bool,
    /// Each member's presence. Named apart from the counts (`attendance`) of the flattened item:
    /// one JSON object cannot hold the same key twice.
    #[serde(rename = "attendees")]
    pub attendance: Vec<AttendanceRow>,
    pub votes: Vec<VoteRow>,
    pub tasks: Vec<TaskRow>,
    /// Tasks of earlier meetings of the branch still open, or done since the previous meeting.
    pub earlier_tasks: Vec<TaskRow>,
    pub proposals: Vec<ProposalRow>,
    /// Answered proposals of the branch waiting to be reported back, and those reported here.
    pub to_report: Vec<ProposalRow>,
    pub reported_here: Vec<ProposalRow>,
    /// A tuple: an array of its values in order.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<serde_json::Value>>))]
    pub corrections: Vec<(String, String, String)>,
}

/// Meetings of `root_id`'s subtree planned or held in [from, to], with attendance and quality.
/// Absence runs count from 1 January of each meeting's year.
pub(crate) async fn meetings_in(
    tx: &mut Transaction<'static, Any>,
    caller: &Caller,
    rules: &RuleBook,
    root_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MeetingItem>, DbError> {
    let s = caller.scope();
    let year_start = NaiveDate::from_ymd_opt(from.year(), 1, 1).unwrap_or(from);
    let sql = format!(
        "{SUBTREE_IN_PERIOD} SELECT k.id, o.code AS org, o.name AS org_name, k.kind, k.state, k.planned_on, k.held_on, k.topic, k.prepared_on, k.supervisor_id
         FROM meeting k JOIN sub ON sub.id = k.org_id JOIN org o ON o.id = k.org_id
         WHERE COALESCE(k.held_on, k.planned_on) >= $5 AND COALESCE(k.held_on, k.planned_on) <= $6 AND {ORG_IN_SCOPE} AND ($3 = $3)
         ORDER BY o.code, COALESCE(k.held_on, k.planned_on), k.id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(s.all)
        .bind(&s.prefix)
        .bind(0i64)
        .bind(root_id)
        .bind(iso(year_start))
        .bind(iso(to))
        .fetch_all(&mut **tx)
        .await?;
    let sql = format!(
        "{SUBTREE_IN_PERIOD} SELECT a.meeting_id, a.member_id, a.presence FROM meeting_attendance a JOIN meeting k ON k.id = a.meeting_id JOIN sub ON sub.id = k.org_id
         JOIN org o ON o.id = k.org_id
         WHERE k.held_on >= $5 AND k.held_on <= $6 AND {ORG_IN_SCOPE} AND ($3 = $3)"
    );
    let att = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(s.all)
        .bind(&s.prefix)
        .bind(0i64)
        .bind(root_id)
        .bind(iso(year_start))
        .bind(iso(to))
        .fetch_all(&mut **tx)
        .await?;
    let mut by_meeting: HashMap<String, Vec<(String, Presence)>> = HashMap::new();
    for r in &att {
        let p = crate::rows::decoded(&r.try_get::<String, _>("presence")?, Presence::parse, "Presence")?;
        by_meeting.entry(r.try_get("meeting_id")?).or_default().push((r.try_get("member_id")?, p));
    }
    let mut out = Vec::new();
    // Per branch and year: each member's presences so far, in meeting order.
    let mut history: HashMap<(String, i32), HashMap<String, Vec<Presence>>> = HashMap::new();
    for r in &rows {
        let id: String = r.try_get("id")?;
        let org: String = r.try_get("org")?;
        let held_on = opt_date(r.try_get("held_on")?)?;
        let prepared_on = opt_date(r.try_get("prepared_on")?)?;
        let presences = by_meeting.remove(&id).unwrap_or_default();
        let attendance = Attendance::count(presences.iter().map(|(_, p)| p));
        let mut judged = None;
        if let Some(h) = held_on {
            let seen = history.entry((org.clone(), h.year())).or_default();
            for (m, p) in &presences {
                seen.entry(m.clone()).or_default().push(*p);
            }
            let run = presences.iter().map(|(m, _)| longest_excused_run(seen[m].iter().copied())).max().unwrap_or(0);
            judged = Some(quality(&attendance, run, prepared_on.is_some_and(|p| p <= h), rules, h));
        }
        let on = held_on.unwrap_or(date(&r.try_get::<String, _>("planned_on")?)?);
        if on < from {
            continue;
        }
        out.push(MeetingItem {
            id,
            org,
            org_name: r.try_get("org_name")?,
            kind: crate::rows::decoded(&r.try_get::<String, _>("kind")?, MeetingKind::parse, "MeetingKind")?,
            state: crate::rows::decoded(&r.try_get::<String, _>("state")?, MeetingState::parse, "MeetingState")?,
            planned_on: date(&r.try_get::<String, _>("planned_on")?)?,
            held_on,
            topic: r.try_get("topic")?,
            prepared_on,
            supervisor_present: r.try_get::<Option<String>, _>("supervisor_id")?.is_some(),
            quorum: held_on.is_some_and(|h| attendance.quorum(rules, h)),
            attendance,
            quality: judged,
        });
    }
    Ok(out)
}

fn task_row(r: &sqlx::any::AnyRow) -> Result<TaskRow, DbError> {
    Ok(TaskRow {
        id: r.try_get("id")?,
        meeting_id: r.try_get("meeting_id")?,
        title: r.try_get("title")?,
        assignee: r.try_get("assignee")?,
        due_on: date(&r.try_get::<String, _>("due_on")?)?,
        done_on: opt_date(r.try_get("done_on")?)?,
    })
}

const TASK_COLS: &str = "t.id, t.meeting_id, t.title, m.full_name AS assignee, t.due_on, t.done_on";

fn vote_row(r: &sqlx::any::AnyRow) -> Result<VoteRow, DbError> {
    Ok(VoteRow {
        id: r.try_get("id")?,
        seq: r.try_get("seq")?,
        kind: crate::rows::decoded(&r.try_get::<String, _>("kind")?, VoteKind::parse, "VoteKind")?,
        subject: r.try_get("subject")?,
        candidate_id: r.try_get("candidate_id")?,
        member_id: r.try_get("member_id")?,
        votes_for: r.try_get("votes_for")?,
        against: r.try_get("against")?,
        abstain: r.try_get("abstain")?,
        base: r.try_get("base")?,
        passed: r.try_get::<i64, _>("passed")? == 1,
        threshold: r.try_get("threshold")?,
        citation: r.try_get("citation")?,
        doc_no: r.try_get("doc_no")?,
    })
}

impl Store {
    /// Meetings planned or held in [from, to] under `code`, in the caller's scope.
    #[tracing::instrument(skip_all)]
    pub async fn list_meetings(&self, caller: &Caller, code: &str, from: NaiveDate, to: NaiveDate) -> Result<Vec<MeetingItem>, DbError> {
        let root = self.org(caller, code).await?;
        let mut tx = self.read().await?;
        let rules = load_rules(&mut tx).await?;
        let out = meetings_in(&mut tx, caller, &rules, &root.id, from, to).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// One meeting with its minutes.
    #[tracing::instrument(skip_all)]
    pub async fn meeting(&self, caller: &Caller, id: &str) -> Result<MeetingDetail, DbError> {
        let mut tx = self.read().await?;
        let m = meeting_in_tx(&mut tx, caller, id).await?;
        let rules = load_rules(&mut tx).await?;
        let item = meetings_in(&mut tx, caller, &rules, &m.org.id, m.on(), m.on()).await?.into_iter().find(|i| i.id == id).ok_or(DbError::NotFound)?;
        let r = sqlx::query(
            "SELECT k.starts_at, k.place, k.agenda, k.documents, c.full_name AS chair, s.full_name AS secretary, v.full_name AS supervisor, k.guests, k.opinions, k.conclusions, k.closed_at
             FROM meeting k LEFT JOIN member c ON c.id = k.chair_id LEFT JOIN member s ON s.id = k.secretary_id LEFT JOIN member v ON v.id = k.supervisor_id
             WHERE k.id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let lines = |s: String| s.lines().map(str::to_string).collect::<Vec<_>>();
        let attendance = sqlx::query(
            "SELECT a.member_id, m.full_name, a.presence, a.reason, a.full_member FROM meeting_attendance a JOIN member m ON m.id = a.member_id
             WHERE a.meeting_id = $1 ORDER BY m.sort_key, m.id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| {
            Ok(AttendanceRow {
                member_id: r.try_get("member_id")?,
                full_name: r.try_get("full_name")?,
                presence: crate::rows::decoded(&r.try_get::<String, _>("presence")?, Presence::parse, "Presence")?,
                reason: r.try_get("reason")?,
                full_member: r.try_get::<i64, _>("full_member")? == 1,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
        let votes = sqlx::query(
            "SELECT id, seq, kind, subject, candidate_id, member_id, votes_for, against, abstain, base, passed, threshold, citation, doc_no
             FROM meeting_vote WHERE meeting_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(vote_row)
        .collect::<Result<Vec<_>, _>>()?;
        let tasks_sql =
            format!("SELECT {TASK_COLS} FROM meeting_task t LEFT JOIN member m ON m.id = t.assignee_id WHERE t.meeting_id = $1 ORDER BY t.due_on, t.id");
        let tasks = sqlx::query(sqlx::AssertSqlSafe(tasks_sql)).bind(id).fetch_all(&mut *tx).await?.iter().map(task_row).collect::<Result<Vec<_>, _>>()?;
        // Earlier tasks: from meetings of the branch before this one, open or done since the last.
        let previous: Option<String> = sqlx::query_scalar("SELECT MAX(held_on) FROM meeting WHERE org_id = $1 AND held_on < $2 AND id <> $3")
            .bind(&m.org.id)
            .bind(iso(m.on()))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let earlier_sql = format!(
            "SELECT {TASK_COLS} FROM meeting_task t LEFT JOIN member m ON m.id = t.assignee_id JOIN meeting k ON k.id = t.meeting_id
             WHERE t.org_id = $1 AND k.id <> $2 AND k.held_on < $3 AND (t.done_on IS NULL OR t.done_on >= $4) ORDER BY t.due_on, t.id"
        );
        let earlier_tasks = sqlx::query(sqlx::AssertSqlSafe(earlier_sql))
            .bind(&m.org.id)
            .bind(id)
            .bind(iso(m.on()))
            .bind(previous.unwrap_or_else(|| "0000-01-01".into()))
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(task_row)
            .collect::<Result<Vec<_>, _>>()?;
        let proposals = proposals_where(&mut tx, caller, "p.meeting_id = $3", &[id]).await?;
        let to_report = proposals_where(&mut tx, caller, "p.org_id = $3 AND p.state = 'answered'", &[&m.org.id]).await?;
        let reported_here = proposals_where(&mut tx, caller, "p.reported_meeting_id = $3", &[id]).await?;
        let corrections = sqlx::query("SELECT entry, recorded_by, recorded_at FROM meeting_correction WHERE meeting_id = $1 ORDER BY recorded_at, id")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("entry")?, r.try_get("recorded_by")?, r.try_get("recorded_at")?)))
            .collect::<Result<Vec<_>, DbError>>()?;
        tx.commit().await?;
        Ok(MeetingDetail {
            item,
            starts_at: r.try_get("starts_at")?,
            place: r.try_get("place")?,
            agenda: lines(r.try_get("agenda")?),
            documents: lines(r.try_get("documents")?),
            chair: r.try_get("chair")?,
            secretary: r.try_get("secretary")?,
            supervisor: r.try_get("supervisor")?,
            guests: r.try_get("guests")?,
            opinions: r.try_get("opinions")?,
            conclusions: r.try_get("conclusions")?,
            closed_at: r.try_get("closed_at")?,
            writable: caller.owns(&m.org.path),
            attendance,
            votes,
            tasks,
            earlier_tasks,
            proposals,
            to_report,
            reported_here,
            corrections,
        })
    }

    /// The branch votes about a member (recognition as full member), with their meetings:
    /// (meeting id, date held, vote). The step the probation review links to.
    #[tracing::instrument(skip_all)]
    pub async fn member_votes(&self, caller: &Caller, member_id: &str) -> Result<Vec<(String, NaiveDate, VoteRow)>, DbError> {
        let mut tx = self.read().await?;
        if !crate::members::member_visible(&mut tx, caller, member_id).await? {
            return Err(DbError::NotFound);
        }
        let found = member_votes_in(&mut tx, member_id).await?;
        tx.commit().await?;
        Ok(found)
    }

    /// The members to take attendance of on `on` (the held date, or the planned one), with what
    /// was recorded or else the default: present, exempt, or attached elsewhere.
    #[tracing::instrument(skip_all)]
    pub async fn meeting_roster(&self, caller: &Caller, id: &str, on: Option<NaiveDate>) -> Result<Vec<RosterRow>, DbError> {
        let mut tx = self.read().await?;
        let m = meeting_in_tx(&mut tx, caller, id).await?;
        let on = on.unwrap_or(m.on());
        let roster = roster_on(&mut tx, &m.org.id, on).await?;
        let recorded: HashMap<String, (String, String)> = sqlx::query("SELECT member_id, presence, reason FROM meeting_attendance WHERE meeting_id = $1")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("member_id")?, (r.try_get("presence")?, r.try_get("reason")?))))
            .collect::<Result<_, DbError>>()?;
        let away: Vec<String> = sqlx::query_scalar(
            "SELECT a.member_id FROM member_attachment a JOIN member m ON m.id = a.member_id WHERE m.org_id = $1 AND (a.until_on IS NULL OR a.until_on >= $2)",
        )
        .bind(&m.org.id)
        .bind(iso(on))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        roster
            .into_iter()
            .map(|(member_id, full_name, status)| {
                let (presence, reason) = match recorded.get(&member_id) {
                    Some((p, r)) => (crate::rows::decoded(p, Presence::parse, "Presence")?, r.clone()),
                    None if status == "exempt" => (Presence::Exempt, String::new()),
                    None if away.contains(&member_id) => (Presence::AttachedElsewhere, String::new()),
                    None => (Presence::Present, String::new()),
                };
                Ok(RosterRow { member_id, full_name, status, presence, reason })
            })
            .collect()
    }
}

/// The votes about a member: (meeting id, held on, vote), oldest first. The caller has checked
/// that the member is visible.
pub(crate) async fn member_votes_in(tx: &mut Transaction<'static, Any>, member_id: &str) -> Result<Vec<(String, NaiveDate, VoteRow)>, DbError> {
    let rows = sqlx::query(
        "SELECT v.id, v.seq, v.kind, v.subject, v.candidate_id, v.member_id, v.votes_for, v.against, v.abstain, v.base, v.passed, v.threshold, v.citation,
                v.doc_no, k.id AS meeting_id, k.held_on
         FROM meeting_vote v JOIN meeting k ON k.id = v.meeting_id WHERE v.member_id = $1 ORDER BY k.held_on, v.seq",
    )
    .bind(member_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("meeting_id")?, date(&r.try_get::<String, _>("held_on")?)?, vote_row(r)?))).collect()
}
