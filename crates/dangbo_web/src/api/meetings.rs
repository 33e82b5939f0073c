//! The meetings API: plan, attendance, votes, tasks, minutes, proposals, supervisors, and the
//! committee's yearly report. Every call is scoped like the pages.

use super::{ApiJson, Q, period};
use crate::AppState;
use crate::auth::ApiAuth;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use dangbo_core::FieldErrors;
use dangbo_core::meeting::{AnswerInput, AssignmentInput, DocumentInput, HoldInput, MeetingInput, ProposalInput, SupervisorInput, TaskInput, VoteInput};
use serde::Deserialize;
use serde_json::json;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/meetings", get(list).post(create))
        .route("/meetings/{id}", get(show))
        .route("/meetings/{id}/attendance", post(hold))
        .route("/meetings/{id}/votes", post(vote))
        .route("/meetings/{id}/tasks", post(task))
        .route("/meetings/{id}/proposals", post(proposal))
        .route("/meetings/{id}/minutes", post(minutes))
        .route("/meetings/{id}/close", post(close))
        .route("/meetings/{id}/corrections", post(correct))
        .route("/tasks/{id}/done", post(task_done))
        .route("/proposals", get(proposals))
        .route("/proposals/{id}", post(proposal_action))
        .route("/supervisors", post(assign))
        .route("/orgs/{code}/meeting-report", get(report))
        .route("/meetings/{id}/documents", post(study))
        .route("/meetings/{id}/minutes.pdf", get(minutes_pdf))
        .route("/documents", get(documents).post(create_document))
        .route("/documents/{id}/study", get(study_report))
        .route("/assignments", post(assign_member))
        .route("/members/{id}/assignments", get(member_assignments))
}

fn created(id: String) -> Response {
    (StatusCode::CREATED, Json(json!({ "id": id }))).into_response()
}

/// Meetings planned or held in the subtree of `org` between `from` and `to`.
async fn list(State(st): State<AppState>, auth: ApiAuth, Query(q): Q) -> Result<Json<serde_json::Value>, ApiError> {
    let org = q.get("org").filter(|s| !s.trim().is_empty()).ok_or_else(|| ApiError::from(FieldErrors::single("org", "err-required")))?;
    let (from, to) = period(&q)?;
    let items = st.store.list_meetings(&auth.caller, org, from, to).await?;
    Ok(Json(json!({ "org": org, "from": from, "to": to, "items": items })))
}

async fn create(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<MeetingInput>) -> Result<Response, ApiError> {
    Ok(created(st.store.create_meeting(&auth.caller, input.parse()?).await?))
}

async fn show(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>) -> Result<Json<serde_json::Value>, ApiError> {
    let d = st.store.meeting(&auth.caller, &id).await?;
    let mut v = serde_json::to_value(&d).map_err(|e| ApiError::from(dangbo_db::DbError::from(e)))?;
    v["minutes_pdf"] = json!(format!("/api/v1/meetings/{id}/minutes.pdf"));
    v["kit_pdf"] = json!(format!("/meetings/{id}/kit.pdf"));
    Ok(Json(v))
}

async fn hold(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<HoldInput>) -> Result<StatusCode, ApiError> {
    st.store.hold_meeting(&auth.caller, &id, input.parse(st.clock.today())?).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn vote(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<VoteInput>) -> Result<Response, ApiError> {
    let vote = st.store.record_vote(&auth.caller, &id, input.parse()?).await?;
    let d = st.store.meeting(&auth.caller, &id).await?;
    let row = d.votes.into_iter().find(|v| v.id == vote);
    Ok((StatusCode::CREATED, Json(json!({ "id": vote, "vote": row }))).into_response())
}

async fn task(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<TaskInput>) -> Result<Response, ApiError> {
    Ok(created(st.store.add_task(&auth.caller, &id, input.parse()?).await?))
}

#[derive(Deserialize)]
struct DoneInput {
    #[serde(default)]
    done_on: String,
}

async fn task_done(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<DoneInput>) -> Result<StatusCode, ApiError> {
    let mut e = FieldErrors::new();
    let on = dangbo_core::org::parse_past_date("done_on", &input.done_on, st.clock.today(), &mut e).ok_or_else(|| ApiError::from(e))?;
    st.store.finish_task(&auth.caller, &id, on).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn proposal(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<ProposalInput>) -> Result<Response, ApiError> {
    Ok(created(st.store.raise_proposal(&auth.caller, &id, input.parse()?).await?))
}

#[derive(Deserialize)]
struct MinutesInput {
    #[serde(default)]
    opinions: String,
    #[serde(default)]
    conclusions: String,
}

async fn minutes(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<MinutesInput>) -> Result<StatusCode, ApiError> {
    st.store.write_minutes(&auth.caller, &id, &input.opinions, &input.conclusions).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn close(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    st.store.close_minutes(&auth.caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct CorrectionInput {
    #[serde(default)]
    entry: String,
}

async fn correct(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<CorrectionInput>) -> Result<StatusCode, ApiError> {
    st.store.correct_minutes(&auth.caller, &id, &input.entry).await?;
    Ok(StatusCode::CREATED)
}

/// Proposals the caller sees; `open=1` leaves out those reported back.
async fn proposals(State(st): State<AppState>, auth: ApiAuth, Query(q): Q) -> Result<Json<serde_json::Value>, ApiError> {
    let open = q.get("open").is_some_and(|v| v == "1" || v == "true");
    Ok(Json(json!({ "items": st.store.proposals(&auth.caller, open).await? })))
}

async fn proposal_action(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AnswerInput>,
) -> Result<StatusCode, ApiError> {
    st.store.proposal_action(&auth.caller, &id, input.parse(st.clock.today())?).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn assign(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<SupervisorInput>) -> Result<Response, ApiError> {
    Ok(created(st.store.assign_supervisor(&auth.caller, input.parse(st.clock.today())?).await?))
}

/// Regularity, supervision coverage and quality of the year (`year`, default this year).
async fn report(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, Query(q): Q) -> Result<Json<dangbo_db::MeetingReport>, ApiError> {
    use chrono::Datelike;
    let year = match q.get("year") {
        None => st.clock.today().year(),
        Some(y) => y.trim().parse().ok().filter(|y| (1930..=2200).contains(y)).ok_or_else(|| ApiError::from(FieldErrors::single("year", "err-number")))?,
    };
    Ok(Json(st.store.meeting_report(&auth.caller, &code, year).await?))
}

#[derive(Deserialize)]
struct StudyInput {
    #[serde(default)]
    document: String,
}

async fn study(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<StudyInput>) -> Result<StatusCode, ApiError> {
    st.store.study_document(&auth.caller, &id, &input.document).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn documents(State(st): State<AppState>, auth: ApiAuth) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(json!({ "items": st.store.documents(&auth.caller).await? })))
}

async fn create_document(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<DocumentInput>) -> Result<Response, ApiError> {
    Ok(created(st.store.create_document(&auth.caller, input.parse(st.clock.today())?).await?))
}

/// Who under `org` has studied the document (present at a meeting that studied it).
async fn study_report(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, Query(q): Q) -> Result<Json<dangbo_db::StudyReport>, ApiError> {
    let org = q.get("org").filter(|s| !s.trim().is_empty()).ok_or_else(|| ApiError::from(FieldErrors::single("org", "err-required")))?;
    Ok(Json(st.store.study_report(&auth.caller, org, &id).await?))
}

async fn assign_member(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<AssignmentInput>) -> Result<Response, ApiError> {
    Ok(created(st.store.create_assignment(&auth.caller, input.parse(st.clock.today())?).await?))
}

async fn member_assignments(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(json!({ "items": st.store.member_assignments(&auth.caller, &id).await? })))
}

/// The minutes as a PDF (a draft until closed).
async fn minutes_pdf(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>) -> Result<Response, ApiError> {
    crate::pages::meeting_docs::minutes_pdf(&st, &auth.caller, &id).await?.ok_or_else(|| ApiError::from(crate::error::ErrorKind::Internal))
}
