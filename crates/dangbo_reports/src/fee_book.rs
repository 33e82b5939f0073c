//! The fee book of a branch for a year (sổ thu đảng phí) as a printed table: A4 landscape, two
//! rows per member (due, paid) across the twelve months and the year's total, the month totals,
//! and the exemptions and reductions with their decisions under the table.

use crate::pdf::{Letterhead, TableDoc};
use dangbo_core::text::format_int;

/// One month of a member's line.
#[derive(Debug, Clone, Default)]
pub struct BookMonth {
    /// Owed to this branch (a month owed elsewhere is left blank).
    pub owed: bool,
    pub exempt: bool,
    /// None when no fee basis is recorded.
    pub due: Option<i64>,
    pub paid: i64,
}

/// One member of the book.
#[derive(Debug, Clone, Default)]
pub struct BookMember {
    pub name: String,
    pub months: Vec<BookMonth>,
}

/// The words of the table, in the reader's language.
#[derive(Debug, Clone)]
pub struct BookWords {
    pub number: String,
    pub name: String,
    pub due: String,
    pub paid: String,
    pub exempt: String,
    pub total: String,
    pub month: String,
    pub reliefs: String,
}

impl BookWords {
    /// The paper's words (Vietnamese).
    pub fn paper() -> BookWords {
        BookWords {
            number: "STT".into(),
            name: "Họ và tên".into(),
            due: "Phải đóng".into(),
            paid: "Đã đóng".into(),
            exempt: "miễn".into(),
            total: "Cộng".into(),
            month: "T".into(),
            reliefs: "Miễn, giảm đảng phí".into(),
        }
    }
}

/// A branch's book of a year.
#[derive(Debug, Clone)]
pub struct FeeBookPaper {
    pub letterhead: Option<Letterhead>,
    pub org_name: String,
    pub year: i32,
    pub members: Vec<BookMember>,
    /// "Name: the relief and its decision", one per relief.
    pub reliefs: Vec<String>,
}

fn num(n: i64, vi: bool) -> String {
    format_int(n, vi)
}

/// The header row.
pub fn headers(w: &BookWords) -> Vec<String> {
    let mut h = vec![w.number.clone(), w.name.clone(), String::new()];
    h.extend((1..=12).map(|m| format!("{}{m}", w.month)));
    h.push(w.total.clone());
    h
}

/// The rows: two per member, then the month totals; numbers with `vi`'s separators.
pub fn rows(p: &FeeBookPaper, w: &BookWords, vi: bool) -> Vec<Vec<String>> {
    let mut rows = Vec::with_capacity(p.members.len() * 2 + 2);
    let mut totals = [(0i64, 0i64); 12];
    for (n, m) in p.members.iter().enumerate() {
        let mut due = vec![(n + 1).to_string(), m.name.clone(), w.due.clone()];
        let mut paid = vec![String::new(), String::new(), w.paid.clone()];
        let (mut due_year, mut paid_year) = (0, 0);
        for (i, mo) in m.months.iter().enumerate().take(12) {
            due.push(match (mo.owed, mo.exempt, mo.due) {
                (false, _, _) => String::new(),
                (true, true, _) => w.exempt.clone(),
                (true, false, Some(d)) => num(d, vi),
                (true, false, None) => "?".into(),
            });
            paid.push(if mo.owed || mo.paid > 0 { num(mo.paid, vi) } else { String::new() });
            let d = if mo.owed && !mo.exempt { mo.due.unwrap_or(0) } else { 0 };
            due_year += d;
            paid_year += mo.paid;
            totals[i].0 += d;
            totals[i].1 += mo.paid;
        }
        due.push(num(due_year, vi));
        paid.push(num(paid_year, vi));
        rows.push(due);
        rows.push(paid);
    }
    let mut due = vec![String::new(), w.total.clone(), w.due.clone()];
    due.extend(totals.iter().map(|t| num(t.0, vi)));
    due.push(num(totals.iter().map(|t| t.0).sum(), vi));
    let mut paid = vec![String::new(), String::new(), w.paid.clone()];
    paid.extend(totals.iter().map(|t| num(t.1, vi)));
    paid.push(num(totals.iter().map(|t| t.1).sum(), vi));
    rows.push(due);
    rows.push(paid);
    rows
}

/// The book as a printed table (PDF and XLSX).
pub fn table(p: &FeeBookPaper) -> TableDoc {
    let w = BookWords::paper();
    let note = if p.reliefs.is_empty() { String::new() } else { format!("{}: {}.", w.reliefs, p.reliefs.join("; ")) };
    let mut widths = vec![0.6, 3.0, 1.1];
    widths.extend([1.05; 12]);
    widths.push(1.3);
    TableDoc {
        letterhead: p.letterhead.clone(),
        title: format!("SỔ THU ĐẢNG PHÍ NĂM {}", p.year),
        subtitle: p.org_name.clone(),
        footer: format!("Sổ thu đảng phí {} — {}", p.year, p.org_name),
        note,
        landscape: true,
        font_size: 7.5,
        headers: headers(&w),
        widths,
        numeric: (3..16).collect(),
        rows: rows(p, &w, true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_totals_add_the_months_owed_here() {
        let month = |owed, exempt, due, paid| BookMonth { owed, exempt, due, paid };
        let mut a = vec![month(true, false, Some(82_000), 82_000); 12];
        a[8] = month(true, false, Some(82_000), 0);
        let mut b = vec![month(false, false, None, 0); 12];
        b[11] = month(true, true, Some(0), 0);
        let p = FeeBookPaper {
            letterhead: None,
            org_name: "Chi bộ Khu phố 1".into(),
            year: 2019,
            members: vec![BookMember { name: "Vũ Thị Lương".into(), months: a }, BookMember { name: "Lò Văn Ân".into(), months: b }],
            reliefs: vec![],
        };
        let doc = table(&p);
        assert_eq!(doc.rows.len(), 6);
        assert_eq!(doc.rows[0][15], "984.000");
        assert_eq!(doc.rows[1][15], "902.000");
        assert_eq!((doc.rows[2][3].as_str(), doc.rows[2][14].as_str()), ("", "miễn"), "a month owed elsewhere is blank");
        assert_eq!(doc.rows[5][11], "0", "September's total paid");
    }
}
