//! The lifecycle API: candidates and their steps, courses and enrolments, the to-do list,
//! rules and the calendar, admission targets.

use super::{ApiJson, Q};
use crate::AppState;
use crate::auth::ApiAuth;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use dangbo_core::FieldErrors;
use dangbo_core::calendar::DayKind;
use dangbo_core::candidate::{CandidateInput, Stage, StepInput};
use dangbo_core::course::{CourseInput, CourseKind, EnrolmentInput};
use dangbo_db::RuleVersionInput;
use serde::Deserialize;
use serde_json::json;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/todo", get(todo))
        .route("/candidates", get(list_candidates).post(create_candidate))
        .route("/candidates/{id}", get(get_candidate))
        .route("/candidates/{id}/steps", post(record_step))
        .route("/courses", get(list_courses).post(create_course))
        .route("/courses/{id}", get(get_course))
        .route("/courses/{id}/enrolments", post(enrol))
        .route("/courses/{id}/participants", post(participate))
        .route("/rules", get(rules).post(put_rule))
        .route("/calendar", get(calendar).post(put_day))
        .route("/orgs/{code}/targets", get(targets).post(put_target))
}

async fn todo(State(st): State<AppState>, auth: ApiAuth) -> Result<Json<serde_json::Value>, ApiError> {
    let today = st.clock.today();
    let items = st.store.todo(&auth.caller, today).await?;
    Ok(Json(json!({ "today": today, "items": items })))
}

fn choice<T>(q: &std::collections::HashMap<String, String>, name: &str, parse: impl Fn(&str) -> Option<T>) -> Result<Option<T>, ApiError> {
    match q.get(name).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse(s).map(Some).ok_or_else(|| FieldErrors::single(name, "err-choice").into()),
    }
}

async fn list_candidates(State(st): State<AppState>, auth: ApiAuth, Query(q): Q) -> Result<Json<serde_json::Value>, ApiError> {
    let stage = choice(&q, "stage", Stage::parse)?;
    let open = q.get("open").is_some_and(|v| v == "1" || v == "true");
    let items = st
        .store
        .list_candidates(&auth.caller, q.get("org").map(String::as_str).filter(|s| !s.is_empty()), stage, open, q.get("q").map(String::as_str).unwrap_or(""))
        .await?;
    Ok(Json(json!({ "items": items })))
}

async fn create_candidate(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<CandidateInput>) -> Result<Response, ApiError> {
    let new = input.parse(st.clock.today())?;
    let id = st.store.create_candidate(&auth.caller, new).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

async fn get_candidate(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>) -> Result<Json<dangbo_db::CandidateDetail>, ApiError> {
    Ok(Json(st.store.candidate(&auth.caller, &id, st.clock.today()).await?))
}

async fn record_step(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<StepInput>) -> Result<Response, ApiError> {
    let new = input.parse(st.clock.today())?;
    let step = st.store.record_step(&auth.caller, &id, new).await?;
    let c = st.store.candidate(&auth.caller, &id, st.clock.today()).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": step, "candidate_id": id, "stage": c.stage, "member_id": c.member_id, "warnings": c.warnings })))
        .into_response())
}

async fn list_courses(State(st): State<AppState>, auth: ApiAuth, Query(q): Q) -> Result<Json<serde_json::Value>, ApiError> {
    let kind = choice(&q, "kind", CourseKind::parse)?;
    let year = choice(&q, "year", |s| s.parse::<i32>().ok().filter(|y| (1930..=2100).contains(y)))?;
    Ok(Json(json!({ "items": st.store.list_courses(&auth.caller, kind, year).await? })))
}

async fn create_course(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<CourseInput>) -> Result<Response, ApiError> {
    let new = input.parse(st.clock.today())?;
    let id = st.store.create_course(&auth.caller, new).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

async fn get_course(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>) -> Result<Json<dangbo_db::CourseDetail>, ApiError> {
    Ok(Json(st.store.course(&auth.caller, &id).await?))
}

async fn enrol(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<EnrolmentInput>) -> Result<Response, ApiError> {
    let new = input.parse(st.clock.today())?;
    st.store.put_enrolment(&auth.caller, &id, new).await?;
    Ok((StatusCode::CREATED, Json(st.store.course(&auth.caller, &id).await?)).into_response())
}

async fn participate(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<dangbo_core::course::ParticipantInput>,
) -> Result<Response, ApiError> {
    let new = input.parse(st.clock.today())?;
    st.store.put_participant(&auth.caller, &id, new).await?;
    Ok((StatusCode::CREATED, Json(st.store.course(&auth.caller, &id).await?)).into_response())
}

async fn rules(State(st): State<AppState>, _auth: ApiAuth) -> Result<Json<serde_json::Value>, ApiError> {
    let book = st.store.rule_book().await?;
    let items: Vec<serde_json::Value> = book
        .versions()
        .iter()
        .map(|v| json!({ "rule": v.rule, "unit": v.rule.unit(), "locked": v.rule.locked(), "effective_from": v.effective_from, "value": v.value.text(), "citation": v.citation, "confirmed": v.confirmed }))
        .collect();
    Ok(Json(json!({ "items": items })))
}

async fn put_rule(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<RuleVersionInput>) -> Result<Response, ApiError> {
    let v = input.parse()?;
    st.store.put_rule_version(&auth.caller, v.clone()).await?;
    Ok((StatusCode::CREATED, Json(json!({ "rule": v.rule, "effective_from": v.effective_from, "value": v.value.text() }))).into_response())
}

async fn calendar(State(st): State<AppState>, _auth: ApiAuth, Query(q): Q) -> Result<Json<serde_json::Value>, ApiError> {
    let year =
        choice(&q, "year", |s| s.parse::<i32>().ok().filter(|y| (1930..=2100).contains(y)))?.unwrap_or_else(|| chrono::Datelike::year(&st.clock.today()));
    Ok(Json(json!({ "year": year, "days": st.store.calendar_year(year).await? })))
}

#[derive(Debug, Default, Deserialize)]
pub struct DayInput {
    #[serde(default)]
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

async fn put_day(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<DayInput>) -> Result<Response, ApiError> {
    let (day, kind) = input.parse()?;
    st.store.put_calendar_day(&auth.caller, day, kind, &input.name).await?;
    Ok((StatusCode::CREATED, Json(json!({ "day": day, "kind": kind }))).into_response())
}

fn year_param(q: &std::collections::HashMap<String, String>, today: chrono::NaiveDate) -> Result<i32, ApiError> {
    Ok(choice(q, "year", |s| s.parse::<i32>().ok().filter(|y| (1930..=2100).contains(y)))?.unwrap_or_else(|| chrono::Datelike::year(&today)))
}

async fn targets(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, Query(q): Q) -> Result<Json<serde_json::Value>, ApiError> {
    let year = year_param(&q, st.clock.today())?;
    Ok(Json(json!({ "code": code, "year": year, "items": st.store.admission_targets(&auth.caller, &code, year).await? })))
}

#[derive(Debug, Default, Deserialize)]
pub struct TargetInput {
    pub year: Option<i32>,
    /// None clears the target.
    pub target: Option<i64>,
}

async fn put_target(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, ApiJson(input): ApiJson<TargetInput>) -> Result<Response, ApiError> {
    let year = input.year.ok_or_else(|| ApiError::from(FieldErrors::single("year", "err-required")))?;
    st.store.put_admission_target(&auth.caller, &code, year, input.target).await?;
    Ok((StatusCode::CREATED, Json(json!({ "code": code, "year": year, "target": input.target }))).into_response())
}
