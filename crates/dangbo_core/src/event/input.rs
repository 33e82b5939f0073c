//! Event input at the edge: the raw fields a form or the API sends, parsed into a command, and
//! the event data built once the store has resolved organisation codes.

use super::{EventData, EventKind};
use crate::error::FieldErrors;
use crate::member::{MemberInput, Person, parse_party, parse_person};
use crate::org::{Basis, OrgCode, parse_basis, parse_past_date};
use chrono::NaiveDate;
use serde::Deserialize;

/// Raw input for recording an event on a member.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventInput {
    #[serde(default, rename = "type")]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::event::EventKind))]
    pub kind: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub effective_on: String,
    /// Target organisation code (transferred, temp_attached, readmitted).
    #[serde(default)]
    pub org: Option<String>,
    #[serde(default)]
    pub destination: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub card_no: Option<String>,
    /// card_issued: first (default), lost, damaged or exchanged.
    #[serde(default)]
    pub card_reason: Option<String>,
    /// temp_attached: the planned end and the purpose ("work" or "study").
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub until: Option<String>,
    #[serde(default)]
    pub purpose: Option<String>,
    /// exempted: the ground ("age_health" or "other").
    #[serde(default)]
    pub ground: Option<String>,
    /// helper_assigned: the helping member's id.
    #[serde(default)]
    pub helper: Option<String>,
    /// badge_awarded: the milestone (30, 40…) and the badge number.
    #[serde(default)]
    pub years: Option<String>,
    #[serde(default)]
    pub badge_no: Option<String>,
    /// corrected: the id of the event being corrected.
    #[serde(default)]
    pub corrects: Option<String>,
    #[serde(default)]
    pub decision_no: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub decision_date: Option<String>,
    #[serde(default)]
    pub issuer: Option<String>,
    /// info_changed: "change" (the new values hold from the date; the default) or "correction"
    /// (the old values were always wrong: the new ones replace their whole history).
    #[serde(default)]
    pub change: Option<String>,
    /// info_changed and readmitted: the person and party fields.
    #[serde(flatten)]
    pub member: MemberInput,
}

/// A parsed event command. Organisation codes are still codes; the store resolves them.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub kind: EventKind,
    pub effective_on: NaiveDate,
    pub org: Option<OrgCode>,
    pub basis: Basis,
    pub input: EventInput,
}

impl EventInput {
    /// The reason of a card's issue: none given is a first card; another text is no reason.
    fn card_reason(&self) -> Option<crate::card::CardReason> {
        match self.card_reason.as_deref().map(str::trim) {
            None | Some("") => Some(crate::card::CardReason::First),
            Some(r) => crate::card::CardReason::parse(r),
        }
    }

    /// Parses the common part. `kind` overrides the input's own type (for corrections).
    pub fn parse(&self, today: NaiveDate) -> Result<NewEvent, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = EventKind::parse(self.kind.trim());
        if kind.is_none() || matches!(kind, Some(EventKind::Admitted | EventKind::TransferredIn)) {
            e.add("type", "err-choice");
        }
        let effective_on = parse_past_date("effective_on", &self.effective_on, today, &mut e);
        let basis = parse_basis(&self.decision_no, &self.decision_date, &self.issuer, today, &mut e);
        let org = crate::org::parse_opt_code("org", &self.org, &mut e);
        if kind.is_some_and(EventKind::needs_org) && org.is_none() {
            e.add("org", "err-required");
        }
        if kind == Some(EventKind::TransferIssued) && org.is_none() && self.destination.as_deref().is_none_or(|s| s.trim().is_empty()) {
            e.add("org", "err-transfer-where");
        }
        if kind == Some(EventKind::CardIssued) && self.card_no.as_deref().is_none_or(|s| s.trim().is_empty()) {
            e.add("card_no", "err-required");
        }
        if kind == Some(EventKind::CardIssued) && self.card_reason().is_none() {
            e.add("card_reason", "err-choice");
        }
        if kind == Some(EventKind::TempAttached) {
            match self.until.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => e.add("until", "err-required"),
                Some(u) if crate::date::parse(u).is_none() => e.add("until", "err-date-invalid"),
                _ => {}
            }
            if !matches!(self.purpose.as_deref().map(str::trim), None | Some("" | "work" | "study")) {
                e.add("purpose", "err-choice");
            }
        }
        if kind == Some(EventKind::HelperAssigned) && self.helper.as_deref().is_none_or(|s| s.trim().is_empty()) {
            e.add("helper", "err-required");
        }
        if kind == Some(EventKind::Exempted) && !matches!(self.ground.as_deref().map(str::trim), None | Some("" | "age_health" | "other")) {
            e.add("ground", "err-choice");
        }
        if kind == Some(EventKind::BadgeAwarded) && self.years.as_deref().and_then(|y| y.trim().parse::<i64>().ok()).is_none_or(|y| !(1..=100).contains(&y)) {
            e.add("years", "err-number");
        }
        if kind == Some(EventKind::Corrected) && self.corrects.as_deref().is_none_or(|s| s.trim().is_empty()) {
            e.add("corrects", "err-required");
        }
        match (kind, effective_on) {
            (Some(kind), Some(effective_on)) if e.is_empty() => Ok(NewEvent { kind, effective_on, org, basis, input: self.clone() }),
            _ => Err(e),
        }
    }
}

impl NewEvent {
    /// Builds the event data of kind `kind` once organisation ids are known. `current` is the
    /// member's person now (for info changes, fields left empty keep their value).
    pub fn data(&self, kind: EventKind, org_id: Option<String>, current: &Person, today: NaiveDate) -> Result<EventData, FieldErrors> {
        let text = |s: &Option<String>| s.as_deref().map(crate::text::clean).unwrap_or_default();
        let target = org_id.clone();
        let org_id = || org_id.clone().ok_or_else(|| FieldErrors::single("org", "err-org-unknown"));
        Ok(match kind {
            EventKind::Recognised => EventData::Recognised {},
            EventKind::Transferred => EventData::Transferred { org_id: org_id()? },
            EventKind::TransferredOut => EventData::TransferredOut { destination: text(&self.input.destination) },
            EventKind::TransferIssued => EventData::TransferIssued { org_id: target, destination: text(&self.input.destination) },
            EventKind::TransferCancelled => EventData::TransferCancelled {},
            EventKind::TempAttached => EventData::TempAttached {
                host_org_id: org_id()?,
                until: self.input.until.as_deref().and_then(crate::date::parse),
                purpose: self.input.purpose.clone().unwrap_or_default().trim().to_string(),
            },
            EventKind::TempReturned => EventData::TempReturned {},
            EventKind::HelperAssigned => EventData::HelperAssigned { helper_id: self.input.helper.clone().unwrap_or_default().trim().to_string() },
            EventKind::Exempted => EventData::Exempted { ground: self.input.ground.clone().unwrap_or_default().trim().to_string() },
            EventKind::ExemptionEnded => EventData::ExemptionEnded {},
            EventKind::StruckOff => EventData::StruckOff { reason: text(&self.input.reason) },
            EventKind::Left => EventData::Left { reason: text(&self.input.reason) },
            EventKind::Expelled => EventData::Expelled { reason: text(&self.input.reason) },
            EventKind::Deceased => EventData::Deceased {},
            EventKind::CardIssued => EventData::CardIssued { card_no: text(&self.input.card_no), reason: self.input.card_reason().unwrap_or_default() },
            EventKind::BadgeAwarded => EventData::BadgeAwarded {
                years: self.input.years.as_deref().and_then(|y| y.trim().parse().ok()).unwrap_or(0),
                badge_no: text(&self.input.badge_no),
            },
            EventKind::Readmitted => {
                let mut e = FieldErrors::new();
                let party = parse_party(&self.input.member, Some(current.birth_date), today, &mut e);
                match party {
                    Some((party, _)) if e.is_empty() => EventData::Readmitted { party, org_id: org_id()? },
                    _ => return Err(e),
                }
            }
            EventKind::InfoChanged => {
                let correction = match self.input.change.as_deref().map(str::trim) {
                    None | Some("") | Some("change") => false,
                    Some("correction") => true,
                    Some(_) => return Err(FieldErrors::single("change", "err-choice")),
                };
                let person = merged_person(&self.input.member, current, today)?;
                if core_changed(current, &person) && self.basis.decision_no.is_none() {
                    return Err(FieldErrors::single("decision_no", "err-core-needs-decision"));
                }
                EventData::InfoChanged { person, correction }
            }
            EventKind::Admitted | EventKind::TransferredIn | EventKind::Corrected => {
                return Err(FieldErrors::single("type", "err-choice"));
            }
        })
    }
}

/// Whether a change touches the member file's core fields — the name, sex and birth date —
/// which change only by the decision of the competent committee that authorises it (QĐ 24
/// §6.2.4: the file is not altered without it); the decision is recorded with the event.
pub fn core_changed(before: &Person, after: &Person) -> bool {
    (before.family_name.as_str(), before.middle_name.as_str(), before.given_name.as_str(), before.sex, before.birth_date)
        != (after.family_name.as_str(), after.middle_name.as_str(), after.given_name.as_str(), after.sex, after.birth_date)
}

/// The person after an info change: given fields replace, empty fields keep the current value.
pub fn merged_person(i: &MemberInput, current: &Person, today: NaiveDate) -> Result<Person, FieldErrors> {
    let keep = |new: &str, old: &str| if new.trim().is_empty() { old.to_string() } else { new.to_string() };
    let keep_opt = |new: &Option<String>, old: &str| Some(keep(new.as_deref().unwrap_or(""), old));
    let merged = MemberInput {
        family_name: keep(&i.family_name, &current.family_name),
        middle_name: keep(&i.middle_name, &current.middle_name),
        given_name: keep(&i.given_name, &current.given_name),
        sex: keep(&i.sex, current.sex.as_str()),
        birth_date: keep(&i.birth_date, &crate::date::iso(current.birth_date)),
        ethnicity: keep_opt(&i.ethnicity, &current.ethnicity),
        religion: keep_opt(&i.religion, &current.religion),
        birth_place: keep_opt(&i.birth_place, &current.birth_place),
        home_town: keep_opt(&i.home_town, &current.home_town),
        residence: keep_opt(&i.residence, &current.residence),
        cccd: keep_opt(&i.cccd, current.cccd.as_deref().unwrap_or("")),
        phone: keep_opt(&i.phone, &current.phone),
        education: keep_opt(&i.education, &current.education),
        professional: keep_opt(&i.professional, &current.professional),
        theory: keep_opt(&i.theory, &current.theory),
        occupation: keep_opt(&i.occupation, &current.occupation),
        file: i.file.over(&current.file),
        ..Default::default()
    };
    let mut e = FieldErrors::new();
    let p = parse_person(&merged, today, &mut e);
    match p {
        Some(p) if e.is_empty() => Ok(p),
        _ => Err(e),
    }
}
