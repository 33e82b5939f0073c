//! Cadre work of a subtree for a period: the move matrix with the persons behind each number,
//! exam candidates by level, and the commune-level units whose secretary is not local.

use super::{PageForm, checked_form, choices, ctx, form_with_errors, input};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::views::{Choice, Ctx, FormView, render, render_invalid};
use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::response::Response;
use axum::response::{IntoResponse, Redirect};
use chrono::{Datelike, NaiveDate};
use dangbo_core::cadre::MoveCategory;
use dangbo_core::cadre::{Level, MoveInput, MoveKind, PositionInput, Title};
use dangbo_core::date::{display, iso};
use dangbo_db::DbError;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "cadre.html")]
pub struct CadrePage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub from: String,
    pub to: String,
    /// (label, count, link)
    pub matrix: Vec<(String, String, String)>,
    pub category: String,
    /// (date, name, member id, from, to)
    pub moves: Vec<(String, String, String, String, String)>,
    pub exams: Vec<(String, String)>,
    /// (unit, secretary, local)
    pub units: Vec<(String, String, String)>,
    pub locality: String,
    /// The organisation's posts on the end date: (title, name, member id, since).
    pub committee: Vec<(String, String, String, String)>,
    /// The forms to record a move and a position (staff of the committee).
    pub form: FormView,
    /// The member the forms are about, by name, when chosen from their page (no id typed).
    pub member_name: Option<String>,
    pub levels: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub titles: Vec<Choice>,
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
    let mut values = HashMap::new();
    values.insert("member".to_string(), q.get("member").cloned().unwrap_or_default());
    values.insert("org".to_string(), code.clone());
    let page = page(&st, &auth, c, &code, &q, FormView { values, errors: Default::default() }).await?;
    Ok(render(&page))
}

async fn page(st: &AppState, auth: &PageAuth, c: Ctx, code: &str, q: &HashMap<String, String>, form: FormView) -> Result<CadrePage, WebError> {
    let code = code.to_string();
    let today = st.clock.today();
    let to = q.get("to").and_then(|s| dangbo_core::date::parse(s)).unwrap_or(today);
    let from = q.get("from").and_then(|s| dangbo_core::date::parse(s)).unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year() - 4, 1, 1).unwrap_or(to));
    let category = q.get("category").and_then(|c| MoveCategory::parse(c));
    let i = c.i18n;
    let org = st.store.org(&auth.caller, &code).await?;
    let m = st.store.move_matrix(&auth.caller, &code, from, to).await?;
    let base = format!("/orgs/{}/cadre?from={}&to={}", org.code, iso(from), iso(to));
    let link = |cat: &str| format!("{base}&category={cat}#moves");
    let matrix = vec![
        (i.t("press-moves"), i.num(m.total), format!("{base}#moves")),
        (i.t("press-moves-up"), i.num(m.upper_to_commune), link("upper_to_commune")),
        (i.t("press-moves-down"), i.num(m.commune_to_upper), link("commune_to_upper")),
        (i.t("press-moves-cc"), i.num(m.commune_to_commune), link("commune_to_commune")),
        (i.t("press-moves-cross"), i.num(m.cross_sector), link("cross_sector")),
        (i.t("move-category-other"), i.num(m.other), link("other")),
    ];
    let rows = st.store.moves(&auth.caller, &code, from, to, category).await?;
    let moves = rows.iter().map(|r| (display(r.start_on), r.full_name.clone(), r.member_id.clone(), r.from.clone(), r.to.clone())).collect();
    let x = st.store.exam_stats(&auth.caller, &code, from, to).await?;
    let exams = vec![
        (i.t("press-exam-commune"), i.num(x.commune)),
        (i.t("press-exam-district"), i.num(x.district)),
        (i.t("cadre-exam-sessions"), i.num(x.sessions)),
        (i.t("cadre-exam-passed"), i.num(x.passed)),
    ];
    let rep = st.store.locality_report(&auth.caller, &code, to).await?;
    let units = rep
        .units
        .iter()
        .map(|u| {
            let local = match u.3 {
                Some(true) => i.t("cadre-local"),
                Some(false) => i.t("cadre-nonlocal"),
                None => String::new(),
            };
            (u.1.clone(), u.2.clone().unwrap_or_default(), local)
        })
        .collect();
    let locality =
        i.args("cadre-locality", &[("nonlocal", i.num(rep.units_with_nonlocal_secretary)), ("units", i.num(rep.units_total)), ("date", display(to))]);
    let committee = st
        .store
        .committee(&auth.caller, &code, to)
        .await?
        .into_iter()
        .map(|s| {
            let basis = s.basis.map(|b| format!(", {}", i.t(&b.message_key()))).unwrap_or_default();
            (i.t(&s.title.message_key()), s.full_name, s.member_id, format!("{}{basis}", display(s.from_on)))
        })
        .collect();
    let member_name = match form.value("member") {
        "" => None,
        id => st.store.member(&auth.caller, id).await.ok().map(|m| m.full_name),
    };
    Ok(CadrePage {
        member_name,
        committee,
        form,
        levels: choices(&c, Level::ALL, Level::as_str, Level::message_key),
        kinds: choices(&c, MoveKind::ALL, MoveKind::as_str, MoveKind::message_key),
        titles: choices(&c, Title::ALL, Title::as_str, Title::message_key),
        code: org.code.clone(),
        name: org.name.clone(),
        from: display(from),
        to: display(to),
        matrix,
        category: category.map(|c| i.t(&c.message_key())).unwrap_or_else(|| i.t("press-moves")),
        moves,
        exams,
        units,
        locality,
        ctx: c,
    })
}

/// Records a move or a position from the forms of the page.
pub async fn record(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(code): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let map = checked_form(&auth, body)?;
    let today = st.clock.today();
    let result = match map.get("what").map(String::as_str) {
        Some("move") => match input::<MoveInput>(&map)?.parse(today) {
            Ok(m) => st.store.create_move(&auth.caller, m).await.map(|_| ()),
            Err(e) => Err(DbError::Invalid(e)),
        },
        Some("position") => match input::<PositionInput>(&map)?.parse(today) {
            Ok(p) => st.store.create_position(&auth.caller, p).await.map(|_| ()),
            Err(e) => Err(DbError::Invalid(e)),
        },
        _ => return Err(WebError(crate::error::ErrorKind::BadRequest)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/orgs/{code}/cadre")).into_response()),
        Err(DbError::Invalid(e)) => {
            let c = ctx(&auth, lang, &format!("/orgs/{code}/cadre"));
            let form = form_with_errors(&c, map, &e);
            Ok(render_invalid(&page(&st, &auth, c, &code, &HashMap::new(), form).await?))
        }
        Err(e) => Err(e.into()),
    }
}
