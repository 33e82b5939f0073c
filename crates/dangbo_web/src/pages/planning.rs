//! Cadre planning of a committee: its cycles, the cadres planned per title with additions and
//! removals, and the structure against the target shares of the rules in force.

use super::{PageForm, as_of, checked_form, choices, ctx, form_with_errors, input};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::{ErrorKind, WebError};
use crate::i18n::Lang;
use crate::views::{Choice, Ctx, FormView, render, render_invalid};
use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use dangbo_core::cadre::Title;
use dangbo_core::cadre::planning::{CycleInput, PlannedInput, RemovalInput, RemovalReason};
use dangbo_core::date::display;
use dangbo_db::DbError;
use std::collections::HashMap;

pub struct EntryLine {
    pub id: String,
    pub member_id: String,
    pub name: String,
    pub title: String,
    pub period: String,
    pub removal: String,
    pub active: bool,
}

pub struct CycleView {
    pub id: String,
    pub heading: String,
    pub entries: Vec<EntryLine>,
    /// (label, value, met, citation)
    pub shares: Vec<(String, String, bool, String)>,
}

#[derive(Template)]
#[template(path = "planning.html")]
pub struct PlanningPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub as_of: String,
    pub cycles: Vec<CycleView>,
    pub titles: Vec<Choice>,
    pub reasons: Vec<Choice>,
    pub form: FormView,
}

async fn page(st: &AppState, auth: &PageAuth, c: Ctx, code: &str, on: chrono::NaiveDate, form: FormView) -> Result<PlanningPage, WebError> {
    let i = c.i18n;
    let org = st.store.org(&auth.caller, code).await?;
    let cycles = st
        .store
        .planning(&auth.caller, code, on)
        .await?
        .iter()
        .map(|p| {
            let s = &p.structure;
            let share = |n: i64| if s.total == 0 { String::new() } else { format!("{} ({}%)", i.num(n), i.num(n * 100 / s.total)) };
            CycleView {
                id: p.id.clone(),
                heading: i.args("planning-cycle", &[("term", p.term.clone()), ("date", display(p.approved_on)), ("decision", p.decision_no.clone())]),
                entries: p
                    .entries
                    .iter()
                    .map(|e| EntryLine {
                        id: e.id.clone(),
                        member_id: e.member_id.clone(),
                        name: e.full_name.clone(),
                        title: i.t(&e.title.message_key()),
                        period: format!("{} – {}", display(e.added_on), e.removed_on.map(display).unwrap_or_default()),
                        removal: e.removal_reason.map(|r| format!("{} {}", i.t(&r.message_key()), e.removal_note)).unwrap_or_default(),
                        active: e.added_on <= on && e.removed_on.is_none_or(|x| x > on),
                    })
                    .collect(),
                shares: vec![
                    (i.t("planning-total"), i.num(s.total), true, String::new()),
                    (
                        i.args("planning-young", &[("age", s.young_age.to_string()), ("target", s.young_target.clone())]),
                        share(s.young),
                        s.young_met,
                        s.young_rule.clone(),
                    ),
                    (i.args("planning-women", &[("target", s.women_target.clone())]), share(s.women), s.women_met, s.women_rule.clone()),
                    (i.t("planning-minority"), share(s.ethnic_minority), true, String::new()),
                ],
            }
        })
        .collect();
    Ok(PlanningPage {
        code: org.code,
        name: org.name,
        as_of: display(on),
        cycles,
        titles: choices(&c, Title::ALL, Title::as_str, Title::message_key),
        reasons: choices(&c, RemovalReason::ALL, RemovalReason::as_str, RemovalReason::message_key),
        form,
        ctx: c,
    })
}

pub async fn show(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let c = ctx(&auth, lang, &uri.to_string());
    let today = st.clock.today();
    let mut values = HashMap::new();
    for k in ["approved_on", "added_on", "removed_on"] {
        values.insert(k.to_string(), display(today));
    }
    values.insert("member".to_string(), q.get("member").cloned().unwrap_or_default());
    Ok(render(&page(&st, &auth, c, &code, as_of(q.get("as_of"), today)?, FormView { values, errors: Default::default() }).await?))
}

/// Opens a cycle, plans a cadre or removes one, from the forms of the page.
pub async fn record(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(code): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let mut map = checked_form(&auth, body)?;
    map.insert("org".into(), code.clone());
    let today = st.clock.today();
    let s = &st.store;
    let target = |k: &str| map.get(k).cloned().unwrap_or_default();
    let result = match map.get("what").map(String::as_str) {
        Some("cycle") => match input::<CycleInput>(&map)?.parse(today) {
            Ok(c) => s.create_cycle(&auth.caller, c).await.map(|_| ()),
            Err(e) => Err(DbError::Invalid(e)),
        },
        Some("planned") => match input::<PlannedInput>(&map)?.parse(today) {
            Ok(p) => s.add_planned(&auth.caller, &target("cycle"), p).await.map(|_| ()),
            Err(e) => Err(DbError::Invalid(e)),
        },
        Some("remove") => match input::<RemovalInput>(&map)?.parse(today) {
            Ok(r) => s.remove_planned(&auth.caller, &target("entry"), r).await,
            Err(e) => Err(DbError::Invalid(e)),
        },
        _ => return Err(WebError(ErrorKind::BadRequest)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/orgs/{code}/planning")).into_response()),
        Err(DbError::Invalid(e)) => {
            let c = ctx(&auth, lang, &format!("/orgs/{code}/planning"));
            let form = form_with_errors(&c, map, &e);
            Ok(render_invalid(&page(&st, &auth, c, &code, today, form).await?))
        }
        Err(e) => Err(e.into()),
    }
}
