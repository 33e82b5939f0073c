//! The member's biography (lý lịch đảng viên, 1-HSĐV) printed from the register: the same facts
//! and timeline as the member page, in the numbered items of the form, with lines to fill in by
//! hand for what the register does not hold.

use super::documents::{internal, pdf_response};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::WebError;
use crate::i18n::{I18n, Lang};
use crate::views::FormView;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Datelike;
use dangbo_core::date::display;
use dangbo_reports::pdf::MemberFile;

/// `/members/{id}/file.pdf`: opened like the member page (logged), then logged as a paper.
pub async fn member_file(State(st): State<AppState>, auth: PageAuth, Path(id): Path<String>) -> Result<Response, WebError> {
    let today = st.clock.today();
    let profile = st.store.member_profile(&auth.caller, &id, today).await?;
    let m = profile.detail.clone();
    let ethnicity = profile.ethnicity.clone();
    let ancestors = st.store.org_ancestors(&auth.caller, &m.org).await?;
    let i = I18n::new(Lang::Vi);
    let ctx = super::ctx(&auth, Lang::Vi, &format!("/members/{id}"));
    let page = super::members::member_page(ctx, profile, FormView::default());
    let p = &m.person;
    let doc = MemberFile {
        upper: ancestors.first().map(|a| a.1.clone()).unwrap_or_default(),
        grassroots: if ancestors.len() > 1 { ancestors.last().map(|a| a.1.clone()).unwrap_or_default() } else { String::new() },
        branch: m.org_name.clone(),
        bio_no: m.party.bio_no.clone().unwrap_or_default(),
        card_no: m.party.card_no.clone().unwrap_or_default(),
        name: m.full_name.clone(),
        sex: i.t(&format!("sex-{}", p.sex.as_str())),
        birth_day: format!("{:02}", p.birth_date.day()),
        birth_month: format!("{:02}", p.birth_date.month()),
        birth_year: p.birth_date.year().to_string(),
        birth_place: super::members::place(&i, &p.birth_place),
        home_town: super::members::place(&i, &p.home_town),
        residence: p.residence.clone(),
        birth_name: p.file.birth_name.clone(),
        aliases: p.file.aliases.clone(),
        temporary_residence: p.file.temporary_residence.clone(),
        academic: p.file.academic.clone(),
        state_management: p.file.state_management.clone(),
        languages: p.file.languages.clone(),
        youth_union_on: p.file.youth_union_on.map(display).unwrap_or_default(),
        armed_service: p.file.armed_service.clone(),
        ethnicity,
        religion: p.religion.clone(),
        occupation: p.occupation.clone(),
        education: p.education.clone(),
        professional: p.professional.clone(),
        theory: p.theory.clone(),
        ceremony: display(m.party.ceremony_date),
        admission: admission(&m.party.admission_decision_no, m.party.admission_decision_date),
        full: m.full_date.map(display).unwrap_or_default(),
        history: page.timeline.iter().map(|e| (e.date.clone(), line(&e.kind, &e.detail, &e.basis))).collect(),
        positions: page.positions.clone(),
        courses: page.courses.clone(),
        work: p
            .file
            .work
            .iter()
            .map(|w| (format!("{} – {}", w.from.display(), w.to.map(|m| m.display()).unwrap_or_else(|| i.t("rows-until-now"))), w.work.clone()))
            .collect(),
        family: p
            .file
            .family
            .iter()
            .map(|r| {
                let year = r.birth_year.map(|y| y.to_string()).unwrap_or_default();
                [i.t(&r.relation.message_key()), r.name.clone(), year, r.occupation.clone(), r.residence.clone(), r.history.clone()]
            })
            .collect(),
        printed_on: display(today),
    };
    st.store.log_export(&auth.caller, "member_file", "member", &id, serde_json::json!({})).await?;
    let bytes = st.limits.render(move || dangbo_reports::pdf::member_file(&doc)).await?.map_err(|e| internal(&e))?;
    Ok(pdf_response(&format!("Lý lịch đảng viên {}", m.full_name), bytes))
}

fn admission(no: &Option<String>, on: chrono::NaiveDate) -> String {
    match no.as_deref().filter(|n| !n.is_empty()) {
        Some(n) => format!("số {n} ngày {}", display(on)),
        None => format!("ngày {}", display(on)),
    }
}

/// "Chuyển sinh hoạt — Chi bộ …  (625-QĐ/HU, 25/12/2019)". The paper's font has no arrow: a
/// change reads "Sơ cấp thành Trung cấp".
fn line(kind: &str, detail: &str, basis: &str) -> String {
    let mut s = kind.to_string();
    if !detail.is_empty() {
        s = format!("{s} — {}", detail.replace(" → ", " thành "));
    }
    if !basis.is_empty() {
        s = format!("{s} ({basis})");
    }
    s
}
