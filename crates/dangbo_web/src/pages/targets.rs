//! Admission targets against actual admissions, per grassroots organisation and year.

use super::{PageForm, checked_form, ctx, form_with_errors};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::views::{Ctx, FormView, render, render_invalid};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use dangbo_core::FieldErrors;
use dangbo_db::DbError;
use std::collections::HashMap;

pub struct TargetView {
    pub code: String,
    pub name: String,
    pub target: String,
    pub actual: String,
    pub share: String,
    pub short: bool,
}

#[derive(Template)]
#[template(path = "targets.html")]
pub struct TargetsPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub year: i32,
    pub rows: Vec<TargetView>,
    pub total: TargetView,
    pub can_set: bool,
    pub form: FormView,
}

fn view(i: &crate::i18n::I18n, code: &str, name: &str, target: Option<i64>, actual: i64) -> TargetView {
    TargetView {
        code: code.into(),
        name: name.into(),
        target: target.map(|t| i.num(t)).unwrap_or_else(|| "—".into()),
        actual: i.num(actual),
        share: target.filter(|t| *t > 0).map(|t| format!("{}%", i.num(actual * 100 / t))).unwrap_or_default(),
        short: target.is_some_and(|t| actual < t),
    }
}

async fn page(st: &AppState, auth: &PageAuth, c: Ctx, code: &str, year: i32, form: FormView) -> Result<TargetsPage, WebError> {
    let i = c.i18n;
    let org = st.store.org(&auth.caller, code).await?;
    let rows = st.store.admission_targets(&auth.caller, code, year).await?;
    let target_sum: i64 = rows.iter().filter_map(|r| r.target).sum();
    let actual_sum: i64 = rows.iter().map(|r| r.actual).sum();
    Ok(TargetsPage {
        code: org.code.clone(),
        name: org.name.clone(),
        year,
        total: view(&i, "", &i.t("targets-total"), Some(target_sum), actual_sum),
        rows: rows.iter().map(|r| view(&i, &r.code, &r.name, r.target, r.actual)).collect(),
        can_set: matches!(auth.caller.role, dangbo_db::Role::Admin | dangbo_db::Role::Staff),
        form,
        ctx: c,
    })
}

pub async fn show(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let year =
        q.get("year").and_then(|y| y.parse::<i32>().ok()).filter(|y| dangbo_core::date::WORK_YEARS.contains(y)).unwrap_or_else(|| st.clock.today().year());
    let c = ctx(&auth, lang, &format!("/orgs/{code}/targets?year={year}"));
    let values: HashMap<String, String> = [("year".to_string(), year.to_string())].into_iter().collect();
    Ok(render(&page(&st, &auth, c, &code, year, FormView { values, errors: Default::default() }).await?))
}

pub async fn put(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(code): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let map = checked_form(&auth, body)?;
    let get = |k: &str| map.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let mut e = FieldErrors::new();
    let year = get("year").parse::<i32>().ok().filter(|y| dangbo_core::date::WORK_YEARS.contains(y));
    if year.is_none() {
        e.add("year", "err-choice");
    }
    let target = match get("admission_target").as_str() {
        "" => None,
        s => s.parse::<i64>().ok().or_else(|| {
            e.add("admission_target", "err-number");
            None
        }),
    };
    let unit = get("org");
    if unit.is_empty() {
        e.add("org", "err-required");
    }
    let result = match year {
        Some(y) if e.is_empty() => st.store.put_admission_target(&auth.caller, &unit, y, target).await,
        _ => Err(DbError::Invalid(e)),
    };
    let y = year.unwrap_or_else(|| st.clock.today().year());
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/orgs/{code}/targets?year={y}")).into_response()),
        Err(DbError::Invalid(e)) => {
            let c = ctx(&auth, lang, &format!("/orgs/{code}/targets"));
            Ok(render_invalid(&page(&st, &auth, c.clone(), &code, y, form_with_errors(&c, map, &e)).await?))
        }
        Err(DbError::NotFound) => {
            let c = ctx(&auth, lang, &format!("/orgs/{code}/targets"));
            Ok(render_invalid(&page(&st, &auth, c.clone(), &code, y, form_with_errors(&c, map, &FieldErrors::single("org", "err-org-unknown"))).await?))
        }
        Err(e) => Err(e.into()),
    }
}
