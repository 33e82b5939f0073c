//! "Hướng dẫn": how to do each task, step by step, in plain words; each task's page links to
//! its section (`/help#meeting`, `#admission`, `#transfer`).

use super::ctx;
use crate::auth::PageAuth;
use crate::i18n::Lang;
use crate::views::{Ctx, render};
use askama::Template;
use axum::response::Response;

/// The tasks explained, each with its number of steps in the catalog (`help-{task}-{n}`).
const TASKS: &[(&str, usize)] = &[("meeting", 6), ("admission", 6), ("transfer", 4), ("member", 3)];

pub struct HelpTask {
    pub id: &'static str,
    pub title: String,
    pub steps: Vec<String>,
}

#[derive(Template)]
#[template(path = "help.html")]
pub struct HelpPage {
    pub ctx: Ctx,
    pub tasks: Vec<HelpTask>,
}

pub async fn index(auth: PageAuth, lang: Lang) -> Response {
    let c = ctx(&auth, lang, "/help");
    let tasks = TASKS
        .iter()
        .map(|(id, n)| HelpTask { id, title: c.t(&format!("help-{id}")), steps: (1..=*n).map(|k| c.t(&format!("help-{id}-{k}"))).collect() })
        .collect();
    render(&HelpPage { ctx: c, tasks })
}
