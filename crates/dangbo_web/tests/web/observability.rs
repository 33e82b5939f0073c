//! What an operator reads (issue 21): each request's log lines share its id, which the answer
//! returns.

use crate::*;
use std::sync::{Arc, Mutex};

/// Log output kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_requests_log_lines_share_the_id_its_answer_returns() {
    let app = TestApp::sqlite().await;
    let auth = app.token("quantri", Role::Admin, None).await;
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    // A client's own id is not trusted into the log.
    let forged = auth.apply(Request::get("/api/v1/orgs")).header("x-request-id", "forged").body(Body::empty()).unwrap();
    let first = app.send(forged).await;
    let second = app.get("/api/v1/orgs", &auth).await;
    drop(guard);
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
    assert!(!text.contains("forged"));
    app.finish().await;
}
