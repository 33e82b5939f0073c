//! Printed documents of the admission pipeline: the admission decision (9-KNĐ) of a candidate
//! and the list of probationary members due for recognition. The wording of the decision is in
//! its typst template (dangbo_reports/templates), which staff may replace without a rebuild.

use crate::AppState;
use crate::auth::PageAuth;
use crate::error::{ErrorKind, WebError};
use crate::export::{ascii_name, rfc5987};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use dangbo_core::candidate::StepKind;
use dangbo_core::date::display;
use dangbo_core::todo::TodoKind;
use dangbo_reports::pdf::{AdmissionDecision, TableDoc};

pub(crate) fn pdf_response(stem: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!("inline; filename=\"{}.pdf\"; filename*=UTF-8''{}.pdf", ascii_name(stem), rfc5987(stem));
    ([(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, disposition), (header::CACHE_CONTROL, "no-store".into())], bytes)
        .into_response()
}

pub(crate) fn internal(e: &dyn std::fmt::Display) -> WebError {
    tracing::error!(error = %e, "document failed");
    WebError(ErrorKind::Internal)
}

/// Quyết định kết nạp, once the decision is recorded.
pub async fn decision(State(st): State<AppState>, auth: PageAuth, Path(id): Path<String>) -> Result<Response, WebError> {
    let d = st.store.candidate(&auth.caller, &id, st.clock.today()).await?;
    let last = |k: StepKind| d.steps.iter().rev().find(|s| s.step.kind == k).map(|s| &s.step);
    let decision = last(StepKind::Decision).ok_or(WebError(ErrorKind::NotFound))?;
    let branch_res = last(StepKind::BranchResolution);
    let committee_res = last(StepKind::CommitteeResolution);
    let ancestors = st.store.org_ancestors(&auth.caller, &d.org).await?;
    let on = decision.effective_on;
    let issuer = if decision.data.issuer.is_empty() { ancestors.last().map(|a| a.1.clone()).unwrap_or_default() } else { decision.data.issuer.clone() };
    let doc = AdmissionDecision {
        upper: ancestors.first().map(|a| a.1.clone()).unwrap_or_default(),
        issuer,
        decision_no: decision.doc_no.clone().unwrap_or_default(),
        decision_day: format!("{:02}", on.day()),
        decision_month: on.month().to_string(),
        decision_year: on.year().to_string(),
        place: place(&d.org_name, &ancestors).unwrap_or_else(|| "……………".into()),
        regime: dangbo_core::rules::statute_regime(on).into(),
        branch: d.org_name.clone(),
        branch_resolution_no: branch_res.and_then(|s| s.doc_no.clone()).unwrap_or_default(),
        branch_resolution_date: branch_res.map(|s| display(s.effective_on)).unwrap_or_default(),
        committee_resolution_no: committee_res.and_then(|s| s.doc_no.clone()).unwrap_or_default(),
        committee_resolution_date: committee_res.map(|s| display(s.effective_on)).unwrap_or_default(),
        name: d.full_name.clone(),
        birth_date: display(d.person.birth_date),
        home_town: d.person.home_town.clone(),
        residence: d.person.residence.clone(),
    };
    st.store.log_export(&auth.caller, "admission_decision", "candidate", &id, serde_json::json!({})).await?;
    let bytes = st.limits.render(move || dangbo_reports::pdf::admission_decision(&doc)).await?.map_err(|e| internal(&e))?;
    Ok(pdf_response(&format!("Quyết định kết nạp {}", d.full_name), bytes))
}

/// Danh sách đảng viên dự bị đến hạn xét công nhận chính thức, in the caller's scope.
pub async fn recognition_list(State(st): State<AppState>, auth: PageAuth) -> Result<Response, WebError> {
    let today = st.clock.today();
    let items = st.store.todo(&auth.caller, today).await?;
    let rows: Vec<Vec<String>> = items
        .iter()
        .filter(|t| t.kind == TodoKind::ProbationReview)
        .enumerate()
        .map(|(n, t)| {
            let note = if t.overdue { format!("Quá hạn {} ngày", (today - t.due).num_days()) } else { String::new() };
            vec![(n + 1).to_string(), t.full_name.clone(), t.org_name.clone(), display(t.from), display(t.due), note]
        })
        .collect();
    let citation = items.iter().find(|t| t.kind == TodoKind::ProbationReview).map(|t| t.citation.clone()).unwrap_or_default();
    let scope = auth.caller.org_code.clone().unwrap_or_default();
    let head = match &auth.caller.org_code {
        Some(code) => Some(letterhead(&st, &auth.caller, code).await?),
        None => None,
    };
    let doc = TableDoc {
        letterhead: head,
        title: "Danh sách đảng viên dự bị đến hạn xét công nhận đảng viên chính thức".into(),
        subtitle: format!("Tính đến ngày {} — {} đảng viên", display(today), rows.len()),
        footer: scope.to_string(),
        note: format!("Ngày chính thức là ngày hết 12 tháng dự bị, kể cả khi chi bộ họp hoặc cấp ủy quyết định muộn. Hạn chi bộ xét: {citation}."),
        landscape: false,
        font_size: 10.0,
        headers: ["STT", "Họ và tên", "Chi bộ", "Ngày hết dự bị", "Hạn chi bộ xét", "Ghi chú"].map(String::from).to_vec(),
        widths: vec![0.6, 3.0, 3.0, 1.6, 1.6, 1.6],
        numeric: vec![0],
        rows,
    };
    st.store.log_export(&auth.caller, "recognition_list", "user", &auth.caller.username, serde_json::json!({"rows": doc.rows.len()})).await?;
    let bytes = st.limits.render(move || dangbo_reports::pdf::table(&doc)).await?.map_err(|e| internal(&e))?;
    Ok(pdf_response(&format!("Danh sách đến hạn công nhận chính thức {}", dangbo_core::date::iso(today)), bytes))
}

/// Giấy giới thiệu sinh hoạt đảng of a transfer under way.
pub async fn transfer_letter(State(st): State<AppState>, auth: PageAuth, Path(id): Path<String>) -> Result<Response, WebError> {
    let m = st.store.member(&auth.caller, &id).await?;
    // The letter of the transfer under way; once received (or for the record), the last one
    // issued: it stays reachable from the member's timeline.
    let (to, issued_on) = match m.pending_transfer.clone() {
        Some((Some(code), _, on)) => (st.store.org_name_by_code(&code).await?.unwrap_or(code), on),
        Some((None, destination, on)) => (destination, on),
        None => {
            let last = m.events.iter().rev().find(|e| e.kind == "transfer_issued").ok_or(WebError(ErrorKind::NotFound))?;
            let to = match last.data["org_id"].as_str() {
                Some(org_id) => st.store.org_name_by_id(org_id).await?.unwrap_or_default(),
                None => last.data["destination"].as_str().unwrap_or_default().to_string(),
            };
            (to, last.effective_on)
        }
    };
    let ancestors = st.store.org_ancestors(&auth.caller, &m.org).await.unwrap_or_default();
    let due = dangbo_core::todo::transfer_due(issued_on, &st.store.rule_book().await?, &st.store.work_calendar().await?);
    let basis = m.events.iter().rev().find(|e| e.kind == "transfer_issued");
    // The ledger as of the letter's day: the last month paid without a gap.
    let fees = st.store.member_fees(&auth.caller, &id, issued_on.year(), issued_on).await?;
    let doc = dangbo_reports::pdf::TransferLetter {
        upper: ancestors.first().map(|a| a.1.clone()).unwrap_or_default(),
        issuer: ancestors.last().map(|a| a.1.clone()).unwrap_or_default(),
        place: place(&m.org_name, &ancestors).unwrap_or_else(|| "……………".into()),
        letter_no: basis.and_then(|e| e.decision_no.clone()).unwrap_or_default(),
        day: format!("{:02}", issued_on.day()),
        month: issued_on.month().to_string(),
        year: issued_on.year().to_string(),
        card_no: m.party.card_no.clone().unwrap_or_default(),
        bio_no: m.party.bio_no.clone().unwrap_or_default(),
        name: m.full_name.clone(),
        birth_date: display(m.person.birth_date),
        home_town: m.person.home_town.clone(),
        ceremony_date: display(m.party.ceremony_date),
        full_date: m.full_date.map(display).unwrap_or_default(),
        status: if m.full_date.is_some() { "chính thức".into() } else { "dự bị".into() },
        from: m.org_name.clone(),
        to,
        present_by: display(due.due),
        present_rule: due.citation,
        paid_through: fees.paid_through.map(dangbo_core::fee::Month::display).unwrap_or_default(),
    };
    st.store.log_export(&auth.caller, "transfer_letter", "member", &id, serde_json::json!({})).await?;
    let bytes = st.limits.render(move || dangbo_reports::pdf::transfer_letter(&doc)).await?.map_err(|e| internal(&e))?;
    Ok(pdf_response(&format!("Giấy giới thiệu sinh hoạt đảng {}", m.full_name), bytes))
}

/// The moves of a period (rotation register) or the exam results, as XLSX.
pub async fn cadre_xlsx(
    State(st): State<AppState>,
    auth: PageAuth,
    Path((code, file)): Path<(String, String)>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    let today = st.clock.today();
    let to = q.get("to").and_then(|s| dangbo_core::date::parse(s)).unwrap_or(today);
    let from = q.get("from").and_then(|s| dangbo_core::date::parse(s)).unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(to.year() - 4, 1, 1).unwrap_or(to));
    let org = st.store.org(&auth.caller, &code).await?;
    let period = format!("{} — từ {} đến {}", org.name, display(from), display(to));
    // Party documents are in Vietnamese whatever the screen language.
    let vi = crate::i18n::I18n::new(crate::i18n::Lang::Vi);
    let (doc, sheet) = match file.as_str() {
        "moves.xlsx" => {
            let m = st.store.move_matrix(&auth.caller, &code, from, to).await?;
            let rows = st.store.moves(&auth.caller, &code, from, to, None).await?;
            let subtitle = format!(
                "{period}. Tổng {}: từ cấp trên về xã {}, từ xã lên cấp trên {}, từ xã sang xã {}, từ ngành này sang ngành khác {}, khác {}.",
                m.total, m.upper_to_commune, m.commune_to_upper, m.commune_to_commune, m.cross_sector, m.other
            );
            let rows = rows
                .iter()
                .enumerate()
                .map(|(n, r)| {
                    vec![
                        (n + 1).to_string(),
                        r.full_name.clone(),
                        vi.t(&format!("move-kind-{}", r.kind)),
                        vi.t(&format!("move-category-{}", r.category.replace('_', "-"))),
                        r.from.clone(),
                        r.to.clone(),
                        display(r.start_on),
                        r.decision_no.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            let headers = ["STT", "Họ và tên", "Hình thức", "Nhóm", "Từ đơn vị", "Đến đơn vị", "Từ ngày", "Số quyết định"];
            (table_doc("Danh sách cán bộ điều động, luân chuyển", subtitle, &headers, rows), "Luân chuyển")
        }
        "exams.xlsx" => {
            let rows = st.store.exam_results(&auth.caller, &code, from, to).await?;
            let rows = rows
                .iter()
                .enumerate()
                .map(|(n, r)| {
                    let level = vi.t(&format!("level-{}", r.level));
                    let passed = r.passed.map(|p| vi.t(if p { "exam-passed" } else { "exam-failed" })).unwrap_or_default();
                    vec![
                        (n + 1).to_string(),
                        r.session.clone(),
                        display(r.held_on),
                        level,
                        r.full_name.clone(),
                        r.unit.clone(),
                        r.score.map(|s| s.to_string()).unwrap_or_default(),
                        passed,
                    ]
                })
                .collect();
            let headers = ["STT", "Kỳ sát hạch", "Ngày", "Cấp", "Họ và tên", "Đơn vị", "Điểm", "Kết quả"];
            (table_doc("Kết quả sát hạch cán bộ, công chức", period, &headers, rows), "Sát hạch")
        }
        _ => return Err(WebError(ErrorKind::NotFound)),
    };
    let stem = format!("{} {} {}", doc.title, org.code, dangbo_core::date::iso(to));
    st.store.log_export(&auth.caller, "cadre", "org", &org.id, serde_json::json!({"file": file, "rows": doc.rows.len()})).await?;
    let bytes = st.limits.render(move || dangbo_reports::table_xlsx::xlsx(&doc, sheet)).await?.map_err(|e| internal(&e))?;
    let disposition = format!("attachment; filename=\"{}.xlsx\"; filename*=UTF-8''{}.xlsx", ascii_name(&stem), rfc5987(&stem));
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".into()),
        ],
        bytes,
    )
        .into_response())
}

fn table_doc(title: &str, subtitle: String, headers: &[&str], rows: Vec<Vec<String>>) -> TableDoc {
    TableDoc {
        letterhead: None,
        title: title.into(),
        subtitle,
        footer: String::new(),
        note: String::new(),
        landscape: true,
        font_size: 9.0,
        headers: headers.iter().map(|h| h.to_string()).collect(),
        widths: vec![1.0; headers.len()],
        numeric: vec![0],
        rows,
    }
}

/// The place a paper of the organisation `name` is dated from, given the organisations above
/// it, top first (`Store::org_ancestors`).
pub(crate) fn place(name: &str, ancestors: &[(String, String)]) -> Option<String> {
    dangbo_core::org::place_of(std::iter::once(name).chain(ancestors.iter().rev().map(|a| a.1.as_str())))
}

/// The letterhead of a paper `code` issues today: the body above and the organisation, its
/// place and today's date, signed for its committee by the secretary.
pub(crate) async fn letterhead(st: &AppState, caller: &dangbo_db::Caller, code: &str) -> Result<dangbo_reports::pdf::Letterhead, WebError> {
    let org = st.store.org(caller, code).await?;
    let ancestors = st.store.org_ancestors(caller, code).await?;
    let today = st.clock.today();
    let i = crate::i18n::I18n::new(crate::i18n::Lang::Vi);
    Ok(dangbo_reports::pdf::Letterhead {
        upper: ancestors.last().map(|a| a.1.clone()).unwrap_or_default(),
        place: place(&org.name, &ancestors).unwrap_or_default(),
        issuer: org.name,
        day: format!("{:02}", today.day()),
        month: today.month().to_string(),
        year: today.year().to_string(),
        on_behalf: i.t(if org.kind.holds_members() { "paper-on-behalf-branch" } else { "paper-on-behalf-committee" }),
        signer: i.t("paper-secretary"),
    })
}
