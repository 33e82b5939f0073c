//! The Party-fee API above the month: exemptions and reductions by decision, an organisation's
//! year and its members in arrears, a branch's book, remittances up the levels and the
//! reconciliation of a subtree.

use super::body::Created as CreatedId;
use super::params::{ApiQuery, AsOfQuery, YearQuery};
use super::{ApiJson, Created, created};
use crate::AppState;
use crate::auth::ApiAuth;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use dangbo_core::fee::Channel;
use dangbo_core::fee::Month;
use dangbo_core::fee::payment::{PaymentCells, PaymentLine};
use dangbo_core::fee::relief::{Relief, ReliefInput};
use dangbo_db::{ArrearsRow, FeeBook, NewRemittance, OrgFeesYear, PaymentImport, Reconciliation};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(add_relief))
        .routes(routes!(org_year))
        .routes(routes!(arrears))
        .routes(routes!(book))
        .routes(routes!(reconciliation))
        .routes(routes!(remit))
        .routes(routes!(received))
        .routes(routes!(import))
}

/// An exemption or a reduction decided for a member.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReliefBody {
    /// `social_pension`, `hardship` (exemptions) or `reduction`.
    #[schema(value_type = dangbo_core::fee::relief::ReliefKind)]
    pub kind: String,
    /// A reduction's percentage: one of the rule's (30, 50, 70).
    #[serde(default)]
    pub percent: Option<i64>,
    /// "YYYY-MM".
    #[schema(example = "2019-03")]
    pub from: String,
    /// "YYYY-MM"; required for a reduction, which lasts at most the rule's months.
    #[serde(default)]
    #[schema(example = "2019-08")]
    pub to: Option<String>,
    #[schema(example = "12-QĐ/ĐU")]
    pub decision_no: String,
    /// YYYY-MM-DD or dd/mm/yyyy.
    #[schema(example = "2019-02-25")]
    pub decision_date: String,
}

/// Record an exemption or a reduction (the member's grassroots committee decides).
#[utoipa::path(post, path = "/members/{id}/fee-reliefs", tag = "fees", params(("id" = String, Path, description = "member id")), request_body = ReliefBody, responses((status = 201, body = CreatedId)))]
async fn add_relief(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReliefBody>,
) -> Result<Created<CreatedId>, ApiError> {
    let percent = b.percent.map(|p| p.to_string()).unwrap_or_default();
    let input = ReliefInput {
        kind: &b.kind,
        percent: &percent,
        from: &b.from,
        to: b.to.as_deref().unwrap_or(""),
        decision_no: &b.decision_no,
        decision_date: &b.decision_date,
    };
    let relief = Relief::parse(&input, st.clock.today(), &st.store.rule_book().await?)?;
    Ok(created(CreatedId { id: st.store.add_fee_relief(&auth.caller, &id, relief).await? }))
}

/// An organisation's year over its subtree, month by month: members owing, due, paid, exempt,
/// reduced, in arrears, without a basis, and what it sent up.
#[utoipa::path(get, path = "/orgs/{code}/fees", tag = "fees", params(("code" = String, Path, description = "organisation code", example = "DH-TT"), YearQuery), responses((status = 200, body = OrgFeesYear)))]
async fn org_year(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<OrgFeesYear>, ApiError> {
    Ok(Json(st.store.org_fees_year(&auth.caller, &code, q.year(st.clock.today())?).await?))
}

/// The members of a subtree with months of the year before `as_of`'s month unpaid.
#[utoipa::path(get, path = "/orgs/{code}/fees/arrears", tag = "fees", params(("code" = String, Path, description = "organisation code", example = "DH-TT"), AsOfQuery), responses((status = 200, body = Vec<ArrearsRow>)))]
async fn arrears(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<AsOfQuery>,
) -> Result<Json<Vec<ArrearsRow>>, ApiError> {
    Ok(Json(st.store.fee_arrears(&auth.caller, &code, q.date(st.clock.today())?).await?))
}

/// A branch's fee book of a year: each member's months due and paid, and their reliefs.
#[utoipa::path(get, path = "/orgs/{code}/fees/book", tag = "fees", params(("code" = String, Path, description = "branch code", example = "DH-TT-01"), YearQuery), responses((status = 200, body = FeeBook)))]
async fn book(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, ApiQuery(q): ApiQuery<YearQuery>) -> Result<Json<FeeBook>, ApiError> {
    Ok(Json(st.store.fee_book(&auth.caller, &code, q.year(st.clock.today())?).await?))
}

/// What each organisation of a subtree collected, received, sent up and kept over a year,
/// beside what its share says it sends.
#[utoipa::path(get, path = "/orgs/{code}/fees/reconciliation", tag = "fees", params(("code" = String, Path, description = "organisation code", example = "DH"), YearQuery), responses((status = 200, body = Reconciliation)))]
async fn reconciliation(
    State(st): State<AppState>,
    auth: ApiAuth,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<Reconciliation>, ApiError> {
    let year = q.year(st.clock.today())?;
    let (from, to) = (Month::new(year, 1), Month::new(year, 12));
    let (Some(from), Some(to)) = (from, to) else { return Err(dangbo_core::FieldErrors::single("year", "err-number").into()) };
    Ok(Json(st.store.fee_reconciliation(&auth.caller, &code, from, to).await?))
}

/// What an organisation sent up for a period.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RemitBody {
    #[schema(example = "2019-01")]
    pub from: String,
    #[schema(example = "2019-03")]
    pub to: String,
    /// In đồng, above 0.
    pub amount: i64,
    /// YYYY-MM-DD or dd/mm/yyyy; not in the future.
    #[schema(example = "2019-04-15")]
    pub sent_on: String,
}

/// Record what an organisation sent to the level above it for a period.
#[utoipa::path(post, path = "/orgs/{code}/fees/remittances", tag = "fees", params(("code" = String, Path, description = "organisation code", example = "DH-TT-01")), request_body = RemitBody, responses((status = 201, body = CreatedId)))]
async fn remit(State(st): State<AppState>, auth: ApiAuth, Path(code): Path<String>, ApiJson(b): ApiJson<RemitBody>) -> Result<Created<CreatedId>, ApiError> {
    let r = NewRemittance::parse(&b.from, &b.to, &b.amount.to_string(), &b.sent_on, st.clock.today())?;
    Ok(created(CreatedId { id: st.store.record_remittance(&auth.caller, &code, r).await? }))
}

/// When a remittance arrived.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceivedBody {
    /// YYYY-MM-DD or dd/mm/yyyy; today when absent.
    #[serde(default)]
    pub received_on: Option<String>,
}

/// The receiving organisation confirms a remittance arrived.
#[utoipa::path(post, path = "/fees/remittances/{id}/received", tag = "fees", params(("id" = String, Path, description = "remittance id")), request_body = ReceivedBody, responses((status = 204, description = "Confirmed")))]
async fn received(State(st): State<AppState>, auth: ApiAuth, Path(id): Path<String>, ApiJson(b): ApiJson<ReceivedBody>) -> Result<StatusCode, ApiError> {
    let today = st.clock.today();
    let mut e = dangbo_core::FieldErrors::new();
    let on = match b.received_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(today),
        Some(s) => dangbo_core::org::parse_past_date("received_on", s, today, &mut e),
    };
    let on = e.into_result(on)?.unwrap_or(today);
    st.store.confirm_remittance(&auth.caller, &id, on).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One payment of an import, as a statement gives it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ImportRowBody {
    pub cccd: String,
    pub card_no: String,
    /// "YYYY-MM" or "MM/YYYY".
    pub month: String,
    /// In đồng, as text or a number.
    pub amount: serde_json::Value,
    /// YYYY-MM-DD or dd/mm/yyyy; today when empty.
    pub paid_on: String,
    pub receipt: String,
    /// `cash` or `portal`; the import's `channel` when empty.
    pub channel: String,
}

/// Payments to import: checked only when `dry_run`; all or none.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ImportBody {
    pub rows: Vec<ImportRowBody>,
    #[schema(value_type = Channel)]
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub dry_run: bool,
}

/// Import payments (a portal's statement): each row's member by CCCD or card number; a receipt
/// already recorded for the same payment is skipped; all rows or none.
#[utoipa::path(post, path = "/fees/import", tag = "fees", request_body = ImportBody, responses((status = 200, body = PaymentImport)))]
async fn import(State(st): State<AppState>, auth: ApiAuth, ApiJson(b): ApiJson<ImportBody>) -> Result<Json<PaymentImport>, ApiError> {
    if b.rows.len() > dangbo_core::fee::payment::MAX_IMPORT_ROWS {
        return Err(dangbo_core::FieldErrors::single("rows", "err-too-many").into());
    }
    let default = match b.channel.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => Channel::Portal,
        Some(c) => Channel::parse(c).ok_or_else(|| dangbo_core::FieldErrors::single("channel", "err-choice"))?,
    };
    let today = st.clock.today();
    let (mut lines, mut problems) = (Vec::new(), Vec::new());
    for (n, r) in b.rows.into_iter().enumerate() {
        let amount = match &r.amount {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        let cells =
            PaymentCells { row: n + 1, cccd: r.cccd, card_no: r.card_no, month: r.month, amount, paid_on: r.paid_on, receipt: r.receipt, channel: r.channel };
        match PaymentLine::parse(&cells, default, today) {
            Ok(l) => lines.push(l),
            Err(e) => problems.push((n + 1, e)),
        }
    }
    Ok(Json(st.store.import_fee_payments(&auth.caller, &lines, problems, b.dry_run, today).await?))
}
