//! Rules as data. Every rule has versions, each with its value, the date it took effect and the
//! regulation it comes from; an event is judged by the version in force on the event's date.
//!
//! The built-in versions ([`builtin`]) are what the sources in `shared/reference/domain.md` say;
//! the store keeps them in a table where an admin adds or corrects versions. Values the sources
//! could not confirm carry `confirmed: false` and say so on the rules page. Rules fixed by the
//! Party Statute itself (probation, minimum age) are `locked`: the register's replay depends on
//! them and no regulation below the Statute can change them.

use crate::org::string_enum;
use chrono::NaiveDate;
use serde::Serialize;

string_enum! {
    /// One rule of the lifecycle. The message key `rule-…` names it.
    RuleId ("rule") {
        AdmissionMinAgeMonths = "admission_min_age_months",
        AdmissionMaxAgeMonths = "admission_max_age_months",
        AdmissionVote = "admission_vote",
        AdmissionDecisionWd = "admission_decision_wd",
        AdmissionDecisionExtensionWd = "admission_decision_extension_wd",
        CeremonyWd = "ceremony_wd",
        IntroducerMonths = "introducer_months",
        CertificateValidityMonths = "certificate_validity_months",
        ProbationMonths = "probation_months",
        RecognitionReviewWd = "recognition_review_wd",
        RecognitionDecisionWd = "recognition_decision_wd",
        RecognitionVote = "recognition_vote",
        FailedVotesToUpper = "failed_votes_to_upper",
        TransferStartWd = "transfer_start_wd",
        TransferPresentWd = "transfer_present_wd",
        TempTransferMinMonths = "temp_transfer_min_months",
        TempTransferMaxMonths = "temp_transfer_max_months",
        StudyTransferMaxMonths = "study_transfer_max_months",
        StrikeOffUnpaidMonths = "strike_off_unpaid_months",
        StrikeOffNoProgressMonths = "strike_off_no_progress_months",
        ReadmissionWaitMonths = "readmission_wait_months",
        ReadmissionMaxTimes = "readmission_max_times",
        BadgeMilestones = "badge_milestones",
        BadgeEarlyMonths = "badge_early_months",
        BadgeEarlyMonthsLong = "badge_early_months_long",
        ExemptionAgeMen = "exemption_age_men",
        ExemptionAgeWomen = "exemption_age_women",
        MeetingQuorum = "meeting_quorum",
        MeetingDecisionVote = "meeting_decision_vote",
        RegularMeetingMonths = "regular_meeting_months",
        ThematicMeetingMonths = "thematic_meeting_months",
        QualityAttendance = "quality_attendance",
        QualityExcusedRun = "quality_excused_run",
        ProposalAnswerWd = "proposal_answer_wd",
        PlanningPerTitle = "planning_per_title",
        PlanningTitlesPerCadre = "planning_titles_per_cadre",
        PlanningYoungAge = "planning_young_age",
        PlanningYoungShare = "planning_young_share",
        PlanningWomenShare = "planning_women_share",
        FeeInsuredRate = "fee_insured_rate",
        FeeLeaveRate = "fee_leave_rate",
        FeePensionerRate = "fee_pensioner_rate",
        FeeStudentAmount = "fee_student_amount",
        FeeFarmerAmount = "fee_farmer_amount",
        FeeFreeWorkerAmount = "fee_free_worker_amount",
        FeeAbroadAmount = "fee_abroad_amount",
        FeeOtherAmount = "fee_other_amount",
        FeeRounding = "fee_rounding",
        FeeExemptPartyYears = "fee_exempt_party_years",
        FeeReductionPercents = "fee_reduction_percents",
        FeeReductionMaxMonths = "fee_reduction_max_months",
        FeeKeepBranch = "fee_keep_branch",
        FeeKeepCommune = "fee_keep_commune",
        FeeKeepGrassroots = "fee_keep_grassroots",
        FeeKeepUpper = "fee_keep_upper",
        RatingBands = "rating_bands",
        RatingExcellentQuota = "rating_excellent_quota",
        RatingNotDoneYears = "rating_not_done_years",
        RatingDisciplinedNotDone = "rating_disciplined_not_done",
        DisciplineVote = "discipline_vote",
        ExpulsionBranchVote = "expulsion_branch_vote",
        LimitationReprimandYears = "limitation_reprimand_years",
        LimitationWarningYears = "limitation_warning_years",
        ComplaintFilingWd = "complaint_filing_wd",
        ComplaintResolveWd = "complaint_resolve_wd",
    }
}

string_enum! {
    /// How a rule's value reads.
    Unit ("unit") {
        Months = "months",
        WorkingDays = "working_days",
        Years = "years",
        Count = "count",
        /// A vote threshold: "≥2/3" (at least) or ">1/2" (more than).
        Share = "share",
        /// A list of years, e.g. badge milestones.
        YearList = "year_list",
        /// An amount in đồng.
        Vnd = "vnd",
        /// A rate in hundredths of a percent (1% = 100).
        BasisPoints = "basis_points",
        /// A list of percentages, e.g. the reductions a decision may grant.
        PercentList = "percent_list",
    }
}

impl RuleId {
    pub fn unit(self) -> Unit {
        use RuleId as R;
        match self {
            R::AdmissionMinAgeMonths
            | R::AdmissionMaxAgeMonths
            | R::IntroducerMonths
            | R::CertificateValidityMonths
            | R::ProbationMonths
            | R::TempTransferMinMonths
            | R::TempTransferMaxMonths
            | R::StudyTransferMaxMonths
            | R::StrikeOffUnpaidMonths
            | R::StrikeOffNoProgressMonths
            | R::ReadmissionWaitMonths
            | R::BadgeEarlyMonths
            | R::BadgeEarlyMonthsLong
            | R::RegularMeetingMonths
            | R::ThematicMeetingMonths
            | R::FeeReductionMaxMonths => Unit::Months,
            R::AdmissionDecisionWd | R::AdmissionDecisionExtensionWd | R::CeremonyWd | R::RecognitionReviewWd | R::RecognitionDecisionWd => Unit::WorkingDays,
            R::TransferStartWd | R::TransferPresentWd => Unit::WorkingDays,
            R::ProposalAnswerWd => Unit::WorkingDays,
            R::AdmissionVote | R::RecognitionVote | R::MeetingQuorum | R::MeetingDecisionVote | R::QualityAttendance => Unit::Share,
            R::PlanningYoungShare | R::PlanningWomenShare => Unit::Share,
            R::FailedVotesToUpper | R::ReadmissionMaxTimes | R::QualityExcusedRun => Unit::Count,
            R::PlanningPerTitle | R::PlanningTitlesPerCadre => Unit::Count,
            R::PlanningYoungAge => Unit::Years,
            R::BadgeMilestones => Unit::YearList,
            R::ExemptionAgeMen | R::ExemptionAgeWomen | R::FeeExemptPartyYears => Unit::Years,
            R::FeeInsuredRate | R::FeeLeaveRate | R::FeePensionerRate => Unit::BasisPoints,
            R::FeeKeepBranch | R::FeeKeepCommune | R::FeeKeepGrassroots | R::FeeKeepUpper => Unit::BasisPoints,
            R::FeeReductionPercents | R::RatingBands => Unit::PercentList,
            R::RatingExcellentQuota => Unit::BasisPoints,
            R::RatingNotDoneYears | R::RatingDisciplinedNotDone => Unit::Count,
            R::DisciplineVote | R::ExpulsionBranchVote => Unit::Share,
            R::LimitationReprimandYears | R::LimitationWarningYears => Unit::Years,
            R::ComplaintFilingWd | R::ComplaintResolveWd => Unit::WorkingDays,
            R::FeeStudentAmount | R::FeeFarmerAmount | R::FeeFreeWorkerAmount | R::FeeAbroadAmount | R::FeeOtherAmount | R::FeeRounding => Unit::Vnd,
        }
    }

    /// Fixed by the Party Statute: shown, not editable.
    pub fn locked(self) -> bool {
        matches!(self, RuleId::ProbationMonths | RuleId::AdmissionMinAgeMonths)
    }
}

/// A rule's value, parsed by its unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum RuleValue {
    Number(i64),
    Share { num: i64, den: i64, strict: bool },
    List(Vec<i64>),
}

impl RuleValue {
    /// Parses the stored text form of a value of `unit`.
    pub fn parse(unit: Unit, s: &str) -> Option<RuleValue> {
        let s = s.trim();
        match unit {
            Unit::Share => {
                let (strict, rest) = if let Some(r) = s.strip_prefix('>').filter(|r| !r.starts_with('=')) {
                    (true, r)
                } else {
                    (false, s.strip_prefix(">=").or_else(|| s.strip_prefix('≥'))?)
                };
                let (n, d) = rest.trim().split_once('/')?;
                let (num, den) = (n.trim().parse::<i64>().ok()?, d.trim().parse::<i64>().ok()?);
                (num > 0 && den > 0 && num <= den).then_some(RuleValue::Share { num, den, strict })
            }
            Unit::YearList | Unit::PercentList => {
                let v: Option<Vec<i64>> = s.split(',').map(|x| x.trim().parse::<i64>().ok().filter(|n| (1..=100).contains(n))).collect();
                v.filter(|v| !v.is_empty() && v.windows(2).all(|w| w[0] < w[1])).map(RuleValue::List)
            }
            Unit::Vnd => s.replace(['.', ' '], "").parse::<i64>().ok().filter(|n| (0..=10_000_000).contains(n)).map(RuleValue::Number),
            _ => s.parse::<i64>().ok().filter(|n| (0..=10_000).contains(n)).map(RuleValue::Number),
        }
    }

    /// The stored (and displayed) text form.
    pub fn text(&self) -> String {
        match self {
            RuleValue::Number(n) => n.to_string(),
            RuleValue::Share { num, den, strict } => format!("{}{num}/{den}", if *strict { ">" } else { "≥" }),
            RuleValue::List(v) => v.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(","),
        }
    }

    pub fn number(&self) -> i64 {
        match self {
            RuleValue::Number(n) => *n,
            _ => 0,
        }
    }

    /// Whether `votes` of `base` reach this threshold (a non-share value never passes).
    pub fn passes(&self, votes: i64, base: i64) -> bool {
        match self {
            RuleValue::Share { num, den, strict: true } => votes * den > base * num,
            RuleValue::Share { num, den, strict: false } => votes * den >= base * num,
            _ => false,
        }
    }
}

/// One version of one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleVersion {
    pub rule: RuleId,
    pub effective_from: NaiveDate,
    pub value: RuleValue,
    pub citation: String,
    /// False when the sources could not confirm the value (shown, editable by an admin).
    pub confirmed: bool,
}

/// Every version of every rule, in force by date.
#[derive(Debug, Clone)]
pub struct RuleBook {
    versions: Vec<RuleVersion>,
}

impl RuleBook {
    /// A book from stored versions; rules with no stored version fall back to the built-in ones.
    pub fn new(mut versions: Vec<RuleVersion>) -> RuleBook {
        for b in builtin() {
            if !versions.iter().any(|v| v.rule == b.rule) {
                versions.push(b);
            }
        }
        versions.sort_by(|a, b| (a.rule.as_str(), a.effective_from).cmp(&(b.rule.as_str(), b.effective_from)));
        RuleBook { versions }
    }

    pub fn builtin() -> RuleBook {
        RuleBook::new(builtin())
    }

    /// The built-in book, built once (the member replay judges by it on every event).
    pub fn builtin_ref() -> &'static RuleBook {
        static BOOK: std::sync::LazyLock<RuleBook> = std::sync::LazyLock::new(RuleBook::builtin);
        &BOOK
    }

    /// The version of `rule` in force on `on` (the earliest version applies to earlier dates).
    pub fn get(&self, rule: RuleId, on: NaiveDate) -> &RuleVersion {
        let mut of_rule = self.versions.iter().filter(|v| v.rule == rule);
        let first = of_rule.clone().next().expect("every rule has a built-in version");
        of_rule.rfind(|v| v.effective_from <= on).unwrap_or(first)
    }

    pub fn number(&self, rule: RuleId, on: NaiveDate) -> i64 {
        self.get(rule, on).value.number()
    }

    pub fn versions(&self) -> &[RuleVersion] {
        &self.versions
    }
}

const fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, day) {
        Some(x) => x,
        None => panic!("invalid rule date"),
    }
}

/// The regimes: the Statute (2011), then the implementing rules in turn.
const STATUTE: (NaiveDate, &str) = (d(2011, 1, 19), "Điều lệ Đảng (2011)");
const QD29: (NaiveDate, &str) = (d(2016, 7, 25), "QĐ 29-QĐ/TW (25/7/2016)");
const QD24: (NaiveDate, &str) = (d(2021, 7, 30), "QĐ 24-QĐ/TW (30/7/2021)");
const QD232: (NaiveDate, &str) = (d(2025, 1, 20), "QĐ 232-QĐ/TW (20/01/2025)");
const QD294: (NaiveDate, &str) = (d(2025, 7, 1), "QĐ 294-QĐ/TW (26/5/2025), hiệu lực 01/7/2025");
const HD01_2016: (NaiveDate, &str) = (d(2016, 9, 20), "HD 01-HD/TW (20/9/2016)");
const HD01_2021: (NaiveDate, &str) = (d(2021, 9, 28), "HD 01-HD/TW (28/9/2021)");
/// The date HD 27-HD/BTCTW (2009) took effect is not known; 1/1/2009 stands for it.
const HD27: (NaiveDate, &str) = (d(2009, 1, 1), "HD 27-HD/BTCTW (2009)");
/// HD 12-HD/BTCTW (06/7/2018) on the quality of branch meetings.
const HD12: (NaiveDate, &str) = (d(2018, 7, 6), "HD 12-HD/BTCTW (06/7/2018)");
/// Planning of cadres: QĐ 50-QĐ/TW (27/12/2021), replaced by QĐ 377-QĐ/TW (08/10/2025).
const QD50: (NaiveDate, &str) = (d(2021, 12, 27), "QĐ 50-QĐ/TW (27/12/2021)");
const QD377: (NaiveDate, &str) = (d(2025, 10, 8), "QĐ 377-QĐ/TW (08/10/2025)");
/// Party fees: QĐ 342-QĐ/TW (28/12/2010), from 1/1/2011; QĐ 01-QĐ/TW (03/02/2026), from the
/// month of February 2026 (one source says in force from 01/02/2026).
const QD342: (NaiveDate, &str) = (d(2011, 1, 1), "QĐ 342-QĐ/TW (28/12/2010)");
const QD01: (NaiveDate, &str) = (d(2026, 2, 1), "QĐ 01-QĐ/TW (03/02/2026)");
/// No regulation found: a default of dangbo, to be set by the committee.
const HD21: (NaiveDate, &str) = (d(2019, 10, 18), "HD 21-HD/BTCTW (18/10/2019)");
const QD366: (NaiveDate, &str) = (d(2025, 8, 30), "QĐ 366-QĐ/TW (30/8/2025)");
/// Discipline (domain.md §8): QĐ 102-QĐ/TW (15/11/2017) on limitation periods, QĐ 30-QĐ/TW
/// (26/7/2016) on complaints, QĐ 69-QĐ/TW (06/7/2022) on penalties and votes, QĐ 124-QĐ/TW
/// (04/10/2023) and QĐ 132-QĐ/TW (08/3/2018) on the review, QĐ 296-QĐ/TW (30/5/2025).
const QD102: (NaiveDate, &str) = (d(2017, 11, 15), "QĐ 102-QĐ/TW (15/11/2017)");
const QD30: (NaiveDate, &str) = (d(2016, 7, 26), "QĐ 30-QĐ/TW (26/7/2016)");
const QD69: (NaiveDate, &str) = (d(2022, 7, 6), "QĐ 69-QĐ/TW (06/7/2022)");
const QD132: (NaiveDate, &str) = (d(2018, 3, 8), "QĐ 132-QĐ/TW (08/3/2018)");
const QD124: (NaiveDate, &str) = (d(2023, 10, 4), "QĐ 124-QĐ/TW (04/10/2023)");
const QD296: (NaiveDate, &str) = (d(2025, 5, 30), "QĐ 296-QĐ/TW (30/5/2025)");
const DEFAULT: (NaiveDate, &str) = (d(2011, 1, 19), "Mặc định của dangbo (chưa tìm thấy quy định)");
const CERTIFICATE: (NaiveDate, &str) = (d(2016, 7, 25), "Mẫu giấy chứng nhận CN-NTVĐ");

/// The built-in rule versions with their citations (domain.md §2.9, §4.2, §12.3).
pub fn builtin() -> Vec<RuleVersion> {
    use RuleId as R;
    // (rule, regime, value, section, confirmed)
    type Row<'a> = (RuleId, (NaiveDate, &'a str), &'a str, &'a str, bool);
    let rows: &[Row] = &[
        (R::AdmissionMinAgeMonths, STATUTE, "216", "Điều 1", true),
        (R::AdmissionMaxAgeMonths, QD29, "720", "mục 1.1", true),
        (R::AdmissionMaxAgeMonths, QD24, "720", "mục 1.1", true),
        (R::AdmissionMaxAgeMonths, QD232, "720", "mục 1.1", true),
        (R::AdmissionMaxAgeMonths, QD294, "720", "mục 1.1", false),
        (R::AdmissionVote, QD24, "≥2/3", "mục 4.2.3; Điều lệ Điều 5.2", true),
        (R::AdmissionVote, QD29, "≥2/3", "Điều lệ Điều 5.2", true),
        (R::AdmissionDecisionWd, QD29, "60", "mục 4.3.1", true),
        (R::AdmissionDecisionWd, QD232, "60", "mục 4.3.1", true),
        (R::AdmissionDecisionWd, QD294, "60", "mục 4.3.1", false),
        (R::AdmissionDecisionExtensionWd, QD29, "30", "mục 4.3.1", true),
        (R::CeremonyWd, QD24, "30", "mục 4.1", true),
        (R::CeremonyWd, QD29, "30", "mục 4.1", false),
        (R::CeremonyWd, QD232, "30", "mục 4.1", true),
        (R::IntroducerMonths, QD24, "12", "mục 3.3", true),
        (R::IntroducerMonths, QD29, "12", "mục 3.3", false),
        (R::CertificateValidityMonths, CERTIFICATE, "60", "thời hạn ghi trên giấy chứng nhận", false),
        (R::ProbationMonths, STATUTE, "12", "Điều 5.1", true),
        (R::RecognitionReviewWd, QD24, "30", "mục 4.2.1", true),
        (R::RecognitionReviewWd, QD29, "30", "mục 4.2.1", false),
        (R::RecognitionDecisionWd, QD29, "30", "mục 4.3.1", true),
        (R::RecognitionVote, QD29, "≥2/3", "Điều lệ Điều 5.2", true),
        (R::FailedVotesToUpper, QD24, "3", "mục 4.2.3", true),
        (R::FailedVotesToUpper, QD29, "3", "mục 4.2.3", false),
        (R::TransferStartWd, QD294, "60", "mục 6.3.1", true),
        (R::TransferStartWd, QD29, "60", "mục 6.3.1", false),
        (R::TransferPresentWd, QD24, "30", "mục 6", true),
        (R::TransferPresentWd, QD29, "30", "mục 6", false),
        (R::TempTransferMinMonths, QD29, "3", "mục 6.4", true),
        (R::TempTransferMaxMonths, QD29, "12", "mục 6.4", true),
        (R::StudyTransferMaxMonths, QD29, "24", "mục 6.4", true),
        (R::StrikeOffUnpaidMonths, QD24, "3", "mục 8.1; Điều lệ Điều 8", true),
        (R::StrikeOffUnpaidMonths, QD29, "3", "mục 8.1; Điều lệ Điều 8", true),
        (R::StrikeOffNoProgressMonths, QD24, "12", "mục 8.1", true),
        (R::StrikeOffNoProgressMonths, QD29, "12", "mục 8.1", true),
        (R::ReadmissionWaitMonths, QD24, "36", "mục 3.5.3", true),
        (R::ReadmissionWaitMonths, QD29, "36", "mục 3.5", false),
        (R::ReadmissionWaitMonths, QD232, "36", "mục 3.5.1", true),
        (R::ReadmissionMaxTimes, QD24, "1", "mục 3.5.4", true),
        (R::ReadmissionMaxTimes, QD29, "1", "mục 3.5", false),
        (R::BadgeMilestones, HD01_2016, "30,40,45,50,55,60,65,70,75,80,85,90", "mục Huy hiệu Đảng", false),
        (R::BadgeMilestones, HD01_2021, "30,40,45,50,55,60,65,70,75,80,85,90", "mục 18", true),
        (R::BadgeEarlyMonths, HD01_2021, "12", "mục 18", true),
        (R::BadgeEarlyMonthsLong, HD01_2021, "24", "mục 18", true),
        (R::ExemptionAgeMen, HD27, "60", "tuổi nghỉ hưu theo Bộ luật Lao động", false),
        (R::ExemptionAgeWomen, HD27, "55", "tuổi nghỉ hưu theo Bộ luật Lao động", false),
        (R::MeetingQuorum, STATUTE, ">1/2", "Điều 10 (nguyên tắc quá nửa); ngưỡng dự họp chưa đối chiếu văn bản", false),
        (R::MeetingDecisionVote, STATUTE, ">1/2", "Điều 10 (quá nửa số thành viên tán thành)", false),
        (R::RegularMeetingMonths, STATUTE, "1", "Điều 24 (họp thường lệ mỗi tháng một lần)", true),
        (R::ThematicMeetingMonths, HD12, "3", "mục sinh hoạt chuyên đề (chưa đối chiếu văn bản gốc)", false),
        (R::QualityAttendance, HD12, ">85/100", "tiêu chí sinh hoạt chi bộ có chất lượng", true),
        (R::QualityExcusedRun, HD12, "3", "tiêu chí sinh hoạt chi bộ có chất lượng", true),
        (R::ProposalAnswerWd, DEFAULT, "30", "thời hạn trả lời kiến nghị", false),
        (R::PlanningPerTitle, QD50, "3", "số người quy hoạch mỗi chức danh (chưa đối chiếu văn bản gốc)", false),
        (R::PlanningPerTitle, QD377, "3", "mỗi chức danh quy hoạch không quá 3 người", true),
        (R::PlanningTitlesPerCadre, QD50, "3", "số chức danh quy hoạch mỗi người (chưa đối chiếu văn bản gốc)", false),
        (R::PlanningTitlesPerCadre, QD377, "3", "mỗi người quy hoạch không quá 3 chức danh cùng cấp", true),
        (R::PlanningYoungAge, QD50, "40", "cán bộ trẻ cấp tỉnh, cấp huyện: dưới 40 tuổi", true),
        (R::PlanningYoungShare, QD50, "≥15/100", "tỷ lệ cán bộ trẻ trong quy hoạch", true),
        (R::PlanningWomenShare, QD50, "≥25/100", "tỷ lệ cán bộ nữ trong quy hoạch", true),
        // Party fees (domain.md §4.1). QĐ 342 for the history, QĐ 01 from February 2026; the
        // amounts of the categories the sources do not give are the committee's to set.
        (R::FeeInsuredRate, QD342, "100", "1% tiền lương, phụ cấp đóng BHXH (cán bộ, công chức, viên chức; bản sao nguồn chưa rõ)", false),
        (R::FeeInsuredRate, QD01, "100", "Điều 3: 1% tiền lương làm căn cứ đóng BHXH bắt buộc của tháng trước", true),
        (R::FeeLeaveRate, QD342, "100", "nghỉ ốm, thai sản hưởng BHXH (chưa đối chiếu văn bản)", false),
        (R::FeeLeaveRate, QD01, "100", "1% trợ cấp ốm đau, thai sản do BHXH chi trả", true),
        (R::FeePensionerRate, QD342, "50", "0,5% lương hưu (chưa đối chiếu văn bản)", false),
        (R::FeePensionerRate, QD01, "50", "0,5% lương hưu (đảng viên hưởng lương hưu không đóng BHXH)", true),
        (R::FeeStudentAmount, QD342, "3000", "học sinh, sinh viên không hưởng lương (chưa đối chiếu văn bản)", false),
        (R::FeeStudentAmount, QD01, "5000", "học sinh, sinh viên: 5.000 đồng/tháng", true),
        (R::FeeFarmerAmount, QD342, "5000", "nông dân (chưa đối chiếu văn bản; cấp ủy đặt)", false),
        (R::FeeFarmerAmount, QD01, "10000", "nông dân (chưa tìm thấy mức trong văn bản; cấp ủy đặt)", false),
        (R::FeeFreeWorkerAmount, QD342, "5000", "lao động tự do (chưa đối chiếu văn bản; cấp ủy đặt)", false),
        (R::FeeFreeWorkerAmount, QD01, "10000", "lao động tự do (chưa tìm thấy mức trong văn bản; cấp ủy đặt)", false),
        (R::FeeAbroadAmount, QD342, "5000", "đảng viên ở nước ngoài (chưa đối chiếu văn bản; cấp ủy đặt)", false),
        (R::FeeAbroadAmount, QD01, "10000", "đảng viên ở nước ngoài (chưa tìm thấy mức trong văn bản; cấp ủy đặt)", false),
        (R::FeeOtherAmount, QD342, "5000", "đối tượng khác (chưa đối chiếu văn bản; cấp ủy đặt)", false),
        (R::FeeOtherAmount, QD01, "10000", "đối tượng khác (chưa tìm thấy mức trong văn bản; cấp ủy đặt)", false),
        (R::FeeRounding, QD342, "1000", "làm tròn đến 1.000 đồng (cách làm phổ biến, chưa đối chiếu văn bản)", false),
        (R::FeeExemptPartyYears, QD342, "50", "miễn đóng khi đủ 50 năm tuổi Đảng (chưa đối chiếu văn bản)", false),
        (R::FeeExemptPartyYears, QD01, "50", "miễn đóng khi đủ 50 năm tuổi Đảng (theo nguồn thứ cấp, cần đối chiếu)", false),
        (R::FeeReductionPercents, QD342, "30,50,70", "giảm 30%, 50% hoặc 70% (chưa đối chiếu văn bản)", false),
        (R::FeeReductionPercents, QD01, "30,50,70", "giảm 30%, 50% hoặc 70% mức đóng (theo nguồn thứ cấp, cần đối chiếu)", false),
        (R::FeeReductionMaxMonths, QD342, "12", "mỗi lần giảm không quá 12 tháng (chưa đối chiếu văn bản)", false),
        (R::FeeReductionMaxMonths, QD01, "12", "mỗi lần giảm không quá 12 tháng (theo nguồn thứ cấp, cần đối chiếu)", false),
        // What each level keeps of the fees (trích giữ lại); the rest goes up. QĐ 01's shares
        // are not found: QĐ 342's are kept until the committee sets them.
        (R::FeeKeepBranch, QD342, "3000", "Điều 6: chi bộ trực thuộc giữ lại 30–50% (đảng ủy cơ sở quyết định trong khung)", true),
        (R::FeeKeepBranch, QD01, "3000", "tỷ lệ trích giữ lại theo QĐ 01 chưa tìm thấy (giữ như QĐ 342)", false),
        (R::FeeKeepCommune, QD342, "9000", "Điều 6: tổ chức cơ sở đảng xã, phường, thị trấn giữ lại 90%", true),
        (R::FeeKeepCommune, QD01, "9000", "tỷ lệ trích giữ lại theo QĐ 01 chưa tìm thấy (giữ như QĐ 342)", false),
        (R::FeeKeepGrassroots, QD342, "7000", "Điều 6: tổ chức cơ sở đảng khác giữ lại 70%", true),
        (R::FeeKeepGrassroots, QD01, "7000", "tỷ lệ trích giữ lại theo QĐ 01 chưa tìm thấy (giữ như QĐ 342)", false),
        (R::FeeKeepUpper, QD342, "5000", "Điều 6: đảng bộ cấp trên cơ sở giữ lại 50%", true),
        (R::FeeKeepUpper, QD01, "5000", "tỷ lệ trích giữ lại theo QĐ 01 chưa tìm thấy (giữ như QĐ 342)", false),
        // The annual review (domain.md §5). The bands apply only where the regime scores.
        (R::RatingBands, QD366, "50,70,90", "Điều 11: HTNV từ 50, HTTNV từ 70, HTXSNV từ 90 điểm", true),
        (R::RatingExcellentQuota, HD21, "2000", "HTXSNV không quá 20% số HTTNV trong mỗi tổ chức cơ sở đảng", true),
        (R::RatingExcellentQuota, QD366, "2000", "tỷ lệ theo QĐ 366 chưa tìm thấy (giữ như HD 21)", false),
        (R::RatingNotDoneYears, QD24, "2", "mục 8.1: hai năm liền vi phạm tư cách đảng viên → xem xét xóa tên (gắn với xếp loại KHTNV là suy luận)", false),
        // 1: a member disciplined in the year is rated KHTNV; 0: the rule does not apply.
        (R::RatingDisciplinedNotDone, QD132, "1", "bị xử lý kỷ luật trong năm → KHTNV (theo nguồn thứ cấp, cần đối chiếu)", false),
        (
            R::RatingDisciplinedNotDone,
            QD124,
            "1",
            "Điều 12 khoản 4.3 điểm d: bị xử lý kỷ luật trong năm đánh giá → KHTNV (trừ trường hợp tự phát hiện và khắc phục xong hậu quả)",
            true,
        ),
        (R::RatingDisciplinedNotDone, QD366, "1", "như QĐ 124 (chưa đối chiếu QĐ 366)", false),
        // Discipline (domain.md §8.2–8.4).
        (R::DisciplineVote, QD69, ">1/2", "Điều 15: quá nửa số đảng viên chính thức hoặc thành viên của tổ chức quyết định", true),
        (R::ExpulsionBranchVote, QD69, "≥2/3", "Điều 15: khai trừ khi ít nhất hai phần ba số đảng viên chính thức của chi bộ đề nghị", true),
        (R::LimitationReprimandYears, QD102, "5", "Điều 3: 5 năm với vi phạm đến mức khiển trách", true),
        (R::LimitationReprimandYears, QD296, "5", "thời hiệu theo QĐ 296 chưa đối chiếu (giữ như QĐ 102)", false),
        (R::LimitationWarningYears, QD102, "10", "Điều 3: 10 năm với vi phạm đến mức cảnh cáo hoặc cách chức", true),
        (R::LimitationWarningYears, QD296, "10", "thời hiệu theo QĐ 296 chưa đối chiếu (giữ như QĐ 102)", false),
        (R::ComplaintFilingWd, STATUTE, "30", "Điều 39: khiếu nại trong một tháng kể từ khi nhận quyết định (tính là 30 ngày làm việc: suy luận)", false),
        (R::ComplaintResolveWd, QD30, "90", "mục 39: cấp tỉnh, huyện và cơ sở giải quyết trong 90 ngày làm việc", true),
        (R::ComplaintResolveWd, QD296, "90", "thời hạn theo QĐ 296 chưa đối chiếu (giữ như QĐ 30)", false),
    ];
    rows.iter()
        .map(|(rule, (from, doc), value, section, confirmed)| RuleVersion {
            rule: *rule,
            effective_from: *from,
            value: RuleValue::parse(rule.unit(), value).expect("built-in rule values parse"),
            citation: format!("{doc}, {section}"),
            confirmed: *confirmed,
        })
        .collect()
}

/// The implementing rules of the Statute in force on `on`, as a decision cites them.
pub fn statute_regime(on: NaiveDate) -> &'static str {
    if on >= QD294.0 {
        "Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương"
    } else if on >= QD232.0 {
        "Quy định số 232-QĐ/TW ngày 20/01/2025 của Ban Chấp hành Trung ương"
    } else if on >= QD24.0 {
        "Quy định số 24-QĐ/TW ngày 30/7/2021 của Ban Chấp hành Trung ương"
    } else {
        "Quy định số 29-QĐ/TW ngày 25/7/2016 của Ban Chấp hành Trung ương"
    }
}

/// The date probation ends and full membership begins: ceremony + 12 months, whatever the
/// date of the decision (QĐ 24 §4.2.2).
pub fn full_membership_date(ceremony: NaiveDate) -> NaiveDate {
    let months = RuleBook::builtin_ref().number(RuleId::ProbationMonths, ceremony);
    crate::date::add_months(ceremony, months as u32)
}

/// The minimum age at admission in full years on `on` (Statute, Article 1).
pub fn admission_min_age_years(on: NaiveDate) -> (u32, String) {
    let v = RuleBook::builtin_ref().get(RuleId::AdmissionMinAgeMonths, on).clone();
    ((v.value.number() / 12) as u32, v.citation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_date_is_ceremony_plus_twelve_months() {
        assert_eq!(full_membership_date(d(2015, 7, 26)), d(2016, 7, 26));
    }

    #[test]
    fn the_version_in_force_follows_the_date() {
        let book = RuleBook::builtin();
        assert!(book.get(RuleId::AdmissionDecisionWd, d(2020, 1, 1)).citation.starts_with("QĐ 29-QĐ/TW"));
        assert!(book.get(RuleId::AdmissionDecisionWd, d(2025, 3, 1)).citation.starts_with("QĐ 232-QĐ/TW"));
        assert!(book.get(RuleId::AdmissionDecisionWd, d(2025, 7, 1)).citation.starts_with("QĐ 294-QĐ/TW"));
        assert!(!book.get(RuleId::AdmissionDecisionWd, d(2025, 7, 1)).confirmed);
        // Before the first version, the first version applies.
        assert!(book.get(RuleId::TransferStartWd, d(2010, 1, 1)).citation.starts_with("QĐ 29-QĐ/TW"));
        for id in RuleId::ALL {
            let _ = book.get(*id, d(2000, 1, 1));
        }
    }

    #[test]
    fn a_stored_version_overrides_from_its_date() {
        let mut v = builtin();
        v.push(RuleVersion { rule: RuleId::CeremonyWd, effective_from: d(2026, 1, 1), value: RuleValue::Number(20), citation: "test".into(), confirmed: true });
        let book = RuleBook::new(v);
        assert_eq!(book.number(RuleId::CeremonyWd, d(2025, 12, 31)), 30);
        assert_eq!(book.number(RuleId::CeremonyWd, d(2026, 1, 1)), 20);
    }

    #[test]
    fn shares_and_lists_parse_and_judge() {
        let two_thirds = RuleValue::parse(Unit::Share, "≥2/3").unwrap();
        assert!(two_thirds.passes(6, 9));
        assert!(!two_thirds.passes(5, 9));
        let half = RuleValue::parse(Unit::Share, ">1/2").unwrap();
        assert!(!half.passes(5, 10));
        assert!(half.passes(6, 10));
        assert_eq!(RuleValue::parse(Unit::Share, ">=2/3"), Some(two_thirds.clone()));
        assert_eq!(two_thirds.text(), "≥2/3");
        assert_eq!(RuleValue::parse(Unit::YearList, "30, 40,45").unwrap().text(), "30,40,45");
        assert!(RuleValue::parse(Unit::YearList, "40,30").is_none());
        assert!(RuleValue::parse(Unit::Months, "abc").is_none());
        assert!(RuleValue::parse(Unit::Share, "3/2").is_none());
    }
}
