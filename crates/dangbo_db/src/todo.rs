//! "Việc cần làm": everything due or overdue in the caller's scope, computed from the stored
//! steps and events with the rules and the calendar (dangbo_core::todo). Nothing is changed.

use crate::candidates::load;
use crate::rows::{date, iso};
use crate::rules::{load_calendar, load_rules};
use crate::scope::ORG_IN_SCOPE;
use crate::{Caller, DbError, Store};
use chrono::NaiveDate;
use dangbo_core::candidate::{Context, replay};
use dangbo_core::org::OrgKind;
use dangbo_core::rules::RuleId;
use dangbo_core::todo::{LOOKAHEAD_DAYS, TodoKind, candidate_due, probation_due};
use serde::Serialize;
use sqlx::Row;

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
                });
            }
        }
        w.commit().await?;
        out.sort_by(|a, b| (a.due, &a.full_name).cmp(&(b.due, &b.full_name)));
        Ok(out)
    }
}
