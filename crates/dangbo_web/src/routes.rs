//! A router that remembers the paths it routes, so a test can visit every route with every role
//! (`tests/web/routes.rs`): a route added without its entry in that test fails it.

use axum::Router;
use axum::routing::MethodRouter;

pub struct Routes<S = crate::AppState> {
    pub router: Router<S>,
    pub paths: Vec<String>,
}

impl<S: Clone + Send + Sync + 'static> Routes<S> {
    pub fn new() -> Self {
        Routes { router: Router::new(), paths: Vec::new() }
    }

    pub fn route(mut self, path: &str, method: MethodRouter<S>) -> Self {
        self.paths.push(path.to_string());
        self.router = self.router.route(path, method);
        self
    }

    pub fn merge(mut self, other: Routes<S>) -> Self {
        self.paths.extend(other.paths);
        self.router = self.router.merge(other.router);
        self
    }

    /// An OpenAPI router's routes, with the paths its document lists.
    pub fn from_openapi(r: utoipa_axum::router::OpenApiRouter<S>) -> Self {
        let (router, doc) = r.split_for_parts();
        Routes { router, paths: doc.paths.paths.into_keys().collect() }
    }

    /// Changes the router without adding paths (a layer, a fallback).
    pub fn map(mut self, f: impl FnOnce(Router<S>) -> Router<S>) -> Self {
        self.router = f(self.router);
        self
    }
}

impl<S: Clone + Send + Sync + 'static> Default for Routes<S> {
    fn default() -> Self {
        Self::new()
    }
}
