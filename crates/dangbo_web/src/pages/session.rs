//! Login, logout and the language switch.

use super::PageForm;
use crate::AppState;
use crate::auth::{LANG_COOKIE, PageAuth, SESSION_COOKIE, check_csrf};
use crate::error::{ErrorKind, WebError};
use crate::i18n::Lang;
use crate::views::{Ctx, LoginPage, render};
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use dangbo_db::DbError;
use serde::Deserialize;
use std::collections::HashMap;
use std::net::SocketAddr;

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Only local paths are followed after login or a language switch: one leading slash, then
/// no control character, space or backslash (non-ASCII letters are percent-encoded). Browsers
/// drop tabs and newlines from a URL, so "/\t/evil.example" would become "//evil.example",
/// another site; anything else goes home.
pub(crate) fn safe_next(next: &str) -> String {
    let local = next.starts_with('/')
        && !next[1..].starts_with(['/', '\\'])
        && next.len() <= 2048
        && next.chars().all(|c| !c.is_control() && !c.is_whitespace() && c != '\\');
    if !local {
        return "/".into();
    }
    // Only bytes outside ASCII (what a Location header cannot carry as is) are encoded.
    percent_encoding::utf8_percent_encode(next, percent_encoding::CONTROLS).to_string()
}

pub async fn login_form(lang: Lang, Query(q): Query<HashMap<String, String>>) -> Response {
    let next = q.get("next").cloned().unwrap_or_default();
    render(&LoginPage { ctx: Ctx::anonymous(lang, "/login"), error: None, next, username: String::new() })
}

pub async fn login(State(st): State<AppState>, lang: Lang, jar: CookieJar, ClientIp(ip): ClientIp, PageForm(f): PageForm<LoginForm>) -> Response {
    let ctx = Ctx::anonymous(lang, "/login");
    let fail = |key: &str, status: axum::http::StatusCode| {
        let mut r = render(&LoginPage { error: Some(ctx.t(key)), ctx: ctx.clone(), next: f.next.clone(), username: f.username.clone() });
        *r.status_mut() = status;
        r
    };
    let result = st.store.login(f.username.trim(), &f.password, &ip).await;
    if let (Ok(Some(_)), Some(old)) = (&result, jar.get(SESSION_COOKIE)) {
        // The session id changes at every login: the previous one, if any, ends here.
        if let Err(e) = st.store.logout(old.value()).await {
            return WebError::from(e).into_response();
        }
    }
    match result {
        Ok(Some(session)) => {
            // A new session id on every login; the old cookie, if any, is replaced.
            let cookie = Cookie::build((SESSION_COOKIE, session.token)).path("/").http_only(true).same_site(SameSite::Lax).secure(st.secure_cookies).build();
            (jar.add(cookie), Redirect::to(&safe_next(&f.next))).into_response()
        }
        Ok(None) => fail("login-failed", axum::http::StatusCode::UNAUTHORIZED),
        Err(DbError::RateLimited) => fail("login-throttled", axum::http::StatusCode::TOO_MANY_REQUESTS),
        Err(e) => WebError::from(e).into_response(),
    }
}

pub async fn logout(State(st): State<AppState>, auth: PageAuth, jar: CookieJar, PageForm(f): PageForm<HashMap<String, String>>) -> Result<Response, WebError> {
    check_csrf(&auth, f.get("csrf").map(String::as_str).unwrap_or(""))?;
    if let Some(c) = jar.get(SESSION_COOKIE) {
        st.store.logout(c.value()).await?;
    }
    Ok((jar.remove(Cookie::build(SESSION_COOKIE).path("/")), Redirect::to("/login")).into_response())
}

pub async fn switch_lang(Path(lang): Path<String>, jar: CookieJar, Query(q): Query<HashMap<String, String>>) -> Result<Response, WebError> {
    let lang = Lang::parse(&lang).ok_or(WebError(ErrorKind::NotFound))?;
    let back = q.get("back").map(String::as_str).unwrap_or("/orgs");
    let cookie = Cookie::build((LANG_COOKIE, lang.code())).path("/").same_site(SameSite::Lax).permanent().build();
    Ok((jar.add(cookie), Redirect::to(&safe_next(back))).into_response())
}

/// The peer address (for the login throttle); "local" when the server was not started with
/// connection info (in-process tests).
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
        Ok(ClientIp(ip.unwrap_or_else(|| "local".into())))
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        for ok in ["/orgs", "/members?q=an&org=DH", "/orgs/DH-TT-01%20x"] {
            assert_eq!(safe_next(ok), ok);
        }
        assert_eq!(safe_next("/members?q=Đàm"), "/members?q=%C4%90%C3%A0m");
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "/\\/evil",
            "https://evil.example",
            "/a\nb",
            "/a\rLocation: x",
            "/ x",
            "/\u{a0}",
            "",
            "evil",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }
}
