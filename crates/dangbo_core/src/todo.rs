//! The deadline engine behind "Việc cần làm": from a candidate's state or a member's dates, the
//! next thing due, when, and under which rule. It never changes anything: people decide.

use crate::calendar::WorkCalendar;
use crate::candidate::{Certificate, Stage, State};
use crate::org::string_enum;
use crate::rules::{RuleBook, RuleId};
use chrono::NaiveDate;
use serde::Serialize;

string_enum! {
    /// What is due.
    TodoKind ("todo") {
        /// The competent committee's admission decision after the branch resolution.
        DecisionDue = "decision_due",
        /// The admission ceremony after the decision.
        CeremonyDue = "ceremony_due",
        /// An awareness-class certificate about to expire before the branch has voted.
        CertificateExpiring = "certificate_expiring",
        /// The branch review of a probationary member after the 12 months.
        ProbationReview = "probation_review",
        /// A Party badge due at the next ceremony date.
        BadgeDue = "badge_due",
        /// A transfer letter issued and the member not yet received by the new branch.
        TransferPending = "transfer_pending",
        /// A temporary attachment reaching its planned end.
        TempEnding = "temp_ending",
        /// A proposal raised at a branch meeting awaiting the answer of the level that holds it.
        ProposalAnswer = "proposal_answer",
        /// Months of this year a member has not paid the fee for.
        FeesUnpaid = "fees_unpaid",
        /// As many unpaid months in the year as the rule names: consider striking off.
        FeesStrikeOff = "fees_strike_off",
        /// Rated "did not complete tasks" the rule's number of years running: the branch
        /// considers striking off (xóa tên).
        RatingNotDoneRun = "rating_not_done_run",
        /// A complaint against a penalty to resolve by its deadline (the inspector's list).
        ComplaintDue = "complaint_due",
    }
}

/// How far ahead items are shown before they fall due.
pub const LOOKAHEAD_DAYS: i64 = 30;

/// One computed deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Due {
    pub kind: TodoKind,
    /// The last day to act.
    pub due: NaiveDate,
    /// When the period started (the date the rule counts from).
    pub from: NaiveDate,
    pub rule: RuleId,
    pub citation: String,
    /// Whether the rule's value is confirmed from the original text.
    pub confirmed: bool,
}

impl Due {
    /// A deadline set by `rule` (as in force on `from`) that falls on `due`.
    pub fn of(kind: TodoKind, rule: RuleId, from: NaiveDate, due: NaiveDate, rules: &RuleBook) -> Due {
        let v = rules.get(rule, from);
        Due { kind, due, from, rule, citation: v.citation.clone(), confirmed: v.confirmed }
    }

    pub fn overdue(&self, today: NaiveDate) -> bool {
        today > self.due
    }
    /// Overdue, or due within the lookahead.
    pub fn near(&self, today: NaiveDate) -> bool {
        self.due <= today + chrono::Duration::days(LOOKAHEAD_DAYS)
    }
}

fn due(kind: TodoKind, rule: RuleId, from: NaiveDate, rules: &RuleBook, cal: &WorkCalendar) -> Due {
    let n = rules.number(rule, from);
    let due = match rule.unit() {
        crate::rules::Unit::WorkingDays => cal.add_working_days(from, n),
        _ => crate::date::add_months(from, n as u32),
    };
    Due::of(kind, rule, from, due, rules)
}

/// The next deadline of an open candidate, if one runs.
pub fn candidate_due(st: &State, certificates: &[Certificate], rules: &RuleBook, cal: &WorkCalendar, today: NaiveDate) -> Option<Due> {
    match st.stage {
        Stage::BranchProposed | Stage::CommitteeProposed | Stage::Escalated => {
            Some(due(TodoKind::DecisionDue, RuleId::AdmissionDecisionWd, st.branch_resolution_on?, rules, cal))
        }
        Stage::Decided => Some(due(TodoKind::CeremonyDue, RuleId::CeremonyWd, st.decision_on?, rules, cal)),
        Stage::Listed | Stage::Trained | Stage::Dossier => {
            // The newest certificate, valid or not: once expired the class must be taken again.
            let newest = certificates.iter().max_by_key(|c| c.issued_on)?;
            let d = due(TodoKind::CertificateExpiring, RuleId::CertificateValidityMonths, newest.issued_on, rules, cal);
            let d = Due { due: d.due.pred_opt().unwrap_or(d.due), ..d };
            d.near(today).then_some(d)
        }
        _ => None,
    }
}

/// The transfer letter must be presented to the receiving branch within N working days.
pub fn transfer_due(issued_on: NaiveDate, rules: &RuleBook, cal: &WorkCalendar) -> Due {
    due(TodoKind::TransferPending, RuleId::TransferPresentWd, issued_on, rules, cal)
}

/// A proposal forwarded on `from` is to be answered within N working days.
pub fn proposal_due(from: NaiveDate, rules: &RuleBook, cal: &WorkCalendar) -> Due {
    due(TodoKind::ProposalAnswer, RuleId::ProposalAnswerWd, from, rules, cal)
}

/// The branch review of a probationary member: due within N working days after the 12 months
/// end (the member is full from that day if recognised, however late the decision).
pub fn probation_due(ceremony: NaiveDate, rules: &RuleBook, cal: &WorkCalendar, today: NaiveDate) -> Option<Due> {
    let months = rules.number(RuleId::ProbationMonths, ceremony);
    let full = crate::date::add_months(ceremony, months as u32);
    let d = due(TodoKind::ProbationReview, RuleId::RecognitionReviewWd, full, rules, cal);
    (today + chrono::Duration::days(LOOKAHEAD_DAYS) >= full).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn probation_review_is_due_thirty_working_days_after_the_twelve_months() {
        let rules = RuleBook::builtin();
        let cal = WorkCalendar::default();
        // Ceremony 2/10/2025 → full 2/10/2026 (a Friday) → 30 wd later: 13/11/2026.
        let due = probation_due(d(2025, 10, 2), &rules, &cal, d(2026, 11, 27)).unwrap();
        assert_eq!(due.from, d(2026, 10, 2));
        assert_eq!(due.due, d(2026, 11, 13));
        assert!(due.overdue(d(2026, 11, 27)));
        assert!(due.citation.starts_with("QĐ 24-QĐ/TW"));
        // Twelve months not yet near: nothing to show.
        assert!(probation_due(d(2026, 6, 1), &rules, &cal, d(2026, 11, 27)).is_none());
        // Within the lookahead: shown, not overdue.
        let soon = probation_due(d(2025, 12, 20), &rules, &cal, d(2026, 11, 27)).unwrap();
        assert!(!soon.overdue(d(2026, 11, 27)));
    }
}
