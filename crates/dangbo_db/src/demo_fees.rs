//! The demo's Party fees: Khu phố 1's fee bases (by age: pensioners, students, insured
//! employees, farmers) and its collections of 2019 under QĐ 342 and of 2026 up to last month
//! under QĐ 01, with the exceptions a real book has — one member three months behind this
//! year, one a month behind; members with fifty years of party age exempt.

use crate::fees::owed_to;
use crate::members::derive_by;
use crate::rows::iso;
use crate::{DbError, new_id, now};
use chrono::{Datelike, NaiveDate};
use dangbo_core::fee::{Basis, Category, Month, basis_in, due};
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeMap;

/// The branch whose book the demo fills (the demo secretary's).
const BRANCH: &str = "DH-TT-01";

pub(crate) async fn load(tx: &mut Transaction<'static, Any>, today: NaiveDate) -> Result<(), DbError> {
    let Some(org) = sqlx::query_scalar::<_, String>("SELECT id FROM org WHERE code = $1").bind(BRANCH).fetch_optional(&mut **tx).await? else {
        return Ok(());
    };
    let this = Month::of(today);
    let months: Vec<Month> = Month::of_year(2019).chain(Month::of_year(2026).filter(|m| *m < this)).collect();
    let mut owed: BTreeMap<Month, Vec<String>> = BTreeMap::new();
    let mut members: Vec<String> = Vec::new();
    for m in &months {
        let ids: Vec<String> = owed_to(tx, &org, *m).await?.into_iter().map(|(id, _)| id).collect();
        for id in &ids {
            if !members.contains(id) {
                members.push(id.clone());
            }
        }
        owed.insert(*m, ids);
    }
    let book = crate::rules::load_rules(tx).await?;
    let from = Month::new(2015, 1).expect("a month");
    let mut bases: BTreeMap<String, (Vec<Basis>, NaiveDate)> = BTreeMap::new();
    for (n, id) in members.iter().enumerate() {
        let birth: String = sqlx::query("SELECT birth_date FROM member WHERE id = $1").bind(id).fetch_one(&mut **tx).await?.try_get("birth_date")?;
        let age = 2019 - crate::rows::date(&birth)?.year();
        let mut list = vec![match (age, n % 2) {
            (60.., _) => Basis { from, category: Category::Pensioner, base: 4_800_000 },
            (..25, _) => Basis { from, category: Category::Student, base: 0 },
            (_, 0) => Basis { from, category: Category::Insured, base: 6_200_000 },
            _ => Basis { from, category: Category::Farmer, base: 0 },
        }];
        if list[0].category == Category::Insured {
            list.push(Basis { from: Month::new(2026, 1).expect("a month"), category: Category::Insured, base: 7_800_000 });
        }
        for b in &list {
            sqlx::query("INSERT INTO fee_basis (member_id, from_month, category, base, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, 'system', $5)")
                .bind(id)
                .bind(b.from.iso())
                .bind(b.category.as_str())
                .bind(b.base)
                .bind(now())
                .execute(&mut **tx)
                .await?;
        }
        let start = dangbo_core::badge::party_age_start(&derive_by(tx, id, &book).await?);
        bases.insert(id.clone(), (list, start));
    }
    // The exceptions: the second member in the book skips this year's last three months, the
    // fourth the last one and November 2019.
    let behind = |id: &str, m: Month| {
        let at = members.iter().position(|x| x == id);
        (at == Some(1) && m.year == this.year && m >= this.prev().prev().prev())
            || (at == Some(3) && (m == this.prev() || m == Month::new(2019, 11).expect("a month")))
    };
    for (m, ids) in &owed {
        for id in ids {
            let Some((list, start)) = bases.get(id) else { continue };
            let Some(b) = basis_in(list, *m) else { continue };
            let d = due(b, *m, *start, &book);
            if d.exempt || d.amount == 0 || behind(id, *m) {
                continue;
            }
            let paid_on = NaiveDate::from_ymd_opt(m.year, m.month, 10).unwrap_or(m.first_day());
            sqlx::query(
                "INSERT INTO fee_payment (id, member_id, month, org_id, amount, paid_on, channel, receipt, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, 'cash', NULL, 'system', $7)",
            )
            .bind(new_id())
            .bind(id)
            .bind(m.iso())
            .bind(&org)
            .bind(d.amount)
            .bind(iso(paid_on))
            .bind(now())
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}
