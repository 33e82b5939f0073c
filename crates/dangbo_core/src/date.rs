//! Dates: parsing at the edge (ISO `YYYY-MM-DD` or Vietnamese `dd/mm/yyyy`), display as
//! dd/mm/yyyy, and calendar-month arithmetic for rules counted in months.

use chrono::{Datelike, Months, NaiveDate};

/// Parses `2019-12-31` or `31/12/2019` (also `31-12-2019`, `31.12.2019`).
pub fn parse(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let parsed = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .or_else(|| ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"].iter().find_map(|f| NaiveDate::parse_from_str(s, f).ok()));
    // A year is written in full: "15/8/98" is not 1998 nor the year 98, "-2024-01-01" no date.
    parsed.filter(|d| (MIN_YEAR..=MAX_YEAR).contains(&d.year()))
}

/// The earliest year a date in the register may have (births of living members, the Party's
/// own history from 1930).
pub const MIN_YEAR: i32 = 1900;
/// The latest year a date may have.
pub const MAX_YEAR: i32 = 2200;
/// The years a year of work may name (a report's, a target's, a calendar's, a course's): from
/// the Party's founding, one range for every page and API route.
pub const WORK_YEARS: std::ops::RangeInclusive<i32> = 1930..=2100;

/// The storage form: ISO 8601, which sorts as text the same way it sorts as a date.
pub fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The display form in both languages of the UI: dd/mm/yyyy.
pub fn display(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Displays an ISO date string as dd/mm/yyyy; other text is returned unchanged.
pub fn display_iso(s: &str) -> String {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map(display).unwrap_or_else(|_| s.to_string())
}

/// Vietnam's offset from UTC (Asia/Ho_Chi_Minh: +07:00 all year, no summer time since 1975).
pub const VIETNAM_OFFSET_SECONDS: i32 = 7 * 3600;

/// A stored instant (RFC 3339, kept in UTC) as the user reads it: "dd/mm/yyyy hh:mm" in
/// Vietnam's time; other text is returned unchanged.
pub fn display_instant(s: &str) -> String {
    let vn = chrono::FixedOffset::east_opt(VIETNAM_OFFSET_SECONDS).expect("a valid offset");
    chrono::DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&vn).format("%d/%m/%Y %H:%M").to_string()).unwrap_or_else(|_| s.to_string())
}

/// `d` plus `n` calendar months (31/01 + 1 month = 28 or 29/02).
pub fn add_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(Months::new(n)).unwrap_or(d)
}

/// Whole years of age at `on` (for age bands).
pub fn age_years(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_forms() {
        let d = NaiveDate::from_ymd_opt(2019, 12, 31).unwrap();
        assert_eq!(parse("2019-12-31"), Some(d));
        assert_eq!(parse("31/12/2019"), Some(d));
        assert_eq!(parse("31/02/2019"), None);
        assert_eq!(display(d), "31/12/2019");
        // A year is written in full, within the register's range.
        for bad in ["15/8/98", "15/08/0098", "-2024-01-01", "5/1/27", "01/01/1899", "01/01/2201"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn instants_show_in_vietnam_time() {
        // 04/12 20:30 UTC is already 05/12 in Vietnam.
        assert_eq!(display_instant("2026-12-04T20:30:00.123456Z"), "05/12/2026 03:30");
        assert_eq!(display_instant("not a time"), "not a time");
    }

    #[test]
    fn months_clamp_to_month_end() {
        let d = NaiveDate::from_ymd_opt(2020, 1, 31).unwrap();
        assert_eq!(add_months(d, 1), NaiveDate::from_ymd_opt(2020, 2, 29).unwrap());
        assert_eq!(age_years(NaiveDate::from_ymd_opt(2000, 6, 15).unwrap(), NaiveDate::from_ymd_opt(2018, 6, 14).unwrap()), 17);
    }
}
