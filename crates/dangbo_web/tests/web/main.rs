//! The web crate's tests: the router driven in-process, pages asserted by selector.

mod api;
mod data_workbook;
mod discipline;
mod fee_papers;
mod fees;
mod lifecycle;
mod meetings;
mod observability;
mod pages;
mod ratings;
mod routes;
mod security;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::NaiveDate;
use dangbo_db::test_support::TestDb;
use dangbo_db::{Caller, NewUser, Role, Store};
use dangbo_web::{AppState, Clock};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

pub struct TestApp {
    pub router: Router,
    pub store: Store,
    pub db: Option<TestDb>,
}

pub struct Res {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Res {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }
    pub fn select_text(&self, css: &str) -> Vec<String> {
        let sel = scraper::Selector::parse(css).unwrap();
        self.html().select(&sel).map(|e| e.text().collect::<String>().trim().to_string()).collect()
    }
    pub fn select_attr(&self, css: &str, attr: &str) -> Vec<String> {
        let sel = scraper::Selector::parse(css).unwrap();
        self.html().select(&sel).filter_map(|e| e.value().attr(attr).map(String::from)).collect()
    }
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix(&format!("{name}=")).map(|r| r.split(';').next().unwrap_or("").to_string()))
    }
}

impl TestApp {
    pub async fn new(db: TestDb) -> TestApp {
        logs();
        let store = db.store.clone();
        let router = dangbo_web::router(AppState {
            store: store.clone(),
            clock: Clock::fixed(today()),
            secure_cookies: false,
            limits: Default::default(),
            metrics: None,
        });
        TestApp { router, store, db: Some(db) }
    }
    pub async fn sqlite() -> TestApp {
        TestApp::new(TestDb::sqlite().await).await
    }
    pub async fn with_demo(db: TestDb) -> TestApp {
        let app = TestApp::new(db).await;
        assert!(app.store.load_demo(1, today()).await.unwrap());
        app
    }
    pub async fn finish(mut self) {
        if let Some(db) = self.db.take() {
            db.finish().await;
        }
    }
    pub async fn send(&self, req: Request<Body>) -> Res {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Res { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }
    pub async fn get(&self, path: &str, auth: &Auth) -> Res {
        self.send(auth.apply(Request::get(path)).body(Body::empty()).unwrap()).await
    }
    pub async fn post_json(&self, path: &str, auth: &Auth, body: serde_json::Value) -> Res {
        let req = auth.apply(Request::post(path)).header(header::CONTENT_TYPE, "application/json").body(Body::from(body.to_string())).unwrap();
        self.send(req).await
    }
    pub async fn post_form(&self, path: &str, auth: &Auth, fields: &[(&str, &str)]) -> Res {
        let body: String =
            fields.iter().map(|(k, v)| format!("{k}={}", form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>())).collect::<Vec<_>>().join("&");
        let req = auth.apply(Request::post(path)).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from(body)).unwrap();
        self.send(req).await
    }
    /// Adds a user and returns a bearer token for them.
    pub async fn token(&self, username: &str, role: Role, org: Option<&str>) -> Auth {
        self.store.create_user(&Caller::system(), NewUser { username, password: "hoa-sen-no-sang-9", role, org_code: org, member_id: None }).await.unwrap();
        Auth::Bearer(self.store.create_token(&Caller::system(), username).await.unwrap())
    }
    /// Logs in through the form and returns the session (cookie + CSRF token from the page).
    pub async fn login(&self, username: &str, password: &str) -> Auth {
        let res = self.post_form("/login", &Auth::None, &[("username", username), ("password", password), ("next", "/orgs")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let cookie = res.cookie("dangbo_session").expect("session cookie");
        let page = self.get("/orgs", &Auth::Cookie(cookie.clone(), String::new())).await;
        let csrf = page.html().select(&scraper::Selector::parse("input[name=csrf]").unwrap()).next().unwrap().value().attr("value").unwrap().to_string();
        Auth::Cookie(cookie, csrf)
    }
}

#[derive(Clone)]
pub enum Auth {
    None,
    Bearer(String),
    /// Session cookie and its CSRF token.
    Cookie(String, String),
    /// Bearer with Accept-Language: en.
    BearerEn(String),
}

impl Auth {
    fn apply(&self, b: axum::http::request::Builder) -> axum::http::request::Builder {
        match self {
            Auth::None => b,
            Auth::Bearer(t) => b.header(header::AUTHORIZATION, format!("Bearer {t}")),
            Auth::BearerEn(t) => b.header(header::AUTHORIZATION, format!("Bearer {t}")).header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9"),
            Auth::Cookie(c, _) => b.header(header::COOKIE, format!("dangbo_session={c}")),
        }
    }
    pub fn csrf(&self) -> &str {
        match self {
            Auth::Cookie(_, c) => c,
            _ => "",
        }
    }
    pub fn en(&self) -> Auth {
        match self {
            Auth::Bearer(t) => Auth::BearerEn(t.clone()),
            other => other.clone(),
        }
    }
}

/// Log output kept in memory.
#[derive(Clone, Default)]
pub struct Captured(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The test binary's log, kept in memory: one global subscriber, installed by the first app
/// any test builds, so that no store call's span is met before it (tracing caches, for all
/// threads, which spans are wanted: a span first met with no subscriber was now and then left
/// out of the log test's lines while the other tests ran beside it).
pub fn logs() -> &'static Captured {
    static LOGS: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Captured::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber of the web tests");
        logs
    })
}
