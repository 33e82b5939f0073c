//! What an operator reads (issue 21): each request's log lines share its id, which the answer
//! returns.

use crate::*;

#[tokio::test]
async fn a_requests_log_lines_share_the_id_its_answer_returns() {
    let app = TestApp::sqlite().await;
    let auth = app.token("quantri", Role::Admin, None).await;
    let logs = logs();
    // A client's own id is not trusted into the log.
    let forged = auth.apply(Request::get("/api/v1/orgs")).header("x-request-id", "forged").body(Body::empty()).unwrap();
    let first = app.send(forged).await;
    let second = app.get("/api/v1/orgs", &auth).await;
    // A member search names the way it was read (a slow statement inside it logs in its span).
    let search = app.get("/api/v1/members?q=Hùng", &auth).await;
    let id = |r: &Res| r.headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let (a, b) = (id(&first), id(&second));
    assert_eq!((first.status, a.len()), (StatusCode::OK, 32), "a fresh id: {a:?}");
    assert!(a != b && a != "forged" && a.chars().all(|c| c.is_ascii_hexdigit()));
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let of = |id: &str| text.lines().filter(|l| l.contains(&format!("request{{id={id}"))).map(str::to_string).collect::<Vec<_>>();
    // The request's span and the store call inside it (the organisations listed) both name it.
    let lines = of(&a);
    assert!(lines.iter().any(|l| l.contains("org_roots")), "the store call's line carries the request's id:\n{text}");
    assert!(lines.iter().all(|l| !l.contains(&b)), "and no other request's");
    assert!(!text.contains("id=forged"));
    // The list's span closes when the last work in it ends, which may be just after the answer
    // left (a read logged by the group-commit task in the span): wait for it, up to 2 s.
    let planned = |text: &str| {
        let search_id = id(&search);
        text.lines().any(|l| l.contains(&format!("request{{id={search_id}")) && l.contains("list_members{plan=") && l.contains("word_index_in_scope"))
    };
    let mut text = text;
    for _ in 0..40 {
        if planned(&text) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    }
    assert!(planned(&text), "the list's plan is on its span ({} {}):\n{text}", search.status, search.body);
    app.finish().await;
}

#[tokio::test]
async fn the_operators_metrics_are_off_by_default_and_an_admins_alone() {
    let mut app = TestApp::with_demo(TestDb::sqlite().await).await;
    let admin = app.token("quantri", Role::Admin, None).await;
    let viewer = app.token("xem", Role::Viewer, Some("DH")).await;
    assert_eq!(app.get("/metrics", &admin).await.status, StatusCode::NOT_FOUND, "off unless turned on");
    let state = AppState {
        store: app.store.clone(),
        clock: Clock::fixed(today()),
        secure_cookies: false,
        limits: Default::default(),
        metrics: Some(dangbo_web::metrics::Metrics::new()),
    };
    app.router = dangbo_web::router(state);
    assert_eq!(app.get("/api/v1/orgs", &admin).await.status, StatusCode::OK);
    assert_eq!(app.get("/no-such-page", &admin).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/metrics", &viewer).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/metrics", &Auth::None).await.status, StatusCode::UNAUTHORIZED);
    let res = app.get("/metrics", &admin).await;
    assert_eq!(res.status, StatusCode::OK);
    let line = |name: &str| res.body.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("no {name} in\n{}", res.body)).to_string();
    let value = |name: &str| line(name).rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()).unwrap_or(-1.0);
    assert!(value("dangbo_http_requests_total{class=\"2xx\"}") >= 1.0);
    // The viewer's 403, the anonymous 401 and the unknown page's 404.
    assert_eq!(value("dangbo_http_requests_total{class=\"4xx\"}"), 3.0);
    assert_eq!(value("dangbo_http_request_seconds_count"), 4.0, "the four requests before this one");
    assert!(value("dangbo_db_connections") >= 1.0);
    assert!(value("dangbo_db_writes") >= 2.0, "the two users and tokens made: {}", line("dangbo_db_writes"));
    app.finish().await;
}
