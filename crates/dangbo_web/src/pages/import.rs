//! The upload page: the same check-then-import as `dangbo import members`.

use super::ctx;
use crate::AppState;
use crate::auth::{PageAuth, check_csrf};
use crate::error::{ErrorKind, WebError};
use crate::i18n::Lang;
use crate::import::{import_members, problem_lines, summary_line};
use crate::views::{ImportPage, render};
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;

pub async fn form(auth: PageAuth, lang: Lang, Query(q): Query<HashMap<String, String>>) -> Result<Response, WebError> {
    if !auth.caller.can_write() {
        return Err(WebError(ErrorKind::Forbidden));
    }
    let org = q.get("org").cloned().unwrap_or_default();
    Ok(render(&ImportPage { ctx: ctx(&auth, lang, "/import"), org, summary: None, problems: vec![] }))
}

pub async fn upload(State(st): State<AppState>, auth: PageAuth, lang: Lang, mut multipart: Multipart) -> Result<Response, WebError> {
    let bad = |_| WebError(ErrorKind::BadRequest);
    let (mut csrf, mut org, mut action, mut file) = (String::new(), String::new(), String::new(), None);
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "csrf" => csrf = field.text().await.map_err(bad)?,
            "org" => org = field.text().await.map_err(bad)?.trim().to_string(),
            "action" => action = field.text().await.map_err(bad)?,
            "file" => {
                let name = field.file_name().unwrap_or("").to_string();
                file = Some((name, field.bytes().await.map_err(bad)?));
            }
            _ => {}
        }
    }
    check_csrf(&auth, &csrf)?;
    let c = ctx(&auth, lang, "/import");
    let i = c.i18n;
    let (name, bytes) = file.ok_or(WebError(ErrorKind::BadRequest))?;
    let dry_run = action != "commit";
    let default_org = Some(org.as_str()).filter(|o| !o.is_empty());
    let (summary, problems, ok) = match import_members(&st.store, &auth.caller, &name, &bytes, default_org, dry_run, st.clock.today()).await {
        Ok((mapping, report, converted)) => {
            let mut lines: Vec<String> = crate::import::converted_line(converted, &i).into_iter().collect();
            lines.extend(problem_lines(&report, &mapping, &i));
            (summary_line(&report, dry_run, &i), lines, report.problems.is_empty())
        }
        Err(crate::import::ImportFailure::Store(e)) => return Err(e.into()),
        Err(e) => (e.message(&i), vec![], false),
    };
    let mut r = render(&ImportPage { ctx: c, org, summary: Some(summary), problems });
    if !ok {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}
