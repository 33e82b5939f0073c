//! The upload page: the same check-then-import as `dangbo import members`.

use super::PageForm;
use super::ctx;
use crate::AppState;
use crate::auth::{PageAuth, check_csrf};
use crate::error::{ErrorKind, WebError};
use crate::i18n::Lang;
use crate::import::{change_lines, import_members, problem_lines, summary_line};
use crate::views::Choice;
use crate::views::{ImportPage, render};
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;

/// The changes listed on the page (a page stays small; the command line lists them all).
const CHANGES_SHOWN: usize = 100;

pub async fn form(State(st): State<AppState>, auth: PageAuth, lang: Lang, Query(q): Query<HashMap<String, String>>) -> Result<Response, WebError> {
    if !auth.caller.can_write() {
        return Err(WebError(ErrorKind::Forbidden));
    }
    let org = q.get("org").cloned().unwrap_or_default();
    let c = ctx(&auth, lang, "/import");
    let summary = q.contains_key("mapped").then(|| c.t("import-mapping-saved"));
    let branches = super::branch_choices(&st, &auth.caller, st.clock.today(), false).await?;
    Ok(render(&ImportPage { ctx: c, org, branches, summary, problems: vec![], changes: vec![], more_changes: None, columns: vec![], fields: vec![] }))
}

fn field_choices(c: &crate::views::Ctx) -> Vec<Choice> {
    dangbo_import::fields().map(|f| Choice { value: f.to_string(), label: c.t(&format!("field-{f}")) }).collect()
}

/// Remembers the columns chosen by hand (`h.N` header, `f.N` field; empty: ignore) for the
/// next imports, then back to the upload form.
pub async fn save_mapping(State(st): State<AppState>, auth: PageAuth, PageForm(body): PageForm<Vec<(String, String)>>) -> Result<Response, WebError> {
    let map = super::checked_form(&auth, body)?;
    let chosen: Vec<(String, String)> = map
        .iter()
        .filter_map(|(k, h)| k.strip_prefix("h.").and_then(|n| Some((dangbo_import::header_key(h), map.get(&format!("f.{n}"))?.clone()))))
        .filter(|(h, f)| !h.is_empty() && (f.is_empty() || dangbo_import::fields().any(|x| x == f)))
        .collect();
    st.store.remember_mappings(&auth.caller, &chosen).await?;
    let org = map.get("org").cloned().unwrap_or_default();
    Ok(Redirect::to(&format!("/import?mapped=1&org={}", crate::auth::urlencode(&org))).into_response())
}

pub async fn upload(State(st): State<AppState>, auth: PageAuth, lang: Lang, mut multipart: Multipart) -> Result<Response, WebError> {
    // Who may import is known before a byte of the file is read.
    if !auth.caller.can_write() {
        return Err(WebError(ErrorKind::Forbidden));
    }
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
    let columns_of = |m: &dangbo_import::Mapping| m.by_column().into_iter().map(|(h, f)| (h, f.to_string())).collect::<Vec<_>>();
    let mut changes = Vec::new();
    let mut more_changes = None;
    let (summary, problems, ok, columns) =
        match import_members(&st.store, &st.limits, &auth.caller, name, bytes.to_vec(), default_org, &[], dry_run, st.clock.today(), &|_, _| {}).await {
            Ok((mapping, report, converted)) => {
                let mut lines: Vec<String> = crate::import::converted_line(converted, &i).into_iter().collect();
                lines.extend(problem_lines(&report, &mapping, &i));
                if report.problems.is_empty() {
                    changes = change_lines(&report, &i);
                    changes.truncate(CHANGES_SHOWN);
                    let more = report.updated.saturating_sub(changes.len());
                    more_changes = (more > 0).then(|| i.t1("import-changes-more", "n", &i.num(more as i64)));
                }
                (summary_line(&report, dry_run, &i), lines, report.problems.is_empty(), columns_of(&mapping))
            }
            Err(crate::import::ImportFailure::Store(e)) => return Err(e.into()),
            Err(crate::import::ImportFailure::Web(e)) => return Err(e),
            Err(e @ crate::import::ImportFailure::MissingColumns(..)) => {
                let columns = match &e {
                    crate::import::ImportFailure::MissingColumns(_, m) => columns_of(m),
                    _ => vec![],
                };
                (e.message(&i), vec![], false, columns)
            }
            Err(e) => (e.message(&i), vec![], false, vec![]),
        };
    let fields = field_choices(&c);
    let branches = super::branch_choices(&st, &auth.caller, st.clock.today(), false).await?;
    let mut r = render(&ImportPage { ctx: c, org, branches, summary: Some(summary), problems, changes, more_changes, columns, fields });
    if !ok {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}
