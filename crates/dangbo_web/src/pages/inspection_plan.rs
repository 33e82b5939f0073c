//! The yearly inspection and supervision programme of an organisation on a page: its items with
//! their progress (cases opened and closed under each), and a form to add one — the target
//! chosen from the organisation and those under it, never typed.

use super::{PageForm, ctx};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::views::{Choice, Ctx, PlanPage, render, render_invalid};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use dangbo_core::discipline::{CaseKind, PlanItemInput};
use dangbo_db::{Action, DbError};
use std::collections::HashMap;

async fn page(st: &AppState, auth: &PageAuth, c: Ctx, code: &str, year: i32, input: PlanItemInput, errors: Vec<String>) -> Result<PlanPage, WebError> {
    let plan = st.store.inspection_plan(&auth.caller, code, year).await?;
    let children = st.store.org_children(&auth.caller, code, st.clock.today()).await?;
    let i = &c.i18n;
    let items = plan
        .items
        .iter()
        .map(|x| {
            let target = x.target.as_ref().map(|(_, name)| name.clone()).unwrap_or_else(|| plan.org_name.clone());
            let months = format!("{} – {}", x.from_month.display(), x.to_month.display());
            let progress = i.args("plan-progress", &[("cases", i.num(x.cases)), ("closed", i.num(x.closed))]);
            (c.t(&x.kind.message_key()), target, x.matter.clone(), months, x.team.clone(), progress)
        })
        .collect();
    let mut targets = vec![Choice { value: String::new(), label: plan.org_name.clone() }];
    targets.extend(children.into_iter().map(|o| Choice { value: o.code, label: o.name }));
    Ok(PlanPage {
        can_add: auth.caller.may(Action::Inspect) || auth.caller.can_write(),
        kinds: CaseKind::ALL.iter().map(|k| Choice { value: k.as_str().into(), label: c.t(&k.message_key()) }).collect(),
        code: plan.org,
        name: plan.org_name,
        year,
        items,
        targets,
        input,
        errors,
        ctx: c,
    })
}

/// `/orgs/{code}/inspection-plan?year=YYYY`.
pub async fn show(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let year = super::year_of(&q, st.clock.today());
    let c = ctx(&auth, lang, &format!("/orgs/{code}/inspection-plan?year={year}"));
    Ok(render(&page(&st, &auth, c, &code, year, PlanItemInput::default(), Vec::new()).await?))
}

#[derive(Debug, serde::Deserialize)]
pub struct PlanBody {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    year: String,
    #[serde(flatten)]
    item: PlanItemInput,
}

/// Adds an item; a problem shows the page again with the form as typed.
pub async fn add(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(code): Path<String>,
    PageForm(b): PageForm<PlanBody>,
) -> Result<Response, WebError> {
    crate::auth::check_csrf(&auth, &b.csrf)?;
    let year = super::year_of(&HashMap::from([("year".to_string(), b.year.clone())]), st.clock.today());
    let result = match b.item.parse(year) {
        Ok(item) => st.store.add_plan_item(&auth.caller, &code, year, &item).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/orgs/{code}/inspection-plan?year={year}")).into_response()),
        Err(DbError::Invalid(e)) => {
            let c = ctx(&auth, lang, &format!("/orgs/{code}/inspection-plan?year={year}"));
            let errors = e.0.iter().map(|(f, err)| c.i18n.field_message(f, err.key, &err.args)).collect();
            Ok(render_invalid(&page(&st, &auth, c, &code, year, b.item, errors).await?))
        }
        Err(e) => Err(e.into()),
    }
}
