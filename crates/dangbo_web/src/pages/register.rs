//! The member register of an organisation as a download (7-HSĐV columns).

use super::as_of;
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::{ErrorKind, WebError};
use crate::export::{ascii_name, localise_register, rfc5987};
use crate::i18n::{I18n, Lang};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use dangbo_core::date::display;
use std::collections::HashMap;

/// The longest register printed as one PDF (a large commune); a larger one downloads as XLSX
/// or prints branch by branch, so no render grows without bound.
pub const MAX_PDF_ROWS: usize = 3_000;

pub async fn download(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(file): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (code, ext) = file.rsplit_once('.').ok_or(WebError(ErrorKind::NotFound))?;
    if let Some(code) = code.strip_suffix(".data")
        && ext == "xlsx"
    {
        return data(&st, &auth, code).await;
    }
    let date = as_of(q.get("as_of"), st.clock.today())?;
    let org = st.store.org(&auth.caller, code).await?;
    let name = st.store.org_name_on(&org.id, date).await?.unwrap_or(org.name.clone());
    let mut rows = st.store.register(&auth.caller, code, date).await?;
    localise_register(&mut rows, I18n::new(lang));
    let title = format!("Sổ danh sách đảng viên — {name} — {}", display(date));
    if ext == "pdf" && rows.len() > MAX_PDF_ROWS {
        return Err(WebError(ErrorKind::TooLarge));
    }
    let mime = match ext {
        "csv" => "text/csv; charset=utf-8",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf" => "application/pdf",
        _ => return Err(WebError(ErrorKind::NotFound)),
    };
    let ext_owned = ext.to_string();
    let head = super::documents::letterhead(&st, &auth.caller, code).await?;
    let subtitle = format!("Tính đến ngày {} — {} đảng viên", display(date), rows.len());
    // Rendering is slow work: on the blocking pool, a bounded number at once.
    let bytes = st
        .limits
        .render(move || match ext_owned.as_str() {
            "csv" => dangbo_reports::register::csv(&rows).map_err(|e| e.to_string()),
            "xlsx" => dangbo_reports::register::xlsx(&title, "Danh sách", &rows).map_err(|e| e.to_string()),
            _ => dangbo_reports::register::pdf("Sổ danh sách đảng viên", &subtitle, Some(head), &rows),
        })
        .await?
        .map_err(|e| internal(&e))?;
    let stem = format!("Danh sách đảng viên {name} {}", dangbo_core::date::iso(date));
    let disposition = format!("attachment; filename=\"{}.{ext}\"; filename*=UTF-8''{}.{ext}", ascii_name(&stem), rfc5987(&stem));
    Ok(([(header::CONTENT_TYPE, mime.to_string()), (header::CONTENT_DISPOSITION, disposition), (header::CACHE_CONTROL, "no-store".into())], bytes)
        .into_response())
}

/// The full data workbook (today's register, every field, the levels' history), which the
/// import reads back. Events are read and the workbook written on the blocking pool's terms:
/// the rows are gathered first (a commune's are a few megabytes), then laid out there.
async fn data(st: &AppState, auth: &PageAuth, code: &str) -> Result<Response, WebError> {
    let today = st.clock.today();
    let org = st.store.org(&auth.caller, code).await?;
    let tree = st.store.data_tree(&auth.caller, code).await?;
    let mut rows = Vec::new();
    let read = st
        .store
        .member_data_each(&auth.caller, code, &tree, today, MAX_DATA_ROWS, |m| {
            rows.push(m);
            Ok(())
        })
        .await?;
    if read.is_none() {
        return Err(WebError(ErrorKind::TooLarge));
    }
    let title = crate::export::data_title(&org.name, today);
    let bytes = st
        .limits
        .render(move || -> Result<Vec<u8>, String> {
            let mut wb = dangbo_reports::member_data::DataWorkbook::new(&title).map_err(|e| e.to_string())?;
            crate::export::data_tree(&mut wb, &tree.orgs)?;
            for m in &rows {
                wb.push(m).map_err(|e| e.to_string())?;
            }
            wb.finish().and_then(|mut w| w.save_to_buffer()).map_err(|e| e.to_string())
        })
        .await?
        .map_err(|e| internal(&e))?;
    let stem = format!("Du lieu dang vien {} {}", org.name, dangbo_core::date::iso(today));
    let disposition = format!("attachment; filename=\"{}.xlsx\"; filename*=UTF-8''{}.xlsx", ascii_name(&stem), rfc5987(&stem));
    let mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    Ok(([(header::CONTENT_TYPE, mime.to_string()), (header::CONTENT_DISPOSITION, disposition), (header::CACHE_CONTROL, "no-store".into())], bytes)
        .into_response())
}

/// The largest data workbook served by the web (a province downloads it with `dangbo export
/// data`, which streams).
pub const MAX_DATA_ROWS: usize = 20_000;

fn internal(e: &dyn std::fmt::Display) -> WebError {
    tracing::error!(error = %e, "export failed");
    WebError(ErrorKind::Internal)
}
