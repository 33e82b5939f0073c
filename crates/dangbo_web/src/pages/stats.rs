//! The statistics page of an organisation: members by dimension as of a date (each number
//! links to its list), members over the years as an SVG chart, and the figures of a period.

use super::{as_of, ctx};
use crate::AppState;
use crate::auth::{PageAuth, urlencode};
use crate::error::WebError;
use crate::i18n::{I18n, Lang};
use crate::views::{StatRow, StatTable, StatsPage, render};
use axum::extract::{OriginalUri, Path, Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use dangbo_core::date::{display, iso};
use dangbo_db::{Breakdown, MemberStats};
use dangbo_reports::svg::{Bar, bar_chart};
use std::collections::HashMap;

/// The member-list parameter that selects a dimension's value.
fn filter_param(dimension: &str) -> &str {
    match dimension {
        "age" => "age",
        other => other,
    }
}

fn value_label(i: &I18n, dimension: &str, value: &str, ethnic: &HashMap<String, String>) -> String {
    match (dimension, value) {
        (_, "") => i.t("stats-not-recorded"),
        ("status", v) => dangbo_core::member::Status::parse(v).map(|s| i.t(&s.message_key())).unwrap_or_else(|| v.to_string()),
        ("sex", v) => i.t(&format!("sex-{v}")),
        ("age", v) => i.t(&format!("age-{v}")),
        ("ethnicity", v) => ethnic.get(v).cloned().unwrap_or_else(|| v.to_string()),
        (_, v) => v.to_string(),
    }
}

fn share(i: &I18n, n: i64, total: i64) -> String {
    if total == 0 {
        return String::new();
    }
    let tenths = (n * 1000 + total / 2) / total;
    let sep = if i.lang == Lang::Vi { ',' } else { '.' };
    format!("{}{sep}{}%", tenths / 10, tenths % 10)
}

fn table(i: &I18n, st: &MemberStats, b: &Breakdown, ethnic: &HashMap<String, String>) -> StatTable {
    let mut rows: Vec<StatRow> = b
        .rows
        .iter()
        .map(|(v, n)| StatRow {
            label: value_label(i, b.dimension, v, ethnic),
            count: i.num(*n),
            share: share(i, *n, st.total),
            link: (!v.is_empty()).then(|| format!("/members?org={}&as_of={}&{}={}", st.code, iso(st.as_of), filter_param(b.dimension), urlencode(v))),
        })
        .collect();
    if b.dimension == "ethnicity" {
        rows.sort_by(|a, b| dangbo_core::text::compare(&a.label, &b.label));
    }
    if b.dimension == "status" {
        let order = |label: &str| dangbo_core::member::Status::ALL.iter().position(|s| i.t(&s.message_key()) == label).unwrap_or(99);
        rows.sort_by_key(|r| order(&r.label));
    }
    StatTable { title: i.t(&format!("stats-dim-{}", b.dimension)), rows }
}

/// Members on 31/12 of up to ten years before `as_of`, and on `as_of` itself.
async fn over_time(st: &AppState, auth: &PageAuth, code: &str, as_of: NaiveDate, i: &I18n) -> Result<String, WebError> {
    let mut dates: Vec<NaiveDate> = (as_of.year() - 10..as_of.year()).filter_map(|y| NaiveDate::from_ymd_opt(y, 12, 31)).collect();
    dates.push(as_of);
    let mut bars = Vec::with_capacity(dates.len());
    for d in dates {
        let s = st.store.summary(&auth.caller, code, d).await?;
        let label = if d == as_of && (d.month(), d.day()) != (12, 31) { display(d)[..5].to_string() } else { d.year().to_string() };
        bars.push(Bar { label, value: s.total(), shown: i.num(s.total()) });
    }
    Ok(bar_chart(&i.t("stats-chart-title"), &bars, 420, 180))
}

pub async fn show(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let today = st.clock.today();
    let org = st.store.org(&auth.caller, &code).await?;
    let date = super::org_as_of(q.get("as_of"), today, org.ended_on)?;
    let c = ctx(&auth, lang, &uri.to_string());
    let i = c.i18n;
    let stats = st.store.member_stats(&auth.caller, &code, date).await?;
    let ethnic: HashMap<String, String> = st.store.ref_items("ethnicity").await?.into_iter().map(|r| (r.code, r.name)).collect();
    let tables = stats.breakdowns.iter().map(|b| table(&i, &stats, b, &ethnic)).collect();
    let chart = over_time(&st, &auth, &stats.code, date, &i).await?;
    let to = q.get("to").and_then(|s| dangbo_core::date::parse(s)).unwrap_or(date);
    let from = q.get("from").and_then(|s| dangbo_core::date::parse(s)).unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year() - 4, 1, 1).unwrap_or(to));
    let f = st.store.press_figures(&auth.caller, &stats.code, from, to).await?;
    let shown = |v: Option<i64>| v.map(|n| i.num(n)).unwrap_or_else(|| i.t("press-not-landed"));
    let list = format!("/members?org={}&as_of={}", stats.code, iso(to));
    let press = vec![
        (i.t("press-grassroots"), shown(f.grassroots_orgs), Some(format!("/orgs/{}?as_of={}", stats.code, iso(to)))),
        (i.t("press-members"), shown(f.members), Some(list)),
        (i.t("press-admitted"), shown(f.admitted), Some(format!("/orgs/{}/admissions?from={}&to={}", stats.code, iso(from), iso(to)))),
        (i.t("press-classes"), shown(f.awareness_classes), Some("/courses".to_string())),
        (i.t("press-trainees"), shown(f.awareness_trainees), Some("/courses".to_string())),
    ];
    let cadre = format!("/orgs/{}/cadre?from={}&to={}", stats.code, iso(from), iso(to));
    let mut press = press;
    for (key, v, cat) in [
        ("press-exam-commune", f.exam_candidates_commune, ""),
        ("press-exam-district", f.exam_candidates_district, ""),
        ("press-moves", f.moves_total, "#moves"),
        ("press-moves-up", f.moves_upper_to_commune, "&category=upper_to_commune#moves"),
        ("press-moves-down", f.moves_commune_to_upper, "&category=commune_to_upper#moves"),
        ("press-moves-cc", f.moves_commune_to_commune, "&category=commune_to_commune#moves"),
        ("press-moves-cross", f.moves_cross_sector, "&category=cross_sector#moves"),
        ("press-nonlocal", f.units_with_nonlocal_secretary, "#locality"),
        ("press-units", f.units_total, "#locality"),
    ] {
        press.push((i.t(key), shown(v), Some(format!("{cadre}{cat}"))));
    }
    let mv = st.store.movements(&auth.caller, &stats.code, from, to).await?;
    let movements = vec![
        (i.t("mv-admitted"), i.num(mv.admitted)),
        (i.t("mv-admitted-under-30"), i.num(mv.admitted_under_30)),
        (i.t("mv-admitted-women"), i.num(mv.admitted_women)),
        (i.t("mv-admitted-ethnic-minority"), i.num(mv.admitted_ethnic_minority)),
        (i.t("mv-admitted-religious"), i.num(mv.admitted_religious)),
        (i.t("mv-readmitted"), i.num(mv.readmitted)),
        (i.t("mv-recognised"), i.num(mv.recognised)),
        (i.t("mv-transferred-in"), i.num(mv.transferred_in)),
        (i.t("mv-transferred-out"), i.num(mv.transferred_out)),
        (i.t("mv-struck-off"), i.num(mv.struck_off)),
        (i.t("mv-left"), i.num(mv.left)),
        (i.t("mv-expelled"), i.num(mv.expelled)),
        (i.t("mv-deceased"), i.num(mv.deceased)),
    ];
    let paragraph = i.args(
        "press-paragraph",
        &[
            ("to", display(to)),
            ("from", display(from)),
            ("grassroots", shown(f.grassroots_orgs)),
            ("members", shown(f.members)),
            ("admitted", shown(f.admitted)),
            ("classes", shown(f.awareness_classes)),
            ("trainees", shown(f.awareness_trainees)),
            ("exam_commune", shown(f.exam_candidates_commune)),
            ("exam_district", shown(f.exam_candidates_district)),
            ("moves", shown(f.moves_total)),
            ("up", shown(f.moves_upper_to_commune)),
            ("down", shown(f.moves_commune_to_upper)),
            ("cc", shown(f.moves_commune_to_commune)),
            ("cross", shown(f.moves_cross_sector)),
            ("nonlocal", shown(f.units_with_nonlocal_secretary)),
            ("units", shown(f.units_total)),
        ],
    );
    Ok(render(&StatsPage {
        ended: org.ended_on.map(|d| i.t1("org-ended", "date", &i.date(&d))),
        code: stats.code.clone(),
        name: stats.name.clone(),
        as_of: iso(date),
        as_of_display: display(date),
        as_of_label: i.t1("stats-as-of", "date", &display(date)),
        chart,
        total: i.num(stats.total),
        tables,
        from_display: display(from),
        to_display: display(to),
        paragraph,
        press,
        movements,
        ctx: c,
    }))
}

/// Missing and suspicious fields per branch, for a clean-up campaign.
pub async fn quality(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let date = as_of(q.get("as_of"), st.clock.today())?;
    let c = ctx(&auth, lang, &uri.to_string());
    let i = c.i18n;
    let summary = st.store.summary(&auth.caller, &code, date).await?;
    let rows = st.store.data_quality(&auth.caller, &code, date).await?;
    let rows = rows
        .into_iter()
        .map(|r| crate::views::QualityView {
            code: r.code,
            name: r.name,
            members: i.num(r.members),
            missing_cccd: i.num(r.missing_cccd),
            under_18: i.num(r.under_18_at_admission),
            duplicates: i.num(r.possible_duplicates),
            no_card: i.num(r.full_without_card),
        })
        .collect();
    Ok(render(&crate::views::QualityPage {
        code: summary.code.clone(),
        name: summary.name.clone(),
        as_of: iso(date),
        as_of_label: i.t1("stats-as-of", "date", &display(date)),
        rows,
        ctx: c,
    }))
}

/// The member form as a file: PDF (A4 portrait) or XLSX, one table with a section per dimension.
pub async fn download(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path((code, ext)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let date = as_of(q.get("as_of"), st.clock.today())?;
    let i = I18n::new(lang);
    let stats = st.store.member_stats(&auth.caller, &code, date).await?;
    let ethnic: HashMap<String, String> = st.store.ref_items("ethnicity").await?.into_iter().map(|r| (r.code, r.name)).collect();
    let mut rows = Vec::new();
    for b in &stats.breakdowns {
        let t = table(&i, &stats, b, &ethnic);
        for (n, r) in t.rows.iter().enumerate() {
            rows.push(vec![if n == 0 { t.title.clone() } else { String::new() }, r.label.clone(), r.count.clone(), r.share.clone()]);
        }
    }
    rows.push(vec![i.t("stats-total"), String::new(), i.num(stats.total), String::new()]);
    let doc = dangbo_reports::pdf::TableDoc {
        letterhead: Some(super::documents::letterhead(&st, &auth.caller, &stats.code).await?),
        title: format!("{} — {}", i.t("stats-title"), stats.name),
        subtitle: i.t1("stats-as-of", "date", &display(date)),
        footer: stats.name.clone(),
        note: String::new(),
        landscape: false,
        font_size: 9.0,
        headers: vec![String::new(), i.t("stats-value"), i.t("stats-count"), i.t("stats-share")],
        widths: vec![3.0, 4.0, 1.5, 1.2],
        numeric: vec![2, 3],
        rows,
    };
    let stem = format!("Thong-ke-{}-{}", crate::export::ascii_name(&stats.name), dangbo_core::date::iso(date));
    table_file(&st, &auth.caller, doc, &ext, &stem).await
}

/// A statistical table as a PDF or XLSX download named `stem.ext`.
pub(super) async fn table_file(
    st: &AppState,
    caller: &dangbo_db::Caller,
    doc: dangbo_reports::pdf::TableDoc,
    ext: &str,
    stem: &str,
) -> Result<Response, WebError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let failed = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "statistics export failed");
        WebError(crate::error::ErrorKind::Internal)
    };
    let mime = match ext {
        "pdf" => "application/pdf",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => return Err(WebError(crate::error::ErrorKind::NotFound)),
    };
    st.store.log_export(caller, "statistics", "file", stem, serde_json::json!({"ext": ext})).await?;
    let pdf = ext == "pdf";
    let bytes = st
        .limits
        .render(move || if pdf { dangbo_reports::pdf::table(&doc) } else { dangbo_reports::table_xlsx::xlsx(&doc, "Biểu").map_err(|e| e.to_string()) })
        .await?
        .map_err(|e| failed(&e))?;
    let disposition = format!("attachment; filename=\"{stem}.{ext}\"");
    Ok(([(header::CONTENT_TYPE, mime.to_string()), (header::CONTENT_DISPOSITION, disposition), (header::CACHE_CONTROL, "no-store".to_string())], bytes)
        .into_response())
}

/// The people behind an admissions figure: admitted into the subtree in [from, to].
pub async fn admissions(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let today = st.clock.today();
    let to = q.get("to").and_then(|s| dangbo_core::date::parse(s)).unwrap_or(today);
    let from = q.get("from").and_then(|s| dangbo_core::date::parse(s)).unwrap_or(to);
    let c = ctx(&auth, lang, &uri.to_string());
    let i = c.i18n;
    let summary = st.store.summary(&auth.caller, &code, to).await?;
    let page = st.store.list_admissions(&auth.caller, &code, from, to, 50, q.get("cursor").map(String::as_str)).await?;
    let next_url = page
        .next_cursor
        .as_ref()
        .map(|cur| format!("/orgs/{}/admissions?from={}&to={}&cursor={}", summary.code, iso(from), iso(to), crate::auth::urlencode(cur)));
    Ok(render(&crate::views::AdmissionsPage {
        title: i.args("admissions-title", &[("from", display(from)), ("to", display(to))]),
        code: summary.code.clone(),
        name: summary.name.clone(),
        total: i.count("members-total", page.total),
        rows: page.items.iter().map(|m| super::orgs::member_row(&i, m)).collect(),
        next_url,
        ctx: c,
    }))
}
