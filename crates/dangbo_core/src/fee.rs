//! Party fees (đảng phí): what a member owes for a month, from the member's fee basis in force
//! that month (category and base amount, dated facts) and the fee rules in force that month
//! (rule versions with their citations: QĐ 342-QĐ/TW for the history, QĐ 01-QĐ/TW from
//! February 2026). Members with fifty years of party age are exempt from the month they reach
//! them.
//!
//! Which branch a month is owed to: the one that counts the member on the first day of the
//! month they are counted in it — a member transferred mid-month pays that month to the
//! branch they leave, which prints "paid through" that month on the letter; a new member pays
//! from the month of admission to their branch. (No source found states it; the committee's
//! practice decides, and this is written where the collection page reads it.)

pub mod payment;
pub mod relief;

use crate::error::FieldErrors;
use crate::org::{Field, OrgKind, string_enum};
use crate::rules::{RuleBook, RuleId};
use chrono::{Datelike, NaiveDate};
use relief::Relief;
use serde::{Deserialize, Serialize};

string_enum! {
    /// Who the member is for the fee (đối tượng đóng đảng phí). The message key
    /// `fee-category-…` names it.
    Category ("fee-category") {
        /// Hưởng lương, đóng bảo hiểm xã hội bắt buộc: 1% of the insured salary.
        Insured = "insured",
        /// Nghỉ ốm, thai sản hưởng trợ cấp BHXH: 1% of the benefit.
        InsuredLeave = "insured_leave",
        /// Hưởng lương hưu, không đóng BHXH: 0.5% of the pension.
        Pensioner = "pensioner",
        /// Học sinh, sinh viên: a fixed amount.
        Student = "student",
        /// Nông dân.
        Farmer = "farmer",
        /// Lao động tự do.
        FreeWorker = "free_worker",
        /// Ở nước ngoài.
        Abroad = "abroad",
        /// Other members not insured.
        Other = "other",
    }
}

string_enum! {
    /// How a payment was made (hình thức nộp).
    Channel ("fee-channel") {
        /// Cash to the branch (nộp trực tiếp cho chi bộ).
        Cash = "cash",
        /// The National Public Service Portal (Cổng Dịch vụ công quốc gia).
        Portal = "portal",
    }
}

impl Category {
    /// The rule that gives the amount: a rate of the base, or a fixed amount.
    pub fn rule(self) -> RuleId {
        match self {
            Category::Insured => RuleId::FeeInsuredRate,
            Category::InsuredLeave => RuleId::FeeLeaveRate,
            Category::Pensioner => RuleId::FeePensionerRate,
            Category::Student => RuleId::FeeStudentAmount,
            Category::Farmer => RuleId::FeeFarmerAmount,
            Category::FreeWorker => RuleId::FeeFreeWorkerAmount,
            Category::Abroad => RuleId::FeeAbroadAmount,
            Category::Other => RuleId::FeeOtherAmount,
        }
    }

    /// Whether the amount is a rate of a base (a salary, a benefit, a pension).
    pub fn needs_base(self) -> bool {
        matches!(self, Category::Insured | Category::InsuredLeave | Category::Pensioner)
    }
}

/// A calendar month (tháng), stored as "YYYY-MM".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl TryFrom<String> for Month {
    type Error = String;
    fn try_from(s: String) -> Result<Month, String> {
        Month::parse(&s).ok_or_else(|| format!("not a month: {s}"))
    }
}

impl From<Month> for String {
    fn from(m: Month) -> String {
        m.iso()
    }
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Month> {
        ((1..=12).contains(&month) && (1900..=2200).contains(&year)).then_some(Month { year, month })
    }

    /// "YYYY-MM" or "MM/YYYY" (as typed).
    pub fn parse(s: &str) -> Option<Month> {
        let s = s.trim();
        let (y, m) = match s.split_once('/') {
            Some((m, y)) => (y, m),
            None => s.split_once('-')?,
        };
        Month::new(y.trim().parse().ok()?, m.trim().parse().ok()?)
    }

    pub fn of(d: NaiveDate) -> Month {
        Month { year: d.year(), month: d.month() }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a valid month")
    }

    pub fn next(self) -> Month {
        if self.month == 12 { Month { year: self.year + 1, month: 1 } } else { Month { year: self.year, month: self.month + 1 } }
    }

    pub fn prev(self) -> Month {
        if self.month == 1 { Month { year: self.year - 1, month: 12 } } else { Month { year: self.year, month: self.month - 1 } }
    }

    /// "YYYY-MM".
    pub fn iso(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// "MM/YYYY", as papers write it.
    pub fn display(self) -> String {
        format!("{:02}/{:04}", self.month, self.year)
    }

    /// The months of a year.
    pub fn of_year(year: i32) -> impl Iterator<Item = Month> {
        (1..=12).map(move |month| Month { year, month })
    }
}

/// A member's fee basis from a month on: the category and the base amount (a salary, benefit or
/// pension in đồng; 0 for the fixed-amount categories).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Basis {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-02"))]
    pub from: Month,
    pub category: Category,
    pub base: i64,
}

/// The largest base taken (a monthly salary of a billion đồng is a typing error).
pub const MAX_BASE: i64 = 1_000_000_000;

impl Basis {
    /// Parses a basis as typed: the month (not after `today`'s), the category's code, and the
    /// base (digits, dots and spaces allowed; required for a rate's categories).
    pub fn parse(from: &str, category: &str, base: &str, today: NaiveDate) -> Result<Basis, FieldErrors> {
        let mut e = FieldErrors::new();
        let from = match Month::parse(from) {
            None => {
                e.add("from_month", if from.trim().is_empty() { "err-required" } else { "err-month" });
                None
            }
            Some(m) if m > Month::of(today) => {
                e.add("from_month", "err-date-future");
                None
            }
            Some(m) => Some(m),
        };
        let category = Category::parse(category.trim()).or_else(|| {
            e.add("category", if category.trim().is_empty() { "err-required" } else { "err-choice" });
            None
        });
        let digits: String = base.chars().filter(|c| !matches!(c, '.' | ' ' | ',')).collect();
        let base = match digits.as_str() {
            "" => 0,
            d => match d.parse::<i64>() {
                Ok(n) if (0..=MAX_BASE).contains(&n) => n,
                _ => {
                    e.add("base", "err-number");
                    0
                }
            },
        };
        if category.is_some_and(Category::needs_base) && base == 0 && !e.0.contains_key("base") {
            e.add("base", "err-required");
        }
        match (from, category) {
            (Some(from), Some(category)) if e.is_empty() => Ok(Basis { from, category, base }),
            _ => Err(e),
        }
    }
}

/// What is owed for one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeeDue {
    /// The amount in đồng (0 when exempt).
    pub amount: i64,
    pub exempt: bool,
    /// The percentage a reduction by decision takes off (0 when none).
    pub reduction: i64,
    /// The rule version the amount comes from (its citation), and the decision of an exemption
    /// or a reduction.
    pub rule: String,
}

/// What `basis` owes for `month` under `book`, for a member whose party age counts from
/// `party_age_from` and with the exemptions and reductions `reliefs`: exempt from the month the
/// rule's years are reached, or by a decision; otherwise the rate of the base, or the fixed
/// amount, less a reduction, rounded to the rule's step (halves up).
pub fn due(basis: &Basis, month: Month, party_age_from: NaiveDate, reliefs: &[Relief], book: &RuleBook) -> FeeDue {
    let on = month.first_day();
    let years = book.get(RuleId::FeeExemptPartyYears, on);
    let reached = crate::badge::eligible_on(party_age_from, years.value.number());
    if Month::of(reached) <= month {
        return FeeDue { amount: 0, exempt: true, reduction: 0, rule: years.citation.clone() };
    }
    let relief = Relief::of_month(reliefs, month);
    let decision = relief.map(|r| format!("QĐ {} ngày {}", r.decision_no, crate::date::display(r.decision_date)));
    if let (Some(r), Some(decision)) = (relief.filter(|r| r.percent >= 100), decision.clone()) {
        return FeeDue { amount: 0, exempt: true, reduction: r.percent, rule: decision };
    }
    let rule = book.get(basis.category.rule(), on);
    let raw = if basis.category.needs_base() { basis.base * rule.value.number() } else { rule.value.number() * 10_000 };
    let reduction = relief.map(|r| r.percent).unwrap_or(0);
    let raw = raw * (100 - reduction) / 100;
    let step = book.number(RuleId::FeeRounding, on).max(1) * 10_000;
    let amount = (raw + step / 2) / step * step / 10_000;
    let rule = match decision {
        Some(d) => format!("{}; giảm {reduction}% theo {d}", rule.citation),
        None => rule.citation.clone(),
    };
    FeeDue { amount, exempt: false, reduction, rule }
}

/// The rule giving the share of the fees an organisation keeps (trích giữ lại), by its kind and
/// field; None for the top (it keeps what it receives). The share applies to (an inference from
/// QĐ 342 Art. 6, whose grassroots share counts what its branches keep): a branch's own
/// collection; a grassroots organisation's whole collection, its branches' included; and for
/// the levels above, what they receive.
pub fn keep_rule(kind: OrgKind, field: Field) -> Option<RuleId> {
    match kind {
        OrgKind::SubordinateBranch | OrgKind::PartialCommittee => Some(RuleId::FeeKeepBranch),
        OrgKind::GrassrootsBranch | OrgKind::GrassrootsCommittee if matches!(field, Field::Commune | Field::Residential) => Some(RuleId::FeeKeepCommune),
        OrgKind::GrassrootsBranch | OrgKind::GrassrootsCommittee => Some(RuleId::FeeKeepGrassroots),
        OrgKind::District | OrgKind::Commune | OrgKind::Province => Some(RuleId::FeeKeepUpper),
        OrgKind::Central => None,
    }
}

/// What goes up of `base` when `keep` basis points are kept (to the đồng, halves up).
pub fn send_up(base: i64, keep: i64) -> i64 {
    (base * (10_000 - keep) + 5_000) / 10_000
}

/// The basis in force in `month`: the last one from that month or before.
pub fn basis_in(bases: &[Basis], month: Month) -> Option<&Basis> {
    bases.iter().filter(|b| b.from <= month).max_by_key(|b| b.from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn basis(category: Category, base: i64) -> Basis {
        Basis { from: Month::new(2015, 1).unwrap(), category, base }
    }

    #[test]
    fn the_rule_in_force_that_month_gives_the_amount() {
        let book = RuleBook::builtin();
        let joined = d(2000, 5, 19);
        let (jan, feb, dec19) = (Month::new(2026, 1).unwrap(), Month::new(2026, 2).unwrap(), Month::new(2019, 12).unwrap());
        // A student: QĐ 342's amount until January 2026, QĐ 01's 5,000 đồng from February.
        let student = basis(Category::Student, 0);
        assert_eq!(due(&student, jan, joined, &[], &book).amount, 3_000);
        let feb_due = due(&student, feb, joined, &[], &book);
        assert_eq!(feb_due.amount, 5_000);
        assert!(feb_due.rule.starts_with("QĐ 01-QĐ/TW"), "{}", feb_due.rule);
        // An insured member: 1% of 8,234,000 rounded to the thousand; a pensioner 0.5%.
        assert_eq!(due(&basis(Category::Insured, 8_234_000), dec19, joined, &[], &book).amount, 82_000);
        assert_eq!(due(&basis(Category::Insured, 8_250_000), feb, joined, &[], &book).amount, 83_000);
        let pension = due(&basis(Category::Pensioner, 6_100_000), dec19, joined, &[], &book);
        assert_eq!((pension.amount, pension.rule.starts_with("QĐ 342-QĐ/TW")), (31_000, true));
    }

    #[test]
    fn fifty_years_of_party_age_exempt_from_the_month_they_are_reached() {
        let book = RuleBook::builtin();
        let b = basis(Category::Pensioner, 5_000_000);
        let joined = d(1969, 7, 15);
        assert!(!due(&b, Month::new(2019, 6).unwrap(), joined, &[], &book).exempt);
        let july = due(&b, Month::new(2019, 7).unwrap(), joined, &[], &book);
        assert_eq!((july.amount, july.exempt), (0, true));
    }

    #[test]
    fn a_decision_exempts_or_reduces_the_months_it_covers() {
        let book = RuleBook::builtin();
        let joined = d(2000, 5, 19);
        let b = basis(Category::Insured, 8_234_000);
        let m = |s: &str| Month::parse(s).unwrap();
        let relief =
            |kind, percent| Relief {
                kind, percent, from: m("2019-03"), to: Some(m("2019-05")), decision_no: "15-QĐ/ĐU".into(), decision_date: d(2019, 2, 25)
            };
        let half = [relief(relief::ReliefKind::Reduction, 70)];
        assert_eq!(due(&b, m("2019-02"), joined, &half, &book).amount, 82_000);
        let cut = due(&b, m("2019-03"), joined, &half, &book);
        assert_eq!((cut.amount, cut.reduction, cut.exempt), (25_000, 70, false), "30% of 82,340 rounded to the thousand");
        assert!(cut.rule.contains("15-QĐ/ĐU ngày 25/02/2019"), "{}", cut.rule);
        let off = due(&b, m("2019-05"), joined, &[relief(relief::ReliefKind::Hardship, 100)], &book);
        assert_eq!((off.amount, off.exempt), (0, true));
        assert_eq!(due(&b, m("2019-06"), joined, &half, &book).amount, 82_000);
    }

    #[test]
    fn each_level_keeps_its_share_and_sends_the_rest() {
        assert_eq!(keep_rule(OrgKind::SubordinateBranch, Field::Residential), Some(RuleId::FeeKeepBranch));
        assert_eq!(keep_rule(OrgKind::GrassrootsCommittee, Field::Commune), Some(RuleId::FeeKeepCommune));
        assert_eq!(keep_rule(OrgKind::GrassrootsCommittee, Field::School), Some(RuleId::FeeKeepGrassroots));
        assert_eq!(keep_rule(OrgKind::Central, Field::Other), None);
        assert_eq!(send_up(1_000_000, 3_000), 700_000);
        assert_eq!(send_up(333, 5_000), 167, "halves up, to the đồng");
    }

    #[test]
    fn a_basis_parses_or_names_its_field() {
        let today = d(2026, 12, 7);
        let b = Basis::parse("02/2026", "insured", "8.250.000", today).unwrap();
        assert_eq!((b.from.iso(), b.base), ("2026-02".to_string(), 8_250_000));
        assert!(Basis::parse("2026-02", "student", "", today).is_ok());
        let e = Basis::parse("2027-01", "pensioner", "", today).unwrap_err();
        assert!(e.has("from_month", "err-date-future") && e.has("base", "err-required"));
        let e = Basis::parse("13/2026", "chief", "-5", today).unwrap_err();
        assert!(e.has("from_month", "err-month") && e.has("category", "err-choice") && e.has("base", "err-number"));
        let bases = [basis(Category::Student, 0), Basis { from: Month::new(2024, 9).unwrap(), category: Category::Insured, base: 7_000_000 }];
        assert_eq!(basis_in(&bases, Month::new(2024, 8).unwrap()).unwrap().category, Category::Student);
        assert_eq!(basis_in(&bases, Month::new(2025, 1).unwrap()).unwrap().category, Category::Insured);
        assert!(basis_in(&bases, Month::new(2014, 12).unwrap()).is_none());
    }

    #[test]
    fn months_read_both_ways_and_step() {
        assert_eq!(Month::parse("03/2019"), Month::new(2019, 3));
        assert_eq!(Month::parse("2019-03"), Month::new(2019, 3));
        assert_eq!(Month::parse("2019-13"), None);
        assert_eq!(Month::new(2019, 12).unwrap().next(), Month::new(2020, 1).unwrap());
        assert_eq!(Month::new(2020, 1).unwrap().prev().display(), "12/2019");
    }
}
