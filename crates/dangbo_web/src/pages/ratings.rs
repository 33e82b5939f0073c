//! The annual review on the page: a branch's members with their self-assessment, the branch's
//! proposal preselected (what the member assessed, else HTTNV) so the secretary changes only the
//! exceptions; the grassroots committee's decision on the proposals, with the quota shown; and
//! the year's summary of the subtree.

use super::{PageForm, checked_form, ctx, form_with_errors};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::WebError;
use crate::i18n::{I18n, Lang};
use crate::views::{Choice, Ctx, FormView, render, render_invalid};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use dangbo_core::FieldErrors;
use dangbo_core::rating::{Level, Regime, Stage, parse_rated};
use dangbo_db::{DbError, NewRatings, RatingSheet, StageRating};
use std::collections::HashMap;

/// One member's row.
pub struct RowView {
    pub id: String,
    pub name: String,
    pub branch: String,
    pub self_assessed: String,
    pub proposed: String,
    pub decided: String,
    /// Whether the form rates the member at this stage (not yet decided; for a decision,
    /// proposed).
    pub open: bool,
    pub level: String,
    pub score: String,
}

#[derive(Template)]
#[template(path = "ratings.html")]
pub struct RatingsPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub year: i32,
    pub stage: String,
    pub citation: String,
    pub scored: bool,
    pub quota: String,
    /// The summary: (label, count).
    pub counts: Vec<(String, String)>,
    pub rows: Vec<RowView>,
    pub any_open: bool,
    pub levels: Vec<Choice>,
    pub form: FormView,
    pub saved: Option<String>,
    /// Links to the other stage where the organisation has both (a grassroots branch).
    pub other_stage: Option<String>,
}

fn label(i: &I18n, year: i32, r: &Option<StageRating>) -> String {
    r.as_ref()
        .map(|r| {
            let words = Regime::of_year(year).words;
            let level = i.t(&format!("{words}-{}", r.level.as_str()));
            match (r.score, &r.decision_no) {
                (Some(s), _) => format!("{level} ({s})"),
                (None, Some(no)) => format!("{level} — {no}"),
                (None, None) => level,
            }
        })
        .unwrap_or_default()
}

/// The stage a page shows: `?stage=` where the organisation has it, else a branch's proposals
/// or a committee's decisions.
fn stage_of(q: &HashMap<String, String>, holds_members: bool) -> Stage {
    match q.get("stage").and_then(|s| Stage::parse(s)) {
        Some(s) => s,
        None if holds_members => Stage::Branch,
        None => Stage::Decision,
    }
}

fn page(c: Ctx, sheet: RatingSheet, summary: dangbo_db::RatingSummary, stage: Stage, form: FormView, saved: Option<String>, both: bool) -> RatingsPage {
    let i = c.i18n;
    let year = sheet.year;
    let words = Regime::of_year(year).words;
    let rows: Vec<RowView> = sheet
        .lines
        .iter()
        .map(|l| {
            let open = l.decided.is_none() && (stage != Stage::Decision || l.proposed.is_some());
            let preset = match stage {
                Stage::Decision => l.proposed.as_ref(),
                _ => l.proposed.as_ref().or(l.self_assessed.as_ref()),
            };
            let field = format!("level.{}", l.member_id);
            RowView {
                level: form.values.get(&field).cloned().unwrap_or_else(|| preset.map(|r| r.level.as_str()).unwrap_or(Level::Good.as_str()).to_string()),
                score: form
                    .values
                    .get(&format!("score.{}", l.member_id))
                    .cloned()
                    .unwrap_or_else(|| preset.and_then(|r| r.score).map(|s| s.to_string()).unwrap_or_default()),
                id: l.member_id.clone(),
                name: l.full_name.clone(),
                branch: l.branch_name.clone(),
                self_assessed: label(&i, year, &l.self_assessed),
                proposed: label(&i, year, &l.proposed),
                decided: label(&i, year, &l.decided),
                open,
            }
        })
        .collect();
    let m = &summary.members;
    let counts = [("htxs", m.htxs), ("htt", m.htt), ("ht", m.ht), ("khtnv", m.khtnv)]
        .iter()
        .map(|(k, n)| (i.t(&format!("{words}-{k}")), i.num(*n)))
        .chain(std::iter::once((i.t("ratings-not-rated"), i.num(m.not_rated))))
        .collect();
    let other = match stage {
        Stage::Decision => Stage::Branch,
        _ => Stage::Decision,
    };
    RatingsPage {
        code: sheet.org.clone(),
        name: sheet.org_name.clone(),
        year,
        stage: stage.as_str().into(),
        quota: i.args("ratings-quota", &[("percent", (sheet.quota / 100).to_string()), ("rule", sheet.quota_rule.clone())]),
        citation: sheet.citation,
        scored: sheet.scored,
        counts,
        any_open: rows.iter().any(|r| r.open),
        rows,
        levels: Level::ALL.iter().map(|l| Choice { value: l.as_str().into(), label: i.t(&format!("{words}-{}", l.as_str())) }).collect(),
        form,
        saved,
        other_stage: both.then(|| format!("/orgs/{}/ratings?year={year}&stage={}", sheet.org, other.as_str())),
        ctx: c,
    }
}

/// The sheet, and whether the organisation holds members (proposes) and decides too.
async fn load(st: &AppState, auth: &PageAuth, code: &str, year: i32) -> Result<(RatingSheet, bool, bool), WebError> {
    let org = st.store.org(&auth.caller, code).await?;
    let sheet = st.store.rating_sheet(&auth.caller, code, year, st.clock.today()).await?;
    Ok((sheet, org.kind.holds_members(), org.kind.holds_members() && org.kind.is_grassroots()))
}

/// `/orgs/{code}/ratings?year=YYYY&stage=branch|decision`.
pub async fn show(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let year = super::year_of(&q, st.clock.today());
    let (sheet, holds, both) = load(&st, &auth, &code, year).await?;
    let stage = stage_of(&q, holds);
    let summary = st.store.rating_summary(&auth.caller, &code, year, st.clock.today()).await?;
    let c = ctx(&auth, lang, &format!("/orgs/{code}/ratings?year={year}&stage={}", stage.as_str()));
    let values = [("decision_date".to_string(), dangbo_core::date::display(st.clock.today()))].into_iter().collect();
    let saved = q.get("saved").and_then(|n| n.parse::<i64>().ok()).map(|n| c.i18n.t1("ratings-saved", "n", &c.i18n.num(n)));
    Ok(render(&page(c, sheet, summary, stage, FormView { values, errors: Default::default() }, saved, both)))
}

/// The ratings a submitted form records: `level.ID` (empty: not rated now) and `score.ID` for
/// every member the stage rates.
fn parse(map: &HashMap<String, String>, sheet: &RatingSheet, stage: Stage, today: chrono::NaiveDate) -> Result<NewRatings, FieldErrors> {
    let get = |k: &str| map.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let mut e = FieldErrors::new();
    let mut ratings = Vec::new();
    for l in sheet.lines.iter().filter(|l| l.decided.is_none()) {
        let level = get(&format!("level.{}", l.member_id));
        if level.is_empty() {
            continue;
        }
        if let Some(r) = parse_rated(&l.member_id, &level, &get(&format!("score.{}", l.member_id)), sheet.scored, &sheet.bands, &mut e) {
            ratings.push((l.member_id.clone(), r));
        }
    }
    let decision = (stage == Stage::Decision)
        .then(|| {
            let date = dangbo_core::org::parse_past_date("decision_date", &get("decision_date"), today, &mut e)?;
            Some((get("decision_no"), date))
        })
        .flatten();
    e.into_result(NewRatings { year: sheet.year, stage, ratings, decision })
}

/// POST `/orgs/{code}/ratings`: one stage's ratings in one command.
pub async fn record(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(code): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let map = checked_form(&auth, body)?;
    let today = st.clock.today();
    let year = super::year_of(&map, today);
    let (sheet, holds, both) = load(&st, &auth, &code, year).await?;
    let stage = stage_of(&map, holds);
    let result = match parse(&map, &sheet, stage, today) {
        Ok(new) => st.store.record_ratings(&auth.caller, &code, &new, today).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    match result {
        Ok(n) => Ok(Redirect::to(&format!("/orgs/{code}/ratings?year={year}&stage={}&saved={n}", stage.as_str())).into_response()),
        Err(DbError::Invalid(mut e)) => {
            let c = ctx(&auth, lang, &format!("/orgs/{code}/ratings?year={year}&stage={}", stage.as_str()));
            // A level named in a message reads in the year's words.
            for err in e.0.values_mut() {
                for (_, v) in err.args.iter_mut().filter(|(k, _)| *k == "level") {
                    *v = c.i18n.t(&format!("{}-{v}", Regime::of_year(year).words));
                }
            }
            let form = form_with_errors(&c, map, &e);
            // The summary only to show the form again: a saved form redirects.
            let summary = st.store.rating_summary(&auth.caller, &code, year, today).await?;
            Ok(render_invalid(&page(c, sheet, summary, stage, form, None, both)))
        }
        Err(e) => Err(e.into()),
    }
}
