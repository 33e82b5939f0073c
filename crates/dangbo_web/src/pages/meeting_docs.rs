//! Printed papers of a meeting: the paper kit of a planned meeting (agenda, attendance sheet with
//! a signature column, minutes skeleton) and the minutes generated from what was recorded. The
//! wording is in the typst templates; the labels here come from the Vietnamese catalog.

use super::documents::{internal, pdf_response};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::WebError;
use crate::i18n::{I18n, Lang};
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Datelike;
use dangbo_core::date::display;
use dangbo_core::meeting::{MeetingState, Presence};
use dangbo_db::{Caller, DbError, MeetingDetail};
use dangbo_reports::pdf::{KitMember, MeetingKit, Minutes, MinutesVote};

/// The committee above the branch, and the place the paper is dated from.
async fn upper(st: &AppState, caller: &Caller, code: &str, branch: &str) -> Result<(String, String), DbError> {
    let ancestors = st.store.org_ancestors(caller, code).await?;
    let place = super::documents::place(branch, &ancestors).unwrap_or_default();
    Ok((ancestors.last().map(|a| a.1.clone()).unwrap_or_default(), place))
}

fn minutes_doc(i: &I18n, d: &MeetingDetail, (upper, place_line): (String, String)) -> Minutes {
    let it = &d.item;
    let on = it.held_on.unwrap_or(it.planned_on);
    let a = &it.attendance;
    let name_line = |p: &dangbo_db::ProposalRow| {
        let answer = if p.answer.is_empty() { String::new() } else { format!(" — {}", p.answer) };
        format!("{}: {} ({}){answer}", p.raised_by, p.content, i.t(&p.state.message_key()))
    };
    Minutes {
        upper,
        branch: it.org_name.clone(),
        kind: it.kind.as_str().into(),
        place_line,
        day: format!("{:02}", on.day()),
        month: on.month().to_string(),
        year: on.year().to_string(),
        date: display(on),
        starts_at: d.starts_at.clone(),
        place: d.place.clone(),
        chair: d.chair.clone().unwrap_or_default(),
        secretary: d.secretary.clone().unwrap_or_default(),
        supervisor: d.supervisor.clone().unwrap_or_default(),
        guests: d.guests.clone(),
        topic: it.topic.clone(),
        roster: i.num(a.roster),
        eligible: i.num(a.eligible),
        present: i.num(a.present),
        absent_excused: i.num(a.absent_excused),
        absent_unexcused: i.num(a.absent_unexcused),
        exempt: i.num(a.exempt),
        attached: i.num(a.attached_elsewhere),
        rate: super::meetings::percent(i, a.rate_permille()),
        absentees: d
            .attendance
            .iter()
            .filter(|r| !matches!(r.presence, Presence::Present))
            .map(|r| {
                let reason = if r.reason.is_empty() { String::new() } else { format!(" ({})", r.reason) };
                format!("{} — {}{reason}", r.full_name, i.t(&r.presence.message_key()).to_lowercase())
            })
            .collect(),
        agenda: d.agenda.clone(),
        documents: d.documents.clone(),
        opinions: d.opinions.lines().map(str::to_string).collect(),
        votes: d
            .votes
            .iter()
            .map(|v| MinutesVote {
                seq: v.seq.to_string(),
                subject: v.subject.clone(),
                votes_for: i.num(v.votes_for),
                against: i.num(v.against),
                abstain: i.num(v.abstain),
                result: super::meeting::vote_line(i, v).result,
            })
            .collect(),
        conclusions: d.conclusions.lines().map(str::to_string).collect(),
        tasks: d
            .tasks
            .iter()
            .map(|t| {
                format!("{} — {}, {} {}", t.title, t.assignee.clone().unwrap_or_else(|| i.t("meeting-task-committee")), i.t("meeting-due"), display(t.due_on))
            })
            .collect(),
        proposals: d.proposals.iter().map(name_line).collect(),
        reported: d.reported_here.iter().map(name_line).collect(),
        corrections: d
            .corrections
            .iter()
            .map(|(e, by, at)| format!("{e} ({by}, {})", at.get(..10).map(dangbo_core::date::display_iso).unwrap_or_default()))
            .collect(),
        draft: it.state != MeetingState::Closed,
    }
}

/// Biên bản: printable once the meeting is held; "DỰ THẢO" until the minutes are closed.
pub async fn minutes(State(st): State<AppState>, auth: PageAuth, Path(id): Path<String>) -> Result<Response, WebError> {
    minutes_pdf(&st, &auth.caller, &id).await?.ok_or_else(|| internal(&"minutes"))
}

/// The minutes as a PDF response (the page and the API serve the same), or `None` when the
/// template fails (logged).
pub(crate) async fn minutes_pdf(st: &AppState, caller: &Caller, id: &str) -> Result<Option<Response>, DbError> {
    let d = st.store.meeting(caller, id).await?;
    let i = I18n::new(Lang::Vi);
    let doc = minutes_doc(&i, &d, upper(st, caller, &d.item.org, &d.item.org_name).await?);
    let name = format!("Biên bản {} {}", d.item.org_name, doc.date.replace('/', "-"));
    st.store.log_export(caller, "minutes", "meeting", id, serde_json::json!({})).await?;
    let rendered = match st.limits.render(move || dangbo_reports::pdf::minutes(&doc)).await {
        Ok(r) => r,
        Err(_) => return Err(DbError::Busy),
    };
    match rendered {
        Ok(bytes) => Ok(Some(pdf_response(&name, bytes))),
        Err(e) => {
            tracing::error!(error = %e, "minutes failed");
            Ok(None)
        }
    }
}

/// The paper kit: agenda, the attendance sheet of the đảng số on the meeting date, and a
/// minutes skeleton to fill in by hand.
pub async fn kit(State(st): State<AppState>, auth: PageAuth, Path(id): Path<String>) -> Result<Response, WebError> {
    let d = st.store.meeting(&auth.caller, &id).await?;
    let roster = st.store.meeting_roster(&auth.caller, &id, None).await?;
    let i = I18n::new(Lang::Vi);
    let it = &d.item;
    let short = |s: &str| i.t(&format!("status-short-{s}"));
    let doc = MeetingKit {
        upper: upper(&st, &auth.caller, &it.org, &it.org_name).await?.0,
        branch: it.org_name.clone(),
        kind: it.kind.as_str().into(),
        date: display(it.held_on.unwrap_or(it.planned_on)),
        starts_at: d.starts_at.clone(),
        place: d.place.clone(),
        topic: it.topic.clone(),
        agenda: d.agenda.clone(),
        documents: d.documents.clone(),
        open_tasks: d
            .earlier_tasks
            .iter()
            .filter(|t| t.done_on.is_none())
            .map(|t| format!("{} — {} {}", t.title, i.t("meeting-due"), display(t.due_on)))
            .collect(),
        open_proposals: d.to_report.iter().map(|p| format!("{}: {} — {}", p.raised_by, p.content, p.answer)).collect(),
        members: roster
            .iter()
            .map(|r| KitMember {
                name: r.full_name.clone(),
                status: short(&r.status),
                note: match r.presence {
                    Presence::Exempt | Presence::AttachedElsewhere => i.t(&r.presence.message_key()),
                    _ => String::new(),
                },
            })
            .collect(),
    };
    let name = format!("Tài liệu sinh hoạt {} {}", it.org_name, doc.date.replace('/', "-"));
    st.store.log_export(&auth.caller, "meeting_kit", "meeting", &id, serde_json::json!({})).await?;
    let bytes = st.limits.render(move || dangbo_reports::pdf::meeting_kit(&doc)).await?.map_err(|e| internal(&e))?;
    Ok(pdf_response(&name, bytes))
}
