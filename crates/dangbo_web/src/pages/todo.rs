//! "Việc cần làm": what is due and overdue in the caller's scope, with the rule behind each item.

use super::ctx;
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::WebError;
use crate::i18n::{I18n, Lang};
use crate::views::{Ctx, render};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use dangbo_db::TodoRow;

pub struct TodoView {
    pub href: String,
    pub name: String,
    pub org: String,
    pub what: String,
    pub due: String,
    pub when: String,
    pub rule: String,
}

#[derive(Template)]
#[template(path = "todo.html")]
pub struct TodoPage {
    pub ctx: Ctx,
    pub today: String,
    pub overdue: Vec<TodoView>,
    pub upcoming: Vec<TodoView>,
    /// Links to the full list of a kind cut short here: (href, label).
    pub more: Vec<(String, String)>,
}

pub(crate) fn todo_view(i: &I18n, t: &TodoRow, today: NaiveDate) -> TodoView {
    let days = (t.due - today).num_days();
    let when = if t.overdue { i.t1("todo-late", "days", &i.num(-days)) } else { i.t1("todo-left", "days", &i.num(days)) };
    TodoView {
        href: if t.unpaid_months.is_some() { format!("/members/{}/fees", t.id) } else { format!("/{}s/{}", t.subject, t.id) },
        name: t.full_name.clone(),
        org: t.org_name.clone(),
        what: match (t.milestone, t.unpaid_months) {
            (Some(years), _) => i.t1("todo-badge-years", "years", &years.to_string()),
            (None, Some(n)) => i.args(&format!("{}-months", t.kind.message_key()), &[("n", i.num(n)), ("year", t.from.format("%Y").to_string())]),
            (None, None) => i.t(&t.kind.message_key()),
        },
        due: i.date(&t.due),
        when,
        rule: format!("{} — {}{}", i.t(&t.rule.message_key()), t.citation, if t.confirmed { String::new() } else { format!(" {}", i.t("rules-unconfirmed")) }),
    }
}

/// Items shown per kind before "see all": a province's list stays light on an old phone.
const PER_KIND: usize = 20;

pub async fn index(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    let today = st.clock.today();
    let c = ctx(&auth, lang, "/todo");
    let only = q.get("kind").and_then(|k| dangbo_core::todo::TodoKind::parse(k));
    let all = st.store.todo(&auth.caller, today).await?;
    let mut shown: std::collections::HashMap<dangbo_core::todo::TodoKind, usize> = std::collections::HashMap::new();
    let mut items = Vec::new();
    for t in all.iter().filter(|t| only.is_none_or(|k| k == t.kind)) {
        let n = shown.entry(t.kind).or_default();
        *n += 1;
        if only.is_some() || *n <= PER_KIND {
            items.push(t);
        }
    }
    let mut more: Vec<(String, String)> = dangbo_core::todo::TodoKind::ALL
        .iter()
        .filter_map(|k| {
            shown.get(k).filter(|n| **n > PER_KIND && only.is_none()).map(|n| {
                (format!("/todo?kind={}", k.as_str()), c.i18n.args("todo-more", &[("count", c.i18n.num(*n as i64)), ("what", c.i18n.t(&k.message_key()))]))
            })
        })
        .collect();
    if only.is_some() {
        more.push(("/todo".into(), c.i18n.t("todo-all")));
    }
    let (overdue, upcoming): (Vec<_>, Vec<_>) = items.into_iter().partition(|t| t.overdue);
    let page = TodoPage {
        more,
        today: c.i18n.date(&today),
        overdue: overdue.iter().map(|t| todo_view(&c.i18n, t, today)).collect(),
        upcoming: upcoming.iter().map(|t| todo_view(&c.i18n, t, today)).collect(),
        ctx: c,
    };
    Ok(render(&page))
}
