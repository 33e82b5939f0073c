//! The member's photo: shown on the member page, uploaded there (a JPEG or PNG of at most
//! 500 KB, recognised by its bytes), served only to who may read the member's file.

use super::ctx;
use crate::AppState;
use crate::auth::{PageAuth, check_csrf};
use crate::error::{ErrorKind, WebError};
use crate::i18n::Lang;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use dangbo_db::DbError;

/// The photo's bytes, as an image the browser does not sniff for anything else.
pub async fn show(State(st): State<AppState>, auth: PageAuth, Path(id): Path<String>) -> Result<Response, WebError> {
    let (kind, bytes) = st.store.member_photo(&auth.caller, &id).await?.ok_or(WebError(ErrorKind::NotFound))?;
    let headers = [(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "private, no-store".into()), (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into())];
    Ok((headers, bytes).into_response())
}

/// Keeps an uploaded photo, then back to the member page; a file that is not a photo is told
/// on the error page, naming the field.
pub async fn upload(State(st): State<AppState>, auth: PageAuth, lang: Lang, Path(id): Path<String>, mut multipart: Multipart) -> Result<Response, WebError> {
    if !auth.caller.can_write() {
        return Err(WebError(ErrorKind::Forbidden));
    }
    let bad = |_| WebError(ErrorKind::BadRequest);
    let (mut csrf, mut photo) = (String::new(), Vec::new());
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "csrf" => csrf = field.text().await.map_err(bad)?,
            "photo" => photo = field.bytes().await.map_err(bad)?.to_vec(),
            _ => {}
        }
    }
    check_csrf(&auth, &csrf)?;
    match st.store.set_member_photo(&auth.caller, &id, photo).await {
        Ok(()) => Ok(Redirect::to(&format!("/members/{id}")).into_response()),
        Err(DbError::Invalid(e)) => {
            let profile = st.store.member_profile(&auth.caller, &id, st.clock.today()).await?;
            let c = ctx(&auth, lang, &format!("/members/{id}"));
            let form = super::form_with_errors(&c, Default::default(), &e);
            Ok(crate::views::render_invalid(&super::members::member_page(c, profile, form)))
        }
        Err(e) => Err(e.into()),
    }
}
