//! A row of the to-do list ("việc cần làm"): a deadline on a candidate, a member or a proposal.
//! The features produce them (`meetings` its proposals due) and `todo` gathers them, so the row
//! sits below both.

use chrono::NaiveDate;
use dangbo_core::rules::RuleId;
use dangbo_core::todo::TodoKind;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TodoRow {
    pub kind: TodoKind,
    /// "candidate" or "member": where the link goes.
    pub subject: &'static str,
    pub id: String,
    pub full_name: String,
    pub org: String,
    pub org_name: String,
    /// The date the rule counts from, and the last day.
    pub from: NaiveDate,
    pub due: NaiveDate,
    pub overdue: bool,
    pub rule: RuleId,
    pub citation: String,
    pub confirmed: bool,
    /// For a badge: the milestone in years.
    pub milestone: Option<i64>,
    /// For fees: the months of the year left unpaid.
    pub unpaid_months: Option<i64>,
}
