//! Where a member of a data workbook was (sinh hoạt đảng): the branches of the exported tree
//! the member belonged to, each from the day they joined it, so a member who moved between
//! branches — or arrived from outside the tree, or was in a branch before the 2025
//! reorganisation moved it — is imported with that history, and the register counts them where
//! they were on any date. Written only for members whose history is not "admitted in today's
//! branch on the ceremony day".

use crate::error::FieldErrors;
use crate::event::Derived;
use chrono::NaiveDate;

/// The name of the sheet, and its headers: the member's number (STT) in the first sheet, the
/// name (read to check the number), the branch's code, the day the member joined it.
pub const PLACES_SHEET: &str = "Sinh hoạt";
pub const PLACES_HEADERS: [&str; 4] = ["STT", "Họ và tên", "Mã chi bộ", "Từ ngày"];

/// The sheets of the biography's repeated items, by the member's number (STT) and name.
pub const WORK_SHEET: &str = "Công tác";
pub const WORK_HEADERS: [&str; 5] = ["STT", "Họ và tên", "Từ tháng", "Đến tháng", "Làm công việc gì, ở đâu, giữ chức vụ gì"];
pub const FAMILY_SHEET: &str = "Gia đình";
pub const FAMILY_HEADERS: [&str; 8] = ["STT", "Họ và tên", "Quan hệ", "Họ tên người thân", "Năm sinh", "Nghề nghiệp", "Nơi ở", "Lịch sử chính trị"];

/// A member's branches, each from the day they joined it, oldest first; the last is today's.
pub type Places = Vec<(String, NaiveDate)>;

/// One row of the sheet as read.
#[derive(Debug, Clone, Default)]
pub struct PlaceRow {
    pub row: usize,
    pub name: String,
    pub org: String,
    pub from: String,
}

/// The member's branches in their current membership (since the last admission or arrival),
/// from the last time they came into the tree: `code_of` names the branches of the tree and
/// nothing else. Empty when the member was admitted in today's branch and never moved.
pub fn places_of(d: &Derived, code_of: impl Fn(&str) -> Option<String>) -> Places {
    let mut spans: Vec<_> = d.spans.iter().filter(|s| s.episode == d.episode).collect();
    spans.sort_by_key(|s| s.from);
    let mut out: Vec<(String, NaiveDate, Option<NaiveDate>)> = Vec::new();
    for s in spans {
        let Some(code) = code_of(&s.org_id) else {
            out.clear();
            continue;
        };
        match out.last_mut() {
            Some((c, _, to)) if *c == code && *to == Some(s.from) => *to = s.to,
            Some((_, _, to)) if *to != Some(s.from) => {
                out.clear();
                out.push((code, s.from, s.to));
            }
            _ => out.push((code, s.from, s.to)),
        }
    }
    let admitted_here = d.episodes.iter().find(|e| e.episode == d.episode).is_some_and(|e| e.admitted_here);
    if out.len() == 1 && admitted_here && out[0].1 == d.party.ceremony_date {
        return Vec::new();
    }
    out.into_iter().map(|(c, from, _)| (c, from)).collect()
}

/// The rows of one member: each beside the member's name, a past date, no two on one day, the
/// last in `branch` (the member's row), none before the ceremony. Problems name the row.
pub fn parse_places(full_name: &str, branch: &str, ceremony: NaiveDate, rows: &[PlaceRow], today: NaiveDate) -> Result<Places, FieldErrors> {
    let mut e = FieldErrors::new();
    let mut out: Places = Vec::new();
    for r in rows {
        let at = vec![("row", r.row.to_string())];
        let on = crate::date::parse(&r.from);
        let code = crate::org::OrgCode::parse(&r.org);
        if crate::text::fold(&r.name) != crate::text::fold(full_name) {
            e.add_with("places", "err-places-name", at);
        } else if code.is_none() {
            e.add_with("places", "err-places-org", at);
        } else if on.is_none_or(|d| d > today || d < ceremony) {
            e.add_with("places", "err-places-date", at);
        } else if out.iter().any(|(_, d)| Some(*d) == on) {
            e.add_with("places", "err-places-same-day", at);
        } else if let (Some(c), Some(d)) = (code, on) {
            out.push((c.as_str().to_string(), d));
        }
    }
    out.sort_by_key(|(_, d)| *d);
    if out.last().is_some_and(|(c, _)| !c.eq_ignore_ascii_case(branch.trim())) {
        e.add("places", "err-places-not-current");
    }
    e.into_result(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn row(n: usize, org: &str, from: &str) -> PlaceRow {
        PlaceRow { row: n, name: "Nguyễn Thị Lan".into(), org: org.into(), from: from.into() }
    }

    #[test]
    fn a_members_branches_are_read_in_order_and_end_in_the_rows_branch() {
        let today = d(2026, 11, 27);
        let got = parse_places("Nguyễn Thị Lan", "B2", d(2010, 3, 15), &[row(3, "b2", "2015-01-01"), row(2, "B1", "2010-03-15")], today).unwrap();
        assert_eq!(got, vec![("B1".to_string(), d(2010, 3, 15)), ("B2".to_string(), d(2015, 1, 1))]);
        let e = parse_places("Nguyễn Thị Lan", "B1", d(2010, 3, 15), &[row(2, "B1", "2010-03-15"), row(3, "B2", "2015-01-01")], today).unwrap_err();
        assert!(e.has("places", "err-places-not-current"));
        let e = parse_places("Nguyễn Thị Lan", "B1", d(2010, 3, 15), &[row(2, "B1", "2009-01-01")], today).unwrap_err();
        assert_eq!(e.0["places"].args, vec![("row", "2".to_string())]);
    }
}
