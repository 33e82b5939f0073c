//! The admission pipeline (phát triển đảng viên): from quần chúng ưu tú through the awareness
//! class, the dossier, the branch and committee resolutions and the decision to the ceremony,
//! which makes the person a probationary member.
//!
//! Steps are append-only and dated. [`replay`] derives the stage and judges each step by the
//! rules in force on its date: a step out of order, a vote below the threshold, an age outside
//! 18–60 (counted in months) at the branch review or an expired awareness certificate is refused
//! with the rule and its citation; a late decision or ceremony is recorded with a warning.

use crate::calendar::WorkCalendar;
use crate::date;
use crate::error::FieldErrors;
use crate::org::string_enum;
use crate::rules::{RuleBook, RuleId, RuleVersion};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

string_enum! {
    /// Who put the person forward (nguồn giới thiệu).
    Source ("source") {
        /// The branch where the person works or lives.
        Branch = "branch",
        /// Đoàn Thanh niên Cộng sản Hồ Chí Minh.
        YouthUnion = "youth_union",
        /// Công đoàn cơ sở.
        TradeUnion = "trade_union",
        Other = "other",
    }
}

string_enum! {
    /// One step of the admission file.
    StepKind ("step") {
        /// Đơn xin vào Đảng (1-KNĐ).
        Application = "application",
        /// Lý lịch người xin vào Đảng (2-KNĐ).
        Biography = "biography",
        /// Thẩm tra lý lịch completed.
        Verification = "verification",
        /// Giấy giới thiệu (3-KNĐ) or the Youth Union / trade union resolution (4-KNĐ).
        Introduction = "introduction",
        /// Nhận xét của đoàn thể và chi ủy nơi cư trú (5-KNĐ).
        Comments = "comments",
        /// Nghị quyết chi bộ đề nghị kết nạp (6-KNĐ), with the vote.
        BranchResolution = "branch_resolution",
        /// Nghị quyết đảng ủy cơ sở (8-KNĐ).
        CommitteeResolution = "committee_resolution",
        /// Quyết định kết nạp (9-KNĐ).
        Decision = "decision",
        /// Lễ kết nạp: the person becomes a probationary member.
        Ceremony = "ceremony",
        Rejected = "rejected",
        Withdrawn = "withdrawn",
    }
}

string_enum! {
    /// Where a candidate stands.
    Stage ("stage") {
        /// Quần chúng ưu tú, not yet through the awareness class.
        Listed = "listed",
        /// Đã học lớp nhận thức về Đảng.
        Trained = "trained",
        /// Hồ sơ đang lập.
        Dossier = "dossier",
        /// Chi bộ đã có nghị quyết đề nghị.
        BranchProposed = "branch_proposed",
        /// Đảng ủy cơ sở đã có nghị quyết.
        CommitteeProposed = "committee_proposed",
        /// Three votes failed: the case is with the upper level.
        Escalated = "escalated",
        /// Có quyết định kết nạp.
        Decided = "decided",
        /// Đã kết nạp.
        Admitted = "admitted",
        Rejected = "rejected",
        Withdrawn = "withdrawn",
    }
}

impl StepKind {
    /// Steps that belong to the committee, not the branch: its resolution and the admission
    /// decision (Điều lệ Đảng; HD 01-HD/TW §3).
    pub fn is_committee_decision(self) -> bool {
        matches!(self, StepKind::CommitteeResolution | StepKind::Decision)
    }
    /// Steps after which the file cannot go back: the decision (numbered, printed and sent),
    /// the ceremony (the person becomes a member) and closing the file (rejected, withdrawn).
    /// A page asks before recording them.
    pub fn is_irreversible(self) -> bool {
        matches!(self, StepKind::Decision | StepKind::Ceremony | StepKind::Rejected | StepKind::Withdrawn)
    }
}

impl Stage {
    pub fn open(self) -> bool {
        !matches!(self, Stage::Admitted | Stage::Rejected | Stage::Withdrawn)
    }
}

/// The dossier steps a branch resolution needs first.
pub const DOSSIER: &[StepKind] = &[StepKind::Application, StepKind::Biography, StepKind::Verification, StepKind::Introduction, StepKind::Comments];

/// What a step says beyond its kind, date and document number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepData {
    /// Introduction: the introducing members (ids), or the introducing organisation's resolution.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub introducers: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub org_resolution: String,
    /// Branch resolution: votes for, and the full members of the branch (the base).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub votes_for: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_members: Option<i64>,
    /// Decision: who decided.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub issuer: String,
    /// Rejection or withdrawal.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Ceremony: the member record it opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
}

/// A stored step as replay sees it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Step {
    pub id: String,
    pub seq: i64,
    pub kind: StepKind,
    pub effective_on: NaiveDate,
    pub doc_no: Option<String>,
    pub data: StepData,
}

/// A passed awareness class: the certificate date (its validity is a rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Certificate {
    pub issued_on: NaiveDate,
}

/// What replay needs besides the steps.
pub struct Context<'a> {
    pub listed_on: NaiveDate,
    pub birth_date: NaiveDate,
    /// The candidate's branch is under a đảng bộ cơ sở, whose resolution (8-KNĐ) comes next.
    pub needs_committee: bool,
    pub certificates: &'a [Certificate],
    pub rules: &'a RuleBook,
    pub calendar: &'a WorkCalendar,
}

/// A recorded step that broke a deadline: kept, and shown with the rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Warning {
    pub step_id: String,
    pub key: &'static str,
    pub due: NaiveDate,
    pub citation: String,
}

/// The derived state of a candidate.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct State {
    pub stage: Stage,
    pub stage_on: NaiveDate,
    pub failed_votes: i64,
    pub branch_resolution_on: Option<NaiveDate>,
    pub decision_on: Option<NaiveDate>,
    pub decision_no: Option<String>,
    pub member_id: Option<String>,
    pub warnings: Vec<Warning>,
    done: Vec<StepKind>,
    last_on: NaiveDate,
}

impl State {
    pub fn has(&self, k: StepKind) -> bool {
        self.done.contains(&k)
    }
    /// The steps that can come next (what a form offers).
    pub fn next_steps(&self, needs_committee: bool) -> Vec<StepKind> {
        use StepKind as K;
        let mut v: Vec<StepKind> = match self.stage {
            Stage::Listed | Stage::Trained | Stage::Dossier => {
                let mut v = self.missing();
                if v.is_empty() {
                    v.push(K::BranchResolution);
                }
                v
            }
            Stage::BranchProposed if needs_committee => vec![K::CommitteeResolution],
            Stage::BranchProposed | Stage::CommitteeProposed | Stage::Escalated => vec![K::Decision],
            Stage::Decided => vec![K::Ceremony],
            Stage::Admitted | Stage::Rejected | Stage::Withdrawn => return vec![],
        };
        v.extend([K::Rejected, K::Withdrawn]);
        v
    }

    /// The dossier steps still missing.
    pub fn missing(&self) -> Vec<StepKind> {
        DOSSIER.iter().copied().filter(|k| !self.has(*k)).collect()
    }
}

fn rule_error(field: &str, key: &'static str, v: &RuleVersion, extra: Vec<(&'static str, String)>) -> FieldErrors {
    let mut args = vec![("rule", v.citation.clone()), ("value", v.value.text())];
    args.extend(extra);
    let mut e = FieldErrors::new();
    e.add_with(field, key, args);
    e
}

/// The awareness certificate valid on `on`, if any.
pub fn valid_certificate(certs: &[Certificate], rules: &RuleBook, on: NaiveDate) -> Option<(Certificate, NaiveDate)> {
    certs
        .iter()
        .filter(|c| c.issued_on <= on)
        .map(|c| (*c, date::add_months(c.issued_on, rules.number(RuleId::CertificateValidityMonths, c.issued_on) as u32)))
        .filter(|(_, until)| on < *until)
        .max_by_key(|(c, _)| c.issued_on)
}

/// Age in whole months at `on`.
pub fn age_months(birth: NaiveDate, on: NaiveDate) -> i64 {
    use chrono::Datelike;
    let mut m = (on.year() - birth.year()) as i64 * 12 + on.month() as i64 - birth.month() as i64;
    if on.day() < birth.day() {
        m -= 1;
    }
    m
}

impl State {
    fn new(ctx: &Context) -> State {
        let trained = !ctx.certificates.is_empty();
        State {
            stage: if trained { Stage::Trained } else { Stage::Listed },
            stage_on: ctx.listed_on,
            failed_votes: 0,
            branch_resolution_on: None,
            decision_on: None,
            decision_no: None,
            member_id: None,
            warnings: vec![],
            done: vec![],
            last_on: ctx.listed_on,
        }
    }

    /// Judges one more step; on success the state includes it.
    pub fn apply(&mut self, s: &Step, ctx: &Context) -> Result<(), FieldErrors> {
        use StepKind as K;
        let on = s.effective_on;
        if !self.stage.open() {
            return Err(FieldErrors::single("type", "err-step-closed"));
        }
        if on < self.last_on {
            return Err(FieldErrors::single("effective_on", "err-step-before-previous"));
        }
        let to = |st: &mut State, stage: Stage| {
            st.stage = stage;
            st.stage_on = on;
        };
        match s.kind {
            K::Application | K::Biography | K::Verification | K::Introduction | K::Comments => {
                if !matches!(self.stage, Stage::Listed | Stage::Trained | Stage::Dossier) {
                    return Err(FieldErrors::single("type", "err-step-order"));
                }
                if s.kind == K::Introduction && s.data.introducers.is_empty() && s.data.org_resolution.trim().is_empty() {
                    return Err(FieldErrors::single("introducers", "err-required"));
                }
                to(self, Stage::Dossier);
            }
            K::BranchResolution => self.branch_resolution(s, ctx)?,
            K::CommitteeResolution => {
                if !ctx.needs_committee || self.stage != Stage::BranchProposed {
                    return Err(FieldErrors::single("type", "err-step-order"));
                }
                to(self, Stage::CommitteeProposed);
            }
            K::Decision => {
                let ready = match self.stage {
                    Stage::BranchProposed => !ctx.needs_committee,
                    Stage::CommitteeProposed | Stage::Escalated => true,
                    _ => false,
                };
                if !ready {
                    return Err(FieldErrors::single("type", "err-step-order"));
                }
                if let Some(res) = self.branch_resolution_on {
                    let rule = ctx.rules.get(RuleId::AdmissionDecisionWd, res);
                    let due = ctx.calendar.add_working_days(res, rule.value.number());
                    if on > due {
                        self.warnings.push(Warning { step_id: s.id.clone(), key: "warn-decision-late", due, citation: rule.citation.clone() });
                    }
                }
                self.decision_on = Some(on);
                self.decision_no = s.doc_no.clone();
                to(self, Stage::Decided);
            }
            K::Ceremony => {
                if self.stage != Stage::Decided {
                    return Err(FieldErrors::single("type", "err-step-order"));
                }
                let decided = self.decision_on.unwrap_or(on);
                let rule = ctx.rules.get(RuleId::CeremonyWd, decided);
                let due = ctx.calendar.add_working_days(decided, rule.value.number());
                if on > due {
                    self.warnings.push(Warning { step_id: s.id.clone(), key: "warn-ceremony-late", due, citation: rule.citation.clone() });
                }
                self.member_id = s.data.member_id.clone();
                to(self, Stage::Admitted);
            }
            K::Rejected => to(self, Stage::Rejected),
            K::Withdrawn => to(self, Stage::Withdrawn),
        }
        if !self.done.contains(&s.kind) {
            self.done.push(s.kind);
        }
        self.last_on = on;
        Ok(())
    }

    fn branch_resolution(&mut self, s: &Step, ctx: &Context) -> Result<(), FieldErrors> {
        let on = s.effective_on;
        if !matches!(self.stage, Stage::Dossier | Stage::Trained | Stage::Listed) {
            return Err(FieldErrors::single("type", "err-step-order"));
        }
        let missing = self.missing();
        if !missing.is_empty() {
            let names = missing.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(",");
            let mut e = FieldErrors::new();
            e.add_with("type", "err-step-missing", vec![("steps", names)]);
            return Err(e);
        }
        let months = age_months(ctx.birth_date, on);
        let min = ctx.rules.get(RuleId::AdmissionMinAgeMonths, on);
        let max = ctx.rules.get(RuleId::AdmissionMaxAgeMonths, on);
        if months < min.value.number() {
            return Err(rule_error("effective_on", "err-candidate-too-young", min, vec![("years", (min.value.number() / 12).to_string())]));
        }
        if months > max.value.number() {
            return Err(rule_error("effective_on", "err-candidate-too-old", max, vec![("years", (max.value.number() / 12).to_string())]));
        }
        if valid_certificate(ctx.certificates, ctx.rules, on).is_none() {
            let v = ctx.rules.get(RuleId::CertificateValidityMonths, on);
            return Err(rule_error("effective_on", "err-certificate-invalid", v, vec![]));
        }
        let (Some(votes), Some(base)) = (s.data.votes_for, s.data.full_members) else {
            return Err(FieldErrors::single("votes_for", "err-required"));
        };
        if base <= 0 || votes < 0 || votes > base {
            return Err(FieldErrors::single("votes_for", "err-votes-range"));
        }
        let threshold = ctx.rules.get(RuleId::AdmissionVote, on);
        if threshold.value.passes(votes, base) {
            self.branch_resolution_on = Some(on);
            self.stage = Stage::BranchProposed;
        } else {
            self.failed_votes += 1;
            let limit = ctx.rules.get(RuleId::FailedVotesToUpper, on);
            if self.failed_votes >= limit.value.number() {
                self.branch_resolution_on = Some(on);
                self.stage = Stage::Escalated;
            }
        }
        self.stage_on = on;
        Ok(())
    }
}

/// Whether a branch vote passes under the rules in force on `on` (for messages before recording).
pub fn vote_passes(rules: &RuleBook, on: NaiveDate, votes: i64, base: i64) -> (bool, RuleVersion) {
    let v = rules.get(RuleId::AdmissionVote, on).clone();
    (v.value.passes(votes, base), v)
}

/// Replays the steps (in date, then recording order) into the state.
pub fn replay(steps: &[Step], ctx: &Context) -> Result<State, FieldErrors> {
    let mut sorted: Vec<&Step> = steps.iter().collect();
    sorted.sort_by_key(|s| (s.effective_on, s.seq));
    let mut st = State::new(ctx);
    for s in sorted {
        st.apply(s, ctx)?;
    }
    Ok(st)
}

mod input;
pub use input::{CandidateInput, NewCandidate, NewStep, StepInput};

#[cfg(test)]
mod tests;
