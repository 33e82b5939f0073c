//! Courses: the list with a form to open one, and a course with its enrolments.

use super::{PageForm, checked_form, choices, ctx, form_with_errors, input};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::views::{Choice, Ctx, FormView, render, render_invalid};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use dangbo_core::FieldErrors;
use dangbo_core::course::{CourseInput, CourseKind, CourseResult, EnrolmentInput};
use dangbo_db::DbError;
use std::collections::HashMap;

pub struct CourseRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub org: String,
    pub dates: String,
    pub counts: String,
}

#[derive(Template)]
#[template(path = "courses.html")]
pub struct CoursesPage {
    pub ctx: Ctx,
    pub rows: Vec<CourseRow>,
    pub kinds: Vec<Choice>,
    pub form: FormView,
}

pub struct EnrolmentView {
    pub candidate_id: String,
    pub name: String,
    pub org: String,
    pub result: String,
    pub certificate: String,
}

#[derive(Template)]
#[template(path = "course.html")]
pub struct CoursePage {
    pub ctx: Ctx,
    pub id: String,
    pub course: CourseRow,
    pub provider: String,
    pub enrolments: Vec<EnrolmentView>,
    /// Members in the course or contest: (member id, name, branch, result and award, certificate).
    pub participants: Vec<(String, String, String, String, String)>,
    pub candidates: Vec<Choice>,
    pub results: Vec<Choice>,
    pub form: FormView,
}

async fn courses_page(st: &AppState, auth: &PageAuth, c: Ctx, form: FormView) -> Result<CoursesPage, WebError> {
    let i = c.i18n;
    let items = st.store.list_courses(&auth.caller, None, None).await?;
    let rows = items.iter().map(|k| course_row(&i, k)).collect();
    Ok(CoursesPage { rows, kinds: choices(&c, CourseKind::ALL, CourseKind::as_str, CourseKind::message_key), form, ctx: c })
}

fn course_row(i: &crate::i18n::I18n, k: &dangbo_db::CourseItem) -> CourseRow {
    CourseRow {
        id: k.id.clone(),
        name: k.name.clone(),
        kind: i.t(&k.kind.message_key()),
        org: k.org_name.clone(),
        dates: format!("{} – {}", i.date(&k.start_date), i.date(&k.end_date)),
        counts: i.args("course-counts", &[("enrolled", i.num(k.enrolled)), ("passed", i.num(k.passed))]),
    }
}

pub async fn index(State(st): State<AppState>, auth: PageAuth, lang: Lang) -> Result<Response, WebError> {
    let c = ctx(&auth, lang, "/courses");
    let values: HashMap<String, String> =
        [("kind".to_string(), "awareness".to_string()), ("org".to_string(), auth.caller.org_code.clone().unwrap_or_default())].into_iter().collect();
    Ok(render(&courses_page(&st, &auth, c, FormView { values, errors: Default::default() }).await?))
}

pub async fn create(State(st): State<AppState>, auth: PageAuth, lang: Lang, PageForm(body): PageForm<Vec<(String, String)>>) -> Result<Response, WebError> {
    let map = checked_form(&auth, body)?;
    let c = ctx(&auth, lang, "/courses");
    let raw: CourseInput = input(&map)?;
    let result = match raw.parse(st.clock.today()) {
        Ok(new) => st.store.create_course(&auth.caller, new).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/courses/{id}")).into_response()),
        Err(DbError::Invalid(e)) => Ok(render_invalid(&courses_page(&st, &auth, c.clone(), form_with_errors(&c, map, &e)).await?)),
        Err(e) => Err(e.into()),
    }
}

async fn course_page(st: &AppState, auth: &PageAuth, c: Ctx, id: &str, form: FormView) -> Result<CoursePage, WebError> {
    let i = c.i18n;
    let d = st.store.course(&auth.caller, id).await?;
    let open = st.store.list_candidates(&auth.caller, None, None, true, "").await?;
    let enrolments = d
        .enrolments
        .iter()
        .map(|e| EnrolmentView {
            candidate_id: e.candidate_id.clone(),
            name: e.full_name.clone(),
            org: e.org.clone(),
            result: i.t(&e.result.message_key()),
            certificate: match (&e.certificate_no, &e.certificate_date) {
                (no, Some(dt)) => format!("{} {}", no.clone().unwrap_or_default(), i.date(dt)).trim().to_string(),
                _ => String::new(),
            },
        })
        .collect();
    Ok(CoursePage {
        id: id.to_string(),
        provider: d.course.provider.clone(),
        course: course_row(&i, &d.course),
        enrolments,
        participants: d
            .participants
            .iter()
            .map(|p| {
                let result = [i.t(&p.result.message_key()), p.award.clone()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ");
                let cert = [p.certificate_no.clone().unwrap_or_default(), p.certificate_date.map(|d| i.date(&d)).unwrap_or_default()].join(" ");
                (p.member_id.clone(), p.full_name.clone(), p.org.clone(), result, cert.trim().to_string())
            })
            .collect(),
        candidates: open.into_iter().map(|x| Choice { value: x.id, label: format!("{} ({})", x.full_name, x.org) }).collect(),
        results: choices(&c, CourseResult::ALL, CourseResult::as_str, CourseResult::message_key),
        form,
        ctx: c,
    })
}

pub async fn show(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let c = ctx(&auth, lang, &format!("/courses/{id}"));
    let mut values = HashMap::new();
    values.insert("candidate".to_string(), q.get("candidate").cloned().unwrap_or_default());
    values.insert("result".to_string(), "enrolled".to_string());
    Ok(render(&course_page(&st, &auth, c, &id, FormView { values, errors: Default::default() }).await?))
}

/// Records a member's part in the course or contest.
pub async fn participate(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(id): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let map = checked_form(&auth, body)?;
    let result = match input::<dangbo_core::course::ParticipantInput>(&map)?.parse(st.clock.today()) {
        Ok(new) => st.store.put_participant(&auth.caller, &id, new).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    let errors: FieldErrors = match result {
        Ok(()) => return Ok(Redirect::to(&format!("/courses/{id}#participants")).into_response()),
        Err(DbError::Invalid(e)) => e,
        Err(e) => return Err(e.into()),
    };
    let c = ctx(&auth, lang, &format!("/courses/{id}"));
    let form = form_with_errors(&c, map, &errors);
    Ok(render_invalid(&course_page(&st, &auth, c, &id, form).await?))
}

pub async fn enrol(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(id): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let map = checked_form(&auth, body)?;
    let raw: EnrolmentInput = input(&map)?;
    let result = match raw.parse(st.clock.today()) {
        Ok(new) => st.store.put_enrolment(&auth.caller, &id, new).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    let errors: FieldErrors = match result {
        Ok(()) => return Ok(Redirect::to(&format!("/courses/{id}")).into_response()),
        Err(DbError::Invalid(e)) => e,
        Err(e) => return Err(e.into()),
    };
    let c = ctx(&auth, lang, &format!("/courses/{id}"));
    let form = form_with_errors(&c, map, &errors);
    Ok(render_invalid(&course_page(&st, &auth, c, &id, form).await?))
}
