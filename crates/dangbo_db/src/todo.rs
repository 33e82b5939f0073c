//! "Việc cần làm": everything due or overdue in the caller's scope, computed from the stored
//! steps and events with the rules and the calendar (dangbo_core::todo). Nothing is changed.

use crate::candidates::load;
use crate::members::derive;
use crate::rows::{date, iso};
use crate::rules::{load_calendar, load_rules};
use crate::scope::ORG_IN_SCOPE;
use crate::{Caller, DbError, Store};
use chrono::NaiveDate;
use dangbo_core::badge;
use dangbo_core::candidate::{Context, replay};
use dangbo_core::org::OrgKind;
use dangbo_core::rules::RuleBook;
use dangbo_core::rules::RuleId;
use dangbo_core::todo::{LOOKAHEAD_DAYS, TodoKind, candidate_due, probation_due};
use serde::Serialize;
use sqlx::Row;
use sqlx::{Any, Transaction};

#[derive(Debug, Clone, Serialize)]
pub struct TodoRow {
    pub kind: TodoKind,
    /// "candidate" or "member": where the link goes.
    pub subject: &'static str,
    pub id: String,
    pub full_name: String,
    pub org: String,
    pub org_name: String,
    /// The date the rule counts from, and the last day.
    pub from: NaiveDate,
    pub due: NaiveDate,
    pub overdue: bool,
    pub rule: RuleId,
    pub citation: String,
    pub confirmed: bool,
    /// For a badge: the milestone in years.
    pub milestone: Option<i64>,
}

impl Store {
    /// What is due in the caller's scope on `today`, the most urgent first.
    pub async fn todo(&self, caller: &Caller, today: NaiveDate) -> Result<Vec<TodoRow>, DbError> {
        let mut w = self.write().await?;
        let rules = load_rules(&mut w.tx).await?;
        let calendar = load_calendar(&mut w.tx).await?;
        let s = caller.scope();
        let mut out = Vec::new();
        let sql = format!(
            "SELECT c.id, c.full_name, o.code, o.name FROM candidate c JOIN org o ON o.id = c.org_id
             WHERE {ORG_IN_SCOPE} AND c.stage NOT IN ('admitted', 'rejected', 'withdrawn') ORDER BY c.sort_key, c.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).fetch_all(&mut *w.tx).await?;
        for r in &rows {
            let id: String = r.try_get(0)?;
            let l = load(&mut w.tx, caller, &id).await?;
            let steps: Vec<_> = l.steps.iter().map(|s| s.step.clone()).collect();
            let ctx = Context {
                listed_on: l.listed_on,
                birth_date: l.person.birth_date,
                needs_committee: l.org_kind == OrgKind::SubordinateBranch,
                certificates: &l.certificates,
                rules: &rules,
                calendar: &calendar,
            };
            let Ok(st) = replay(&steps, &ctx) else { continue };
            if let Some(d) = candidate_due(&st, &l.certificates, &rules, &calendar, today) {
                out.push(TodoRow {
                    kind: d.kind,
                    subject: "candidate",
                    id,
                    full_name: r.try_get(1)?,
                    org: r.try_get(2)?,
                    org_name: r.try_get(3)?,
                    from: d.from,
                    due: d.due,
                    overdue: d.overdue(today),
                    rule: d.rule,
                    citation: d.citation,
                    confirmed: d.confirmed,
                    milestone: None,
                });
            }
        }
        // Probationary members whose twelve months end within the lookahead or have ended.
        let latest_ceremony =
            dangbo_core::date::add_months(today + chrono::Duration::days(LOOKAHEAD_DAYS), 0).checked_sub_months(chrono::Months::new(12)).unwrap_or(today);
        let sql = format!(
            "SELECT m.id, m.full_name, o.code, o.name, m.ceremony_date FROM member m JOIN org o ON o.id = m.org_id
             WHERE m.status = 'probationary' AND m.ceremony_date <= $3 AND {ORG_IN_SCOPE} ORDER BY m.ceremony_date, m.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(iso(latest_ceremony)).fetch_all(&mut *w.tx).await?;
        for r in &rows {
            let ceremony = date(&r.try_get::<String, _>(4)?)?;
            if let Some(d) = probation_due(ceremony, &rules, &calendar, today) {
                out.push(TodoRow {
                    kind: d.kind,
                    subject: "member",
                    id: r.try_get(0)?,
                    full_name: r.try_get(1)?,
                    org: r.try_get(2)?,
                    org_name: r.try_get(3)?,
                    from: d.from,
                    due: d.due,
                    overdue: d.overdue(today),
                    rule: d.rule,
                    citation: d.citation,
                    confirmed: d.confirmed,
                    milestone: None,
                });
            }
        }
        out.extend(badges_due(&mut w.tx, caller, &rules, today).await?);
        // Transfers under way: the sending half (home branch in scope) and the receiving half.
        let sql = format!(
            "SELECT m.id, m.full_name, o.code, o.name, t.issued_on FROM member_transfer t JOIN member m ON m.id = t.member_id JOIN org o ON o.id = m.org_id
               LEFT JOIN org r ON r.id = t.to_org_id
             WHERE ({ORG_IN_SCOPE} OR ($1 = 0 AND r.path LIKE $2)) ORDER BY t.issued_on, m.id"
        );
        for r in &sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).fetch_all(&mut *w.tx).await? {
            let d = dangbo_core::todo::transfer_due(date(&r.try_get::<String, _>(4)?)?, &rules, &calendar);
            out.push(TodoRow {
                kind: d.kind,
                subject: "member",
                id: r.try_get(0)?,
                full_name: r.try_get(1)?,
                org: r.try_get(2)?,
                org_name: r.try_get(3)?,
                from: d.from,
                due: d.due,
                overdue: d.overdue(today),
                rule: d.rule,
                citation: d.citation,
                confirmed: d.confirmed,
                milestone: None,
            });
        }
        // Temporary attachments reaching their end: home and host both see them.
        let sql = format!(
            "SELECT m.id, m.full_name, o.code, o.name, a.until_on FROM member_attachment a JOIN member m ON m.id = a.member_id JOIN org o ON o.id = m.org_id
               JOIN org h ON h.id = a.host_org_id
             WHERE a.until_on IS NOT NULL AND a.until_on <= $3 AND ({ORG_IN_SCOPE} OR ($1 = 0 AND h.path LIKE $2)) ORDER BY a.until_on, m.id"
        );
        let horizon = iso(today + chrono::Duration::days(LOOKAHEAD_DAYS));
        let rule = rules.get(RuleId::TempTransferMaxMonths, today);
        for r in &sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(horizon).fetch_all(&mut *w.tx).await? {
            let until = date(&r.try_get::<String, _>(4)?)?;
            out.push(TodoRow {
                kind: TodoKind::TempEnding,
                subject: "member",
                id: r.try_get(0)?,
                full_name: r.try_get(1)?,
                org: r.try_get(2)?,
                org_name: r.try_get(3)?,
                from: until,
                due: until,
                overdue: until < today,
                rule: RuleId::TempTransferMaxMonths,
                citation: rule.citation.clone(),
                confirmed: rule.confirmed,
                milestone: None,
            });
        }
        w.commit().await?;
        out.sort_by(|a, b| (a.due, &a.full_name).cmp(&(b.due, &b.full_name)));
        Ok(out)
    }
}

/// Full members whose next badge milestone falls due at the next ceremony date. Members with
/// one episode are found by their decision date; re-admitted ones (few) are replayed for gaps.
async fn badges_due(tx: &mut Transaction<'static, Any>, caller: &Caller, rules: &RuleBook, today: NaiveDate) -> Result<Vec<TodoRow>, DbError> {
    let version = rules.get(RuleId::BadgeMilestones, today);
    let milestones = match &version.value {
        dangbo_core::rules::RuleValue::List(v) => v.clone(),
        _ => vec![],
    };
    let (after, next) = badge::window(today);
    let s = caller.scope();
    let mut found: Vec<(String, String, String, String)> = Vec::new();
    let cols = "m.id, m.full_name, o.code, o.name";
    for m in &milestones {
        let back = |d: NaiveDate| d.checked_sub_months(chrono::Months::new((*m * 12) as u32)).unwrap_or(d);
        let sql = format!(
            "SELECT {cols} FROM member m JOIN org o ON o.id = m.org_id
             WHERE m.status IN ('full', 'exempt') AND m.episode = 1 AND m.admission_decision_date > $3 AND m.admission_decision_date <= $4 AND {ORG_IN_SCOPE}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(iso(back(after))).bind(iso(back(next))).fetch_all(&mut **tx).await?;
        for r in &rows {
            found.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?));
        }
    }
    let sql = format!(
        "SELECT {cols} FROM member m JOIN org o ON o.id = m.org_id WHERE m.status IN ('full', 'exempt') AND m.episode > 1 AND {ORG_IN_SCOPE} AND ($3 = $3)"
    );
    for r in &sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(0i64).fetch_all(&mut **tx).await? {
        found.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?));
    }
    found.sort();
    found.dedup();
    let mut out = Vec::new();
    for (id, full_name, org, org_name) in found {
        let d = derive(tx, &id).await?;
        let awarded: Vec<i64> = sqlx::query_scalar("SELECT data FROM member_event WHERE member_id = $1 AND kind = 'badge_awarded'")
            .bind(&id)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .filter_map(|data: &String| serde_json::from_str::<serde_json::Value>(data).ok()?.get("years")?.as_i64())
            .collect();
        if let Some(b) = badge::badge_due(badge::party_age_start(&d), &awarded, &milestones, today) {
            out.push(TodoRow {
                kind: TodoKind::BadgeDue,
                subject: "member",
                id,
                full_name,
                org,
                org_name,
                from: b.eligible,
                due: b.occasion,
                overdue: b.occasion < today,
                rule: RuleId::BadgeMilestones,
                citation: version.citation.clone(),
                confirmed: version.confirmed,
                milestone: Some(b.years),
            });
        }
    }
    Ok(out)
}
