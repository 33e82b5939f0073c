//! Every route × every role × in and out of scope (issue 21), the routes read from the router
//! itself (`dangbo_web::route_paths`): a route added without its entry here fails the first
//! test. On the demo, a branch secretary and a viewer of Khu phố 1 (DH-TT-01) call every route
//! with a value of their own branch and one of another branch; anonymous callers are sent to
//! log in; nothing answers 5xx; nothing of the other branch comes back.

use crate::*;
use std::collections::BTreeSet;

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Anyone signed in, about themselves or their own scope (lists filtered by it).
    SignedIn,
    /// Admins only.
    Admin,
    /// About one record or organisation named in the path: in scope or not found.
    Scoped,
    /// As Scoped, and for the committee alone (restructuring the tree): a branch secretary is
    /// refused (403) even in their own branch, before the form is read.
    Committee,
}

use Access::*;

const ROUTES: &[(&str, Access)] = &[
    ("/", SignedIn),
    ("/help", SignedIn),
    ("/login", Public),
    ("/logout", Public),
    ("/lang/{lang}", Public),
    ("/healthz", Public),
    ("/static/style.css", Public),
    ("/metrics", Admin),
    ("/api/v1/openapi.json", Public),
    ("/orgs", SignedIn),
    ("/orgs/new", Admin),
    ("/orgs/{code}", Scoped),
    ("/orgs/{code}/new", Committee),
    ("/orgs/{code}/change", Committee),
    ("/orgs/{code}/stats", Scoped),
    ("/forms/{code}/{ext}", Scoped),
    ("/orgs/{code}/forms/3-tctw", Scoped),
    ("/orgs/{code}/forms/4-tctw", Scoped),
    ("/orgs/{code}/quality", Scoped),
    ("/orgs/{code}/admissions", Scoped),
    ("/registers/{file}", Scoped),
    ("/members", SignedIn),
    ("/members/new", SignedIn),
    ("/members/{id}", Scoped),
    ("/members/{id}/events", Scoped),
    ("/members/{id}/events/{kind}", Scoped),
    ("/members/{id}/edit", Scoped),
    ("/members/{id}/rows", Scoped),
    ("/members/{id}/case", Scoped),
    ("/orgs/{code}/cases", Scoped),
    ("/orgs/{code}/inspection-plan", Scoped),
    ("/cases/{id}", Scoped),
    ("/cases/{id}/steps", Scoped),
    ("/cases/{id}/decision", Scoped),
    ("/cases/{id}/complaints", Scoped),
    ("/cases/{id}/resolution", Scoped),
    ("/members/{id}/photo", Scoped),
    ("/audit", Admin),
    ("/audit.csv", Admin),
    ("/account", SignedIn),
    ("/users", Admin),
    ("/todo", SignedIn),
    ("/todo/recognition.pdf", SignedIn),
    ("/candidates/{id}/decision.pdf", Scoped),
    ("/members/{id}/transfer.pdf", Scoped),
    ("/members/{id}/file.pdf", Scoped),
    ("/orgs/{code}/cards", Scoped),
    ("/orgs/{code}/cards.pdf", Scoped),
    ("/orgs/{code}/fees", Scoped),
    ("/members/{id}/fees", Scoped),
    ("/members/{id}/fee-reliefs", Scoped),
    ("/orgs/{code}/fees/book", Scoped),
    ("/orgs/{code}/fees/reconciliation", Scoped),
    ("/orgs/{code}/fees/remittances", Scoped),
    ("/orgs/{code}/fees/year", Scoped),
    ("/orgs/{code}/ratings", Scoped),
    ("/orgs/{code}/fees/arrears", Scoped),
    ("/fees/import", SignedIn),
    ("/orgs/{code}/fees/{file}", Scoped),
    ("/fees/remittances/{id}/received", Scoped),
    ("/candidates", SignedIn),
    ("/candidates/new", SignedIn),
    ("/candidates/{id}", Scoped),
    ("/candidates/{id}/steps", Scoped),
    ("/courses", SignedIn),
    ("/courses/{id}", Scoped),
    ("/courses/{id}/enrolments", Scoped),
    ("/courses/{id}/participants", Scoped),
    ("/rules", SignedIn),
    ("/calendar", SignedIn),
    ("/orgs/{code}/targets", Scoped),
    ("/orgs/{code}/cadre", Scoped),
    ("/orgs/{code}/cadre/{file}", Scoped),
    ("/orgs/{code}/meetings", Scoped),
    ("/orgs/{code}/planning", Scoped),
    ("/meetings/{id}", Scoped),
    ("/meetings/{id}/close", Scoped),
    ("/meetings/{id}/minutes.pdf", Scoped),
    ("/meetings/{id}/kit.pdf", Scoped),
    ("/proposals", SignedIn),
    ("/documents", SignedIn),
    ("/import/mapping", SignedIn),
    ("/documents/{id}", Scoped),
    ("/members/{id}/assignments", Scoped),
    // GET only points to the proposal's place in the list (no data); POST acts on it.
    ("/proposals/{id}", Scoped),
    ("/import", SignedIn),
    ("/api/v1/orgs", SignedIn),
    ("/api/v1/orgs/{code}", Scoped),
    ("/api/v1/orgs/{code}/summary", Scoped),
    ("/api/v1/orgs/{code}/events", Scoped),
    ("/api/v1/orgs/{code}/stats", Scoped),
    ("/api/v1/orgs/{code}/press-figures", Scoped),
    ("/api/v1/orgs/{code}/quality", Scoped),
    ("/api/v1/orgs/{code}/movements", Scoped),
    ("/api/v1/members", SignedIn),
    ("/api/v1/members/{id}", Scoped),
    ("/api/v1/members/{id}/events", Scoped),
    ("/api/v1/members/{id}/fee-basis", Scoped),
    ("/api/v1/members/{id}/fees", Scoped),
    ("/api/v1/orgs/{code}/fees/month", Scoped),
    ("/api/v1/fees/payments", SignedIn),
    ("/api/v1/members/{id}/fee-reliefs", Scoped),
    ("/api/v1/orgs/{code}/fees", Scoped),
    ("/api/v1/orgs/{code}/ratings", Scoped),
    ("/api/v1/orgs/{code}/discipline", Scoped),
    ("/api/v1/orgs/{code}/cases", Scoped),
    ("/api/v1/orgs/{code}/inspection-plan", Scoped),
    ("/api/v1/cases", SignedIn),
    ("/api/v1/cases/{id}", Scoped),
    ("/api/v1/cases/{id}/steps", Scoped),
    ("/api/v1/cases/{id}/decision", Scoped),
    ("/api/v1/cases/{id}/complaints", Scoped),
    ("/api/v1/cases/{id}/complaints/resolution", Scoped),
    ("/api/v1/orgs/{code}/member-ratings", Scoped),
    ("/api/v1/orgs/{code}/fees/arrears", Scoped),
    ("/api/v1/orgs/{code}/fees/book", Scoped),
    ("/api/v1/orgs/{code}/fees/reconciliation", Scoped),
    ("/api/v1/orgs/{code}/fees/remittances", Scoped),
    ("/api/v1/fees/remittances/{id}/received", Scoped),
    ("/api/v1/fees/import", SignedIn),
    ("/api/v1/todo", SignedIn),
    ("/api/v1/candidates", SignedIn),
    ("/api/v1/candidates/{id}", Scoped),
    ("/api/v1/candidates/{id}/steps", Scoped),
    ("/api/v1/courses", SignedIn),
    ("/api/v1/courses/{id}", Scoped),
    ("/api/v1/courses/{id}/enrolments", Scoped),
    ("/api/v1/courses/{id}/participants", Scoped),
    ("/api/v1/rules", SignedIn),
    ("/api/v1/calendar", SignedIn),
    ("/api/v1/orgs/{code}/targets", Scoped),
    ("/api/v1/positions", SignedIn),
    ("/api/v1/moves", SignedIn),
    ("/api/v1/exams", SignedIn),
    ("/api/v1/orgs/{code}/moves", Scoped),
    ("/api/v1/orgs/{code}/exams", Scoped),
    ("/api/v1/orgs/{code}/locality", Scoped),
    ("/api/v1/orgs/{code}/planning", Scoped),
    ("/api/v1/orgs/{code}/committee", Scoped),
    ("/api/v1/planning-cycles", SignedIn),
    ("/api/v1/planning-cycles/{id}/entries", Scoped),
    ("/api/v1/planning-entries/{id}/removal", Scoped),
    ("/api/v1/meetings", SignedIn),
    ("/api/v1/meetings/{id}", Scoped),
    ("/api/v1/meetings/{id}/attendance", Scoped),
    ("/api/v1/meetings/{id}/votes", Scoped),
    ("/api/v1/meetings/{id}/tasks", Scoped),
    ("/api/v1/meetings/{id}/proposals", Scoped),
    ("/api/v1/meetings/{id}/minutes", Scoped),
    ("/api/v1/meetings/{id}/close", Scoped),
    ("/api/v1/meetings/{id}/corrections", Scoped),
    ("/api/v1/tasks/{id}/done", Scoped),
    ("/api/v1/proposals", SignedIn),
    ("/api/v1/proposals/{id}", Scoped),
    ("/api/v1/supervisors", SignedIn),
    ("/api/v1/orgs/{code}/meeting-report", Scoped),
    ("/api/v1/meetings/{id}/documents", Scoped),
    ("/api/v1/meetings/{id}/minutes.pdf", Scoped),
    ("/api/v1/documents", SignedIn),
    ("/api/v1/documents/{id}/study", Scoped),
    ("/api/v1/assignments", SignedIn),
    ("/api/v1/members/{id}/assignments", Scoped),
];

#[test]
fn every_route_has_its_entry_and_every_entry_its_route() {
    let routed: BTreeSet<String> = dangbo_web::route_paths().into_iter().collect();
    let listed: BTreeSet<String> = ROUTES.iter().map(|(p, _)| p.to_string()).collect();
    let unlisted: Vec<_> = routed.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&routed).collect();
    assert!(unlisted.is_empty(), "routes without an entry in tests/web/routes.rs (say who may use them): {unlisted:?}");
    assert!(gone.is_empty(), "entries for routes that no longer exist: {gone:?}");
}

/// The values a path's parameters take on one side (in the caller's branch, or another).
struct Side {
    code: String,
    member: String,
    candidate: String,
    course: String,
    meeting: String,
    document: String,
    proposal: String,
}

impl Side {
    fn fill(&self, path: &str) -> String {
        let id = if path.contains("/candidates/") {
            &self.candidate
        } else if path.contains("/courses/") {
            &self.course
        } else if path.contains("/meetings/") {
            &self.meeting
        } else if path.contains("/documents/") {
            &self.document
        } else if path.contains("/proposals/") {
            &self.proposal
        } else if path.contains("/members/") {
            &self.member
        } else {
            // Tasks and planning entries: ids that exist nowhere.
            "0190aaaa-0000-7000-8000-000000000000"
        };
        let file = if path.starts_with("/registers/") { format!("{}.csv", self.code) } else { "moves.xlsx".to_string() };
        path.replace("{code}", &self.code)
            .replace("{id}", id)
            .replace("{lang}", "en")
            .replace("{ext}", "csv")
            .replace("{kind}", "transfer_issued")
            .replace("{file}", &file)
    }
}

/// The first `field` of the items an admin lists at `path` (an array, or an object's `items`).
async fn first(app: &TestApp, admin: &Auth, path: &str, field: &str) -> String {
    let v = app.get(path, admin).await.json();
    let items = v.get("items").cloned().unwrap_or(v);
    items.as_array().and_then(|a| a.first()).and_then(|i| i.get(field)).and_then(|x| x.as_str()).map(str::to_string).unwrap_or_else(|| {
        // None on this side in the demo: an id that exists nowhere (not found either way).
        "0190bbbb-0000-7000-8000-000000000000".to_string()
    })
}

async fn side(app: &TestApp, admin: &Auth, code: &str) -> Side {
    Side {
        code: code.to_string(),
        member: first(app, admin, &format!("/api/v1/members?org={code}"), "id").await,
        candidate: first(app, admin, &format!("/api/v1/candidates?org={code}"), "id").await,
        course: first(app, admin, &format!("/api/v1/courses?org={code}"), "id").await,
        meeting: first(app, admin, &format!("/api/v1/meetings?org={code}"), "id").await,
        document: first(app, admin, &format!("/api/v1/documents?org={code}"), "id").await,
        proposal: first(app, admin, &format!("/api/v1/proposals?org={code}"), "id").await,
    }
}

fn request(method: &str, path: &str, auth: &Auth) -> Request<Body> {
    let api = path.starts_with("/api/");
    let b = auth.apply(Request::builder().method(method).uri(path));
    match (method, api) {
        ("POST", true) => b.header(header::CONTENT_TYPE, "application/json").body(Body::from("{}")).unwrap(),
        ("POST", false) => b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from(format!("csrf={}", auth.csrf()))).unwrap(),
        _ => b.body(Body::empty()).unwrap(),
    }
}

#[tokio::test]
async fn every_route_by_every_role_in_and_out_of_scope() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let admin = app.token("quantri", Role::Admin, None).await;
    let mine = side(&app, &admin, "DH-TT-01").await;
    let mut theirs = side(&app, &admin, "DH-TT-02").await;
    let nowhere = Side {
        code: "XX-KHONG-CO".into(),
        member: "0190cccc-0000-7000-8000-000000000001".into(),
        candidate: "0190cccc-0000-7000-8000-000000000002".into(),
        course: "0190cccc-0000-7000-8000-000000000003".into(),
        meeting: "0190cccc-0000-7000-8000-000000000004".into(),
        document: "0190cccc-0000-7000-8000-000000000005".into(),
        proposal: "0190cccc-0000-7000-8000-000000000006".into(),
    };
    // A member of the other branch whose name no member of ours shares: neither that name nor
    // that id may come back to our callers on any route.
    let mut other_name = String::new();
    for item in app.get("/api/v1/members?org=DH-TT-02&limit=100", &admin).await.json()["items"].as_array().expect("items") {
        let name = item["full_name"].as_str().unwrap_or_default();
        let q: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
        if app.get(&format!("/api/v1/members?org=DH-TT-01&q={q}"), &admin).await.json()["items"].as_array().is_some_and(|a| a.is_empty()) {
            other_name = name.to_string();
            theirs.member = item["id"].as_str().unwrap_or_default().to_string();
            break;
        }
    }
    assert!(!other_name.is_empty(), "the demo's DH-TT-02 has a member");
    // An admin has no organisation: a document's study report opens on the document's own.
    let admin_page = app.login("quantri", "hoa-sen-no-sang-9").await;
    let report = app.get(&format!("/documents/{}", theirs.document), &admin_page).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let mut problems = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            problems.push(what);
        }
    };
    for (username, role) in [("bithu2", Role::Secretary), ("xem2", Role::Viewer)] {
        let token = app.token(username, role, Some("DH-TT-01")).await;
        let session = app.login(username, "hoa-sen-no-sang-9").await;
        for (route, access) in ROUTES {
            let auth = if route.starts_with("/api/") { &token } else { &session };
            if *route == "/logout" {
                continue; // would end the session the other routes use
            }
            for method in ["GET", "POST"] {
                for (which, side) in [("own", &mine), ("other", &theirs)] {
                    let path = side.fill(route);
                    let res = app.send(request(method, &path, auth)).await;
                    let s = res.status.as_u16();
                    let at = format!("{username} {method} {path} ({which} branch, {access:?}) → {s}");
                    check(s < 500, format!("{at}: a server error"));
                    if s == 405 {
                        continue; // not routed for this method
                    }
                    if which == "own" {
                        check(!res.body.contains(&theirs.member), format!("{at}: the other branch's member id leaked"));
                    }
                    check(!res.body.contains(&other_name), format!("{at}: the other branch's member's name leaked"));
                    match (access, which, method) {
                        (Admin, _, _) => check(matches!(s, 403 | 404), format!("{at}: admins only")),
                        (Committee, "own", _) if role == Role::Secretary => check(s == 403, format!("{at}: the committee's alone")),
                        (Scoped | Committee, "other", _) if !(*route == "/proposals/{id}" && method == "GET") => {
                            // Not found; or, for input refused before the record is looked up
                            // (400, 422), the very answer a record that exists nowhere gets:
                            // nothing tells that the other branch's record exists.
                            let none = app.send(request(method, &nowhere.fill(route), auth)).await.status.as_u16();
                            check(matches!(s, 403 | 404) || matches!(s, 400 | 422) && s == none, format!("{at}: out of scope (nowhere: {none})"));
                        }
                        _ => {}
                    }
                    // A viewer writes nothing anywhere; a write answered 2xx or with a redirect
                    // to a saved page would be one.
                    if role == Role::Viewer && method == "POST" && *access != Public {
                        check(!(200..300).contains(&s) && s != 303, format!("{at}: a viewer's write accepted"));
                    }
                }
            }
        }
    }
    // Anonymous: sent to log in (pages) or 401 (API), except the public routes.
    for (route, access) in ROUTES {
        let path = mine.fill(route);
        let res = app.get(&path, &Auth::None).await;
        let s = res.status.as_u16();
        check(s < 500, format!("GET {path} anonymous → {s}"));
        if *access == Public || s == 405 || *route == "/proposals/{id}" {
            continue;
        }
        let to_login = s == 303 && res.headers.get(header::LOCATION).and_then(|l| l.to_str().ok()).is_some_and(|l| l.starts_with("/login"));
        check(to_login || s == 401, format!("GET {path} anonymous → {s}: not sent to log in"));
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    app.finish().await;
}
