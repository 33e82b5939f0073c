//! Branch meetings (sinh hoạt chi bộ): attendance and its denominator, quorum, votes against the
//! threshold the rules set for their kind, the quality criteria of HD 12-HD/BTCTW, and which
//! months and quarters a branch went without a meeting.

mod input;
mod study;

pub use input::{
    AnswerInput, AttendanceEntry, HoldInput, MeetingInput, NewAnswer, NewHold, NewMeeting, NewProposal, NewSupervisor, NewTask, NewVote, ProposalInput,
    SupervisorInput, TaskInput, VoteInput,
};
pub use study::{AssignmentInput, AssignmentKind, DocumentInput, DocumentKind, NewAssignment, NewDocument};

use crate::error::FieldErrors;
use crate::org::string_enum;
use crate::rules::{RuleBook, RuleId, RuleVersion};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

string_enum! {
    /// The kind of a branch meeting.
    MeetingKind ("meeting-kind") {
        /// Sinh hoạt thường kỳ (monthly).
        Regular = "regular",
        /// Sinh hoạt chuyên đề.
        Thematic = "thematic",
        /// Họp bất thường.
        Extraordinary = "extraordinary",
    }
}

string_enum! {
    MeetingState ("meeting-state") {
        Planned = "planned",
        /// Held: attendance recorded, minutes open for editing.
        Held = "held",
        /// Minutes closed (signed off): no edits, corrections are new dated entries.
        Closed = "closed",
    }
}

string_enum! {
    /// A member's attendance at a meeting.
    Presence ("presence") {
        Present = "present",
        /// Vắng có lý do.
        AbsentExcused = "absent_excused",
        /// Vắng không lý do.
        AbsentUnexcused = "absent_unexcused",
        /// Miễn sinh hoạt (exempted, absent): outside the denominator.
        Exempt = "exempt",
        /// Sinh hoạt tạm thời nơi khác: outside the denominator.
        AttachedElsewhere = "attached_elsewhere",
    }
}

string_enum! {
    /// What a vote decides; the kind sets the threshold and its base.
    VoteKind ("vote-kind") {
        /// Đề nghị kết nạp đảng viên: ≥2/3 of full members.
        Admission = "admission",
        /// Đề nghị công nhận đảng viên chính thức: ≥2/3 of full members.
        Recognition = "recognition",
        /// Nghị quyết, kết luận: more than half of the members.
        Resolution = "resolution",
    }
}

string_enum! {
    /// Where a proposal (kiến nghị, đề xuất) raised at a meeting stands.
    ProposalState ("proposal-state") {
        /// Raised, not yet sent on.
        Raised = "raised",
        /// Forwarded to the competent level, awaiting an answer.
        Forwarded = "forwarded",
        /// Answered, to be reported back at a meeting.
        Answered = "answered",
        /// The answer was reported back at a meeting: closed.
        Reported = "reported",
    }
}

/// The attendance counts of a meeting. The denominator (`eligible`) leaves out members exempted
/// who did not attend and members attached elsewhere; an exempted member who attends counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attendance {
    pub roster: i64,
    pub eligible: i64,
    pub present: i64,
    pub absent_excused: i64,
    pub absent_unexcused: i64,
    pub exempt: i64,
    pub attached_elsewhere: i64,
}

impl Attendance {
    pub fn count<'a>(rows: impl IntoIterator<Item = &'a Presence>) -> Attendance {
        let mut a = Attendance::default();
        for p in rows {
            a.roster += 1;
            match p {
                Presence::Present => a.present += 1,
                Presence::AbsentExcused => a.absent_excused += 1,
                Presence::AbsentUnexcused => a.absent_unexcused += 1,
                Presence::Exempt => a.exempt += 1,
                Presence::AttachedElsewhere => a.attached_elsewhere += 1,
            }
        }
        a.eligible = a.present + a.absent_excused + a.absent_unexcused;
        a
    }

    /// Present as a share of the eligible, in per mille (0 when nobody is eligible).
    pub fn rate_permille(&self) -> i64 {
        if self.eligible == 0 { 0 } else { self.present * 1000 / self.eligible }
    }

    /// Whether enough members are present to decide (the quorum rule in force on `on`).
    pub fn quorum(&self, rules: &RuleBook, on: NaiveDate) -> bool {
        self.eligible > 0 && rules.get(RuleId::MeetingQuorum, on).value.passes(self.present, self.eligible)
    }
}

/// A show-of-hands tally.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tally {
    pub votes_for: i64,
    pub against: i64,
    pub abstain: i64,
}

/// The outcome of a vote as the rules judge it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoteOutcome {
    pub passed: bool,
    /// The members the threshold is taken of.
    pub base: i64,
    pub rule: RuleVersion,
}

/// The rule that sets the threshold of a vote of `kind`.
pub fn vote_rule(kind: VoteKind) -> RuleId {
    match kind {
        VoteKind::Admission => RuleId::AdmissionVote,
        VoteKind::Recognition => RuleId::RecognitionVote,
        VoteKind::Resolution => RuleId::MeetingDecisionVote,
    }
}

/// Judges a vote: refused without quorum or with more votes than members present; otherwise
/// passed or failed against the threshold in force on `on`. Admission and recognition are taken
/// of the full members (`full_eligible`), other decisions of the eligible members.
pub fn judge_vote(kind: VoteKind, tally: Tally, att: &Attendance, full_eligible: i64, rules: &RuleBook, on: NaiveDate) -> Result<VoteOutcome, FieldErrors> {
    if !att.quorum(rules, on) {
        let q = rules.get(RuleId::MeetingQuorum, on);
        let mut e = FieldErrors::new();
        e.add_with("votes_for", "err-meeting-no-quorum", vec![("rule", q.value.text()), ("citation", q.citation.clone())]);
        return Err(e);
    }
    if tally.votes_for < 0 || tally.against < 0 || tally.abstain < 0 {
        return Err(FieldErrors::single("votes_for", "err-votes-range"));
    }
    if tally.votes_for + tally.against + tally.abstain > att.present {
        let mut e = FieldErrors::new();
        e.add_with("votes_for", "err-vote-more-than-present", vec![("present", att.present.to_string())]);
        return Err(e);
    }
    let base = match kind {
        VoteKind::Admission | VoteKind::Recognition => full_eligible,
        VoteKind::Resolution => att.eligible,
    };
    if base <= 0 {
        return Err(FieldErrors::single("kind", "err-vote-no-base"));
    }
    let rule = rules.get(vote_rule(kind), on).clone();
    Ok(VoteOutcome { passed: rule.value.passes(tally.votes_for, base), base, rule })
}

/// What the quality criteria (HD 12-HD/BTCTW) say of one meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Quality {
    pub rate_permille: i64,
    /// Attendance above the share of the rule.
    pub attendance_ok: bool,
    /// No member absent without reason.
    pub no_unexcused: bool,
    /// No member absent with reason more times running (in the year) than the rule allows.
    pub no_long_absence: bool,
    /// The branch committee (or the secretary) prepared the content beforehand.
    pub prepared: bool,
    pub meets: bool,
}

/// Judges one meeting. `longest_excused_run` is the longest run of consecutive "absent with
/// reason" of any member in the year up to and including this meeting.
pub fn quality(att: &Attendance, longest_excused_run: i64, prepared: bool, rules: &RuleBook, on: NaiveDate) -> Quality {
    let attendance_ok = att.eligible > 0 && rules.get(RuleId::QualityAttendance, on).value.passes(att.present, att.eligible);
    let no_unexcused = att.absent_unexcused == 0;
    let no_long_absence = longest_excused_run <= rules.number(RuleId::QualityExcusedRun, on);
    Quality {
        rate_permille: att.rate_permille(),
        attendance_ok,
        no_unexcused,
        no_long_absence,
        prepared,
        meets: attendance_ok && no_unexcused && no_long_absence && prepared,
    }
}

/// The longest run of consecutive `AbsentExcused` in a member's attendance, meeting by meeting.
pub fn longest_excused_run(seq: impl IntoIterator<Item = Presence>) -> i64 {
    let (mut run, mut best) = (0, 0);
    for p in seq {
        match p {
            Presence::AbsentExcused => {
                run += 1;
                best = best.max(run);
            }
            // Exempt or attached elsewhere neither breaks nor extends a run.
            Presence::Exempt | Presence::AttachedElsewhere => {}
            _ => run = 0,
        }
    }
    best
}

/// The months of `year` (1–12) the branch existed in for the whole month, given its life
/// [founded, ended).
pub fn months_alive(year: i32, founded: NaiveDate, ended: Option<NaiveDate>) -> Vec<u32> {
    (1..=12)
        .filter(|&m| {
            let first = NaiveDate::from_ymd_opt(year, m, 1).expect("valid month");
            let last = crate::date::add_months(first, 1).pred_opt().expect("valid date");
            founded <= first && ended.is_none_or(|e| e > last)
        })
        .collect()
}

/// The regularity of one branch in a year: the periods with no meeting among the months it
/// existed in. Regular meetings are due every `regular_months` (the rule; 1: monthly), thematic
/// ones every `thematic_months` (3: quarterly); a period counts only when the branch existed
/// for all of it. Periods are numbered from 1 (month 1–12 for monthly, quarter 1–4 for 3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Regularity {
    pub months_alive: Vec<u32>,
    pub missed_months: Vec<u32>,
    pub missed_quarters: Vec<u32>,
}

/// The periods of `len` months in a year wholly inside `alive`, with the months of each.
fn periods(alive: &[u32], len: u32) -> Vec<(u32, Vec<u32>)> {
    let len = len.clamp(1, 12);
    (1..=12u32.div_ceil(len))
        .map(|p| (p, ((p - 1) * len + 1..=(p * len).min(12)).collect::<Vec<u32>>()))
        .filter(|(_, months)| months.iter().all(|m| alive.contains(m)))
        .collect()
}

pub fn regularity(year: i32, alive: &[u32], held: &[(NaiveDate, MeetingKind)], regular_months: i64, thematic_months: i64) -> Regularity {
    let in_year = |d: &NaiveDate| d.year() == year;
    let any: Vec<u32> = held.iter().filter(|(d, _)| in_year(d)).map(|(d, _)| d.month()).collect();
    let thematic: Vec<u32> = held.iter().filter(|(d, k)| in_year(d) && *k == MeetingKind::Thematic).map(|(d, _)| d.month()).collect();
    let missed = |len: i64, held: &[u32]| -> Vec<u32> {
        periods(alive, len as u32).into_iter().filter(|(_, months)| !months.iter().any(|m| held.contains(m))).map(|(p, _)| p).collect()
    };
    Regularity { months_alive: alive.to_vec(), missed_months: missed(regular_months, &any), missed_quarters: missed(thematic_months, &thematic) }
}

/// The quarter (1–4) of a date.
pub fn quarter(d: NaiveDate) -> u32 {
    (d.month() - 1) / 3 + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use Presence as P;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn exempt_and_attached_members_stay_out_of_the_denominator() {
        let a = Attendance::count(&[P::Present, P::Present, P::AbsentExcused, P::Exempt, P::AttachedElsewhere]);
        assert_eq!((a.roster, a.eligible, a.present), (5, 3, 2));
        assert_eq!(a.rate_permille(), 666);
        assert!(a.quorum(RuleBook::builtin_ref(), d(2019, 5, 1)));
        let half = Attendance::count(&[P::Present, P::AbsentUnexcused]);
        assert!(!half.quorum(RuleBook::builtin_ref(), d(2019, 5, 1)), "exactly half is not more than half");
    }

    #[test]
    fn an_admission_vote_below_two_thirds_of_full_members_fails() {
        let rules = RuleBook::builtin_ref();
        let att = Attendance::count(&[P::Present; 9]);
        let on = d(2019, 5, 1);
        let ok = judge_vote(VoteKind::Admission, Tally { votes_for: 6, against: 3, abstain: 0 }, &att, 9, rules, on).unwrap();
        assert!(ok.passed, "6 of 9 is two thirds");
        let no = judge_vote(VoteKind::Admission, Tally { votes_for: 5, against: 4, abstain: 0 }, &att, 9, rules, on).unwrap();
        assert!(!no.passed);
        assert_eq!(no.base, 9);
        assert!(no.rule.citation.contains("Điều lệ"));
        let res = judge_vote(VoteKind::Resolution, Tally { votes_for: 5, against: 4, abstain: 0 }, &att, 9, rules, on).unwrap();
        assert!(res.passed, "5 of 9 is more than half");
    }

    #[test]
    fn a_vote_is_refused_without_quorum_or_with_more_voters_than_present() {
        let rules = RuleBook::builtin_ref();
        let on = d(2019, 5, 1);
        let thin = Attendance::count(&[P::Present, P::Present, P::AbsentExcused, P::AbsentExcused]);
        let e = judge_vote(VoteKind::Resolution, Tally { votes_for: 2, ..Default::default() }, &thin, 4, rules, on).unwrap_err();
        assert_eq!(e.0["votes_for"].key, "err-meeting-no-quorum");
        let att = Attendance::count(&[P::Present, P::Present, P::Present]);
        let e = judge_vote(VoteKind::Resolution, Tally { votes_for: 3, against: 1, abstain: 0 }, &att, 3, rules, on).unwrap_err();
        assert_eq!(e.0["votes_for"].key, "err-vote-more-than-present");
    }

    #[test]
    fn quality_needs_every_criterion() {
        let rules = RuleBook::builtin_ref();
        let on = d(2019, 5, 1);
        let mut rows = vec![P::Present; 18];
        rows.extend([P::AbsentExcused, P::AbsentExcused]);
        let good = quality(&Attendance::count(&rows), 1, true, rules, on);
        assert!(good.meets, "18 of 20 is 90%");
        assert!(!quality(&Attendance::count(&rows), 1, false, rules, on).meets, "not prepared");
        assert!(!quality(&Attendance::count(&rows), 4, true, rules, on).meets, "absent with reason 4 times running");
        rows[0] = P::AbsentUnexcused;
        assert!(!quality(&Attendance::count(&rows), 1, true, rules, on).no_unexcused);
        let low = [vec![P::Present; 17], vec![P::AbsentExcused; 3]].concat();
        assert!(!quality(&Attendance::count(&low), 1, true, rules, on).attendance_ok, "85% is not above 85%");
    }

    #[test]
    fn excused_runs_are_counted_meeting_by_meeting() {
        assert_eq!(longest_excused_run([P::AbsentExcused, P::AbsentExcused, P::Present, P::AbsentExcused]), 2);
        assert_eq!(longest_excused_run([P::AbsentExcused, P::Exempt, P::AbsentExcused, P::AbsentExcused, P::AbsentExcused]), 4);
    }

    #[test]
    fn missed_months_and_quarters_count_only_months_the_branch_existed() {
        let alive = months_alive(2019, d(2019, 3, 15), Some(d(2019, 11, 1)));
        assert_eq!(alive, vec![4, 5, 6, 7, 8, 9, 10]);
        let held = [(d(2019, 4, 5), MeetingKind::Regular), (d(2019, 5, 5), MeetingKind::Thematic), (d(2019, 7, 5), MeetingKind::Regular)];
        let r = regularity(2019, &alive, &held, 1, 3);
        assert_eq!(r.missed_months, vec![6, 8, 9, 10]);
        // Q2 (April–June) had a thematic meeting; Q3 did not; Q4 was not whole.
        assert_eq!(r.missed_quarters, vec![3]);
        // A rule of one regular meeting every two months: of the whole periods while the branch
        // existed, May–June and July–August met, September–October (period 5) did not.
        assert_eq!(regularity(2019, &alive, &held, 2, 3).missed_months, vec![5]);
    }
}
