//! The annual review in the API: a subtree's rating summary for a year, and one stage's
//! ratings of a branch's or grassroots organisation's members recorded in one transaction.

use super::params::{ApiQuery, YearQuery};
use super::{ApiJson, Created, created};
use crate::AppState;
use crate::auth::ApiAuth;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use dangbo_core::FieldErrors;
use dangbo_core::rating::{Regime, Stage, parse_rated};
use dangbo_db::{NewRatings, RatingSheet, RatingSummary};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(summary)).routes(routes!(sheet)).routes(routes!(record))
}

/// A subtree's members by their decided rating for a year, and those not yet rated, with the
/// regime the year's review falls under.
#[utoipa::path(get, path = "/orgs/{code}/ratings", tag = "ratings", params(("code" = String, Path, description = "organisation code", example = "DH-TT"), YearQuery), responses((status = 200, body = RatingSummary)))]
async fn summary(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<RatingSummary>, ApiError> {
    let today = st.clock.today();
    Ok(Json(st.store.rating_summary(&auth.caller, &code, q.year(today)?, today).await?))
}

/// The members a branch or grassroots organisation rates for a year, with each stage's rating.
#[utoipa::path(get, path = "/orgs/{code}/member-ratings", tag = "ratings", params(("code" = String, Path, description = "organisation code", example = "DH-TT-01"), YearQuery), responses((status = 200, body = RatingSheet)))]
async fn sheet(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, ApiQuery(q): ApiQuery<YearQuery>) -> Result<Json<RatingSheet>, ApiError> {
    let today = st.clock.today();
    Ok(Json(st.store.rating_sheet(&auth.caller, &code, q.year(today)?, today).await?))
}

/// One member's rating.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RatingInput {
    pub member: String,
    /// `htxs`, `htt`, `ht` or `khtnv`.
    #[schema(example = "htt")]
    pub level: String,
    /// 0–100, required where the year's regime scores (QĐ 366, from the 2025 review).
    #[serde(default)]
    pub score: Option<i64>,
}

/// One stage's ratings of an organisation's members, recorded together (all or none).
#[derive(Debug, Deserialize, ToSchema)]
pub struct RatingsInput {
    #[schema(example = 2026)]
    pub year: i32,
    /// `self` (self-assessments), `branch` (the branch's proposals) or `decision` (the
    /// grassroots organisation's decision, with its number and date).
    #[schema(example = "branch")]
    pub stage: String,
    #[serde(default)]
    pub decision_no: Option<String>,
    /// dd/mm/yyyy or YYYY-MM-DD.
    #[serde(default)]
    pub decision_date: Option<String>,
    pub ratings: Vec<RatingInput>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedRatings {
    pub recorded: usize,
}

/// Record one stage's ratings in one transaction: a branch's self-assessments or proposals, or
/// a grassroots organisation's decision on the proposals within the quota.
#[utoipa::path(post, path = "/orgs/{code}/member-ratings", tag = "ratings", params(("code" = String, Path, description = "organisation code", example = "DH-TT-01")), request_body = RatingsInput, responses((status = 201, body = RecordedRatings)))]
async fn record(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<RatingsInput>,
) -> Result<Created<RecordedRatings>, ApiError> {
    let today = st.clock.today();
    if input.ratings.len() > dangbo_db::MAX_RATINGS {
        return Err(FieldErrors::single("ratings", "err-too-many").into());
    }
    if !(1930..=2100).contains(&input.year) {
        return Err(FieldErrors::single("year", "err-number").into());
    }
    let mut e = FieldErrors::new();
    let stage = Stage::parse(input.stage.trim()).or_else(|| {
        e.add("stage", "err-choice");
        None
    });
    let regime = Regime::of_year(input.year);
    let book = st.store.rule_book().await?;
    let bands = if regime.scored { dangbo_core::rating::bands(&book, dangbo_core::rating::year_end(input.year).expect("a checked year")) } else { Vec::new() };
    let mut ratings = Vec::with_capacity(input.ratings.len());
    for r in &input.ratings {
        let score = r.score.map(|s| s.to_string()).unwrap_or_default();
        if let Some(rated) = parse_rated(&r.member, &r.level, &score, regime.scored, &bands, &mut e) {
            ratings.push((r.member.clone(), rated));
        }
    }
    let decision = match (stage, &input.decision_no, &input.decision_date) {
        (Some(Stage::Decision), no, date) => {
            let date = dangbo_core::org::parse_past_date("decision_date", date.as_deref().unwrap_or(""), today, &mut e);
            date.map(|d| (no.clone().unwrap_or_default(), d))
        }
        _ => None,
    };
    let Some(stage) = stage.filter(|_| e.is_empty()) else { return Err(e.into()) };
    let new = NewRatings { year: input.year, stage, ratings, decision };
    let recorded = st.store.record_ratings(&auth.caller, &code, &new, today).await?;
    Ok(created(RecordedRatings { recorded }))
}
