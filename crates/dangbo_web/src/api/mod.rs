//! The JSON API under /api/v1: session cookie or `Authorization: Bearer`. Errors are
//! `{"error": {"code", "message", "fields"}}` in the caller's language.
//!
//! Every handler carries its `#[utoipa::path]` and is routed with `routes!`, so the router and
//! the OpenAPI document (`doc.rs`) are one list and cannot drift.

pub(crate) mod body;
mod cadre;
mod discipline;
mod doc;
mod fee_levels;
mod fees;
mod lifecycle;
mod meetings;
pub(crate) mod params;
mod ratings;
pub(crate) use lifecycle::DayInput;

use crate::AppState;
use crate::auth::ApiAuth;
use crate::error::{ApiError, ErrorKind};
use axum::Json;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use body::{CreatedEvent, CreatedMember, Items, MemberCounts, OrgWithHistory, QualityReport, SummaryBody};
use dangbo_core::FieldErrors;
use dangbo_core::event::EventInput;
use dangbo_core::member::{AgeBand, MemberInput, Status};
use dangbo_core::org::{NewOrgInput, OrgEventInput};
use dangbo_db::{MemberDetail, MemberFilter, MemberPage, MemberStats, Movements, OrgRow, PressFigures};
use params::{ApiQuery, AsOfQuery, OrgsQuery, PeriodQuery, choice, given_text};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The API's router with its document.
fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(doc::base())
        .routes(routes!(doc::document))
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(get_org))
        .routes(routes!(summary))
        .routes(routes!(org_event))
        .routes(routes!(member_stats))
        .routes(routes!(press_figures))
        .routes(routes!(data_quality))
        .routes(routes!(movements))
        .routes(routes!(list_members, create_member))
        .routes(routes!(get_member))
        .routes(routes!(member_event))
        .merge(lifecycle::router())
        .merge(cadre::router())
        .merge(meetings::router())
        .merge(fees::router())
        .merge(fee_levels::router())
        .merge(ratings::router())
        .merge(discipline::router())
}

/// The API's routes, remembering their paths for the route × role test.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::from_openapi(router()).map(|r| r.fallback(|| async { ApiError::from(ErrorKind::NotFound) }))
}

/// The generated OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    doc::finish(router().into_openapi())
}

/// A JSON body whose rejection (bad JSON, wrong types, bad UTF-8) is our 400.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(_) => Err(ErrorKind::BadRequest.into()),
        }
    }
}

/// A write's answer: 201 with its body.
pub(crate) type Created<T> = (StatusCode, Json<T>);

pub(crate) fn created<T>(v: T) -> Created<T> {
    (StatusCode::CREATED, Json(v))
}

/// Roots of the caller's scope, or the children of `parent` on `as_of`.
#[utoipa::path(get, path = "/orgs", tag = "orgs", params(OrgsQuery), responses((status = 200, body = Items<OrgRow>)))]
async fn list_orgs(State(st): State<AppState>, auth: ApiAuth, ApiQuery(q): ApiQuery<OrgsQuery>) -> Result<Json<Items<OrgRow>>, ApiError> {
    let date = AsOfQuery { as_of: q.as_of }.date(st.clock.today())?;
    let items = match given_text(&q.parent) {
        Some(parent) => st.store.org_children(&auth.caller, &parent, date).await?,
        None => st.store.org_roots(&auth.caller).await?,
    };
    Ok(Json(items.into()))
}

/// One organisation with its history.
#[utoipa::path(get, path = "/orgs/{code}", tag = "orgs", params(("code" = String, Path, description = "organisation code", example = "DH-TT-01")), responses((status = 200, body = OrgWithHistory)))]
async fn get_org(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>) -> Result<Json<OrgWithHistory>, ApiError> {
    let org = st.store.org(&auth.caller, &code).await?;
    let history = st.store.org_history(&auth.caller, &code).await?;
    Ok(Json(OrgWithHistory { org, history }))
}

/// Counts of the subtree on a day.
#[utoipa::path(get, path = "/orgs/{code}/summary", tag = "orgs", params(("code" = String, Path, description = "organisation code", example = "DH-TT-01"), AsOfQuery), responses((status = 200, body = SummaryBody)))]
async fn summary(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, ApiQuery(q): ApiQuery<AsOfQuery>) -> Result<Json<SummaryBody>, ApiError> {
    let s = st.store.summary(&auth.caller, &code, q.date(st.clock.today())?).await?;
    let members = MemberCounts { total: s.total(), probationary: s.probationary, full: s.full, exempt: s.exempt };
    Ok(Json(SummaryBody { code: s.code, name: s.name, as_of: s.as_of, grassroots_orgs: s.grassroots_orgs, members }))
}

/// Found an organisation (admin).
#[utoipa::path(post, path = "/orgs", tag = "orgs", request_body = NewOrgInput, responses((status = 201, body = OrgRow)))]
async fn create_org(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<NewOrgInput>) -> Result<Created<OrgRow>, ApiError> {
    let new = input.parse(st.clock.today())?;
    Ok(created(st.store.create_org(&auth.caller, new).await?))
}

/// Rename, move, merge or dissolve an organisation.
#[utoipa::path(post, path = "/orgs/{code}/events", tag = "orgs", params(("code" = String, Path, description = "organisation code", example = "DH-TT-01")), request_body = OrgEventInput, responses((status = 201, body = OrgRow)))]
async fn org_event(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<OrgEventInput>,
) -> Result<Created<OrgRow>, ApiError> {
    let ev = input.parse(st.clock.today())?;
    Ok(created(st.store.org_event(&auth.caller, &code, ev).await?))
}

/// The member list's filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MembersQuery {
    /// The code of the subtree to list.
    org: Option<String>,
    /// Words of a name, diacritics (and đ/d) ignored.
    q: Option<String>,
    #[param(value_type = Option<Status>)]
    status: Option<String>,
    /// `male` or `female`.
    sex: Option<String>,
    /// The code of an ethnic group (01 Kinh … 54).
    ethnicity: Option<String>,
    religion: Option<String>,
    /// A level of general education, or `none` for members with none recorded.
    education: Option<String>,
    professional: Option<String>,
    theory: Option<String>,
    #[param(value_type = Option<AgeBand>)]
    age_band: Option<String>,
    /// The day the members are counted on; today when absent.
    #[param(value_type = Option<chrono::NaiveDate>)]
    as_of: Option<String>,
    /// Rows per page, 1–500 (50 when absent).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 500)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

impl MembersQuery {
    fn filter(&self, today: chrono::NaiveDate) -> Result<MemberFilter, ApiError> {
        let mut e = FieldErrors::new();
        let status = choice("status", &self.status, Status::parse, &mut e);
        let age_band = choice("age_band", &self.age_band, AgeBand::parse, &mut e);
        let limit = choice("limit", &self.limit, |s| s.parse::<i64>().ok().filter(|n| (1..=dangbo_db::MAX_PAGE).contains(n)), &mut e).unwrap_or(50);
        let as_of = params::date("as_of", &self.as_of, &mut e).unwrap_or(today);
        let filter = MemberFilter {
            org: given_text(&self.org),
            q: given_text(&self.q),
            status,
            sex: given_text(&self.sex),
            ethnicity: given_text(&self.ethnicity),
            religion: given_text(&self.religion),
            education: given_text(&self.education),
            professional: given_text(&self.professional),
            theory: given_text(&self.theory),
            age_band,
            as_of: Some(as_of),
            limit,
            cursor: given_text(&self.cursor),
        };
        params::done(e, filter)
    }
}

/// Members counted on a day, sorted by given name, a page at a time.
#[utoipa::path(get, path = "/members", tag = "members", params(MembersQuery), responses((status = 200, body = MemberPage)))]
async fn list_members(State(st): State<AppState>, auth: ApiAuth, ApiQuery(q): ApiQuery<MembersQuery>) -> Result<Json<MemberPage>, ApiError> {
    let today = st.clock.today();
    Ok(Json(st.store.list_members(&auth.caller, &q.filter(today)?, today).await?))
}

/// A member's full record with its events (the read is logged).
#[utoipa::path(get, path = "/members/{id}", tag = "members", params(("id" = String, Path, description = "member id")), responses((status = 200, body = MemberDetail)))]
async fn get_member(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>) -> Result<Json<MemberDetail>, ApiError> {
    Ok(Json(st.store.member(&auth.caller, &id).await?))
}

/// Add a member (counted from the ceremony day).
#[utoipa::path(post, path = "/members", tag = "members", request_body = MemberInput, responses((status = 201, body = CreatedMember)))]
async fn create_member(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<MemberInput>) -> Result<Created<CreatedMember>, ApiError> {
    let new = input.parse(st.clock.today())?;
    let (full_name, org) = (new.person.full_name(), new.org.as_str().to_string());
    let status = if new.full_date.is_some() { Status::Full } else { Status::Probationary };
    let id = st.store.create_member(&auth.caller, new).await?;
    Ok(created(CreatedMember { id, full_name, org, status }))
}

/// Record an event in a member's history.
#[utoipa::path(post, path = "/members/{id}/events", tag = "members", params(("id" = String, Path, description = "member id")), request_body = EventInput, responses((status = 201, body = CreatedEvent)))]
async fn member_event(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<EventInput>,
) -> Result<Created<CreatedEvent>, ApiError> {
    let today = st.clock.today();
    let ev = input.parse(today)?;
    let event_id = st.store.record_event(&auth.caller, &id, ev, today).await?;
    Ok(created(CreatedEvent { id: event_id, member_id: id }))
}

/// Members of the subtree on a day by status, sex, age band, ethnicity, religion and levels;
/// every breakdown adds up to the total.
#[utoipa::path(get, path = "/orgs/{code}/stats", tag = "reports", params(("code" = String, Path, description = "organisation code", example = "DH-TT-01"), AsOfQuery), responses((status = 200, body = MemberStats)))]
async fn member_stats(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<AsOfQuery>,
) -> Result<Json<MemberStats>, ApiError> {
    Ok(Json(st.store.member_stats(&auth.caller, &code, q.date(st.clock.today())?).await?))
}

/// Movements of a period: admissions (under 30, women, ethnic minority, religious),
/// re-admissions, recognitions, arrivals, exits by kind.
#[utoipa::path(get, path = "/orgs/{code}/movements", tag = "reports", params(("code" = String, Path, description = "organisation code", example = "DH-TT-01"), PeriodQuery), responses((status = 200, body = Movements)))]
async fn movements(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<Movements>, ApiError> {
    let (from, to) = q.period()?;
    Ok(Json(st.store.movements(&auth.caller, &code, from, to).await?))
}

/// The seed article's figures for a period; a figure whose work is not recorded is null.
#[utoipa::path(get, path = "/orgs/{code}/press-figures", tag = "reports", params(("code" = String, Path, description = "organisation code", example = "DH-TT-01"), PeriodQuery), responses((status = 200, body = PressFigures)))]
async fn press_figures(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<PressFigures>, ApiError> {
    let (from, to) = q.period()?;
    Ok(Json(st.store.press_figures(&auth.caller, &code, from, to).await?))
}

/// Per branch: members, missing CCCD, under age at admission, possible duplicates, full members
/// without a card.
#[utoipa::path(get, path = "/orgs/{code}/quality", tag = "reports", params(("code" = String, Path, description = "organisation code", example = "DH-TT-01"), AsOfQuery), responses((status = 200, body = QualityReport)))]
async fn data_quality(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<AsOfQuery>,
) -> Result<Json<QualityReport>, ApiError> {
    let as_of = q.date(st.clock.today())?;
    let items = st.store.data_quality(&auth.caller, &code, as_of).await?;
    Ok(Json(QualityReport { code, as_of, items }))
}
