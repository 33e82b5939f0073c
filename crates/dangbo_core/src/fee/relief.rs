//! Exemptions and reductions of the fee by decision (miễn, giảm đảng phí): members receiving the
//! social pension or in special hardship (a poor household, a serious illness) are exempt on
//! application; a reduction of one of the rule's percentages lasts at most the rule's months.
//! The branch proposes and the grassroots committee decides (a chi bộ cơ sở decides itself);
//! each relief carries its decision's number and date, printed on the fee book.

use crate::error::FieldErrors;
use crate::fee::Month;
use crate::org::string_enum;
use crate::rules::{RuleBook, RuleId, RuleValue};
use chrono::NaiveDate;
use serde::Serialize;

string_enum! {
    /// Why a member pays less (lý do miễn, giảm). The message key `fee-relief-…` names it.
    ReliefKind ("fee-relief") {
        /// Hưởng trợ cấp xã hội: exempt.
        SocialPension = "social_pension",
        /// Hộ nghèo, cận nghèo, ốm đau hiểm nghèo: exempt.
        Hardship = "hardship",
        /// Giảm một phần: one of the rule's percentages.
        Reduction = "reduction",
    }
}

/// The longest decision number.
pub const MAX_DECISION_NO: usize = 50;

/// An exemption or a reduction from a month, to a month (an exemption may be open-ended).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Relief {
    pub kind: ReliefKind,
    /// The share waived: 100 for an exemption, the rule's 30, 50 or 70 for a reduction.
    pub percent: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2019-03"))]
    pub from: Month,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "2020-02"))]
    pub to: Option<Month>,
    pub decision_no: String,
    pub decision_date: NaiveDate,
}

/// A relief as typed on the form or sent to the API.
#[derive(Debug, Clone, Default)]
pub struct ReliefInput<'a> {
    pub kind: &'a str,
    pub percent: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub decision_no: &'a str,
    pub decision_date: &'a str,
}

fn month(e: &mut FieldErrors, field: &str, s: &str, required: bool) -> Option<Month> {
    match Month::parse(s) {
        None if s.trim().is_empty() => {
            if required {
                e.add(field, "err-required");
            }
            None
        }
        None => {
            e.add(field, "err-month");
            None
        }
        m => m,
    }
}

impl Relief {
    /// Parses a relief: a reduction needs one of the rule's percentages and an end at most the
    /// rule's months after its start; every relief needs its decision, dated not after
    /// `today` and not after the relief ends.
    pub fn parse(input: &ReliefInput, today: NaiveDate, book: &RuleBook) -> Result<Relief, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = ReliefKind::parse(input.kind.trim()).or_else(|| {
            e.add("kind", if input.kind.trim().is_empty() { "err-required" } else { "err-choice" });
            None
        });
        let reduction = kind == Some(ReliefKind::Reduction);
        let from = month(&mut e, "from_month", input.from, true);
        let to = month(&mut e, "to_month", input.to, reduction);
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            e.add("to_month", "err-fee-relief-order");
        }
        let on = from.unwrap_or(Month::of(today)).first_day();
        let percent = if reduction {
            let allowed = match &book.get(RuleId::FeeReductionPercents, on).value {
                RuleValue::List(v) => v.clone(),
                _ => Vec::new(),
            };
            match input.percent.trim().trim_end_matches('%').trim().parse::<i64>() {
                Ok(p) if allowed.contains(&p) => p,
                _ => {
                    let list = allowed.iter().map(|p| format!("{p}%")).collect::<Vec<_>>().join(", ");
                    e.add_with("percent", "err-fee-percent", vec![("allowed", list)]);
                    0
                }
            }
        } else {
            100
        };
        if let (true, Some(f), Some(t)) = (reduction, from, to) {
            let max = book.number(RuleId::FeeReductionMaxMonths, on);
            if months_between(f, t) > max {
                e.add_with("to_month", "err-fee-relief-months", vec![("max", max.to_string())]);
            }
        }
        let decision_no = crate::text::clean(input.decision_no);
        if decision_no.is_empty() {
            e.add("decision_no", "err-fee-relief-decision");
        } else if decision_no.chars().count() > MAX_DECISION_NO {
            e.add("decision_no", "err-too-long");
        }
        let decision_date = crate::org::parse_past_date("decision_date", input.decision_date, today, &mut e);
        match (kind, from, decision_date) {
            (Some(kind), Some(from), Some(decision_date)) if e.is_empty() => Ok(Relief { kind, percent, from, to, decision_no, decision_date }),
            _ => Err(e),
        }
    }

    /// Whether the relief covers `m`.
    pub fn covers(&self, m: Month) -> bool {
        self.from <= m && self.to.is_none_or(|t| m <= t)
    }

    /// The relief of `m` among `reliefs`: the largest share waived.
    pub fn of_month(reliefs: &[Relief], m: Month) -> Option<&Relief> {
        reliefs.iter().filter(|r| r.covers(m)).max_by_key(|r| r.percent)
    }
}

/// The number of months from `from` to `to`, both counted.
pub fn months_between(from: Month, to: Month) -> i64 {
    i64::from(to.year - from.year) * 12 + i64::from(to.month) - i64::from(from.month) + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(kind: &'a str, percent: &'a str, from: &'a str, to: &'a str) -> ReliefInput<'a> {
        ReliefInput { kind, percent, from, to, decision_no: "15-QĐ/ĐU", decision_date: "01/03/2019" }
    }

    #[test]
    fn a_reduction_takes_the_rules_percentages_and_months() {
        let (today, book) = (NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(), RuleBook::builtin());
        let r = Relief::parse(&input("reduction", "50%", "03/2019", "02/2020"), today, &book).unwrap();
        assert_eq!((r.percent, months_between(r.from, r.to.unwrap())), (50, 12));
        let e = Relief::parse(&input("reduction", "40", "03/2019", "03/2020"), today, &book).unwrap_err();
        assert!(e.has("percent", "err-fee-percent") && e.has("to_month", "err-fee-relief-months"), "{e:?}");
        let e = Relief::parse(&input("reduction", "30", "03/2019", ""), today, &book).unwrap_err();
        assert!(e.has("to_month", "err-required"));
        let ex = Relief::parse(&input("hardship", "", "2019-03", ""), today, &book).unwrap();
        assert_eq!((ex.percent, ex.to), (100, None));
        let e = Relief::parse(&ReliefInput { decision_no: " ", ..input("social_pension", "", "2019-03", "2019-01") }, today, &book).unwrap_err();
        assert!(e.has("decision_no", "err-fee-relief-decision") && e.has("to_month", "err-fee-relief-order"));
    }

    #[test]
    fn the_largest_relief_of_a_month_counts() {
        let m = |s: &str| Month::parse(s).unwrap();
        let r = |percent, from, to: Option<&str>| Relief {
            kind: ReliefKind::Reduction,
            percent,
            from: m(from),
            to: to.map(m),
            decision_no: "1".into(),
            decision_date: NaiveDate::from_ymd_opt(2019, 1, 1).unwrap(),
        };
        let list = [r(30, "2019-01", Some("2019-06")), r(70, "2019-05", Some("2019-08"))];
        assert_eq!(Relief::of_month(&list, m("2019-02")).unwrap().percent, 30);
        assert_eq!(Relief::of_month(&list, m("2019-05")).unwrap().percent, 70);
        assert!(Relief::of_month(&list, m("2019-09")).is_none());
    }
}
