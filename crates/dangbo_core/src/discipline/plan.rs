//! The yearly inspection and supervision programme (chương trình kiểm tra, giám sát) of a
//! committee, its inspection commission or a branch: what is inspected or supervised, of whom,
//! when and by which team. Cases opened under an item count as its progress.

use super::CaseKind;
use super::input::{MAX_NOTE, MAX_SUBJECT};
use crate::FieldErrors;
use crate::fee::Month;
use crate::text;
use serde::Deserialize;

/// The most items a programme holds.
pub const MAX_PLAN_ITEMS: usize = 500;

/// An item of the programme, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanItemInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = CaseKind))]
    pub kind: String,
    /// The organisation inspected or supervised (its code; empty: the plan's own).
    #[serde(default)]
    pub target_org: String,
    #[serde(default)]
    pub matter: String,
    /// The months it runs, "MM/YYYY" or "YYYY-MM", within the plan's year.
    #[serde(default)]
    pub from_month: String,
    #[serde(default)]
    pub to_month: String,
    /// Who does it (đoàn, tổ kiểm tra).
    #[serde(default)]
    pub team: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanItem {
    pub kind: CaseKind,
    pub target: Option<String>,
    pub matter: String,
    pub from: Month,
    pub to: Month,
    pub team: String,
}

impl PlanItemInput {
    /// An item of the programme of `year`: its months inside the year, in order.
    pub fn parse(&self, year: i32) -> Result<PlanItem, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = CaseKind::parse(self.kind.trim());
        if kind.is_none() {
            e.add("kind", if self.kind.trim().is_empty() { "err-required" } else { "err-choice" });
        }
        let matter = text::clean(&self.matter);
        if matter.is_empty() {
            e.add("matter", "err-required");
        } else if matter.chars().count() > MAX_SUBJECT {
            e.add("matter", "err-too-long");
        }
        let team = text::clean(&self.team);
        if team.chars().count() > MAX_NOTE {
            e.add("team", "err-too-long");
        }
        let month = |e: &mut FieldErrors, field: &str, s: &str| match Month::parse(s) {
            Some(m) if m.year == year => Some(m),
            Some(_) => {
                e.add(field, "err-plan-month-year");
                None
            }
            None => {
                e.add(field, if s.trim().is_empty() { "err-required" } else { "err-month" });
                None
            }
        };
        let from = month(&mut e, "from_month", &self.from_month);
        let to = month(&mut e, "to_month", &self.to_month);
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            e.add("to_month", "err-date-order");
        }
        let target = text::clean(&self.target_org);
        if target.chars().count() > 64 {
            e.add("target_org", "err-too-long");
        }
        e.into_result(())?;
        Ok(PlanItem {
            kind: kind.expect("checked"),
            target: (!target.is_empty()).then_some(target),
            matter,
            from: from.expect("checked"),
            to: to.expect("checked"),
            team,
        })
    }
}
