//! Inspection, supervision and discipline (kiểm tra, giám sát, kỷ luật; domain.md §8): the kinds
//! of case, their steps, the penalties a target's kind allows, the vote a penalty needs, the
//! limitation period (thời hiệu) and the deadlines of a complaint.
//!
//! A case is opened on a member by an inspection commission (ủy ban kiểm tra) or a committee,
//! goes through its steps (the decision and the team, the target's self-report, the team's
//! verification, the conclusion and its notice, the branch's vote), and ends with a decision:
//! a penalty with its vote, no penalty, or closed because the period ran out.

mod input;
mod plan;
pub use input::*;
pub use plan::*;

use crate::FieldErrors;
use crate::calendar::WorkCalendar;
use crate::org::string_enum;
use crate::rules::{RuleBook, RuleId};
use chrono::{Months, NaiveDate};

string_enum! {
    /// What a case is. The message key `case-kind-…` names it.
    CaseKind ("case-kind") {
        /// Giám sát thường xuyên.
        RegularSupervision = "regular_supervision",
        /// Giám sát chuyên đề.
        ThematicSupervision = "thematic_supervision",
        /// Kiểm tra khi có dấu hiệu vi phạm.
        SignsOfViolation = "signs_of_violation",
        /// Kiểm tra chuyên đề.
        ThematicInspection = "thematic_inspection",
        /// Kiểm tra tài chính.
        Financial = "financial",
        /// Giải quyết tố cáo.
        Denunciation = "denunciation",
    }
}

impl CaseKind {
    /// A case that holds the member's transfer and the end of probation until it closes: an
    /// inspection on signs of violation or a denunciation (domain.md §2.5).
    pub fn holds_member(self) -> bool {
        matches!(self, CaseKind::SignsOfViolation | CaseKind::Denunciation)
    }
}

string_enum! {
    /// A dated step of a case. The message key `case-step-…` names it.
    StepKind ("case-step") {
        /// Quyết định kiểm tra và thành lập đoàn (tổ) kiểm tra.
        Decision = "decision",
        /// Đối tượng báo cáo giải trình.
        SelfReport = "self_report",
        /// Đoàn kiểm tra thẩm tra, xác minh.
        Verification = "verification",
        /// Kết luận và thông báo kết luận.
        Conclusion = "conclusion",
        /// Chi bộ họp, biểu quyết đề nghị hình thức kỷ luật.
        BranchVote = "branch_vote",
    }
}

string_enum! {
    /// A penalty (hình thức kỷ luật), lightest first. The message key `penalty-…` names it.
    Penalty ("penalty") {
        /// Khiển trách.
        Reprimand = "khien_trach",
        /// Cảnh cáo.
        Warning = "canh_cao",
        /// Cách chức (a member who holds a post).
        Removal = "cach_chuc",
        /// Khai trừ (a full member).
        Expulsion = "khai_tru",
        /// Giải tán (an organisation).
        Dissolution = "giai_tan",
    }
}

string_enum! {
    /// The body that decides a penalty. The message key `body-…` names it.
    Body ("body") {
        /// Chi bộ.
        Branch = "branch",
        /// Cấp ủy (đảng ủy).
        Committee = "committee",
        /// Ban thường vụ.
        StandingCommittee = "standing_committee",
        /// Ủy ban kiểm tra.
        Commission = "commission",
    }
}

string_enum! {
    /// How a case ended. The message key `case-outcome-…` names it.
    Outcome ("case-outcome") {
        Penalty = "penalty",
        /// Không kỷ luật.
        NoPenalty = "no_penalty",
        /// Hết thời hiệu.
        TimeBarred = "time_barred",
    }
}

string_enum! {
    /// What a complaint's resolution did to the penalty. The message key `complaint-result-…`
    /// names it.
    ComplaintResult ("complaint-result") {
        /// Giữ nguyên.
        Upheld = "upheld",
        /// Thay đổi hình thức kỷ luật.
        Changed = "changed",
        /// Xóa bỏ quyết định kỷ luật.
        Annulled = "annulled",
    }
}

impl Body {
    /// Whether this body may decide `penalty`: a branch only reprimands and warns its own
    /// members (domain.md §8.2); the committees, standing committees and commissions decide
    /// every penalty here — their thresholds by level after 2025 are not confirmed.
    pub fn may_decide(self, penalty: Penalty) -> bool {
        self != Body::Branch || matches!(penalty, Penalty::Reprimand | Penalty::Warning)
    }
}

/// The member a penalty falls on, as the rules tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// A full member (đảng viên chính thức); else on probation.
    pub full: bool,
    /// Holds a post (chức vụ) that cách chức would end.
    pub holds_post: bool,
}

impl Penalty {
    /// Whether the rules allow this penalty for `target` (QĐ 69 Art. 7: probationary members
    /// only reprimand and warning; cách chức only of a member who holds a post; giải tán only
    /// of an organisation).
    pub fn allowed_for(self, target: Target) -> bool {
        match self {
            Penalty::Reprimand | Penalty::Warning => true,
            Penalty::Removal => target.full && target.holds_post,
            Penalty::Expulsion => target.full,
            Penalty::Dissolution => false,
        }
    }

    /// The rule giving the limitation period of the violation this penalty answers, or none
    /// for expulsion (QĐ 102 Art. 3: no limit).
    pub fn limitation(self) -> Option<RuleId> {
        match self {
            Penalty::Reprimand => Some(RuleId::LimitationReprimandYears),
            Penalty::Warning | Penalty::Removal => Some(RuleId::LimitationWarningYears),
            Penalty::Expulsion | Penalty::Dissolution => None,
        }
    }
}

/// A vote of a deciding body or a branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Vote {
    pub yes: i64,
    pub no: i64,
    pub abstain: i64,
    /// The base the threshold counts on: the body's members, or the branch's full members.
    pub base: i64,
}

impl Vote {
    /// The counts are whole and fit the base.
    pub fn check(&self, prefix: &str, e: &mut FieldErrors) {
        if self.base <= 0 || self.base > 100_000 {
            e.add(&format!("{prefix}voters"), "err-number");
        }
        for (f, n) in [("in_favour", self.yes), ("against", self.no), ("abstaining", self.abstain)] {
            if n < 0 {
                e.add(&format!("{prefix}{f}"), "err-number");
            }
        }
        if self.yes + self.no + self.abstain > self.base {
            e.add(&format!("{prefix}in_favour"), "err-vote-over-base");
        }
    }
}

/// The last day a penalty may still be decided for a violation that ended on `ended`: the
/// period of the rule in force that day, plus the days the case was deferred (QĐ 102 Art. 5);
/// none when the penalty has no limit.
pub fn limitation_end(penalty: Penalty, ended: NaiveDate, deferred_days: i64, book: &RuleBook) -> Option<NaiveDate> {
    let rule = penalty.limitation()?;
    let years = u32::try_from(book.number(rule, ended)).unwrap_or(0);
    let end = ended.checked_add_months(Months::new(years * 12))?;
    end.checked_add_signed(chrono::Duration::days(deferred_days.max(0)))
}

/// The last day to file a complaint against a decision received on `received` (the Statute's
/// month, read in working days).
pub fn complaint_filing_end(received: NaiveDate, book: &RuleBook, cal: &WorkCalendar) -> NaiveDate {
    cal.add_working_days(received, book.number(RuleId::ComplaintFilingWd, received))
}

/// The day a complaint filed on `filed` must be resolved by.
pub fn complaint_resolve_by(filed: NaiveDate, book: &RuleBook, cal: &WorkCalendar) -> NaiveDate {
    cal.add_working_days(filed, book.number(RuleId::ComplaintResolveWd, filed))
}

/// Checks a decision's vote: the deciding body's majority (QĐ 69 Art. 15), and for expulsion
/// the branch's proposal by at least two thirds of its full members.
pub fn check_votes(penalty: Penalty, body: Vote, branch: Option<Vote>, on: NaiveDate, book: &RuleBook, e: &mut FieldErrors) {
    if !book.get(RuleId::DisciplineVote, on).value.passes(body.yes, body.base) {
        e.add("in_favour", "err-discipline-vote");
    }
    if penalty == Penalty::Expulsion {
        match branch {
            None => e.add("penalty", "err-expulsion-no-branch-vote"),
            Some(v) if !book.get(RuleId::ExpulsionBranchVote, on).value.passes(v.yes, v.base) => e.add("penalty", "err-expulsion-branch-vote"),
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn penalties_follow_the_target() {
        let probationary = Target { full: false, holds_post: true };
        let full = Target { full: true, holds_post: false };
        assert!(Penalty::Warning.allowed_for(probationary));
        assert!(!Penalty::Expulsion.allowed_for(probationary));
        assert!(!Penalty::Removal.allowed_for(full), "cách chức needs a post");
        assert!(Penalty::Removal.allowed_for(Target { full: true, holds_post: true }));
        assert!(!Penalty::Dissolution.allowed_for(full));
    }

    #[test]
    fn limitation_counts_from_the_violation_plus_deferral() {
        let book = RuleBook::new(Vec::new());
        assert_eq!(limitation_end(Penalty::Reprimand, d(2018, 3, 1), 0, &book), Some(d(2023, 3, 1)));
        assert_eq!(limitation_end(Penalty::Removal, d(2018, 3, 1), 10, &book), Some(d(2028, 3, 11)));
        assert_eq!(limitation_end(Penalty::Expulsion, d(2018, 3, 1), 0, &book), None);
    }

    #[test]
    fn expulsion_needs_two_thirds_of_the_branch() {
        let book = RuleBook::new(Vec::new());
        let body = Vote { yes: 5, no: 2, abstain: 0, base: 7 };
        let mut e = FieldErrors::new();
        check_votes(Penalty::Expulsion, body, Some(Vote { yes: 19, no: 11, abstain: 0, base: 30 }), d(2024, 1, 1), &book, &mut e);
        assert!(e.into_result(()).is_err(), "19 of 30 is short of two thirds");
        let mut e = FieldErrors::new();
        check_votes(Penalty::Expulsion, body, Some(Vote { yes: 20, no: 10, abstain: 0, base: 30 }), d(2024, 1, 1), &book, &mut e);
        assert!(e.into_result(()).is_ok());
        let mut e = FieldErrors::new();
        check_votes(Penalty::Reprimand, Vote { yes: 3, no: 3, abstain: 0, base: 6 }, None, d(2024, 1, 1), &book, &mut e);
        assert!(e.into_result(()).is_err(), "half is not more than half");
    }
}
