//! A year of branch meetings under an organisation: the committee's regularity, supervision and
//! quality report, the meetings of a branch, and the forms to plan a meeting and to assign a
//! committee member to supervise the branch. Proposals awaiting answers have their own page.

use super::{PageForm, checked_form, choices, ctx, form_with_errors, input};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::{ErrorKind, WebError};
use crate::i18n::{I18n, Lang};
use crate::views::{Choice, Ctx, FormView, render, render_invalid};
use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use dangbo_core::date::display;
use dangbo_core::meeting::{AnswerInput, MeetingInput, MeetingKind, SupervisorInput};
use dangbo_db::{DbError, MeetingItem, ProposalRow};
use std::collections::HashMap;

pub struct BranchLine {
    pub code: String,
    pub name: String,
    pub held: String,
    pub missed_months: String,
    pub missed_quarters: String,
    pub unsupervised: String,
    pub quality: String,
    pub attendance: String,
    pub supervisors: String,
    pub flagged: bool,
}

pub struct MeetingLine {
    pub id: String,
    pub date: String,
    pub kind: String,
    pub state: String,
    pub attendance: String,
    pub quality: String,
}

#[derive(Template)]
#[template(path = "meetings.html")]
pub struct MeetingsPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub year: i32,
    pub is_branch: bool,
    pub counts: Vec<(String, String)>,
    pub branches: Vec<BranchLine>,
    pub meetings: Vec<MeetingLine>,
    pub form: FormView,
    pub kinds: Vec<Choice>,
    pub committee: Vec<Choice>,
    pub supervisors: Vec<(String, String)>,
}

fn months(v: &[u32]) -> String {
    v.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(", ")
}

/// A per-mille share as a whole percentage, rounded: 866 → "87%".
pub(crate) fn percent(i: &I18n, permille: i64) -> String {
    format!("{}%", i.num((permille + 5) / 10))
}

pub(crate) fn meeting_line(i: &I18n, m: &MeetingItem) -> MeetingLine {
    let a = &m.attendance;
    MeetingLine {
        id: m.id.clone(),
        date: display(m.held_on.unwrap_or(m.planned_on)),
        kind: i.t(&m.kind.message_key()),
        state: i.t(&m.state.message_key()),
        attendance: if m.held_on.is_some() { format!("{}/{} ({})", i.num(a.present), i.num(a.eligible), percent(i, a.rate_permille())) } else { String::new() },
        quality: match m.quality {
            Some(q) if q.meets => i.t("meeting-quality-yes"),
            Some(_) => i.t("meeting-quality-no"),
            None => String::new(),
        },
    }
}

/// The default agenda of a kind of meeting: the branch's template, else the catalog's.
pub(crate) async fn default_agenda(st: &AppState, auth: &PageAuth, i: &I18n, code: &str, kind: MeetingKind) -> Result<String, WebError> {
    Ok(match st.store.agenda_template(&auth.caller, code, kind).await? {
        Some(lines) => lines.join("\n"),
        None => i.t(&format!("agenda-{}", kind.as_str())),
    })
}

pub async fn show(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let c = ctx(&auth, lang, &uri.to_string());
    let today = st.clock.today();
    let mut values = HashMap::new();
    values.insert("kind".to_string(), "regular".to_string());
    values.insert("planned_on".to_string(), display(today));
    values.insert("from_on".to_string(), display(today));
    values.insert("agenda".to_string(), default_agenda(&st, &auth, &c.i18n, &code, MeetingKind::Regular).await?);
    let year = q.get("year").and_then(|y| y.parse::<i32>().ok()).filter(|y| dangbo_core::date::WORK_YEARS.contains(y)).unwrap_or(today.year());
    Ok(render(&page(&st, &auth, c, &code, year, FormView { values, errors: Default::default() }).await?))
}

async fn page(st: &AppState, auth: &PageAuth, c: Ctx, code: &str, year: i32, form: FormView) -> Result<MeetingsPage, WebError> {
    let i = c.i18n;
    let org = st.store.org(&auth.caller, code).await?;
    let r = st.store.meeting_report(&auth.caller, code, year, st.clock.today()).await?;
    let counts = vec![
        (i.t("meeting-branches"), i.num(r.branches_total)),
        (i.t("meeting-missing-months"), i.num(r.branches_missing_months)),
        (i.t("meeting-missing-thematic"), i.num(r.branches_missing_thematic)),
        (i.t("meeting-unsupervised"), i.num(r.branches_unsupervised)),
        (i.t("meeting-held"), i.num(r.meetings_held)),
        (i.t("meeting-quality"), i.num(r.meetings_quality)),
    ];
    let branches = r
        .branches
        .iter()
        .map(|b| BranchLine {
            code: b.org.clone(),
            name: b.org_name.clone(),
            held: i.num(b.held),
            missed_months: months(&b.missed_months),
            missed_quarters: months(&b.missed_quarters),
            unsupervised: months(&b.unsupervised_quarters),
            quality: format!("{}/{}", i.num(b.meets_quality), i.num(b.held)),
            attendance: percent(&i, b.attendance_permille),
            supervisors: b.supervisors.join(", "),
            flagged: !b.missed_months.is_empty() || !b.unsupervised_quarters.is_empty(),
        })
        .collect();
    let is_branch = org.kind.holds_members();
    let (mut meetings, mut committee, mut supervisors) = (Vec::new(), Vec::new(), Vec::new());
    if is_branch {
        let from = chrono::NaiveDate::from_ymd_opt(year, 1, 1).ok_or(WebError(ErrorKind::BadRequest))?;
        let to = chrono::NaiveDate::from_ymd_opt(year, 12, 31).ok_or(WebError(ErrorKind::BadRequest))?;
        meetings = st.store.list_meetings(&auth.caller, code, from, to).await?.iter().map(|m| meeting_line(&i, m)).collect();
        committee = st
            .store
            .committee_choices(&auth.caller, code, st.clock.today())
            .await?
            .into_iter()
            .map(|(id, name, title, org)| Choice { value: id, label: format!("{name} — {} {org}", i.t(&format!("title-{}", title.replace('_', "-")))) })
            .collect();
        supervisors = st
            .store
            .supervisors(&auth.caller, code)
            .await?
            .into_iter()
            .map(|s| (s.full_name, format!("{} – {}", display(s.from_on), s.to_on.map(display).unwrap_or_default())))
            .collect();
    }
    Ok(MeetingsPage {
        code: org.code,
        name: org.name,
        year,
        is_branch,
        counts,
        branches,
        meetings,
        form,
        kinds: choices(&c, MeetingKind::ALL, MeetingKind::as_str, MeetingKind::message_key),
        committee,
        supervisors,
        ctx: c,
    })
}

/// Plans a meeting or assigns a supervisor, from the forms of the page.
pub async fn record(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(code): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let mut map = checked_form(&auth, body)?;
    map.insert("org".into(), code.clone());
    let today = st.clock.today();
    let result = match map.get("what").map(String::as_str) {
        Some("plan") => match input::<MeetingInput>(&map)?.parse() {
            Ok(m) => st.store.create_meeting(&auth.caller, m).await.map(|id| format!("/meetings/{id}")),
            Err(e) => Err(DbError::Invalid(e)),
        },
        Some("supervisor") => match input::<SupervisorInput>(&map)?.parse(today) {
            Ok(s) => st.store.assign_supervisor(&auth.caller, s).await.map(|_| format!("/orgs/{code}/meetings")),
            Err(e) => Err(DbError::Invalid(e)),
        },
        _ => return Err(WebError(ErrorKind::BadRequest)),
    };
    match result {
        Ok(to) => Ok(Redirect::to(&to).into_response()),
        Err(DbError::Invalid(e)) => {
            let c = ctx(&auth, lang, &format!("/orgs/{code}/meetings"));
            let form = form_with_errors(&c, map, &e);
            Ok(render_invalid(&page(&st, &auth, c, &code, today.year(), form).await?))
        }
        Err(e) => Err(e.into()),
    }
}

pub struct ProposalLine {
    pub id: String,
    pub meeting_id: String,
    pub org: String,
    pub raised: String,
    pub content: String,
    pub state: String,
    pub holder: String,
    pub answer: String,
    pub open: bool,
}

pub(crate) fn proposal_line(i: &I18n, p: &ProposalRow) -> ProposalLine {
    use dangbo_core::meeting::ProposalState as S;
    ProposalLine {
        id: p.id.clone(),
        meeting_id: p.meeting_id.clone(),
        org: p.org_name.clone(),
        raised: p.raised_on.map(display).unwrap_or_default(),
        content: format!("{}: {}", p.raised_by, p.content),
        state: i.t(&p.state.message_key()),
        holder: p.holder_name.clone(),
        answer: match p.answered_on {
            Some(d) => format!("{} ({})", p.answer, display(d)),
            None => String::new(),
        },
        open: matches!(p.state, S::Raised | S::Forwarded),
    }
}

#[derive(Template)]
#[template(path = "proposals.html")]
pub struct ProposalsPage {
    pub ctx: Ctx,
    pub rows: Vec<ProposalLine>,
    /// Open proposals not shown (the page lists the oldest first, up to a limit).
    pub more: String,
    pub form: FormView,
    pub today: String,
}

async fn proposals_page(st: &AppState, auth: &PageAuth, c: Ctx, form: FormView) -> Result<ProposalsPage, WebError> {
    const SHOWN: usize = 30;
    let all = st.store.proposals(&auth.caller, true).await?;
    let more = if all.len() > SHOWN { c.i18n.args("proposals-more", &[("n", c.i18n.num((all.len() - SHOWN) as i64))]) } else { String::new() };
    let rows = all.iter().take(SHOWN).map(|p| proposal_line(&c.i18n, p)).collect();
    Ok(ProposalsPage { rows, more, form, today: display(st.clock.today()), ctx: c })
}

/// Proposals in the caller's view still open or awaiting report, with forms to answer them.
pub async fn proposals(State(st): State<AppState>, auth: PageAuth, lang: Lang) -> Result<Response, WebError> {
    let c = ctx(&auth, lang, "/proposals");
    Ok(render(&proposals_page(&st, &auth, c, FormView::default()).await?))
}

/// A to-do link to one proposal lands on its row.
pub async fn proposal(Path(id): Path<String>) -> Redirect {
    Redirect::to(&format!("/proposals#p-{}", crate::auth::urlencode(&id)))
}

/// Forwards or answers a proposal.
pub async fn proposal_action(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(id): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let map = checked_form(&auth, body)?;
    let back = map.get("back").filter(|b| b.starts_with("/meetings/")).cloned().unwrap_or_else(|| "/proposals".into());
    let result = match input::<AnswerInput>(&map)?.parse(st.clock.today()) {
        Ok(a) => st.store.proposal_action(&auth.caller, &id, a).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&back).into_response()),
        Err(DbError::Invalid(e)) => {
            let c = ctx(&auth, lang, "/proposals");
            let form = form_with_errors(&c, map, &e);
            Ok(render_invalid(&proposals_page(&st, &auth, c, form).await?))
        }
        Err(e) => Err(e.into()),
    }
}
