//! Founding an organisation and recording a change to one.

use super::PageForm;
use super::{checked_form, choices, ctx, form_with_errors, input};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::{ErrorKind, WebError};
use crate::i18n::Lang;
use crate::views::{Choice, Ctx, FormView, OrgChangePage, OrgNewPage, render, render_invalid};
use axum::extract::{OriginalUri, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use dangbo_core::org::{Field, NewOrgInput, OrgEventInput, OrgKind};
use dangbo_db::DbError;
use std::collections::HashMap;

fn new_page(c: Ctx, parent: Option<(String, String)>, form: FormView) -> OrgNewPage {
    let kinds = choices(&c, OrgKind::ALL, |k| k.as_str(), |k| k.message_key());
    let fields = choices(&c, Field::ALL, |k| k.as_str(), |k| k.message_key());
    OrgNewPage { ctx: c, parent, form, kinds, fields }
}

fn with_parent(parent: Option<&str>) -> FormView {
    let mut values = HashMap::new();
    values.insert("parent".to_string(), parent.unwrap_or("").to_string());
    FormView { values, errors: Default::default() }
}

pub async fn new_form(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    super::committee(&auth)?;
    let org = st.store.org(&auth.caller, &code).await?;
    let c = ctx(&auth, lang, &uri.to_string());
    Ok(render(&new_page(c, Some((org.code.clone(), org.name)), with_parent(Some(&org.code)))))
}

pub async fn new_root_form(auth: PageAuth, lang: Lang, OriginalUri(uri): OriginalUri) -> Result<Response, WebError> {
    if !auth.caller.is_admin() {
        return Err(WebError(ErrorKind::Forbidden));
    }
    Ok(render(&new_page(ctx(&auth, lang, &uri.to_string()), None, with_parent(None))))
}

async fn found(st: AppState, auth: PageAuth, lang: Lang, path: String, parent: Option<String>, body: Vec<(String, String)>) -> Result<Response, WebError> {
    let mut map = checked_form(&auth, body)?;
    // The parent comes from the URL, not from the form.
    map.insert("parent".into(), parent.clone().unwrap_or_default());
    let c = ctx(&auth, lang, &path);
    let raw: NewOrgInput = input(&map)?;
    let result = match raw.parse(st.clock.today()) {
        Ok(new) => st.store.create_org(&auth.caller, new).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    match result {
        Ok(org) => Ok(Redirect::to(&format!("/orgs/{}", org.code)).into_response()),
        Err(DbError::Invalid(e)) => {
            let parent_view = match &parent {
                Some(p) => Some((p.clone(), st.store.org(&auth.caller, p).await?.name)),
                None => None,
            };
            Ok(render_invalid(&new_page(c.clone(), parent_view, form_with_errors(&c, map, &e))))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Path(code): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    super::committee(&auth)?;
    let org = st.store.org(&auth.caller, &code).await?;
    found(st, auth, lang, uri.to_string(), Some(org.code), body).await
}

pub async fn create_root(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    // A root is founded by an admin alone: refused before the form is read.
    if !auth.caller.is_admin() {
        return Err(WebError(ErrorKind::Forbidden));
    }
    found(st, auth, lang, uri.to_string(), None, body).await
}

fn change_kinds(c: &Ctx) -> Vec<Choice> {
    ["renamed", "moved", "merged", "dissolved"].iter().map(|k| Choice { value: k.to_string(), label: c.t(&format!("org-event-{k}")) }).collect()
}

pub async fn change_form(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    super::committee(&auth)?;
    let c = ctx(&auth, lang, &uri.to_string());
    Ok(render(&change_page(&st, &auth, c, &code, FormView::default()).await?))
}

/// The change form with the preview of what the change touches (the reorganisation wizard).
async fn change_page(st: &AppState, auth: &PageAuth, c: crate::views::Ctx, code: &str, form: FormView) -> Result<OrgChangePage, WebError> {
    change_page_confirming(st, auth, c, code, form, false).await
}

async fn change_page_confirming(
    st: &AppState,
    auth: &PageAuth,
    c: crate::views::Ctx,
    code: &str,
    form: FormView,
    confirming: bool,
) -> Result<OrgChangePage, WebError> {
    let org = st.store.org(&auth.caller, code).await?;
    let p = st.store.reorg_preview(&auth.caller, code, st.clock.today()).await?;
    let i = c.i18n;
    Ok(OrgChangePage {
        kinds: change_kinds(&c),
        members: i.count("members-total", p.members),
        probationary: p.probationary.iter().map(|m| (m.id.clone(), format!("{} ({}, {})", m.full_name, m.org_name, i.date(&m.ceremony_date)))).collect(),
        candidates: p.candidates.iter().map(|x| (x.id.clone(), x.full_name.clone(), format!("{}, {}", x.org_name, i.t(&x.stage.message_key())))).collect(),
        ctx: c,
        code: org.code,
        name: org.name,
        form,
        confirming,
    })
}

pub async fn change(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Path(code): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    super::committee(&auth)?;
    let map = checked_form(&auth, body)?;
    let org = st.store.org(&auth.caller, &code).await?;
    let raw: OrgEventInput = input(&map)?;
    // A merger or a dissolution ends the organisation for good: asked once more, on the page
    // of what it moves, before it is written.
    let final_change = matches!(raw.kind.trim(), "merged" | "dissolved");
    let result = match raw.parse(st.clock.today()) {
        Ok(_) if final_change && map.get("confirm").map(String::as_str) != Some("1") => {
            let c = ctx(&auth, lang, &uri.to_string());
            let form = FormView { values: map, errors: Default::default() };
            return Ok(render(&change_page_confirming(&st, &auth, c, &org.code, form, true).await?));
        }
        Ok(ev) => st.store.org_event(&auth.caller, &org.code, ev).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    match result {
        Ok(o) => Ok(Redirect::to(&format!("/orgs/{}", o.code)).into_response()),
        Err(DbError::Invalid(e)) => {
            let c = ctx(&auth, lang, &uri.to_string());
            let form = form_with_errors(&c, map, &e);
            Ok(render_invalid(&change_page(&st, &auth, c, &org.code, form).await?))
        }
        Err(e) => Err(e.into()),
    }
}
