//! The organisation tree, one organisation's page, and the audit log.

use super::{as_of, ctx};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::{ErrorKind, WebError};
use crate::i18n::{I18n, Lang};
use crate::views::{AuditPage, AuditView, HistoryView, MemberRow, NodeView, OrgPage, OrgsPage, render};
use axum::extract::{OriginalUri, Path, Query, State};
use axum::response::{IntoResponse, Response};
use dangbo_core::date::iso;
use dangbo_db::{DbError, MemberFilter, OrgHistoryRow, OrgNode};
use std::collections::HashMap;

type Q = Query<HashMap<String, String>>;

pub(crate) fn node_view(i: &I18n, n: &OrgNode) -> NodeView {
    NodeView {
        code: n.code.clone(),
        name: n.name.clone(),
        kind: i.t(&n.kind.message_key()),
        depth: n.depth,
        members: i.num(n.members),
        grassroots: n.kind.is_grassroots(),
        ended: n.ended_on.map(|d| i.t1("org-ended", "date", &i.date(&d))),
    }
}

/// The tree of each root in scope, two levels deep, as of a date.
pub async fn index(State(st): State<AppState>, auth: PageAuth, lang: Lang, OriginalUri(uri): OriginalUri, Query(q): Q) -> Result<Response, WebError> {
    if auth.caller.role == dangbo_db::Role::Member {
        // A member's start page is their own record.
        return Ok(axum::response::Redirect::to("/members").into_response());
    }
    let today = st.clock.today();
    let date = as_of(q.get("as_of"), today)?;
    let c = ctx(&auth, lang, &uri.to_string());
    let mut nodes = Vec::new();
    for root in st.store.org_roots(&auth.caller).await? {
        let tree = st.store.org_tree(&auth.caller, &root.code, date).await?;
        nodes.extend(tree.iter().filter(|n| n.depth <= 2).map(|n| node_view(&c.i18n, n)));
    }
    Ok(render(&OrgsPage { ctx: c, as_of: iso(date), as_of_display: dangbo_core::date::display(date), nodes }))
}

fn history_view(i: &I18n, h: &OrgHistoryRow) -> HistoryView {
    let detail = match h.kind.as_str() {
        "renamed" => format!("{} → {}", h.data["from"].as_str().unwrap_or(""), h.data["to"].as_str().unwrap_or("")),
        "moved" => format!("{} → {}", h.data["from"].as_str().unwrap_or(""), h.data["to"].as_str().unwrap_or("")),
        "merged" | "split" => format!("→ {}", h.data["into"].as_str().unwrap_or("")),
        "dissolved" => h.data["members_to"].as_str().map(|t| format!("→ {t}")).unwrap_or_default(),
        _ => match h.data["split_from"].as_str() {
            Some(src) => format!("{} ← {src}", h.data["name"].as_str().unwrap_or("")),
            None => h.data["name"].as_str().unwrap_or("").to_string(),
        },
    };
    let basis = [h.decision_no.clone(), h.decision_date.map(|d| i.date(&d)), h.issuer.clone()].into_iter().flatten().collect::<Vec<_>>().join(", ");
    HistoryView { date: i.date(&h.effective_on), kind: i.t(&format!("org-event-{}", h.kind)), detail, basis }
}

/// One organisation as of a date: counts, what is under it, its first members, its history.
pub async fn show(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Path(code): Path<String>,
    Query(q): Q,
) -> Result<Response, WebError> {
    let today = st.clock.today();
    let org = st.store.org(&auth.caller, &code).await?;
    let date = super::org_as_of(q.get("as_of"), today, org.ended_on)?;
    let c = ctx(&auth, lang, &uri.to_string());
    let i = c.i18n;
    let summary = st.store.summary(&auth.caller, &code, date).await?;
    let tree = st.store.org_tree(&auth.caller, &code, date).await?;
    let existed = !tree.is_empty();
    let filter = MemberFilter { org: Some(org.code.clone()), as_of: Some(date), limit: 20, ..Default::default() };
    let page = st.store.list_members(&auth.caller, &filter, today).await?;
    let history = match st.store.org_history(&auth.caller, &code).await {
        Ok(h) => h,
        Err(DbError::NotFound) => vec![],
        Err(e) => return Err(e.into()),
    };
    let predecessors = st
        .store
        .org_predecessors(&auth.caller, &code)
        .await?
        .into_iter()
        .filter_map(|p| {
            let ended = p.ended_on?;
            let last = ended.pred_opt().unwrap_or(ended);
            Some((p.code, p.name, i.t1("org-ended", "date", &i.date(&ended)), iso(last)))
        })
        .collect();
    let facts = vec![
        (i.t("org-code"), org.code.clone()),
        (i.t("org-type"), i.t(&org.kind.message_key())),
        (i.t("org-field"), dangbo_core::org::Field::parse(&org.field).map(|f| i.t(&f.message_key())).unwrap_or_default()),
        (i.t("org-parent"), org.parent.clone().unwrap_or_default()),
        (i.t("org-founded"), i.date(&org.founded_on)),
    ];
    let mut counts = vec![
        (i.t("org-members-count"), i.num(summary.total())),
        (i.t("org-probationary"), i.num(summary.probationary)),
        (i.t("org-full"), i.num(summary.full)),
    ];
    if !org.kind.holds_members() {
        counts.insert(0, (i.t("org-grassroots"), i.num(summary.grassroots_orgs)));
    }
    let members = page.items.iter().map(|m| member_row(&i, m)).collect();
    Ok(render(&OrgPage {
        as_of: iso(date),
        as_of_display: dangbo_core::date::display(date),
        name: summary.name.clone(),
        code: org.code.clone(),
        facts,
        counts,
        existed,
        ended: org.ended_on.map(|d| i.t1("org-ended", "date", &i.date(&d))),
        holds_members: org.kind.holds_members(),
        children: tree.iter().filter(|n| n.depth == 1).map(|n| node_view(&i, n)).collect(),
        members,
        members_total: i.count("members-total", page.total),
        history: history.iter().map(|h| history_view(&i, h)).collect(),
        predecessors,
        ctx: c,
    }))
}

pub(crate) fn member_row(i: &I18n, m: &dangbo_db::MemberItem) -> MemberRow {
    MemberRow {
        id: m.id.clone(),
        name: m.full_name.clone(),
        org: m.org_name.clone(),
        status: i.t(&m.status.message_key()),
        birth: i.date(&m.birth_date),
        joined: i.date(&m.ceremony_date),
    }
}

/// The audit log, filtered by who, what and when (dates as the user types them, days in
/// Vietnam's time); `/audit.csv` downloads the same rows. Admins only.
pub async fn audit(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let csv = uri.path().ends_with(".csv");
    let filter = audit_filter(&q, if csv { dangbo_db::MAX_AUDIT_ROWS } else { 200 });
    let rows = st.store.audit_search(&auth.caller, &filter).await?;
    if csv {
        return audit_csv(&st, rows).await;
    }
    let c = ctx(&auth, lang, &uri.to_string());
    let rows = rows
        .into_iter()
        .map(|r| AuditView { at: super::accounts::local_time(&r.at), actor: r.actor, action: r.action, entity: format!("{} {}", r.entity, r.entity_id) })
        .collect();
    let form = crate::views::FormView { values: q, errors: Default::default() };
    Ok(render(&AuditPage { ctx: c, rows, form }))
}

/// A day typed by the user as the instant its Vietnamese midnight falls on, in UTC.
fn day_start(s: Option<&String>, days_after: i64) -> Option<String> {
    let d = dangbo_core::date::parse(s?)? + chrono::Duration::days(days_after);
    let utc = d.and_hms_opt(0, 0, 0)? - chrono::Duration::hours(7);
    Some(utc.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
}

fn audit_filter(q: &HashMap<String, String>, limit: i64) -> dangbo_db::AuditFilter {
    let text = |k: &str| q.get(k).map(|v| dangbo_core::text::clean(v)).filter(|v| !v.is_empty() && v.chars().count() <= 100);
    dangbo_db::AuditFilter {
        entity_id: None,
        actor: text("actor"),
        action: text("action"),
        from: day_start(q.get("from"), 0),
        until: day_start(q.get("to"), 1),
        limit,
    }
}

async fn audit_csv(st: &AppState, rows: Vec<dangbo_db::AuditRow>) -> Result<Response, WebError> {
    use axum::http::header;
    let bytes = st
        .limits
        .render(move || -> Result<Vec<u8>, csv::Error> {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["at", "actor", "action", "entity", "entity_id", "before", "after"])?;
            for r in &rows {
                let cells = [&r.at, &r.actor, &r.action, &r.entity, &r.entity_id, r.before.as_deref().unwrap_or(""), r.after.as_deref().unwrap_or("")];
                w.write_record(cells.iter().map(|c| dangbo_reports::cell::csv_text(c)).collect::<Vec<_>>().iter().map(|c| c.as_bytes()))?;
            }
            w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
        })
        .await?
        .map_err(|e| {
            tracing::error!(error = %e, "audit export failed");
            WebError(ErrorKind::Internal)
        })?;
    let disposition = "attachment; filename=\"nhat-ky.csv\"".to_string();
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, disposition), (header::CACHE_CONTROL, "no-store".into())],
        bytes,
    )
        .into_response())
}
