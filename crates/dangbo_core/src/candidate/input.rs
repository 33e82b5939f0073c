//! Candidate and step input at the edge: raw fields parsed into commands.

use super::{Source, StepData, StepKind, rule_error, vote_passes};
use crate::error::FieldErrors;
use crate::rules::RuleBook;
use crate::text;
use chrono::NaiveDate;
use serde::Deserialize;

/// Raw input for a new candidate: the person (as for a member) plus the list entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateInput {
    /// The branch that prepares the admission.
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::candidate::Source))]
    pub source: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub listed_on: String,
    #[serde(flatten)]
    pub person: crate::member::MemberInput,
}

/// A parsed candidate command.
#[derive(Debug, Clone)]
pub struct NewCandidate {
    pub org: crate::org::OrgCode,
    pub source: Source,
    pub listed_on: NaiveDate,
    pub person: crate::member::Person,
}

impl CandidateInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewCandidate, FieldErrors> {
        let mut e = FieldErrors::new();
        let org = crate::org::parse_opt_code("org", &Some(self.org.clone()), &mut e);
        if org.is_none() {
            e.add("org", "err-required");
        }
        let source = Source::parse(self.source.trim());
        if source.is_none() {
            e.add("source", "err-choice");
        }
        let listed_on = crate::org::parse_past_date("listed_on", &self.listed_on, today, &mut e);
        let person = crate::member::parse_person(&self.person, today, &mut e);
        if let (Some(p), Some(l)) = (&person, listed_on)
            && p.birth_date >= l
        {
            e.add("birth_date", "err-birth-after-listing");
        }
        match (org, source, listed_on, person) {
            (Some(org), Some(source), Some(listed_on), Some(person)) if e.is_empty() => Ok(NewCandidate { org, source, listed_on, person }),
            _ => Err(e),
        }
    }
}

/// Raw input for one step.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepInput {
    #[serde(default, rename = "type")]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::candidate::StepKind))]
    pub kind: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub effective_on: String,
    #[serde(default)]
    pub doc_no: Option<String>,
    /// Introducing members' ids (a list in JSON; one per form field in a page).
    #[serde(default)]
    pub introducers: Vec<String>,
    #[serde(default)]
    pub org_resolution: Option<String>,
    #[serde(default)]
    pub votes_for: Option<String>,
    #[serde(default)]
    pub full_members: Option<String>,
    /// What the caller says the vote decided ("passed" / "failed"); checked against the rule.
    #[serde(default)]
    pub result: Option<String>,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// A parsed step command (the store adds ids and checks introducers and the ceremony).
#[derive(Debug, Clone)]
pub struct NewStep {
    pub kind: StepKind,
    pub effective_on: NaiveDate,
    pub doc_no: Option<String>,
    pub data: StepData,
    pub claimed_pass: Option<bool>,
}

impl NewStep {
    /// A vote said to have passed must reach the threshold in force on its date.
    pub fn check_claim(&self, rules: &RuleBook) -> Result<(), FieldErrors> {
        if let (StepKind::BranchResolution, Some(true), Some(v), Some(b)) = (self.kind, self.claimed_pass, self.data.votes_for, self.data.full_members) {
            let (passes, rule) = vote_passes(rules, self.effective_on, v, b);
            if !passes {
                return Err(rule_error("result", "err-vote-below-threshold", &rule, vec![("votes", v.to_string()), ("base", b.to_string())]));
            }
        }
        Ok(())
    }
}

impl StepInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewStep, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = StepKind::parse(self.kind.trim());
        if kind.is_none() {
            e.add("type", "err-choice");
        }
        let effective_on = crate::org::parse_past_date("effective_on", &self.effective_on, today, &mut e);
        let clean = |s: &Option<String>| s.as_deref().map(text::clean).unwrap_or_default();
        let number = |name: &str, s: &Option<String>, e: &mut FieldErrors| match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(t) => t.parse::<i64>().ok().or_else(|| {
                e.add(name, "err-number");
                None
            }),
        };
        let votes_for = number("votes_for", &self.votes_for, &mut e);
        let full_members = number("full_members", &self.full_members, &mut e);
        let claimed_pass = match self.result.as_deref().map(str::trim) {
            None | Some("") => None,
            Some("passed") => Some(true),
            Some("failed") => Some(false),
            Some(_) => {
                e.add("result", "err-choice");
                None
            }
        };
        if kind == Some(StepKind::BranchResolution) {
            if votes_for.is_none() && !e.0.contains_key("votes_for") {
                e.add("votes_for", "err-required");
            }
            if full_members.is_none() && !e.0.contains_key("full_members") {
                e.add("full_members", "err-required");
            }
        }
        if matches!(kind, Some(StepKind::Decision | StepKind::BranchResolution | StepKind::CommitteeResolution)) && clean(&self.doc_no).is_empty() {
            e.add("doc_no", "err-required");
        }
        if matches!(kind, Some(StepKind::Rejected | StepKind::Withdrawn)) && clean(&self.reason).is_empty() {
            e.add("reason", "err-required");
        }
        let introducers: Vec<String> = self.introducers.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        let data = StepData {
            introducers,
            org_resolution: clean(&self.org_resolution),
            votes_for,
            full_members,
            issuer: clean(&self.issuer),
            reason: clean(&self.reason),
            member_id: None,
        };
        let doc_no = Some(clean(&self.doc_no)).filter(|s| !s.is_empty());
        match (kind, effective_on) {
            (Some(kind), Some(effective_on)) if e.is_empty() => Ok(NewStep { kind, effective_on, doc_no, data, claimed_pass }),
            _ => Err(e),
        }
    }
}
