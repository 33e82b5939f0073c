//! The lifecycle API: candidates and their steps, courses and enrolments, the to-do list,
//! rules and the calendar, admission targets.

use super::body::{CalendarYear, Created as CreatedId, DaySet, Items, RuleItem, RuleSet, StepRecorded, TargetSet, Targets, TodoList};
use super::params::{ApiQuery, YearQuery, choice, given_text};
use super::{ApiJson, Created, created};
use crate::AppState;
use crate::auth::ApiAuth;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use dangbo_core::FieldErrors;
use dangbo_core::calendar::DayKind;
use dangbo_core::candidate::{CandidateInput, Stage, StepInput};
use dangbo_core::course::{CourseInput, CourseKind, EnrolmentInput, ParticipantInput};
use dangbo_db::{CandidateDetail, CandidateItem, CourseDetail, CourseItem, RuleVersionInput};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(todo))
        .routes(routes!(list_candidates, create_candidate))
        .routes(routes!(get_candidate))
        .routes(routes!(record_step))
        .routes(routes!(list_courses, create_course))
        .routes(routes!(get_course))
        .routes(routes!(enrol))
        .routes(routes!(participate))
        .routes(routes!(rules, put_rule))
        .routes(routes!(calendar, put_day))
        .routes(routes!(targets, put_target))
}

/// Everything due or overdue in the caller's scope (decisions, ceremonies, expiring
/// certificates, probation reviews), each with its rule and citation.
#[utoipa::path(get, path = "/todo", tag = "admissions", responses((status = 200, body = TodoList)))]
async fn todo(State(st): State<AppState>, auth: ApiAuth) -> Result<Json<TodoList>, ApiError> {
    let today = st.clock.today();
    let items = st.store.todo(&auth.caller, today).await?;
    Ok(Json(TodoList { today, items }))
}

/// The candidate list's filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CandidatesQuery {
    /// The code of the subtree to list.
    org: Option<String>,
    #[param(value_type = Option<Stage>)]
    stage: Option<String>,
    /// `1` or `true`: only those still in the pipeline.
    open: Option<String>,
    /// Words of a name, diacritics ignored.
    q: Option<String>,
}

/// Candidates (quần chúng ưu tú) in scope, by given name.
#[utoipa::path(get, path = "/candidates", tag = "admissions", params(CandidatesQuery), responses((status = 200, body = Items<CandidateItem>)))]
async fn list_candidates(State(st): State<AppState>, auth: ApiAuth, ApiQuery(q): ApiQuery<CandidatesQuery>) -> Result<Json<Items<CandidateItem>>, ApiError> {
    let mut e = FieldErrors::new();
    let stage = choice("stage", &q.stage, Stage::parse, &mut e);
    super::params::done(e, ())?;
    let (org, open, text) = (given_text(&q.org), super::params::flag(&q.open), given_text(&q.q).unwrap_or_default());
    Ok(Json(st.store.list_candidates(&auth.caller, org.as_deref(), stage, open, &text).await?.into()))
}

/// Put a person on a branch's list of candidates.
#[utoipa::path(post, path = "/candidates", tag = "admissions", request_body = CandidateInput, responses((status = 201, body = CreatedId)))]
async fn create_candidate(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<CandidateInput>) -> Result<Created<CreatedId>, ApiError> {
    let new = input.parse(st.clock.today())?;
    Ok(created(CreatedId { id: st.store.create_candidate(&auth.caller, new).await? }))
}

/// A candidate's file: steps, certificates, stage, warnings and the deadline that runs (the read
/// is logged).
#[utoipa::path(get, path = "/candidates/{id}", tag = "admissions", params(("id" = String, Path, description = "candidate id")), responses((status = 200, body = CandidateDetail)))]
async fn get_candidate(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>) -> Result<Json<CandidateDetail>, ApiError> {
    Ok(Json(st.store.candidate(&auth.caller, &id, st.clock.today()).await?))
}

/// Record a step; refused with the rule and its citation when out of order, below the vote
/// threshold, outside the age range or without a valid certificate. The ceremony opens the
/// member record.
#[utoipa::path(post, path = "/candidates/{id}/steps", tag = "admissions", params(("id" = String, Path, description = "candidate id")), request_body = StepInput, responses((status = 201, body = StepRecorded)))]
async fn record_step(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<StepInput>,
) -> Result<Created<StepRecorded>, ApiError> {
    let new = input.parse(st.clock.today())?;
    let step = st.store.record_step(&auth.caller, &id, new).await?;
    let c = st.store.candidate(&auth.caller, &id, st.clock.today()).await?;
    Ok(created(StepRecorded { id: step, candidate_id: id, stage: c.stage, member_id: c.member_id, warnings: c.warnings }))
}

/// The course list's filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoursesQuery {
    #[param(value_type = Option<CourseKind>)]
    kind: Option<String>,
    /// The year the course started (1930–2100).
    #[param(value_type = Option<i32>, minimum = 1930, maximum = 2100)]
    year: Option<String>,
}

/// Courses organised in scope.
#[utoipa::path(get, path = "/courses", tag = "admissions", params(CoursesQuery), responses((status = 200, body = Items<CourseItem>)))]
async fn list_courses(State(st): State<AppState>, auth: ApiAuth, ApiQuery(q): ApiQuery<CoursesQuery>) -> Result<Json<Items<CourseItem>>, ApiError> {
    let mut e = FieldErrors::new();
    let kind = choice("kind", &q.kind, CourseKind::parse, &mut e);
    let year = super::params::year(&q.year, &mut e);
    super::params::done(e, ())?;
    Ok(Json(st.store.list_courses(&auth.caller, kind, year).await?.into()))
}

/// Open a course.
#[utoipa::path(post, path = "/courses", tag = "admissions", request_body = CourseInput, responses((status = 201, body = CreatedId)))]
async fn create_course(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<CourseInput>) -> Result<Created<CreatedId>, ApiError> {
    let new = input.parse(st.clock.today())?;
    Ok(created(CreatedId { id: st.store.create_course(&auth.caller, new).await? }))
}

/// A course with its enrolments.
#[utoipa::path(get, path = "/courses/{id}", tag = "admissions", params(("id" = String, Path, description = "course id")), responses((status = 200, body = CourseDetail)))]
async fn get_course(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>) -> Result<Json<CourseDetail>, ApiError> {
    Ok(Json(st.store.course(&auth.caller, &id).await?))
}

/// Enrol a candidate, or record the result and certificate.
#[utoipa::path(post, path = "/courses/{id}/enrolments", tag = "admissions", params(("id" = String, Path, description = "course id")), request_body = EnrolmentInput, responses((status = 201, body = CourseDetail)))]
async fn enrol(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<EnrolmentInput>,
) -> Result<Created<CourseDetail>, ApiError> {
    let new = input.parse(st.clock.today())?;
    st.store.put_enrolment(&auth.caller, &id, new).await?;
    Ok(created(st.store.course(&auth.caller, &id).await?))
}

/// A member's part in a course or contest: result, award (contests), certificate.
#[utoipa::path(post, path = "/courses/{id}/participants", tag = "admissions", params(("id" = String, Path, description = "course id")), request_body = ParticipantInput, responses((status = 201, body = CourseDetail)))]
async fn participate(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ParticipantInput>,
) -> Result<Created<CourseDetail>, ApiError> {
    let new = input.parse(st.clock.today())?;
    st.store.put_participant(&auth.caller, &id, new).await?;
    Ok(created(st.store.course(&auth.caller, &id).await?))
}

/// Every version of every rule with its value, effective day and citation.
#[utoipa::path(get, path = "/rules", tag = "rules", responses((status = 200, body = Items<RuleItem>)))]
async fn rules(State(st): State<AppState>, _auth: ApiAuth) -> Result<Json<Items<RuleItem>>, ApiError> {
    let book = st.store.rule_book().await?;
    let items = book
        .versions()
        .iter()
        .map(|v| RuleItem {
            rule: v.rule,
            unit: v.rule.unit(),
            locked: v.rule.locked(),
            effective_from: v.effective_from,
            value: v.value.text(),
            citation: v.citation.clone(),
            confirmed: v.confirmed,
        })
        .collect::<Vec<_>>();
    Ok(Json(items.into()))
}

/// Add or replace a rule version (admin).
#[utoipa::path(post, path = "/rules", tag = "rules", request_body = RuleVersionInput, responses((status = 201, body = RuleSet)))]
async fn put_rule(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<RuleVersionInput>) -> Result<Created<RuleSet>, ApiError> {
    let v = input.parse()?;
    st.store.put_rule_version(&auth.caller, v.clone()).await?;
    Ok(created(RuleSet { rule: v.rule, effective_from: v.effective_from, value: v.value.text() }))
}

/// Holidays and make-up working days of a year.
#[utoipa::path(get, path = "/calendar", tag = "rules", params(YearQuery), responses((status = 200, body = CalendarYear)))]
async fn calendar(State(st): State<AppState>, _auth: ApiAuth, ApiQuery(q): ApiQuery<YearQuery>) -> Result<Json<CalendarYear>, ApiError> {
    let year = q.year(st.clock.today())?;
    Ok(Json(CalendarYear { year, days: st.store.calendar_year(year).await? }))
}

/// A day of the calendar as a holiday or a make-up working day, or cleared.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct DayInput {
    #[serde(default)]
    #[schema(value_type = chrono::NaiveDate)]
    pub day: String,
    /// holiday | workday | "" (removes the entry)
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
}

impl DayInput {
    pub fn parse(&self) -> Result<(chrono::NaiveDate, Option<DayKind>), FieldErrors> {
        let mut e = FieldErrors::new();
        let day = dangbo_core::date::parse(&self.day);
        if day.is_none() {
            e.add("day", if self.day.trim().is_empty() { "err-required" } else { "err-date-invalid" });
        }
        let kind = match self.kind.trim() {
            "" => None,
            k => DayKind::parse(k).or_else(|| {
                e.add("kind", "err-choice");
                None
            }),
        };
        match day {
            Some(d) if e.is_empty() => Ok((d, kind)),
            _ => Err(e),
        }
    }
}

/// Set a day as a holiday or a make-up working day, or clear it (admin).
#[utoipa::path(post, path = "/calendar", tag = "rules", request_body = DayInput, responses((status = 201, body = DaySet)))]
async fn put_day(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<DayInput>) -> Result<Created<DaySet>, ApiError> {
    let (day, kind) = input.parse()?;
    st.store.put_calendar_day(&auth.caller, day, kind, &input.name).await?;
    Ok(created(DaySet { day, kind }))
}

/// Admission targets and actual admissions per grassroots organisation for a year.
#[utoipa::path(get, path = "/orgs/{code}/targets", tag = "admissions", params(("code" = String, Path, description = "organisation code", example = "DH-TT-01"), YearQuery), responses((status = 200, body = Targets)))]
async fn targets(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, ApiQuery(q): ApiQuery<YearQuery>) -> Result<Json<Targets>, ApiError> {
    let year = q.year(st.clock.today())?;
    let items = st.store.admission_targets(&auth.caller, &code, year).await?;
    Ok(Json(Targets { code, year, items }))
}

/// A grassroots organisation's admission target for a year.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct TargetInput {
    #[schema(minimum = 1930, maximum = 2100)]
    pub year: Option<i32>,
    /// None clears the target.
    pub target: Option<i64>,
}

/// Set (or with null clear) a grassroots organisation's target (committee staff).
#[utoipa::path(post, path = "/orgs/{code}/targets", tag = "admissions", params(("code" = String, Path, description = "organisation code", example = "DH-TT-01")), request_body = TargetInput, responses((status = 201, body = TargetSet)))]
async fn put_target(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<TargetInput>,
) -> Result<Created<TargetSet>, ApiError> {
    let year = input.year.ok_or_else(|| ApiError::from(FieldErrors::single("year", "err-required")))?;
    st.store.put_admission_target(&auth.caller, &code, year, input.target).await?;
    Ok(created(TargetSet { code, year, target: input.target }))
}
