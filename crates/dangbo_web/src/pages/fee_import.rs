//! Fee payments from a spreadsheet (the portal's statement, a branch's Excel book): checked
//! first, row by row with Vietnamese messages naming the column, then recorded all or none.

use super::ctx;
use crate::AppState;
use crate::auth::{PageAuth, check_csrf};
use crate::error::{ErrorKind, WebError};
use crate::i18n::{I18n, Lang};
use crate::views::{Choice, Ctx, render};
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use dangbo_core::fee::Channel;
use dangbo_core::fee::payment::PaymentLine;
use dangbo_db::PaymentImport;

/// The problems listed on the page (the first of them; a page stays small).
const PROBLEMS_SHOWN: usize = 200;

#[derive(Template)]
#[template(path = "fee_import.html")]
pub struct FeeImportPage {
    pub ctx: Ctx,
    pub channels: Vec<Choice>,
    pub channel: String,
    pub summary: Option<String>,
    pub problems: Vec<String>,
}

fn page(c: Ctx, channel: &str, summary: Option<String>, problems: Vec<String>) -> FeeImportPage {
    let channels = Channel::ALL.iter().map(|ch| Choice { value: ch.as_str().into(), label: c.i18n.t(&ch.message_key()) }).collect();
    FeeImportPage { channels, channel: channel.to_string(), summary, problems, ctx: c }
}

pub async fn form(auth: PageAuth, lang: Lang) -> Result<Response, WebError> {
    if !auth.caller.can_write() {
        return Err(WebError(ErrorKind::Forbidden));
    }
    Ok(render(&page(ctx(&auth, lang, "/fees/import"), "portal", None, Vec::new())))
}

fn problem_lines(i: &I18n, problems: &[dangbo_db::RowProblems]) -> Vec<String> {
    problems
        .iter()
        .flat_map(|p| {
            let row = p.row;
            p.errors.0.iter().map(move |(field, err)| {
                let message = i.field_message(field, err.key, &err.args);
                i.args("import-problem", &[("row", row.to_string()), ("column", i.t(&format!("field-{field}"))), ("message", message)])
            })
        })
        .take(PROBLEMS_SHOWN)
        .collect()
}

fn summary(i: &I18n, r: &PaymentImport) -> String {
    let args = [("rows", i.num(r.rows as i64)), ("recorded", i.num(r.recorded as i64)), ("already", i.num(r.already as i64)), ("total", i.num(r.total))];
    let key = match (r.problems.is_empty(), r.dry_run) {
        (false, _) => return i.t1("fees-import-refused", "n", &i.num(r.problems.len() as i64)),
        (true, true) => "fees-import-checked",
        (true, false) => "fees-import-done",
    };
    i.args(key, &args)
}

/// POST `/fees/import`: the file, the channel of rows that do not say, and check or record.
pub async fn upload(State(st): State<AppState>, auth: PageAuth, lang: Lang, mut multipart: Multipart) -> Result<Response, WebError> {
    if !auth.caller.can_write() {
        return Err(WebError(ErrorKind::Forbidden));
    }
    let bad = |_| WebError(ErrorKind::BadRequest);
    let (mut csrf, mut channel, mut action, mut file) = (String::new(), String::new(), String::new(), None);
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "csrf" => csrf = field.text().await.map_err(bad)?,
            "channel" => channel = field.text().await.map_err(bad)?,
            "action" => action = field.text().await.map_err(bad)?,
            "file" => file = Some((field.file_name().unwrap_or("").to_string(), field.bytes().await.map_err(bad)?)),
            _ => {}
        }
    }
    check_csrf(&auth, &csrf)?;
    let c = ctx(&auth, lang, "/fees/import");
    let i = c.i18n;
    let (name, bytes) = file.ok_or(WebError(ErrorKind::BadRequest))?;
    let default = Channel::parse(channel.trim()).unwrap_or(Channel::Portal);
    let today = st.clock.today();
    let read = move || {
        let table = dangbo_import::read_table(&name, &bytes).map_err(|e| e.key().to_string())?;
        dangbo_import::payments::payment_rows(&table).map_err(|missing| missing.join(","))
    };
    let cells = match st.limits.parse(read).await? {
        Ok(cells) => cells,
        Err(why) => {
            let message = if why.starts_with("import-err") {
                i.t(&why)
            } else {
                let columns = why.split(',').map(|f| i.t(&format!("field-{f}"))).collect::<Vec<_>>().join(", ");
                i.t1("fees-import-missing", "columns", &columns)
            };
            let mut r = render(&page(c, default.as_str(), Some(message), Vec::new()));
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(r);
        }
    };
    if cells.len() > dangbo_core::fee::payment::MAX_IMPORT_ROWS {
        let mut r = render(&page(c, default.as_str(), Some(i.t("fees-import-too-many")), Vec::new()));
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    }
    let (mut lines, mut problems) = (Vec::new(), Vec::new());
    for cell in &cells {
        match PaymentLine::parse(cell, default, today) {
            Ok(l) => lines.push(l),
            Err(e) => problems.push((cell.row, e)),
        }
    }
    let report = st.store.import_fee_payments(&auth.caller, &lines, problems, action != "commit", today).await?;
    let ok = report.problems.is_empty();
    let mut r = render(&page(c, default.as_str(), Some(summary(&i, &report)), problem_lines(&i, &report.problems)));
    if !ok {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}
