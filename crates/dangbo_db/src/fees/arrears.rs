//! The fees of a subtree over months, read in bulk: a committee's year month by month (due,
//! paid, exempt, reduced, in arrears, remitted), the members in arrears as of a date, and the
//! to-do list's alerts ("unpaid N months", "consider striking off").

use super::facts::{load_facts, payments};
use super::relief::{plain, reliefs_of};
use super::{COUNTED, Ledger, MonthFee, bases_of};
use crate::due::TodoRow;
use crate::rows::decoded;
use crate::scope::ORG_IN_SCOPE;
use crate::{Caller, DbError, Store};
use chrono::NaiveDate;
use dangbo_core::fee::Month;
use dangbo_core::rules::{RuleBook, RuleId};
use dangbo_core::todo::{Due as TodoDue, TodoKind};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;
use std::sync::Arc;

/// One member's months of a range, those owed to the subtree marked `owed`.
pub(crate) struct MemberMonths {
    pub id: String,
    pub full_name: String,
    /// The organisation owed the range's last owed month (code, name).
    pub org: (String, String),
    pub months: Vec<MonthFee>,
    /// The organisation (id) owed each month, when one of the subtree's.
    pub at: Vec<Option<Arc<str>>>,
}

/// Which members and organisations: the caller's scope, or a subtree as it stood on a date.
pub(crate) enum Within {
    /// The caller's scope ($1, $2 of [`ORG_IN_SCOPE`]), for the to-do list: only members counted
    /// today (not those who left or died since) with a fee basis, and only the months owed to
    /// branches keeping their fee book here — that recorded a payment this year: a branch
    /// that has not started (or a committee adopting dangbo) is not flooded with alerts for
    /// every member.
    Scope { all: i64, prefix: String },
    /// These organisations (id → code, name).
    Orgs(HashMap<String, (String, String)>),
}

/// The members counted in one of `orgs` at some time in [`from`, `to`), with a fee basis when
/// `basis`, sorted by given name: (id, full name).
async fn members_in(
    tx: &mut Transaction<'static, Any>,
    orgs: &[String],
    from: NaiveDate,
    to: NaiveDate,
    basis: bool,
) -> Result<Vec<(String, String)>, DbError> {
    let has_basis = if basis { "AND EXISTS (SELECT 1 FROM fee_basis f WHERE f.member_id = m.id)" } else { "" };
    let mut found: Vec<(Vec<u8>, String, String)> = Vec::new();
    for chunk in orgs.chunks(500) {
        let sql = format!(
            "SELECT DISTINCT m.id, m.full_name, m.sort_key FROM member_span ms JOIN member m ON m.id = ms.member_id
             WHERE ms.status IN {COUNTED} AND ms.valid_from < $1 AND (ms.valid_to IS NULL OR ms.valid_to > $2) AND ms.org_id IN ({}) {has_basis}",
            (3..chunk.len() + 3).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(crate::rows::iso(to)).bind(crate::rows::iso(from));
        for id in chunk {
            q = q.bind(id);
        }
        for r in q.fetch_all(&mut **tx).await? {
            found.push((r.try_get("sort_key")?, r.try_get("id")?, r.try_get("full_name")?));
        }
    }
    found.sort();
    found.dedup_by(|a, b| a.1 == b.1);
    Ok(found.into_iter().map(|(_, id, name)| (id, name)).collect())
}

/// Every member counted in an organisation of `within` during `from`..=`to`, with their months.
pub(crate) async fn subtree_months(
    tx: &mut Transaction<'static, Any>,
    within: &Within,
    from: Month,
    to: Month,
    book: &RuleBook,
) -> Result<Vec<MemberMonths>, DbError> {
    let (start, end) = (from.first_day(), to.next().first_day());
    let (orgs, members) = match within {
        Within::Scope { all, prefix } => {
            let sql = format!(
                "SELECT m.id, m.full_name FROM member m JOIN org o ON o.id = m.org_id
                 WHERE m.status IN {COUNTED} AND EXISTS (SELECT 1 FROM fee_basis f WHERE f.member_id = m.id) AND {ORG_IN_SCOPE}
                   AND EXISTS (SELECT 1 FROM fee_payment p WHERE p.org_id = m.org_id AND p.month >= $3 AND p.month <= $4) ORDER BY m.sort_key, m.id"
            );
            // Keeping the book this year: a payment of any month of `from`'s year (this month's
            // included, when the range ends before it).
            let year_end = format!("{:04}-12", from.year);
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(*all).bind(prefix).bind(from.iso()).bind(&year_end).fetch_all(&mut **tx).await?;
            let members = rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("full_name")?))).collect::<Result<Vec<(String, String)>, DbError>>()?;
            let sql = format!(
                "SELECT o.id, o.code, o.name FROM org o WHERE {ORG_IN_SCOPE} AND EXISTS (SELECT 1 FROM fee_payment p WHERE p.org_id = o.id AND p.month >= $3 AND p.month <= $4)"
            );
            let orgs: HashMap<String, (String, String)> = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(*all)
                .bind(prefix)
                .bind(from.iso())
                .bind(&year_end)
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(|r| Ok((r.try_get("id")?, (r.try_get("code")?, r.try_get("name")?))))
                .collect::<Result<_, DbError>>()?;
            (std::borrow::Cow::Owned(orgs), members)
        }
        Within::Orgs(orgs) => {
            let ids: Vec<String> = orgs.keys().cloned().collect();
            (std::borrow::Cow::Borrowed(orgs), members_in(tx, &ids, start, end, false).await?)
        }
    };
    let ids: Vec<String> = members.iter().map(|(id, _)| id.clone()).collect();
    let facts = load_facts(tx, &ids).await?;
    let mut bases = bases_of(tx, &ids).await?;
    let reliefs = reliefs_of(tx, &ids).await?;
    let paid = payments(tx, &ids, from, to).await?;
    let (none, no_facts) = (HashMap::new(), super::Facts { counted: Vec::new(), start: NaiveDate::MAX });
    // One shared id per organisation, not one string per member and month.
    let shared: HashMap<&str, Arc<str>> = orgs.keys().map(|k| (k.as_str(), Arc::from(k.as_str()))).collect();
    let mut out = Vec::with_capacity(ids.len());
    for (id, full_name) in members {
        let f = facts.get(&id).unwrap_or(&no_facts);
        let own_bases = bases.remove(&id).unwrap_or_default();
        let own_reliefs = reliefs.get(&id).map(|r| plain(r)).unwrap_or_default();
        let ledger = Ledger { book, bases: &own_bases, reliefs: &own_reliefs, paid: paid.get(&id).unwrap_or(&none), facts: f };
        let mut org = None;
        let (mut months, mut at) = (Vec::new(), Vec::new());
        let mut m = from;
        while m <= to {
            let id = f.org_of(m).filter(|o| orgs.contains_key(*o));
            at.push(id.and_then(|o| shared.get(o).cloned()));
            let here = id.and_then(|o| orgs.get(o));
            let mut fee = ledger.month(m);
            // Not kept: a province's year is millions of months, and no sum needs the citation.
            fee.rule = String::new();
            match here {
                Some(o) => org = Some(o.clone()),
                None => fee = MonthFee { owed: false, due: None, exempt: false, reduction: 0, rule: String::new(), ..fee },
            }
            months.push(fee);
            m = m.next();
        }
        let Some(org) = org else { continue };
        out.push(MemberMonths { id, full_name, org, months, at });
    }
    Ok(out)
}

/// The months owed and not settled (not exempt, paid less than due).
fn unpaid(months: &[MonthFee]) -> Vec<Month> {
    months.iter().filter(|f| f.owed && !f.exempt && f.due.is_some_and(|d| f.paid < d)).map(|f| f.month).collect()
}

/// One month of an organisation's year.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgFeeMonth {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2019-03"))]
    pub month: Month,
    /// Members owing the month to the subtree.
    pub members: i64,
    pub due: i64,
    pub paid: i64,
    pub exempt: i64,
    pub reduced: i64,
    /// Members who paid less than due.
    pub in_arrears: i64,
    /// Members without a fee basis for the month.
    pub no_basis: i64,
    /// Sent up by the organisation for periods starting this month.
    pub remitted: i64,
}

/// An organisation's fees of a year, month by month, over its subtree.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgFeesYear {
    pub org: String,
    pub org_name: String,
    pub year: i32,
    pub months: Vec<OrgFeeMonth>,
}

/// A member in arrears.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArrearsRow {
    pub member_id: String,
    pub full_name: String,
    pub org: String,
    pub org_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, example = json!(["2019-09", "2019-10"])))]
    pub unpaid: Vec<Month>,
    /// What the unpaid months still owe, in đồng.
    pub owed: i64,
}

impl Store {
    /// The organisations of `code`'s subtree as it stood on `on`: id → (code, name then).
    pub(crate) async fn subtree_orgs(&self, caller: &Caller, code: &str, on: NaiveDate) -> Result<HashMap<String, (String, String)>, DbError> {
        let root = self.org(caller, code).await?;
        let s = caller.scope();
        let sub = self.subtree_sql(on, &root.path, 6).await?;
        // As the tree (`org_tree`) reads it, without its member counts.
        let sql = match sub.with {
            "" => format!(
                "SELECT o.id, o.code, s.name FROM org o CROSS JOIN org_span s
                 WHERE s.org_id = o.id AND o.path >= $6 AND o.path < $7 AND s.valid_from <= $5 AND (s.valid_to IS NULL OR s.valid_to > $5)
                   AND ($3 = $3 AND $4 = $4) AND {ORG_IN_SCOPE}"
            ),
            with => format!(
                "{with} SELECT sub.id, o.code, sub.name FROM sub CROSS JOIN org o WHERE o.id = sub.id AND ($3 = $3 AND $6 = $6 AND $7 = $7) AND {ORG_IN_SCOPE}"
            ),
        };
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(s.all)
            .bind(&s.prefix)
            .bind(&s.self_id)
            .bind(&root.id)
            .bind(crate::rows::iso(on))
            .bind(&sub.from)
            .bind(&sub.to)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get("id")?, (r.try_get("code")?, r.try_get("name")?)))).collect()
    }

    /// The fees of `code`'s subtree in `year`, month by month: the kept sums of its
    /// organisations ([`super::kept`]), those missing or stale computed and kept.
    #[tracing::instrument(skip_all)]
    pub async fn org_fees_year(&self, caller: &Caller, code: &str, year: i32) -> Result<OrgFeesYear, DbError> {
        let org = self.org(caller, code).await?;
        let (from, to) = (Month::new(year, 1).ok_or_else(|| DbError::field("year", "err-number"))?, Month::new(year, 12).expect("a month"));
        let end = super::remit::within_life(to.next().first_day().pred_opt().expect("a day"), org.ended_on);
        let upper = format!("{}0", org.path.strip_suffix('/').unwrap_or(&org.path));
        let (paths, scope) = ((org.path.as_str(), upper.as_str()), caller.scope());
        // The tree on the year's last day is today's unless an organisation changed since.
        let (ids, orgs);
        let sub = if self.subtree_sql(end, &org.path, 1).await?.with.is_empty() {
            orgs = HashMap::new();
            super::kept::Subtree::Today { paths, on: end, scope: &scope }
        } else {
            orgs = self.subtree_orgs(caller, code, end).await?;
            ids = orgs.keys().cloned().collect::<Vec<_>>();
            super::kept::Subtree::Named { paths, ids: &ids }
        };
        let mut tx = self.read().await?;
        let (mut total, stale) = super::kept::read(&mut tx, &sub, year).await?;
        let fresh = if stale.is_empty() {
            Vec::new()
        } else {
            let book = crate::rules::load_rules(&mut tx).await?;
            super::kept::compute(&mut tx, &stale, &orgs, year, &book).await?
        };
        super::kept::add_all(&mut total, &fresh);
        let mut remitted: HashMap<Month, i64> = HashMap::new();
        let rows = sqlx::query("SELECT from_month, amount FROM fee_remittance WHERE org_id = $1 AND from_month >= $2 AND from_month <= $3")
            .bind(&org.id)
            .bind(from.iso())
            .bind(to.iso())
            .fetch_all(&mut *tx)
            .await?;
        tx.rollback().await?;
        if !fresh.is_empty() {
            self.keep_fee_years(caller, year, &stale, &fresh).await;
        }
        for r in &rows {
            *remitted.entry(decoded(&r.try_get::<String, _>("from_month")?, Month::parse, "Month")?).or_default() += r.try_get::<i64, _>("amount")?;
        }
        let months = Month::of_year(year)
            .zip(total)
            .map(|(m, s)| OrgFeeMonth {
                month: m,
                members: s.members,
                due: s.due,
                paid: s.paid,
                exempt: s.exempt,
                reduced: s.reduced,
                in_arrears: s.in_arrears,
                no_basis: s.no_basis,
                remitted: remitted.get(&m).copied().unwrap_or(0),
            })
            .collect();
        Ok(OrgFeesYear { org: org.code, org_name: org.name, year, months })
    }

    /// The members of `code`'s subtree with months of `as_of`'s year before its month unpaid.
    #[tracing::instrument(skip_all)]
    pub async fn fee_arrears(&self, caller: &Caller, code: &str, as_of: NaiveDate) -> Result<Vec<ArrearsRow>, DbError> {
        let this = Month::of(as_of);
        if this.month == 1 {
            return Ok(Vec::new());
        }
        let mut tx = self.read().await?;
        let book = crate::rules::load_rules(&mut tx).await?;
        let org = self.org(caller, code).await?;
        let within = Within::Orgs(self.subtree_orgs(caller, code, super::remit::within_life(as_of, org.ended_on)).await?);
        let lines = subtree_months(&mut tx, &within, Month::new(this.year, 1).expect("a month"), this.prev(), &book).await?;
        tx.rollback().await?;
        Ok(lines
            .into_iter()
            .filter_map(|l| {
                let unpaid = unpaid(&l.months);
                let owed = l.months.iter().filter(|f| unpaid.contains(&f.month)).map(|f| f.due.unwrap_or(0) - f.paid).sum();
                (!unpaid.is_empty()).then_some(ArrearsRow { member_id: l.id, full_name: l.full_name, org: l.org.0, org_name: l.org.1, unpaid, owed })
            })
            .collect())
    }
}

/// Members of the caller's scope with a fee basis and months of this year before the current
/// one left unpaid (not exempt, paid less than due): "unpaid N months", and from the rule's
/// number of months, "consider striking off" (Statute Art. 8) with the rule's citation.
pub(crate) async fn fees_due(tx: &mut Transaction<'static, Any>, caller: &Caller, book: &RuleBook, today: NaiveDate) -> Result<Vec<TodoRow>, DbError> {
    let this = Month::of(today);
    if this.month == 1 {
        return Ok(Vec::new());
    }
    let s = caller.scope();
    // A member sees no subtree: nothing to remind them of here.
    if s.all == 0 && s.prefix == "\u{1}" {
        return Ok(Vec::new());
    }
    let within = Within::Scope { all: i64::from(s.all == 1), prefix: s.prefix };
    let lines = subtree_months(tx, &within, Month::new(this.year, 1).expect("a month"), this.prev(), book).await?;
    let threshold = book.number(RuleId::StrikeOffUnpaidMonths, today).max(1);
    let mut out = Vec::new();
    for l in lines {
        let unpaid = unpaid(&l.months);
        let Some(first) = unpaid.first() else { continue };
        let (kind, at) =
            if unpaid.len() as i64 >= threshold { (TodoKind::FeesStrikeOff, unpaid[threshold as usize - 1]) } else { (TodoKind::FeesUnpaid, *first) };
        let due = TodoDue::of(kind, RuleId::StrikeOffUnpaidMonths, first.first_day(), at.next().first_day(), book);
        out.push(TodoRow {
            overdue: due.overdue(today),
            kind: due.kind,
            subject: "member",
            id: l.id,
            full_name: l.full_name,
            org: l.org.0,
            org_name: l.org.1,
            from: due.from,
            due: due.due,
            rule: due.rule,
            citation: due.citation,
            confirmed: due.confirmed,
            milestone: None,
            unpaid_months: Some(unpaid.len() as i64),
        });
    }
    Ok(out)
}
