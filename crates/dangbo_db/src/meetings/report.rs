//! The committee's view of a year of branch meetings: regularity (months and quarters without a
//! meeting), supervision coverage (quarters no assigned committee member attended) and quality.

use super::read::{MeetingItem, meetings_in};
use crate::movements::SUBTREE_IN_PERIOD;
use crate::rows::{date, iso, opt_date};
use crate::rules::load_rules;
use crate::scope::ORG_IN_SCOPE;
use crate::{Caller, DbError, Store};
use chrono::{Datelike, NaiveDate};
use dangbo_core::meeting::{MeetingKind, months_alive, quarter, regularity};
use dangbo_core::rules::RuleId;
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupervisorRow {
    pub id: String,
    pub org: String,
    pub org_name: String,
    pub member_id: String,
    pub full_name: String,
    pub from_on: NaiveDate,
    pub to_on: Option<NaiveDate>,
    pub decision_no: String,
}

/// One branch's year.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BranchYear {
    pub org: String,
    pub org_name: String,
    pub months_alive: Vec<u32>,
    pub held: i64,
    pub missed_months: Vec<u32>,
    pub missed_quarters: Vec<u32>,
    /// Quarters (whole or partial, while the branch existed) with no supervisor at a meeting.
    pub unsupervised_quarters: Vec<u32>,
    pub supervisors: Vec<String>,
    pub meets_quality: i64,
    /// Average attendance of the held meetings, per mille.
    pub attendance_permille: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingReport {
    pub year: i32,
    pub branches: Vec<BranchYear>,
    pub branches_total: i64,
    pub branches_missing_months: i64,
    pub branches_missing_thematic: i64,
    pub branches_unsupervised: i64,
    pub meetings_held: i64,
    pub meetings_quality: i64,
}

/// A post (`p`, in organisation `o`) held on $3 in a committee above the branch whose path is $1
/// and id $2: who may supervise the branch.
pub(crate) const POST_ABOVE_BRANCH: &str = "$1 LIKE o.path || '%' AND o.id <> $2 AND p.from_on <= $3 AND (p.to_on IS NULL OR p.to_on > $3)";

impl Store {
    /// The year's regularity, coverage and quality for every branch under `code`, as known on
    /// `today`: a month (or quarter) not yet over is not missed.
    #[tracing::instrument(skip_all)]
    pub async fn meeting_report(&self, caller: &Caller, code: &str, year: i32, today: NaiveDate) -> Result<MeetingReport, DbError> {
        let root = self.org(caller, code).await?;
        let (from, to) = (NaiveDate::from_ymd_opt(year, 1, 1).ok_or(DbError::NotFound)?, NaiveDate::from_ymd_opt(year, 12, 31).ok_or(DbError::NotFound)?);
        let mut tx = self.read().await?;
        let rules = load_rules(&mut tx).await?;
        let (regular, thematic) = (rules.number(RuleId::RegularMeetingMonths, from), rules.number(RuleId::ThematicMeetingMonths, from));
        let s = caller.scope();
        let sql = format!(
            "{SUBTREE_IN_PERIOD} SELECT o.id, o.code, o.name, o.founded_on, o.ended_on FROM org o JOIN sub ON sub.id = o.id
             WHERE o.kind IN ('grassroots_branch', 'subordinate_branch') AND o.founded_on <= $6 AND (o.ended_on IS NULL OR o.ended_on > $5) AND {ORG_IN_SCOPE} AND ($3 = $3)
             ORDER BY o.code"
        );
        let branches = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(s.all)
            .bind(&s.prefix)
            .bind(0i64)
            .bind(&root.id)
            .bind(iso(from))
            .bind(iso(to))
            .fetch_all(&mut *tx)
            .await?;
        let sql = format!(
            "{SUBTREE_IN_PERIOD} SELECT o.code, m.full_name FROM supervisor v JOIN sub ON sub.id = v.org_id JOIN org o ON o.id = v.org_id JOIN member m ON m.id = v.member_id
             WHERE v.from_on <= $6 AND (v.to_on IS NULL OR v.to_on > $5) AND {ORG_IN_SCOPE} AND ($3 = $3) ORDER BY v.from_on"
        );
        let mut supervisors: HashMap<String, Vec<String>> = HashMap::new();
        for r in &sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(s.all)
            .bind(&s.prefix)
            .bind(0i64)
            .bind(&root.id)
            .bind(iso(from))
            .bind(iso(to))
            .fetch_all(&mut *tx)
            .await?
        {
            supervisors.entry(r.try_get("code")?).or_default().push(r.try_get("full_name")?);
        }
        let meetings = meetings_in(&mut tx, caller, &rules, &root.id, from, to).await?;
        tx.commit().await?;
        let mut by_org: HashMap<&str, Vec<&MeetingItem>> = HashMap::new();
        for m in meetings.iter().filter(|m| m.held_on.is_some()) {
            by_org.entry(m.org.as_str()).or_default().push(m);
        }
        let mut out = Vec::with_capacity(branches.len());
        for b in &branches {
            let code: String = b.try_get("code")?;
            // A month still under way, or to come, counts as if the branch ended at its start.
            let this_month = today.with_day(1).unwrap_or(today);
            let ended = opt_date(b.try_get("ended_on")?)?.map_or(this_month, |e| e.min(this_month));
            let alive = months_alive(year, date(&b.try_get::<String, _>("founded_on")?)?, Some(ended));
            let held = by_org.get(code.as_str()).cloned().unwrap_or_default();
            let dated: Vec<(NaiveDate, MeetingKind)> = held.iter().filter_map(|m| m.held_on.map(|h| (h, m.kind))).collect();
            let reg = regularity(year, &alive, &dated, regular, thematic);
            let quarters: Vec<u32> = (1..=4).filter(|q| alive.iter().any(|m| (m - 1) / 3 + 1 == *q)).collect();
            let unsupervised_quarters =
                quarters.into_iter().filter(|q| !held.iter().any(|m| m.supervisor_present && m.held_on.is_some_and(|h| quarter(h) == *q))).collect();
            let rates: Vec<i64> = held.iter().map(|m| m.attendance.rate_permille()).collect();
            out.push(BranchYear {
                org: code.clone(),
                org_name: b.try_get("name")?,
                months_alive: alive,
                held: held.len() as i64,
                missed_months: reg.missed_months,
                missed_quarters: reg.missed_quarters,
                unsupervised_quarters,
                supervisors: supervisors.remove(&code).unwrap_or_default(),
                meets_quality: held.iter().filter(|m| m.quality.is_some_and(|q| q.meets)).count() as i64,
                attendance_permille: if rates.is_empty() { 0 } else { rates.iter().sum::<i64>() / rates.len() as i64 },
            });
        }
        // Only branches with at least one whole month count as expected to meet.
        let count = |f: &dyn Fn(&BranchYear) -> bool| out.iter().filter(|b| f(b)).count() as i64;
        Ok(MeetingReport {
            year,
            branches_total: count(&|b| !b.months_alive.is_empty()),
            branches_missing_months: count(&|b| !b.missed_months.is_empty()),
            branches_missing_thematic: count(&|b| !b.missed_quarters.is_empty()),
            branches_unsupervised: count(&|b| !b.unsupervised_quarters.is_empty()),
            meetings_held: out.iter().map(|b| b.held).sum(),
            meetings_quality: out.iter().map(|b| b.meets_quality).sum(),
            branches: out,
        })
    }

    /// Persons holding a position on `on` in the committees above the branch `code` (those who
    /// can be assigned to supervise it): (member id, name, title, committee name).
    #[tracing::instrument(skip_all)]
    pub async fn committee_choices(&self, caller: &Caller, code: &str, on: NaiveDate) -> Result<Vec<(String, String, String, String)>, DbError> {
        let branch = self.org(caller, code).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT p.member_id, m.full_name, p.title, o.name FROM position p JOIN org o ON o.id = p.org_id JOIN member m ON m.id = p.member_id
                 WHERE {POST_ABOVE_BRANCH} ORDER BY o.path DESC, m.sort_key"
        )))
        .bind(&branch.path)
        .bind(&branch.id)
        .bind(iso(on))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get("member_id")?, r.try_get("full_name")?, r.try_get("title")?, r.try_get("name")?))).collect()
    }

    /// Committee members assigned to branches under `code`, current and past.
    #[tracing::instrument(skip_all)]
    pub async fn supervisors(&self, caller: &Caller, code: &str) -> Result<Vec<SupervisorRow>, DbError> {
        let root = self.org(caller, code).await?;
        let s = caller.scope();
        let sql = format!(
            "{SUBTREE_IN_PERIOD} SELECT v.id, o.code, o.name, v.member_id, m.full_name, v.from_on, v.to_on, v.decision_no
             FROM supervisor v JOIN sub ON sub.id = v.org_id JOIN org o ON o.id = v.org_id JOIN member m ON m.id = v.member_id
             WHERE {ORG_IN_SCOPE} AND ($3 = $3) ORDER BY o.code, v.from_on"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(s.all)
            .bind(&s.prefix)
            .bind(0i64)
            .bind(&root.id)
            .bind("0000-01-01")
            .bind("9999-12-31")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(SupervisorRow {
                    id: r.try_get("id")?,
                    org: r.try_get("code")?,
                    org_name: r.try_get("name")?,
                    member_id: r.try_get("member_id")?,
                    full_name: r.try_get("full_name")?,
                    from_on: date(&r.try_get::<String, _>("from_on")?)?,
                    to_on: opt_date(r.try_get("to_on")?)?,
                    decision_no: r.try_get("decision_no")?,
                })
            })
            .collect()
    }
}
