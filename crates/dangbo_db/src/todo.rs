//! "Việc cần làm": everything due or overdue in the caller's scope, computed from the stored
//! steps and events with the rules and the calendar (dangbo_core::todo). Nothing is changed.

use crate::candidates::{Judge, load};
use crate::due::TodoRow;
use crate::members::load_events;
use crate::rows::{date, iso};
use crate::scope::ORG_IN_SCOPE;
use crate::{Caller, DbError, Store};
use chrono::NaiveDate;
use dangbo_core::badge;
use dangbo_core::candidate::replay;
use dangbo_core::event::{EventData, replay_by as member_replay};
use dangbo_core::rules::{RuleBook, RuleId};
use dangbo_core::todo::{Due, LOOKAHEAD_DAYS, TodoKind, candidate_due, probation_due};
use sqlx::Row;
use sqlx::{Any, Transaction};

/// A to-do row for a deadline on a member or candidate row, with a badge's milestone.
fn row(d: Due, subject: &'static str, r: &sqlx::any::AnyRow, today: NaiveDate, milestone: Option<i64>) -> Result<TodoRow, DbError> {
    Ok(TodoRow { milestone, ..TodoRow::of(d, subject, r, today)? })
}

impl Store {
    /// What is due in the caller's scope on `today`, the most urgent first.
    #[tracing::instrument(skip_all)]
    pub async fn todo(&self, caller: &Caller, today: NaiveDate) -> Result<Vec<TodoRow>, DbError> {
        let mut tx = self.read().await?;
        let judge = Judge::load(&mut tx).await?;
        let (rules, calendar) = (&judge.rules, &judge.calendar);
        let s = caller.scope();
        let mut out = Vec::new();
        let sql = format!(
            "SELECT c.id, c.full_name, o.code AS org, o.name AS org_name FROM candidate c JOIN org o ON o.id = c.org_id
             WHERE {ORG_IN_SCOPE} AND c.stage NOT IN ('admitted', 'rejected', 'withdrawn') ORDER BY c.sort_key, c.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).fetch_all(&mut *tx).await?;
        for r in &rows {
            let l = load(&mut tx, caller, &r.try_get::<String, _>("id")?).await?;
            let steps: Vec<_> = l.steps.iter().map(|s| s.step.clone()).collect();
            let Ok(st) = replay(&steps, &l.context(&judge)) else { continue };
            if let Some(d) = candidate_due(&st, &l.certificates, rules, calendar, today) {
                out.push(row(d, "candidate", r, today, None)?);
            }
        }
        // Probationary members whose probation ends within the lookahead or has ended.
        let horizon = today + chrono::Duration::days(LOOKAHEAD_DAYS);
        let months = rules.number(RuleId::ProbationMonths, today) as u32;
        let latest_ceremony = horizon.checked_sub_months(chrono::Months::new(months)).unwrap_or(today);
        let sql = format!(
            "SELECT m.id, m.full_name, o.code AS org, o.name AS org_name, m.ceremony_date FROM member m JOIN org o ON o.id = m.org_id
             WHERE m.status = 'probationary' AND m.ceremony_date <= $3 AND {ORG_IN_SCOPE} ORDER BY m.ceremony_date, m.id"
        );
        for r in &sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(iso(latest_ceremony)).fetch_all(&mut *tx).await? {
            if let Some(d) = probation_due(date(&r.try_get::<String, _>("ceremony_date")?)?, rules, calendar, today) {
                out.push(row(d, "member", r, today, None)?);
            }
        }
        out.extend(badges_due(&mut tx, caller, rules, today).await?);
        // Transfers under way: the sending half (home branch in scope) and the receiving half.
        let sql = format!(
            "SELECT m.id, m.full_name, o.code AS org, o.name AS org_name, t.issued_on FROM member_transfer t JOIN member m ON m.id = t.member_id JOIN org o ON o.id = m.org_id
               LEFT JOIN org r ON r.id = t.to_org_id
             WHERE ({ORG_IN_SCOPE} OR ($1 = 0 AND r.path LIKE $2)) ORDER BY t.issued_on, m.id"
        );
        for r in &sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).fetch_all(&mut *tx).await? {
            let d = dangbo_core::todo::transfer_due(date(&r.try_get::<String, _>("issued_on")?)?, rules, calendar);
            out.push(row(d, "member", r, today, None)?);
        }
        // Temporary attachments reaching their end: home and host both see them.
        let sql = format!(
            "SELECT m.id, m.full_name, o.code AS org, o.name AS org_name, a.until_on FROM member_attachment a JOIN member m ON m.id = a.member_id JOIN org o ON o.id = m.org_id
               JOIN org h ON h.id = a.host_org_id
             WHERE a.until_on IS NOT NULL AND a.until_on <= $3 AND ({ORG_IN_SCOPE} OR ($1 = 0 AND h.path LIKE $2)) ORDER BY a.until_on, m.id"
        );
        for r in &sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(iso(horizon)).fetch_all(&mut *tx).await? {
            let until = date(&r.try_get::<String, _>("until_on")?)?;
            out.push(row(Due::of(TodoKind::TempEnding, RuleId::TempTransferMaxMonths, until, until, rules), "member", r, today, None)?);
        }
        out.extend(crate::meetings::proposals_due(&mut tx, caller, &judge, today).await?);
        out.extend(crate::fees::fees_due(&mut tx, caller, rules, today).await?);
        out.extend(crate::ratings::ratings_due(&mut tx, caller, rules, today).await?);
        out.extend(crate::discipline::complaints_due(&mut tx, caller, rules, today).await?);
        tx.commit().await?;
        out.sort_by(|a, b| (a.due, &a.full_name).cmp(&(b.due, &b.full_name)));
        Ok(out)
    }
}

/// Full members whose next badge milestone falls due at the next ceremony date. Members with
/// one episode are found by their decision date; re-admitted ones (few) are replayed for gaps.
async fn badges_due(tx: &mut Transaction<'static, Any>, caller: &Caller, rules: &RuleBook, today: NaiveDate) -> Result<Vec<TodoRow>, DbError> {
    let milestones = match &rules.get(RuleId::BadgeMilestones, today).value {
        dangbo_core::rules::RuleValue::List(v) => v.clone(),
        _ => vec![],
    };
    let (after, next) = badge::window(today);
    let s = caller.scope();
    let cols = "m.id, m.full_name, o.code AS org, o.name AS org_name";
    let mut found = Vec::new();
    for m in &milestones {
        let back = |d: NaiveDate| d.checked_sub_months(chrono::Months::new((*m * 12) as u32)).unwrap_or(d);
        let sql = format!(
            "SELECT {cols} FROM member m JOIN org o ON o.id = m.org_id
             WHERE m.status IN ('full', 'exempt') AND m.episode = 1 AND m.admission_decision_date > $3 AND m.admission_decision_date <= $4 AND {ORG_IN_SCOPE}"
        );
        found
            .extend(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(iso(back(after))).bind(iso(back(next))).fetch_all(&mut **tx).await?);
    }
    let sql = format!(
        "SELECT {cols} FROM member m JOIN org o ON o.id = m.org_id WHERE m.status IN ('full', 'exempt') AND m.episode > 1 AND {ORG_IN_SCOPE} AND ($3 = $3)"
    );
    found.extend(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(0i64).fetch_all(&mut **tx).await?);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for r in &found {
        let id: String = r.try_get("id")?;
        if !seen.insert(id.clone()) {
            continue;
        }
        // One read of the events gives both the party age (with gaps) and the badges awarded.
        let events = load_events(tx, &id).await?;
        let awarded: Vec<i64> = events
            .iter()
            .filter_map(|e| match e.data {
                EventData::BadgeAwarded { years, .. } => Some(years),
                _ => None,
            })
            .collect();
        if let Some(b) = badge::badge_due(badge::party_age_start(&member_replay(&events, rules)?), &awarded, &milestones, today) {
            let d = Due::of(TodoKind::BadgeDue, RuleId::BadgeMilestones, b.eligible, b.occasion, rules);
            out.push(row(d, "member", r, today, Some(b.years))?);
        }
    }
    Ok(out)
}
