//! Remittances up the levels (nộp đảng phí lên cấp trên) and their reconciliation: what each
//! organisation of a subtree collected, received from below, sent up and kept over a period,
//! beside what the rule's share says it should have sent, so a missing or short remittance, or
//! one its receiver has not confirmed, stands out.

use crate::command::Right;
use crate::orgs::org_in_tx;
use crate::rows::{date, iso};
use crate::{Caller, DbError, Store, new_id, now};
use chrono::NaiveDate;
use dangbo_core::fee::{Month, keep_rule, send_up};
use dangbo_core::org::{Field, OrgKind};
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;

/// The largest remittance taken (a province's year is well below a thousand billion đồng).
pub const MAX_REMITTANCE: i64 = 1_000_000_000_000;
/// The longest period one remittance covers.
pub const MAX_REMIT_MONTHS: i64 = 12;

/// A remittance to record.
#[derive(Debug, Clone)]
pub struct NewRemittance {
    pub from: Month,
    pub to: Month,
    pub amount: i64,
    pub sent_on: NaiveDate,
}

/// One organisation of a reconciliation.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReconRow {
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: OrgKind,
    pub depth: usize,
    /// Collected from members by the organisation itself (a branch).
    pub collected: i64,
    /// Sent to it by the organisations below.
    pub received: i64,
    /// Of `received`, what it has not confirmed.
    pub unconfirmed: i64,
    pub sent: i64,
    /// What the rule's share says it sends (None at the top).
    pub expected: Option<i64>,
    /// collected + received − sent.
    pub kept: i64,
}

/// A subtree's fees over a period.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reconciliation {
    pub org: String,
    pub org_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2019-01"))]
    pub from: Month,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2019-12"))]
    pub to: Month,
    pub rows: Vec<ReconRow>,
    pub collected: i64,
    pub kept: i64,
    /// What left the subtree (the top's remittance).
    pub sent_up: i64,
    /// Every organisation sent what its share says and every remittance was confirmed.
    pub balanced: bool,
}

/// A remittance as listed to its sender and receiver.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemittanceRow {
    pub id: String,
    pub from_org: String,
    pub from_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2019-01"))]
    pub from: Month,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2019-03"))]
    pub to: Month,
    pub amount: i64,
    pub sent_on: NaiveDate,
    pub received_on: Option<NaiveDate>,
}

/// `on`, or an ended organisation's last day when `on` is after it (its tree as it ended).
pub(crate) fn within_life(on: NaiveDate, ended: Option<NaiveDate>) -> NaiveDate {
    match ended.and_then(|e| e.pred_opt()) {
        Some(last) if last < on => last,
        _ => on,
    }
}

fn last_day(m: Month) -> NaiveDate {
    m.next().first_day().pred_opt().expect("a day before")
}

impl NewRemittance {
    /// Checks a remittance as typed: months in order, at most a year, not ahead of `today`'s
    /// month; a positive amount; sent not in the future.
    pub fn parse(from: &str, to: &str, amount: &str, sent_on: &str, today: NaiveDate) -> Result<NewRemittance, dangbo_core::FieldErrors> {
        let mut e = dangbo_core::FieldErrors::new();
        let mut month = |field: &str, s: &str| match Month::parse(s) {
            None => {
                e.add(field, if s.trim().is_empty() { "err-required" } else { "err-month" });
                None
            }
            Some(m) if m > Month::of(today) => {
                e.add(field, "err-date-future");
                None
            }
            m => m,
        };
        let (from, to) = (month("from_month", from), month("to_month", to));
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                e.add("to_month", "err-fee-relief-order");
            } else if dangbo_core::fee::relief::months_between(f, t) > MAX_REMIT_MONTHS {
                e.add_with("to_month", "err-fee-relief-months", vec![("max", MAX_REMIT_MONTHS.to_string())]);
            }
        }
        let digits: String = amount.chars().filter(|c| !matches!(c, '.' | ' ' | ',')).collect();
        let amount = match digits.parse::<i64>() {
            Ok(n) if (1..=MAX_REMITTANCE).contains(&n) => n,
            _ => {
                e.add("amount", if digits.is_empty() { "err-required" } else { "err-number" });
                0
            }
        };
        let sent_on = dangbo_core::org::parse_past_date("sent_on", sent_on, today, &mut e);
        match (from, to, sent_on) {
            (Some(from), Some(to), Some(sent_on)) if e.is_empty() => Ok(NewRemittance { from, to, amount, sent_on }),
            _ => Err(e),
        }
    }
}

impl Store {
    /// Records what organisation `code` sent up for a period, to the organisation above it at
    /// the period's end.
    #[tracing::instrument(skip_all)]
    pub async fn record_remittance(&self, caller: &Caller, code: &str, r: NewRemittance) -> Result<String, DbError> {
        self.command(caller, Right::Write, async |c| {
            let org = org_in_tx(&mut c.tx, c.caller, code).await?.ok_or(DbError::NotFound)?;
            let end = iso(last_day(r.to));
            let parent: Option<Option<String>> =
                sqlx::query_scalar("SELECT parent_id FROM org_span WHERE org_id = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2)")
                    .bind(&org.id)
                    .bind(&end)
                    .fetch_optional(&mut *c.tx)
                    .await?;
            let Some(parent) = parent else { return Err(DbError::field("to_month", "err-fee-remit-no-org")) };
            let id = new_id();
            sqlx::query(
                "INSERT INTO fee_remittance (id, org_id, to_org_id, from_month, to_month, amount, sent_on, received_on, received_by, recorded_by, recorded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, $8, $9)",
            )
            .bind(&id)
            .bind(&org.id)
            .bind(&parent)
            .bind(r.from.iso())
            .bind(r.to.iso())
            .bind(r.amount)
            .bind(iso(r.sent_on))
            .bind(&c.caller.username)
            .bind(now())
            .execute(&mut *c.tx)
            .await?;
            let after = serde_json::json!({"from": r.from.iso(), "to": r.to.iso(), "amount": r.amount, "sent_on": iso(r.sent_on)});
            c.audit("fee.remit", "org", &org.id, None, Some(after)).await?;
            Ok(id)
        })
        .await
    }

    /// The receiver confirms a remittance arrived on `received_on` (once).
    #[tracing::instrument(skip_all)]
    pub async fn confirm_remittance(&self, caller: &Caller, id: &str, received_on: NaiveDate) -> Result<(), DbError> {
        self.command(caller, Right::Write, async |c| {
            let row = sqlx::query("SELECT o.code, r.sent_on, r.received_on FROM fee_remittance r JOIN org o ON o.id = r.to_org_id WHERE r.id = $1")
                .bind(id)
                .fetch_optional(&mut *c.tx)
                .await?
                .ok_or(DbError::NotFound)?;
            if org_in_tx(&mut c.tx, c.caller, &row.try_get::<String, _>("code")?).await?.is_none() {
                return Err(DbError::NotFound);
            }
            if row.try_get::<Option<String>, _>("received_on")?.is_some() {
                return Err(DbError::field("received_on", "err-fee-remit-confirmed"));
            }
            if received_on < date(&row.try_get::<String, _>("sent_on")?)? {
                return Err(DbError::field("received_on", "err-fee-remit-before-sent"));
            }
            sqlx::query("UPDATE fee_remittance SET received_on = $1, received_by = $2 WHERE id = $3")
                .bind(iso(received_on))
                .bind(&c.caller.username)
                .bind(id)
                .execute(&mut *c.tx)
                .await?;
            c.audit("fee.remit.received", "fee_remittance", id, None, Some(serde_json::json!({"received_on": iso(received_on)}))).await
        })
        .await
    }

    /// The remittances sent to organisation `code` whose period starts in `from`..=`to`.
    #[tracing::instrument(skip_all)]
    pub async fn remittances_to(&self, caller: &Caller, code: &str, from: Month, to: Month) -> Result<Vec<RemittanceRow>, DbError> {
        let org = self.org(caller, code).await?;
        let rows = sqlx::query(
            "SELECT r.id, o.code, o.name, r.from_month, r.to_month, r.amount, r.sent_on, r.received_on FROM fee_remittance r JOIN org o ON o.id = r.org_id
             WHERE r.to_org_id = $1 AND r.from_month >= $2 AND r.from_month <= $3 ORDER BY r.from_month, o.sort_key, r.id",
        )
        .bind(&org.id)
        .bind(from.iso())
        .bind(to.iso())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let month = |k: &str| r.try_get::<String, _>(k).map_err(DbError::from).and_then(|s| crate::rows::decoded(&s, Month::parse, "Month"));
                Ok(RemittanceRow {
                    id: r.try_get("id")?,
                    from_org: r.try_get("code")?,
                    from_name: r.try_get("name")?,
                    from: month("from_month")?,
                    to: month("to_month")?,
                    amount: r.try_get("amount")?,
                    sent_on: date(&r.try_get::<String, _>("sent_on")?)?,
                    received_on: crate::rows::opt_date(r.try_get("received_on")?)?,
                })
            })
            .collect()
    }

    /// The reconciliation of the subtree of `code` (as it stood at the period's end) over the
    /// months `from`..=`to`.
    #[tracing::instrument(skip_all)]
    pub async fn fee_reconciliation(&self, caller: &Caller, code: &str, from: Month, to: Month) -> Result<Reconciliation, DbError> {
        if to < from {
            return Err(DbError::field("to_month", "err-fee-relief-order"));
        }
        let org = self.org(caller, code).await?;
        let nodes = self.org_tree(caller, code, within_life(last_day(to), org.ended_on)).await?;
        let codes: Vec<String> = nodes.iter().map(|n| n.code.clone()).collect();
        let mut tx = self.read().await?;
        let (mut ids, mut fields, mut collected) = (Vec::new(), HashMap::new(), HashMap::<String, i64>::new());
        let (mut received, mut unconfirmed, mut sent) = (HashMap::<String, i64>::new(), HashMap::<String, i64>::new(), HashMap::<String, i64>::new());
        for chunk in codes.chunks(500) {
            let sql = format!("SELECT id, code, field FROM org WHERE code IN ({})", super::placeholders(chunk.len()));
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for c in chunk {
                q = q.bind(c);
            }
            for r in q.fetch_all(&mut *tx).await? {
                let (id, code): (String, String) = (r.try_get("id")?, r.try_get("code")?);
                fields.insert(code.clone(), Field::parse(&r.try_get::<String, _>("field")?).unwrap_or(Field::Other));
                ids.push((id, code));
            }
        }
        let code_of: HashMap<String, String> = ids.iter().cloned().collect();
        let (f, t) = (from.iso(), to.iso());
        for chunk in ids.chunks(500) {
            let list = (3..chunk.len() + 3).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
            let pay = format!(
                "SELECT org_id, CAST(SUM(amount) AS BIGINT) AS total FROM fee_payment WHERE month >= $1 AND month <= $2 AND org_id IN ({list}) GROUP BY org_id"
            );
            let rem = format!(
                "SELECT org_id, to_org_id, amount, received_on FROM fee_remittance WHERE from_month >= $1 AND from_month <= $2 AND (org_id IN ({list}) OR to_org_id IN ({list}))"
            );
            for (sql, is_pay) in [(pay, true), (rem, false)] {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&f).bind(&t);
                for (id, _) in chunk {
                    q = q.bind(id);
                }
                for r in q.fetch_all(&mut *tx).await? {
                    let org: String = r.try_get("org_id")?;
                    if is_pay {
                        collected.insert(code_of[&org].clone(), r.try_get("total")?);
                        continue;
                    }
                    let amount: i64 = r.try_get("amount")?;
                    let in_chunk = |id: &str| chunk.iter().any(|(c, _)| c == id);
                    if in_chunk(&org) {
                        *sent.entry(code_of[&org].clone()).or_default() += amount;
                    }
                    if let Some(to) = r.try_get::<Option<String>, _>("to_org_id")?.filter(|id| in_chunk(id)) {
                        *received.entry(code_of[&to].clone()).or_default() += amount;
                        if r.try_get::<Option<String>, _>("received_on")?.is_none() {
                            *unconfirmed.entry(code_of[&to].clone()).or_default() += amount;
                        }
                    }
                }
            }
        }
        let book = crate::rules::load_rules(&mut tx).await?;
        tx.rollback().await?;
        let get = |m: &HashMap<String, i64>, c: &str| m.get(c).copied().unwrap_or(0);
        // The collection of each subtree (the nodes come depth-first).
        let subtree: Vec<i64> = (0..nodes.len())
            .map(|i| nodes[i..].iter().enumerate().take_while(|(k, n)| *k == 0 || n.depth > nodes[i].depth).map(|(_, n)| get(&collected, &n.code)).sum())
            .collect();
        let on = from.first_day();
        let mut rows = Vec::with_capacity(nodes.len());
        for (i, n) in nodes.iter().enumerate() {
            let (own, rec, out) = (get(&collected, &n.code), get(&received, &n.code), get(&sent, &n.code));
            let whole = n.kind.is_grassroots() || n.kind == OrgKind::Commune;
            let base = if whole { subtree[i] } else { own + rec };
            let expected = keep_rule(n.kind, fields.get(&n.code).copied().unwrap_or(Field::Other)).map(|rule| send_up(base, book.number(rule, on)));
            rows.push(ReconRow {
                code: n.code.clone(),
                name: n.name.clone(),
                kind: n.kind,
                depth: n.depth,
                collected: own,
                received: rec,
                unconfirmed: get(&unconfirmed, &n.code),
                sent: out,
                expected,
                kept: own + rec - out,
            });
        }
        let (total, kept) = (rows.iter().map(|r| r.collected).sum::<i64>(), rows.iter().map(|r| r.kept).sum::<i64>());
        let sent_up = rows.first().map(|r| r.sent).unwrap_or(0);
        let balanced = total == kept + sent_up && rows.iter().all(|r| r.unconfirmed == 0 && r.expected.is_none_or(|e| e == r.sent));
        let root = nodes.first().ok_or(DbError::NotFound)?;
        Ok(Reconciliation { org: root.code.clone(), org_name: root.name.clone(), from, to, rows, collected: total, kept, sent_up, balanced })
    }
}
