//! The home page ("Hôm nay"): what needs attention in the user's scope today, each line one tap
//! from its form — this month's meeting of the branch, the to-do, the branches behind.

use super::ctx;
use super::todo::{TodoView, todo_view};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::views::{Ctx, render};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::Datelike;
use dangbo_core::meeting::MeetingState;

/// This month's meeting of the branch: what to say and where one tap leads.
pub struct MeetingLine {
    pub text: String,
    pub href: String,
    pub action: String,
    /// Nothing more to do this month.
    pub done: bool,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub ctx: Ctx,
    pub today: String,
    pub org: Option<(String, String)>,
    pub branch: bool,
    pub meeting: Option<MeetingLine>,
    pub overdue: Vec<TodoView>,
    pub upcoming: Vec<TodoView>,
    pub todo_more: Option<String>,
    /// "Tháng 11/2026: 3 of 20 branches held no meeting", and the branches.
    pub behind: Option<(String, Vec<(String, String)>)>,
}

/// Lines of the to-do shown here; the rest is one tap away on /todo.
const SHOWN: usize = 8;

pub async fn index(State(st): State<AppState>, auth: PageAuth, lang: Lang) -> Result<Response, WebError> {
    let today = st.clock.today();
    let c = ctx(&auth, lang, "/");
    let h = st.store.home(&auth.caller, today).await?;
    let i = c.i18n;
    let month = |d: chrono::NaiveDate| format!("{:02}/{}", d.month(), d.year());
    let meeting = h.branch.as_ref().map(|b| {
        let plan = format!("/orgs/{}/meetings#plan", b.code);
        match &b.meeting {
            None => MeetingLine { text: i.t1("home-meeting-none", "month", &month(b.month)), href: plan, action: i.t("home-meeting-plan"), done: false },
            Some(m) => {
                let href = format!("/meetings/{}", m.id);
                match m.state {
                    MeetingState::Planned => {
                        MeetingLine { text: i.t1("home-meeting-planned", "date", &i.date(&m.planned_on)), href, action: i.t("home-meeting-hold"), done: false }
                    }
                    MeetingState::Held => MeetingLine {
                        text: i.t1("home-meeting-held", "date", &i.date(&m.held_on.unwrap_or(m.planned_on))),
                        href,
                        action: i.t("home-meeting-finish"),
                        done: false,
                    },
                    MeetingState::Closed => MeetingLine {
                        text: i.t1("home-meeting-closed", "date", &i.date(&m.held_on.unwrap_or(m.planned_on))),
                        href,
                        action: i.t("home-meeting-open"),
                        done: true,
                    },
                }
            }
        }
    });
    let total = h.todo.len();
    let (overdue, upcoming): (Vec<_>, Vec<_>) = h.todo.iter().take(SHOWN).partition(|t| t.overdue);
    let behind = h.behind.as_ref().filter(|b| b.of > 0).map(|b| {
        let text = i.args("home-behind", &[("month", month(b.month)), ("count", i.num(b.branches.len() as i64)), ("of", i.num(b.of))]);
        (text, b.branches.iter().map(|(code, name)| (format!("/orgs/{code}/meetings?year={}", b.month.year()), name.clone())).collect())
    });
    let page = HomePage {
        today: i.date(&today),
        branch: h.branch.is_some(),
        org: h.org,
        meeting,
        overdue: overdue.iter().map(|t| todo_view(&i, t, today)).collect(),
        upcoming: upcoming.iter().map(|t| todo_view(&i, t, today)).collect(),
        todo_more: (total > SHOWN).then(|| i.t1("home-todo-more", "count", &i.num(total as i64))),
        behind,
        ctx: c,
    };
    Ok(render(&page))
}
