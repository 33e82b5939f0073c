//! Rules as data and the working-day calendar: every version with its citation; admins add
//! versions and days.

use super::{PageForm, checked_form, choices, ctx, form_with_errors, input};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::views::{Choice, Ctx, FormView, render, render_invalid};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use dangbo_core::calendar::DayKind;
use dangbo_core::rules::RuleId;
use dangbo_db::{DbError, RuleVersionInput};
use std::collections::HashMap;

pub struct RuleView {
    pub name: String,
    pub id: String,
    pub unit: String,
    pub locked: bool,
    /// (from, value, citation, confirmed)
    pub versions: Vec<(String, String, String, bool)>,
}

#[derive(Template)]
#[template(path = "rules.html")]
pub struct RulesPage {
    pub ctx: Ctx,
    pub rules: Vec<RuleView>,
    pub editable: Vec<Choice>,
    pub form: FormView,
}

/// A value as people read it: an age or a span counted in months shows its years too.
fn value_text(i: &crate::i18n::I18n, unit: dangbo_core::rules::Unit, v: &dangbo_core::rules::RuleValue) -> String {
    match (unit, v) {
        (dangbo_core::rules::Unit::Months, dangbo_core::rules::RuleValue::Number(n)) if *n >= 12 && n % 12 == 0 => {
            i.args("rules-in-years", &[("months", i.num(*n)), ("years", i.num(n / 12))])
        }
        _ => v.text(),
    }
}

async fn rules_page(st: &AppState, c: Ctx, form: FormView) -> Result<RulesPage, WebError> {
    let i = c.i18n;
    let book = st.store.rule_book().await?;
    let rules = RuleId::ALL
        .iter()
        .map(|r| RuleView {
            name: i.t(&r.message_key()),
            id: r.as_str().into(),
            unit: i.t(&r.unit().message_key()),
            locked: r.locked(),
            versions: book
                .versions()
                .iter()
                .filter(|v| v.rule == *r)
                .map(|v| (i.date(&v.effective_from), value_text(&i, r.unit(), &v.value), v.citation.clone(), v.confirmed))
                .collect(),
        })
        .collect();
    let editable = RuleId::ALL.iter().filter(|r| !r.locked()).map(|r| Choice { value: r.as_str().into(), label: i.t(&r.message_key()) }).collect();
    Ok(RulesPage { rules, editable, form, ctx: c })
}

pub async fn index(State(st): State<AppState>, auth: PageAuth, lang: Lang) -> Result<Response, WebError> {
    let c = ctx(&auth, lang, "/rules");
    Ok(render(&rules_page(&st, c, FormView::default()).await?))
}

pub async fn put(State(st): State<AppState>, auth: PageAuth, lang: Lang, PageForm(body): PageForm<Vec<(String, String)>>) -> Result<Response, WebError> {
    let map = checked_form(&auth, body)?;
    let raw: RuleVersionInput = input(&map)?;
    let result = match raw.parse() {
        Ok(v) => st.store.put_rule_version(&auth.caller, v).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/rules#r-{}", raw.rule.trim())).into_response()),
        Err(DbError::Invalid(e)) => {
            let c = ctx(&auth, lang, "/rules");
            Ok(render_invalid(&rules_page(&st, c.clone(), form_with_errors(&c, map, &e)).await?))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "calendar.html")]
pub struct CalendarPage {
    pub ctx: Ctx,
    pub year: i32,
    pub prev: i32,
    pub next: i32,
    pub days: Vec<(String, String, String)>,
    pub kinds: Vec<Choice>,
    pub form: FormView,
}

async fn calendar_page(st: &AppState, c: Ctx, year: i32, form: FormView) -> Result<CalendarPage, WebError> {
    let i = c.i18n;
    let days = st.store.calendar_year(year).await?.iter().map(|d| (i.date(&d.day), i.t(&d.kind.message_key()), d.name.clone())).collect();
    Ok(CalendarPage { year, prev: year - 1, next: year + 1, days, kinds: choices(&c, DayKind::ALL, DayKind::as_str, DayKind::message_key), form, ctx: c })
}

pub async fn calendar(State(st): State<AppState>, auth: PageAuth, lang: Lang, Query(q): Query<HashMap<String, String>>) -> Result<Response, WebError> {
    let year =
        q.get("year").and_then(|y| y.parse::<i32>().ok()).filter(|y| dangbo_core::date::WORK_YEARS.contains(y)).unwrap_or_else(|| st.clock.today().year());
    let c = ctx(&auth, lang, &format!("/calendar?year={year}"));
    Ok(render(&calendar_page(&st, c, year, FormView::default()).await?))
}

pub async fn put_day(State(st): State<AppState>, auth: PageAuth, lang: Lang, PageForm(body): PageForm<Vec<(String, String)>>) -> Result<Response, WebError> {
    let map = checked_form(&auth, body)?;
    let raw: crate::api::DayInput = input(&map)?;
    let result = match raw.parse() {
        Ok((day, kind)) => st.store.put_calendar_day(&auth.caller, day, kind, &raw.name).await.map(|_| day),
        Err(e) => Err(DbError::Invalid(e)),
    };
    match result {
        Ok(day) => Ok(Redirect::to(&format!("/calendar?year={}", day.year())).into_response()),
        Err(DbError::Invalid(e)) => {
            let c = ctx(&auth, lang, "/calendar");
            let year = st.clock.today().year();
            Ok(render_invalid(&calendar_page(&st, c.clone(), year, form_with_errors(&c, map, &e)).await?))
        }
        Err(e) => Err(e.into()),
    }
}
