//! Inspection cases and discipline (issue 27): a case opened on a member by the inspection
//! commission or committee of an organisation, its dated steps, its decision — a penalty checked
//! against the target, the vote and the limitation period, with its effects — and complaints.
//!
//! Cases are confidential: only the inspector role (and admins) of the scope read or write
//! them ([`Right::Inspect`]); to anyone else a case does not exist (404). A decided penalty is
//! not: it shows on the member's profile, and has its effects on the register (an expulsion
//! ends membership), the annual review (a member disciplined in the year is rated KHTNV) and
//! transfers (an open inspection on signs of violation or a denunciation holds them).

mod plan;
mod read;

pub use plan::{InspectionPlan, PlanItemRow};

pub use read::{CaseRow, CaseStepRow, CaseView, ComplaintRow, DisciplineSummary, PenaltyRow};
pub(crate) use read::{complaints_due, member_penalties};

use crate::command::{Cmd, Right};
use crate::orgs::org_in_tx;
use crate::rows::{date, iso};
use crate::{Caller, DbError, Store, new_id, now};
use chrono::NaiveDate;
use dangbo_core::FieldErrors;
use dangbo_core::discipline::{Body, NewCase, NewDecision, NewStep, Outcome, Penalty, Resolution, Target, Vote};
use dangbo_core::event::EventData;
use dangbo_core::member::Status;
use dangbo_core::org::Basis;
use sqlx::{Any, Row, Transaction};

/// A case as a command reads it.
struct Case {
    id: String,
    member_id: String,
    org_id: String,
    violation_to: NaiveDate,
    deferred_days: i64,
    closed: bool,
}

/// The case `id` if its organisation is in the caller's scope.
async fn case_in_tx(tx: &mut Transaction<'static, Any>, caller: &Caller, id: &str) -> Result<Case, DbError> {
    let s = caller.scope();
    let sql = format!(
        "SELECT c.id, c.member_id, c.org_id, c.violation_to, c.deferred_days, c.closed_on FROM discipline_case c JOIN org o ON o.id = c.org_id
         WHERE c.id = $3 AND {}",
        crate::scope::ORG_IN_SCOPE
    );
    let r = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(id).fetch_optional(&mut **tx).await?.ok_or(DbError::NotFound)?;
    Ok(Case {
        id: r.try_get("id")?,
        member_id: r.try_get("member_id")?,
        org_id: r.try_get("org_id")?,
        violation_to: date(&r.try_get::<String, _>("violation_to")?)?,
        deferred_days: r.try_get("deferred_days")?,
        closed: r.try_get::<Option<String>, _>("closed_on")?.is_some(),
    })
}

/// The member's status and whether they hold a post on `on`.
async fn target_of(tx: &mut Transaction<'static, Any>, member_id: &str, on: NaiveDate) -> Result<(Status, Target), DbError> {
    let r = sqlx::query(
        "SELECT m.status, (SELECT COUNT(*) FROM position p WHERE p.member_id = m.id AND p.from_on <= $2 AND (p.to_on IS NULL OR p.to_on > $2)) AS posts
         FROM member m WHERE m.id = $1",
    )
    .bind(member_id)
    .bind(iso(on))
    .fetch_one(&mut **tx)
    .await?;
    let status = crate::rows::decoded(&r.try_get::<String, _>("status")?, Status::parse, "member Status")?;
    Ok((status, Target { full: status == Status::Full, holds_post: r.try_get::<i64, _>("posts")? > 0 }))
}

/// The branch's latest vote recorded on the case (for an expulsion).
async fn branch_vote(tx: &mut Transaction<'static, Any>, case_id: &str) -> Result<Option<Vote>, DbError> {
    let r = sqlx::query(
        "SELECT vote_yes, vote_no, vote_abstain, vote_base FROM discipline_step WHERE case_id = $1 AND kind = 'branch_vote' ORDER BY on_date DESC, recorded_at DESC",
    )
    .bind(case_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(r) = r else { return Ok(None) };
    let n = |c: &str| r.try_get::<Option<i64>, _>(c).map(|v| v.unwrap_or(0));
    Ok(Some(Vote { yes: n("vote_yes")?, no: n("vote_no")?, abstain: n("vote_abstain")?, base: n("vote_base")? }))
}

/// The members with a penalty (not annulled) decided in `year`.
pub(crate) async fn disciplined_in(tx: &mut Transaction<'static, Any>, year: i32) -> Result<std::collections::HashSet<String>, DbError> {
    let rows = sqlx::query("SELECT DISTINCT member_id FROM discipline_penalty WHERE annulled_on IS NULL AND decision_date >= $1 AND decision_date <= $2")
        .bind(format!("{year:04}-01-01"))
        .bind(format!("{year:04}-12-31"))
        .fetch_all(&mut **tx)
        .await?;
    rows.iter().map(|r| r.try_get("member_id").map_err(DbError::from)).collect()
}

impl Store {
    /// Opens a case on a member of the caller's scope, handled by `code` (the caller's
    /// committee or one under it).
    #[tracing::instrument(skip_all)]
    pub async fn open_case(&self, caller: &Caller, code: &str, new: &NewCase) -> Result<String, DbError> {
        self.command(caller, Right::Inspect, async |c| {
            let org = org_in_tx(&mut c.tx, c.caller, code).await?.ok_or_else(|| DbError::field("org", "err-org-unknown"))?;
            if !crate::members::member_visible(&mut c.tx, c.caller, &new.member_id).await? {
                return Err(DbError::field("member", "err-member-unknown"));
            }
            if let Some(item) = &new.plan_item {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inspection_plan_item WHERE id = $1 AND org_id = $2")
                    .bind(item)
                    .bind(&org.id)
                    .fetch_one(&mut *c.tx)
                    .await?;
                if n == 0 {
                    return Err(DbError::field("plan_item", "err-choice"));
                }
            }
            let id = new_id();
            sqlx::query(
                "INSERT INTO discipline_case (id, org_id, member_id, plan_item_id, kind, subject, violation_from, violation_to, deferred_days, opened_on, recorded_by, recorded_at)
                 VALUES ($1, $2, $3, $11, $4, $5, $6, $7, 0, $8, $9, $10)",
            )
            .bind(&id)
            .bind(&org.id)
            .bind(&new.member_id)
            .bind(new.kind.as_str())
            .bind(&new.matter)
            .bind(new.violation_from.map(iso))
            .bind(iso(new.violation_to))
            .bind(iso(new.opened_on))
            .bind(&c.caller.username)
            .bind(now())
            .bind(&new.plan_item)
            .execute(&mut *c.tx)
            .await?;
            c.audit("case.open", "discipline_case", &id, None, Some(serde_json::json!({"org": org.code, "member": new.member_id, "kind": new.kind.as_str()})))
                .await?;
            Ok(id)
        })
        .await
    }

    /// Records a dated step of an open case.
    #[tracing::instrument(skip_all)]
    pub async fn add_case_step(&self, caller: &Caller, case_id: &str, step: &NewStep) -> Result<String, DbError> {
        self.command(caller, Right::Inspect, async |c| {
            let case = case_in_tx(&mut c.tx, c.caller, case_id).await?;
            if case.closed {
                return Err(DbError::field("kind", "err-case-closed"));
            }
            let id = new_id();
            let v = step.vote.unwrap_or_default();
            let has_vote = step.vote.is_some();
            sqlx::query(
                "INSERT INTO discipline_step (id, case_id, kind, on_date, document_no, note, vote_yes, vote_no, vote_abstain, vote_base, recorded_by, recorded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(&id)
            .bind(&case.id)
            .bind(step.kind.as_str())
            .bind(iso(step.on))
            .bind(&step.document_no)
            .bind(&step.note)
            .bind(has_vote.then_some(v.yes))
            .bind(has_vote.then_some(v.no))
            .bind(has_vote.then_some(v.abstain))
            .bind(has_vote.then_some(v.base))
            .bind(&c.caller.username)
            .bind(now())
            .execute(&mut *c.tx)
            .await?;
            c.audit("case.step", "discipline_case", &case.id, None, Some(serde_json::json!({"kind": step.kind.as_str(), "on": iso(step.on)}))).await?;
            Ok(id)
        })
        .await
    }

    /// Ends a case: a penalty (allowed for the member, passed by the deciding body — for an
    /// expulsion on the branch's two-thirds proposal — and within the limitation period), no
    /// penalty, or closed as time-barred. An expulsion ends membership in the same command.
    #[tracing::instrument(skip_all)]
    pub async fn decide_case(&self, caller: &Caller, case_id: &str, d: &NewDecision) -> Result<(), DbError> {
        self.command(caller, Right::Inspect, async |c| {
            let case = case_in_tx(&mut c.tx, c.caller, case_id).await?;
            if case.closed {
                return Err(DbError::field("outcome", "err-case-closed"));
            }
            let book = crate::rules::load_rules(&mut c.tx).await?;
            if let Some((penalty, body, vote)) = d.penalty {
                let (_, target) = target_of(&mut c.tx, &case.member_id, d.decision_date).await?;
                let mut e = FieldErrors::new();
                if !body.may_decide(penalty) {
                    e.add("body", "err-penalty-body");
                }
                if !penalty.allowed_for(target) {
                    e.add("penalty", if penalty == Penalty::Removal { "err-penalty-no-post" } else { "err-penalty-not-allowed" });
                }
                let branch = branch_vote(&mut c.tx, &case.id).await?;
                dangbo_core::discipline::check_votes(penalty, vote, branch, d.decision_date, &book, &mut e);
                if let Some(end) = dangbo_core::discipline::limitation_end(penalty, case.violation_to, case.deferred_days, &book)
                    && d.decision_date > end
                {
                    e.add_with("decision_date", "err-case-time-barred", vec![("end", dangbo_core::date::display(end))]);
                }
                e.into_result(()).map_err(DbError::Invalid)?;
                write_penalty(c, &case, penalty, body, vote, d).await?;
                if penalty == Penalty::Expulsion {
                    let basis = Basis { decision_no: d.decision_no.clone(), decision_date: Some(d.decision_date), issuer: None };
                    crate::members::append_event(c, &case.member_id, d.decision_date, &basis, EventData::Expelled { reason: "kỷ luật khai trừ".into() })
                        .await?;
                }
            }
            close(c, &case, d.outcome, d.decision_date).await?;
            let after = serde_json::json!({"outcome": d.outcome.as_str(), "penalty": d.penalty.map(|p| p.0.as_str()), "decision": d.decision_no});
            c.audit("case.decide", "discipline_case", &case.id, None, Some(after)).await?;
            Ok(())
        })
        .await
    }

    /// Files a complaint against the case's penalty, within its month from the day the decision
    /// was received, to an organisation above the one that decided.
    #[tracing::instrument(skip_all)]
    pub async fn file_complaint(&self, caller: &Caller, case_id: &str, filed: NaiveDate, to_code: &str) -> Result<String, DbError> {
        self.command(caller, Right::Inspect, async |c| {
            let case = case_in_tx(&mut c.tx, c.caller, case_id).await?;
            let r = sqlx::query("SELECT id, received_on, decision_date FROM discipline_penalty WHERE case_id = $1 AND annulled_on IS NULL")
                .bind(&case.id)
                .fetch_optional(&mut *c.tx)
                .await?
                .ok_or_else(|| DbError::field("filed_on", "err-complaint-no-penalty"))?;
            let penalty_id: String = r.try_get("id")?;
            let received = date(&r.try_get::<Option<String>, _>("received_on")?.unwrap_or(r.try_get("decision_date")?))?;
            let book = crate::rules::load_rules(&mut c.tx).await?;
            let cal = crate::rules::load_calendar(&mut c.tx).await?;
            let last = dangbo_core::discipline::complaint_filing_end(received, &book, &cal);
            if filed < received || filed > last {
                let mut e = FieldErrors::new();
                e.add_with("filed_on", "err-complaint-late", vec![("last", dangbo_core::date::display(last))]);
                return Err(DbError::Invalid(e));
            }
            // Any organisation of the register: the level above is usually outside the scope.
            let to = crate::orgs::org_any(&mut c.tx, to_code).await?.ok_or_else(|| DbError::field("to_org", "err-org-unknown"))?;
            let id = new_id();
            sqlx::query(
                "INSERT INTO discipline_complaint (id, penalty_id, filed_on, to_org_id, resolve_by, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&id)
            .bind(&penalty_id)
            .bind(iso(filed))
            .bind(&to.id)
            .bind(iso(dangbo_core::discipline::complaint_resolve_by(filed, &book, &cal)))
            .bind(&c.caller.username)
            .bind(now())
            .execute(&mut *c.tx)
            .await?;
            c.audit("case.complaint", "discipline_case", &case.id, None, Some(serde_json::json!({"to": to.code, "filed_on": iso(filed)}))).await?;
            Ok(id)
        })
        .await
    }

    /// Records the resolution of the case's open complaint: upheld, the penalty changed, or
    /// annulled (the penalty no longer counts from that day).
    #[tracing::instrument(skip_all)]
    pub async fn resolve_complaint(&self, caller: &Caller, case_id: &str, res: &Resolution) -> Result<(), DbError> {
        self.command(caller, Right::Inspect, async |c| {
            let case = case_in_tx(&mut c.tx, c.caller, case_id).await?;
            let r = sqlx::query(
                "SELECT k.id, k.filed_on, p.id AS penalty_id FROM discipline_complaint k JOIN discipline_penalty p ON p.id = k.penalty_id
                 WHERE p.case_id = $1 AND k.resolved_on IS NULL",
            )
            .bind(&case.id)
            .fetch_optional(&mut *c.tx)
            .await?
            .ok_or_else(|| DbError::field("result", "err-complaint-none-open"))?;
            if res.resolved_on < date(&r.try_get::<String, _>("filed_on")?)? {
                return Err(DbError::field("resolved_on", "err-date-order"));
            }
            let (id, penalty_id): (String, String) = (r.try_get("id")?, r.try_get("penalty_id")?);
            sqlx::query("UPDATE discipline_complaint SET result = $1, new_penalty = $2, resolved_on = $3, resolution_no = $4 WHERE id = $5")
                .bind(res.result.as_str())
                .bind(res.new_penalty.map(|p| p.as_str()))
                .bind(iso(res.resolved_on))
                .bind(&res.resolution_no)
                .bind(&id)
                .execute(&mut *c.tx)
                .await?;
            match res.result {
                dangbo_core::discipline::ComplaintResult::Annulled => {
                    sqlx::query("UPDATE discipline_penalty SET annulled_on = $1 WHERE id = $2")
                        .bind(iso(res.resolved_on))
                        .bind(&penalty_id)
                        .execute(&mut *c.tx)
                        .await?;
                }
                dangbo_core::discipline::ComplaintResult::Changed => {
                    let p = res.new_penalty.ok_or_else(|| DbError::field("new_penalty", "err-required"))?;
                    sqlx::query("UPDATE discipline_penalty SET penalty = $1 WHERE id = $2").bind(p.as_str()).bind(&penalty_id).execute(&mut *c.tx).await?;
                }
                dangbo_core::discipline::ComplaintResult::Upheld => {}
            }
            c.audit("case.complaint_resolved", "discipline_case", &case.id, None, Some(serde_json::json!({"result": res.result.as_str()}))).await?;
            Ok(())
        })
        .await
    }
}

async fn write_penalty(c: &mut Cmd<'_>, case: &Case, penalty: Penalty, body: Body, vote: Vote, d: &NewDecision) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO discipline_penalty (id, case_id, member_id, penalty, body, body_org_id, vote_yes, vote_no, vote_abstain, vote_base,
             decision_no, decision_date, received_on, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(new_id())
    .bind(&case.id)
    .bind(&case.member_id)
    .bind(penalty.as_str())
    .bind(body.as_str())
    .bind(&case.org_id)
    .bind(vote.yes)
    .bind(vote.no)
    .bind(vote.abstain)
    .bind(vote.base)
    .bind(d.decision_no.clone().unwrap_or_default())
    .bind(iso(d.decision_date))
    .bind(d.received_on.map(iso))
    .bind(&c.caller.username)
    .bind(now())
    .execute(&mut *c.tx)
    .await?;
    Ok(())
}

async fn close(c: &mut Cmd<'_>, case: &Case, outcome: Outcome, on: NaiveDate) -> Result<(), DbError> {
    sqlx::query("UPDATE discipline_case SET closed_on = $1, outcome = $2 WHERE id = $3")
        .bind(iso(on))
        .bind(outcome.as_str())
        .bind(&case.id)
        .execute(&mut *c.tx)
        .await?;
    Ok(())
}
