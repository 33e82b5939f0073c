//! What the fee of a member's month depends on besides the rules, read in bulk from the derived
//! tables (no replay of the events): where and when the member was counted in the register,
//! the date their party age counts from, and what they paid each month.

use crate::DbError;
use crate::rows::{date, decoded, opt_date};
use chrono::NaiveDate;
use dangbo_core::fee::Month;
use dangbo_core::member::Status;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

/// A span in which the member was counted (probationary, full or exempt from activities).
#[derive(Debug, Clone)]
pub(crate) struct Counted {
    pub org_id: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// A member's counted spans (in order) and the start of their party age.
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    pub counted: Vec<Counted>,
    pub start: NaiveDate,
}

impl Facts {
    pub(crate) fn of(d: &dangbo_core::event::Derived) -> Facts {
        let counted = d.spans.iter().filter(|s| s.status.counted()).map(|s| Counted { org_id: s.org_id.clone(), from: s.from, to: s.to }).collect();
        Facts { counted, start: dangbo_core::badge::party_age_start(d) }
    }

    /// The branch the month is owed to: the member's first counted span of the month.
    pub(crate) fn org_of(&self, m: Month) -> Option<&str> {
        let (from, to) = (m.first_day(), m.next().first_day());
        self.counted.iter().find(|s| s.from < to && s.to.is_none_or(|t| t > from)).map(|s| s.org_id.as_str())
    }
}

fn list(n: usize) -> String {
    super::placeholders(n)
}

/// The facts of members, from `member_span` and `member_episode`.
pub(crate) async fn load_facts(tx: &mut Transaction<'static, Any>, ids: &[String]) -> Result<HashMap<String, Facts>, DbError> {
    let mut spans: HashMap<String, Vec<(i64, Status, Counted)>> = HashMap::new();
    let mut episodes: HashMap<String, Vec<(i64, NaiveDate)>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT member_id, org_id, status, episode, valid_from, valid_to FROM member_span WHERE member_id IN ({}) ORDER BY member_id, valid_from",
            list(chunk.len())
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(id);
        }
        for r in q.fetch_all(&mut **tx).await? {
            let status = decoded(&r.try_get::<String, _>("status")?, Status::parse, "Status")?;
            let c = Counted { org_id: r.try_get("org_id")?, from: date(&r.try_get::<String, _>("valid_from")?)?, to: opt_date(r.try_get("valid_to")?)? };
            spans.entry(r.try_get("member_id")?).or_default().push((r.try_get("episode")?, status, c));
        }
        let sql = format!(
            "SELECT member_id, episode, admission_decision_date FROM member_episode WHERE member_id IN ({}) ORDER BY member_id, episode",
            list(chunk.len())
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(id);
        }
        for r in q.fetch_all(&mut **tx).await? {
            episodes.entry(r.try_get("member_id")?).or_default().push((r.try_get("episode")?, date(&r.try_get::<String, _>("admission_decision_date")?)?));
        }
    }
    let mut out = HashMap::with_capacity(spans.len());
    for (id, list) in spans {
        let ends: Vec<(i64, Option<NaiveDate>)> = list.iter().map(|(e, _, c)| (*e, c.to)).collect();
        let first = list.first().map(|(_, _, c)| c.from).unwrap_or(NaiveDate::MAX);
        let start = dangbo_core::badge::party_age_start_of(episodes.get(&id).map(Vec::as_slice).unwrap_or(&[]), &ends).unwrap_or(first);
        let counted = list.into_iter().filter(|(_, s, _)| s.counted()).map(|(_, _, c)| c).collect();
        out.insert(id, Facts { counted, start });
    }
    Ok(out)
}

/// What members paid for each month of `from`..=`to`.
pub(crate) async fn payments(
    tx: &mut Transaction<'static, Any>,
    ids: &[String],
    from: Month,
    to: Month,
) -> Result<HashMap<String, HashMap<Month, i64>>, DbError> {
    let mut out: HashMap<String, HashMap<Month, i64>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT member_id, month, CAST(SUM(amount) AS BIGINT) AS paid FROM fee_payment WHERE month >= $1 AND month <= $2 AND member_id IN ({}) GROUP BY member_id, month",
            (3..chunk.len() + 3).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(from.iso()).bind(to.iso());
        for id in chunk {
            q = q.bind(id);
        }
        for r in q.fetch_all(&mut **tx).await? {
            let m = decoded(&r.try_get::<String, _>("month")?, Month::parse, "Month")?;
            out.entry(r.try_get("member_id")?).or_default().insert(m, r.try_get("paid")?);
        }
    }
    Ok(out)
}
