//! Reading cases (the inspector's, audited), a member's penalties (the profile's, not
//! confidential), the summary of a subtree, and the complaints' deadlines for the to-do list.

use crate::due::TodoRow;
use crate::rows::{date, decoded, iso, opt_date};
use crate::scope::ORG_IN_SCOPE;
use crate::{Action, Caller, DbError, Store};
use chrono::NaiveDate;
use dangbo_core::discipline::{Body, CaseKind, ComplaintResult, Outcome, Penalty, StepKind, limitation_end};
use dangbo_core::rules::{RuleBook, RuleId};
use dangbo_core::todo::TodoKind;
use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeMap;

/// A case in a list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseRow {
    pub id: String,
    pub org: String,
    pub member_id: String,
    pub full_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kind: CaseKind,
    pub matter: String,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub outcome: Option<Outcome>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseStepRow {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kind: StepKind,
    pub on: NaiveDate,
    pub document_no: Option<String>,
    pub note: String,
    /// A branch's vote: for, against, abstaining, of its full members.
    pub vote: Option<[i64; 4]>,
}

/// A penalty as the profile and the case show it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PenaltyRow {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub penalty: Penalty,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub body: Body,
    /// The organisation whose body decided (code, name).
    pub org: String,
    pub org_name: String,
    pub decision_no: String,
    pub decision_date: NaiveDate,
    pub vote: [i64; 4],
    pub annulled_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintRow {
    pub filed_on: NaiveDate,
    pub to_org: String,
    pub resolve_by: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub result: Option<ComplaintResult>,
    pub resolved_on: Option<NaiveDate>,
}

/// One case with everything on it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseView {
    pub case: CaseRow,
    pub violation_from: Option<NaiveDate>,
    pub violation_to: NaiveDate,
    pub steps: Vec<CaseStepRow>,
    pub penalty: Option<PenaltyRow>,
    pub complaints: Vec<ComplaintRow>,
    /// The last day each penalty with a limitation may still be decided (khiển trách, cảnh
    /// cáo and cách chức), with the rule's citation: (penalty, last day, citation).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<serde_json::Value>>))]
    pub limitation: Vec<(Penalty, NaiveDate, String)>,
    /// Every limitation has run out on `today`: only expulsion-level violations remain.
    pub time_barred: bool,
}

/// Cases and penalties of a subtree over a period.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisciplineSummary {
    pub cases: i64,
    /// Penalties decided in the period by kind (`khien_trach`, …), annulled ones left out.
    pub penalties: BTreeMap<String, i64>,
    /// Complaints filed in the period, resolved, and still open.
    pub complaints: BTreeMap<String, i64>,
}

fn case_row(r: &sqlx::any::AnyRow) -> Result<CaseRow, DbError> {
    Ok(CaseRow {
        id: r.try_get("id")?,
        org: r.try_get("org")?,
        member_id: r.try_get("member_id")?,
        full_name: r.try_get("full_name")?,
        kind: decoded(&r.try_get::<String, _>("kind")?, CaseKind::parse, "CaseKind")?,
        matter: r.try_get("subject")?,
        opened_on: date(&r.try_get::<String, _>("opened_on")?)?,
        closed_on: opt_date(r.try_get("closed_on")?)?,
        outcome: r.try_get::<Option<String>, _>("outcome")?.map(|o| decoded(&o, Outcome::parse, "Outcome")).transpose()?,
    })
}

const CASE_COLS: &str =
    "c.id, o.code AS org, c.member_id, m.full_name, c.kind, c.subject, c.opened_on, c.closed_on, c.outcome, c.violation_from, c.violation_to";

fn penalty_row(r: &sqlx::any::AnyRow) -> Result<PenaltyRow, DbError> {
    Ok(PenaltyRow {
        penalty: decoded(&r.try_get::<String, _>("penalty")?, Penalty::parse, "Penalty")?,
        body: decoded(&r.try_get::<String, _>("body")?, Body::parse, "Body")?,
        org: r.try_get("org")?,
        org_name: r.try_get("org_name")?,
        decision_no: r.try_get("decision_no")?,
        decision_date: date(&r.try_get::<String, _>("decision_date")?)?,
        vote: [r.try_get("vote_yes")?, r.try_get("vote_no")?, r.try_get("vote_abstain")?, r.try_get("vote_base")?],
        annulled_on: opt_date(r.try_get("annulled_on")?)?,
    })
}

const PENALTY_SQL: &str = "SELECT p.penalty, p.body, o.code AS org, o.name AS org_name, p.decision_no, p.decision_date, p.vote_yes, p.vote_no, p.vote_abstain,
       p.vote_base, p.annulled_on FROM discipline_penalty p JOIN org o ON o.id = p.body_org_id";

/// A member's penalties, newest first (the profile's list: the caller may see the member).
pub(crate) async fn member_penalties(tx: &mut Transaction<'static, Any>, member_id: &str) -> Result<Vec<PenaltyRow>, DbError> {
    let sql = format!("{PENALTY_SQL} WHERE p.member_id = $1 ORDER BY p.decision_date DESC");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(member_id).fetch_all(&mut **tx).await?;
    rows.iter().map(penalty_row).collect()
}

impl Store {
    /// The cases handled in `code`'s subtree, newest first: to the inspector role alone.
    #[tracing::instrument(skip_all)]
    pub async fn cases(&self, caller: &Caller, code: &str) -> Result<Vec<CaseRow>, DbError> {
        if !caller.may(Action::Inspect) {
            return Err(DbError::NotFound);
        }
        let org = self.org(caller, code).await?;
        let mut tx = self.read().await?;
        let sql = format!(
            "SELECT {CASE_COLS} FROM discipline_case c JOIN org o ON o.id = c.org_id JOIN member m ON m.id = c.member_id
             WHERE o.path LIKE $1 ORDER BY c.opened_on DESC, c.id LIMIT 1000"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(format!("{}%", org.path)).fetch_all(&mut *tx).await?;
        tx.rollback().await?;
        let list = rows.iter().map(case_row).collect::<Result<Vec<_>, _>>()?;
        self.log_read(caller, "case.list", "org", &org.code, serde_json::json!({"cases": list.len()})).await?;
        Ok(list)
    }

    /// One case, to the inspector role of its scope (404 to anyone else); the opening is
    /// logged before anything is returned.
    #[tracing::instrument(skip_all)]
    pub async fn case(&self, caller: &Caller, id: &str, today: NaiveDate) -> Result<CaseView, DbError> {
        if !caller.may(Action::Inspect) {
            return Err(DbError::NotFound);
        }
        let s = caller.scope();
        let mut tx = self.read().await?;
        let sql = format!(
            "SELECT {CASE_COLS}, c.deferred_days FROM discipline_case c JOIN org o ON o.id = c.org_id JOIN member m ON m.id = c.member_id
             WHERE c.id = $3 AND {ORG_IN_SCOPE}"
        );
        let r = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(id).fetch_optional(&mut *tx).await?.ok_or(DbError::NotFound)?;
        let case = case_row(&r)?;
        let violation_to = date(&r.try_get::<String, _>("violation_to")?)?;
        let violation_from = opt_date(r.try_get("violation_from")?)?;
        let deferred: i64 = r.try_get("deferred_days")?;
        let steps = sqlx::query(
            "SELECT kind, on_date, document_no, note, vote_yes, vote_no, vote_abstain, vote_base FROM discipline_step WHERE case_id = $1 ORDER BY on_date, recorded_at",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| {
            let base: Option<i64> = r.try_get("vote_base")?;
            let n = |c: &str| r.try_get::<Option<i64>, _>(c).map(|v| v.unwrap_or(0));
            Ok(CaseStepRow {
                kind: decoded(&r.try_get::<String, _>("kind")?, StepKind::parse, "case StepKind")?,
                on: date(&r.try_get::<String, _>("on_date")?)?,
                document_no: r.try_get("document_no")?,
                note: r.try_get("note")?,
                vote: match base {
                    Some(b) => Some([n("vote_yes")?, n("vote_no")?, n("vote_abstain")?, b]),
                    None => None,
                },
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
        let sql = format!("{PENALTY_SQL} WHERE p.case_id = $1");
        let penalty = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *tx).await?.as_ref().map(penalty_row).transpose()?;
        let complaints = sqlx::query(
            "SELECT k.filed_on, o.code AS to_org, k.resolve_by, k.result, k.resolved_on FROM discipline_complaint k JOIN org o ON o.id = k.to_org_id
             JOIN discipline_penalty p ON p.id = k.penalty_id WHERE p.case_id = $1 ORDER BY k.filed_on",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| {
            Ok(ComplaintRow {
                filed_on: date(&r.try_get::<String, _>("filed_on")?)?,
                to_org: r.try_get("to_org")?,
                resolve_by: date(&r.try_get::<String, _>("resolve_by")?)?,
                result: r.try_get::<Option<String>, _>("result")?.map(|x| decoded(&x, ComplaintResult::parse, "ComplaintResult")).transpose()?,
                resolved_on: opt_date(r.try_get("resolved_on")?)?,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
        let book = crate::rules::load_rules(&mut tx).await?;
        tx.rollback().await?;
        let limitation: Vec<(Penalty, NaiveDate, String)> = [Penalty::Reprimand, Penalty::Warning]
            .into_iter()
            .filter_map(|p| {
                let end = limitation_end(p, violation_to, deferred, &book)?;
                Some((p, end, book.get(p.limitation()?, violation_to).citation.clone()))
            })
            .collect();
        let time_barred = case.closed_on.is_none() && limitation.iter().all(|(_, end, _)| *end < today);
        self.log_opening(caller, "case.open", "discipline_case", id).await?;
        Ok(CaseView { case, violation_from, violation_to, steps, penalty, complaints, limitation, time_barred })
    }

    /// Cases opened, penalties decided and complaints filed between `from` and `to` in the
    /// cases handled in `code`'s subtree.
    #[tracing::instrument(skip_all)]
    pub async fn discipline_summary(&self, caller: &Caller, code: &str, from: NaiveDate, to: NaiveDate) -> Result<DisciplineSummary, DbError> {
        if !caller.may(Action::Inspect) {
            return Err(DbError::NotFound);
        }
        let org = self.org(caller, code).await?;
        let prefix = format!("{}%", org.path);
        let mut tx = self.read().await?;
        let cases: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM discipline_case c JOIN org o ON o.id = c.org_id WHERE o.path LIKE $1 AND c.opened_on >= $2 AND c.opened_on <= $3",
        )
        .bind(&prefix)
        .bind(iso(from))
        .bind(iso(to))
        .fetch_one(&mut *tx)
        .await?;
        let mut out = DisciplineSummary { cases, ..Default::default() };
        for p in Penalty::ALL {
            out.penalties.insert(p.as_str().into(), 0);
        }
        let rows = sqlx::query(
            "SELECT p.penalty, COUNT(*) AS n FROM discipline_penalty p JOIN discipline_case c ON c.id = p.case_id JOIN org o ON o.id = c.org_id
             WHERE o.path LIKE $1 AND p.annulled_on IS NULL AND p.decision_date >= $2 AND p.decision_date <= $3 GROUP BY p.penalty",
        )
        .bind(&prefix)
        .bind(iso(from))
        .bind(iso(to))
        .fetch_all(&mut *tx)
        .await?;
        for r in &rows {
            out.penalties.insert(r.try_get("penalty")?, r.try_get("n")?);
        }
        let r = sqlx::query(
            "SELECT COUNT(*) AS filed, COUNT(k.resolved_on) AS resolved FROM discipline_complaint k JOIN discipline_penalty p ON p.id = k.penalty_id
             JOIN discipline_case c ON c.id = p.case_id JOIN org o ON o.id = c.org_id WHERE o.path LIKE $1 AND k.filed_on >= $2 AND k.filed_on <= $3",
        )
        .bind(&prefix)
        .bind(iso(from))
        .bind(iso(to))
        .fetch_one(&mut *tx)
        .await?;
        tx.rollback().await?;
        let (filed, resolved): (i64, i64) = (r.try_get("filed")?, r.try_get("resolved")?);
        out.complaints = BTreeMap::from([("filed".into(), filed), ("resolved".into(), resolved), ("open".into(), filed - resolved)]);
        Ok(out)
    }
}

/// Open complaints in the caller's scope with their deadline to resolve, for the to-do list
/// of the inspector role (confidential: nobody else sees them).
pub(crate) async fn complaints_due(tx: &mut Transaction<'static, Any>, caller: &Caller, book: &RuleBook, today: NaiveDate) -> Result<Vec<TodoRow>, DbError> {
    if !caller.may(Action::Inspect) {
        return Ok(Vec::new());
    }
    let s = caller.scope();
    let sql = format!(
        "SELECT c.id, m.full_name, o.code AS org, o.name AS org_name, k.filed_on, k.resolve_by FROM discipline_complaint k
           JOIN discipline_penalty p ON p.id = k.penalty_id JOIN discipline_case c ON c.id = p.case_id JOIN member m ON m.id = c.member_id
           JOIN org o ON o.id = c.org_id
         WHERE k.resolved_on IS NULL AND {ORG_IN_SCOPE} ORDER BY k.resolve_by"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).fetch_all(&mut **tx).await?;
    rows.iter()
        .map(|r| {
            let from = date(&r.try_get::<String, _>("filed_on")?)?;
            let due = date(&r.try_get::<String, _>("resolve_by")?)?;
            let v = book.get(RuleId::ComplaintResolveWd, from);
            Ok(TodoRow {
                kind: TodoKind::ComplaintDue,
                subject: "case",
                id: r.try_get("id")?,
                full_name: r.try_get("full_name")?,
                org: r.try_get("org")?,
                org_name: r.try_get("org_name")?,
                from,
                due,
                overdue: due < today,
                rule: RuleId::ComplaintResolveWd,
                citation: v.citation.clone(),
                confirmed: v.confirmed,
                milestone: None,
                unpaid_months: None,
            })
        })
        .collect()
}
