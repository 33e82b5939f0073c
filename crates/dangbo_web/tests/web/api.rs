use crate::*;
use serde_json::json;

#[tokio::test]
async fn the_demo_summary_gives_the_seed_figures_on_both_backends() {
    for db in TestDb::all().await {
        let app = TestApp::with_demo(db).await;
        let admin = app.token("api-admin", Role::Admin, None).await;
        let res = app.get("/api/v1/orgs/DH/summary?as_of=2019-12-31", &admin).await;
        assert_eq!(res.status, StatusCode::OK);
        let v = res.json();
        assert_eq!(v["grassroots_orgs"], 35);
        assert_eq!(v["members"]["total"], 2068);
        assert_eq!(v["members"]["total"].as_i64().unwrap(), v["members"]["probationary"].as_i64().unwrap() + v["members"]["full"].as_i64().unwrap());
        assert_eq!(app.get("/api/v1/orgs/DH/summary?as_of=2018-12-31", &admin).await.json()["grassroots_orgs"], 37);
        let roots = app.get("/api/v1/orgs", &admin).await.json();
        assert_eq!(roots["items"][0]["code"], "QN");
        let kids = app.get("/api/v1/orgs?parent=DH&as_of=2019-12-31", &admin).await.json();
        assert_eq!(kids["items"].as_array().unwrap().len(), 35);
        app.finish().await;
    }
}

#[tokio::test]
async fn a_secretary_token_sees_only_its_branch() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let sec = app.token("bt", Role::Secretary, Some("DH-TT-01")).await;
    let own = app.get("/api/v1/members?limit=500", &sec).await.json();
    let total = own["total"].as_i64().unwrap();
    assert!(total > 0);
    assert!(own["items"].as_array().unwrap().iter().all(|m| m["org"] == "DH-TT-01"));
    let id = own["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(app.get(&format!("/api/v1/members/{id}"), &sec).await.status, StatusCode::OK);
    let admin = app.token("adm", Role::Admin, None).await;
    let other = app.get("/api/v1/members?org=DH-TT-02&limit=1", &admin).await.json();
    let other_id = other["items"][0]["id"].as_str().unwrap();
    let res = app.get(&format!("/api/v1/members/{other_id}"), &sec).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.json()["error"]["code"], "not_found");
    assert_eq!(app.get("/api/v1/orgs/DH/summary", &sec).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/v1/members?org=DH-TT-02", &sec).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/v1/orgs", &sec).await.json()["items"][0]["code"], "DH-TT-01");
    app.finish().await;
}

fn new_member() -> serde_json::Value {
    json!({"org": "B", "family_name": "Nguyễn", "middle_name": "Văn", "given_name": "An", "sex": "male", "birth_date": "1990-04-30", "admission_decision_date": "2024-05-01", "ceremony_date": "2024-05-19"})
}

async fn small(app: &TestApp, admin: &Auth) {
    let r = app.post_json("/api/v1/orgs", admin, json!({"code": "P", "name": "Đảng bộ P", "type": "province", "founded_on": "2000-01-01"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app
        .post_json("/api/v1/orgs", admin, json!({"code": "B", "name": "Chi bộ B", "type": "grassroots_branch", "parent": "P", "founded_on": "2000-01-01"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

#[tokio::test]
async fn members_are_added_counted_from_the_ceremony_and_found_without_diacritics() {
    let app = TestApp::sqlite().await;
    let admin = app.token("adm", Role::Admin, None).await;
    small(&app, &admin).await;
    let res = app.post_json("/api/v1/members", &admin, new_member()).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = res.json()["id"].as_str().unwrap().to_string();
    assert_eq!(res.json()["status"], "probationary");
    let mut m2 = new_member();
    m2["family_name"] = json!("Đặng");
    m2["given_name"] = json!("Thị Ánh");
    m2["middle_name"] = json!("");
    assert_eq!(app.post_json("/api/v1/members", &admin, m2).await.status, StatusCode::CREATED);
    let count = |d: &'static str| {
        let app = &app;
        let admin = admin.clone();
        async move { app.get(&format!("/api/v1/orgs/P/summary?as_of={d}"), &admin).await.json()["members"]["total"].as_i64().unwrap() }
    };
    assert_eq!(count("2024-05-18").await, 0);
    assert_eq!(count("2024-05-19").await, 2);
    let found = app.get("/api/v1/members?q=nguyen%20van%20an", &admin).await.json();
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["full_name"], "Nguyễn Văn An");
    assert_eq!(app.get("/api/v1/members?q=dang", &admin).await.json()["items"][0]["full_name"], "Đặng Thị Ánh");
    let detail = app.get(&format!("/api/v1/members/{id}"), &admin).await.json();
    assert_eq!(detail["events"][0]["type"], "admitted");
    // A recognition before twelve months is refused, one after is recorded.
    let early = app.post_json(&format!("/api/v1/members/{id}/events"), &admin, json!({"type": "recognised", "effective_on": "2025-05-18"})).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.json()["error"]["fields"]["effective_on"].as_str().unwrap().contains("12 tháng"), "{}", early.body);
    let ok = app
        .post_json(&format!("/api/v1/members/{id}/events"), &admin, json!({"type": "recognised", "effective_on": "2025-05-19", "decision_no": "15-QĐ/ĐU"}))
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    let log = app.store.audit_log(&Caller::system(), Some(&id), 50).await.unwrap();
    assert!(log.iter().any(|a| a.action == "member.recognised" && a.actor == "adm"));
    assert!(log.iter().any(|a| a.action == "member.create"));
    app.finish().await;
}

#[tokio::test]
async fn bad_input_gets_vietnamese_or_english_messages_and_changes_nothing() {
    let app = TestApp::sqlite().await;
    let admin = app.token("adm", Role::Admin, None).await;
    small(&app, &admin).await;
    let before = app.store.audit_log(&Caller::system(), None, 1000).await.unwrap().len();
    let mut bad = new_member();
    bad["birth_date"] = json!("2030-01-01");
    bad["ceremony_date"] = json!("2024-04-01");
    bad["org"] = json!("KHONGCO");
    let res = app.post_json("/api/v1/members", &admin, bad.clone()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let f = &res.json()["error"]["fields"];
    assert_eq!(f["birth_date"], "Ngày sinh: không được sau ngày hôm nay.");
    assert!(f["ceremony_date"].as_str().unwrap().starts_with("Ngày lễ kết nạp"));
    let en = app.post_json("/api/v1/members", &admin.en(), bad).await.json();
    assert_eq!(en["error"]["fields"]["birth_date"], "Date of birth: cannot be after today.");
    let mut unknown = new_member();
    unknown["org"] = json!("KHONGCO");
    let res = app.post_json("/api/v1/members", &admin, unknown).await;
    assert_eq!(res.json()["error"]["fields"]["org"], "Chi bộ: không tìm thấy tổ chức này trong phạm vi của bạn.");
    // NFD input is stored as NFC.
    let mut nfd = new_member();
    nfd["family_name"] = json!("Nguye\u{302}\u{303}n");
    let id = app.post_json("/api/v1/members", &admin, nfd).await.json()["id"].as_str().unwrap().to_string();
    assert_eq!(app.get(&format!("/api/v1/members/{id}"), &admin).await.json()["person"]["family_name"], "Nguyễn");
    // Malformed JSON and a body of the wrong shape are 400, not 500.
    let req = Request::post("/api/v1/members")
        .header(
            header::AUTHORIZATION,
            match &admin {
                Auth::Bearer(t) => format!("Bearer {t}"),
                _ => unreachable!(),
            },
        )
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(vec![0x7b, 0xff, 0xfe]))
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.post_json("/api/v1/members", &admin, json!([1, 2])).await.status, StatusCode::BAD_REQUEST);
    // Moving an organisation under its own descendant.
    let r = app.post_json("/api/v1/orgs/P/events", &admin, json!({"type": "moved", "effective_on": "2020-01-01", "parent": "B"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.post_json("/api/v1/orgs/B/events", &admin, json!({"type": "dissolved", "effective_on": "2025-01-01"})).await;
    assert_eq!(r.json()["error"]["fields"]["target"], "Tổ chức tiếp nhận: tổ chức còn đảng viên; hãy chọn chi bộ tiếp nhận họ.");
    let after = app.store.audit_log(&Caller::system(), None, 1000).await.unwrap();
    assert_eq!(after.len(), before + 2, "only the NFD member was written and opened: {:?}", after.iter().map(|a| &a.action).collect::<Vec<_>>());
    app.finish().await;
}

#[tokio::test]
async fn unauthenticated_and_cross_site_requests_are_refused() {
    let app = TestApp::sqlite().await;
    assert_eq!(app.get("/api/v1/orgs", &Auth::None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/v1/orgs", &Auth::Bearer("dbt_wrong".into())).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/healthz", &Auth::None).await.body, "ok");
    let req = Request::post("/api/v1/orgs")
        .header("sec-fetch-site", "cross-site")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
    app.finish().await;
}

/// The served document lists every API route, is OpenAPI 3.1, and equals the approved copy in
/// `docs/openapi.json`: a change to the API's types or routes is a change to that file, seen in
/// review. `DANGBO_ACCEPT_OPENAPI=1` writes the new document there.
#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = TestApp::sqlite().await;
    let spec = app.get("/api/v1/openapi.json", &Auth::None).await.json();
    let mut documented: Vec<String> = spec["paths"].as_object().unwrap().keys().map(|p| format!("/api/v1{p}")).collect();
    documented.sort();
    let mut routed: Vec<String> = dangbo_web::route_paths().into_iter().filter(|p| p.starts_with("/api/v1/")).collect();
    routed.sort();
    assert_eq!(documented, routed);
    assert_eq!(spec["openapi"], "3.1.0");
    assert_eq!(spec["servers"][0]["url"], "/api/v1");
    // Every operation but the document itself answers errors as the Error schema.
    let members = &spec["paths"]["/members"]["get"];
    assert_eq!(members["responses"]["422"]["$ref"], "#/components/responses/Error422");
    assert!(spec["paths"]["/openapi.json"]["get"]["responses"]["401"].is_null());
    let params: Vec<&str> = members["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert!(params.contains(&"age_band") && params.contains(&"cursor"), "{params:?}");
    let status = &spec["components"]["schemas"]["Status"];
    assert!(status.to_string().contains("probationary"), "{status}");
    // Every reference resolves.
    let text = spec.to_string();
    for r in text.split("\"#/components/").skip(1) {
        let (kind, name) = r.split_once('/').unwrap();
        let name = name.split('"').next().unwrap();
        assert!(!spec["components"][kind][name].is_null(), "#/components/{kind}/{name} is not in the document");
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    let text = serde_json::to_string_pretty(&spec).unwrap() + "\n";
    if std::env::var_os("DANGBO_ACCEPT_OPENAPI").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let approved = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(approved == text, "the API's document changed: review it, then run this test with DANGBO_ACCEPT_OPENAPI=1 to approve docs/openapi.json");
    app.finish().await;
}

#[tokio::test]
async fn press_figures_and_the_member_form_for_dam_ha() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let admin = app.token("adm", Role::Admin, None).await;
    let f = app.get("/api/v1/orgs/DH/press-figures?from=2015-01-01&to=2019-12-31", &admin).await.json();
    assert_eq!((f["grassroots_orgs"].as_i64(), f["members"].as_i64(), f["admitted"].as_i64()), (Some(35), Some(2068), Some(426)));
    assert_eq!((f["awareness_classes"].as_i64(), f["awareness_trainees"].as_i64()), (Some(11), Some(598)));
    assert_eq!((f["exam_candidates_commune"].as_i64(), f["exam_candidates_district"].as_i64()), (Some(152), Some(78)));
    assert_eq!((f["moves_total"].as_i64(), f["moves_cross_sector"].as_i64()), (Some(74), Some(43)));
    assert_eq!((f["units_with_nonlocal_secretary"].as_i64(), f["units_total"].as_i64()), (Some(9), Some(10)));
    let res = app.get("/api/v1/orgs/DH/press-figures?to=2019-12-31", &admin).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["fields"]["from"], "Từ ngày: chưa nhập, đây là mục bắt buộc.");
    let st = app.get("/api/v1/orgs/DH/stats?as_of=2019-12-31", &admin).await.json();
    assert_eq!(st["total"], 2068);
    for b in st["breakdowns"].as_array().unwrap() {
        let sum: i64 = b["rows"].as_array().unwrap().iter().map(|r| r[1].as_i64().unwrap()).sum();
        assert_eq!(sum, 2068, "{}", b["dimension"]);
    }
    app.finish().await;
}

#[tokio::test]
async fn movements_need_a_period() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let admin = app.token("adm", Role::Admin, None).await;
    let m = app.get("/api/v1/orgs/DH/movements?from=2015-01-01&to=2019-12-31", &admin).await.json();
    assert_eq!((m["admitted"].as_i64(), m["deceased"].as_i64()), (Some(426), Some(60)));
    let res = app.get("/api/v1/orgs/DH/movements?from=2020-01-01&to=2019-12-31", &admin).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["fields"]["from"], "Từ ngày: phải không sau ngày kết thúc kỳ.");
    app.finish().await;
}
