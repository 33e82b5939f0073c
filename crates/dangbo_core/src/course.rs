//! Training courses (lớp bồi dưỡng): the awareness class for candidates (lớp bồi dưỡng nhận
//! thức về Đảng), the new-member course, cadre courses. One model for all of them.

use crate::error::FieldErrors;
use crate::org::{OrgCode, parse_opt_code, parse_past_date, string_enum};
use crate::text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

string_enum! {
    CourseKind ("course-kind") {
        /// Lớp bồi dưỡng nhận thức về Đảng (for quần chúng ưu tú).
        Awareness = "awareness",
        /// Lớp bồi dưỡng đảng viên mới.
        NewMember = "new_member",
        /// Lớp bồi dưỡng bí thư chi bộ.
        Secretary = "secretary",
        /// Lý luận chính trị (sơ cấp, trung cấp, cao cấp).
        Theory = "theory",
        Other = "other",
    }
}

string_enum! {
    /// An enrolment's outcome.
    CourseResult ("course-result") {
        Enrolled = "enrolled",
        Passed = "passed",
        Failed = "failed",
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourseInput {
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = CourseKind))]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub start_date: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub end_date: String,
    #[serde(default)]
    pub provider: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewCourse {
    /// The organising committee.
    pub org: OrgCode,
    pub kind: CourseKind,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub provider: String,
}

impl CourseInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewCourse, FieldErrors> {
        let mut e = FieldErrors::new();
        let org = parse_opt_code("org", &Some(self.org.clone()), &mut e);
        if org.is_none() {
            e.add("org", "err-required");
        }
        let kind = CourseKind::parse(self.kind.trim());
        if kind.is_none() {
            e.add("kind", "err-choice");
        }
        let name = text::clean(&self.name);
        if name.is_empty() {
            e.add("name", "err-required");
        }
        let start = parse_past_date("start_date", &self.start_date, today, &mut e);
        let end = match crate::date::parse(&self.end_date) {
            Some(d) => Some(d),
            None if self.end_date.trim().is_empty() => start,
            None => {
                e.add("end_date", "err-date-invalid");
                None
            }
        };
        if let (Some(s), Some(en)) = (start, end)
            && en < s
        {
            e.add("end_date", "err-period");
        }
        let provider = self.provider.as_deref().map(text::clean).unwrap_or_default();
        match (org, kind, start, end) {
            (Some(org), Some(kind), Some(start_date), Some(end_date)) if e.is_empty() => Ok(NewCourse { org, kind, name, start_date, end_date, provider }),
            _ => Err(e),
        }
    }
}

/// The outcome fields shared by enrolments and participations: the result (default enrolled),
/// the certificate number, and its date (required when passed, not in the future).
fn outcome(
    result: &Option<String>,
    certificate_no: &Option<String>,
    certificate_date: &Option<String>,
    today: NaiveDate,
    e: &mut FieldErrors,
) -> (Option<CourseResult>, Option<String>, Option<NaiveDate>) {
    let result = match result.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(CourseResult::Enrolled),
        Some(s) => CourseResult::parse(s).or_else(|| {
            e.add("result", "err-choice");
            None
        }),
    };
    let date = match certificate_date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => parse_past_date("certificate_date", s, today, e),
    };
    if result == Some(CourseResult::Passed) && date.is_none() && !e.0.contains_key("certificate_date") {
        e.add("certificate_date", "err-required");
    }
    (result, certificate_no.as_deref().map(text::clean).filter(|s| !s.is_empty()), date)
}

/// Enrolling a candidate, or recording their result and certificate.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolmentInput {
    #[serde(default)]
    pub candidate: String,
    #[serde(default)]
    pub result: Option<String>,
    #[serde(default)]
    pub certificate_no: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub certificate_date: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewEnrolment {
    pub candidate_id: String,
    pub result: CourseResult,
    pub certificate_no: Option<String>,
    pub certificate_date: Option<NaiveDate>,
}

impl EnrolmentInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewEnrolment, FieldErrors> {
        let mut e = FieldErrors::new();
        let candidate_id = self.candidate.trim().to_string();
        if candidate_id.is_empty() {
            e.add("candidate", "err-required");
        }
        let (result, certificate_no, certificate_date) = outcome(&self.result, &self.certificate_no, &self.certificate_date, today, &mut e);
        match result {
            Some(result) if e.is_empty() => Ok(NewEnrolment { candidate_id, result, certificate_no, certificate_date }),
            _ => Err(e),
        }
    }
}

/// A member taking part in a course or a contest (a branch secretary at the secretaries' course,
/// a contestant), with the result, the award of a contest, and the certificate.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParticipantInput {
    #[serde(default)]
    pub member: String,
    #[serde(default)]
    pub result: Option<String>,
    /// A contest's award (giải nhất, nhì, ba, khuyến khích), free text.
    #[serde(default)]
    pub award: Option<String>,
    #[serde(default)]
    pub certificate_no: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub certificate_date: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewParticipant {
    pub member_id: String,
    pub result: CourseResult,
    pub award: String,
    pub certificate_no: Option<String>,
    pub certificate_date: Option<NaiveDate>,
}

impl ParticipantInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewParticipant, FieldErrors> {
        let mut e = FieldErrors::new();
        let member_id = self.member.trim().to_string();
        if member_id.is_empty() {
            e.add("member", "err-required");
        }
        let (result, certificate_no, certificate_date) = outcome(&self.result, &self.certificate_no, &self.certificate_date, today, &mut e);
        let award = self.award.as_deref().map(text::clean).unwrap_or_default();
        match result {
            Some(result) if e.is_empty() => Ok(NewParticipant { member_id, result, award, certificate_no, certificate_date }),
            _ => Err(e),
        }
    }
}
