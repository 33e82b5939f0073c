//! The OpenAPI 3.1 document of /api/v1, generated from the handlers' `#[utoipa::path]` and the
//! types they take and answer. What every operation shares is added here once: the two ways to
//! sign in and the error answers.

use super::body::ErrorBody;
use axum::Json;
use dangbo_core::cadre::MoveCategory;
use dangbo_core::candidate::Stage;
use dangbo_core::course::CourseKind;
use dangbo_core::member::{AgeBand, Status};
use std::sync::LazyLock;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi as _};

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "dangbo API",
        description = "The organisation tree, the member register, admissions, meetings and cadre work of a Party committee. \
            Sign in with the session cookie (and X-CSRF-Token on writes) or `Authorization: Bearer <token>` from `dangbo token create`. \
            Messages follow Accept-Language (vi by default, en). A caller sees and changes its own subtree only: \
            anything outside it answers 404."
    ),
    servers((url = "/api/v1")),
    // The enums query parameters name (a parameter does not bring its schema with it).
    components(schemas(ErrorBody, AgeBand, Status, Stage, CourseKind, MoveCategory)),
    modifiers(&SignIn),
    security(("bearer" = []), ("session" = [])),
)]
struct ApiDoc;

struct SignIn;

impl Modify for SignIn {
    fn modify(&self, doc: &mut OpenApi) {
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
        c.add_security_scheme("session", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::SESSION_COOKIE))));
    }
}

/// The document before the routes add their paths.
pub(super) fn base() -> OpenApi {
    ApiDoc::openapi()
}

/// The error answers every operation may give, each an [`ErrorBody`].
const ERRORS: [(&str, &str); 7] = [
    ("400", "The request could not be read (not JSON, a repeated parameter)"),
    ("401", "Not signed in"),
    ("403", "Signed in, but this role may not do this"),
    ("404", "No such thing in the caller's scope"),
    ("422", "Invalid input: `fields` names each invalid field"),
    ("429", "Too many requests"),
    ("503", "The database is busy; try again"),
];

/// Adds the shared error answers to every operation.
pub(super) fn finish(mut doc: OpenApi) -> OpenApi {
    let c = doc.components.get_or_insert_with(Default::default);
    for (status, why) in ERRORS {
        let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
        c.responses.insert(format!("Error{status}"), RefOr::T(ResponseBuilder::new().description(why).content("application/json", content).build()));
    }
    for item in doc.paths.paths.values_mut() {
        for op in [&mut item.get, &mut item.post].into_iter().flatten() {
            add_errors(op);
        }
    }
    doc
}

fn add_errors(op: &mut Operation) {
    let public = op.security.as_ref().is_some_and(|s| s.iter().all(|r| r == &Default::default()));
    for (status, _) in ERRORS {
        if public && status != "429" {
            continue;
        }
        op.responses.responses.entry(status.to_string()).or_insert_with(|| RefOr::Ref(Ref::new(format!("#/components/responses/Error{status}"))));
    }
}

static DOCUMENT: LazyLock<serde_json::Value> = LazyLock::new(|| serde_json::to_value(super::openapi()).unwrap_or_default());

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "api", security(()), responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = Object)))]
pub(super) async fn document() -> Json<serde_json::Value> {
    Json(DOCUMENT.clone())
}
