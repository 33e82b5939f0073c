//! Rules as data: each value carries the regulation it comes from and the date it took effect.
//! An event is judged by the rule in force on the event's date. (The full versioned rule store
//! comes with the lifecycle work; these are the rules the register itself needs.)

use chrono::NaiveDate;

/// One version of a numeric rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleVersion {
    pub value: u32,
    pub effective_from: NaiveDate,
    pub citation: &'static str,
}

const fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, day) {
        Some(x) => x,
        None => panic!("invalid rule date"),
    }
}

/// Probation (thời gian dự bị) in months, counted from the admission ceremony.
pub const PROBATION_MONTHS: &[RuleVersion] = &[RuleVersion { value: 12, effective_from: d(2011, 1, 19), citation: "Điều lệ Đảng (2011), Điều 5.1" }];

/// Minimum age in full years at admission (tính theo tháng, at the branch review).
pub const ADMISSION_MIN_AGE_YEARS: &[RuleVersion] = &[
    RuleVersion { value: 18, effective_from: d(2011, 1, 19), citation: "Điều lệ Đảng (2011), Điều 1" },
    RuleVersion { value: 18, effective_from: d(2021, 7, 30), citation: "QĐ 24-QĐ/TW (30/7/2021), 1.1" },
    RuleVersion { value: 18, effective_from: d(2025, 7, 1), citation: "QĐ 294-QĐ/TW (26/5/2025)" },
];

/// The version of `rule` in force on `on` (the first version applies to earlier dates too).
pub fn in_force(rule: &[RuleVersion], on: NaiveDate) -> RuleVersion {
    rule.iter().rev().find(|v| v.effective_from <= on).copied().unwrap_or(rule[0])
}

/// The date probation ends and full membership begins: ceremony + 12 months, whatever the
/// date of the decision (QĐ 24 §4.2.2).
pub fn full_membership_date(ceremony: NaiveDate) -> NaiveDate {
    crate::date::add_months(ceremony, in_force(PROBATION_MONTHS, ceremony).value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_date_is_ceremony_plus_twelve_months() {
        assert_eq!(full_membership_date(d(2015, 7, 26)), d(2016, 7, 26));
        assert_eq!(in_force(ADMISSION_MIN_AGE_YEARS, d(2022, 1, 1)).citation, "QĐ 24-QĐ/TW (30/7/2021), 1.1");
    }
}
