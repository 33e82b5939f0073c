//! Party fees on the page: a branch's month, everyone preselected "paid in full" so the
//! secretary changes only the exceptions and submits once; a member's year, with the month paid
//! through and the fee basis recorded from a month on.

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
use dangbo_core::fee::relief::{Relief, ReliefInput, ReliefKind};
use dangbo_core::fee::{Basis, Category, Channel, Month};
use dangbo_db::{DbError, FeeSheet, NewPayment};
use std::collections::HashMap;

/// One member's row on the month's page.
pub struct LineView {
    pub id: String,
    pub name: String,
    /// "82.000 đ" or why there is no amount.
    pub due: String,
    pub due_amount: i64,
    pub paid: String,
    /// Paid in full already (or exempt): nothing to record.
    pub settled: bool,
    pub rule: String,
    /// What the form holds for the member: "full", "none" or "other", the amount and receipt.
    pub choice: String,
    pub amount: String,
    pub receipt: String,
    /// Months paid together when paid ahead.
    pub months: String,
}

#[derive(Template)]
#[template(path = "fees.html")]
pub struct FeesPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub month: String,
    pub month_iso: String,
    pub year: i32,
    pub prev: String,
    pub next: String,
    pub lines: Vec<LineView>,
    pub total_due: String,
    pub total_paid: String,
    pub channels: Vec<Choice>,
    pub form: FormView,
    pub saved: Option<String>,
}

fn money(i: &I18n, n: i64) -> String {
    format!("{} đ", i.num(n))
}

fn month_of(q: &HashMap<String, String>, today: chrono::NaiveDate) -> Month {
    q.get("month").and_then(|m| Month::parse(m)).unwrap_or_else(|| Month::of(today))
}

fn line(i: &I18n, l: &dangbo_db::FeeLine, form: &FormView) -> LineView {
    let (due, amount, exempt) = match &l.due {
        None => (i.t("fee-no-basis"), 0, false),
        Some(d) if d.exempt => (i.t("fee-exempt"), 0, true),
        Some(d) => (money(i, d.amount), d.amount, false),
    };
    LineView {
        id: l.member_id.clone(),
        name: l.name.clone(),
        due,
        due_amount: amount,
        paid: if l.paid > 0 { money(i, l.paid) } else { String::new() },
        settled: exempt || (amount > 0 && l.paid >= amount),
        rule: l.due.as_ref().map(|d| d.rule.clone()).unwrap_or_default(),
        choice: form.values.get(&format!("pay.{}", l.member_id)).cloned().unwrap_or_else(|| if amount > 0 { "full".into() } else { "none".into() }),
        amount: form.value(&format!("amount.{}", l.member_id)).to_string(),
        receipt: form.value(&format!("receipt.{}", l.member_id)).to_string(),
        months: form.value(&format!("months.{}", l.member_id)).to_string(),
    }
}

fn page(c: Ctx, sheet: FeeSheet, form: FormView, saved: Option<String>) -> FeesPage {
    let i = c.i18n;
    let lines: Vec<LineView> = sheet.lines.iter().map(|l| line(&i, l, &form)).collect();
    let total_due: i64 = lines.iter().map(|l| l.due_amount).sum();
    let total_paid: i64 = sheet.lines.iter().map(|l| l.paid).sum();
    FeesPage {
        code: sheet.org,
        name: sheet.org_name,
        month: sheet.month.display(),
        month_iso: sheet.month.iso(),
        year: sheet.month.year,
        prev: sheet.month.prev().iso(),
        next: sheet.month.next().iso(),
        lines,
        total_due: money(&i, total_due),
        total_paid: money(&i, total_paid),
        channels: Channel::ALL.iter().map(|ch| Choice { value: ch.as_str().into(), label: i.t(&ch.message_key()) }).collect(),
        form,
        saved,
        ctx: c,
    }
}

/// `/orgs/{code}/fees?month=YYYY-MM`.
pub async fn show(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let today = st.clock.today();
    let month = month_of(&q, today);
    let sheet = st.store.fee_sheet(&auth.caller, &code, month).await?;
    let c = ctx(&auth, lang, &format!("/orgs/{code}/fees?month={}", month.iso()));
    let values = [("paid_on".to_string(), dangbo_core::date::display(today)), ("channel".to_string(), "cash".to_string())].into_iter().collect();
    let saved = q.get("saved").and_then(|n| n.parse::<i64>().ok()).map(|n| c.i18n.t1("fee-saved", "n", &c.i18n.num(n)));
    Ok(render(&page(c, sheet, FormView { values, errors: Default::default() }, saved)))
}

/// The payments a submitted month records: for each member not yet settled, `pay.ID` is
/// "full" (the amount due), "none", or "other" with `amount.ID`; `receipt.ID` optional.
fn payments(map: &HashMap<String, String>, sheet: &FeeSheet, today: chrono::NaiveDate) -> Result<Vec<NewPayment>, FieldErrors> {
    let get = |k: &str| map.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let mut e = FieldErrors::new();
    let paid_on = dangbo_db::parse_paid_on(&get("paid_on"), today).map_err(|err| e.0.extend(err.0)).ok();
    let channel = Channel::parse(&get("channel")).or_else(|| {
        e.add("channel", "err-choice");
        None
    });
    let mut out = Vec::new();
    for l in &sheet.lines {
        let due = l.due.as_ref().filter(|d| !d.exempt).map(|d| d.amount).unwrap_or(0);
        let receipt = Some(get(&format!("receipt.{}", l.member_id))).filter(|r| !r.is_empty());
        let amount = match get(&format!("pay.{}", l.member_id)).as_str() {
            "full" if due > l.paid => due - l.paid,
            "ahead" if due > 0 => {
                // This month and the next ones, each at this month's amount.
                let n = match get(&format!("months.{}", l.member_id)).parse::<usize>() {
                    Ok(n) if (2..=dangbo_db::MAX_AHEAD).contains(&n) => n,
                    _ => {
                        e.add_with("months", "err-fee-ahead", vec![("name", l.name.clone()), ("max", dangbo_db::MAX_AHEAD.to_string())]);
                        continue;
                    }
                };
                let mut m = sheet.month;
                for k in 0..n {
                    let amount = if k == 0 { due - l.paid } else { due };
                    if let (Some(paid_on), Some(channel), true) = (paid_on, channel, amount > 0) {
                        // One receipt covers the months paid together: kept on the first.
                        let receipt = if k == 0 { receipt.clone() } else { None };
                        out.push(NewPayment { member_id: l.member_id.clone(), month: m, amount, paid_on, channel, receipt });
                    }
                    m = m.next();
                }
                continue;
            }
            "other" => {
                let digits: String = get(&format!("amount.{}", l.member_id)).chars().filter(|c| c.is_ascii_digit()).collect();
                match digits.parse::<i64>() {
                    Ok(n) if n > 0 => n,
                    _ => {
                        e.add_with("amount", "err-fee-amount", vec![("name", l.name.clone())]);
                        continue;
                    }
                }
            }
            _ => continue,
        };
        if let (Some(paid_on), Some(channel)) = (paid_on, channel) {
            out.push(NewPayment { member_id: l.member_id.clone(), month: sheet.month, amount, paid_on, channel, receipt });
        }
    }
    e.into_result(out)
}

/// POST `/orgs/{code}/fees`: the month's payments in one command.
pub async fn record(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(code): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let map = checked_form(&auth, body)?;
    let today = st.clock.today();
    let month = month_of(&map, today);
    let sheet = st.store.fee_sheet(&auth.caller, &code, month).await?;
    let result = match payments(&map, &sheet, today) {
        Ok(p) => st.store.record_fee_payments(&auth.caller, &code, month, &p, today).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    match result {
        Ok(n) => Ok(Redirect::to(&format!("/orgs/{code}/fees?month={}&saved={n}", month.iso())).into_response()),
        Err(DbError::Invalid(e)) => {
            let c = ctx(&auth, lang, &format!("/orgs/{code}/fees?month={}", month.iso()));
            let form = form_with_errors(&c, map, &e);
            Ok(render_invalid(&page(c, sheet, form, None)))
        }
        Err(e) => Err(e.into()),
    }
}

/// One month of a member's year.
pub struct MonthView {
    pub month: String,
    pub due: String,
    pub paid: String,
    pub reduced: String,
    pub short: bool,
}

#[derive(Template)]
#[template(path = "member_fees.html")]
pub struct MemberFeesPage {
    pub ctx: Ctx,
    pub id: String,
    pub name: String,
    pub year: i32,
    pub months: Vec<MonthView>,
    pub paid_through: String,
    pub bases: Vec<String>,
    pub categories: Vec<Choice>,
    pub form: FormView,
    pub reliefs: Vec<String>,
    pub relief_kinds: Vec<Choice>,
    pub relief_form: FormView,
}

async fn member_page(st: &AppState, auth: &PageAuth, c: Ctx, id: &str, year: i32, forms: (FormView, FormView)) -> Result<MemberFeesPage, WebError> {
    let (form, relief_form) = forms;
    let i = c.i18n;
    let m = st.store.member(&auth.caller, id).await?;
    let fees = st.store.member_fees(&auth.caller, id, year, st.clock.today()).await?;
    let months = fees
        .months
        .iter()
        .filter(|f| f.owed)
        .map(|f| MonthView {
            month: f.month.display(),
            due: match (f.exempt, f.due) {
                (true, _) => i.t("fee-exempt"),
                (false, Some(d)) => money(&i, d),
                (false, None) => i.t("fee-no-basis"),
            },
            paid: money(&i, f.paid),
            reduced: if f.reduction > 0 && !f.exempt { i.t1("fees-reduced", "p", &f.reduction.to_string()) } else { String::new() },
            short: !f.exempt && f.due.is_some_and(|d| f.paid < d),
        })
        .collect();
    Ok(MemberFeesPage {
        id: id.to_string(),
        name: m.full_name,
        year,
        months,
        paid_through: fees.paid_through.map(Month::display).unwrap_or_else(|| i.t("fee-paid-through-none")),
        bases: fees
            .bases
            .iter()
            .rev()
            .map(|b| {
                let base = if b.category.needs_base() { format!(" — {}", money(&i, b.base)) } else { String::new() };
                format!("{}: {}{base}", b.from.display(), i.t(&b.category.message_key()))
            })
            .collect(),
        categories: Category::ALL.iter().map(|ch| Choice { value: ch.as_str().into(), label: i.t(&ch.message_key()) }).collect(),
        form,
        reliefs: fees.reliefs.iter().rev().map(|r| super::fee_papers::relief_line(&i, r)).collect(),
        relief_kinds: ReliefKind::ALL.iter().map(|k| Choice { value: k.as_str().into(), label: i.t(&k.message_key()) }).collect(),
        relief_form,
        ctx: c,
    })
}

/// `/members/{id}/fees?year=YYYY`.
pub async fn member(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let today = st.clock.today();
    let year = super::year_of(&q, today);
    let c = ctx(&auth, lang, &format!("/members/{id}/fees?year={year}"));
    let values = [("from_month".to_string(), Month::of(today).display())].into_iter().collect();
    let forms = (FormView { values, errors: Default::default() }, FormView { values: Default::default(), errors: Default::default() });
    Ok(render(&member_page(&st, &auth, c, &id, year, forms).await?))
}

/// POST `/members/{id}/fees`: the fee basis from a month on.
pub async fn set_basis(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(id): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    use chrono::Datelike;
    let map = checked_form(&auth, body)?;
    let get = |k: &str| map.get(k).map(String::as_str).unwrap_or("");
    let today = st.clock.today();
    let result = match Basis::parse(get("from_month"), get("category"), get("base"), today) {
        Ok(b) => st.store.set_fee_basis(&auth.caller, &id, b).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/members/{id}/fees")).into_response()),
        Err(DbError::Invalid(e)) => {
            let c = ctx(&auth, lang, &format!("/members/{id}/fees"));
            let form = form_with_errors(&c, map, &e);
            let forms = (form, FormView { values: Default::default(), errors: Default::default() });
            Ok(render_invalid(&member_page(&st, &auth, c, &id, today.year(), forms).await?))
        }
        Err(e) => Err(e.into()),
    }
}

/// POST `/members/{id}/fee-reliefs`: an exemption or reduction by decision.
pub async fn add_relief(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(id): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    use chrono::Datelike;
    let map = checked_form(&auth, body)?;
    let get = |k: &str| map.get(k).map(String::as_str).unwrap_or("");
    let today = st.clock.today();
    let input = ReliefInput {
        kind: get("kind"),
        percent: get("percent"),
        from: get("from_month"),
        to: get("to_month"),
        decision_no: get("decision_no"),
        decision_date: get("decision_date"),
    };
    let result = match Relief::parse(&input, today, &st.store.rule_book().await?) {
        Ok(r) => st.store.add_fee_relief(&auth.caller, &id, r).await.map(|_| ()),
        Err(e) => Err(DbError::Invalid(e)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/members/{id}/fees")).into_response()),
        Err(DbError::Invalid(e)) => {
            let c = ctx(&auth, lang, &format!("/members/{id}/fees"));
            let form = form_with_errors(&c, map, &e);
            let forms = (FormView { values: Default::default(), errors: Default::default() }, form);
            Ok(render_invalid(&member_page(&st, &auth, c, &id, today.year(), forms).await?))
        }
        Err(e) => Err(e.into()),
    }
}
