//! One short form per member event (issue 22): the member's page lists what can be recorded,
//! each a button to a form with only that event's fields, a line saying when to use it and
//! which paper comes out. The form posts to `/members/{id}/events` with its kind.

use super::{checked_form, ctx, form_with_errors, input};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::{ErrorKind, WebError};
use crate::i18n::{I18n, Lang};
use crate::views::{Choice, Ctx, FormView, render, render_invalid};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use dangbo_core::event::{EventInput, EventKind};
use dangbo_core::member::Status;
use dangbo_db::{DbError, MemberDetail};
use std::collections::HashMap;

/// How a field is entered.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Text,
    Date,
    Select,
}

/// One field of an event's form.
pub struct EventField {
    pub name: &'static str,
    pub input: Input,
    pub required: bool,
    pub choices: Vec<Choice>,
}

impl EventField {
    pub fn is_select(&self) -> bool {
        self.input == Input::Select
    }
    pub fn kind(&self) -> &'static str {
        if self.input == Input::Date { "date" } else { "text" }
    }
}

/// Where a kind's organisation may be chosen from.
#[derive(Clone, Copy)]
enum OrgPick {
    None,
    /// A branch in the caller's scope (a move inside it).
    Scope,
    /// A branch under the committee above (a letter, an attachment).
    Wider,
}

/// The kinds offered on a member's page, in the order a secretary meets them, with their
/// fields (beyond the date and the basis): (kind, org pick, other fields).
/// A field beyond the organisation: (name, input, required).
type Spec = (&'static str, Input, bool);

const KINDS: &[(EventKind, OrgPick, &[Spec])] = &[
    (EventKind::TransferIssued, OrgPick::Wider, &[("destination", Input::Text, false)]),
    (EventKind::Transferred, OrgPick::Scope, &[]),
    (EventKind::TransferredOut, OrgPick::None, &[("destination", Input::Text, true)]),
    (EventKind::TransferCancelled, OrgPick::None, &[]),
    (EventKind::TempAttached, OrgPick::Wider, &[("until", Input::Date, true), ("purpose", Input::Select, false)]),
    (EventKind::TempReturned, OrgPick::None, &[]),
    (EventKind::HelperAssigned, OrgPick::None, &[("helper", Input::Select, true)]),
    (EventKind::Exempted, OrgPick::None, &[("ground", Input::Select, true)]),
    (EventKind::ExemptionEnded, OrgPick::None, &[]),
    (EventKind::CardIssued, OrgPick::None, &[("card_no", Input::Text, true), ("card_reason", Input::Select, true)]),
    (EventKind::BadgeAwarded, OrgPick::None, &[("years", Input::Text, true), ("badge_no", Input::Text, false)]),
    (EventKind::Recognised, OrgPick::None, &[]),
    (EventKind::Deceased, OrgPick::None, &[]),
    (EventKind::Left, OrgPick::None, &[("reason", Input::Text, true)]),
    (EventKind::StruckOff, OrgPick::None, &[("reason", Input::Text, true)]),
    (EventKind::Expelled, OrgPick::None, &[("reason", Input::Text, true)]),
    (EventKind::Corrected, OrgPick::None, &[("corrects", Input::Select, true)]),
];

/// A kind that fits the member's status: a helper and recognition only during probation, the
/// end of an exemption only for an exempt member; for one who has died, left or gone elsewhere
/// only a posthumous badge (for the dead) and the correction of an earlier entry.
fn fits(kind: EventKind, status: Status) -> bool {
    use EventKind as K;
    if !status.counted() {
        return kind == K::Corrected || (kind == K::BadgeAwarded && status == Status::Deceased);
    }
    match kind {
        K::HelperAssigned | K::Recognised => status == Status::Probationary,
        K::ExemptionEnded => status == Status::Exempt,
        K::Exempted => status != Status::Exempt,
        _ => true,
    }
}

/// A kind the caller may record: a committee's decision only for the committee's staff.
fn offered(can_write: bool, is_committee: bool, kind: EventKind) -> bool {
    can_write && (!kind.is_committee_decision() || is_committee)
}

/// The buttons of the member's page: (href, label, when to use it). A helper and recognition
/// concern probationary members only.
pub(crate) fn actions(i: &I18n, can_write: bool, is_committee: bool, id: &str, status: Status) -> Vec<(String, String, String)> {
    KINDS
        .iter()
        .filter(|(k, _, _)| offered(can_write, is_committee, *k) && fits(*k, status))
        .map(|(k, _, _)| (format!("/members/{id}/events/{}", k.as_str()), i.t(&k.message_key()), i.t(&format!("event-help-{}", k.as_str().replace('_', "-")))))
        .collect()
}

#[derive(Template)]
#[template(path = "member_event.html")]
pub struct EventPage {
    pub ctx: Ctx,
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub title: String,
    pub help: String,
    pub fields: Vec<EventField>,
    pub form: FormView,
}

async fn page(st: &AppState, auth: &PageAuth, c: Ctx, m: &MemberDetail, kind: EventKind, form: FormView) -> Result<EventPage, WebError> {
    let Some((_, pick, rest)) = KINDS.iter().find(|(k, _, _)| *k == kind) else { return Err(WebError(ErrorKind::NotFound)) };
    let i = c.i18n;
    let today = st.clock.today();
    let mut fields = Vec::new();
    let wider = match pick {
        OrgPick::None => None,
        OrgPick::Scope => Some(false),
        OrgPick::Wider => Some(true),
    };
    if let Some(wider) = wider {
        let required = kind != EventKind::TransferIssued;
        fields.push(match super::branch_choices(st, &auth.caller, today, wider).await? {
            // Not the member's own branch: they are moving from it.
            Some(all) => EventField { name: "org", input: Input::Select, required, choices: all.into_iter().filter(|c| c.value != m.org).collect() },
            None => EventField { name: "org", input: Input::Text, required, choices: Vec::new() },
        });
    }
    for (name, input, required) in rest.iter().copied() {
        let choices = match name {
            "purpose" => ["work", "study"].iter().map(|g| Choice { value: g.to_string(), label: i.t(&format!("purpose-{g}")) }).collect(),
            "ground" => {
                ["age_health", "other"].iter().map(|g| Choice { value: g.to_string(), label: i.t(&format!("ground-{}", g.replace('_', "-"))) }).collect()
            }
            "card_reason" => dangbo_core::card::CardReason::ALL.iter().map(|r| Choice { value: r.as_str().into(), label: i.t(&r.message_key()) }).collect(),
            "helper" => st.store.member_profile(&auth.caller, &m.id, today).await?.helpers.into_iter().map(|(value, label)| Choice { value, label }).collect(),
            "corrects" => m
                .events
                .iter()
                .rev()
                .map(|e| Choice {
                    value: e.id.clone(),
                    label: format!("{} — {}", i.date(&e.effective_on), EventKind::parse(&e.kind).map(|k| i.t(&k.message_key())).unwrap_or_default()),
                })
                .collect(),
            _ => Vec::new(),
        };
        fields.push(EventField { name, input, required, choices });
    }
    Ok(EventPage {
        id: m.id.clone(),
        name: m.full_name.clone(),
        kind: kind.as_str(),
        title: i.t(&kind.message_key()),
        help: i.t(&format!("event-help-{}", kind.as_str().replace('_', "-"))),
        fields,
        form,
        ctx: c,
    })
}

/// The form of one kind of event.
pub async fn form(State(st): State<AppState>, auth: PageAuth, lang: Lang, Path((id, kind)): Path<(String, String)>) -> Result<Response, WebError> {
    let kind = EventKind::parse(&kind).filter(|k| KINDS.iter().any(|(x, _, _)| x == k)).ok_or(WebError(ErrorKind::NotFound))?;
    let m = st.store.member(&auth.caller, &id).await?;
    if !offered(auth.caller.can_write(), auth.caller.is_committee(), kind) {
        return Err(WebError(ErrorKind::Forbidden));
    }
    let mut values = HashMap::new();
    values.insert("effective_on".to_string(), dangbo_core::date::display(st.clock.today()));
    let c = ctx(&auth, lang, &format!("/members/{id}/events/{}", kind.as_str()));
    Ok(render(&page(&st, &auth, c, &m, kind, FormView { values, errors: Default::default() }).await?))
}

/// Records the event; refused input comes back on the same short form, the fields in error
/// listed at its top.
pub async fn record(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(id): Path<String>,
    super::PageForm(body): super::PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let map = checked_form(&auth, body)?;
    let today = st.clock.today();
    let raw: EventInput = input(&map)?;
    let result = match raw.parse(today) {
        Ok(ev) => st.store.record_event(&auth.caller, &id, ev, today).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    let errors = match result {
        Ok(ev) => return Ok(Redirect::to(&format!("/members/{id}#ev-{ev}")).into_response()),
        Err(DbError::Invalid(e)) => e,
        Err(e) => return Err(e.into()),
    };
    // Every form posts its own kind; another one was not sent by a page of ours.
    let kind = EventKind::parse(raw.kind.trim()).filter(|k| KINDS.iter().any(|(x, _, _)| x == k)).ok_or(WebError(ErrorKind::BadRequest))?;
    let m = st.store.member(&auth.caller, &id).await?;
    let c = ctx(&auth, lang, &format!("/members/{id}/events/{}", kind.as_str()));
    let form = form_with_errors(&c, map, &errors);
    Ok(render_invalid(&page(&st, &auth, c, &m, kind, form).await?))
}
