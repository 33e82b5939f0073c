//! Adding a member and recording an event on one.

use super::PageForm;
use super::{checked_form, ctx, form_with_errors, input};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::views::{Choice, Ctx, FormView, MemberNewPage, render, render_invalid};
use axum::extract::{OriginalUri, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use dangbo_core::event::EventInput;
use dangbo_core::member::MemberInput;
use dangbo_db::{DbError, Store};
use std::collections::HashMap;

async fn ref_choices(store: &Store, kind: &str, by_code: bool) -> Result<Vec<Choice>, DbError> {
    Ok(store.ref_items(kind).await?.into_iter().map(|r| Choice { value: if by_code { r.code } else { r.name.clone() }, label: r.name }).collect())
}

pub(crate) async fn person_choices(store: &Store) -> Result<crate::views::PersonChoices, WebError> {
    Ok(crate::views::PersonChoices {
        ethnicities: ref_choices(store, "ethnicity", true).await?,
        religions: ref_choices(store, "religion", true).await?,
        education: ref_choices(store, "general_education", false).await?,
        professional: ref_choices(store, "professional", false).await?,
        theory: ref_choices(store, "political_theory", false).await?,
    })
}

async fn new_page(st: &AppState, auth: &PageAuth, c: Ctx, mut form: FormView) -> Result<MemberNewPage, WebError> {
    let branches = super::branch_choices(st, &auth.caller, st.clock.today(), false).await?;
    // A user with one branch never chooses it.
    if let Some([only]) = branches.as_deref()
        && form.value("org").is_empty()
    {
        form.values.insert("org".into(), only.value.clone());
    }
    Ok(MemberNewPage { ctx: c, form, branches, choices: person_choices(&st.store).await? })
}

pub async fn new_form(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let c = ctx(&auth, lang, &uri.to_string());
    let mut values = HashMap::new();
    values.insert("org".to_string(), q.get("org").cloned().unwrap_or_default());
    values.insert("ethnicity".to_string(), "01".to_string());
    values.insert("religion".to_string(), "Không".to_string());
    Ok(render(&new_page(&st, &auth, c, FormView { values, errors: Default::default() }).await?))
}

pub async fn create(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let map = checked_form(&auth, body)?;
    let c = ctx(&auth, lang, &uri.to_string());
    let raw: MemberInput = input(&map)?;
    let result = match raw.parse(st.clock.today()) {
        Ok(new) => st.store.create_member(&auth.caller, new).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/members/{id}")).into_response()),
        Err(DbError::Invalid(e)) => Ok(render_invalid(&new_page(&st, &auth, c.clone(), form_with_errors(&c, map, &e)).await?)),
        Err(e) => Err(e.into()),
    }
}

async fn edit_page(st: &AppState, c: Ctx, id: &str, name: &str, form: FormView) -> Result<crate::views::MemberEditPage, WebError> {
    Ok(crate::views::MemberEditPage { ctx: c, id: id.to_string(), name: name.to_string(), form, choices: person_choices(&st.store).await? })
}

/// The person's details, prefilled, to record a change (an `info_changed` event).
pub async fn edit_form(State(st): State<AppState>, auth: PageAuth, lang: Lang, Path(id): Path<String>) -> Result<Response, WebError> {
    if !auth.caller.can_write() {
        return Err(WebError(crate::error::ErrorKind::Forbidden));
    }
    let m = st.store.member(&auth.caller, &id).await?;
    let p = &m.person;
    let d = dangbo_core::date::display;
    let values: HashMap<String, String> = [
        ("effective_on", d(st.clock.today())),
        ("family_name", p.family_name.clone()),
        ("middle_name", p.middle_name.clone()),
        ("given_name", p.given_name.clone()),
        ("birth_date", d(p.birth_date)),
        ("ethnicity", p.ethnicity.clone()),
        ("religion", p.religion.clone()),
        ("cccd", p.cccd.clone().unwrap_or_default()),
        ("birth_place", p.birth_place.clone()),
        ("home_town", p.home_town.clone()),
        ("residence", p.residence.clone()),
        ("phone", p.phone.clone()),
        ("education", p.education.clone()),
        ("professional", p.professional.clone()),
        ("theory", p.theory.clone()),
        ("occupation", p.occupation.clone()),
    ]
    .into_iter()
    .chain(p.file.entries())
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let c = ctx(&auth, lang, &format!("/members/{id}/edit"));
    Ok(render(&edit_page(&st, c, &id, &m.full_name, FormView { values, errors: Default::default() }).await?))
}

pub async fn edit(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(id): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let mut map = checked_form(&auth, body)?;
    map.insert("type".into(), "info_changed".into());
    let today = st.clock.today();
    let raw: EventInput = input(&map)?;
    let result = match raw.parse(today) {
        Ok(ev) => st.store.record_event(&auth.caller, &id, ev, today).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    match result {
        Ok(ev) => Ok(Redirect::to(&format!("/members/{id}#ev-{ev}")).into_response()),
        Err(DbError::Invalid(e)) => {
            let m = st.store.member(&auth.caller, &id).await?;
            let c = ctx(&auth, lang, &format!("/members/{id}/edit"));
            let form = form_with_errors(&c, map, &e);
            Ok(render_invalid(&edit_page(&st, c, &id, &m.full_name, form).await?))
        }
        Err(e) => Err(e.into()),
    }
}
