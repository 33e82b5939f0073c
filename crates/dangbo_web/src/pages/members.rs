//! The member list (filters, search, keyset pages) and the member record.

use super::orgs::member_row;
use super::{as_of, ctx, form_with_errors};
use crate::AppState;
use crate::auth::{PageAuth, urlencode};
use crate::error::WebError;
use crate::i18n::{I18n, Lang};
use crate::views::{Choice, EventView, FormView, MemberPage, MembersPage, render};
use axum::extract::{OriginalUri, Path, Query, State};
use axum::response::Response;
use dangbo_core::FieldErrors;
use dangbo_core::event::EventKind;
use dangbo_core::member::{AgeBand, Status};
use dangbo_db::{DbError, MemberFilter, MemberProfile, PositionRow};
use std::collections::HashMap;

pub async fn index(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let today = st.clock.today();
    let c = ctx(&auth, lang, &uri.to_string());
    let i = c.i18n;
    let get = |k: &str| q.get(k).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let filter = MemberFilter {
        org: get("org"),
        q: get("q"),
        status: get("status").and_then(|s| Status::parse(&s)),
        sex: get("sex"),
        ethnicity: get("ethnicity"),
        religion: get("religion"),
        education: get("education"),
        professional: get("professional"),
        theory: get("theory"),
        age_band: get("age").and_then(|s| AgeBand::parse(&s)),
        as_of: Some(as_of(q.get("as_of"), today)?),
        limit: 50,
        cursor: get("cursor"),
    };
    let mut errors = FieldErrors::new();
    let page = match st.store.list_members(&auth.caller, &filter, today).await {
        Ok(p) => Some(p),
        Err(DbError::NotFound) => {
            errors.add("org", "err-org-unknown");
            None
        }
        Err(e) => return Err(e.into()),
    };
    let mut values: HashMap<String, String> = q.clone();
    values.insert("as_of".into(), dangbo_core::date::display(filter.as_of.unwrap_or(today)));
    values.remove("cursor");
    let base: String = values.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", urlencode(v))).collect::<Vec<_>>().join("&");
    let (rows, total, next_url) = match &page {
        Some(p) => (
            p.items.iter().map(|m| member_row(&i, m)).collect(),
            i.count("members-total", p.total),
            p.next_cursor.as_ref().map(|cur| format!("/members?{base}&cursor={}", urlencode(cur))),
        ),
        None => (vec![], String::new(), None),
    };
    let statuses =
        [Status::Probationary, Status::Full, Status::Exempt].iter().map(|s| Choice { value: s.as_str().into(), label: i.t(&s.message_key()) }).collect();
    let ethnicities = st.store.ref_items("ethnicity").await?.into_iter().map(|r| Choice { value: r.code, label: r.name }).collect();
    let ages = AgeBand::ALL.iter().map(|a| Choice { value: a.as_str().into(), label: i.t(&format!("age-{}", a.as_str())) }).collect();
    let orgs = super::org_choices(&st, &auth.caller, filter.as_of.unwrap_or(today), filter.org.as_deref().unwrap_or("")).await?;
    Ok(render(&MembersPage {
        orgs,
        form: form_with_errors(&c, values, &errors),
        first_url: filter.cursor.as_ref().map(|_| format!("/members?{base}")),
        ctx: c,
        statuses,
        ethnicities,
        ages,
        total,
        rows,
        next_url,
    }))
}

fn event_detail(i: &I18n, data: &serde_json::Value) -> String {
    let s = |k: &str| data[k].as_str().unwrap_or("").to_string();
    match data["type"].as_str().unwrap_or("") {
        "transferred_out" | "transfer_issued" => s("destination"),
        "transferred_in" => s("from"),
        "struck_off" | "left" | "expelled" => s("reason"),
        "card_issued" => match data["reason"].as_str().filter(|r| *r != "first") {
            Some(r) => format!("{} ({})", s("card_no"), i.t(&format!("card-reason-{r}"))),
            None => s("card_no"),
        },
        "badge_awarded" => {
            format!("{} {}", i.t1("todo-badge-years", "years", &data["years"].as_i64().unwrap_or(0).to_string()), s("badge_no")).trim().to_string()
        }
        "corrected" => format!("→ {} ({})", data["effective_on"].as_str().map(dangbo_core::date::display_iso).unwrap_or_default(), s("event_id")),
        "admitted" | "readmitted" => {
            data["party"]["admission_decision_no"].as_str().map(|n| format!("{}: {n}", i.t("field-admission_decision_no"))).unwrap_or_default()
        }
        _ => String::new(),
    }
}

/// What an info change changed, field by field ("Lý luận chính trị: Sơ cấp → Trung cấp"),
/// against the person before it; a correction says so.
fn info_change(i: &I18n, before: Option<&serde_json::Value>, data: &serde_json::Value) -> String {
    const FIELDS: [&str; 14] = [
        "family_name",
        "middle_name",
        "given_name",
        "birth_date",
        "religion",
        "birth_place",
        "home_town",
        "residence",
        "cccd",
        "phone",
        "education",
        "professional",
        "theory",
        "occupation",
    ];
    let after = &data["person"];
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) if s.len() == 10 && s.as_bytes()[4] == b'-' => dangbo_core::date::display_iso(s),
        serde_json::Value::String(s) => s.clone(),
        _ => String::new(),
    };
    let file = dangbo_core::member::FileFields::FIELDS;
    let fields = FIELDS.iter().map(|f| (*f, None)).chain(file.iter().map(|f| (*f, Some("file"))));
    let mut parts: Vec<String> = fields
        .filter_map(|(f, within)| {
            let at = |v: &serde_json::Value| match within {
                Some(w) => text(&v[w][f]),
                None => text(&v[f]),
            };
            let (was, now) = (before.map(at).unwrap_or_default(), at(after));
            (was != now).then(|| {
                format!("{}: {} → {}", i.t(&format!("field-{f}")), if was.is_empty() { "—".into() } else { was }, if now.is_empty() { "—".into() } else { now })
            })
        })
        .collect();
    // The repeated items, each list in one line.
    let list = |v: Option<&serde_json::Value>, f: &str| -> String {
        let v = v.map(|p| p["file"][f].clone()).unwrap_or_default();
        match f {
            "work" => dangbo_core::member::summary_work(&serde_json::from_value::<Vec<dangbo_core::member::WorkRow>>(v).unwrap_or_default()),
            _ => dangbo_core::member::summary_family(&serde_json::from_value::<Vec<dangbo_core::member::Relative>>(v).unwrap_or_default()),
        }
    };
    for f in ["work", "family"] {
        let (was, now) = (list(before, f), list(Some(after), f));
        if was != now {
            let shown = |s: String| if s.is_empty() { "—".to_string() } else { s };
            let label = if f == "work" { "field-work_history" } else { "field-family" };
            parts.push(format!("{}: {} → {}", i.t(label), shown(was), shown(now)));
        }
    }
    if data["correction"].as_bool() == Some(true) {
        parts.push(i.t("event-info-correction"));
    }
    parts.join("; ")
}

/// A place as written and, when it names a commune of before 1/7/2025, the commune it is part
/// of now: "xã Quảng Lợi, huyện Đầm Hà (nay là xã Quảng Tân, tỉnh Quảng Ninh)".
pub(crate) fn place(i: &I18n, text: &str) -> String {
    match dangbo_core::place::recognise(text) {
        Some(dangbo_core::place::Place::Old { now, .. }) => format!("{text} ({})", i.t1("place-now", "place", &now.display())),
        _ => text.to_string(),
    }
}

/// Builds the member page, with the event form as given (empty, or with errors).
pub(crate) fn member_page(c: crate::views::Ctx, profile: MemberProfile, form: FormView) -> MemberPage {
    let i = c.i18n;
    let MemberProfile { detail: m, ethnicity, helpers: _, positions, moves, assignments, courses, votes, has_photo, penalties } = profile;
    let p = &m.person;
    let person = vec![
        (i.t("field-family_name"), p.family_name.clone()),
        (i.t("field-middle_name"), p.middle_name.clone()),
        (i.t("field-given_name"), p.given_name.clone()),
        (i.t("field-sex"), i.t(&format!("sex-{}", p.sex.as_str()))),
        (i.t("field-birth_date"), i.date(&p.birth_date)),
        (i.t("field-ethnicity"), ethnicity),
        (i.t("field-religion"), p.religion.clone()),
        (i.t("field-birth_place"), place(&i, &p.birth_place)),
        (i.t("field-home_town"), place(&i, &p.home_town)),
        (i.t("field-residence"), p.residence.clone()),
        (i.t("field-cccd"), p.cccd.clone().unwrap_or_default()),
        (i.t("field-education"), p.education.clone()),
        (i.t("field-professional"), p.professional.clone()),
        (i.t("field-theory"), p.theory.clone()),
        (i.t("field-occupation"), p.occupation.clone()),
    ];
    // The biography's further items, those recorded.
    let more = p.file.entries().into_iter().chain(p.file.lists()).filter(|(_, v)| !v.is_empty()).map(|(k, v)| (i.t(&format!("field-{k}")), v));
    let person: Vec<(String, String)> = person.into_iter().chain(more).collect();
    let mut party = vec![
        (i.t("field-org"), format!("{} ({})", m.org_name, m.org)),
        (i.t("field-admission_decision_date"), i.date(&m.party.admission_decision_date)),
        (i.t("field-admission_decision_no"), m.party.admission_decision_no.clone().unwrap_or_default()),
        (i.t("field-ceremony_date"), i.date(&m.party.ceremony_date)),
        (i.t("field-full_date"), i.opt_date(&m.full_date)),
        (i.t("field-card_no"), m.party.card_no.clone().unwrap_or_default()),
        (i.t("member-party-age-from"), i.date(&m.party_age_from)),
        (i.t("field-helper"), m.helper.as_ref().map(|h| h.1.clone()).unwrap_or_default()),
        (
            i.t("member-transfer-pending"),
            m.pending_transfer
                .as_ref()
                .map(|(code, dest, on)| format!("{} → {}", i.date(on), if dest.is_empty() { code.clone().unwrap_or_default() } else { dest.clone() }))
                .unwrap_or_default(),
        ),
        (i.t("member-episode"), m.episode.to_string()),
    ];
    if let Some(h) = &m.host_org {
        party.push((i.t("member-host"), h.clone()));
    }
    if let Some(x) = &m.exit_date {
        party.push((i.t("member-exit"), i.date(x)));
    }
    let last_letter = m.events.iter().rev().find(|e| e.kind == "transfer_issued").map(|e| e.id.clone());
    // The person as each event found it, for what an info change changed.
    let mut person_before: Option<&serde_json::Value> = None;
    let timeline = m
        .events
        .iter()
        .map(|e| EventView {
            id: e.id.clone(),
            date: i.date(&e.effective_on),
            kind: EventKind::parse(&e.kind).map(|k| i.t(&k.message_key())).unwrap_or_else(|| e.kind.clone()),
            detail: match e.data["person"].is_object() {
                true => {
                    let detail = if e.kind == "info_changed" { info_change(&i, person_before, &e.data) } else { event_detail(&i, &e.data) };
                    person_before = Some(&e.data["person"]);
                    detail
                }
                false => event_detail(&i, &e.data),
            },
            basis: [e.decision_no.clone(), e.decision_date.map(|d| i.date(&d)), e.issuer.clone()].into_iter().flatten().collect::<Vec<_>>().join(", "),
            letter: last_letter.as_deref() == Some(e.id.as_str()),
            recorded: i.args("event-recorded", &[("at", dangbo_core::date::display_instant(&e.recorded_at)), ("by", i.actor(&e.recorded_by))]),
        })
        .collect();
    MemberPage {
        org_code: m.org.clone(),
        positions: positions.iter().map(|p| position_line(&i, p)).collect(),
        moves: moves
            .iter()
            .map(|m| format!("{}: {} → {} ({})", i.date(&m.start_on), m.from, m.to, i.t(&format!("move-category-{}", m.category.replace('_', "-")))))
            .collect(),
        assignments: assignments
            .iter()
            .map(|a| format!("{}: {} ({} – {})", i.t(&a.kind.message_key()), a.subject, i.date(&a.from_on), a.to_on.map(|d| i.date(&d)).unwrap_or_default()))
            .collect(),
        courses: courses
            .iter()
            .map(|p| {
                let award = if p.award.is_empty() { String::new() } else { format!(" · {}", p.award) };
                format!("{} — {}{award}", p.course, i.t(&p.result.message_key()))
            })
            .collect(),
        votes: votes
            .iter()
            .map(|(meeting, on, v)| {
                let result = super::meeting::vote_line(&i, v).result;
                (format!("/meetings/{meeting}"), format!("{} — {}: {result}", i.date(on), i.t(&v.kind.message_key())))
            })
            .collect(),
        penalties: penalties
            .iter()
            .map(|p| {
                let annulled = p.annulled_on.map(|d| format!(" — {} {}", i.t("complaint-result-annulled"), i.date(&d))).unwrap_or_default();
                let body = format!("{} {}", i.t(&p.body.message_key()), p.org_name);
                format!("{}: {} ({}, {} {}){annulled}", i.date(&p.decision_date), i.t(&p.penalty.message_key()), body, i.t("field-decision_no"), p.decision_no)
            })
            .collect(),
        actions: super::member_events::actions(&i, c.can_write, c.is_committee, &m.id, m.status),
        transfer_pending: m.pending_transfer.is_some(),
        id: m.id.clone(),
        name: m.full_name.clone(),
        status: i.t(&m.status.message_key()),
        person,
        party,
        timeline,
        form,
        has_photo,
        ctx: c,
    }
}

pub async fn show(State(st): State<AppState>, auth: PageAuth, lang: Lang, OriginalUri(uri): OriginalUri, Path(id): Path<String>) -> Result<Response, WebError> {
    let profile = st.store.member_profile(&auth.caller, &id, st.clock.today()).await?;
    Ok(render(&member_page(ctx(&auth, lang, &uri.to_string()), profile, FormView::default())))
}

/// "Bí thư chi bộ, Chi bộ 1 (01/01/2020 – ) · tại chỗ".
fn position_line(i: &I18n, p: &PositionRow) -> String {
    let title = i.t(&format!("title-{}", p.title.replace('_', "-")));
    let until = p.to_on.map(|d| i.date(&d)).unwrap_or_default();
    let local = match p.local {
        Some(true) => format!(" · {}", i.t("cadre-local")),
        Some(false) => format!(" · {}", i.t("cadre-nonlocal")),
        None => String::new(),
    };
    format!("{title}, {} ({} – {until}){local}", p.org_name, i.date(&p.from_on))
}
