//! Party fees at scale (issue 25): a year of fees written for the dataset on first run
//! (`Store::generate_fees`), then a province's and a commune's year month by month, the
//! province's reconciliation and to-do list, a branch's book, and a branch's month recorded in
//! one command — each timed in-process (best of several runs), the year beside the floor of the
//! same payments summed in one GROUP BY.

use crate::{Line, line};
use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use dangbo_core::fee::{Channel, Month};
use dangbo_db::{Caller, NewPayment, Store};
use std::time::Instant;

pub async fn run(store: &Store, today: NaiveDate, out: &mut Vec<Line>) -> Result<()> {
    let admin = Caller::system();
    let year = today.year() - 1;
    let t = Instant::now();
    let written = store.generate_fees(year).await?;
    if written > 0 {
        out.push(line(format!("fees: generate {year}'s payments ({written})"), t.elapsed().as_secs_f64(), None, "s"));
    }
    for (code, label, runs) in [("P01-X001", "commune", 5), ("P01", "province", 5)] {
        let path = store.floor_org_path(code).await?;
        // Cold: every kept sum stale, the year computed from the ledger (and kept).
        store.forget_fee_sums().await?;
        let t = Instant::now();
        let y = store.org_fees_year(&admin, code, year).await?;
        let cold = t.elapsed().as_secs_f64() * 1000.0;
        let members = y.months[0].members;
        let t = Instant::now();
        store.floor_fees(&path, year).await?;
        let floor = t.elapsed().as_secs_f64() * 1000.0;
        out.push(line(format!("fees: the year month by month, {label} ({code}, {members} members), computed and kept"), cold, Some(floor), "ms"));
        // Warm: the kept sums read, beside the floor of reading the same rows.
        let (mut took, mut floor) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            let t = Instant::now();
            let warm = store.org_fees_year(&admin, code, year).await?;
            took.push(t.elapsed().as_secs_f64() * 1000.0);
            anyhow::ensure!(warm.months.iter().map(|m| m.paid).eq(y.months.iter().map(|m| m.paid)), "kept sums differ from computed ones");
            let t = Instant::now();
            store.floor_fee_sums(&path, year).await?;
            floor.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let (took, floor) = (took.iter().copied().fold(f64::MAX, f64::min), floor.iter().copied().fold(f64::MAX, f64::min));
        out.push(line(format!("fees: the year month by month, {label} ({code}), from the kept sums"), took, Some(floor), "ms"));
    }
    let t = Instant::now();
    let (from, to) = (Month::new(year, 1).expect("a month"), Month::new(year, 12).expect("a month"));
    let r = store.fee_reconciliation(&admin, "P01", from, to).await?;
    out.push(line(format!("fees: reconciliation of the province's year ({} organisations)", r.rows.len()), t.elapsed().as_secs_f64() * 1000.0, None, "ms"));
    let tinh = store.caller_by_username("tinh").await?.ok_or_else(|| anyhow::anyhow!("no user tinh"))?;
    let t = Instant::now();
    let todo = store.todo(&tinh, today).await?;
    out.push(line(format!("fees: the province's to-do list with the fee alerts ({} items)", todo.len()), t.elapsed().as_secs_f64() * 1000.0, None, "ms"));
    let t = Instant::now();
    let book = store.fee_book(&admin, "P01-X001-01-01", year).await?;
    let doc = dangbo_reports::fee_book::FeeBookPaper {
        letterhead: None,
        org_name: book.org_name.clone(),
        year,
        members: book
            .lines
            .iter()
            .map(|l| dangbo_reports::fee_book::BookMember {
                name: l.name.clone(),
                months: l.months.iter().map(|m| dangbo_reports::fee_book::BookMonth { owed: m.owed, exempt: m.exempt, due: m.due, paid: m.paid }).collect(),
            })
            .collect(),
        reliefs: Vec::new(),
    };
    let xlsx = dangbo_reports::table_xlsx::xlsx(&dangbo_reports::fee_book::table(&doc), "Sổ thu").map_err(|e| anyhow::anyhow!("{e}"))?;
    out.push(line(
        format!("fees: a branch's book of the year as XLSX ({} members, {} KB)", book.lines.len(), xlsx.len() / 1024),
        t.elapsed().as_secs_f64() * 1000.0,
        None,
        "ms",
    ));
    // A branch's month recorded in one command: this month, everyone paid in full.
    let month = Month::of(today);
    let sheet = store.fee_sheet(&admin, "P01-X001-01-01", month).await?;
    let payments: Vec<NewPayment> = sheet
        .lines
        .iter()
        .filter_map(|l| l.due.as_ref().filter(|d| d.amount > 0).map(|d| (l, d.amount)))
        .map(|(l, amount)| NewPayment { member_id: l.member_id.clone(), month, amount, paid_on: today, channel: Channel::Cash, receipt: None })
        .collect();
    let t = Instant::now();
    let n = store.record_fee_payments(&admin, "P01-X001-01-01", month, &payments, today).await?;
    out.push(line(format!("fees: a branch's month recorded in one command ({n} payments)"), t.elapsed().as_secs_f64() * 1000.0, None, "ms"));
    Ok(())
}
