//! Server-rendered pages. Each handler: extract → one store call → render.

mod accounts;
mod cadre;
mod candidates;
mod cards;
mod cases;
mod courses;
mod documents;
mod fee_import;
mod fee_papers;
mod fee_stats;
mod fees;
mod forms_tctw;
mod help;
mod home;
mod import;
mod inspection_plan;
mod meeting;
pub(crate) mod meeting_docs;
mod meetings;
mod member_events;
mod member_file;
mod member_forms;
mod member_photo;
mod member_rows;
mod members;
mod org_forms;
mod orgs;
mod planning;
mod ratings;
mod register;
mod rules;
mod session;
mod stats;
mod study;
mod targets;
mod todo;

use crate::auth::PageAuth;
use crate::error::{ErrorKind, WebError};
use crate::i18n::Lang;
use crate::views::{Choice, Ctx, FormView};
use axum::routing::{get, post};
use chrono::NaiveDate;
use dangbo_core::FieldErrors;
use std::collections::HashMap;

pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/", get(home::index))
        .route("/help", get(help::index))
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route("/lang/{lang}", get(session::switch_lang))
        .route("/orgs", get(orgs::index))
        .route("/orgs/new", get(org_forms::new_root_form).post(org_forms::create_root))
        .route("/orgs/{code}", get(orgs::show))
        .route("/orgs/{code}/new", get(org_forms::new_form).post(org_forms::create))
        .route("/orgs/{code}/change", get(org_forms::change_form).post(org_forms::change))
        .route("/orgs/{code}/stats", get(stats::show))
        .route("/forms/{code}/{ext}", get(stats::download))
        .route("/orgs/{code}/forms/3-tctw", get(forms_tctw::form3))
        .route("/orgs/{code}/forms/4-tctw", get(forms_tctw::form4))
        .route("/orgs/{code}/quality", get(stats::quality))
        .route("/orgs/{code}/admissions", get(stats::admissions))
        .route("/registers/{file}", get(register::download))
        .route("/members", get(members::index))
        .route("/members/new", get(member_forms::new_form).post(member_forms::create))
        .route("/members/{id}", get(members::show))
        .route("/members/{id}/events", post(member_events::record))
        .route("/members/{id}/events/{kind}", get(member_events::form))
        .route("/members/{id}/edit", get(member_forms::edit_form).post(member_forms::edit))
        .route("/members/{id}/rows", get(member_rows::form).post(member_rows::save))
        .route("/members/{id}/case", get(cases::new_form).post(cases::open))
        .route("/orgs/{code}/cases", get(cases::list))
        .route("/orgs/{code}/inspection-plan", get(inspection_plan::show).post(inspection_plan::add))
        .route("/cases/{id}", get(cases::show))
        .route("/cases/{id}/steps", post(cases::step))
        .route("/cases/{id}/decision", post(cases::decide))
        .route("/cases/{id}/complaints", post(cases::complain))
        .route("/cases/{id}/resolution", post(cases::resolve))
        .route("/audit", get(orgs::audit))
        .route("/audit.csv", get(orgs::audit))
        .route("/account", get(accounts::account_form).post(accounts::change_password))
        .route("/users", get(accounts::users).post(accounts::users_act))
        .route("/todo", get(todo::index))
        .route("/todo/recognition.pdf", get(documents::recognition_list))
        .route("/candidates/{id}/decision.pdf", get(documents::decision))
        .route("/members/{id}/transfer.pdf", get(documents::transfer_letter))
        .route("/members/{id}/file.pdf", get(member_file::member_file))
        .route("/orgs/{code}/cards", get(cards::show))
        .route("/orgs/{code}/fees", get(fees::show).post(fees::record))
        .route("/orgs/{code}/ratings", get(ratings::show).post(ratings::record))
        .route("/members/{id}/fees", get(fees::member).post(fees::set_basis))
        .route("/members/{id}/fee-reliefs", post(fees::add_relief))
        .route("/orgs/{code}/fees/book", get(fee_papers::book))
        .route("/orgs/{code}/fees/reconciliation", get(fee_papers::reconciliation))
        .route("/orgs/{code}/fees/remittances", post(fee_papers::remit))
        .route("/orgs/{code}/fees/year", get(fee_stats::year))
        .route("/orgs/{code}/fees/arrears", get(fee_stats::arrears))
        .route("/orgs/{code}/fees/{file}", get(fee_papers::file))
        .route("/fees/remittances/{id}/received", post(fee_papers::received))
        .route("/orgs/{code}/cards.pdf", get(cards::pdf))
        .route("/candidates", get(candidates::index))
        .route("/candidates/new", get(candidates::new_form).post(candidates::create))
        .route("/candidates/{id}", get(candidates::show))
        .route("/candidates/{id}/steps", post(candidates::record_step))
        .route("/courses", get(courses::index).post(courses::create))
        .route("/courses/{id}", get(courses::show))
        .route("/courses/{id}/enrolments", post(courses::enrol))
        .route("/courses/{id}/participants", post(courses::participate))
        .route("/rules", get(rules::index).post(rules::put))
        .route("/calendar", get(rules::calendar).post(rules::put_day))
        .route("/orgs/{code}/targets", get(targets::show).post(targets::put))
        .route("/orgs/{code}/cadre", get(cadre::show).post(cadre::record))
        .route("/orgs/{code}/cadre/{file}", get(documents::cadre_xlsx))
        .route("/orgs/{code}/meetings", get(meetings::show).post(meetings::record))
        .route("/orgs/{code}/planning", get(planning::show).post(planning::record))
        .route("/meetings/{id}", get(meeting::show).post(meeting::act))
        .route("/meetings/{id}/close", get(meeting::close_form))
        .route("/meetings/{id}/minutes.pdf", get(meeting_docs::minutes))
        .route("/meetings/{id}/kit.pdf", get(meeting_docs::kit))
        .route("/proposals", get(meetings::proposals))
        .route("/documents", get(study::index).post(study::create))
        .route("/import/mapping", post(import::save_mapping))
        .route("/documents/{id}", get(study::report))
        .route("/members/{id}/assignments", post(study::assign))
        .route("/proposals/{id}", get(meetings::proposal).post(meetings::proposal_action))
        .map(|r| r.layer(tower_http::limit::RequestBodyLimitLayer::new(256 * 1024)))
        // Spreadsheets are larger than forms; dangbo_import refuses files over 20 MB itself.
        .merge(
            crate::routes::Routes::new()
                .route("/import", get(import::form).post(import::upload))
                .route("/fees/import", get(fee_import::form).post(fee_import::upload))
                .map(|r| r.layer(axum::extract::DefaultBodyLimit::max(21 * 1024 * 1024))),
        )
        // A photo: at most 500 KB, checked by its bytes in the store.
        .merge(
            crate::routes::Routes::new()
                .route("/members/{id}/photo", get(member_photo::show).post(member_photo::upload))
                .map(|r| r.layer(axum::extract::DefaultBodyLimit::max(600 * 1024))),
        )
}

pub(crate) fn ctx(auth: &PageAuth, lang: Lang, path: &str) -> Ctx {
    Ctx {
        i18n: crate::i18n::I18n::new(lang),
        user: Some(auth.caller.username.clone()),
        is_admin: auth.caller.is_admin(),
        can_write: auth.caller.can_write(),
        is_committee: auth.caller.is_committee(),
        is_inspector: auth.caller.may(dangbo_db::Action::Inspect),
        branch: auth.caller.org_code.clone().filter(|_| auth.caller.role == dangbo_db::Role::Secretary),
        csrf: auth.csrf.clone(),
        path: path.to_string(),
    }
}

/// Refuses, before the form is read, a caller whose role may not decide for the committee or
/// restructure the tree (ARCHITECTURE.md "Who may do what"); the store checks it again.
pub(crate) fn committee(auth: &PageAuth) -> Result<(), WebError> {
    if auth.caller.is_committee() { Ok(()) } else { Err(WebError(ErrorKind::Forbidden)) }
}

/// The branches a caller may pick in a form, as a list (labelled by name, valued by code), or
/// none when there are too many for one: the form then takes a code.
pub(crate) async fn branch_choices(st: &crate::AppState, caller: &dangbo_db::Caller, on: NaiveDate, wider: bool) -> Result<Option<Vec<Choice>>, WebError> {
    let all = st.store.branch_choices(caller, on, wider).await?;
    Ok((all.len() <= dangbo_db::MAX_CHOICES).then(|| all.into_iter().map(|(value, label)| Choice { value, label }).collect()))
}

/// The organisations of the caller's scope alive on `on`, for a list filter: indented by depth
/// under their parents; None when there are too many for a list (the filter then takes a code).
/// A `current` code not among them (an organisation that has ended, say) stays offered.
pub(crate) async fn org_choices(st: &crate::AppState, caller: &dangbo_db::Caller, on: NaiveDate, current: &str) -> Result<Option<Vec<Choice>>, WebError> {
    let all = st.store.org_choices(caller, on).await?;
    if all.len() > dangbo_db::MAX_CHOICES {
        return Ok(None);
    }
    let mut list: Vec<Choice> =
        all.into_iter().map(|o| Choice { value: o.code, label: format!("{}{}", "\u{a0}\u{a0}\u{a0}".repeat(o.depth), o.name) }).collect();
    if !current.is_empty() && !list.iter().any(|c| c.value == current) {
        list.push(Choice { value: current.to_string(), label: current.to_string() });
    }
    Ok(Some(list))
}

/// The year of a page's `?year=` within the working years, this year when absent or not one.
pub(crate) fn year_of(q: &HashMap<String, String>, today: NaiveDate) -> i32 {
    use chrono::Datelike;
    q.get("year").and_then(|y| y.trim().parse::<i32>().ok()).filter(|y| dangbo_core::date::WORK_YEARS.contains(y)).unwrap_or(today.year())
}

/// The as-of date from a query value: ISO or dd/mm/yyyy; absent or empty means today; anything
/// else (31/02/2027, 5/1/27) is an error the user reads, never silently today.
pub(crate) fn as_of(q: Option<&String>, today: NaiveDate) -> Result<NaiveDate, WebError> {
    match q.map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(today),
        Some(s) => dangbo_core::date::parse(s).ok_or(WebError(ErrorKind::BadDate)),
    }
}

/// The as-of date of an organisation's pages: as [`as_of`], but an organisation that has ended
/// is shown by default on its last day, not as the empty today.
pub(crate) fn org_as_of(q: Option<&String>, today: NaiveDate, ended: Option<NaiveDate>) -> Result<NaiveDate, WebError> {
    let last = ended.and_then(|e| e.pred_opt()).filter(|d| *d < today);
    match (q.map(|s| s.trim()).filter(|s| !s.is_empty()), last) {
        (None, Some(last)) => Ok(last),
        _ => as_of(q, today),
    }
}

/// A submitted form as a map, after the CSRF check.
pub(crate) fn checked_form(auth: &PageAuth, body: Vec<(String, String)>) -> Result<HashMap<String, String>, WebError> {
    let map: HashMap<String, String> = body.into_iter().collect();
    crate::auth::check_csrf(auth, map.get("csrf").map(String::as_str).unwrap_or(""))?;
    Ok(map)
}

/// Deserialises a form map into an input type whose fields are all text.
pub(crate) fn input<T: serde::de::DeserializeOwned>(map: &HashMap<String, String>) -> Result<T, WebError> {
    let value = serde_json::to_value(map).map_err(|_| WebError(ErrorKind::BadRequest))?;
    serde_json::from_value(value).map_err(|_| WebError(ErrorKind::BadRequest))
}

pub(crate) fn form_with_errors(ctx: &Ctx, values: HashMap<String, String>, errors: &FieldErrors) -> FormView {
    FormView { values, errors: ctx.i18n.field_errors(errors) }
}

pub(crate) fn choices<T: Copy>(ctx: &Ctx, all: &[T], value: impl Fn(T) -> &'static str, key: impl Fn(T) -> String) -> Vec<Choice> {
    all.iter().map(|x| Choice { value: value(*x).to_string(), label: ctx.t(&key(*x)) }).collect()
}

/// A form body whose rejection (not urlencoded, bad UTF-8, too large) is the error page.
pub struct PageForm<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for PageForm<T> {
    type Rejection = WebError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(PageForm(v)),
            Err(_) => Err(WebError(ErrorKind::BadRequest)),
        }
    }
}
