//! The Party-fee API: a member's fee basis and year, a branch's month, payments recorded.

use super::params::{ApiQuery, YearQuery};
use super::{ApiJson, Created, created};
use crate::AppState;
use crate::auth::ApiAuth;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use dangbo_core::FieldErrors;
use dangbo_core::fee::{Basis, Channel, Month};
use dangbo_db::{FeeSheet, MemberFees, NewPayment};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(set_basis)).routes(routes!(member_fees)).routes(routes!(branch_month)).routes(routes!(record_payments))
}

/// A fee basis from a month on.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BasisInput {
    /// "YYYY-MM" (or "MM/YYYY").
    #[schema(example = "2026-02")]
    pub from: String,
    /// `insured`, `insured_leave`, `pensioner`, `student`, `farmer`, `free_worker`, `abroad`, `other`.
    #[schema(value_type = dangbo_core::fee::Category)]
    pub category: String,
    /// The base in đồng (a salary, benefit or pension; 0 for the fixed amounts).
    #[serde(default)]
    pub base: i64,
}

/// Record a member's fee basis from a month on.
#[utoipa::path(post, path = "/members/{id}/fee-basis", tag = "fees", params(("id" = String, Path, description = "member id")), request_body = BasisInput, responses((status = 201, body = Basis)))]
async fn set_basis(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(input): ApiJson<BasisInput>) -> Result<Created<Basis>, ApiError> {
    let basis = Basis::parse(&input.from, &input.category, &input.base.to_string(), st.clock.today())?;
    st.store.set_fee_basis(&auth.caller, &id, basis.clone()).await?;
    Ok(created(basis))
}

/// A member's months of a year (due under the rule in force, paid) and the month paid through.
#[utoipa::path(get, path = "/members/{id}/fees", tag = "fees", params(("id" = String, Path, description = "member id"), YearQuery), responses((status = 200, body = MemberFees)))]
async fn member_fees(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<MemberFees>, ApiError> {
    let today = st.clock.today();
    Ok(Json(st.store.member_fees(&auth.caller, &id, q.year(today)?, today).await?))
}

/// A month, this month when absent.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    /// "YYYY-MM".
    #[param(example = "2026-11")]
    pub month: Option<String>,
}

fn month(s: &Option<String>, today: chrono::NaiveDate) -> Result<Month, ApiError> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Month::of(today)),
        Some(m) => Month::parse(m).ok_or_else(|| FieldErrors::single("month", "err-month").into()),
    }
}

/// A branch's month: who owes it there, what each owes and has paid.
#[utoipa::path(get, path = "/orgs/{code}/fees/month", tag = "fees", params(("code" = String, Path, description = "branch code", example = "DH-TT-01"), MonthQuery), responses((status = 200, body = FeeSheet)))]
async fn branch_month(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> Result<Json<FeeSheet>, ApiError> {
    Ok(Json(st.store.fee_sheet(&auth.caller, &code, month(&q.month, st.clock.today())?).await?))
}

/// One payment of a branch's month.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PaymentInput {
    pub member: String,
    /// In đồng, above 0.
    pub amount: i64,
    /// The receipt number (each used once).
    #[serde(default)]
    pub receipt: Option<String>,
}

/// A branch's payments of one month, recorded together (all or none).
#[derive(Debug, Deserialize, ToSchema)]
pub struct PaymentsInput {
    /// The branch's code.
    #[schema(example = "DH-TT-01")]
    pub org: String,
    #[schema(example = "2026-11")]
    pub month: String,
    /// The day paid (dd/mm/yyyy or YYYY-MM-DD); today when absent.
    #[serde(default)]
    pub paid_on: Option<String>,
    #[schema(value_type = Channel)]
    pub channel: String,
    pub payments: Vec<PaymentInput>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedPayments {
    pub recorded: usize,
}

/// Record a branch's payments of a month in one transaction.
#[utoipa::path(post, path = "/fees/payments", tag = "fees", request_body = PaymentsInput, responses((status = 201, body = RecordedPayments)))]
async fn record_payments(State(st): State<AppState>, auth: ApiAuth, ApiJson(input): ApiJson<PaymentsInput>) -> Result<Created<RecordedPayments>, ApiError> {
    let today = st.clock.today();
    let m = Month::parse(&input.month).ok_or_else(|| FieldErrors::single("month", "err-month"))?;
    let paid_on = match input.paid_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => today,
        Some(s) => dangbo_db::parse_paid_on(s, today)?,
    };
    let channel = Channel::parse(input.channel.trim()).ok_or_else(|| FieldErrors::single("channel", "err-choice"))?;
    if input.payments.len() > dangbo_db::MAX_PAYMENTS {
        return Err(FieldErrors::single("payments", "err-too-many").into());
    }
    let payments: Vec<NewPayment> = input
        .payments
        .into_iter()
        .map(|p| NewPayment {
            member_id: p.member,
            month: m,
            amount: p.amount,
            paid_on,
            channel,
            receipt: p.receipt.map(|r| dangbo_core::text::clean(&r)).filter(|r| !r.is_empty()),
        })
        .collect();
    let recorded = st.store.record_fee_payments(&auth.caller, &input.org, m, &payments, today).await?;
    Ok(created(RecordedPayments { recorded }))
}
