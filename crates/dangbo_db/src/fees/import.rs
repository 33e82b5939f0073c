//! Payments imported from a spreadsheet (the portal's statement, a branch's Excel book): each
//! row's member found by CCCD or card number, owing the month to a branch the caller writes in;
//! a receipt already recorded for the same member, month and amount is skipped (importing the
//! same file twice records it once), a receipt used for another payment refused; all rows or
//! none, checked first when `dry_run`.

use super::facts::load_facts;
use crate::command::Right;
use crate::rows::iso;
use crate::{Caller, DbError, Store, new_id, now};
use chrono::NaiveDate;
use dangbo_core::FieldErrors;
use dangbo_core::fee::payment::{Payer, PaymentLine};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use std::collections::{HashMap, HashSet};

/// What an import did (or would do).
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentImport {
    pub rows: usize,
    /// Recorded (or, on a dry run, to record).
    pub recorded: usize,
    /// Already recorded with the same receipt, member, month and amount: skipped.
    pub already: usize,
    pub total: i64,
    /// Each refused row and its problems by field (nothing is written when any).
    pub problems: Vec<RowProblems>,
    pub dry_run: bool,
}

/// A refused row: its number in the file and its problems by field.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowProblems {
    pub row: usize,
    pub errors: FieldErrors,
}

/// Member ids by CCCD and by card number, of the payers named.
async fn payers(tx: &mut Transaction<'static, Any>, lines: &[PaymentLine]) -> Result<HashMap<Payer, String>, DbError> {
    let mut out = HashMap::new();
    for (column, cccd) in [("cccd", true), ("card_no", false)] {
        let keys: Vec<&str> = lines
            .iter()
            .filter_map(|l| match (&l.payer, cccd) {
                (Payer::Cccd(k), true) | (Payer::Card(k), false) => Some(k.as_str()),
                _ => None,
            })
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        for chunk in keys.chunks(500) {
            let sql = format!("SELECT id, {column} AS k FROM member WHERE {column} IN ({})", super::placeholders(chunk.len()));
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for k in chunk {
                q = q.bind(*k);
            }
            for r in q.fetch_all(&mut **tx).await? {
                let k: String = r.try_get("k")?;
                out.insert(if cccd { Payer::Cccd(k) } else { Payer::Card(k) }, r.try_get("id")?);
            }
        }
    }
    Ok(out)
}

/// The receipts already recorded among `receipts`: receipt → (member, month, amount).
pub(super) async fn recorded(tx: &mut Transaction<'static, Any>, receipts: &[&str]) -> Result<HashMap<String, (String, String, i64)>, DbError> {
    let mut out = HashMap::new();
    for chunk in receipts.chunks(500) {
        let sql = format!("SELECT receipt, member_id, month, amount FROM fee_payment WHERE receipt IN ({})", super::placeholders(chunk.len()));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for r in chunk {
            q = q.bind(*r);
        }
        for r in q.fetch_all(&mut **tx).await? {
            out.insert(r.try_get("receipt")?, (r.try_get("member_id")?, r.try_get("month")?, r.try_get("amount")?));
        }
    }
    Ok(out)
}

/// The path of each organisation among `ids`.
async fn paths(tx: &mut Transaction<'static, Any>, ids: &HashSet<String>) -> Result<HashMap<String, String>, DbError> {
    let ids: Vec<&String> = ids.iter().collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let sql = format!("SELECT id, path FROM org WHERE id IN ({})", super::placeholders(chunk.len()));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut **tx).await? {
            out.insert(r.try_get("id")?, r.try_get("path")?);
        }
    }
    Ok(out)
}

/// A row ready to write: (member, owed to org, the line).
type Ready<'a> = (String, String, &'a PaymentLine);

impl Store {
    /// Imports checked rows (`problems` holds the rows that did not parse, by number).
    #[tracing::instrument(skip_all, fields(rows = lines.len()))]
    pub async fn import_fee_payments(
        &self,
        caller: &Caller,
        lines: &[PaymentLine],
        problems: Vec<(usize, FieldErrors)>,
        dry_run: bool,
        today: NaiveDate,
    ) -> Result<PaymentImport, DbError> {
        let problems_len = problems.len();
        if lines.len() + problems_len > dangbo_core::fee::payment::MAX_IMPORT_ROWS {
            return Err(DbError::field("file", "err-too-many"));
        }
        self.command(caller, Right::Write, async |c| {
            let problems = problems.into_iter().map(|(row, errors)| RowProblems { row, errors }).collect();
            let mut report = PaymentImport { rows: lines.len() + problems_len, problems, dry_run, ..Default::default() };
            let found = payers(&mut c.tx, lines).await?;
            let members: Vec<String> = found.values().cloned().collect::<HashSet<_>>().into_iter().collect();
            let facts = load_facts(&mut c.tx, &members).await?;
            let receipts: Vec<&str> = lines.iter().filter_map(|l| l.receipt.as_deref()).collect();
            let before = recorded(&mut c.tx, &receipts).await?;
            let owed_orgs: HashSet<String> =
                lines.iter().filter_map(|l| found.get(&l.payer).and_then(|m| facts.get(m)).and_then(|f| f.org_of(l.month)).map(str::to_string)).collect();
            let org_paths = paths(&mut c.tx, &owed_orgs).await?;
            let mut seen: HashSet<&str> = HashSet::new();
            let mut ready: Vec<Ready> = Vec::new();
            for l in lines {
                let mut e = FieldErrors::new();
                let payer_field = if matches!(l.payer, Payer::Cccd(_)) { "cccd" } else { "card_no" };
                let member = found.get(&l.payer);
                let org = member.and_then(|m| facts.get(m)).and_then(|f| f.org_of(l.month)).map(str::to_string);
                let writable = org.as_ref().and_then(|o| org_paths.get(o)).is_some_and(|p| c.caller.owns(p));
                match (member, &org) {
                    (None, _) => e.add(payer_field, "err-fee-import-no-member"),
                    (Some(_), None) => e.add("month", "err-fee-not-owed"),
                    (Some(_), Some(_)) if !writable => e.add(payer_field, "err-fee-import-no-member"),
                    _ => {}
                }
                if let Some(r) = l.receipt.as_deref() {
                    let same = before.get(r).map(|(m, month, amount)| Some(m) == member && *month == l.month.iso() && *amount == l.amount);
                    match same {
                        Some(true) => {
                            report.already += 1;
                            continue;
                        }
                        Some(false) => e.add_with("receipt", "err-receipt-taken", vec![("receipt", r.to_string())]),
                        None if !seen.insert(r) => e.add_with("receipt", "err-receipt-taken", vec![("receipt", r.to_string())]),
                        None => {}
                    }
                }
                match (member, org) {
                    (Some(m), Some(o)) if e.is_empty() => ready.push((m.clone(), o, l)),
                    _ => report.problems.push(RowProblems { row: l.row, errors: e }),
                }
            }
            report.problems.sort_by_key(|p| p.row);
            report.recorded = ready.len();
            report.total = ready.iter().map(|(_, _, l)| l.amount).sum();
            if dry_run || !report.problems.is_empty() || ready.is_empty() {
                c.unaudited("a check, a refused file or one recorded before writes nothing");
                return Ok(report);
            }
            insert(&mut c.tx, &c.caller.username, &ready).await?;
            let summary = serde_json::json!({"recorded": report.recorded, "already": report.already, "total": report.total, "today": iso(today)});
            c.audit("fee.import", "fee_payment", "", None, Some(summary)).await?;
            Ok(report)
        })
        .await
    }
}

async fn insert(tx: &mut Transaction<'static, Any>, by: &str, ready: &[Ready<'_>]) -> Result<(), DbError> {
    let stamp = now();
    for chunk in ready.chunks(80) {
        let values: Vec<String> =
            (0..chunk.len()).map(|r| format!("({})", (1..=10).map(|c| format!("${}", r * 10 + c)).collect::<Vec<_>>().join(", "))).collect();
        let sql = format!(
            "INSERT INTO fee_payment (id, member_id, month, org_id, amount, paid_on, channel, receipt, recorded_by, recorded_at) VALUES {}",
            values.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (member, org, l) in chunk {
            q = q
                .bind(new_id())
                .bind(member.clone())
                .bind(l.month.iso())
                .bind(org.clone())
                .bind(l.amount)
                .bind(iso(l.paid_on))
                .bind(l.channel.as_str())
                .bind(l.receipt.clone())
                .bind(by.to_string())
                .bind(stamp.clone());
        }
        q.execute(&mut **tx).await?;
    }
    let mut paid_by: Vec<String> = ready.iter().map(|(member, _, _)| member.to_string()).collect();
    paid_by.sort_unstable();
    paid_by.dedup();
    crate::fee_stale::touch_members(tx, &paid_by).await
}
