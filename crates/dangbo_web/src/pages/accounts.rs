//! A user's own password, and the admin's page of users and tokens: disable, enable, reset a
//! password (shown once), revoke a token.

use super::{PageForm, checked_form, ctx};
use crate::AppState;
use crate::auth::PageAuth;
use crate::error::{ErrorKind, WebError};
use crate::i18n::Lang;
use crate::views::{AccountPage, FormView, TokenView, UserView, UsersPage, render, render_invalid};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangbo_db::DbError;

/// An instant stored as RFC 3339 UTC, shown as Vietnam's wall-clock time "dd/mm/yyyy hh:mm".
pub(crate) fn local_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| (t.with_timezone(&chrono::Utc) + chrono::Duration::hours(7)).format("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_else(|_| at.to_string())
}

pub async fn account_form(auth: PageAuth, lang: Lang) -> Response {
    render(&AccountPage { ctx: ctx(&auth, lang, "/account"), form: FormView::default() })
}

/// Changes the caller's password; every session of theirs ends, so they log in again.
pub async fn change_password(
    State(st): State<AppState>,
    auth: PageAuth,
    lang: Lang,
    PageForm(body): PageForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let map = checked_form(&auth, body)?;
    let get = |k: &str| map.get(k).map(String::as_str).unwrap_or("");
    match st.store.change_password(&auth.caller, get("current"), get("password")).await {
        Ok(()) => Ok(Redirect::to("/login").into_response()),
        Err(DbError::Invalid(errors)) => {
            let c = ctx(&auth, lang, "/account");
            let errors = c.i18n.field_errors(&errors).into_iter().collect();
            Ok(render_invalid(&AccountPage { ctx: c, form: FormView { values: Default::default(), errors } }))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn users(State(st): State<AppState>, auth: PageAuth, lang: Lang) -> Result<Response, WebError> {
    users_page(&st, &auth, lang, None).await
}

async fn users_page(st: &AppState, auth: &PageAuth, lang: Lang, message: Option<String>) -> Result<Response, WebError> {
    let c = ctx(auth, lang, "/users");
    let users = st.store.users(&auth.caller).await?;
    let tokens = st.store.tokens(&auth.caller, None).await?;
    let users = users
        .into_iter()
        .map(|u| UserView {
            state: if u.active {
                c.i18n.args("users-active", &[("sessions", u.sessions.to_string()), ("tokens", u.tokens.to_string())])
            } else {
                c.t("users-disabled")
            },
            username: u.username,
            role: c.t(&format!("role-{}", u.role)),
            org: u.org_code.unwrap_or_default(),
            active: u.active,
        })
        .collect();
    let tokens = tokens
        .into_iter()
        .map(|t| {
            let state = match (&t.revoked_at, &t.expires_at) {
                (Some(at), _) => c.i18n.t1("tokens-revoked", "at", &local_time(at)),
                (None, Some(e)) if t.live => c.i18n.t1("tokens-until", "at", &local_time(e)),
                (None, Some(e)) => c.i18n.t1("tokens-expired", "at", &local_time(e)),
                (None, None) => c.t("tokens-no-expiry"),
            };
            TokenView { id: t.id, username: t.username, created: local_time(&t.created_at), state, live: t.live }
        })
        .collect();
    Ok(render(&UsersPage { ctx: c, message, users, tokens }))
}

/// One admin action on a user or a token, then the page again with what happened.
pub async fn users_act(State(st): State<AppState>, auth: PageAuth, lang: Lang, PageForm(body): PageForm<Vec<(String, String)>>) -> Result<Response, WebError> {
    if !auth.caller.is_admin() {
        return Err(WebError(ErrorKind::Forbidden));
    }
    let map = checked_form(&auth, body)?;
    let get = |k: &str| map.get(k).cloned().unwrap_or_default();
    let i = crate::i18n::I18n::new(lang);
    let username = get("username");
    let outcome = match get("action").as_str() {
        "disable" => st.store.set_user_active(&auth.caller, &username, false).await.map(|()| i.t1("users-done-disable", "user", &username)),
        "enable" => st.store.set_user_active(&auth.caller, &username, true).await.map(|()| i.t1("users-done-enable", "user", &username)),
        "reset" => {
            st.store.reset_password(&auth.caller, &username, None).await.map(|pw| i.args("users-done-reset", &[("user", username.clone()), ("password", pw)]))
        }
        "revoke" => st.store.revoke_token(&auth.caller, &get("token")).await.map(|()| i.t("tokens-done-revoke")),
        _ => return Err(WebError(ErrorKind::BadRequest)),
    };
    let message = match outcome {
        Ok(m) => m,
        Err(DbError::Invalid(errors)) => i.field_errors(&errors).into_values().collect::<Vec<_>>().join(" "),
        Err(e) => return Err(e.into()),
    };
    users_page(&st, &auth, lang, Some(message)).await
}
