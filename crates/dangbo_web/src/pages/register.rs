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

fn internal(e: &dyn std::fmt::Display) -> WebError {
    tracing::error!(error = %e, "export failed");
    WebError(ErrorKind::Internal)
}
