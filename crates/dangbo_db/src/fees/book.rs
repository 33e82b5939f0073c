//! A branch's fee book of a year (sổ thu đảng phí): every member who owed a month of the year
//! there, each month's amount due and paid, and the exemptions and reductions with their
//! decisions.

use super::facts::{load_facts, payments};
use super::relief::{ReliefRow, plain, reliefs_of};
use super::{Facts, Ledger, MonthFee, bases_of, owed_to};
use crate::{Caller, DbError, Store};
use dangbo_core::fee::Month;
use serde::Serialize;
use std::collections::BTreeMap;

/// One member's line: the twelve months (a month not owed to this branch has `owed` false).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookLine {
    pub member_id: String,
    pub name: String,
    pub months: Vec<MonthFee>,
    pub due: i64,
    pub paid: i64,
    pub reliefs: Vec<ReliefRow>,
}

/// A branch's book of a year.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeeBook {
    pub org: String,
    pub org_name: String,
    pub year: i32,
    pub lines: Vec<BookLine>,
}

impl FeeBook {
    /// The month's totals: due and paid over the lines.
    pub fn month_totals(&self) -> Vec<(i64, i64)> {
        (0..12).map(|i| self.lines.iter().map(|l| &l.months[i]).fold((0, 0), |(d, p), m| (d + m.due.unwrap_or(0), p + m.paid))).collect()
    }
}

impl Store {
    /// The fee book of branch `code` for `year`.
    #[tracing::instrument(skip_all)]
    pub async fn fee_book(&self, caller: &Caller, code: &str, year: i32) -> Result<FeeBook, DbError> {
        let org = self.org(caller, code).await?;
        if !org.kind.holds_members() {
            return Err(DbError::field("org", "err-org-not-branch"));
        }
        let mut tx = self.read().await?;
        // Who owes which month here, in the order of the first month they appear (sorted by
        // given name within it).
        let mut here: BTreeMap<String, (usize, String, Vec<Month>)> = BTreeMap::new();
        for m in Month::of_year(year) {
            for (id, name) in owed_to(&mut tx, &org.id, m).await? {
                let n = here.len();
                here.entry(id).or_insert((n, name, Vec::new())).2.push(m);
            }
        }
        let ids: Vec<String> = here.keys().cloned().collect();
        let mut bases = bases_of(&mut tx, &ids).await?;
        let mut reliefs = reliefs_of(&mut tx, &ids).await?;
        let book = crate::rules::load_rules(&mut tx).await?;
        let facts = load_facts(&mut tx, &ids).await?;
        let (first, last) = (Month::new(year, 1).ok_or_else(|| DbError::field("year", "err-number"))?, Month::new(year, 12).expect("a month"));
        let mut paid = payments(&mut tx, &ids, first, last).await?;
        let no_facts = Facts { counted: Vec::new(), start: chrono::NaiveDate::MAX };
        let mut lines = Vec::with_capacity(ids.len());
        for (id, (order, name, months)) in here {
            let paid = paid.remove(&id).unwrap_or_default();
            let own_bases = bases.remove(&id).unwrap_or_default();
            let own_reliefs = reliefs.remove(&id).unwrap_or_default();
            let plain = plain(&own_reliefs);
            let ledger = Ledger { book: &book, bases: &own_bases, reliefs: &plain, paid: &paid, facts: facts.get(&id).unwrap_or(&no_facts) };
            let months: Vec<MonthFee> = Month::of_year(year)
                .map(|m| {
                    let mut f = ledger.month(m);
                    if !months.contains(&m) {
                        // Owed elsewhere that month: not this book's.
                        f = MonthFee { owed: false, due: None, exempt: false, reduction: 0, paid: 0, rule: String::new(), ..f };
                    }
                    f
                })
                .collect();
            let in_year = |r: &&ReliefRow| r.relief.from.year <= year && r.relief.to.is_none_or(|t| t.year >= year);
            lines.push((
                order,
                BookLine {
                    due: months.iter().filter_map(|m| m.due).sum(),
                    paid: months.iter().map(|m| m.paid).sum(),
                    reliefs: own_reliefs.iter().filter(in_year).cloned().collect(),
                    member_id: id,
                    name,
                    months,
                },
            ));
        }
        tx.rollback().await?;
        lines.sort_by_key(|(order, _)| *order);
        Ok(FeeBook { org: org.code, org_name: org.name, year, lines: lines.into_iter().map(|(_, l)| l).collect() })
    }
}
