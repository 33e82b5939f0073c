//! Proposals (kiến nghị, đề xuất) raised at a meeting: forwarded to the competent level, answered
//! there, and the answer reported back at a later meeting of the branch. Both the branch and the
//! level that holds a proposal see it.

use super::{held, meeting_in_tx};
use crate::candidates::Judge;
use crate::command::Right;
use crate::due::TodoRow;
use crate::orgs::org_any;
use crate::rows::{date, iso, opt_date};
use crate::{Caller, DbError, Store, new_id, now};
use chrono::NaiveDate;
use dangbo_core::meeting::{NewAnswer, NewProposal, ProposalState};
use dangbo_core::todo::proposal_due;
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalRow {
    pub id: String,
    pub meeting_id: String,
    pub org: String,
    pub org_name: String,
    pub raised_on: Option<NaiveDate>,
    pub raised_by: String,
    pub content: String,
    pub state: ProposalState,
    pub holder: String,
    pub holder_name: String,
    pub forwarded_on: Option<NaiveDate>,
    pub answer: String,
    pub answered_on: Option<NaiveDate>,
    pub reported_meeting_id: Option<String>,
}

/// Visible to the caller through the branch (`o`) or the holder (`h`).
const VISIBLE: &str = "($1 = 1 OR o.path LIKE $2 OR h.path LIKE $2)";

const COLS: &str = "p.id, p.meeting_id, o.code AS org, o.name AS org_name, k.held_on AS raised_on, p.raised_by, p.content, p.state, h.code AS holder,
    h.name AS holder_name, p.forwarded_on, p.answer, p.answered_on, p.reported_meeting_id";
const FROM: &str = "meeting_proposal p JOIN meeting k ON k.id = p.meeting_id JOIN org o ON o.id = p.org_id JOIN org h ON h.id = p.holder_org_id";

fn proposal_row(r: &sqlx::any::AnyRow) -> Result<ProposalRow, DbError> {
    Ok(ProposalRow {
        id: r.try_get("id")?,
        meeting_id: r.try_get("meeting_id")?,
        org: r.try_get("org")?,
        org_name: r.try_get("org_name")?,
        raised_on: opt_date(r.try_get("raised_on")?)?,
        raised_by: r.try_get("raised_by")?,
        content: r.try_get("content")?,
        state: crate::rows::decoded(&r.try_get::<String, _>("state")?, ProposalState::parse, "ProposalState")?,
        holder: r.try_get("holder")?,
        holder_name: r.try_get("holder_name")?,
        forwarded_on: opt_date(r.try_get("forwarded_on")?)?,
        answer: r.try_get("answer")?,
        answered_on: opt_date(r.try_get("answered_on")?)?,
        reported_meeting_id: r.try_get("reported_meeting_id")?,
    })
}

/// Proposals visible to the caller matching `filter` (SQL over `p`, parameters from $3).
pub(crate) async fn proposals_where(tx: &mut Transaction<'static, Any>, caller: &Caller, filter: &str, args: &[&str]) -> Result<Vec<ProposalRow>, DbError> {
    let s = caller.scope();
    let sql = format!("SELECT {COLS} FROM {FROM} WHERE {VISIBLE} AND {filter} ORDER BY k.held_on, p.id");
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(s.prefix.clone());
    for a in args {
        q = q.bind(a.to_string());
    }
    q.fetch_all(&mut **tx).await?.iter().map(proposal_row).collect()
}

impl Store {
    /// Records a proposal raised at a held meeting, forwarded at once when a level is named.
    #[tracing::instrument(skip_all)]
    pub async fn raise_proposal(&self, caller: &Caller, meeting_id: &str, p: NewProposal) -> Result<String, DbError> {
        self.command(caller, Right::Write, async |c| {
            let m = meeting_in_tx(&mut c.tx, c.caller, meeting_id).await?;
            let on = held(&m)?;
            let holder = match &p.forward_to {
                Some(code) => org_any(&mut c.tx, code.as_str()).await?.ok_or_else(|| DbError::field("forward_to", "err-org-unknown"))?.id,
                None => m.org.id.clone(),
            };
            let (state, forwarded_on) = if p.forward_to.is_some() { (ProposalState::Forwarded, Some(iso(on))) } else { (ProposalState::Raised, None) };
            let id = new_id();
            sqlx::query(
            "INSERT INTO meeting_proposal (id, meeting_id, org_id, raised_by, content, state, holder_org_id, forwarded_on, answer, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', $9, $10)",
        )
        .bind(&id)
        .bind(meeting_id)
        .bind(&m.org.id)
        .bind(&p.raised_by)
        .bind(&p.content)
        .bind(state.as_str())
        .bind(&holder)
        .bind(forwarded_on)
        .bind(&caller.username)
        .bind(now())
        .execute(&mut *c.tx)
        .await?;
            c.audit("proposal.raise", "meeting_proposal", &id, None, Some(serde_json::to_value(&p)?)).await?;
            Ok(id)
        })
        .await
    }

    /// Moves a proposal on: forward it, answer it (the holder's level), or report the answer
    /// back at a later meeting of the branch (which closes it).
    #[tracing::instrument(skip_all)]
    pub async fn proposal_action(&self, caller: &Caller, id: &str, a: NewAnswer) -> Result<(), DbError> {
        self.command(caller, Right::Write, async |c| {
            let p = proposals_where(&mut c.tx, c.caller, "p.id = $3", &[id]).await?.into_iter().next().ok_or(DbError::NotFound)?;
            let not_before = |d: NaiveDate, floor: Option<NaiveDate>, field: &str| match floor {
                Some(f) if d < f => Err(DbError::field(field, "err-proposal-date-order")),
                _ => Ok(()),
            };
            match &a {
                NewAnswer::Forward { to, on } => {
                    if !matches!(p.state, ProposalState::Raised | ProposalState::Forwarded) {
                        return Err(DbError::field("action", "err-proposal-state"));
                    }
                    not_before(*on, p.forwarded_on.or(p.raised_on), "on")?;
                    let to = org_any(&mut c.tx, to.as_str()).await?.ok_or_else(|| DbError::field("forward_to", "err-org-unknown"))?;
                    sqlx::query("UPDATE meeting_proposal SET state = 'forwarded', holder_org_id = $2, forwarded_on = $3 WHERE id = $1")
                        .bind(id)
                        .bind(&to.id)
                        .bind(iso(*on))
                        .execute(&mut *c.tx)
                        .await?;
                }
                NewAnswer::Answer { answer, on } => {
                    if !matches!(p.state, ProposalState::Raised | ProposalState::Forwarded) {
                        return Err(DbError::field("action", "err-proposal-state"));
                    }
                    // Only the level that holds the proposal answers it.
                    if !holds(&mut c.tx, c.caller, &p.holder).await? {
                        return Err(DbError::Forbidden);
                    }
                    not_before(*on, p.forwarded_on.or(p.raised_on), "on")?;
                    sqlx::query("UPDATE meeting_proposal SET state = 'answered', answer = $2, answered_on = $3 WHERE id = $1")
                        .bind(id)
                        .bind(answer)
                        .bind(iso(*on))
                        .execute(&mut *c.tx)
                        .await?;
                }
                NewAnswer::Report { meeting } => {
                    if p.state != ProposalState::Answered {
                        return Err(DbError::field("action", "err-proposal-state"));
                    }
                    let m = meeting_in_tx(&mut c.tx, c.caller, meeting).await.map_err(|_| DbError::field("meeting", "err-meeting-unknown"))?;
                    let on = held(&m).map_err(|_| DbError::field("meeting", "err-meeting-not-held"))?;
                    if m.org.code != p.org {
                        return Err(DbError::field("meeting", "err-vote-other-branch"));
                    }
                    not_before(on, p.answered_on, "meeting")?;
                    sqlx::query("UPDATE meeting_proposal SET state = 'reported', reported_meeting_id = $2 WHERE id = $1")
                        .bind(id)
                        .bind(meeting)
                        .execute(&mut *c.tx)
                        .await?;
                }
            }
            c.audit("proposal.update", "meeting_proposal", id, None, Some(serde_json::to_value(&a)?)).await?;
            Ok(())
        })
        .await
    }

    /// Proposals the caller sees (through the branch or as the holder); open ones only if asked.
    #[tracing::instrument(skip_all)]
    pub async fn proposals(&self, caller: &Caller, open_only: bool) -> Result<Vec<ProposalRow>, DbError> {
        let mut tx = self.read().await?;
        let filter = if open_only { "p.state <> 'reported'" } else { "1 = 1" };
        let out = proposals_where(&mut tx, caller, filter, &[]).await?;
        tx.commit().await?;
        Ok(out)
    }
}

/// Whether the caller's scope covers the holder organisation (by code).
async fn holds(tx: &mut Transaction<'static, Any>, caller: &Caller, holder: &str) -> Result<bool, DbError> {
    Ok(crate::orgs::org_in_tx(tx, caller, holder).await?.is_some())
}

/// To-do rows: proposals awaiting an answer from a level in the caller's scope, by deadline.
pub(crate) async fn proposals_due(tx: &mut Transaction<'static, Any>, caller: &Caller, judge: &Judge, today: NaiveDate) -> Result<Vec<TodoRow>, DbError> {
    let s = caller.scope();
    let sql = format!(
        "SELECT p.id, p.raised_by, p.content, h.code AS holder, h.name AS holder_name, COALESCE(p.forwarded_on, k.held_on) AS due_from FROM {FROM}
         WHERE p.state IN ('raised', 'forwarded') AND ($1 = 1 OR h.path LIKE $2) ORDER BY p.forwarded_on, p.id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).fetch_all(&mut **tx).await?;
    let mut out = Vec::new();
    for r in &rows {
        let Some(from) = r.try_get::<Option<String>, _>("due_from")? else { continue };
        let d = proposal_due(date(&from)?, &judge.rules, &judge.calendar);
        if !d.near(today) {
            continue;
        }
        let (by, content): (String, String) = (r.try_get("raised_by")?, r.try_get("content")?);
        let short: String = content.chars().take(80).collect();
        out.push(TodoRow {
            kind: d.kind,
            subject: "proposal",
            id: r.try_get("id")?,
            full_name: format!("{by}: {short}"),
            org: r.try_get("holder")?,
            org_name: r.try_get("holder_name")?,
            from: d.from,
            due: d.due,
            overdue: d.overdue(today),
            rule: d.rule,
            citation: d.citation,
            confirmed: d.confirmed,
            milestone: None,
            unpaid_months: None,
        });
    }
    Ok(out)
}
