//! A case's inputs as they come from a form or JSON (every field text), parsed into commands.

use super::{Body, CaseKind, ComplaintResult, Outcome, Penalty, StepKind, Vote};
use crate::FieldErrors;
use crate::{date, text};
use chrono::NaiveDate;
use serde::Deserialize;

/// The longest matter and note.
pub const MAX_SUBJECT: usize = 500;
pub const MAX_NOTE: usize = 2_000;
/// The longest document or decision number: the bound every decision number has.
pub const MAX_DOCUMENT_NO: usize = crate::fee::relief::MAX_DECISION_NO;

/// A case to open on a member.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseInput {
    /// The code of the organisation whose commission (or committee) handles the case.
    #[serde(default)]
    pub org: String,
    /// The member's id.
    #[serde(default)]
    pub member: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = CaseKind))]
    pub kind: String,
    #[serde(default)]
    pub matter: String,
    /// The violation's first day (optional) and its last (the limitation runs from it).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub violation_from: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub violation_to: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub opened_on: String,
    /// The item of the programme it carries out (its id), if any.
    #[serde(default)]
    pub plan_item: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    pub member_id: String,
    pub plan_item: Option<String>,
    pub kind: CaseKind,
    pub matter: String,
    pub violation_from: Option<NaiveDate>,
    pub violation_to: NaiveDate,
    pub opened_on: NaiveDate,
}

/// A dated step of a case.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = StepKind))]
    pub kind: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub on: String,
    #[serde(default)]
    pub document_no: String,
    #[serde(default)]
    pub note: String,
    /// A branch's vote: for, against, abstaining, and its full members.
    #[serde(default)]
    pub in_favour: String,
    #[serde(default)]
    pub against: String,
    #[serde(default)]
    pub abstaining: String,
    #[serde(default)]
    pub voters: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStep {
    pub kind: StepKind,
    pub on: NaiveDate,
    pub document_no: Option<String>,
    pub note: String,
    pub vote: Option<Vote>,
}

/// How a case ends.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Outcome))]
    pub outcome: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Penalty>))]
    pub penalty: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Body>))]
    pub body: String,
    #[serde(default)]
    pub in_favour: String,
    #[serde(default)]
    pub against: String,
    #[serde(default)]
    pub abstaining: String,
    /// The deciding body's members.
    #[serde(default)]
    pub voters: String,
    #[serde(default)]
    pub decision_no: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub decision_date: String,
    /// The day the member received the decision (the complaint's month runs from it).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub received_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDecision {
    pub outcome: Outcome,
    /// For a penalty: what, by whom, with which vote.
    pub penalty: Option<(Penalty, Body, Vote)>,
    pub decision_no: Option<String>,
    pub decision_date: NaiveDate,
    pub received_on: Option<NaiveDate>,
}

/// A complaint against a penalty, or its resolution.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub filed_on: String,
    /// The code of the organisation the complaint goes to (the level above).
    #[serde(default)]
    pub to_org: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolutionInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = ComplaintResult))]
    pub result: String,
    /// The penalty that replaces the old one (a change).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Penalty>))]
    pub new_penalty: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub resolved_on: String,
    #[serde(default)]
    pub resolution_no: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub result: ComplaintResult,
    pub new_penalty: Option<Penalty>,
    pub resolved_on: NaiveDate,
    pub resolution_no: String,
}

/// A required date, not after `today`.
fn day(e: &mut FieldErrors, field: &str, s: &str, today: NaiveDate) -> Option<NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        e.add(field, "err-required");
        return None;
    }
    match date::parse(s) {
        None => {
            e.add(field, "err-date");
            None
        }
        Some(d) if d > today => {
            e.add(field, "err-date-future");
            None
        }
        Some(d) => Some(d),
    }
}

fn optional_day(e: &mut FieldErrors, field: &str, s: &str, today: NaiveDate) -> Option<NaiveDate> {
    if s.trim().is_empty() { None } else { day(e, field, s, today) }
}

fn choice<T>(e: &mut FieldErrors, field: &str, s: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
    let s = s.trim();
    let v = parse(s);
    if v.is_none() {
        e.add(field, if s.is_empty() { "err-required" } else { "err-choice" });
    }
    v
}

/// Text cleaned to NFC on one line, at most `max` characters.
fn line(e: &mut FieldErrors, field: &str, s: &str, max: usize, required: bool) -> String {
    let s = text::clean(s);
    if required && s.is_empty() {
        e.add(field, "err-required");
    } else if s.chars().count() > max {
        e.add(field, "err-too-long");
    }
    s
}

fn count(e: &mut FieldErrors, field: &str, s: &str) -> i64 {
    let s = s.trim();
    if s.is_empty() {
        return 0;
    }
    match s.parse::<i64>() {
        Ok(n) if (0..=100_000).contains(&n) => n,
        _ => {
            e.add(field, "err-number");
            0
        }
    }
}

fn vote(e: &mut FieldErrors, yes: &str, no: &str, abstain: &str, base: &str) -> Vote {
    let v = Vote { yes: count(e, "in_favour", yes), no: count(e, "against", no), abstain: count(e, "abstaining", abstain), base: count(e, "voters", base) };
    v.check("", e);
    v
}

impl CaseInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewCase, FieldErrors> {
        let mut e = FieldErrors::new();
        let member_id = line(&mut e, "member", &self.member, 64, true);
        let kind = choice(&mut e, "kind", &self.kind, CaseKind::parse);
        let matter = line(&mut e, "matter", &self.matter, MAX_SUBJECT, true);
        let plan_item = line(&mut e, "plan_item", &self.plan_item, 64, false);
        let violation_from = optional_day(&mut e, "violation_from", &self.violation_from, today);
        let violation_to = day(&mut e, "violation_to", &self.violation_to, today);
        let opened_on = day(&mut e, "opened_on", &self.opened_on, today);
        if let (Some(f), Some(t)) = (violation_from, violation_to)
            && f > t
        {
            e.add("violation_to", "err-date-order");
        }
        if let (Some(t), Some(o)) = (violation_to, opened_on)
            && o < t
        {
            e.add("opened_on", "err-date-order");
        }
        e.into_result(())?;
        Ok(NewCase {
            member_id,
            plan_item: (!plan_item.is_empty()).then_some(plan_item),
            kind: kind.expect("checked"),
            matter,
            violation_from,
            violation_to: violation_to.expect("checked"),
            opened_on: opened_on.expect("checked"),
        })
    }
}

impl StepInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewStep, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = choice(&mut e, "kind", &self.kind, StepKind::parse);
        let on = day(&mut e, "on", &self.on, today);
        let document_no = line(&mut e, "document_no", &self.document_no, MAX_DOCUMENT_NO, false);
        let note = line(&mut e, "note", &self.note, MAX_NOTE, false);
        let vote = (kind == Some(StepKind::BranchVote)).then(|| vote(&mut e, &self.in_favour, &self.against, &self.abstaining, &self.voters));
        e.into_result(())?;
        Ok(NewStep { kind: kind.expect("checked"), on: on.expect("checked"), document_no: (!document_no.is_empty()).then_some(document_no), note, vote })
    }
}

impl DecisionInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewDecision, FieldErrors> {
        let mut e = FieldErrors::new();
        let outcome = choice(&mut e, "outcome", &self.outcome, Outcome::parse);
        let decision_date = day(&mut e, "decision_date", &self.decision_date, today);
        let received_on = optional_day(&mut e, "received_on", &self.received_on, today);
        let is_penalty = outcome == Some(Outcome::Penalty);
        let decision_no = line(&mut e, "decision_no", &self.decision_no, MAX_DOCUMENT_NO, is_penalty);
        let penalty = if is_penalty {
            let p = choice(&mut e, "penalty", &self.penalty, Penalty::parse);
            let b = choice(&mut e, "body", &self.body, Body::parse);
            let v = vote(&mut e, &self.in_favour, &self.against, &self.abstaining, &self.voters);
            p.zip(b).map(|(p, b)| (p, b, v))
        } else {
            None
        };
        if let (Some(r), Some(d)) = (received_on, decision_date)
            && r < d
        {
            e.add("received_on", "err-date-order");
        }
        e.into_result(())?;
        Ok(NewDecision {
            outcome: outcome.expect("checked"),
            penalty,
            decision_no: (!decision_no.is_empty()).then_some(decision_no),
            decision_date: decision_date.expect("checked"),
            received_on,
        })
    }
}

impl ComplaintInput {
    /// The filing date and the receiving organisation's code.
    pub fn parse(&self, today: NaiveDate) -> Result<(NaiveDate, String), FieldErrors> {
        let mut e = FieldErrors::new();
        let filed = day(&mut e, "filed_on", &self.filed_on, today);
        let to = line(&mut e, "to_org", &self.to_org, 64, true);
        e.into_result(())?;
        Ok((filed.expect("checked"), to))
    }
}

impl ResolutionInput {
    pub fn parse(&self, today: NaiveDate) -> Result<Resolution, FieldErrors> {
        let mut e = FieldErrors::new();
        let result = choice(&mut e, "result", &self.result, ComplaintResult::parse);
        let new_penalty = if result == Some(ComplaintResult::Changed) { choice(&mut e, "new_penalty", &self.new_penalty, Penalty::parse) } else { None };
        let resolved_on = day(&mut e, "resolved_on", &self.resolved_on, today);
        let resolution_no = line(&mut e, "resolution_no", &self.resolution_no, MAX_DOCUMENT_NO, true);
        e.into_result(())?;
        Ok(Resolution { result: result.expect("checked"), new_penalty, resolved_on: resolved_on.expect("checked"), resolution_no })
    }
}
