//! The fee book of a branch for a year (sổ thu đảng phí: each member's months due and paid, the
//! exemptions and reductions with their decisions) on the page, on A4 landscape and in Excel;
//! and the reconciliation of a subtree's collections and remittances, where an organisation
//! records what it sent up and confirms what arrived from below.

use super::documents::{internal, letterhead, pdf_response};
use super::{PageForm, checked_form, ctx, form_with_errors, year_of};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::{ErrorKind, WebError};
use crate::export::{ascii_name, rfc5987};
use crate::i18n::{I18n, Lang};
use crate::views::{Ctx, FormView, render, render_invalid};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use dangbo_core::fee::Month;
use dangbo_db::{DbError, FeeBook, NewRemittance, Reconciliation, ReliefRow};
use dangbo_reports::fee_book::{self, BookMember, BookMonth, BookWords, FeeBookPaper};
use dangbo_reports::pdf::TableDoc;
use std::collections::HashMap;

/// "Giảm một phần — từ 03/2019 đến 08/2019 — Quyết định số 12-QĐ/ĐU ngày 25/02/2019 của …".
pub(crate) fn relief_line(i: &I18n, r: &ReliefRow) -> String {
    let kind = if r.relief.percent < 100 { i.t1("fees-relief-reduction-p", "p", &r.relief.percent.to_string()) } else { i.t(&r.relief.kind.message_key()) };
    let to = match r.relief.to {
        Some(t) => i.t1("fees-relief-to", "to", &t.display()),
        None => i.t("fees-relief-open"),
    };
    let args = [
        ("kind", kind),
        ("from", r.relief.from.display()),
        ("to", to),
        ("no", r.relief.decision_no.clone()),
        ("date", i.date(&r.relief.decision_date)),
        ("org", r.decided_by.clone()),
    ];
    i.args("fees-relief-line", &args)
}

/// The book's words in the reader's language.
fn words(i: &I18n) -> BookWords {
    BookWords {
        number: i.t("fees-book-col-no"),
        name: i.t("col-name"),
        due: i.t("fees-book-row-due"),
        paid: i.t("fees-book-row-paid"),
        exempt: i.t("fees-book-exempt"),
        total: i.t("fees-book-total"),
        month: i.t("fees-book-month"),
        reliefs: i.t("fees-reliefs"),
    }
}

/// The book's data for the page and the paper.
fn paper(i: &I18n, b: &FeeBook, letterhead: Option<dangbo_reports::pdf::Letterhead>) -> FeeBookPaper {
    let members = b
        .lines
        .iter()
        .map(|l| BookMember {
            name: l.name.clone(),
            months: l.months.iter().map(|m| BookMonth { owed: m.owed, exempt: m.exempt, due: m.due, paid: m.paid }).collect(),
        })
        .collect();
    let reliefs = b.lines.iter().flat_map(|l| l.reliefs.iter().map(move |r| format!("{}: {}", l.name, relief_line(i, r)))).collect();
    FeeBookPaper { letterhead, org_name: b.org_name.clone(), year: b.year, members, reliefs }
}

#[derive(Template)]
#[template(path = "fee_book.html")]
pub struct BookPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub year: i32,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub reliefs: Vec<String>,
}

/// `/orgs/{code}/fees/book?year=YYYY`.
pub async fn book(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let year = year_of(&q, st.clock.today());
    let b = st.store.fee_book(&auth.caller, &code, year).await?;
    let c = ctx(&auth, lang, &format!("/orgs/{code}/fees/book?year={year}"));
    let (i, w) = (c.i18n, words(&c.i18n));
    let p = paper(&i, &b, None);
    let rows = if b.lines.is_empty() { Vec::new() } else { fee_book::rows(&p, &w, c.i18n.lang == Lang::Vi) };
    Ok(render(&BookPage { code: b.org.clone(), name: b.org_name.clone(), year, headers: fee_book::headers(&w), rows, reliefs: p.reliefs, ctx: c }))
}

fn xlsx_response(stem: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{}.xlsx\"; filename*=UTF-8''{}.xlsx", ascii_name(stem), rfc5987(stem));
    (
        [(header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()), (header::CONTENT_DISPOSITION, disposition)],
        bytes,
    )
        .into_response()
}

/// `/orgs/{code}/fees/{file}`: `book.pdf`, `book.xlsx` and `reconciliation.pdf`, of `?year=`.
pub async fn file(
    State(st): State<AppState>,
    auth: PageAuth,
    Path((code, file)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let year = year_of(&q, st.clock.today());
    let i = I18n::new(Lang::Vi);
    let (doc, xlsx) = match file.as_str() {
        "book.pdf" | "book.xlsx" => {
            let b = st.store.fee_book(&auth.caller, &code, year).await?;
            let doc = fee_book::table(&paper(&i, &b, Some(letterhead(&st, &auth.caller, &b.org).await?)));
            (doc, file.ends_with(".xlsx"))
        }
        "reconciliation.pdf" => (recon_doc(&st, &auth, &i, &code, year).await?, false),
        _ => return Err(WebError(ErrorKind::NotFound)),
    };
    let stem = format!("{} {code}", doc.footer);
    if xlsx {
        let bytes = st.limits.render(move || dangbo_reports::table_xlsx::xlsx(&doc, "Sổ thu")).await?.map_err(|e| internal(&e))?;
        return Ok(xlsx_response(&stem, bytes));
    }
    let bytes = st.limits.render(move || dangbo_reports::pdf::table(&doc)).await?.map_err(|e| internal(&e))?;
    Ok(pdf_response(&stem, bytes))
}

/// The reconciliation's rows on paper and on the page: name (indented), collected, received
/// (unconfirmed), sent, due up, kept, difference.
fn recon_cells(i: &I18n, r: &dangbo_db::ReconRow) -> Vec<String> {
    let gap = r.expected.map(|e| r.sent - e).filter(|g| *g != 0).map(|g| i.num(g)).unwrap_or_default();
    vec![
        format!("{}{}", "\u{2003}".repeat(r.depth), r.name),
        i.num(r.collected),
        i.num(r.received),
        if r.unconfirmed > 0 { i.num(r.unconfirmed) } else { String::new() },
        i.num(r.sent),
        r.expected.map(|e| i.num(e)).unwrap_or_default(),
        i.num(r.kept),
        gap,
    ]
}

const RECON_HEADERS: [&str; 8] = [
    "fees-col-org",
    "fees-recon-collected",
    "fees-recon-received",
    "fees-recon-unconfirmed",
    "fees-recon-sent",
    "fees-recon-expected",
    "fees-recon-kept",
    "fees-recon-gap",
];

fn recon_summary(i: &I18n, r: &Reconciliation) -> String {
    let totals = i.args("fees-recon-totals", &[("collected", i.num(r.collected)), ("kept", i.num(r.kept)), ("sent", i.num(r.sent_up))]);
    format!("{} {totals}", i.t(if r.balanced { "fees-recon-balanced" } else { "fees-recon-unbalanced" }))
}

async fn recon_doc(st: &AppState, auth: &PageAuth, i: &I18n, code: &str, year: i32) -> Result<TableDoc, WebError> {
    let r = st.store.fee_reconciliation(&auth.caller, code, month(year, 1), month(year, 12)).await?;
    Ok(TableDoc {
        letterhead: Some(letterhead(st, &auth.caller, &r.org).await?),
        title: format!("BÁO CÁO THU, NỘP ĐẢNG PHÍ NĂM {year}"),
        subtitle: r.org_name.clone(),
        footer: format!("Đối chiếu đảng phí {year} — {}", r.org_name),
        note: recon_summary(i, &r),
        landscape: true,
        font_size: 8.0,
        headers: RECON_HEADERS.iter().map(|k| i.t(k)).collect(),
        widths: vec![4.0, 1.4, 1.4, 1.2, 1.4, 1.4, 1.4, 1.1],
        numeric: (1..8).collect(),
        rows: r.rows.iter().map(|row| recon_cells(i, row)).collect(),
    })
}

fn month(year: i32, m: u32) -> Month {
    Month::new(year, m).unwrap_or(Month { year: 2000, month: 1 })
}

/// One remittance from below, on the receiver's page.
pub struct RemitView {
    pub id: String,
    pub from: String,
    pub period: String,
    pub amount: String,
    pub sent_on: String,
    pub received: Option<String>,
}

/// One organisation's line, with whether it stands out.
pub struct ReconLine {
    pub cells: Vec<String>,
    pub off: bool,
}

#[derive(Template)]
#[template(path = "fee_reconciliation.html")]
pub struct ReconPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub year: i32,
    pub headers: Vec<String>,
    pub lines: Vec<ReconLine>,
    pub summary: String,
    pub balanced: bool,
    pub incoming: Vec<RemitView>,
    pub form: FormView,
    pub saved: bool,
}

async fn recon_page(st: &AppState, auth: &PageAuth, c: Ctx, code: &str, year: i32, form: Option<FormView>, saved: bool) -> Result<ReconPage, WebError> {
    let i = c.i18n;
    let r = st.store.fee_reconciliation(&auth.caller, code, month(year, 1), month(year, 12)).await?;
    let incoming = st.store.remittances_to(&auth.caller, code, month(year, 1), month(year, 12)).await?;
    let own = r.rows.first();
    let form = form.unwrap_or_else(|| {
        let owed = own.and_then(|o| o.expected.map(|e| e - o.sent)).filter(|n| *n > 0).unwrap_or(0);
        let today = st.clock.today();
        let values = [
            ("from_month", month(year, 1).display()),
            ("to_month", month(year, 12).min(Month::of(today)).display()),
            ("amount", if owed > 0 { i.num(owed) } else { String::new() }),
            ("sent_on", dangbo_core::date::display(today)),
        ];
        FormView { values: values.into_iter().map(|(k, v)| (k.to_string(), v)).collect(), errors: Default::default() }
    });
    Ok(ReconPage {
        code: r.org.clone(),
        name: r.org_name.clone(),
        year,
        headers: RECON_HEADERS.iter().map(|k| i.t(k)).collect(),
        lines: r
            .rows
            .iter()
            .map(|row| ReconLine { off: row.unconfirmed > 0 || row.expected.is_some_and(|e| e != row.sent), cells: recon_cells(&i, row) })
            .collect(),
        summary: recon_summary(&i, &r),
        balanced: r.balanced,
        incoming: incoming
            .iter()
            .map(|x| RemitView {
                id: x.id.clone(),
                from: x.from_name.clone(),
                period: format!("{}–{}", x.from.display(), x.to.display()),
                amount: i.num(x.amount),
                sent_on: i.date(&x.sent_on),
                received: x.received_on.map(|d| i.t1("fees-remit-received", "date", &i.date(&d))),
            })
            .collect(),
        form,
        saved,
        ctx: c,
    })
}

/// `/orgs/{code}/fees/reconciliation?year=YYYY`.
pub async fn reconciliation(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let year = year_of(&q, st.clock.today());
    let c = ctx(&auth, lang, &format!("/orgs/{code}/fees/reconciliation?year={year}"));
    Ok(render(&recon_page(&st, &auth, c, &code, year, None, q.contains_key("saved")).await?))
}

/// POST `/orgs/{code}/fees/remittances`: what the organisation sent up.
pub async fn remit(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(code): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let map = checked_form(&auth, body)?;
    let get = |k: &str| map.get(k).map(String::as_str).unwrap_or("");
    let today = st.clock.today();
    let year = year_of(&map, today);
    let result = match NewRemittance::parse(get("from_month"), get("to_month"), get("amount"), get("sent_on"), today) {
        Ok(r) => st.store.record_remittance(&auth.caller, &code, r).await.map(|_| ()),
        Err(e) => Err(DbError::Invalid(e)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/orgs/{code}/fees/reconciliation?year={year}&saved=1")).into_response()),
        Err(DbError::Invalid(e)) => {
            let c = ctx(&auth, lang, &format!("/orgs/{code}/fees/reconciliation?year={year}"));
            let form = form_with_errors(&c, map, &e);
            Ok(render_invalid(&recon_page(&st, &auth, c, &code, year, Some(form), false).await?))
        }
        Err(e) => Err(e.into()),
    }
}

/// POST `/fees/remittances/{id}/received`: the receiver confirms (today, or the date given).
pub async fn received(
    State(st): State<AppState>,
    auth: PageAuth,
    Path(id): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let map = checked_form(&auth, body)?;
    let today = st.clock.today();
    let on = match map.get("received_on").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => today,
        Some(s) => dangbo_db::parse_paid_on(s, today).map_err(|e| WebError::from(DbError::Invalid(e)))?,
    };
    st.store.confirm_remittance(&auth.caller, &id, on).await?;
    let back = map
        .get("code")
        .filter(|c| dangbo_core::org::OrgCode::parse(c).is_some())
        .map(|c| format!("/orgs/{c}/fees/reconciliation?year={}", year_of(&map, today)));
    Ok(Redirect::to(&back.unwrap_or_else(|| "/todo".into())).into_response())
}
