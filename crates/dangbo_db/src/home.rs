//! The home page's read model ("hôm nay"): what needs attention in the caller's scope today —
//! the to-do, this month's meeting of the caller's branch, and for a committee the branches
//! that held no meeting last month. Nothing is changed.

use crate::due::TodoRow;
use crate::meetings::MeetingItem;
use crate::{Caller, DbError, Store};
use chrono::{Datelike, NaiveDate};
use dangbo_core::meeting::MeetingKind;
use dangbo_core::org::OrgKind;
use serde::Serialize;

/// The caller's branch and its regular meeting of this month.
#[derive(Debug, Clone, Serialize)]
pub struct BranchMonth {
    pub code: String,
    pub name: String,
    /// The first day of the month.
    pub month: NaiveDate,
    /// This month's regular meeting, planned or held (the latest when there are several).
    pub meeting: Option<MeetingItem>,
}

/// Branches under a committee that held no meeting in a month.
#[derive(Debug, Clone, Serialize)]
pub struct Behind {
    pub month: NaiveDate,
    /// (code, name) of each branch, by code.
    pub branches: Vec<(String, String)>,
    /// Branches expected to meet that month.
    pub of: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Home {
    /// The caller's organisation (none for an admin): code, name.
    pub org: Option<(String, String)>,
    pub todo: Vec<TodoRow>,
    pub branch: Option<BranchMonth>,
    pub behind: Option<Behind>,
}

/// Committees whose home page lists their branches behind on meetings: a province's or the
/// nation's would be thousands of lines, which the meetings report pages instead.
fn lists_behind(kind: OrgKind) -> bool {
    matches!(kind, OrgKind::District | OrgKind::Commune | OrgKind::GrassrootsCommittee | OrgKind::PartialCommittee)
}

impl Store {
    /// What needs attention in the caller's scope on `today`.
    #[tracing::instrument(skip_all)]
    pub async fn home(&self, caller: &Caller, today: NaiveDate) -> Result<Home, DbError> {
        let todo = self.todo(caller, today).await?;
        let Some(code) = caller.org_code.clone() else { return Ok(Home { org: None, todo, branch: None, behind: None }) };
        let org = self.org(caller, &code).await?;
        let month = today.with_day(1).unwrap_or(today);
        let mut home = Home { org: Some((org.code.clone(), org.name.clone())), todo, branch: None, behind: None };
        if org.ended_on.is_some() {
            return Ok(home);
        }
        if org.kind.holds_members() {
            let end = dangbo_core::date::add_months(month, 1).pred_opt().unwrap_or(month);
            let meetings = self.list_meetings(caller, &org.code, month, end).await?;
            let meeting = meetings.into_iter().filter(|m| m.kind == MeetingKind::Regular).max_by_key(|m| m.held_on.unwrap_or(m.planned_on));
            home.branch = Some(BranchMonth { code: org.code, name: org.name, month, meeting });
        } else if lists_behind(org.kind) {
            let last = month.pred_opt().and_then(|d| d.with_day(1)).unwrap_or(month);
            let r = self.meeting_report(caller, &org.code, last.year(), today).await?;
            let expected: Vec<_> = r.branches.iter().filter(|b| b.months_alive.contains(&last.month())).collect();
            let branches = expected.iter().filter(|b| b.missed_months.contains(&last.month())).map(|b| (b.org.clone(), b.org_name.clone())).collect();
            home.behind = Some(Behind { month: last, branches, of: expected.len() as i64 });
        }
        Ok(home)
    }
}
