//! The fees of a subtree over a year, month by month (members owing, due, paid, exempt, reduced,
//! in arrears, without a basis, sent up), each month's arrears linked to its list of members.

use super::ctx;
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::views::{Ctx, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use std::collections::HashMap;

/// One month's row.
pub struct MonthRow {
    pub month: String,
    pub cells: Vec<String>,
    /// The arrears' count and the day its list is counted on (the next month's first).
    pub arrears: String,
    pub arrears_on: String,
}

#[derive(Template)]
#[template(path = "fee_year.html")]
pub struct YearPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub year: i32,
    pub rows: Vec<MonthRow>,
    pub totals: Vec<String>,
}

/// `/orgs/{code}/fees/year?year=YYYY`.
pub async fn year(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let today = st.clock.today();
    let year = super::year_of(&q, today);
    let y = st.store.org_fees_year(&auth.caller, &code, year).await?;
    let c = ctx(&auth, lang, &format!("/orgs/{code}/fees/year?year={year}"));
    let i = c.i18n;
    let rows = y
        .months
        .iter()
        .map(|m| MonthRow {
            month: m.month.display(),
            cells: [m.members, m.due, m.paid, m.exempt, m.reduced].iter().map(|n| i.num(*n)).collect(),
            arrears: i.num(m.in_arrears),
            arrears_on: dangbo_core::date::iso(m.month.next().first_day()),
        })
        .collect();
    let sum = |f: &dyn Fn(&dangbo_db::OrgFeeMonth) -> i64| i.num(y.months.iter().map(f).sum());
    let totals = vec![sum(&|m| m.due), sum(&|m| m.paid), sum(&|m| m.remitted)];
    Ok(render(&YearPage { code: y.org, name: y.org_name, year, rows, totals, ctx: c }))
}

/// One member in arrears.
pub struct ArrearsLine {
    pub id: String,
    pub name: String,
    pub org: String,
    pub months: String,
    pub owed: String,
}

#[derive(Template)]
#[template(path = "fee_arrears.html")]
pub struct ArrearsPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub as_of: String,
    pub lines: Vec<ArrearsLine>,
}

/// `/orgs/{code}/fees/arrears?as_of=YYYY-MM-DD`: the members with months of the year before
/// that day's month unpaid.
pub async fn arrears(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let today = st.clock.today();
    let as_of: NaiveDate = super::as_of(q.get("as_of"), today)?;
    let org = st.store.org(&auth.caller, &code).await?;
    let rows = st.store.fee_arrears(&auth.caller, &code, as_of).await?;
    let c = ctx(&auth, lang, &format!("/orgs/{code}/fees/arrears?as_of={}", dangbo_core::date::iso(as_of)));
    let i = c.i18n;
    let lines = rows
        .iter()
        .map(|r| ArrearsLine {
            id: r.member_id.clone(),
            name: r.full_name.clone(),
            org: r.org_name.clone(),
            months: r.unpaid.iter().map(|m| m.display()).collect::<Vec<_>>().join(", "),
            owed: i.num(r.owed),
        })
        .collect();
    Ok(render(&ArrearsPage { code: org.code, name: org.name, as_of: i.date(&as_of), lines, ctx: c }))
}
