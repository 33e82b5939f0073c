//! The biography's repeated items on a page of their own: the work history and the family,
//! each row a line of the form (three blank lines to add), saved whole as one info change so
//! every version stays on the member's timeline. Readable and usable without JavaScript.

use super::{PageForm, ctx};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::{ErrorKind, WebError};
use crate::i18n::Lang;
use crate::views::{Choice, MemberRowsPage, render, render_invalid};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use dangbo_core::event::EventInput;
use dangbo_core::member::{FileInput, MemberInput, Relation, RelativeInput, WorkInput};
use dangbo_db::DbError;

/// Blank lines offered below the recorded ones.
const BLANK: usize = 3;

fn page(c: crate::views::Ctx, id: &str, name: &str, work: Vec<WorkInput>, family: Vec<RelativeInput>, errors: Vec<String>) -> MemberRowsPage {
    let relations = Relation::ALL.iter().map(|r| Choice { value: r.as_str().into(), label: c.t(&r.message_key()) }).collect();
    let pad = |n: usize| n + BLANK;
    let mut work = work;
    work.resize_with(pad(work.len()), Default::default);
    let mut family = family;
    family.resize_with(pad(family.len()), Default::default);
    MemberRowsPage { ctx: c, id: id.to_string(), name: name.to_string(), work, family, relations, errors }
}

/// The recorded rows, with blank lines to add.
pub async fn form(State(st): State<AppState>, auth: PageAuth, lang: Lang, Path(id): Path<String>) -> Result<Response, WebError> {
    if !auth.caller.can_write() {
        return Err(WebError(ErrorKind::Forbidden));
    }
    let m = st.store.member(&auth.caller, &id).await?;
    let c = ctx(&auth, lang, &format!("/members/{id}/rows"));
    let work = m.person.file.work.iter().map(WorkInput::from).collect();
    let family = m.person.file.family.iter().map(RelativeInput::from).collect();
    Ok(render(&page(c, &id, &m.full_name, work, family, Vec::new())))
}

/// The lines of the form, in order: each list's fields repeat once per line.
fn rows(body: &[(String, String)]) -> (Vec<WorkInput>, Vec<RelativeInput>) {
    let mut work: Vec<WorkInput> = Vec::new();
    let mut family: Vec<RelativeInput> = Vec::new();
    for (k, v) in body {
        let v = v.clone();
        match k.as_str() {
            "work_from" => work.push(WorkInput { from: v, ..Default::default() }),
            "work_to" => work.last_mut().into_iter().for_each(|w| w.to = v.clone()),
            "work_work" => work.last_mut().into_iter().for_each(|w| w.work = v.clone()),
            "family_relation" => family.push(RelativeInput { relation: v, ..Default::default() }),
            "family_name" => family.last_mut().into_iter().for_each(|r| r.name = v.clone()),
            "family_birth_year" => family.last_mut().into_iter().for_each(|r| r.birth_year = v.clone()),
            "family_occupation" => family.last_mut().into_iter().for_each(|r| r.occupation = v.clone()),
            "family_residence" => family.last_mut().into_iter().for_each(|r| r.residence = v.clone()),
            "family_history" => family.last_mut().into_iter().for_each(|r| r.history = v.clone()),
            _ => {}
        }
    }
    (work, family)
}

/// Saves both lists as they are on the form (one command, audited); a problem shows the form
/// again as typed, naming the line.
pub async fn save(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    Path(id): Path<String>,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let csrf = body.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or("");
    crate::auth::check_csrf(&auth, csrf)?;
    let (work, family) = rows(&body);
    if work.len() > 4 * dangbo_core::member::MAX_ROWS || family.len() > 4 * dangbo_core::member::MAX_ROWS {
        return Err(WebError(ErrorKind::BadRequest));
    }
    let today = st.clock.today();
    let file = FileInput { work: Some(work.clone()), family: Some(family.clone()), ..Default::default() };
    let raw = EventInput {
        kind: "info_changed".into(),
        effective_on: dangbo_core::date::iso(today),
        change: Some("correction".into()),
        member: MemberInput { file, ..Default::default() },
        ..Default::default()
    };
    let result = match raw.parse(today) {
        Ok(ev) => st.store.record_event(&auth.caller, &id, ev, today).await,
        Err(e) => Err(DbError::Invalid(e)),
    };
    match result {
        Ok(ev) => Ok(Redirect::to(&format!("/members/{id}#ev-{ev}")).into_response()),
        Err(DbError::Invalid(e)) => {
            let m = st.store.member(&auth.caller, &id).await?;
            let c = ctx(&auth, lang, &format!("/members/{id}/rows"));
            let errors = e.0.iter().map(|(f, err)| c.i18n.field_message(f, err.key, &err.args)).collect();
            let keep = |n: usize| n.min(dangbo_core::member::MAX_ROWS + BLANK);
            let (mut work, mut family) = (work, family);
            work.truncate(keep(work.len()));
            family.truncate(keep(family.len()));
            Ok(render_invalid(&page(c, &id, &m.full_name, work, family, errors)))
        }
        Err(e) => Err(e.into()),
    }
}
