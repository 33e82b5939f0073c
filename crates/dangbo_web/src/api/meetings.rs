//! The meetings API: plan, attendance, votes, tasks, minutes, proposals, supervisors, and the
//! committee's yearly report. Every call is scoped like the pages.

use super::body::{Created as CreatedId, Items, MeetingBody, MeetingList, VoteRecorded};
use super::params::{ApiQuery, OpenQuery, OrgQuery, YearQuery, finish, period};
use super::{ApiJson, Created, created};
use crate::AppState;
use crate::auth::ApiAuth;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use dangbo_core::FieldErrors;
use dangbo_core::meeting::{AnswerInput, AssignmentInput, DocumentInput, HoldInput, MeetingInput, ProposalInput, SupervisorInput, TaskInput, VoteInput};
use dangbo_db::{AssignmentRow, DocumentRow, MeetingReport, ProposalRow, StudyReport};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show))
        .routes(routes!(hold))
        .routes(routes!(vote))
        .routes(routes!(task))
        .routes(routes!(proposal))
        .routes(routes!(minutes))
        .routes(routes!(close))
        .routes(routes!(correct))
        .routes(routes!(task_done))
        .routes(routes!(proposals))
        .routes(routes!(proposal_action))
        .routes(routes!(assign))
        .routes(routes!(report))
        .routes(routes!(study))
        .routes(routes!(minutes_pdf))
        .routes(routes!(documents, create_document))
        .routes(routes!(study_report))
        .routes(routes!(assign_member))
        .routes(routes!(member_assignments))
}

fn new_id(id: String) -> Created<CreatedId> {
    created(CreatedId { id })
}

/// A subtree and a period.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingsQuery {
    /// The code of the subtree.
    #[param(required = true, example = "DH-TT-01")]
    org: Option<String>,
    /// The first day of the period.
    #[param(value_type = chrono::NaiveDate, required = true, example = "2019-01-01")]
    from: Option<String>,
    /// The last day of the period.
    #[param(value_type = chrono::NaiveDate, required = true, example = "2019-12-31")]
    to: Option<String>,
}

/// Meetings planned or held in the subtree of `org` between `from` and `to`.
#[utoipa::path(get, path = "/meetings", tag = "meetings", params(MeetingsQuery), responses((status = 200, body = MeetingList)))]
async fn list(State(st): State<AppState>, auth: ApiAuth, ApiQuery(q): ApiQuery<MeetingsQuery>) -> Result<Json<MeetingList>, ApiError> {
    let mut e = FieldErrors::new();
    let org = super::params::given_text(&q.org);
    if org.is_none() {
        e.add("org", "err-required");
    }
    let p = period(&q.from, &q.to, &mut e);
    let (org, (from, to)) = finish(e, org.zip(p))?;
    let items = st.store.list_meetings(&auth.caller, &org, from, to).await?;
    Ok(Json(MeetingList { org, from, to, items }))
}

/// Plan a meeting.
#[utoipa::path(post, path = "/meetings", tag = "meetings", request_body = MeetingInput, responses((status = 201, body = CreatedId)))]
async fn create(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<MeetingInput>) -> Result<Created<CreatedId>, ApiError> {
    Ok(new_id(st.store.create_meeting(&auth.caller, input.parse()?).await?))
}

/// A meeting: plan, attendance, votes, tasks, minutes, and the addresses of its papers.
#[utoipa::path(get, path = "/meetings/{id}", tag = "meetings", params(("id" = String, Path, description = "meeting id")), responses((status = 200, body = MeetingBody)))]
async fn show(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>) -> Result<Json<MeetingBody>, ApiError> {
    let meeting = st.store.meeting(&auth.caller, &id).await?;
    Ok(Json(MeetingBody { meeting, minutes_pdf: format!("/api/v1/meetings/{id}/minutes.pdf"), kit_pdf: format!("/meetings/{id}/kit.pdf") }))
}

/// Record that the meeting was held, with its attendance.
#[utoipa::path(post, path = "/meetings/{id}/attendance", tag = "meetings", params(("id" = String, Path, description = "meeting id")), request_body = HoldInput, responses((status = 204, description = "Recorded")))]
async fn hold(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<HoldInput>) -> Result<StatusCode, ApiError> {
    st.store.hold_meeting(&auth.caller, &id, input.parse(st.clock.today())?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record a vote; its outcome is computed from the rule in force.
#[utoipa::path(post, path = "/meetings/{id}/votes", tag = "meetings", params(("id" = String, Path, description = "meeting id")), request_body = VoteInput, responses((status = 201, body = VoteRecorded)))]
async fn vote(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<VoteInput>,
) -> Result<Created<VoteRecorded>, ApiError> {
    let vote = st.store.record_vote(&auth.caller, &id, input.parse()?).await?;
    let d = st.store.meeting(&auth.caller, &id).await?;
    let row = d.votes.into_iter().find(|v| v.id == vote);
    Ok(created(VoteRecorded { id: vote, vote: row }))
}

/// Give a task at a meeting.
#[utoipa::path(post, path = "/meetings/{id}/tasks", tag = "meetings", params(("id" = String, Path, description = "meeting id")), request_body = TaskInput, responses((status = 201, body = CreatedId)))]
async fn task(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<TaskInput>) -> Result<Created<CreatedId>, ApiError> {
    Ok(new_id(st.store.add_task(&auth.caller, &id, input.parse()?).await?))
}

/// The day a task was done.
#[derive(Deserialize, ToSchema)]
struct DoneInput {
    #[serde(default)]
    #[schema(value_type = chrono::NaiveDate)]
    done_on: String,
}

/// Mark a task done.
#[utoipa::path(post, path = "/tasks/{id}/done", tag = "meetings", params(("id" = String, Path, description = "task id")), request_body = DoneInput, responses((status = 204, description = "Recorded")))]
async fn task_done(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<DoneInput>) -> Result<StatusCode, ApiError> {
    let mut e = FieldErrors::new();
    let on = dangbo_core::org::parse_past_date("done_on", &input.done_on, st.clock.today(), &mut e).ok_or_else(|| ApiError::from(e))?;
    st.store.finish_task(&auth.caller, &id, on).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Raise a proposal (kiến nghị) to the committee above.
#[utoipa::path(post, path = "/meetings/{id}/proposals", tag = "meetings", params(("id" = String, Path, description = "meeting id")), request_body = ProposalInput, responses((status = 201, body = CreatedId)))]
async fn proposal(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ProposalInput>,
) -> Result<Created<CreatedId>, ApiError> {
    Ok(new_id(st.store.raise_proposal(&auth.caller, &id, input.parse()?).await?))
}

/// The minutes' opinions and conclusions.
#[derive(Deserialize, ToSchema)]
struct MinutesInput {
    #[serde(default)]
    opinions: String,
    #[serde(default)]
    conclusions: String,
}

/// Write the minutes (until they are closed).
#[utoipa::path(post, path = "/meetings/{id}/minutes", tag = "meetings", params(("id" = String, Path, description = "meeting id")), request_body = MinutesInput, responses((status = 204, description = "Written")))]
async fn minutes(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<MinutesInput>) -> Result<StatusCode, ApiError> {
    st.store.write_minutes(&auth.caller, &id, &input.opinions, &input.conclusions).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Close the minutes: from then on they change only by correction.
#[utoipa::path(post, path = "/meetings/{id}/close", tag = "meetings", params(("id" = String, Path, description = "meeting id")), responses((status = 204, description = "Closed")))]
async fn close(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    st.store.close_minutes(&auth.caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A correction to closed minutes.
#[derive(Deserialize, ToSchema)]
struct CorrectionInput {
    #[serde(default)]
    entry: String,
}

/// Add a correction to closed minutes.
#[utoipa::path(post, path = "/meetings/{id}/corrections", tag = "meetings", params(("id" = String, Path, description = "meeting id")), request_body = CorrectionInput, responses((status = 201, description = "Added")))]
async fn correct(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<CorrectionInput>) -> Result<StatusCode, ApiError> {
    st.store.correct_minutes(&auth.caller, &id, &input.entry).await?;
    Ok(StatusCode::CREATED)
}

/// Proposals the caller sees; `open=1` leaves out those reported back.
#[utoipa::path(get, path = "/proposals", tag = "meetings", params(OpenQuery), responses((status = 200, body = Items<ProposalRow>)))]
async fn proposals(State(st): State<AppState>, auth: ApiAuth, ApiQuery(q): ApiQuery<OpenQuery>) -> Result<Json<Items<ProposalRow>>, ApiError> {
    Ok(Json(st.store.proposals(&auth.caller, q.open()).await?.into()))
}

/// Answer, forward or report back on a proposal.
#[utoipa::path(post, path = "/proposals/{id}", tag = "meetings", params(("id" = String, Path, description = "proposal id")), request_body = AnswerInput, responses((status = 204, description = "Recorded")))]
async fn proposal_action(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AnswerInput>,
) -> Result<StatusCode, ApiError> {
    st.store.proposal_action(&auth.caller, &id, input.parse(st.clock.today())?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Assign a committee member to supervise a branch's meetings.
#[utoipa::path(post, path = "/supervisors", tag = "meetings", request_body = SupervisorInput, responses((status = 201, body = CreatedId)))]
async fn assign(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<SupervisorInput>) -> Result<Created<CreatedId>, ApiError> {
    Ok(new_id(st.store.assign_supervisor(&auth.caller, input.parse(st.clock.today())?).await?))
}

/// Regularity, supervision coverage and quality of a year's meetings.
#[utoipa::path(get, path = "/orgs/{code}/meeting-report", tag = "meetings", params(("code" = String, Path, description = "organisation code", example = "DH-TT-01"), YearQuery), responses((status = 200, body = MeetingReport)))]
async fn report(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<MeetingReport>, ApiError> {
    let year = q.year(st.clock.today())?;
    Ok(Json(st.store.meeting_report(&auth.caller, &code, year, st.clock.today()).await?))
}

/// A document studied at a meeting.
#[derive(Deserialize, ToSchema)]
struct StudyInput {
    /// The document's id.
    #[serde(default)]
    document: String,
}

/// Record that a meeting studied a document.
#[utoipa::path(post, path = "/meetings/{id}/documents", tag = "meetings", params(("id" = String, Path, description = "meeting id")), request_body = StudyInput, responses((status = 204, description = "Recorded")))]
async fn study(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<StudyInput>) -> Result<StatusCode, ApiError> {
    st.store.study_document(&auth.caller, &id, &input.document).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Documents (resolutions, directives) the caller's branches study.
#[utoipa::path(get, path = "/documents", tag = "meetings", responses((status = 200, body = Items<DocumentRow>)))]
async fn documents(State(st): State<AppState>, auth: ApiAuth) -> Result<Json<Items<DocumentRow>>, ApiError> {
    Ok(Json(st.store.documents(&auth.caller).await?.into()))
}

/// Register a document to be studied.
#[utoipa::path(post, path = "/documents", tag = "meetings", request_body = DocumentInput, responses((status = 201, body = CreatedId)))]
async fn create_document(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<DocumentInput>) -> Result<Created<CreatedId>, ApiError> {
    Ok(new_id(st.store.create_document(&auth.caller, input.parse(st.clock.today())?).await?))
}

/// Who under `org` has studied the document (present at a meeting that studied it).
#[utoipa::path(get, path = "/documents/{id}/study", tag = "meetings", params(("id" = String, Path, description = "document id"), OrgQuery), responses((status = 200, body = StudyReport)))]
async fn study_report(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> Result<Json<StudyReport>, ApiError> {
    Ok(Json(st.store.study_report(&auth.caller, q.org()?, &id).await?))
}

/// Give a member a standing assignment (phân công).
#[utoipa::path(post, path = "/assignments", tag = "meetings", request_body = AssignmentInput, responses((status = 201, body = CreatedId)))]
async fn assign_member(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<AssignmentInput>) -> Result<Created<CreatedId>, ApiError> {
    Ok(new_id(st.store.create_assignment(&auth.caller, input.parse(st.clock.today())?).await?))
}

/// A member's assignments.
#[utoipa::path(get, path = "/members/{id}/assignments", tag = "meetings", params(("id" = String, Path, description = "member id")), responses((status = 200, body = Items<AssignmentRow>)))]
async fn member_assignments(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>) -> Result<Json<Items<AssignmentRow>>, ApiError> {
    Ok(Json(st.store.member_assignments(&auth.caller, &id).await?.into()))
}

/// The minutes as a PDF (a draft until closed).
#[utoipa::path(get, path = "/meetings/{id}/minutes.pdf", tag = "meetings", params(("id" = String, Path, description = "meeting id")), responses((status = 200, description = "The minutes, A4", content_type = "application/pdf", body = String)))]
async fn minutes_pdf(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>) -> Result<Response, ApiError> {
    crate::pages::meeting_docs::minutes_pdf(&st, &auth.caller, &id).await?.ok_or_else(|| ApiError::from(crate::error::ErrorKind::Internal))
}
