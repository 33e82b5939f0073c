//! Inspection cases and discipline in the API: confidential to the inspector role of the scope
//! (anyone else gets 404 on a case), a subtree's summary, and each step of a case as one
//! command.

use super::params::YearQuery;
use super::params::{ApiQuery, PeriodQuery};
use super::{ApiJson, Created, created};
use crate::AppState;
use crate::auth::ApiAuth;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use dangbo_core::discipline::PlanItemInput;
use dangbo_core::discipline::{CaseInput, ComplaintInput, DecisionInput, ResolutionInput, StepInput};
use dangbo_db::{CaseRow, CaseView, DisciplineSummary, InspectionPlan};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(summary))
        .routes(routes!(plan, add_plan_item))
        .routes(routes!(list))
        .routes(routes!(open))
        .routes(routes!(get_case))
        .routes(routes!(step))
        .routes(routes!(decide))
        .routes(routes!(complain))
        .routes(routes!(resolve))
}

/// What a command created.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedId {
    pub id: String,
}

/// The cases of a subtree, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseList {
    pub cases: Vec<CaseRow>,
}

/// Cases opened, penalties decided (by kind) and complaints in a subtree over a period.
#[utoipa::path(get, path = "/orgs/{code}/discipline", tag = "discipline", params(("code" = String, Path, description = "organisation code", example = "DH"), PeriodQuery), responses((status = 200, body = DisciplineSummary)))]
async fn summary(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<DisciplineSummary>, ApiError> {
    let (from, to) = q.period()?;
    Ok(Json(st.store.discipline_summary(&auth.caller, &code, from, to).await?))
}

/// The cases handled in a subtree (the inspector role's).
#[utoipa::path(get, path = "/orgs/{code}/cases", tag = "discipline", params(("code" = String, Path, description = "organisation code", example = "DH")), responses((status = 200, body = CaseList)))]
async fn list(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>) -> Result<Json<CaseList>, ApiError> {
    Ok(Json(CaseList { cases: st.store.cases(&auth.caller, &code).await? }))
}

/// Open a case on a member, handled by the commission of `org`.
#[utoipa::path(post, path = "/cases", tag = "discipline", request_body = CaseInput, responses((status = 201, body = CreatedId)))]
async fn open(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<CaseInput>) -> Result<Created<CreatedId>, ApiError> {
    let new = input.parse(st.clock.today())?;
    Ok(created(CreatedId { id: st.store.open_case(&auth.caller, input.org.trim(), &new).await? }))
}

/// One case with its steps, penalty, complaints and limitation periods (the opening is logged).
#[utoipa::path(get, path = "/cases/{id}", tag = "discipline", params(("id" = String, Path, description = "case id")), responses((status = 200, body = CaseView)))]
async fn get_case(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>) -> Result<Json<CaseView>, ApiError> {
    Ok(Json(st.store.case(&auth.caller, &id, st.clock.today()).await?))
}

/// Record a dated step of an open case (a branch's vote with its counts).
#[utoipa::path(post, path = "/cases/{id}/steps", tag = "discipline", params(("id" = String, Path, description = "case id")), request_body = StepInput, responses((status = 201, body = CreatedId)))]
async fn step(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<StepInput>) -> Result<Created<CreatedId>, ApiError> {
    let new = input.parse(st.clock.today())?;
    Ok(created(CreatedId { id: st.store.add_case_step(&auth.caller, &id, &new).await? }))
}

/// End a case: a penalty with its vote and decision, no penalty, or time-barred.
#[utoipa::path(post, path = "/cases/{id}/decision", tag = "discipline", params(("id" = String, Path, description = "case id")), request_body = DecisionInput, responses((status = 201, body = CreatedId)))]
async fn decide(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> Result<Created<CreatedId>, ApiError> {
    let new = input.parse(st.clock.today())?;
    st.store.decide_case(&auth.caller, &id, &new).await?;
    Ok(created(CreatedId { id }))
}

/// File a complaint against the case's penalty, to the level above.
#[utoipa::path(post, path = "/cases/{id}/complaints", tag = "discipline", params(("id" = String, Path, description = "case id")), request_body = ComplaintInput, responses((status = 201, body = CreatedId)))]
async fn complain(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ComplaintInput>,
) -> Result<Created<CreatedId>, ApiError> {
    let (filed, to) = input.parse(st.clock.today())?;
    Ok(created(CreatedId { id: st.store.file_complaint(&auth.caller, &id, filed, &to).await? }))
}

/// Record the resolution of the case's open complaint.
#[utoipa::path(post, path = "/cases/{id}/complaints/resolution", tag = "discipline", params(("id" = String, Path, description = "case id")), request_body = ResolutionInput, responses((status = 201, body = CreatedId)))]
async fn resolve(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ResolutionInput>,
) -> Result<Created<CreatedId>, ApiError> {
    let res = input.parse(st.clock.today())?;
    st.store.resolve_complaint(&auth.caller, &id, &res).await?;
    Ok(created(CreatedId { id }))
}

/// An organisation's inspection and supervision programme for a year, each item with the cases
/// opened and closed under it.
#[utoipa::path(get, path = "/orgs/{code}/inspection-plan", tag = "discipline", params(("code" = String, Path, description = "organisation code", example = "DH"), YearQuery), responses((status = 200, body = InspectionPlan)))]
async fn plan(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, ApiQuery(q): ApiQuery<YearQuery>) -> Result<Json<InspectionPlan>, ApiError> {
    let year = q.year(st.clock.today())?;
    Ok(Json(st.store.inspection_plan(&auth.caller, &code, year).await?))
}

/// An item of the programme of a year.
#[derive(Debug, serde::Deserialize, ToSchema)]
pub struct PlanItemBody {
    #[schema(example = 2026)]
    pub year: i32,
    #[serde(flatten)]
    pub item: PlanItemInput,
}

/// Add an item to an organisation's programme of a year.
#[utoipa::path(post, path = "/orgs/{code}/inspection-plan", tag = "discipline", params(("code" = String, Path, description = "organisation code", example = "DH")), request_body = PlanItemBody, responses((status = 201, body = CreatedId)))]
async fn add_plan_item(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<PlanItemBody>,
) -> Result<Created<CreatedId>, ApiError> {
    if !(1930..=2100).contains(&b.year) {
        return Err(dangbo_core::FieldErrors::single("year", "err-number").into());
    }
    let item = b.item.parse(b.year)?;
    Ok(created(CreatedId { id: st.store.add_plan_item(&auth.caller, &code, b.year, &item).await? }))
}
