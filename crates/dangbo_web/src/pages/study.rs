//! The library of documents passed down (nghị quyết, chỉ thị, hướng dẫn), who under an
//! organisation has studied each, and members' assignments to an area or a topic.

use super::{PageForm, checked_form, choices, ctx, form_with_errors, input};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::views::{Choice, Ctx, FormView, render, render_invalid};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use dangbo_core::date::display;
use dangbo_core::meeting::{AssignmentInput, DocumentInput, DocumentKind};
use dangbo_db::{DbError, DocumentRow};
use std::collections::HashMap;

pub struct DocLine {
    pub id: String,
    pub label: String,
    pub detail: String,
}

fn doc_line(c: &Ctx, d: &DocumentRow) -> DocLine {
    DocLine {
        id: d.id.clone(),
        label: format!("{} {}: {}", c.t(&d.kind.message_key()), d.number, d.title),
        detail: format!("{}, {}", d.issuer, display(d.issued_on)),
    }
}

#[derive(Template)]
#[template(path = "documents.html")]
pub struct DocumentsPage {
    pub ctx: Ctx,
    pub docs: Vec<DocLine>,
    pub kinds: Vec<Choice>,
    pub scope: String,
    pub form: FormView,
}

async fn documents_page(st: &AppState, auth: &PageAuth, c: Ctx, form: FormView) -> Result<DocumentsPage, WebError> {
    let docs = st.store.documents(&auth.caller).await?.iter().map(|d| doc_line(&c, d)).collect();
    Ok(DocumentsPage {
        docs,
        kinds: choices(&c, DocumentKind::ALL, DocumentKind::as_str, DocumentKind::message_key),
        scope: auth.caller.org_code.clone().unwrap_or_default(),
        form,
        ctx: c,
    })
}

pub async fn index(State(st): State<AppState>, auth: PageAuth, lang: Lang) -> Result<Response, WebError> {
    let c = ctx(&auth, lang, "/documents");
    let mut values = HashMap::new();
    values.insert("org".to_string(), auth.caller.org_code.clone().unwrap_or_default());
    Ok(render(&documents_page(&st, &auth, c, FormView { values, errors: Default::default() }).await?))
}

pub async fn create(State(st): State<AppState>, auth: PageAuth, lang: Lang, PageForm(body): PageForm<Vec<(String, String)>>) -> Result<Response, WebError> {
    let map = checked_form(&auth, body)?;
    let result = match input::<DocumentInput>(&map)?.parse(st.clock.today()) {
        Ok(d) => st.store.create_document(&auth.caller, d).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/documents").into_response()),
        Err(DbError::Invalid(e)) => {
            let c = ctx(&auth, lang, "/documents");
            let form = form_with_errors(&c, map, &e);
            Ok(render_invalid(&documents_page(&st, &auth, c, form).await?))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "study.html")]
pub struct StudyPage {
    pub ctx: Ctx,
    pub doc: DocLine,
    pub org: String,
    pub org_name: String,
    /// The organisations to choose from, when few enough for a list.
    pub orgs: Option<Vec<Choice>>,
    pub summary: String,
    pub missing: Vec<(String, String, String)>,
}

/// Who under `org` (default: the caller's scope) has studied the document.
pub async fn report(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let c = ctx(&auth, lang, &format!("/documents/{id}"));
    let code = match q.get("org").cloned().filter(|s| !s.is_empty()).or_else(|| auth.caller.org_code.clone()) {
        Some(code) => code,
        // An admin has no organisation of their own: the document's issuing one.
        None => st.store.document(&auth.caller, &id).await?.org,
    };
    let org = st.store.org(&auth.caller, &code).await?;
    let r = st.store.study_report(&auth.caller, &code, &id).await?;
    let summary = c.i18n.args("study-summary", &[("studied", c.i18n.num(r.studied)), ("members", c.i18n.num(r.members))]);
    let orgs = super::org_choices(&st, &auth.caller, st.clock.today(), &org.code).await?;
    Ok(render(&StudyPage {
        orgs,
        doc: doc_line(&c, &r.document),
        org: org.code,
        org_name: org.name,
        summary,
        missing: r.not_studied.into_iter().take(500).collect(),
        ctx: c,
    }))
}

/// Assigns the member to an area or a topic, from the profile; refused input shows beside the
/// fields of the profile's form.
pub async fn assign(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(id): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let mut map = checked_form(&auth, body)?;
    map.insert("member".into(), id.clone());
    let result = match input::<AssignmentInput>(&map)?.parse(st.clock.today()) {
        Ok(a) => st.store.create_assignment(&auth.caller, a).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/members/{id}#assignments")).into_response()),
        Err(DbError::Invalid(e)) => {
            let profile = st.store.member_profile(&auth.caller, &id, st.clock.today()).await?;
            let c = ctx(&auth, lang, &format!("/members/{id}"));
            let form = form_with_errors(&c, map, &e);
            Ok(render_invalid(&super::members::member_page(c, profile, form)))
        }
        Err(e) => Err(e.into()),
    }
}
