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

impl TodoRow {
    /// A row for a deadline on a member or candidate read as (id, full_name, org, org_name).
    pub(crate) fn of(d: dangbo_core::todo::Due, subject: &'static str, r: &sqlx::any::AnyRow, today: NaiveDate) -> Result<TodoRow, crate::DbError> {
        use sqlx::Row;
        Ok(TodoRow {
            overdue: d.overdue(today),
            kind: d.kind,
            subject,
            id: r.try_get("id")?,
            full_name: r.try_get("full_name")?,
            org: r.try_get("org")?,
            org_name: r.try_get("org_name")?,
            from: d.from,
            due: d.due,
            rule: d.rule,
            citation: d.citation,
            confirmed: d.confirmed,
            milestone: None,
            unpaid_months: None,
        })
    }
}
