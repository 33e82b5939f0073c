//! One meeting, as the branch secretary works it on a phone: attendance for everyone in the đảng
//! số (present is preselected, so only absences need a tap), votes, tasks, proposals, the minutes'
//! text, closing, and corrections after closing. Printing is in `meeting_docs`.

use super::meetings::{ProposalLine, proposal_line};
use super::{PageForm, checked_form, choices, ctx, form_with_errors, input};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::{ErrorKind, WebError};
use crate::i18n::{I18n, Lang};
use crate::views::{Choice, Ctx, FormView, render, render_invalid};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use dangbo_core::candidate::Stage;
use dangbo_core::date::display;
use dangbo_core::meeting::{AnswerInput, AttendanceEntry, HoldInput, MeetingState, Presence, ProposalInput, TaskInput, VoteInput, VoteKind};
use dangbo_db::{DbError, MeetingDetail, TaskRow};
use std::collections::HashMap;

pub struct RosterLine {
    pub id: String,
    pub name: String,
    pub status: String,
    pub presence: String,
    pub reason: String,
}

pub struct VoteLine {
    pub seq: i64,
    pub kind: String,
    pub subject: String,
    pub tally: String,
    pub result: String,
    pub passed: bool,
    pub citation: String,
}

pub struct TaskLine {
    pub id: String,
    pub title: String,
    pub assignee: String,
    pub due: String,
    pub done: String,
}

#[derive(Template)]
#[template(path = "meeting.html")]
pub struct MeetingPage {
    pub ctx: Ctx,
    pub id: String,
    pub title: String,
    pub org: String,
    pub org_name: String,
    pub state: String,
    pub editable: bool,
    pub held: bool,
    pub closed: bool,
    /// False for a predecessor's meeting, read by its successor (nothing can be added).
    pub writable: bool,
    pub facts: Vec<(String, String)>,
    pub agenda: Vec<String>,
    pub documents: Vec<String>,
    pub counts: Vec<(String, String)>,
    pub criteria: Vec<(String, bool)>,
    pub absentees: Vec<String>,
    pub roster: Vec<RosterLine>,
    pub presences: Vec<Choice>,
    pub votes: Vec<VoteLine>,
    pub tasks: Vec<TaskLine>,
    pub earlier_tasks: Vec<TaskLine>,
    pub proposals: Vec<ProposalLine>,
    pub to_report: Vec<ProposalLine>,
    pub reported_here: Vec<ProposalLine>,
    pub corrections: Vec<(String, String)>,
    pub form: FormView,
    pub vote_kinds: Vec<Choice>,
    pub candidates: Vec<Choice>,
    pub probationary: Vec<Choice>,
    pub members: Vec<Choice>,
    pub committee: Vec<Choice>,
    pub opinions: String,
    pub conclusions: String,
    pub today: String,
    /// Documents studied at this meeting, and the library to pick from.
    pub studied: Vec<String>,
    pub library: Vec<Choice>,
    /// Members' assignments in force, reviewed at the meeting.
    pub assignments: Vec<String>,
}

fn task_line(i: &I18n, t: &TaskRow) -> TaskLine {
    TaskLine {
        id: t.id.clone(),
        title: t.title.clone(),
        assignee: t.assignee.clone().unwrap_or_else(|| i.t("meeting-task-committee")),
        due: display(t.due_on),
        done: t.done_on.map(display).unwrap_or_default(),
    }
}

fn facts(i: &I18n, d: &MeetingDetail) -> Vec<(String, String)> {
    let it = &d.item;
    let mut f = vec![(i.t("field-planned_on"), display(it.planned_on))];
    let mut push = |k: &str, v: String| {
        if !v.is_empty() {
            f.push((i.t(&format!("field-{k}")), v));
        }
    };
    push("held_on", it.held_on.map(display).unwrap_or_default());
    push("starts_at", d.starts_at.clone());
    push("place", d.place.clone());
    push("topic", it.topic.clone());
    push("chair", d.chair.clone().unwrap_or_default());
    push("secretary", d.secretary.clone().unwrap_or_default());
    push("prepared_on", it.prepared_on.map(display).unwrap_or_default());
    push("supervisor", d.supervisor.clone().unwrap_or_default());
    push("guests", d.guests.clone());
    f
}

/// Labelled figures, and criteria met or not.
type Judged = (Vec<(String, String)>, Vec<(String, bool)>);

fn criteria(i: &I18n, d: &MeetingDetail) -> Judged {
    let a = &d.item.attendance;
    if d.item.held_on.is_none() {
        return (vec![(i.t("meeting-roster"), i.num(a.roster))], vec![]);
    }
    let counts = vec![
        (i.t("meeting-roster"), i.num(a.roster)),
        (i.t("meeting-eligible"), i.num(a.eligible)),
        (i.t("presence-present"), i.num(a.present)),
        (i.t("presence-absent-excused"), i.num(a.absent_excused)),
        (i.t("presence-absent-unexcused"), i.num(a.absent_unexcused)),
        (i.t("meeting-rate"), super::meetings::percent(i, a.rate_permille())),
    ];
    let mut c = vec![(i.t("meeting-quorum"), d.item.quorum)];
    if let Some(q) = d.item.quality {
        c.extend([
            (i.t("meeting-crit-attendance"), q.attendance_ok),
            (i.t("meeting-crit-unexcused"), q.no_unexcused),
            (i.t("meeting-crit-run"), q.no_long_absence),
            (i.t("meeting-crit-prepared"), q.prepared),
            (i.t("meeting-quality"), q.meets),
        ]);
    }
    (counts, c)
}

pub(crate) fn vote_line(i: &I18n, v: &dangbo_db::VoteRow) -> VoteLine {
    VoteLine {
        seq: v.seq,
        kind: i.t(&v.kind.message_key()),
        subject: v.subject.clone(),
        tally: format!("{} / {} / {}", i.num(v.votes_for), i.num(v.against), i.num(v.abstain)),
        result: i.args(
            if v.passed { "vote-passed" } else { "vote-failed" },
            &[("for", i.num(v.votes_for)), ("base", i.num(v.base)), ("threshold", v.threshold.clone())],
        ),
        passed: v.passed,
        citation: v.citation.clone(),
    }
}

pub(crate) async fn page(st: &AppState, auth: &PageAuth, c: Ctx, id: &str, mut form: FormView) -> Result<MeetingPage, WebError> {
    let i = c.i18n;
    let d = st.store.meeting(&auth.caller, id).await?;
    let editable = d.item.state != MeetingState::Closed && d.writable;
    let roster = if editable { st.store.meeting_roster(&auth.caller, id, None).await? } else { Vec::new() };
    let members: Vec<Choice> = roster.iter().map(|r| Choice { value: r.member_id.clone(), label: r.full_name.clone() }).collect();
    let candidates = if d.item.held_on.is_some() && editable {
        st.store
            .list_candidates(&auth.caller, Some(&d.item.org), Some(Stage::Dossier), true, "")
            .await?
            .into_iter()
            .map(|k| Choice { value: k.id, label: k.full_name })
            .collect()
    } else {
        Vec::new()
    };
    let committee = st
        .store
        .committee_choices(&auth.caller, &d.item.org, d.item.held_on.unwrap_or(d.item.planned_on))
        .await?
        .into_iter()
        .map(|(id, name, _, org)| Choice { value: id, label: format!("{name} ({org})") })
        .collect();
    let (counts, criteria) = criteria(&i, &d);
    let on = d.item.held_on.unwrap_or(d.item.planned_on);
    let doc_label = |x: &dangbo_db::DocumentRow| format!("{} {} — {}", i.t(&x.kind.message_key()), x.number, x.title);
    let studied = st.store.meeting_documents(&auth.caller, id).await?.iter().map(doc_label).collect();
    let library = if editable && d.item.held_on.is_some() {
        st.store.documents(&auth.caller).await?.iter().map(|x| Choice { value: x.id.clone(), label: doc_label(x) }).collect()
    } else {
        Vec::new()
    };
    let assignments = st
        .store
        .branch_assignments(&auth.caller, &d.item.org, on)
        .await?
        .iter()
        .map(|a| format!("{} — {}: {}", a.full_name, i.t(&a.kind.message_key()), a.subject))
        .collect();
    let values = &mut form.values;
    let defaults = [
        ("held_on", display(d.item.held_on.unwrap_or(d.item.planned_on))),
        ("starts_at", d.starts_at.clone()),
        ("place", d.place.clone()),
        ("guests", d.guests.clone()),
        ("prepared_on", d.item.prepared_on.map(display).unwrap_or_default()),
        ("opinions", d.opinions.clone()),
        ("conclusions", d.conclusions.clone()),
        ("due_on", String::new()),
    ];
    for (k, v) in defaults {
        values.entry(k.to_string()).or_insert(v);
    }
    let absentees = d
        .attendance
        .iter()
        .filter(|a| a.presence != Presence::Present)
        .map(|a| {
            let reason = if a.reason.is_empty() { String::new() } else { format!(" ({})", a.reason) };
            format!("{} — {}{reason}", a.full_name, i.t(&a.presence.message_key()))
        })
        .collect();
    Ok(MeetingPage {
        id: id.to_string(),
        title: format!("{} · {}", i.t(&d.item.kind.message_key()), d.item.org_name),
        org: d.item.org.clone(),
        org_name: d.item.org_name.clone(),
        state: i.t(&d.item.state.message_key()),
        editable,
        held: d.item.held_on.is_some(),
        closed: d.item.state == MeetingState::Closed,
        writable: d.writable,
        facts: facts(&i, &d),
        agenda: d.agenda.clone(),
        documents: d.documents.clone(),
        counts,
        criteria,
        absentees,
        roster: roster
            .iter()
            .map(|r| RosterLine {
                id: r.member_id.clone(),
                name: r.full_name.clone(),
                status: i.t(&format!("status-{}", r.status)),
                // What the secretary ticked survives a refused submission.
                presence: form.values.get(&format!("p.{}", r.member_id)).cloned().unwrap_or_else(|| r.presence.as_str().to_string()),
                reason: form.values.get(&format!("r.{}", r.member_id)).cloned().unwrap_or_else(|| r.reason.clone()),
            })
            .collect(),
        presences: choices(&c, Presence::ALL, Presence::as_str, Presence::message_key),
        votes: d.votes.iter().map(|v| vote_line(&i, v)).collect(),
        tasks: d.tasks.iter().map(|t| task_line(&i, t)).collect(),
        earlier_tasks: d.earlier_tasks.iter().map(|t| task_line(&i, t)).collect(),
        proposals: d.proposals.iter().map(|p| proposal_line(&i, p)).collect(),
        to_report: d.to_report.iter().map(|p| proposal_line(&i, p)).collect(),
        reported_here: d.reported_here.iter().map(|p| proposal_line(&i, p)).collect(),
        corrections: d
            .corrections
            .iter()
            .map(|(e, by, at)| (e.clone(), format!("{by}, {}", at.get(..10).map(dangbo_core::date::display_iso).unwrap_or_default())))
            .collect(),
        form,
        vote_kinds: choices(&c, VoteKind::ALL, VoteKind::as_str, VoteKind::message_key),
        candidates,
        probationary: d.attendance.iter().filter(|a| !a.full_member).map(|a| Choice { value: a.member_id.clone(), label: a.full_name.clone() }).collect(),
        members,
        committee,
        opinions: d.opinions.clone(),
        conclusions: d.conclusions.clone(),
        today: display(st.clock.today()),
        studied,
        library,
        assignments,
        ctx: c,
    })
}

#[derive(Template)]
#[template(path = "meeting_close.html")]
pub struct ClosePage {
    pub ctx: Ctx,
    pub id: String,
    pub title: String,
    pub org_name: String,
    pub counts: Vec<(String, String)>,
    pub criteria: Vec<(String, bool)>,
    pub votes: Vec<VoteLine>,
    /// The minutes' text is empty: said before it becomes fixed.
    pub empty_minutes: bool,
}

/// Before the minutes are locked for good: what becomes fixed — each quality criterion met or
/// not, the figures, the votes — and one button to confirm.
pub async fn close_form(State(st): State<AppState>, auth: PageAuth, lang: Lang, Path(id): Path<String>) -> Result<Response, WebError> {
    let d = st.store.meeting(&auth.caller, &id).await?;
    if !auth.caller.can_write() || d.item.state != MeetingState::Held {
        return Ok(Redirect::to(&format!("/meetings/{id}")).into_response());
    }
    let c = ctx(&auth, lang, &format!("/meetings/{id}/close"));
    let i = c.i18n;
    let (counts, criteria) = criteria(&i, &d);
    let page = ClosePage {
        id: id.clone(),
        title: format!("{} · {}", i.t(&d.item.kind.message_key()), i.date(&d.item.held_on.unwrap_or(d.item.planned_on))),
        org_name: d.item.org_name.clone(),
        counts,
        criteria,
        votes: d.votes.iter().map(|v| vote_line(&i, v)).collect(),
        empty_minutes: d.opinions.trim().is_empty() && d.conclusions.trim().is_empty(),
        ctx: c,
    };
    Ok(render(&page))
}

pub async fn show(State(st): State<AppState>, auth: PageAuth, lang: Lang, Path(id): Path<String>) -> Result<Response, WebError> {
    let c = ctx(&auth, lang, &format!("/meetings/{id}"));
    Ok(render(&page(&st, &auth, c, &id, FormView::default()).await?))
}

/// The attendance of the form: a `p.<member id>` radio and an `r.<member id>` reason per member.
fn attendance(map: &HashMap<String, String>) -> Vec<AttendanceEntry> {
    let mut out: Vec<AttendanceEntry> = map
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("p.").map(|id| (id, v)))
        .map(|(id, p)| AttendanceEntry { member_id: id.to_string(), presence: p.clone(), reason: map.get(&format!("r.{id}")).cloned() })
        .collect();
    out.sort_by(|a, b| a.member_id.cmp(&b.member_id));
    out
}

/// Every action of the meeting page, chosen by the form's `what`.
pub async fn act(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(id): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let map = checked_form(&auth, body)?;
    let today = st.clock.today();
    let s = &st.store;
    let who = &auth.caller;
    let invalid = |e| Err(DbError::Invalid(e));
    let result = match map.get("what").map(String::as_str).unwrap_or("") {
        "hold" => {
            let h = HoldInput { attendance: attendance(&map), ..input::<HoldInput>(&map)? };
            match h.parse(today) {
                Ok(h) => s.hold_meeting(who, &id, h).await,
                Err(e) => invalid(e),
            }
        }
        "vote" => match input::<VoteInput>(&map)?.parse() {
            Ok(v) => s.record_vote(who, &id, v).await.map(|_| ()),
            Err(e) => invalid(e),
        },
        "task" => match input::<TaskInput>(&map)?.parse() {
            Ok(t) => s.add_task(who, &id, t).await.map(|_| ()),
            Err(e) => invalid(e),
        },
        "task_done" => {
            let task = map.get("task").cloned().unwrap_or_default();
            match map.get("done_on").and_then(|d| dangbo_core::date::parse(d)) {
                Some(on) if on <= today => s.finish_task(who, &task, on).await,
                _ => invalid(dangbo_core::FieldErrors::single("done_on", "err-date-invalid")),
            }
        }
        "proposal" => match input::<ProposalInput>(&map)?.parse() {
            Ok(p) => s.raise_proposal(who, &id, p).await.map(|_| ()),
            Err(e) => invalid(e),
        },
        "report" => {
            let a = AnswerInput { action: "report".into(), meeting: Some(id.clone()), ..Default::default() };
            match a.parse(today) {
                Ok(a) => s.proposal_action(who, map.get("proposal").map(String::as_str).unwrap_or(""), a).await,
                Err(e) => invalid(e),
            }
        }
        "minutes" => {
            s.write_minutes(who, &id, map.get("opinions").map(String::as_str).unwrap_or(""), map.get("conclusions").map(String::as_str).unwrap_or("")).await
        }
        // Locked only from the confirmation page, which shows what becomes fixed.
        "close" if map.get("confirm").map(String::as_str) == Some("1") => s.close_minutes(who, &id).await,
        "close" => return Ok(Redirect::to(&format!("/meetings/{id}/close")).into_response()),
        "correct" => s.correct_minutes(who, &id, map.get("entry").map(String::as_str).unwrap_or("")).await,
        _ => return Err(WebError(ErrorKind::BadRequest)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/meetings/{id}")).into_response()),
        Err(DbError::Invalid(e)) => {
            let c = ctx(&auth, lang, &format!("/meetings/{id}"));
            let form = form_with_errors(&c, map, &e);
            Ok(render_invalid(&page(&st, &auth, c, &id, form).await?))
        }
        Err(e) => Err(e.into()),
    }
}
