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
        assert_eq!(res.headers[header::LOCATION], "/orgs", "{back}");
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
