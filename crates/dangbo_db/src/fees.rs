//! Party fees (issue 25): members' fee bases, a branch's month (who owes it there, what each
//! owes under the rule in force, what has been paid), the payments of a month recorded in one
//! command, and a member's months with what they have paid through; exemptions and reductions
//! by decision ([`relief`]), remittances up the levels and their reconciliation ([`remit`]), and
//! a branch's book of a year ([`book`]).

mod arrears;
pub mod book;
mod facts;
pub mod import;
mod kept;
pub mod relief;
pub mod remit;

use crate::fee_stale::touch_members;
pub(crate) use arrears::fees_due;
pub use arrears::{ArrearsRow, OrgFeeMonth, OrgFeesYear};
use facts::{Facts, load_facts};

use crate::command::Right;
use crate::members::{derive_by, member_visible};
use crate::orgs::org_in_tx;
use crate::rows::{decoded, iso};
use crate::{Caller, DbError, Store, new_id, now};
use chrono::NaiveDate;
use dangbo_core::FieldErrors;
use dangbo_core::fee::{Basis, Category, Channel, FeeDue, Month, basis_in, due};
use dangbo_core::rules::RuleBook;
use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

/// The largest payment taken for one member and month (a year paid ahead is twelve payments).
pub const MAX_PAYMENT: i64 = 100_000_000;
/// The longest receipt number.
pub const MAX_RECEIPT: usize = 50;
/// The most payments recorded in one command (a branch's month).
pub const MAX_PAYMENTS: usize = 500;
/// How many months, this one included, may be paid ahead (a year).
pub const MAX_AHEAD: usize = 12;
/// The most distinct months one command records (this month, late ones, a year ahead).
pub const MAX_MONTHS_AT_ONCE: usize = 36;

/// One member on a branch's month.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeeLine {
    pub member_id: String,
    pub name: String,
    /// None when no fee basis is recorded for the month.
    pub basis: Option<Basis>,
    pub due: Option<FeeDue>,
    /// Paid for the month so far (all payments).
    pub paid: i64,
}

/// A branch's month: every member who owes it there.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeeSheet {
    pub org: String,
    pub org_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-11"))]
    pub month: Month,
    pub lines: Vec<FeeLine>,
}

/// One month of a member.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthFee {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-11"))]
    pub month: Month,
    /// Whether the member owes the month (counted in the register that month).
    pub owed: bool,
    /// None when owed without a fee basis for the month.
    pub due: Option<i64>,
    pub exempt: bool,
    /// The percentage a reduction by decision takes off.
    pub reduction: i64,
    pub paid: i64,
    /// The rule the amount comes from.
    pub rule: String,
}

/// A member's fees for a year, and the last month paid without a gap since the first owed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberFees {
    pub member_id: String,
    pub year: i32,
    pub months: Vec<MonthFee>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "2026-10"))]
    pub paid_through: Option<Month>,
    pub bases: Vec<Basis>,
    pub reliefs: Vec<relief::ReliefRow>,
}

/// A payment to record.
#[derive(Debug, Clone)]
pub struct NewPayment {
    pub member_id: String,
    pub month: Month,
    pub amount: i64,
    pub paid_on: NaiveDate,
    pub channel: Channel,
    pub receipt: Option<String>,
}

pub(crate) const COUNTED: &str = "('probationary', 'full', 'exempt')";

/// The members who owe `month` to branch `org_id` (those it counts on the first day of the
/// month they are counted in the register), with their names, sorted by given name.
pub(crate) async fn owed_to(tx: &mut Transaction<'static, Any>, org_id: &str, month: Month) -> Result<Vec<(String, String)>, DbError> {
    let (from, to) = (iso(month.first_day()), iso(month.next().first_day()));
    let sql = format!(
        "SELECT ms.member_id, ms.org_id, ms.valid_from, m.full_name FROM member_span ms JOIN member m ON m.id = ms.member_id
         WHERE ms.status IN {COUNTED} AND ms.valid_from < $2 AND (ms.valid_to IS NULL OR ms.valid_to > $1)
           AND ms.member_id IN (SELECT s.member_id FROM member_span s WHERE s.org_id = $3 AND s.status IN {COUNTED}
                                AND s.valid_from < $2 AND (s.valid_to IS NULL OR s.valid_to > $1))
         ORDER BY m.sort_key, m.id, ms.valid_from"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&from).bind(&to).bind(org_id).fetch_all(&mut **tx).await?;
    let mut out: Vec<(String, String)> = Vec::new();
    let mut last = String::new();
    for r in &rows {
        let member: String = r.try_get("member_id")?;
        if member == last {
            continue;
        }
        // The member's first span of the month decides where the month is owed.
        last.clone_from(&member);
        if r.try_get::<String, _>("org_id")? == org_id {
            out.push((member, r.try_get("full_name")?));
        }
    }
    Ok(out)
}

/// The fee bases of members, oldest first.
pub(crate) async fn bases_of(tx: &mut Transaction<'static, Any>, ids: &[String]) -> Result<HashMap<String, Vec<Basis>>, DbError> {
    let mut out: HashMap<String, Vec<Basis>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT member_id, from_month, category, base FROM fee_basis WHERE member_id IN ({}) ORDER BY member_id, from_month",
            placeholders(chunk.len())
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(id);
        }
        for r in q.fetch_all(&mut **tx).await? {
            let from: String = r.try_get("from_month")?;
            let basis = Basis {
                from: decoded(&from, Month::parse, "Month")?,
                category: decoded(&r.try_get::<String, _>("category")?, Category::parse, "fee Category")?,
                base: r.try_get("base")?,
            };
            out.entry(r.try_get("member_id")?).or_default().push(basis);
        }
    }
    Ok(out)
}

fn placeholders(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

impl Store {
    /// Records a member's fee basis from a month on (replacing one recorded for the same month).
    #[tracing::instrument(skip_all)]
    pub async fn set_fee_basis(&self, caller: &Caller, member_id: &str, basis: Basis) -> Result<(), DbError> {
        self.command(caller, Right::Write, async |c| {
            if !member_visible(&mut c.tx, c.caller, member_id).await? {
                return Err(DbError::NotFound);
            }
            let month = basis.from.iso();
            touch_members(&mut c.tx, &[member_id.to_string()]).await?;
            sqlx::query("DELETE FROM fee_basis WHERE member_id = $1 AND from_month = $2").bind(member_id).bind(&month).execute(&mut *c.tx).await?;
            sqlx::query("INSERT INTO fee_basis (member_id, from_month, category, base, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(member_id)
                .bind(&month)
                .bind(basis.category.as_str())
                .bind(basis.base)
                .bind(&c.caller.username)
                .bind(now())
                .execute(&mut *c.tx)
                .await?;
            c.audit("fee.basis", "member", member_id, None, Some(serde_json::to_value(&basis)?)).await
        })
        .await
    }

    /// A branch's month: who owes it there, what each owes and has paid.
    #[tracing::instrument(skip_all)]
    pub async fn fee_sheet(&self, caller: &Caller, code: &str, month: Month) -> Result<FeeSheet, DbError> {
        let org = self.org(caller, code).await?;
        if !org.kind.holds_members() {
            return Err(DbError::field("org", "err-org-not-branch"));
        }
        let mut tx = self.read().await?;
        let owed = owed_to(&mut tx, &org.id, month).await?;
        let ids: Vec<String> = owed.iter().map(|(id, _)| id.clone()).collect();
        let bases = bases_of(&mut tx, &ids).await?;
        let reliefs = relief::reliefs_of(&mut tx, &ids).await?;
        let paid: HashMap<String, i64> = facts::payments(&mut tx, &ids, month, month).await?.into_iter().map(|(id, by)| (id, by.values().sum())).collect();
        let book = crate::rules::load_rules(&mut tx).await?;
        let facts = load_facts(&mut tx, &ids).await?;
        let mut lines = Vec::with_capacity(owed.len());
        for (id, name) in owed {
            let start = facts.get(&id).map(|f| f.start).unwrap_or(NaiveDate::MAX);
            let basis = bases.get(&id).and_then(|b| basis_in(b, month)).cloned();
            let own = reliefs.get(&id).map(|r| relief::plain(r)).unwrap_or_default();
            let due = basis.as_ref().map(|b| due(b, month, start, &own, &book));
            lines.push(FeeLine { paid: paid.get(&id).copied().unwrap_or(0), member_id: id, name, basis, due });
        }
        tx.rollback().await?;
        Ok(FeeSheet { org: org.code, org_name: org.name, month, lines })
    }

    /// Records payments to branch `code` collected with `month`'s (late ones of earlier months
    /// and up to a year ahead among them), all or none: each for a member who owes its month
    /// there, a positive amount, a receipt number used nowhere else.
    #[tracing::instrument(skip_all)]
    pub async fn record_fee_payments(&self, caller: &Caller, code: &str, month: Month, payments: &[NewPayment], today: NaiveDate) -> Result<usize, DbError> {
        if payments.len() > MAX_PAYMENTS {
            return Err(DbError::field("payments", "err-too-many"));
        }
        // Paid ahead: at most a year from this month on (a member abroad pays the year).
        let last = (1..MAX_AHEAD).fold(Month::of(today), |m, _| m.next());
        if month > last || payments.iter().any(|p| p.month > last) {
            return Err(DbError::field("month", "err-date-future"));
        }
        let months: std::collections::BTreeSet<Month> = payments.iter().map(|p| p.month).collect();
        if months.len() > MAX_MONTHS_AT_ONCE {
            return Err(DbError::field("month", "err-too-many"));
        }
        self.command(caller, Right::Write, async |c| {
            let org = org_in_tx(&mut c.tx, c.caller, code).await?.ok_or(DbError::NotFound)?;
            let mut owed: HashMap<Month, HashMap<String, String>> = HashMap::new();
            for m in &months {
                owed.insert(*m, owed_to(&mut c.tx, &org.id, *m).await?.into_iter().collect());
            }
            let mut e = FieldErrors::new();
            for p in payments {
                let here = &owed[&p.month];
                let who = vec![("name", here.get(&p.member_id).cloned().unwrap_or_default())];
                if !here.contains_key(&p.member_id) {
                    e.add("member", "err-fee-not-owed");
                } else if !(1..=MAX_PAYMENT).contains(&p.amount) {
                    e.add_with("amount", "err-fee-amount", who);
                } else if p.paid_on > today {
                    e.add("paid_on", "err-date-future");
                } else if p.receipt.as_ref().is_some_and(|r| r.chars().count() > MAX_RECEIPT) {
                    e.add("receipt", "err-too-long");
                }
            }
            let mut receipts: Vec<&str> = payments.iter().filter_map(|p| p.receipt.as_deref()).collect();
            receipts.sort_unstable();
            if receipts.windows(2).any(|w| w[0] == w[1]) {
                e.add("receipt", "err-receipt-taken");
            }
            let taken = import::recorded(&mut c.tx, &receipts).await?;
            if let Some(r) = receipts.iter().find(|r| taken.contains_key(**r)) {
                e.add_with("receipt", "err-receipt-taken", vec![("receipt", r.to_string())]);
            }
            e.into_result(()).map_err(DbError::Invalid)?;
            for p in payments {
                sqlx::query(
                    "INSERT INTO fee_payment (id, member_id, month, org_id, amount, paid_on, channel, receipt, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(new_id())
                .bind(&p.member_id)
                .bind(p.month.iso())
                .bind(&org.id)
                .bind(p.amount)
                .bind(iso(p.paid_on))
                .bind(p.channel.as_str())
                .bind(&p.receipt)
                .bind(&c.caller.username)
                .bind(now())
                .execute(&mut *c.tx)
                .await?;
            }
            let mut paid_by: Vec<String> = payments.iter().map(|p| p.member_id.clone()).collect();
            paid_by.sort_unstable();
            paid_by.dedup();
            touch_members(&mut c.tx, &paid_by).await?;
            let total: i64 = payments.iter().map(|p| p.amount).sum();
            let summary = serde_json::json!({"month": month.iso(), "payments": payments.len(), "total": total});
            c.audit("fee.payments", "org", &org.id, None, Some(summary)).await?;
            Ok(payments.len())
        })
        .await
    }

    /// A member's months of `year` and the month paid through (as of `today`).
    #[tracing::instrument(skip_all)]
    pub async fn member_fees(&self, caller: &Caller, member_id: &str, year: i32, today: NaiveDate) -> Result<MemberFees, DbError> {
        let mut tx = self.read().await?;
        if !member_visible(&mut tx, caller, member_id).await? {
            return Err(DbError::NotFound);
        }
        let book = crate::rules::load_rules(&mut tx).await?;
        let d = Facts::of(&derive_by(&mut tx, member_id, &book).await?);
        let ids = [member_id.to_string()];
        let bases = bases_of(&mut tx, &ids).await?.remove(member_id).unwrap_or_default();
        let reliefs = relief::reliefs_of(&mut tx, &ids).await?.remove(member_id).unwrap_or_default();
        let paid = paid_by_month(&mut tx, member_id, Month::new(1900, 1).expect("a month")).await?;
        tx.rollback().await?;
        let plain = relief::plain(&reliefs);
        let ledger = Ledger { book: &book, bases: &bases, reliefs: &plain, paid: &paid, facts: &d };
        let months = Month::of_year(year).map(|m| ledger.month(m)).collect();
        Ok(MemberFees { member_id: member_id.to_string(), year, months, paid_through: ledger.paid_through(Month::of(today)), bases, reliefs })
    }
}

/// What a member has paid for each month from `since` on.
pub(crate) async fn paid_by_month(tx: &mut Transaction<'static, Any>, member_id: &str, since: Month) -> Result<HashMap<Month, i64>, DbError> {
    let rows = sqlx::query("SELECT month, CAST(SUM(amount) AS BIGINT) AS paid FROM fee_payment WHERE member_id = $1 AND month >= $2 GROUP BY month")
        .bind(member_id)
        .bind(since.iso())
        .fetch_all(&mut **tx)
        .await?;
    let mut paid = HashMap::new();
    for r in &rows {
        paid.insert(decoded(&r.try_get::<String, _>("month")?, Month::parse, "Month")?, r.try_get("paid")?);
    }
    Ok(paid)
}

/// What a member owes and has paid, month by month.
pub(crate) struct Ledger<'a> {
    pub(crate) book: &'a RuleBook,
    pub(crate) bases: &'a [Basis],
    pub(crate) reliefs: &'a [dangbo_core::fee::relief::Relief],
    pub(crate) paid: &'a HashMap<Month, i64>,
    pub(crate) facts: &'a Facts,
}

impl Ledger<'_> {
    pub(crate) fn owed(&self, m: Month) -> bool {
        self.facts.org_of(m).is_some()
    }

    pub(crate) fn month(&self, m: Month) -> MonthFee {
        let owed = self.owed(m);
        let due = basis_in(self.bases, m).filter(|_| owed).map(|b| due(b, m, self.facts.start, self.reliefs, self.book));
        MonthFee {
            month: m,
            owed,
            exempt: due.as_ref().is_some_and(|d| d.exempt),
            reduction: due.as_ref().map(|d| d.reduction).unwrap_or(0),
            rule: due.as_ref().map(|d| d.rule.clone()).unwrap_or_default(),
            due: due.map(|d| d.amount),
            paid: self.paid.get(&m).copied().unwrap_or(0),
        }
    }

    /// The last month up to `until`, or later when paid ahead, such that every owed month from
    /// the first is settled (paid in full, or exempt); None when the first owed month is not.
    fn paid_through(&self, until: Month) -> Option<Month> {
        // The ledger starts with the first fee basis recorded: the months before it (the
        // register's years before dangbo kept the fees) are not the ledger's to judge.
        let first = self.facts.counted.iter().map(|s| Month::of(s.from)).min()?.max(self.bases.iter().map(|b| b.from).min()?);
        let mut through = None;
        let mut m = first;
        // Past `until` only through months paid ahead.
        while m <= until || self.paid.get(&m).is_some_and(|p| *p > 0) {
            let f = self.month(m);
            let settled = !f.owed || f.exempt || f.due.is_some_and(|d| f.paid >= d);
            if !settled {
                break;
            }
            if f.owed {
                through = Some(m);
            }
            m = m.next();
        }
        through
    }
}

/// Parses a date of a payment (dd/mm/yyyy or ISO), not after `today`.
pub fn parse_paid_on(s: &str, today: NaiveDate) -> Result<NaiveDate, FieldErrors> {
    let mut e = FieldErrors::new();
    let d = dangbo_core::org::parse_past_date("paid_on", s, today, &mut e);
    match d {
        Some(d) if e.is_empty() => Ok(d),
        _ => Err(e),
    }
}
