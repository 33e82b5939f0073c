//! The demo's Party fees: every member's fee basis (by age: pensioners, students, insured
//! employees, farmers), the collections of 2019 under QĐ 342 in every branch of the district and
//! of 2026 up to last month under QĐ 01 in the branches after the reorganisation, with the
//! exceptions a real book has — a member of Khu phố 1 three months behind this year and one a
//! month behind, a member elsewhere three months behind in 2019, a reduction and a hardship
//! exemption by decision of the town's committee; members with fifty years of party age exempt
//! — and 2019's remittances, quarter by quarter from every branch to the province, each
//! confirmed by its receiver, so the district's reconciliation of 2019 balances.

use crate::members::derive_by;
use crate::rows::{date, iso};
use crate::{DbError, new_id, now};
use chrono::{Datelike, Days, NaiveDate};
use dangbo_core::fee::relief::{Relief, ReliefKind};
use dangbo_core::fee::{Basis, Category, Month, basis_in, due, keep_rule, send_up};
use dangbo_core::org::{Field, OrgKind};
use dangbo_core::rules::RuleBook;
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, HashMap};

/// The branch of the demo secretary, whose book holds this year's exceptions.
const BRANCH: &str = "DH-TT-01";
/// The committee deciding its members' reliefs.
const COMMITTEE: &str = "DH-TT";

/// Who owes each month, and where: for each member, the first counted span of the month.
async fn owed_all(tx: &mut Transaction<'static, Any>, months: &[Month]) -> Result<BTreeMap<Month, Vec<(String, String)>>, DbError> {
    let (Some(first), Some(last)) = (months.first(), months.last()) else { return Ok(BTreeMap::new()) };
    let rows = sqlx::query(
        "SELECT ms.member_id, ms.org_id, ms.valid_from, ms.valid_to FROM member_span ms JOIN member m ON m.id = ms.member_id
         WHERE ms.status IN ('probationary', 'full', 'exempt') AND ms.valid_from < $2 AND (ms.valid_to IS NULL OR ms.valid_to > $1)
         ORDER BY m.sort_key, m.id, ms.valid_from",
    )
    .bind(iso(first.first_day()))
    .bind(iso(last.next().first_day()))
    .fetch_all(&mut **tx)
    .await?;
    let mut spans = Vec::with_capacity(rows.len());
    for r in &rows {
        let to: Option<String> = r.try_get("valid_to")?;
        spans.push((
            r.try_get::<String, _>("member_id")?,
            r.try_get::<String, _>("org_id")?,
            date(&r.try_get::<String, _>("valid_from")?)?,
            to.map(|t| date(&t)).transpose()?,
        ));
    }
    let mut out = BTreeMap::new();
    for m in months {
        let (from, to) = (m.first_day(), m.next().first_day());
        let mut list: Vec<(String, String)> = Vec::new();
        for (member, org, f, t) in &spans {
            if *f < to && t.is_none_or(|t| t > from) && list.last().is_none_or(|(last, _)| last != member) {
                list.push((member.clone(), org.clone()));
            }
        }
        out.insert(*m, list);
    }
    Ok(out)
}

fn basis_of(birth_year: i32, n: usize) -> Vec<Basis> {
    let from = Month::new(2015, 1).expect("a month");
    let first = match (2019 - birth_year, n % 2) {
        (60.., _) => Basis { from, category: Category::Pensioner, base: 4_800_000 },
        (..25, _) => Basis { from, category: Category::Student, base: 0 },
        (_, 0) => Basis { from, category: Category::Insured, base: 6_200_000 },
        _ => Basis { from, category: Category::Farmer, base: 0 },
    };
    let raise =
        (first.category == Category::Insured).then(|| Basis { from: Month::new(2026, 1).expect("a month"), category: Category::Insured, base: 7_800_000 });
    std::iter::once(first).chain(raise).collect()
}

/// A member's fee facts: bases, reliefs and the date party age counts from.
struct Payer {
    bases: Vec<Basis>,
    reliefs: Vec<Relief>,
    start: NaiveDate,
}

pub(crate) async fn load(tx: &mut Transaction<'static, Any>, today: NaiveDate) -> Result<(), DbError> {
    let this = Month::of(today);
    crate::fee_stale::touch_all(tx).await?;
    let months: Vec<Month> = Month::of_year(2019).chain(Month::of_year(2026).filter(|m| *m < this)).collect();
    let owed = owed_all(tx, &months).await?;
    let book = crate::rules::load_rules(tx).await?;
    let org_codes: HashMap<String, String> = sqlx::query("SELECT id, code FROM org")
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("code")?)))
        .collect::<Result<_, DbError>>()?;
    let mut payers: HashMap<String, Payer> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let rows = sqlx::query("SELECT id, birth_date, episode, admission_decision_date FROM member").fetch_all(&mut **tx).await?;
    let members: HashMap<String, (i32, i64, String)> = rows
        .iter()
        .map(|r| Ok((r.try_get("id")?, (date(&r.try_get::<String, _>("birth_date")?)?.year(), r.try_get("episode")?, r.try_get("admission_decision_date")?))))
        .collect::<Result<_, DbError>>()?;
    for list in owed.values() {
        for (id, _) in list {
            if payers.contains_key(id) {
                continue;
            }
            let (birth, episode, admitted) = &members[id];
            // Party age from the admission, or from the replay where a gap pushes it later.
            let start = if *episode > 1 { dangbo_core::badge::party_age_start(&derive_by(tx, id, &book).await?) } else { date(admitted)? };
            payers.insert(id.clone(), Payer { bases: basis_of(*birth, order.len()), reliefs: Vec::new(), start });
            order.push(id.clone());
        }
    }
    let stamp = now();
    let basis_rows: Vec<Vec<Option<String>>> = order
        .iter()
        .flat_map(|id| payers[id].bases.iter().map(move |b| (id, b)))
        .map(|(id, b)| {
            vec![Some(id.clone()), Some(b.from.iso()), Some(b.category.as_str().into()), Some(b.base.to_string()), Some("system".into()), Some(stamp.clone())]
        })
        .collect();
    insert_bases(tx, &basis_rows).await?;
    let in_branch =
        |m: Month| owed.get(&m).map(|l| l.iter().filter(|(_, o)| org_codes[o] == BRANCH).map(|(id, _)| id.clone()).collect::<Vec<_>>()).unwrap_or_default();
    let town = in_branch(Month::new(2019, 3).expect("a month"));
    let now_list = in_branch(this.prev());
    reliefs(tx, &mut payers, &town).await?;
    // The exceptions: this year, the branch's second member skips the last three months and
    // its fourth the last one (and November 2019); in 2019, the first member of another
    // branch skips September to November.
    let elsewhere = owed.get(&Month::new(2019, 9).expect("a month")).and_then(|l| l.iter().find(|(_, o)| org_codes[o] != BRANCH)).map(|(id, _)| id.clone());
    let behind = |id: &str, m: Month| {
        let at = now_list.iter().position(|x| x == id);
        (at == Some(1) && m.year == this.year && m >= this.prev().prev().prev())
            || (at == Some(3) && (m == this.prev() || m == Month::new(2019, 11).expect("a month")))
            || (elsewhere.as_deref() == Some(id) && m.year == 2019 && (9..=11).contains(&m.month))
    };
    let mut payments = Vec::new();
    let mut collected: BTreeMap<(Month, String), i64> = BTreeMap::new();
    for (m, list) in &owed {
        for (id, org) in list {
            let p = &payers[id];
            let Some(b) = basis_in(&p.bases, *m) else { continue };
            let d = due(b, *m, p.start, &p.reliefs, &book);
            if d.exempt || d.amount == 0 || behind(id, *m) {
                continue;
            }
            let paid_on = NaiveDate::from_ymd_opt(m.year, m.month, 10).unwrap_or(m.first_day());
            *collected.entry((*m, org.clone())).or_default() += d.amount;
            payments.push(vec![
                Some(new_id()),
                Some(id.clone()),
                Some(m.iso()),
                Some(org.clone()),
                Some(d.amount.to_string()),
                Some(iso(paid_on)),
                Some("cash".into()),
                None,
                Some("system".into()),
                Some(stamp.clone()),
            ]);
        }
    }
    insert_payments(tx, &payments).await?;
    remit_2019(tx, &book, &collected).await
}

async fn insert_bases(tx: &mut Transaction<'static, Any>, rows: &[Vec<Option<String>>]) -> Result<(), DbError> {
    // Bases are numbers: bound as text they would not compare on PostgreSQL's BIGINT column.
    for chunk in rows.chunks(100) {
        let values: Vec<String> =
            (0..chunk.len()).map(|r| format!("(${}, ${}, ${}, ${}, ${}, ${})", r * 6 + 1, r * 6 + 2, r * 6 + 3, r * 6 + 4, r * 6 + 5, r * 6 + 6)).collect();
        let sql = format!("INSERT INTO fee_basis (member_id, from_month, category, base, recorded_by, recorded_at) VALUES {}", values.join(", "));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in chunk {
            q = q
                .bind(row[0].clone())
                .bind(row[1].clone())
                .bind(row[2].clone())
                .bind(row[3].as_deref().unwrap_or("0").parse::<i64>().unwrap_or(0))
                .bind(row[4].clone())
                .bind(row[5].clone());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

async fn insert_payments(tx: &mut Transaction<'static, Any>, rows: &[Vec<Option<String>>]) -> Result<(), DbError> {
    for chunk in rows.chunks(80) {
        let values: Vec<String> =
            (0..chunk.len()).map(|r| format!("({})", (1..=10).map(|c| format!("${}", r * 10 + c)).collect::<Vec<_>>().join(", "))).collect();
        let sql = format!(
            "INSERT INTO fee_payment (id, member_id, month, org_id, amount, paid_on, channel, receipt, recorded_by, recorded_at) VALUES {}",
            values.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in chunk {
            for (c, cell) in row.iter().enumerate() {
                q = if c == 4 { q.bind(cell.as_deref().unwrap_or("0").parse::<i64>().unwrap_or(0)) } else { q.bind(cell.clone()) };
            }
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// A 50% reduction for the branch's sixth member from March to August 2019, and a hardship
/// exemption for its eighth from September to December 2019, decided by the town's committee.
async fn reliefs(tx: &mut Transaction<'static, Any>, payers: &mut HashMap<String, Payer>, town: &[String]) -> Result<(), DbError> {
    let Some(committee) = sqlx::query_scalar::<_, String>("SELECT id FROM org WHERE code = $1").bind(COMMITTEE).fetch_optional(&mut **tx).await? else {
        return Ok(());
    };
    let m = |y, mo| Month::new(y, mo).expect("a month");
    let d = |y, mo, day| NaiveDate::from_ymd_opt(y, mo, day).expect("a date");
    let grants = [
        (
            5,
            Relief {
                kind: ReliefKind::Reduction,
                percent: 50,
                from: m(2019, 3),
                to: Some(m(2019, 8)),
                decision_no: "12-QĐ/ĐU".into(),
                decision_date: d(2019, 2, 25),
            },
        ),
        (
            7,
            Relief {
                kind: ReliefKind::Hardship,
                percent: 100,
                from: m(2019, 9),
                to: Some(m(2019, 12)),
                decision_no: "31-QĐ/ĐU".into(),
                decision_date: d(2019, 8, 28),
            },
        ),
    ];
    for (at, r) in grants {
        let Some(id) = town.get(at) else { continue };
        sqlx::query(
            "INSERT INTO fee_relief (id, member_id, kind, percent, from_month, to_month, decision_no, decision_date, decided_by, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'system', $10)",
        )
        .bind(new_id())
        .bind(id)
        .bind(r.kind.as_str())
        .bind(r.percent)
        .bind(r.from.iso())
        .bind(r.to.map(|t| t.iso()))
        .bind(&r.decision_no)
        .bind(iso(r.decision_date))
        .bind(&committee)
        .bind(now())
        .execute(&mut **tx)
        .await?;
        if let Some(p) = payers.get_mut(id) {
            p.reliefs.push(r);
        }
    }
    Ok(())
}

/// One organisation of 2019's tree.
struct Node {
    parent: Option<String>,
    kind: OrgKind,
    field: Field,
    depth: usize,
}

/// 2019's remittances, quarter by quarter, bottom-up: each organisation sends the rule's share
/// of its base (a branch its collection, a grassroots organisation its whole collection, the
/// levels above what they received) a fortnight after the quarter, confirmed a week later.
async fn remit_2019(tx: &mut Transaction<'static, Any>, book: &RuleBook, collected: &BTreeMap<(Month, String), i64>) -> Result<(), DbError> {
    let end = "2019-12-31";
    let rows = sqlx::query("SELECT s.org_id, s.parent_id, s.kind, o.field FROM org_span s JOIN org o ON o.id = s.org_id WHERE s.valid_from <= $1 AND (s.valid_to IS NULL OR s.valid_to > $1)")
        .bind(end)
        .fetch_all(&mut **tx)
        .await?;
    let mut nodes: HashMap<String, Node> = HashMap::new();
    for r in &rows {
        let kind = crate::rows::decoded(&r.try_get::<String, _>("kind")?, OrgKind::parse, "OrgKind")?;
        let field = Field::parse(&r.try_get::<String, _>("field")?).unwrap_or(Field::Other);
        nodes.insert(r.try_get("org_id")?, Node { parent: r.try_get("parent_id")?, kind, field, depth: 0 });
    }
    let ids: Vec<String> = nodes.keys().cloned().collect();
    for id in &ids {
        let (mut depth, mut at) = (0, nodes[id].parent.clone());
        while let Some(p) = at.filter(|p| nodes.contains_key(p)) {
            depth += 1;
            at = nodes[&p].parent.clone();
        }
        if let Some(n) = nodes.get_mut(id) {
            n.depth = depth;
        }
    }
    let mut deepest: Vec<&String> = ids.iter().collect();
    deepest.sort_by_key(|id| (std::cmp::Reverse(nodes[*id].depth), (*id).clone()));
    let mut rows = Vec::new();
    for q in 0..4u32 {
        let months: Vec<Month> = (1..=3).map(|i| Month::new(2019, q * 3 + i).expect("a month")).collect();
        let own = |id: &str| months.iter().map(|m| collected.get(&(*m, id.to_string())).copied().unwrap_or(0)).sum::<i64>();
        let mut whole: HashMap<String, i64> = HashMap::new();
        let mut received: HashMap<String, i64> = HashMap::new();
        for id in &deepest {
            let n = &nodes[*id];
            let sub = own(id) + whole.get(*id).copied().unwrap_or(0);
            if let Some(p) = &n.parent {
                *whole.entry(p.clone()).or_default() += sub;
            }
            let grassroots = n.kind.is_grassroots() || n.kind == OrgKind::Commune;
            let base = if grassroots { sub } else { own(id) + received.get(*id).copied().unwrap_or(0) };
            let Some(rule) = keep_rule(n.kind, n.field) else { continue };
            let amount = send_up(base, book.number(rule, months[0].first_day()));
            if amount == 0 {
                continue;
            }
            if let Some(p) = &n.parent {
                *received.entry(p.clone()).or_default() += amount;
            }
            let sent = months[2].next().first_day() + Days::new(14);
            rows.push((id.to_string(), n.parent.clone(), months[0], months[2], amount, sent));
        }
    }
    for (org, to, from, until, amount, sent) in rows {
        sqlx::query(
            "INSERT INTO fee_remittance (id, org_id, to_org_id, from_month, to_month, amount, sent_on, received_on, received_by, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'system', $10)",
        )
        .bind(new_id())
        .bind(org)
        .bind(to.clone())
        .bind(from.iso())
        .bind(until.iso())
        .bind(amount)
        .bind(iso(sent))
        .bind(to.is_some().then(|| iso(sent + Days::new(7))))
        .bind(to.is_some().then_some("system"))
        .bind(now())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
