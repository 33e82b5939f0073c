//! The checks the replay makes against the rules in force on an event's date: the age for an
//! exemption, the re-admission's limits, the length of a temporary attachment.

use super::Replay;
use crate::error::FieldErrors;
use crate::rules;
use chrono::NaiveDate;

impl Replay<'_> {
    /// Exemption for old age: men and women from the ages of the rules in force on `on`.
    pub(super) fn old_enough(&self, on: NaiveDate) -> Result<(), FieldErrors> {
        let rule = match self.d.person.sex {
            crate::member::Sex::Male => rules::RuleId::ExemptionAgeMen,
            crate::member::Sex::Female => rules::RuleId::ExemptionAgeWomen,
        };
        let v = self.book.get(rule, on).clone();
        if (crate::date::age_years(self.d.person.birth_date, on) as i64) < v.value.number() {
            let mut e = FieldErrors::new();
            e.add_with("ground", "err-exemption-age", vec![("years", v.value.text()), ("rule", v.citation)]);
            return Err(e);
        }
        Ok(())
    }

    /// Re-admission (kết nạp lại): once only, and not before the waiting time since leaving,
    /// judged by the rules in force on the new admission decision.
    pub(super) fn readmission_allowed(&self, decision: NaiveDate) -> Result<(), FieldErrors> {
        let book = self.book;
        let times = book.get(rules::RuleId::ReadmissionMaxTimes, decision);
        if self.d.episode > times.value.number() {
            let mut e = FieldErrors::new();
            e.add_with("type", "err-readmission-once", vec![("rule", times.citation.clone())]);
            return Err(e);
        }
        let wait = book.get(rules::RuleId::ReadmissionWaitMonths, decision);
        if let Some(left) = self.d.exit_date {
            let earliest = crate::date::add_months(left, wait.value.number() as u32);
            if decision < earliest {
                let mut e = FieldErrors::new();
                e.add_with("admission_decision_date", "err-readmission-wait", vec![("date", crate::date::display(earliest)), ("rule", wait.citation.clone())]);
                return Err(e);
            }
        }
        Ok(())
    }
}

/// A temporary attachment lasts from 3 months to under a year (work, residence) or up to two
/// years (study), by the rules in force when it starts.
pub(super) fn temp_period_allowed(book: &rules::RuleBook, from: NaiveDate, until: NaiveDate, study: bool) -> Result<(), FieldErrors> {
    let min = book.get(rules::RuleId::TempTransferMinMonths, from);
    let max = book.get(if study { rules::RuleId::StudyTransferMaxMonths } else { rules::RuleId::TempTransferMaxMonths }, from);
    let shortest = crate::date::add_months(from, min.value.number() as u32);
    let longest = crate::date::add_months(from, max.value.number() as u32);
    // Work and residence: under a year (the end before the anniversary); study: up to two years.
    let too_long = if study { until > longest } else { until >= longest };
    if until < shortest || too_long {
        let mut e = FieldErrors::new();
        e.add_with("until", "err-temp-period", vec![("min", min.value.text()), ("max", max.value.text()), ("rule", max.citation.clone())]);
        return Err(e);
    }
    Ok(())
}
