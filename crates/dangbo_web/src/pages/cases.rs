//! Inspection cases on pages, for the inspector role: a subtree's cases, a case opened from the
//! member's page, and the case with its steps, decision and complaint, each a form of its own.
//! To anyone else a case does not exist (404). Readable and usable without JavaScript.

use super::{PageForm, ctx};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::{ErrorKind, WebError};
use crate::i18n::Lang;
use crate::views::{CaseNewPage, CasePage, CasesPage, Choice, Ctx, render, render_invalid};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use dangbo_core::FieldErrors;
use dangbo_core::discipline::{
    Body, CaseInput, CaseKind, ComplaintInput, ComplaintResult, DecisionInput, Outcome, Penalty, ResolutionInput, StepInput, StepKind,
};
use dangbo_db::{Action, DbError};

fn choices<T: Copy>(c: &Ctx, all: &[T], value: impl Fn(T) -> &'static str, key: impl Fn(T) -> String) -> Vec<Choice> {
    all.iter().map(|x| Choice { value: value(*x).into(), label: c.t(&key(*x)) }).collect()
}

fn inspector(auth: &PageAuth) -> Result<(), WebError> {
    if auth.caller.may(Action::Inspect) { Ok(()) } else { Err(WebError(ErrorKind::NotFound)) }
}

/// The cases of a subtree, newest first.
pub async fn list(State(st): State<AppState>, auth: PageAuth, lang: Lang, Path(code): Path<String>) -> Result<Response, WebError> {
    inspector(&auth)?;
    let cases = st.store.cases(&auth.caller, &code).await?;
    let c = ctx(&auth, lang, &format!("/orgs/{code}/cases"));
    let rows = cases
        .iter()
        .map(|k| {
            let state = match k.outcome {
                Some(o) => format!("{} {}", c.t(&o.message_key()), k.closed_on.map(|d| c.i18n.date(&d)).unwrap_or_default()),
                None => c.t("case-open"),
            };
            (format!("/cases/{}", k.id), c.i18n.date(&k.opened_on), k.full_name.clone(), c.t(&k.kind.message_key()), state)
        })
        .collect();
    Ok(render(&CasesPage { ctx: c, code, rows }))
}

fn new_page(c: Ctx, id: &str, name: String, input: CaseInput, plan_items: Vec<Choice>, errors: Vec<String>) -> CaseNewPage {
    CaseNewPage { kinds: case_kinds(&c), ctx: c, id: id.to_string(), name, input, plan_items, errors }
}

/// The items of this year's programme of the inspector's organisation, to file a case under.
async fn plan_items(st: &AppState, auth: &PageAuth) -> Result<Vec<Choice>, WebError> {
    let Some(org) = &auth.caller.org_code else { return Ok(Vec::new()) };
    let year = chrono::Datelike::year(&st.clock.today());
    let plan = st.store.inspection_plan(&auth.caller, org, year).await?;
    Ok(plan.items.into_iter().map(|x| Choice { value: x.id, label: format!("{} – {}: {}", x.from_month.display(), x.to_month.display(), x.matter) }).collect())
}

/// The form to open a case on the member.
pub async fn new_form(State(st): State<AppState>, auth: PageAuth, lang: Lang, Path(id): Path<String>) -> Result<Response, WebError> {
    inspector(&auth)?;
    let m = st.store.member(&auth.caller, &id).await?;
    let input = CaseInput { opened_on: dangbo_core::date::display(st.clock.today()), ..Default::default() };
    let items = plan_items(&st, &auth).await?;
    Ok(render(&new_page(ctx(&auth, lang, &format!("/members/{id}/case")), &id, m.full_name, input, items, Vec::new())))
}

/// Opens a case on the member, handled by the inspector's own organisation (no code typed).
pub async fn open(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(id): Path<String>,
    PageForm(mut input): PageForm<CaseFormBody>,
) -> Result<Response, WebError> {
    crate::auth::check_csrf(&auth, &input.csrf)?;
    inspector(&auth)?;
    let org = auth.caller.org_code.clone().ok_or(WebError(ErrorKind::NotFound))?;
    input.case.member = id.clone();
    let result = match input.case.parse(st.clock.today()) {
        Ok(new) => st.store.open_case(&auth.caller, &org, &new).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    match result {
        Ok(case) => Ok(Redirect::to(&format!("/cases/{case}")).into_response()),
        Err(DbError::Invalid(e)) => {
            let m = st.store.member(&auth.caller, &id).await?;
            let c = ctx(&auth, lang, &format!("/members/{id}/case"));
            let errors = messages(&c, &e);
            let items = plan_items(&st, &auth).await?;
            Ok(render_invalid(&new_page(c, &id, m.full_name, input.case, items, errors)))
        }
        Err(e) => Err(e.into()),
    }
}

/// The form's fields beside the CSRF token.
#[derive(Debug, serde::Deserialize)]
pub struct CaseFormBody {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    case: CaseInput,
}

fn messages(c: &Ctx, e: &FieldErrors) -> Vec<String> {
    e.0.iter().map(|(f, err)| c.i18n.field_message(f, err.key, &err.args)).collect()
}

/// The case page, with the problems of the last form sent.
async fn page(st: &AppState, auth: &PageAuth, lang: Lang, id: &str, errors: Vec<String>) -> Result<CasePage, WebError> {
    let view = st.store.case(&auth.caller, id, st.clock.today()).await?;
    let c = ctx(auth, lang, &format!("/cases/{id}"));
    let parent = st.store.org(&auth.caller, &view.case.org).await.ok().and_then(|o| o.parent);
    let i = &c.i18n;
    let steps = view
        .steps
        .iter()
        .map(|s| {
            let vote = s.vote.map(|[y, n, a, b]| format!(" — {y}/{b} ({} {n}, {} {a})", c.t("field-against"), c.t("field-abstaining"))).unwrap_or_default();
            let doc = s.document_no.clone().map(|d| format!(" · {d}")).unwrap_or_default();
            format!("{}: {}{doc}{vote} {}", i.date(&s.on), c.t(&s.kind.message_key()), s.note)
        })
        .collect();
    let penalty = view.penalty.as_ref().map(|p| {
        format!(
            "{} — {} {} ({}/{}), {} {} {}",
            c.t(&p.penalty.message_key()),
            c.t(&p.body.message_key()),
            p.org_name,
            p.vote[0],
            p.vote[3],
            p.decision_no,
            c.t("field-decision_date"),
            i.date(&p.decision_date)
        )
    });
    let limitation = view.limitation.iter().map(|(p, end, cite)| format!("{}: {} ({cite})", c.t(&p.message_key()), i.date(end))).collect();
    let complaints = view
        .complaints
        .iter()
        .map(|k| {
            let result =
                k.result.map(|r| format!(" — {} {}", c.t(&r.message_key()), k.resolved_on.map(|d| i.date(&d)).unwrap_or_default())).unwrap_or_default();
            format!("{} → {}: {} {}{result}", i.date(&k.filed_on), k.to_org, c.t("todo-complaint-due"), i.date(&k.resolve_by))
        })
        .collect();
    let mut to_orgs = vec![Choice { value: view.case.org.clone(), label: view.case.org.clone() }];
    if let Some(p) = parent {
        to_orgs.insert(0, Choice { value: p.clone(), label: p });
    }
    Ok(CasePage {
        title: format!("{} · {}", c.t(&view.case.kind.message_key()), view.case.full_name),
        member_id: view.case.member_id.clone(),
        org: view.case.org.clone(),
        matter: view.case.matter.clone(),
        opened: i.date(&view.case.opened_on),
        violation: format!("{} – {}", view.violation_from.map(|d| i.date(&d)).unwrap_or_default(), i.date(&view.violation_to)),
        closed: view.case.outcome.map(|o| format!("{} {}", c.t(&o.message_key()), view.case.closed_on.map(|d| i.date(&d)).unwrap_or_default())),
        time_barred: view.time_barred,
        steps,
        penalty,
        has_penalty: view.penalty.is_some(),
        limitation,
        complaints,
        step_kinds: choices(&c, StepKind::ALL, |x| x.as_str(), |x| x.message_key()),
        outcomes: choices(&c, Outcome::ALL, |x| x.as_str(), |x| x.message_key()),
        penalties: choices(&c, &Penalty::ALL[..4], |x| x.as_str(), |x| x.message_key()),
        bodies: choices(&c, Body::ALL, |x| x.as_str(), |x| x.message_key()),
        to_orgs,
        open_complaint: view.complaints.iter().any(|k| k.result.is_none()),
        results: choices(&c, ComplaintResult::ALL, |x| x.as_str(), |x| x.message_key()),
        errors,
        id: id.to_string(),
        ctx: c,
    })
}

pub async fn show(State(st): State<AppState>, auth: PageAuth, lang: Lang, Path(id): Path<String>) -> Result<Response, WebError> {
    Ok(render(&page(&st, &auth, lang, &id, Vec::new()).await?))
}

/// The result of a form on the case: back to the case, or the case again with the problems.
async fn after(st: &AppState, auth: &PageAuth, lang: Lang, id: &str, result: Result<(), DbError>) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{id}")).into_response()),
        Err(DbError::Invalid(e)) => {
            let errors = messages(&ctx(auth, lang, ""), &e);
            Ok(render_invalid(&page(st, auth, lang, id, errors).await?))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct StepBody {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    step: StepInput,
}

pub async fn step(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(id): Path<String>,
    PageForm(b): PageForm<StepBody>,
) -> Result<Response, WebError> {
    crate::auth::check_csrf(&auth, &b.csrf)?;
    inspector(&auth)?;
    let result = match b.step.parse(st.clock.today()) {
        Ok(s) => st.store.add_case_step(&auth.caller, &id, &s).await.map(|_| ()),
        Err(e) => Err(DbError::Invalid(e)),
    };
    after(&st, &auth, lang, &id, result).await
}

#[derive(Debug, serde::Deserialize)]
pub struct DecisionBody {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    decision: DecisionInput,
}

pub async fn decide(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(id): Path<String>,
    PageForm(b): PageForm<DecisionBody>,
) -> Result<Response, WebError> {
    crate::auth::check_csrf(&auth, &b.csrf)?;
    inspector(&auth)?;
    let result = match b.decision.parse(st.clock.today()) {
        Ok(d) => st.store.decide_case(&auth.caller, &id, &d).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    after(&st, &auth, lang, &id, result).await
}

#[derive(Debug, serde::Deserialize)]
pub struct ComplaintBody {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    complaint: ComplaintInput,
}

pub async fn complain(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(id): Path<String>,
    PageForm(b): PageForm<ComplaintBody>,
) -> Result<Response, WebError> {
    crate::auth::check_csrf(&auth, &b.csrf)?;
    inspector(&auth)?;
    let result = match b.complaint.parse(st.clock.today()) {
        Ok((filed, to)) => st.store.file_complaint(&auth.caller, &id, filed, &to).await.map(|_| ()),
        Err(e) => Err(DbError::Invalid(e)),
    };
    after(&st, &auth, lang, &id, result).await
}

#[derive(Debug, serde::Deserialize)]
pub struct ResolutionBody {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    resolution: ResolutionInput,
}

pub async fn resolve(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(id): Path<String>,
    PageForm(b): PageForm<ResolutionBody>,
) -> Result<Response, WebError> {
    crate::auth::check_csrf(&auth, &b.csrf)?;
    inspector(&auth)?;
    let result = match b.resolution.parse(st.clock.today()) {
        Ok(r) => st.store.resolve_complaint(&auth.caller, &id, &r).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    after(&st, &auth, lang, &id, result).await
}

/// The kinds of case offered on the member's page.
pub(crate) fn case_kinds(c: &Ctx) -> Vec<Choice> {
    choices(c, CaseKind::ALL, |x| x.as_str(), |x| x.message_key())
}
