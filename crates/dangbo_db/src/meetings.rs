//! Branch meetings: planning, attendance, votes (an admission vote records the candidate's branch
//! resolution in the same transaction), minutes closed against edits, tasks, and supervisors.
//! Proposals are in `proposals`, reads in `read`, the committee's reports in `report`.

#[cfg(feature = "demo")]
mod demo;
mod proposals;
mod read;
mod report;
mod study;

#[cfg(feature = "demo")]
pub(crate) use demo::load_demo_meetings;
pub use proposals::ProposalRow;
pub(crate) use proposals::proposals_due;
pub(crate) use read::member_votes_in;
pub use read::{AttendanceRow, MeetingDetail, MeetingItem, RosterRow, TaskRow, VoteRow};
pub use report::{BranchYear, MeetingReport, SupervisorRow};
pub(crate) use study::member_assignments_in;
pub use study::{AssignmentRow, DocumentRow, StudyReport};

use crate::candidates::record_step_tx;
use crate::command::Right;
use crate::orgs::{OrgRow, alive_on, org_in_tx};
use crate::rows::{date, iso, opt_date};
use crate::rules::load_rules;
use crate::scope::ORG_IN_SCOPE;
use crate::{Caller, DbError, Store, new_id, now};
use chrono::NaiveDate;
use dangbo_core::candidate::{NewStep, StepData, StepKind};
use dangbo_core::meeting::{Attendance, MeetingKind, MeetingState, NewHold, NewMeeting, NewSupervisor, NewTask, NewVote, Presence, VoteKind, judge_vote};
use sqlx::{Any, Row, Transaction};

/// A meeting row as the commands need it.
pub(crate) struct Meeting {
    pub org: OrgRow,
    pub state: MeetingState,
    pub planned_on: NaiveDate,
    pub held_on: Option<NaiveDate>,
}

impl Meeting {
    /// The date the meeting is judged on: held, or else planned.
    pub fn on(&self) -> NaiveDate {
        self.held_on.unwrap_or(self.planned_on)
    }
}

/// Loads a meeting whose branch is in the caller's scope.
pub(crate) async fn meeting_in_tx(tx: &mut Transaction<'static, Any>, caller: &Caller, id: &str) -> Result<Meeting, DbError> {
    let s = caller.scope();
    let sql = format!("SELECT o.code, k.state, k.planned_on, k.held_on FROM meeting k JOIN org o ON o.id = k.org_id WHERE k.id = $3 AND {ORG_IN_SCOPE}");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(id).fetch_optional(&mut **tx).await?.ok_or(DbError::NotFound)?;
    let code: String = r.try_get("code")?;
    let org = org_in_tx(tx, caller, &code).await?.ok_or(DbError::NotFound)?;
    Ok(Meeting {
        org,
        state: crate::rows::decoded(&r.try_get::<String, _>("state")?, MeetingState::parse, "MeetingState")?,
        planned_on: date(&r.try_get::<String, _>("planned_on")?)?,
        held_on: opt_date(r.try_get("held_on")?)?,
    })
}

fn editable(m: &Meeting) -> Result<(), DbError> {
    if m.state == MeetingState::Closed {
        return Err(DbError::field("state", "err-minutes-closed"));
    }
    Ok(())
}

fn held(m: &Meeting) -> Result<NaiveDate, DbError> {
    editable(m)?;
    m.held_on.ok_or_else(|| DbError::field("state", "err-meeting-not-held"))
}

/// The branch must hold members and exist on the date.
async fn check_branch_on(tx: &mut Transaction<'static, Any>, org: &OrgRow, on: NaiveDate, field: &str) -> Result<(), DbError> {
    if !org.kind.holds_members() {
        return Err(DbError::field("org", "err-meeting-not-branch"));
    }
    if !alive_on(tx, &org.id, on).await? {
        return Err(DbError::field(field, "err-meeting-org-not-alive"));
    }
    Ok(())
}

/// The member must hold a post on `on` in a committee above the branch (the people
/// `committee_choices` offers) or be assigned to supervise it then.
async fn committee_member_above(tx: &mut Transaction<'static, Any>, branch: &OrgRow, member: &str, on: NaiveDate, field: &str) -> Result<(), DbError> {
    let sql = format!(
        "SELECT (SELECT COUNT(*) FROM position p JOIN org o ON o.id = p.org_id WHERE p.member_id = $4 AND {})
              + (SELECT COUNT(*) FROM supervisor s WHERE s.org_id = $2 AND s.member_id = $4 AND s.from_on <= $3 AND (s.to_on IS NULL OR s.to_on > $3))",
        report::POST_ABOVE_BRANCH
    );
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(&branch.path).bind(&branch.id).bind(iso(on)).bind(member).fetch_one(&mut **tx).await?;
    if n == 0 {
        return Err(DbError::field(field, "err-not-committee-member"));
    }
    Ok(())
}

/// Members in the branch's đảng số on `on`: (id, name, status), with the default presence.
pub(crate) async fn roster_on(tx: &mut Transaction<'static, Any>, org_id: &str, on: NaiveDate) -> Result<Vec<(String, String, String)>, DbError> {
    let rows = sqlx::query(
        "SELECT m.id, m.full_name, ms.status FROM member_span ms JOIN member m ON m.id = ms.member_id
         WHERE ms.org_id = $1 AND ms.status IN ('probationary', 'full', 'exempt') AND ms.valid_from <= $2 AND (ms.valid_to IS NULL OR ms.valid_to > $2)
         ORDER BY m.sort_key, m.id",
    )
    .bind(org_id)
    .bind(iso(on))
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("full_name")?, r.try_get("status")?))).collect()
}

/// The stored attendance of a meeting: presences and the full members in the denominator.
pub(crate) async fn attendance_of(tx: &mut Transaction<'static, Any>, meeting_id: &str) -> Result<(Attendance, i64), DbError> {
    let rows = sqlx::query("SELECT presence, full_member FROM meeting_attendance WHERE meeting_id = $1").bind(meeting_id).fetch_all(&mut **tx).await?;
    let mut presences = Vec::with_capacity(rows.len());
    let mut full = 0;
    for r in &rows {
        let p = crate::rows::decoded(&r.try_get::<String, _>("presence")?, Presence::parse, "Presence")?;
        if r.try_get::<i64, _>("full_member")? == 1 && !matches!(p, Presence::Exempt | Presence::AttachedElsewhere) {
            full += 1;
        }
        presences.push(p);
    }
    Ok((Attendance::count(&presences), full))
}

impl Store {
    /// Plans a meeting of a branch (optionally keeping its agenda as the branch's template).
    #[tracing::instrument(skip_all)]
    pub async fn create_meeting(&self, caller: &Caller, new: NewMeeting) -> Result<String, DbError> {
        self.command(caller, Right::Write, async |c| {
        let org = org_in_tx(&mut c.tx, c.caller, new.org.as_str()).await?.ok_or_else(|| DbError::field("org", "err-org-unknown"))?;
        check_branch_on(&mut c.tx, &org, new.planned_on, "planned_on").await?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO meeting (id, org_id, kind, state, planned_on, starts_at, place, topic, agenda, documents, guests, opinions, conclusions, recorded_by, recorded_at)
             VALUES ($1, $2, $3, 'planned', $4, $5, $6, $7, $8, $9, '', '', '', $10, $11)",
        )
        .bind(&id)
        .bind(&org.id)
        .bind(new.kind.as_str())
        .bind(iso(new.planned_on))
        .bind(&new.starts_at)
        .bind(&new.place)
        .bind(&new.topic)
        .bind(new.agenda.join("\n"))
        .bind(new.documents.join("\n"))
        .bind(&caller.username)
        .bind(now())
        .execute(&mut *c.tx)
        .await?;
        if new.save_template && !new.agenda.is_empty() {
            sqlx::query("DELETE FROM agenda_template WHERE org_id = $1 AND kind = $2").bind(&org.id).bind(new.kind.as_str()).execute(&mut *c.tx).await?;
            sqlx::query("INSERT INTO agenda_template (org_id, kind, agenda, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(&org.id)
                .bind(new.kind.as_str())
                .bind(new.agenda.join("\n"))
                .bind(&caller.username)
                .bind(now())
                .execute(&mut *c.tx)
                .await?;
        }
        c.audit("meeting.create", "meeting", &id, None, Some(serde_json::to_value(&new)?)).await?;
        Ok(id)
        }).await
    }

    /// The branch's saved agenda for meetings of `kind`, if any.
    #[tracing::instrument(skip_all)]
    pub async fn agenda_template(&self, caller: &Caller, code: &str, kind: MeetingKind) -> Result<Option<Vec<String>>, DbError> {
        let org = self.org(caller, code).await?;
        let agenda: Option<String> = sqlx::query_scalar("SELECT agenda FROM agenda_template WHERE org_id = $1 AND kind = $2")
            .bind(&org.id)
            .bind(kind.as_str())
            .fetch_optional(&self.pool)
            .await?;
        Ok(agenda.map(|a| a.lines().map(str::to_string).collect()))
    }

    /// Records that the meeting was held, with everyone's attendance. Every member in the
    /// branch's đảng số on that date must be listed, and no one else.
    #[tracing::instrument(skip_all)]
    pub async fn hold_meeting(&self, caller: &Caller, id: &str, h: NewHold) -> Result<(), DbError> {
        self.command(caller, Right::Write, async |c| {
        let m = meeting_in_tx(&mut c.tx, c.caller, id).await?;
        editable(&m)?;
        check_branch_on(&mut c.tx, &m.org, h.held_on, "held_on").await?;
        let votes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meeting_vote WHERE meeting_id = $1").bind(id).fetch_one(&mut *c.tx).await?;
        if votes > 0 {
            return Err(DbError::field("attendance", "err-meeting-has-votes"));
        }
        let roster = roster_on(&mut c.tx, &m.org.id, h.held_on).await?;
        for (member, _, _) in &h.attendance {
            if !roster.iter().any(|(r, _, _)| r == member) {
                return Err(DbError::field("attendance", "err-attendance-not-member"));
            }
        }
        if roster.iter().any(|(r, _, _)| !h.attendance.iter().any(|(a, _, _)| a == r)) {
            return Err(DbError::field("attendance", "err-attendance-missing"));
        }
        for (field, who) in [("chair", &h.chair), ("secretary", &h.secretary)] {
            if let Some(who) = who
                && !roster.iter().any(|(r, _, _)| r == who)
            {
                return Err(DbError::field(field, "err-attendance-not-member"));
            }
        }
        if let Some(sup) = &h.supervisor {
            committee_member_above(&mut c.tx, &m.org, sup, h.held_on, "supervisor").await?;
        }
        sqlx::query(
            "UPDATE meeting SET state = 'held', held_on = $2, starts_at = $3, place = $4, chair_id = $5, secretary_id = $6, prepared_on = $7, supervisor_id = $8, guests = $9
             WHERE id = $1",
        )
        .bind(id)
        .bind(iso(h.held_on))
        .bind(&h.starts_at)
        .bind(&h.place)
        .bind(&h.chair)
        .bind(&h.secretary)
        .bind(h.prepared_on.map(iso))
        .bind(&h.supervisor)
        .bind(&h.guests)
        .execute(&mut *c.tx)
        .await?;
        sqlx::query("DELETE FROM meeting_attendance WHERE meeting_id = $1").bind(id).execute(&mut *c.tx).await?;
        for (member, presence, reason) in &h.attendance {
            let full = roster.iter().any(|(r, _, st)| r == member && st != "probationary");
            insert_attendance(&mut c.tx, id, member, *presence, reason, full).await?;
        }
        let (att, _) = attendance_of(&mut c.tx, id).await?;
        c.audit("meeting.hold", "meeting", id, None, Some(serde_json::json!({ "held_on": iso(h.held_on), "attendance": att })))
            .await?;
        Ok(())
        }).await
    }

    /// Records a show-of-hands vote, judged by the rules of its kind. Refused without quorum;
    /// recorded as failed below the threshold. An admission vote is also the candidate's branch
    /// resolution (the pipeline step), in the same transaction.
    #[tracing::instrument(skip_all)]
    pub async fn record_vote(&self, caller: &Caller, id: &str, v: NewVote) -> Result<String, DbError> {
        self.command(caller, Right::Write, async |c| {
        let m = meeting_in_tx(&mut c.tx, c.caller, id).await?;
        let on = held(&m)?;
        let (att, full) = attendance_of(&mut c.tx, id).await?;
        let rules = load_rules(&mut c.tx).await?;
        let out = judge_vote(v.kind, v.tally, &att, full, &rules, on)?;
        let mut subject = v.subject.clone();
        match v.kind {
            VoteKind::Admission => {
                let cand = v.candidate.as_deref().unwrap_or_default();
                let r = sqlx::query("SELECT org_id, full_name FROM candidate WHERE id = $1").bind(cand).fetch_optional(&mut *c.tx).await?;
                let Some(r) = r else { return Err(DbError::field("candidate", "err-candidate-unknown")) };
                if r.try_get::<String, _>("org_id")? != m.org.id {
                    return Err(DbError::field("candidate", "err-vote-other-branch"));
                }
                if subject.is_empty() {
                    subject = r.try_get("full_name")?;
                }
                let data = StepData { votes_for: Some(v.tally.votes_for), full_members: Some(out.base), ..Default::default() };
                let step = NewStep { kind: StepKind::BranchResolution, effective_on: on, doc_no: Some(v.doc_no.clone()), data, claimed_pass: None };
                record_step_tx(c, cand, &step).await?;
            }
            VoteKind::Recognition => {
                let member = v.member.as_deref().unwrap_or_default();
                let r = sqlx::query("SELECT a.full_member, m.full_name FROM meeting_attendance a JOIN member m ON m.id = a.member_id WHERE a.meeting_id = $1 AND a.member_id = $2")
                    .bind(id)
                    .bind(member)
                    .fetch_optional(&mut *c.tx)
                    .await?;
                match r {
                    Some(r) if r.try_get::<i64, _>("full_member")? == 0 => {
                        if subject.is_empty() {
                            subject = r.try_get("full_name")?;
                        }
                    }
                    _ => return Err(DbError::field("member", "err-vote-not-probationary")),
                }
            }
            VoteKind::Resolution => {}
        }
        let seq: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meeting_vote WHERE meeting_id = $1").bind(id).fetch_one(&mut *c.tx).await?;
        let vote_id = new_id();
        sqlx::query(
            "INSERT INTO meeting_vote (id, meeting_id, seq, kind, subject, candidate_id, member_id, votes_for, against, abstain, base, passed, threshold, citation, doc_no, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(&vote_id)
        .bind(id)
        .bind(seq + 1)
        .bind(v.kind.as_str())
        .bind(&subject)
        .bind(&v.candidate)
        .bind(&v.member)
        .bind(v.tally.votes_for)
        .bind(v.tally.against)
        .bind(v.tally.abstain)
        .bind(out.base)
        .bind(out.passed as i64)
        .bind(out.rule.value.text())
        .bind(&out.rule.citation)
        .bind(&v.doc_no)
        .bind(&caller.username)
        .bind(now())
        .execute(&mut *c.tx)
        .await?;
        let after = serde_json::json!({ "kind": v.kind.as_str(), "subject": subject, "tally": v.tally, "base": out.base, "passed": out.passed });
        c.audit("meeting.vote", "meeting", id, None, Some(after)).await?;
        Ok(vote_id)
        }).await
    }

    /// Writes the minutes' free text (opinions and conclusions) while they are open.
    #[tracing::instrument(skip_all)]
    pub async fn write_minutes(&self, caller: &Caller, id: &str, opinions: &str, conclusions: &str) -> Result<(), DbError> {
        self.command(caller, Right::Write, async |c| {
            let m = meeting_in_tx(&mut c.tx, c.caller, id).await?;
            held(&m)?;
            let (opinions, conclusions) = (dangbo_core::text::clean_block(opinions), dangbo_core::text::clean_block(conclusions));
            sqlx::query("UPDATE meeting SET opinions = $2, conclusions = $3 WHERE id = $1")
                .bind(id)
                .bind(&opinions)
                .bind(&conclusions)
                .execute(&mut *c.tx)
                .await?;
            c.audit("meeting.minutes", "meeting", id, None, Some(serde_json::json!({ "opinions": opinions, "conclusions": conclusions }))).await?;
            Ok(())
        })
        .await
    }

    /// Closes (signs off) the minutes: nothing changes after, corrections are dated entries.
    #[tracing::instrument(skip_all)]
    pub async fn close_minutes(&self, caller: &Caller, id: &str) -> Result<(), DbError> {
        self.command(caller, Right::Write, async |c| {
            let m = meeting_in_tx(&mut c.tx, c.caller, id).await?;
            held(&m)?;
            let (chair, secretary): (Option<String>, Option<String>) =
                sqlx::query_as("SELECT chair_id, secretary_id FROM meeting WHERE id = $1").bind(id).fetch_one(&mut *c.tx).await?;
            if chair.is_none() {
                return Err(DbError::field("chair", "err-minutes-need-chair"));
            }
            if secretary.is_none() {
                return Err(DbError::field("secretary", "err-minutes-need-secretary"));
            }
            sqlx::query("UPDATE meeting SET state = 'closed', closed_at = $2, closed_by = $3 WHERE id = $1")
                .bind(id)
                .bind(now())
                .bind(&caller.username)
                .execute(&mut *c.tx)
                .await?;
            c.audit("meeting.close", "meeting", id, None, None).await?;
            Ok(())
        })
        .await
    }

    /// A dated correction to closed minutes.
    #[tracing::instrument(skip_all)]
    pub async fn correct_minutes(&self, caller: &Caller, id: &str, entry: &str) -> Result<(), DbError> {
        let entry = dangbo_core::text::clean_block(entry);
        if entry.is_empty() {
            return Err(DbError::field("entry", "err-required"));
        }
        self.command(caller, Right::Write, async |c| {
            let m = meeting_in_tx(&mut c.tx, c.caller, id).await?;
            if m.state != MeetingState::Closed {
                return Err(DbError::field("entry", "err-minutes-open"));
            }
            sqlx::query("INSERT INTO meeting_correction (id, meeting_id, entry, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(new_id())
                .bind(id)
                .bind(&entry)
                .bind(&caller.username)
                .bind(now())
                .execute(&mut *c.tx)
                .await?;
            c.audit("meeting.correct", "meeting", id, None, Some(serde_json::json!({ "entry": entry }))).await?;
            Ok(())
        })
        .await
    }

    /// A task from the meeting's conclusions, for a member present in the branch or (none) for
    /// the branch committee.
    #[tracing::instrument(skip_all)]
    pub async fn add_task(&self, caller: &Caller, id: &str, t: NewTask) -> Result<String, DbError> {
        self.command(caller, Right::Write, async |c| {
            let m = meeting_in_tx(&mut c.tx, c.caller, id).await?;
            let on = held(&m)?;
            if t.due_on < on {
                return Err(DbError::field("due_on", "err-task-due-before-meeting"));
            }
            if let Some(a) = &t.assignee {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meeting_attendance WHERE meeting_id = $1 AND member_id = $2")
                    .bind(id)
                    .bind(a)
                    .fetch_one(&mut *c.tx)
                    .await?;
                if n == 0 {
                    return Err(DbError::field("assignee", "err-attendance-not-member"));
                }
            }
            let task_id = new_id();
            sqlx::query(
            "INSERT INTO meeting_task (id, meeting_id, org_id, title, assignee_id, due_on, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&task_id)
        .bind(id)
        .bind(&m.org.id)
        .bind(&t.title)
        .bind(&t.assignee)
        .bind(iso(t.due_on))
        .bind(&caller.username)
        .bind(now())
        .execute(&mut *c.tx)
        .await?;
            c.audit("meeting.task", "meeting", id, None, Some(serde_json::to_value(&t)?)).await?;
            Ok(task_id)
        })
        .await
    }

    /// Marks a task done on a date (reviewed at a later meeting).
    #[tracing::instrument(skip_all)]
    pub async fn finish_task(&self, caller: &Caller, task_id: &str, done_on: NaiveDate) -> Result<(), DbError> {
        self.command(caller, Right::Write, async |c| {
            let s = c.caller.scope();
            let sql = format!("SELECT t.meeting_id FROM meeting_task t JOIN org o ON o.id = t.org_id WHERE t.id = $3 AND {ORG_IN_SCOPE}");
            let meeting: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(s.all)
                .bind(&s.prefix)
                .bind(task_id)
                .fetch_optional(&mut *c.tx)
                .await?
                .ok_or(DbError::NotFound)?;
            let m = meeting_in_tx(&mut c.tx, c.caller, &meeting).await?;
            if m.held_on.is_some_and(|h| done_on < h) {
                return Err(DbError::field("done_on", "err-task-done-before-meeting"));
            }
            sqlx::query("UPDATE meeting_task SET done_on = $2 WHERE id = $1").bind(task_id).bind(iso(done_on)).execute(&mut *c.tx).await?;
            c.audit("meeting.task_done", "meeting_task", task_id, None, Some(serde_json::json!({ "done_on": iso(done_on) }))).await?;
            Ok(())
        })
        .await
    }

    /// Assigns a committee member to supervise a branch; one member's terms on one branch may
    /// not overlap.
    #[tracing::instrument(skip_all)]
    pub async fn assign_supervisor(&self, caller: &Caller, a: NewSupervisor) -> Result<String, DbError> {
        self.command(caller, Right::Committee, async |c| {
            let org = org_in_tx(&mut c.tx, c.caller, a.org.as_str()).await?.ok_or_else(|| DbError::field("org", "err-org-unknown"))?;
            check_branch_on(&mut c.tx, &org, a.from_on, "from_on").await?;
            committee_member_above(&mut c.tx, &org, &a.member_id, a.from_on, "member").await?;
            let overlap: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM supervisor WHERE org_id = $1 AND member_id = $2 AND from_on < $4 AND (to_on IS NULL OR to_on > $3)")
                    .bind(&org.id)
                    .bind(&a.member_id)
                    .bind(iso(a.from_on))
                    .bind(a.to_on.map(iso).unwrap_or_else(|| "9999-12-31".into()))
                    .fetch_one(&mut *c.tx)
                    .await?;
            if overlap > 0 {
                return Err(DbError::field("from_on", "err-position-overlap"));
            }
            let id = new_id();
            insert_supervisor(&mut c.tx, &caller.username, &id, &org.id, &a).await?;
            c.audit("supervisor.create", "supervisor", &id, None, Some(serde_json::to_value(&a)?)).await?;
            Ok(id)
        })
        .await
    }
}

pub(crate) async fn insert_attendance(
    tx: &mut Transaction<'static, Any>,
    meeting_id: &str,
    member: &str,
    presence: Presence,
    reason: &str,
    full: bool,
) -> Result<(), DbError> {
    sqlx::query("INSERT INTO meeting_attendance (meeting_id, member_id, presence, reason, full_member) VALUES ($1, $2, $3, $4, $5)")
        .bind(meeting_id)
        .bind(member)
        .bind(presence.as_str())
        .bind(reason)
        .bind(full as i64)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) async fn insert_supervisor(tx: &mut Transaction<'static, Any>, by: &str, id: &str, org_id: &str, a: &NewSupervisor) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO supervisor (id, org_id, member_id, from_on, to_on, decision_no, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(org_id)
    .bind(&a.member_id)
    .bind(iso(a.from_on))
    .bind(a.to_on.map(iso))
    .bind(&a.decision_no)
    .bind(by)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
