//! The cadre-work API: positions, moves, exams, and the reports behind the seed's figures.

use super::{ApiJson, Q, as_of, period};
use crate::AppState;
use crate::auth::ApiAuth;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use dangbo_core::FieldErrors;
use dangbo_core::cadre::planning::{CycleInput, PlannedInput, RemovalInput};
use dangbo_core::cadre::{ExamInput, MoveCategory, MoveInput, PositionInput};
use serde_json::json;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/positions", post(create_position))
        .route("/moves", post(create_move))
        .route("/exams", post(create_exam))
        .route("/orgs/{code}/moves", get(moves))
        .route("/orgs/{code}/exams", get(exams))
        .route("/orgs/{code}/locality", get(locality))
        .route("/orgs/{code}/planning", get(planning))
        .route("/orgs/{code}/committee", get(committee))
        .route("/planning-cycles", post(create_cycle))
        .route("/planning-cycles/{id}/entries", post(add_planned))
        .route("/planning-entries/{id}/removal", post(remove_planned))
}

async fn create_position(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<PositionInput>) -> Result<Response, ApiError> {
    let id = st.store.create_position(&auth.caller, input.parse(st.clock.today())?).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

async fn create_move(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<MoveInput>) -> Result<Response, ApiError> {
    let m = input.parse(st.clock.today())?;
    let category = m.category;
    let id = st.store.create_move(&auth.caller, m).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id, "category": category }))).into_response())
}

async fn create_exam(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<ExamInput>) -> Result<Response, ApiError> {
    let id = st.store.create_exam(&auth.caller, input.parse(st.clock.today())?).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

async fn moves(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, Query(q): Q) -> Result<Json<serde_json::Value>, ApiError> {
    let (from, to) = period(&q)?;
    let category = match q.get("category").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => None,
        Some(c) => Some(MoveCategory::parse(c).ok_or_else(|| ApiError::from(FieldErrors::single("category", "err-choice")))?),
    };
    let matrix = st.store.move_matrix(&auth.caller, &code, from, to).await?;
    let items = st.store.moves(&auth.caller, &code, from, to, category).await?;
    Ok(Json(json!({ "code": code, "from": from, "to": to, "matrix": matrix, "items": items })))
}

async fn exams(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, Query(q): Q) -> Result<Json<dangbo_db::ExamStats>, ApiError> {
    let (from, to) = period(&q)?;
    Ok(Json(st.store.exam_stats(&auth.caller, &code, from, to).await?))
}

async fn locality(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, Query(q): Q) -> Result<Json<dangbo_db::LocalityReport>, ApiError> {
    let date = as_of(&q, st.clock.today())?;
    Ok(Json(st.store.locality_report(&auth.caller, &code, date).await?))
}

/// A committee's planning cycles with their entries and structure on `as_of` (default today).
async fn planning(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, Query(q): Q) -> Result<Json<serde_json::Value>, ApiError> {
    let date = as_of(&q, st.clock.today())?;
    Ok(Json(json!({ "code": code, "as_of": date, "cycles": st.store.planning(&auth.caller, &code, date).await? })))
}

async fn create_cycle(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<CycleInput>) -> Result<Response, ApiError> {
    let id = st.store.create_cycle(&auth.caller, input.parse(st.clock.today())?).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

async fn add_planned(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<PlannedInput>) -> Result<Response, ApiError> {
    let entry = st.store.add_planned(&auth.caller, &id, input.parse(st.clock.today())?).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": entry }))).into_response())
}

async fn remove_planned(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RemovalInput>,
) -> Result<StatusCode, ApiError> {
    st.store.remove_planned(&auth.caller, &id, input.parse(st.clock.today())?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who held which post in the organisation on `as_of` (default today).
async fn committee(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, Query(q): Q) -> Result<Json<serde_json::Value>, ApiError> {
    let date = as_of(&q, st.clock.today())?;
    Ok(Json(json!({ "code": code, "as_of": date, "seats": st.store.committee(&auth.caller, &code, date).await? })))
}
