//! The admission pipeline in pages: the list of candidates, a new candidate, a candidate's file
//! with the form for the next step.

use super::{PageForm, checked_form, choices, ctx, form_with_errors, input};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::WebError;
use crate::i18n::{I18n, Lang};
use crate::views::{Choice, Ctx, FormView, PersonChoices, render, render_invalid};
use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use dangbo_core::FieldErrors;
use dangbo_core::candidate::{CandidateInput, Source, Stage, StepInput};
use dangbo_core::member::Status;
use dangbo_db::{CandidateDetail, DbError, MemberFilter};
use std::collections::HashMap;

pub struct CandidateRow {
    pub id: String,
    pub name: String,
    pub org: String,
    pub stage: String,
    pub since: String,
}

#[derive(Template)]
#[template(path = "candidates.html")]
pub struct CandidatesPage {
    pub ctx: Ctx,
    pub form: FormView,
    pub stages: Vec<Choice>,
    /// The organisations to filter by, when few enough for a list.
    pub orgs: Option<Vec<Choice>>,
    pub rows: Vec<CandidateRow>,
    pub total: String,
}

#[derive(Template)]
#[template(path = "candidate_new.html")]
pub struct CandidateNewPage {
    pub ctx: Ctx,
    /// The branches to choose from, when few enough for a list.
    pub branches: Option<Vec<Choice>>,
    pub form: FormView,
    pub sources: Vec<Choice>,
    pub choices: PersonChoices,
}

pub struct StepView {
    pub id: String,
    pub date: String,
    pub kind: String,
    pub detail: String,
    pub recorded: String,
}

#[derive(Template)]
#[template(path = "candidate.html")]
pub struct CandidatePage {
    pub ctx: Ctx,
    pub id: String,
    pub name: String,
    pub stage: String,
    pub facts: Vec<(String, String)>,
    pub due: Option<String>,
    pub warnings: Vec<String>,
    pub missing: Vec<String>,
    pub certificates: Vec<(String, String, String)>,
    pub steps: Vec<StepView>,
    pub member_id: Option<String>,
    /// The decision is recorded: its PDF can be printed.
    pub decided: bool,
    pub next: Vec<Choice>,
    pub introducers: Vec<Choice>,
    pub form: FormView,
}

pub async fn index(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let c = ctx(&auth, lang, &uri.to_string());
    let i = c.i18n;
    let stage = q.get("stage").and_then(|s| Stage::parse(s));
    let open = q.get("all").is_none_or(|v| v.is_empty());
    let org = q.get("org").map(|s| s.trim()).filter(|s| !s.is_empty());
    let mut errors = FieldErrors::new();
    let items = match st.store.list_candidates(&auth.caller, org, stage, open && stage.is_none(), q.get("q").map(String::as_str).unwrap_or("")).await {
        Ok(items) => items,
        Err(DbError::NotFound) => {
            errors.add("org", "err-org-unknown");
            vec![]
        }
        Err(e) => return Err(e.into()),
    };
    let rows = items
        .iter()
        .map(|x| CandidateRow {
            id: x.id.clone(),
            name: x.full_name.clone(),
            org: x.org_name.clone(),
            stage: i.t(&x.stage.message_key()),
            since: i.date(&x.stage_on),
        })
        .collect();
    let page = CandidatesPage {
        orgs: super::org_choices(&st, &auth.caller, st.clock.today(), org.unwrap_or("")).await?,
        form: form_with_errors(&c, q.clone(), &errors),
        stages: choices(&c, Stage::ALL, Stage::as_str, Stage::message_key),
        rows,
        total: i.count("candidates-total", items.len() as i64),
        ctx: c,
    };
    Ok(render(&page))
}

async fn new_page(st: &AppState, auth: &PageAuth, c: Ctx, mut form: FormView) -> Result<CandidateNewPage, WebError> {
    let branches = super::branch_choices(st, &auth.caller, st.clock.today(), false).await?;
    // A user with one branch never chooses it.
    if let Some([only]) = branches.as_deref()
        && form.value("org").is_empty()
    {
        form.values.insert("org".into(), only.value.clone());
    }
    Ok(CandidateNewPage {
        branches,
        sources: choices(&c, Source::ALL, Source::as_str, Source::message_key),
        choices: super::member_forms::person_choices(&st.store).await?,
        ctx: c,
        form,
    })
}

pub async fn new_form(State(st): State<AppState>, auth: PageAuth, lang: Lang, Query(q): Query<HashMap<String, String>>) -> Result<Response, WebError> {
    let c = ctx(&auth, lang, "/candidates/new");
    let values: HashMap<String, String> = [
        ("org", q.get("org").cloned().unwrap_or_default()),
        ("listed_on", dangbo_core::date::display(st.clock.today())),
        ("ethnicity", "01".into()),
        ("religion", "Không".into()),
        ("source", "branch".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    Ok(render(&new_page(&st, &auth, c, FormView { values, errors: Default::default() }).await?))
}

pub async fn create(State(st): State<AppState>, auth: PageAuth, lang: Lang, PageForm(body): PageForm<Vec<(String, String)>>) -> Result<Response, WebError> {
    let map = checked_form(&auth, body)?;
    let c = ctx(&auth, lang, "/candidates/new");
    let raw: CandidateInput = input(&map)?;
    let result = match raw.parse(st.clock.today()) {
        Ok(new) => st.store.create_candidate(&auth.caller, new).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/candidates/{id}")).into_response()),
        Err(DbError::Invalid(e)) => Ok(render_invalid(&new_page(&st, &auth, c.clone(), form_with_errors(&c, map, &e)).await?)),
        Err(e) => Err(e.into()),
    }
}

fn step_detail(i: &I18n, s: &dangbo_core::candidate::Step, names: &HashMap<String, String>) -> String {
    let mut parts = Vec::new();
    if let Some(no) = &s.doc_no {
        parts.push(i.t1("step-doc", "no", no));
    }
    let d = &s.data;
    if let (Some(v), Some(b)) = (d.votes_for, d.full_members) {
        parts.push(i.args("step-votes", &[("votes", i.num(v)), ("base", i.num(b))]));
    }
    for m in &d.introducers {
        parts.push(i.t1("step-introducer", "name", names.get(m).map(String::as_str).unwrap_or(m)));
    }
    for t in [&d.org_resolution, &d.issuer, &d.reason] {
        if !t.is_empty() {
            parts.push(t.clone());
        }
    }
    parts.join(" · ")
}

fn candidate_page(c: Ctx, d: CandidateDetail, introducers: Vec<Choice>, form: FormView) -> CandidatePage {
    let i = c.i18n;
    let names: HashMap<String, String> = introducers.iter().map(|x| (x.value.clone(), x.label.clone())).collect();
    let source = Source::parse(&d.source).map(|s| i.t(&s.message_key())).unwrap_or_default();
    let facts = vec![
        (i.t("field-org"), d.org_name.clone()),
        (i.t("field-source"), source),
        (i.t("field-listed_on"), i.date(&d.listed_on)),
        (i.t("field-birth_date"), i.date(&d.person.birth_date)),
        (i.t("candidate-stage-since"), i.date(&d.stage_on)),
    ];
    let due = d.due.as_ref().map(|x| {
        i.args(
            "candidate-due",
            &[("what", i.t(&x.kind.message_key())), ("date", i.date(&x.due)), ("rule", format!("{} — {}", i.t(&x.rule.message_key()), x.citation))],
        )
    });
    let warnings = d.warnings.iter().map(|w| i.args(w.key, &[("date", i.date(&w.due)), ("rule", w.citation.clone())])).collect();
    let steps = d
        .steps
        .iter()
        .map(|s| StepView {
            id: s.step.id.clone(),
            date: i.date(&s.step.effective_on),
            kind: i.t(&s.step.kind.message_key()),
            detail: step_detail(&i, &s.step, &names),
            recorded: i.args("event-recorded", &[("at", dangbo_core::date::display_instant(&s.recorded_at)), ("by", i.actor(&s.recorded_by))]),
        })
        .collect();
    CandidatePage {
        id: d.id.clone(),
        name: d.full_name.clone(),
        stage: i.t(&d.stage.message_key()),
        facts,
        due,
        warnings,
        missing: d.missing.iter().map(|k| i.t(&k.message_key())).collect(),
        certificates: d.certificates.iter().map(|x| (x.course_name.clone(), i.date(&x.issued_on), i.date(&x.valid_until))).collect(),
        steps,
        member_id: d.member_id.clone(),
        decided: d.steps.iter().any(|s| s.step.kind == dangbo_core::candidate::StepKind::Decision),
        // The committee's steps are offered to the committee's staff alone.
        next: d
            .next_steps
            .iter()
            .filter(|k| c.is_committee || !k.is_committee_decision())
            .map(|k| Choice { value: k.as_str().into(), label: i.t(&k.message_key()) })
            .collect(),
        introducers,
        form,
        ctx: c,
    }
}

/// Full members of the candidate's branch, who can introduce them.
async fn introducer_choices(st: &AppState, auth: &PageAuth, org: &str) -> Result<Vec<Choice>, WebError> {
    let f = MemberFilter { org: Some(org.to_string()), status: Some(Status::Full), limit: 500, ..Default::default() };
    let page = st.store.list_members(&auth.caller, &f, st.clock.today()).await?;
    Ok(page.items.into_iter().map(|m| Choice { value: m.id, label: m.full_name }).collect())
}

pub async fn show(State(st): State<AppState>, auth: PageAuth, lang: Lang, Path(id): Path<String>) -> Result<Response, WebError> {
    let today = st.clock.today();
    let d = st.store.candidate(&auth.caller, &id, today).await?;
    let c = ctx(&auth, lang, &format!("/candidates/{id}"));
    let mut values = HashMap::new();
    values.insert("effective_on".to_string(), dangbo_core::date::display(today));
    values.insert("full_members".to_string(), d.branch_full_members.to_string());
    let intro = introducer_choices(&st, &auth, &d.org).await?;
    Ok(render(&candidate_page(c, d, intro, FormView { values, errors: Default::default() })))
}

pub async fn record_step(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(id): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let introducers: Vec<String> = body.iter().filter(|(k, v)| k == "introducers" && !v.is_empty()).map(|(_, v)| v.clone()).collect();
    let posted: Vec<(String, String)> = body.iter().filter(|(k, _)| k != "csrf" && k != "confirm").cloned().collect();
    let mut map = checked_form(&auth, body)?;
    let confirmed = map.remove("confirm").is_some_and(|v| v == "1");
    map.remove("introducers");
    let today = st.clock.today();
    let mut raw: StepInput = input(&map)?;
    raw.introducers = introducers;
    let result = match raw.parse(today) {
        Ok(step) if !confirmed && step.kind.is_irreversible() => {
            let d = st.store.candidate(&auth.caller, &id, today).await?;
            // A step the file does not offer goes on to the store, which says why not.
            if d.next_steps.contains(&step.kind) && (auth.caller.is_committee() || !step.kind.is_committee_decision()) {
                return Ok(render(&confirm_page(ctx(&auth, lang, &format!("/candidates/{id}")), &d, &step, posted)));
            }
            st.store.record_step(&auth.caller, &id, step).await
        }
        Ok(step) => st.store.record_step(&auth.caller, &id, step).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    let errors = match result {
        Ok(step) => return Ok(Redirect::to(&format!("/candidates/{id}#st-{step}")).into_response()),
        Err(DbError::Invalid(e)) => e,
        Err(e) => return Err(e.into()),
    };
    let d = st.store.candidate(&auth.caller, &id, today).await?;
    let c = ctx(&auth, lang, &format!("/candidates/{id}"));
    let form = form_with_errors(&c, map, &errors);
    let intro = introducer_choices(&st, &auth, &d.org).await?;
    Ok(render_invalid(&candidate_page(c, d, intro, form)))
}

#[derive(Template)]
#[template(path = "candidate_confirm.html")]
pub struct CandidateConfirmPage {
    pub ctx: Ctx,
    pub id: String,
    pub name: String,
    pub org_name: String,
    pub kind: String,
    /// What becomes fixed, in a sentence for this kind of step.
    pub effect: String,
    /// What will be recorded: (label, value).
    pub facts: Vec<(String, String)>,
    /// The form as posted, sent again with the confirmation.
    pub posted: Vec<(String, String)>,
}

/// Asks before an irreversible step (the decision, the ceremony, closing the file), showing
/// what will be recorded and what it fixes; nothing is written until the user confirms.
fn confirm_page(c: Ctx, d: &CandidateDetail, step: &dangbo_core::candidate::NewStep, posted: Vec<(String, String)>) -> CandidateConfirmPage {
    let i = c.i18n;
    let mut facts = vec![(i.t("field-type"), i.t(&step.kind.message_key())), (i.t("field-effective_on"), dangbo_core::date::display(step.effective_on))];
    if let Some(no) = &step.doc_no {
        facts.push((i.t("field-doc_no"), no.clone()));
    }
    for (key, value) in [("field-issuer", &step.data.issuer), ("field-reason", &step.data.reason)] {
        if !value.is_empty() {
            facts.push((i.t(key), value.clone()));
        }
    }
    CandidateConfirmPage {
        id: d.id.clone(),
        name: d.full_name.clone(),
        org_name: d.org_name.clone(),
        kind: i.t(&step.kind.message_key()),
        effect: i.t(&format!("step-confirm-{}", step.kind.as_str())),
        facts,
        posted,
        ctx: c,
    }
}
