//! The card book (sổ phát thẻ đảng viên) of a committee for a period, on the page and on A4.

use super::documents::{internal, pdf_response};
use super::{as_of, ctx};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::WebError;
use crate::i18n::{I18n, Lang};
use crate::views::render;
use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use dangbo_db::{CardEntry, CardEntryKind};
use dangbo_reports::pdf::TableDoc;

#[derive(Template)]
#[template(path = "cards.html")]
pub struct CardsPage {
    pub ctx: crate::views::Ctx,
    pub code: String,
    pub name: String,
    pub from: String,
    pub to: String,
    pub from_iso: String,
    pub to_iso: String,
    pub rows: Vec<Vec<String>>,
    pub total: String,
}

/// The period asked for (dd/mm/yyyy or ISO), by default this year up to today.
fn period(q: &std::collections::HashMap<String, String>, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), WebError> {
    let to = as_of(q.get("to"), today)?;
    let from = as_of(q.get("from"), NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to))?;
    Ok((from, to))
}

fn cells(i: &I18n, e: &CardEntry) -> Vec<String> {
    let what = match e.kind {
        CardEntryKind::Issued | CardEntryKind::Reissued => i.t(&format!("card-reason-{}", e.reason)),
        CardEntryKind::Withdrawn => format!("{} ({})", i.t("card-withdrawn"), i.t(&format!("event-{}", e.reason.replace('_', "-")))),
    };
    vec![i.date(&e.on), e.full_name.clone(), e.branch.clone(), e.card_no.clone(), what, e.decision_no.clone().unwrap_or_default()]
}

/// `/orgs/{code}/cards`.
pub async fn show(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Path(code): Path<String>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (from, to) = period(&q, st.clock.today())?;
    let org = st.store.org(&auth.caller, &code).await?;
    let book = st.store.card_book(&auth.caller, &org.code, from, to).await?;
    let c = ctx(&auth, lang, &uri.to_string());
    let i = c.i18n;
    Ok(render(&CardsPage {
        code: org.code,
        name: org.name,
        from: dangbo_core::date::display(from),
        to: dangbo_core::date::display(to),
        from_iso: dangbo_core::date::iso(from),
        to_iso: dangbo_core::date::iso(to),
        total: i.count("card-entries", book.len() as i64),
        rows: book.iter().map(|e| cells(&i, e)).collect(),
        ctx: c,
    }))
}

/// `/orgs/{code}/cards.pdf`: the same lines on A4, with the committee's letterhead.
pub async fn pdf(
    State(st): State<AppState>,
    auth: PageAuth,
    Path(code): Path<String>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (from, to) = period(&q, st.clock.today())?;
    let org = st.store.org(&auth.caller, &code).await?;
    let book = st.store.card_book(&auth.caller, &org.code, from, to).await?;
    let i = I18n::new(Lang::Vi);
    let d = dangbo_core::date::display;
    let doc = TableDoc {
        letterhead: Some(super::documents::letterhead(&st, &auth.caller, &org.code).await?),
        title: "Sổ phát thẻ đảng viên".into(),
        subtitle: format!("{} — từ ngày {} đến ngày {}", org.name, d(from), d(to)),
        footer: org.code.clone(),
        note: "Thẻ cấp cho đảng viên chính thức; cấp lại khi mất, hỏng hoặc đổi thẻ; thu hồi khi đảng viên ra khỏi Đảng.".into(),
        landscape: false,
        font_size: 10.0,
        headers: ["Ngày", "Họ và tên", "Chi bộ", "Số thẻ", "Nội dung", "Quyết định"].map(String::from).to_vec(),
        widths: vec![1.4, 2.6, 2.6, 1.4, 2.2, 1.4],
        numeric: vec![],
        rows: book.iter().map(|e| cells(&i, e)).collect(),
    };
    let bytes = st.limits.render(move || dangbo_reports::pdf::table(&doc)).await?.map_err(|e| internal(&e))?;
    Ok(pdf_response(&format!("Sổ phát thẻ đảng viên {}", org.name), bytes))
}
