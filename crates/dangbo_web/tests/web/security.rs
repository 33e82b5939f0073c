//! Security at the HTTP boundary (issue 20): uploads refused before they are read, redirects
//! that stay on the site, headers that keep records out of caches and frames, control
//! characters refused, exports that cannot run formulas and are audited.

use crate::pages::multipart;
use crate::*;
use dangbo_core::member::MemberInput;

fn upload(cookie: &str, csrf: &str, file: (&str, &[u8])) -> Request<Body> {
    let (ct, body) = multipart(&[("csrf", csrf), ("org", "DH-TT-01"), ("action", "check")], file);
    Request::post("/import").header(header::COOKIE, format!("dangbo_session={cookie}")).header(header::CONTENT_TYPE, ct).body(Body::from(body)).unwrap()
}

#[tokio::test]
async fn an_upload_is_refused_before_it_is_read_and_a_too_wide_sheet_is_bad_input() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let viewer = app.login("thitran", "dangbo-thitran").await;
    let Auth::Cookie(cookie, csrf) = &viewer else { unreachable!() };
    let res = app.send(upload(cookie, csrf, ("bomb.xlsx", b"PK not even a zip"))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "a viewer's upload must not be read");

    let secretary = app.login("bithu", "dangbo-bithu").await;
    let Auth::Cookie(cookie, csrf) = &secretary else { unreachable!() };
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Họ và tên").unwrap();
    ws.write_string(0, 1, "Ngày sinh").unwrap();
    ws.write_string(1_048_575, 16_383, "XFD1048576").unwrap();
    let res = app.send(upload(cookie, csrf, ("wide.xlsx", &wb.save_to_buffer().unwrap()))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.select_text("p.banner")[0].starts_with("Bảng tính quá lớn"), "{:?}", res.select_text("p.banner"));
    assert_eq!(app.get("/healthz", &Auth::None).await.status, StatusCode::OK);
    app.finish().await;
}

#[tokio::test]
async fn redirects_stay_on_the_site() {
    let app = TestApp::sqlite().await;
    for back in ["//evil.example", "/%5Cevil.example", "https://evil.example"] {
        let res = app.get(&format!("/lang/vi?back={back}"), &Auth::None).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{back}");
        assert_eq!(res.headers[header::LOCATION], "/", "{back}");
    }
    let res = app.get("/lang/en?back=/members%3Fq%3D%C4%90%C3%A0m", &Auth::None).await;
    assert_eq!(res.headers[header::LOCATION], "/members?q=%C4%90%C3%A0m");
    // A newline or a NUL in the address is a bad request, never a server error.
    for bad in ["/lang/vi?back=/%09/evil.example", "/lang/vi?back=/%0d%0aSet-Cookie:x", "/members?q=a%00b", "/login?next=%00"] {
        assert_eq!(app.get(bad, &Auth::None).await.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    app.finish().await;
}

#[tokio::test]
async fn records_are_never_cached_or_framed() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let session = app.login("quangninh", "dangbo-quangninh").await;
    let token = app.token("api-admin", Role::Admin, None).await;
    for (path, auth) in [("/orgs/DH", &session), ("/members?org=DH-TT-01", &session), ("/api/v1/members?org=DH-TT-01", &token)] {
        let res = app.get(path, auth).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        assert_eq!(res.headers[header::CACHE_CONTROL], "no-store", "{path}");
        assert_eq!(res.headers[header::X_FRAME_OPTIONS], "DENY", "{path}");
    }
    assert!(app.get("/static/style.css", &Auth::None).await.headers[header::CACHE_CONTROL].to_str().unwrap().starts_with("public"));
    assert!(app.get("/login", &Auth::None).await.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(), "HSTS only behind TLS");
    // Behind HTTPS (secure cookies), browsers are told to keep to it.
    let tls = dangbo_web::router(AppState {
        store: app.store.clone(),
        clock: Clock::fixed(today()),
        secure_cookies: true,
        limits: Default::default(),
        metrics: None,
    });
    let res = tls.oneshot(Request::get("/login").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.headers()[header::STRICT_TRANSPORT_SECURITY], "max-age=31536000");
    app.finish().await;
}

#[tokio::test]
async fn exports_run_no_formula_and_are_audited() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let input = MemberInput {
        org: "DH-TT-01".into(),
        family_name: "Lò".into(),
        middle_name: "Văn".into(),
        given_name: "Công".into(),
        sex: "male".into(),
        birth_date: "1980-01-01".into(),
        admission_decision_date: "2010-03-01".into(),
        ceremony_date: "2010-03-15".into(),
        full_date: Some("2011-03-15".into()),
        occupation: Some("=HYPERLINK(\"http://evil.example\",\"Bấm vào\")".into()),
        ..Default::default()
    };
    app.store.create_member(&Caller::system(), input.parse(today()).unwrap()).await.unwrap();
    let session = app.login("bithu", "dangbo-bithu").await;
    let csv = app.get("/registers/DH-TT-01.csv", &session).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("\"'=HYPERLINK("), "the formula went out live");
    let xlsx = app.get("/registers/DH-TT-01.xlsx", &session).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let log = app.store.audit_log(&Caller::system(), None, 50).await.unwrap();
    let exports: Vec<_> = log.iter().filter(|a| a.action == "register.export" && a.actor == "bithu").collect();
    assert_eq!(exports.len(), 2, "{log:?}");
    assert!(log.iter().any(|a| a.action == "login.ok" && a.actor == "bithu"));
    app.finish().await;
}

#[tokio::test]
async fn a_long_field_is_refused_at_the_door() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let input = MemberInput {
        org: "DH-TT-01".into(),
        family_name: "Lò".into(),
        given_name: "Dài".into(),
        sex: "male".into(),
        birth_date: "1980-01-01".into(),
        admission_decision_date: "2010-03-01".into(),
        ceremony_date: "2010-03-15".into(),
        occupation: Some("x".repeat(250_000)),
        ..Default::default()
    };
    let errors = input.parse(today()).unwrap_err();
    assert!(format!("{errors:?}").contains("occupation"), "{errors:?}");
    let short = MemberInput { birth_date: "15/8/98".into(), ..input };
    assert!(format!("{:?}", short.parse(today()).unwrap_err()).contains("birth_date"), "a two-digit year was accepted");
    app.finish().await;
}

#[tokio::test]
async fn an_admin_disables_resets_and_revokes_from_the_users_page() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let admin = app.login("admin", "dangbo-admin").await;
    let secretary = app.login("bithu", "dangbo-bithu").await;
    let token = app.token("api-reader", Role::Viewer, Some("DH-TT")).await;
    let page = app.get("/users", &admin).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.select_text("tr.user td:first-child").contains(&"bithu".to_string()));
    assert_eq!(app.get("/users", &secretary).await.status, StatusCode::FORBIDDEN);

    let res = app.post_form("/users", &admin, &[("csrf", admin.csrf()), ("username", "bithu"), ("action", "disable")]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(app.get("/todo", &secretary).await.status, StatusCode::SEE_OTHER, "a disabled user's session goes on");
    app.post_form("/users", &admin, &[("csrf", admin.csrf()), ("username", "bithu"), ("action", "enable")]).await;
    let res = app.post_form("/users", &admin, &[("csrf", admin.csrf()), ("username", "bithu"), ("action", "reset")]).await;
    let banner = res.select_text("p.banner").join(" ");
    let password = banner.split(": ").nth(1).and_then(|r| r.split(' ').next()).expect("the new password shown").to_string();
    app.login("bithu", &password).await;

    let ids = app.store.tokens(&Caller::system(), Some("api-reader")).await.unwrap();
    assert_eq!(app.get("/api/v1/orgs/DH-TT", &token).await.status, StatusCode::OK);
    app.post_form("/users", &admin, &[("csrf", admin.csrf()), ("token", &ids[0].id), ("action", "revoke")]).await;
    assert_eq!(app.get("/api/v1/orgs/DH-TT", &token).await.status, StatusCode::UNAUTHORIZED, "a revoked token still opens");
    app.finish().await;
}

#[tokio::test]
async fn a_user_changes_their_password_and_logs_in_again() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let s = app.login("bithu", "dangbo-bithu").await;
    assert_eq!(app.get("/account", &s).await.status, StatusCode::OK);
    let weak = app.post_form("/account", &s, &[("csrf", s.csrf()), ("current", "dangbo-bithu"), ("password", "12345678")]).await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!weak.select_text("p.error").is_empty());
    let ok = app.post_form("/account", &s, &[("csrf", s.csrf()), ("current", "dangbo-bithu"), ("password", "song-hong-chay-mai-7")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get("/todo", &s).await.status, StatusCode::SEE_OTHER, "the old session ends");
    app.login("bithu", "song-hong-chay-mai-7").await;
    app.finish().await;
}

#[tokio::test]
async fn bulk_reads_and_refused_openings_leave_a_trace_the_admin_can_filter() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let token = app.token("api-staff", Role::Staff, Some("QN-XDH")).await;
    let list = app.get("/api/v1/members?org=QN-XDH&limit=500", &token).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let secretary = app.login("bithu", "dangbo-bithu").await;
    let page = app.get("/members?org=DH-TT-01", &secretary).await;
    let own = page.html().select(&scraper::Selector::parse("table.list tbody a").unwrap()).next().unwrap().value().attr("href").unwrap().to_string();
    let outside =
        app.store.list_members(&Caller::system(), &dangbo_db::MemberFilter { org: Some("QN-XQT".into()), limit: 1, ..Default::default() }, today()).await;
    let outside_id = outside.map(|p| p.items[0].id.clone()).unwrap_or_else(|_| "no-such-member".into());
    assert_eq!(app.get(&format!("/members/{outside_id}"), &secretary).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/api/v1/members/{outside_id}/assignments"), &token).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&own, &secretary).await.status, StatusCode::OK);

    let admin = app.login("admin", "dangbo-admin").await;
    let refused = app.get("/audit?action=member.open_refused", &admin).await;
    assert!(refused.select_text("table.list tbody td:nth-child(2)").contains(&"bithu".to_string()), "{}", refused.body);
    let lists = app.get("/audit?action=member&actor=api-staff", &admin).await;
    assert!(lists.select_text("table.list tbody td:nth-child(3)").contains(&"member.list".to_string()));
    let csv = app.get("/audit.csv?action=login", &admin).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.lines().skip(1).all(|l| l.contains(",login.")), "{}", csv.body);
    assert!(csv.body.contains(",bithu,login.ok,"));
    app.finish().await;
}

#[tokio::test]
async fn a_dissolved_committees_users_read_its_own_archive_and_no_file_now_elsewhere() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    app.store
        .create_user(
            &Caller::system(),
            dangbo_db::NewUser { username: "dh-viewer", password: "hoa-sen-no-sang-9", role: Role::Viewer, org_code: Some("DH"), member_id: None },
        )
        .await
        .unwrap();
    let viewer = app.login("dh-viewer", "hoa-sen-no-sang-9").await;
    let courses = app.get("/courses", &viewer).await;
    assert_eq!(courses.status, StatusCode::OK);
    let link = |res: &Res, prefix: &str| -> Vec<String> {
        res.html()
            .select(&scraper::Selector::parse("a").unwrap())
            .filter_map(|a| a.value().attr("href"))
            .filter(|h| h.starts_with(prefix))
            .map(str::to_string)
            .collect()
    };
    let course_links = link(&courses, "/courses/");
    assert!(!course_links.is_empty(), "the committee's own courses are its archive");
    let mut people = Vec::new();
    for c in course_links.iter().take(12) {
        let course = app.get(c, &viewer).await;
        assert_eq!(course.status, StatusCode::OK, "{c}");
        people.extend(link(&course, "/candidates/"));
        people.extend(link(&course, "/members/"));
    }
    assert!(!people.is_empty(), "the rosters name their trainees as they were");
    // The trainees' files now belong to the communes formed in 2025: none opens.
    let mut opened = 0;
    for t in people.iter().take(20) {
        if app.get(t, &viewer).await.status == StatusCode::OK {
            opened += 1;
        }
    }
    assert_eq!(opened, 0, "a dissolved district's viewer opened files now elsewhere");
    app.finish().await;
}
