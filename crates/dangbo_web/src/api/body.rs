//! The API's response bodies that are its own: envelopes around the store's read models, what a
//! write answers, and the error. Each derives its OpenAPI schema; the read models inside derive
//! theirs in `dangbo_db` (feature `openapi`), and the generated document is compared with the
//! approved copy in `docs/openapi.json`, so a change to either is a reviewed change of the API.

use chrono::NaiveDate;
use dangbo_core::cadre::MoveCategory;
use dangbo_core::calendar::{CalendarDay, DayKind};
use dangbo_core::candidate::{Stage, Warning};
use dangbo_core::member::Status;
use dangbo_core::rules::{RuleId, Unit};
use dangbo_db::{CycleDetail, MeetingDetail, MeetingItem, MoveMatrix, MoveRow, OrgHistoryRow, OrgRow, QualityRow, Seat, TargetRow, TodoRow, VoteRow};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
}

impl<T> From<Vec<T>> for Items<T> {
    fn from(items: Vec<T>) -> Self {
        Items { items }
    }
}

/// What a write that created one thing answers: its id.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

/// An error: a stable code, a message in the caller's language, and a message per invalid field.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `invalid` (with `fields`), `not_found`, `forbidden`, `unauthorized`, `bad_request`, `csrf`,
    /// `rate_limited`, `busy`, `too_large`, `internal`.
    #[schema(example = "invalid")]
    pub code: String,
    pub message: String,
    /// The message for each invalid field, by field name.
    pub fields: BTreeMap<String, String>,
}

/// An organisation with every dated change it went through.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgWithHistory {
    #[serde(flatten)]
    pub org: OrgRow,
    pub history: Vec<OrgHistoryRow>,
}

/// The counts of a subtree on a day.
#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryBody {
    pub code: String,
    pub name: String,
    pub as_of: NaiveDate,
    /// Tổ chức cơ sở đảng: grassroots organisations in the subtree.
    pub grassroots_orgs: i64,
    pub members: MemberCounts,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberCounts {
    pub total: i64,
    /// Đảng viên dự bị.
    pub probationary: i64,
    /// Đảng viên chính thức.
    pub full: i64,
    /// Miễn sinh hoạt: full members exempt from branch work.
    pub exempt: i64,
}

/// Per branch: the register's gaps on a day.
#[derive(Debug, Serialize, ToSchema)]
pub struct QualityReport {
    pub code: String,
    pub as_of: NaiveDate,
    pub items: Vec<QualityRow>,
}

/// A member just added.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedMember {
    pub id: String,
    pub full_name: String,
    pub org: String,
    pub status: Status,
}

/// An event just recorded on a member.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedEvent {
    pub id: String,
    pub member_id: String,
}

/// Everything due in the caller's scope.
#[derive(Debug, Serialize, ToSchema)]
pub struct TodoList {
    pub today: NaiveDate,
    pub items: Vec<TodoRow>,
}

/// A candidate's step just recorded, and where the candidate stands after it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepRecorded {
    pub id: String,
    pub candidate_id: String,
    pub stage: Stage,
    /// The member record the ceremony opened.
    pub member_id: Option<String>,
    pub warnings: Vec<Warning>,
}

/// A version of a rule: its value from a day on, with the text that sets it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleItem {
    pub rule: RuleId,
    pub unit: Unit,
    /// Set by the Party's statutes: an admin may not change it.
    pub locked: bool,
    pub effective_from: NaiveDate,
    pub value: String,
    pub citation: String,
    /// False when the sources could not confirm the value.
    pub confirmed: bool,
}

/// A rule version just set.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleSet {
    pub rule: RuleId,
    pub effective_from: NaiveDate,
    pub value: String,
}

/// The holidays and make-up working days of a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarYear {
    pub year: i32,
    pub days: Vec<CalendarDay>,
}

/// A calendar day just set (`kind` null: cleared).
#[derive(Debug, Serialize, ToSchema)]
pub struct DaySet {
    pub day: NaiveDate,
    pub kind: Option<DayKind>,
}

/// Admission targets and admissions of a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct Targets {
    pub code: String,
    pub year: i32,
    pub items: Vec<TargetRow>,
}

/// A target just set (`target` null: cleared).
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetSet {
    pub code: String,
    pub year: i32,
    pub target: Option<i64>,
}

/// A cadre move just recorded, with the category it falls in.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedMove {
    pub id: String,
    pub category: MoveCategory,
}

/// Cadre moves of a period: the matrix and the moves.
#[derive(Debug, Serialize, ToSchema)]
pub struct MovesReport {
    pub code: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub matrix: MoveMatrix,
    pub items: Vec<MoveRow>,
}

/// A committee's planning cycles on a day.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanningReport {
    pub code: String,
    pub as_of: NaiveDate,
    pub cycles: Vec<CycleDetail>,
}

/// Who held which post in an organisation on a day.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommitteeReport {
    pub code: String,
    pub as_of: NaiveDate,
    pub seats: Vec<Seat>,
}

/// Meetings of a subtree in a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingList {
    pub org: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub items: Vec<MeetingItem>,
}

/// A meeting with the addresses of its papers.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingBody {
    #[serde(flatten)]
    pub meeting: MeetingDetail,
    /// The minutes as a PDF (a draft until closed).
    pub minutes_pdf: String,
    /// The secretary's kit for the meeting, as a PDF.
    pub kit_pdf: String,
}

/// A vote just recorded, with its outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoteRecorded {
    pub id: String,
    pub vote: Option<VoteRow>,
}
