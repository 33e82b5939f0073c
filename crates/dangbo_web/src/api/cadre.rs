//! The cadre-work API: positions, moves, exams, and the reports behind the seed's figures.

use super::body::{CommitteeReport, Created as CreatedId, CreatedMove, MovesReport, PlanningReport};
use super::params::{ApiQuery, AsOfQuery, PeriodQuery, choice};
use super::{ApiJson, Created, created};
use crate::AppState;
use crate::auth::ApiAuth;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use dangbo_core::FieldErrors;
use dangbo_core::cadre::planning::{CycleInput, PlannedInput, RemovalInput};
use dangbo_core::cadre::{ExamInput, MoveCategory, MoveInput, PositionInput};
use dangbo_db::{ExamStats, LocalityReport};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_position))
        .routes(routes!(create_move))
        .routes(routes!(create_exam))
        .routes(routes!(moves))
        .routes(routes!(exams))
        .routes(routes!(locality))
        .routes(routes!(planning))
        .routes(routes!(committee))
        .routes(routes!(create_cycle))
        .routes(routes!(add_planned))
        .routes(routes!(remove_planned))
}

/// Put a member in a post (chức vụ) from a day.
#[utoipa::path(post, path = "/positions", tag = "cadre", request_body = PositionInput, responses((status = 201, body = CreatedId)))]
async fn create_position(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<PositionInput>) -> Result<Created<CreatedId>, ApiError> {
    Ok(created(CreatedId { id: st.store.create_position(&auth.caller, input.parse(st.clock.today())?).await? }))
}

/// Record a cadre move (luân chuyển, điều động); its category is computed.
#[utoipa::path(post, path = "/moves", tag = "cadre", request_body = MoveInput, responses((status = 201, body = CreatedMove)))]
async fn create_move(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<MoveInput>) -> Result<Created<CreatedMove>, ApiError> {
    let m = input.parse(st.clock.today())?;
    let category = m.category;
    Ok(created(CreatedMove { id: st.store.create_move(&auth.caller, m).await?, category }))
}

/// Record an exam for posts (thi tuyển) with its candidates' results.
#[utoipa::path(post, path = "/exams", tag = "cadre", request_body = ExamInput, responses((status = 201, body = CreatedId)))]
async fn create_exam(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<ExamInput>) -> Result<Created<CreatedId>, ApiError> {
    Ok(created(CreatedId { id: st.store.create_exam(&auth.caller, input.parse(st.clock.today())?).await? }))
}

/// A period, and optionally one category of move.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MovesQuery {
    /// The first day of the period.
    #[param(value_type = chrono::NaiveDate, required = true)]
    from: Option<String>,
    /// The last day of the period.
    #[param(value_type = chrono::NaiveDate, required = true)]
    to: Option<String>,
    #[param(value_type = Option<MoveCategory>)]
    category: Option<String>,
}

/// Cadre moves of a period: the matrix by direction and the moves.
#[utoipa::path(get, path = "/orgs/{code}/moves", tag = "cadre", params(("code" = String, Path, description = "organisation code", example = "DH-TT-01"), MovesQuery), responses((status = 200, body = MovesReport)))]
async fn moves(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, ApiQuery(q): ApiQuery<MovesQuery>) -> Result<Json<MovesReport>, ApiError> {
    let mut e = FieldErrors::new();
    let period = super::params::period(&q.from, &q.to, &mut e);
    let category = choice("category", &q.category, MoveCategory::parse, &mut e);
    let (from, to) = super::params::finish(e, period)?;
    let matrix = st.store.move_matrix(&auth.caller, &code, from, to).await?;
    let items = st.store.moves(&auth.caller, &code, from, to, category).await?;
    Ok(Json(MovesReport { code, from, to, matrix, items }))
}

/// Exams of a period: candidates by level and results.
#[utoipa::path(get, path = "/orgs/{code}/exams", tag = "cadre", params(("code" = String, Path, description = "organisation code", example = "DH-TT-01"), PeriodQuery), responses((status = 200, body = ExamStats)))]
async fn exams(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, ApiQuery(q): ApiQuery<PeriodQuery>) -> Result<Json<ExamStats>, ApiError> {
    let (from, to) = q.period()?;
    Ok(Json(st.store.exam_stats(&auth.caller, &code, from, to).await?))
}

/// Units whose secretary is not from the locality, on a day.
#[utoipa::path(get, path = "/orgs/{code}/locality", tag = "cadre", params(("code" = String, Path, description = "organisation code", example = "DH-TT-01"), AsOfQuery), responses((status = 200, body = LocalityReport)))]
async fn locality(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<AsOfQuery>,
) -> Result<Json<LocalityReport>, ApiError> {
    Ok(Json(st.store.locality_report(&auth.caller, &code, q.date(st.clock.today())?).await?))
}

/// A committee's planning cycles (quy hoạch) with their entries and structure on a day.
#[utoipa::path(get, path = "/orgs/{code}/planning", tag = "cadre", params(("code" = String, Path, description = "organisation code", example = "DH-TT-01"), AsOfQuery), responses((status = 200, body = PlanningReport)))]
async fn planning(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<AsOfQuery>,
) -> Result<Json<PlanningReport>, ApiError> {
    let as_of = q.date(st.clock.today())?;
    let cycles = st.store.planning(&auth.caller, &code, as_of).await?;
    Ok(Json(PlanningReport { code, as_of, cycles }))
}

/// Open a planning cycle.
#[utoipa::path(post, path = "/planning-cycles", tag = "cadre", request_body = CycleInput, responses((status = 201, body = CreatedId)))]
async fn create_cycle(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<CycleInput>) -> Result<Created<CreatedId>, ApiError> {
    Ok(created(CreatedId { id: st.store.create_cycle(&auth.caller, input.parse(st.clock.today())?).await? }))
}

/// Add a member to a planning cycle for a post.
#[utoipa::path(post, path = "/planning-cycles/{id}/entries", tag = "cadre", params(("id" = String, Path, description = "planning cycle id")), request_body = PlannedInput, responses((status = 201, body = CreatedId)))]
async fn add_planned(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PlannedInput>,
) -> Result<Created<CreatedId>, ApiError> {
    Ok(created(CreatedId { id: st.store.add_planned(&auth.caller, &id, input.parse(st.clock.today())?).await? }))
}

/// Take a member out of a planning cycle, with the reason.
#[utoipa::path(post, path = "/planning-entries/{id}/removal", tag = "cadre", params(("id" = String, Path, description = "planning entry id")), request_body = RemovalInput, responses((status = 204, description = "Removed")))]
async fn remove_planned(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RemovalInput>,
) -> Result<StatusCode, ApiError> {
    st.store.remove_planned(&auth.caller, &id, input.parse(st.clock.today())?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who held which post in the organisation on a day.
#[utoipa::path(get, path = "/orgs/{code}/committee", tag = "cadre", params(("code" = String, Path, description = "organisation code", example = "DH-TT-01"), AsOfQuery), responses((status = 200, body = CommitteeReport)))]
async fn committee(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<AsOfQuery>,
) -> Result<Json<CommitteeReport>, ApiError> {
    let as_of = q.date(st.clock.today())?;
    let seats = st.store.committee(&auth.caller, &code, as_of).await?;
    Ok(Json(CommitteeReport { code, as_of, seats }))
}
