//! Who is calling: a session cookie (pages and API) or a bearer token (API), resolved by the
//! store into a [`Caller`]. Also the language extractor and the CSRF token check for forms.

use crate::AppState;
use crate::error::{ApiError, ErrorKind, WebError};
use crate::i18n::Lang;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use dangbo_db::Caller;

pub const SESSION_COOKIE: &str = "dangbo_session";
pub const LANG_COOKIE: &str = "dangbo_lang";

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(lang_of(parts))
    }
}

/// The language: the one chosen with the switch (a cookie); else, for the API only,
/// Accept-Language; else Vietnamese. Pages are Vietnamese until the user switches, whatever
/// language the browser was installed in.
pub fn lang_of(parts: &Parts) -> Lang {
    let jar = CookieJar::from_headers(&parts.headers);
    if let Some(l) = jar.get(LANG_COOKIE).and_then(|c| Lang::parse(c.value())) {
        return l;
    }
    if !parts.uri.path().starts_with("/api/") {
        return Lang::Vi;
    }
    parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|h| h.to_str().ok()).map(Lang::from_accept).unwrap_or_default()
}

/// How the caller proved who they are.
#[derive(Debug, Clone)]
pub enum Credential {
    /// A browser session, with its CSRF token.
    Session {
        csrf: String,
    },
    Bearer,
}

async fn resolve(parts: &Parts, state: &AppState) -> Result<Option<(Caller, Credential)>, dangbo_db::DbError> {
    if let Some(auth) = parts.headers.get(header::AUTHORIZATION).and_then(|h| h.to_str().ok()) {
        let Some(token) = auth.strip_prefix("Bearer ") else { return Ok(None) };
        return Ok(state.store.caller_by_token(token.trim()).await?.map(|c| (c, Credential::Bearer)));
    }
    let jar = CookieJar::from_headers(&parts.headers);
    let Some(cookie) = jar.get(SESSION_COOKIE) else { return Ok(None) };
    Ok(state.store.session(cookie.value()).await?.map(|(c, csrf)| (c, Credential::Session { csrf })))
}

/// A logged-in user on a page; anyone else is sent to the login page.
pub struct PageAuth {
    pub caller: Caller,
    pub csrf: String,
}

pub enum PageReject {
    Login(String),
    Error(WebError),
}

impl IntoResponse for PageReject {
    fn into_response(self) -> Response {
        match self {
            PageReject::Login(next) => Redirect::to(&format!("/login?next={}", urlencode(&next))).into_response(),
            PageReject::Error(e) => e.into_response(),
        }
    }
}

impl<S> FromRequestParts<S> for PageAuth
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = PageReject;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        match resolve(parts, &state).await {
            Ok(Some((caller, Credential::Session { csrf }))) => Ok(PageAuth { caller, csrf }),
            Ok(_) => Err(PageReject::Login(parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default())),
            Err(e) => Err(PageReject::Error(e.into())),
        }
    }
}

/// An authenticated API caller. Cookie-authenticated writes must also send `X-CSRF-Token`.
pub struct ApiAuth {
    pub caller: Caller,
}

impl<S> FromRequestParts<S> for ApiAuth
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        match resolve(parts, &state).await? {
            None => Err(ErrorKind::Unauthorized.into()),
            Some((caller, Credential::Bearer)) => Ok(ApiAuth { caller }),
            Some((caller, Credential::Session { csrf })) => {
                let safe = parts.method.is_safe();
                let sent = parts.headers.get("x-csrf-token").and_then(|h| h.to_str().ok());
                if safe || sent == Some(csrf.as_str()) { Ok(ApiAuth { caller }) } else { Err(ErrorKind::Csrf.into()) }
            }
        }
    }
}

/// Checks the synchronizer token a form carried.
pub fn check_csrf(auth: &PageAuth, sent: &str) -> Result<(), WebError> {
    if !sent.is_empty() && constant_eq(sent.as_bytes(), auth.csrf.as_bytes()) { Ok(()) } else { Err(WebError(ErrorKind::Csrf)) }
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
