//! The JSON API under /api/v1: session cookie or `Authorization: Bearer`. Errors are
//! `{"error": {"code", "message", "fields"}}` in the caller's language.

mod cadre;
mod lifecycle;
mod meetings;
pub(crate) use lifecycle::DayInput;
mod openapi;

use crate::AppState;
use crate::auth::ApiAuth;
use crate::error::{ApiError, ErrorKind};
use axum::Json;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use dangbo_core::FieldErrors;
use dangbo_core::event::EventInput;
use dangbo_core::member::{AgeBand, MemberInput, Status};
use dangbo_core::org::{NewOrgInput, OrgEventInput};
use dangbo_db::MemberFilter;
use serde::de::DeserializeOwned;
use serde_json::json;
use std::collections::HashMap;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/openapi.json", get(openapi::document))
        .route("/orgs", get(list_orgs).post(create_org))
        .route("/orgs/{code}", get(get_org))
        .route("/orgs/{code}/summary", get(summary))
        .route("/orgs/{code}/events", post(org_event))
        .route("/orgs/{code}/stats", get(member_stats))
        .route("/orgs/{code}/press-figures", get(press_figures))
        .route("/orgs/{code}/quality", get(data_quality))
        .route("/orgs/{code}/movements", get(movements))
        .route("/members", get(list_members).post(create_member))
        .route("/members/{id}", get(get_member))
        .route("/members/{id}/events", post(member_event))
        .merge(lifecycle::routes())
        .merge(cadre::routes())
        .merge(meetings::routes())
        .map(|r| r.fallback(|| async { ApiError::from(ErrorKind::NotFound) }))
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

type Q = Query<HashMap<String, String>>;

/// The `as_of` parameter: absent means today; present must be a date.
pub(crate) fn as_of(q: &HashMap<String, String>, today: NaiveDate) -> Result<NaiveDate, ApiError> {
    match q.get("as_of").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(today),
        Some(s) => dangbo_core::date::parse(s).ok_or_else(|| FieldErrors::single("as_of", "err-date-invalid").into()),
    }
}

async fn list_orgs(State(st): State<AppState>, auth: ApiAuth, Query(q): Q) -> Result<Json<serde_json::Value>, ApiError> {
    let today = st.clock.today();
    let items = match q.get("parent") {
        Some(parent) => st.store.org_children(&auth.caller, parent, as_of(&q, today)?).await?,
        None => st.store.org_roots(&auth.caller).await?,
    };
    Ok(Json(json!({ "items": items })))
}

async fn get_org(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>) -> Result<Json<serde_json::Value>, ApiError> {
    let org = st.store.org(&auth.caller, &code).await?;
    let history = st.store.org_history(&auth.caller, &code).await?;
    let mut v = serde_json::to_value(org).map_err(|_| ApiError::from(ErrorKind::Internal))?;
    v["history"] = serde_json::to_value(history).map_err(|_| ApiError::from(ErrorKind::Internal))?;
    Ok(Json(v))
}

async fn summary(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, Query(q): Q) -> Result<Json<serde_json::Value>, ApiError> {
    let date = as_of(&q, st.clock.today())?;
    let s = st.store.summary(&auth.caller, &code, date).await?;
    Ok(Json(json!({
        "code": s.code,
        "name": s.name,
        "as_of": s.as_of,
        "grassroots_orgs": s.grassroots_orgs,
        "members": { "total": s.total(), "probationary": s.probationary, "full": s.full, "exempt": s.exempt },
    })))
}

async fn create_org(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<NewOrgInput>) -> Result<Response, ApiError> {
    let new = input.parse(st.clock.today())?;
    let org = st.store.create_org(&auth.caller, new).await?;
    Ok((StatusCode::CREATED, Json(org)).into_response())
}

async fn org_event(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, ApiJson(input): ApiJson<OrgEventInput>) -> Result<Response, ApiError> {
    let ev = input.parse(st.clock.today())?;
    let org = st.store.org_event(&auth.caller, &code, ev).await?;
    Ok((StatusCode::CREATED, Json(org)).into_response())
}

async fn list_members(State(st): State<AppState>, auth: ApiAuth, Query(q): Q) -> Result<Json<dangbo_db::MemberPage>, ApiError> {
    let today = st.clock.today();
    let get = |k: &str| q.get(k).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let mut errors = FieldErrors::new();
    let status = get("status").and_then(|s| {
        Status::parse(&s).or_else(|| {
            errors.add("status", "err-choice");
            None
        })
    });
    let age_band = get("age_band").and_then(|s| {
        AgeBand::parse(&s).or_else(|| {
            errors.add("age_band", "err-choice");
            None
        })
    });
    let limit = match get("limit") {
        None => 50,
        Some(s) => s.parse::<i64>().ok().filter(|n| (1..=500).contains(n)).unwrap_or_else(|| {
            errors.add("limit", "err-choice");
            50
        }),
    };
    let date = as_of(&q, today)?;
    errors.clone().into_result(()).map_err(ApiError::from)?;
    let filter = MemberFilter {
        org: get("org"),
        q: get("q"),
        status,
        sex: get("sex"),
        ethnicity: get("ethnicity"),
        religion: get("religion"),
        education: get("education"),
        professional: get("professional"),
        theory: get("theory"),
        age_band,
        as_of: Some(date),
        limit,
        cursor: get("cursor"),
    };
    Ok(Json(st.store.list_members(&auth.caller, &filter, today).await?))
}

async fn get_member(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>) -> Result<Json<dangbo_db::MemberDetail>, ApiError> {
    Ok(Json(st.store.member(&auth.caller, &id).await?))
}

async fn create_member(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<MemberInput>) -> Result<Response, ApiError> {
    let new = input.parse(st.clock.today())?;
    let (full_name, org) = (new.person.full_name(), new.org.as_str().to_string());
    let status = if new.full_date.is_some() { Status::Full } else { Status::Probationary };
    let id = st.store.create_member(&auth.caller, new).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id, "full_name": full_name, "org": org, "status": status }))).into_response())
}

async fn member_event(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<EventInput>) -> Result<Response, ApiError> {
    let today = st.clock.today();
    let ev = input.parse(today)?;
    let event_id = st.store.record_event(&auth.caller, &id, ev, today).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": event_id, "member_id": id }))).into_response())
}

async fn member_stats(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, Query(q): Q) -> Result<Json<dangbo_db::MemberStats>, ApiError> {
    let date = as_of(&q, st.clock.today())?;
    Ok(Json(st.store.member_stats(&auth.caller, &code, date).await?))
}

/// A required date parameter.
fn date_param(q: &HashMap<String, String>, name: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    match q.get(name).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => {
            errors.add(name, "err-required");
            None
        }
        Some(s) => {
            let d = dangbo_core::date::parse(s);
            if d.is_none() {
                errors.add(name, "err-date-invalid");
            }
            d
        }
    }
}

/// The required period of `from` and `to`.
pub(crate) fn period(q: &HashMap<String, String>) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let mut errors = FieldErrors::new();
    let from = date_param(q, "from", &mut errors);
    let to = date_param(q, "to", &mut errors);
    match (from, to) {
        (Some(from), Some(to)) if from <= to => Ok((from, to)),
        (Some(_), Some(_)) => Err(FieldErrors::single("from", "err-period").into()),
        _ => Err(errors.into()),
    }
}

async fn movements(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, Query(q): Q) -> Result<Json<dangbo_db::Movements>, ApiError> {
    let (from, to) = period(&q)?;
    Ok(Json(st.store.movements(&auth.caller, &code, from, to).await?))
}

async fn press_figures(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, Query(q): Q) -> Result<Json<dangbo_db::PressFigures>, ApiError> {
    let (from, to) = period(&q)?;
    Ok(Json(st.store.press_figures(&auth.caller, &code, from, to).await?))
}

async fn data_quality(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, Query(q): Q) -> Result<Json<serde_json::Value>, ApiError> {
    let date = as_of(&q, st.clock.today())?;
    let rows = st.store.data_quality(&auth.caller, &code, date).await?;
    Ok(Json(json!({ "code": code, "as_of": date, "items": rows })))
}
