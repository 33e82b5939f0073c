//! The API's query strings: one struct per shape, deriving its deserialisation and its OpenAPI
//! parameters. Values arrive as text and are parsed here, so a bad value is a 422 naming the
//! parameter (in the caller's language), never a bare 400 from the extractor; an empty value is
//! the same as an absent one.

use crate::error::{ApiError, ErrorKind};
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use chrono::{Datelike, NaiveDate};
use dangbo_core::FieldErrors;
use dangbo_core::date::WORK_YEARS as YEARS;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;

/// A query string whose rejection (a repeated key, bad percent-encoding) is our 400.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(_) => Err(ErrorKind::BadRequest.into()),
        }
    }
}

pub(crate) fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub(crate) fn date(name: &str, v: &Option<String>, errors: &mut FieldErrors) -> Option<NaiveDate> {
    let s = given(v)?;
    let d = dangbo_core::date::parse(s);
    if d.is_none() {
        errors.add(name, "err-date-invalid");
    }
    d
}

pub(crate) fn required_date(name: &str, v: &Option<String>, errors: &mut FieldErrors) -> Option<NaiveDate> {
    if given(v).is_none() {
        errors.add(name, "err-required");
        return None;
    }
    date(name, v, errors)
}

/// A choice among a stored enum's values: absent is `None`, anything else must parse.
pub(crate) fn choice<T>(name: &str, v: &Option<String>, parse: impl Fn(&str) -> Option<T>, errors: &mut FieldErrors) -> Option<T> {
    let s = given(v)?;
    let c = parse(s);
    if c.is_none() {
        errors.add(name, "err-choice");
    }
    c
}

pub(crate) fn year(v: &Option<String>, errors: &mut FieldErrors) -> Option<i32> {
    choice("year", v, |s| s.parse::<i32>().ok().filter(|y| YEARS.contains(y)), errors)
}

pub(crate) fn flag(v: &Option<String>) -> bool {
    matches!(given(v), Some("1" | "true"))
}

/// `v`, unless a parameter was invalid.
pub(crate) fn done<T>(errors: FieldErrors, v: T) -> Result<T, ApiError> {
    errors.into_result(v).map_err(ApiError::from)
}

/// `as_of`: the day the answer is counted on.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// The day to count on (YYYY-MM-DD or dd/mm/yyyy); today when absent.
    #[param(value_type = Option<NaiveDate>)]
    pub as_of: Option<String>,
}

impl AsOfQuery {
    pub fn date(&self, today: NaiveDate) -> Result<NaiveDate, ApiError> {
        let mut e = FieldErrors::new();
        let d = date("as_of", &self.as_of, &mut e);
        done(e, d.unwrap_or(today))
    }
}

/// The organisations under `parent`, or the roots of the caller's scope.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgsQuery {
    /// The code of the organisation whose children to list.
    pub parent: Option<String>,
    /// The day the children are counted on; today when absent.
    #[param(value_type = Option<NaiveDate>)]
    pub as_of: Option<String>,
}

/// A period: `from` and `to`, both required, `from` not after `to`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// The first day of the period.
    #[param(value_type = NaiveDate, required = true, example = "2015-01-01")]
    pub from: Option<String>,
    /// The last day of the period.
    #[param(value_type = NaiveDate, required = true, example = "2019-12-31")]
    pub to: Option<String>,
}

pub(crate) fn period(from: &Option<String>, to: &Option<String>, errors: &mut FieldErrors) -> Option<(NaiveDate, NaiveDate)> {
    let from = required_date("from", from, errors);
    let to = required_date("to", to, errors);
    match (from, to) {
        (Some(f), Some(t)) if f <= t => Some((f, t)),
        (Some(_), Some(_)) => {
            errors.add("from", "err-period");
            None
        }
        _ => None,
    }
}

impl PeriodQuery {
    pub fn period(&self) -> Result<(NaiveDate, NaiveDate), ApiError> {
        let mut e = FieldErrors::new();
        let p = period(&self.from, &self.to, &mut e);
        finish(e, p)
    }
}

/// A year, this year when absent.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year (1930–2100); this year when absent.
    #[param(value_type = Option<i32>, minimum = 1930, maximum = 2100)]
    pub year: Option<String>,
}

impl YearQuery {
    pub fn year(&self, today: NaiveDate) -> Result<i32, ApiError> {
        let mut e = FieldErrors::new();
        let y = year(&self.year, &mut e);
        done(e, y.unwrap_or_else(|| today.year()))
    }
}

/// Proposals or candidates still open.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OpenQuery {
    /// `1` or `true`: only those not yet finished.
    pub open: Option<String>,
}

impl OpenQuery {
    pub fn open(&self) -> bool {
        flag(&self.open)
    }
}

/// The organisation a report is about.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    /// The organisation's code.
    #[param(required = true, example = "DH-TT-01")]
    pub org: Option<String>,
}

impl OrgQuery {
    pub fn org(&self) -> Result<&str, ApiError> {
        given(&self.org).ok_or_else(|| FieldErrors::single("org", "err-required").into())
    }
}

pub(crate) fn given_text(v: &Option<String>) -> Option<String> {
    given(v).map(str::to_string)
}

pub(crate) fn finish<T>(errors: FieldErrors, v: Option<T>) -> Result<T, ApiError> {
    match v {
        Some(v) if errors.is_empty() => Ok(v),
        _ => Err(errors.into()),
    }
}
