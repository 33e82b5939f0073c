//! Biểu 3-TCTW (member quality: the highest general education, professional qualification and
//! political theory) and Biểu 4-TCTW (members by ethnic group and religion, as at a date) laid
//! out as the forms ask. Biểu 4-TCTW:
//! every one of the 54 recognised groups in the official order, zero rows included, then "Dân
//! tộc khác", then the religions. Only the "total members" column is known from the sources;
//! the form says so instead of inventing the others. Each number links to its list.

use super::{as_of, ctx};
use crate::AppState;
use crate::auth::{PageAuth, urlencode};
use crate::error::WebError;
use crate::i18n::Lang;
use crate::views::{Ctx, render};
use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use dangbo_core::date::{display, iso};
use dangbo_db::{MemberStats, NOT_RECORDED};
use std::collections::HashMap;

/// The code of "Người nước ngoài" in the ethnic-group list (`data/ethnic-groups.csv`).
const FOREIGN: &str = "55";

pub struct FormRow {
    pub no: String,
    pub label: String,
    pub count: String,
    pub link: Option<String>,
}

#[derive(Template)]
#[template(path = "form4.html")]
pub struct Form4Page {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub as_of: String,
    pub total: String,
    pub ethnic: Vec<FormRow>,
    /// Người nước ngoài (code 55 of the list), after the groups and "other".
    pub foreign: FormRow,
    pub religion: Vec<FormRow>,
}

/// The date asked (`as_of`, else today), the subtree's member figures on it, and the start of
/// the links to the lists behind them.
async fn form_stats(st: &AppState, auth: &PageAuth, code: &str, q: &HashMap<String, String>) -> Result<(NaiveDate, MemberStats, String), WebError> {
    let date = as_of(q.get("as_of"), st.clock.today())?;
    let stats = st.store.member_stats(&auth.caller, code, date).await?;
    let base = format!("/members?org={}&as_of={}", urlencode(&stats.code), iso(date));
    Ok((date, stats, base))
}

/// One dimension's counts by stored value.
fn dimension_counts(stats: &MemberStats, dim: &str) -> HashMap<String, i64> {
    stats.breakdowns.iter().find(|b| b.dimension == dim).map(|b| b.rows.iter().cloned().collect()).unwrap_or_default()
}

/// Rows in the order of the reference list, the values outside it summed into `other`.
fn rows(c: &Ctx, list: &[(String, String)], counts: &HashMap<String, i64>, base: &str, param: &str, other: &str) -> Vec<FormRow> {
    let i = &c.i18n;
    let mut out: Vec<FormRow> = list
        .iter()
        .enumerate()
        .map(|(n, (value, label))| {
            let count = counts.get(value).copied().unwrap_or(0);
            FormRow {
                no: (n + 1).to_string(),
                label: label.clone(),
                count: i.num(count),
                link: (count > 0).then(|| format!("{base}&{param}={}", urlencode(value))),
            }
        })
        .collect();
    let rest: i64 = counts.iter().filter(|(v, _)| !list.iter().any(|(x, _)| x == *v)).map(|(_, n)| n).sum();
    out.push(FormRow { no: (list.len() + 1).to_string(), label: c.t(other), count: i.num(rest), link: None });
    out
}

pub async fn form4(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let c = ctx(&auth, lang, &uri.to_string());
    let (date, stats, base) = form_stats(&st, &auth, &code, &q).await?;
    let counts = |dim: &str| dimension_counts(&stats, dim);
    let mut ethnic_list: Vec<(String, String)> = st.store.ref_items("ethnicity").await?.into_iter().map(|r| (r.code, r.name)).collect();
    let foreign_entry = ethnic_list.iter().position(|(code, _)| code == FOREIGN).map(|i| ethnic_list.remove(i));
    let mut by_ethnicity = counts("ethnicity");
    let foreign_count = by_ethnicity.remove(FOREIGN).unwrap_or(0);
    let religion_list: Vec<(String, String)> = st.store.ref_items("religion").await?.into_iter().map(|r| (r.code.clone(), r.name)).collect();
    let ethnic = rows(&c, &ethnic_list, &by_ethnicity, &base, "ethnicity", "form4-other-ethnic");
    let foreign = FormRow {
        no: (ethnic.len() + 1).to_string(),
        label: foreign_entry.map(|(_, name)| name).unwrap_or_else(|| c.t("form4-foreign")),
        count: c.i18n.num(foreign_count),
        link: (foreign_count > 0).then(|| format!("{base}&ethnicity={FOREIGN}")),
    };
    let religion = rows(&c, &religion_list, &counts("religion"), &base, "religion", "form4-other-religion");
    if let Some(ext) = q.get("format") {
        let ethnic_rows = ethnic.into_iter().chain([foreign]).collect();
        let sections = [FormSection { title: c.t("form4-ethnic"), rows: ethnic_rows }, FormSection { title: c.t("form4-religion"), rows: religion }];
        let form = Tctw { form: 4, label: "form4-row", note: c.t("form4-columns-unknown") };
        return tctw_file(&st, &auth.caller, &c, form, &stats, date, &sections, ext).await;
    }
    Ok(render(&Form4Page {
        code: stats.code.clone(),
        name: stats.name.clone(),
        as_of: display(date),
        total: c.i18n.num(stats.total),
        ethnic,
        foreign,
        religion,
        ctx: c,
    }))
}

/// Biểu 3-TCTW's rows per section, highest level only, in the order of the levels
/// (`domain.md` §10: general education, professional qualification, political theory).
const EDUCATION_LEVELS: &[&str] = &["Tiểu học", "Trung học cơ sở", "Trung học phổ thông"];
const PROFESSIONAL_LEVELS: &[&str] = &["Sơ cấp", "Trung cấp", "Cao đẳng", "Đại học", "Thạc sĩ", "Tiến sĩ"];
const THEORY_LEVELS: &[&str] = &["Sơ cấp", "Trung cấp", "Cao cấp", "Cử nhân"];

pub struct FormSection {
    pub title: String,
    pub rows: Vec<FormRow>,
}

#[derive(Template)]
#[template(path = "form3.html")]
pub struct Form3Page {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub as_of: String,
    pub total: String,
    pub sections: Vec<FormSection>,
}

/// One section: a row per level (stored values matched ignoring case and diacritics), then
/// "not recorded" (no value) and "other" (a value that is no level), so the rows add up.
fn level_rows(c: &Ctx, levels: &[&str], counts: &HashMap<String, i64>, base: &str, param: &str) -> Vec<FormRow> {
    let i = &c.i18n;
    let fold = dangbo_core::text::fold;
    // A list link needs one stored value (the list filters on the exact value), or "not
    // recorded", which the list filters as such.
    let row = |no: usize, label: String, values: Vec<(&String, i64)>, missing: bool| {
        let count: i64 = values.iter().map(|(_, n)| n).sum();
        let link = match values.as_slice() {
            _ if count == 0 => None,
            _ if missing => Some(format!("{base}&{param}={NOT_RECORDED}")),
            [(v, _)] => Some(format!("{base}&{param}={}", urlencode(v))),
            _ => None,
        };
        FormRow { no: no.to_string(), label, count: i.num(count), link }
    };
    let of = |pred: &dyn Fn(&str) -> bool| counts.iter().filter(|(v, _)| pred(v)).map(|(v, n)| (v, *n)).collect::<Vec<_>>();
    let mut out: Vec<FormRow> =
        levels.iter().enumerate().map(|(n, level)| row(n + 1, level.to_string(), of(&|v: &str| fold(v) == fold(level)), false)).collect();
    out.push(row(levels.len() + 1, c.t("form3-not-recorded"), of(&|v: &str| v.is_empty()), true));
    out.push(row(levels.len() + 2, c.t("form3-other"), of(&|v: &str| !v.is_empty() && !levels.iter().any(|l| fold(l) == fold(v))), false));
    out
}

pub async fn form3(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let c = ctx(&auth, lang, &uri.to_string());
    let (date, stats, base) = form_stats(&st, &auth, &code, &q).await?;
    let counts = |dim: &str| dimension_counts(&stats, dim);
    let sections = [("education", EDUCATION_LEVELS), ("professional", PROFESSIONAL_LEVELS), ("theory", THEORY_LEVELS)]
        .into_iter()
        .map(|(dim, levels)| FormSection { title: c.t(&format!("stats-dim-{dim}")), rows: level_rows(&c, levels, &counts(dim), &base, dim) })
        .collect::<Vec<_>>();
    if let Some(ext) = q.get("format") {
        let note = format!("{} {}", c.t("form3-columns-unknown"), c.t("form3-academic-unknown"));
        return tctw_file(&st, &auth.caller, &c, Tctw { form: 3, label: "form3-level", note }, &stats, date, &sections, ext).await;
    }
    Ok(render(&Form3Page { code: stats.code.clone(), name: stats.name.clone(), as_of: display(date), total: c.i18n.num(stats.total), sections, ctx: c }))
}

/// What differs between the forms' files: the form's number, its row-label column and its note.
struct Tctw {
    form: u8,
    label: &'static str,
    note: String,
}

/// A Biểu …-TCTW form as PDF (A4) or XLSX: the same sections and rows as the page, each
/// section closed by its total.
#[allow(clippy::too_many_arguments)]
async fn tctw_file(
    st: &AppState,
    caller: &dangbo_db::Caller,
    c: &Ctx,
    form: Tctw,
    stats: &MemberStats,
    date: NaiveDate,
    sections: &[FormSection],
    ext: &str,
) -> Result<Response, WebError> {
    let total = c.i18n.num(stats.total);
    let mut rows = Vec::new();
    for s in sections {
        for (n, r) in s.rows.iter().enumerate() {
            rows.push(vec![if n == 0 { s.title.clone() } else { String::new() }, r.no.clone(), r.label.clone(), r.count.clone()]);
        }
        rows.push(vec![String::new(), String::new(), c.t("stats-total"), total.clone()]);
    }
    let name = &stats.name;
    let doc = dangbo_reports::pdf::TableDoc {
        letterhead: Some(super::documents::letterhead(st, caller, &stats.code).await?),
        title: format!("{} — {name}", c.t(&format!("form{}-title", form.form))),
        subtitle: format!("{} {}", c.t("form4-as-of"), display(date)),
        footer: name.clone(),
        note: form.note,
        landscape: false,
        font_size: 9.0,
        headers: vec![String::new(), c.t("form4-no"), c.t(form.label), c.t("form4-members")],
        widths: vec![3.0, 0.8, 4.0, 1.5],
        numeric: vec![3],
        rows,
    };
    let stem = format!("Bieu-{}-TCTW-{}-{}", form.form, crate::export::ascii_name(name), iso(date));
    super::stats::table_file(st, caller, doc, ext, &stem).await
}
