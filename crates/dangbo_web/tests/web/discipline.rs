//! Inspection and discipline on the pages and in the API: the commune's inspection commission
//! opens a case on a member from the member's page, records the steps and the branch's
//! reprimand; the penalty shows on the member's page; the secretary and the office get 404 on
//! the case; a time-barred decision is refused naming the field.

use crate::*;

#[tokio::test]
async fn the_commission_takes_a_case_to_a_penalty_and_nobody_else_sees_it() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let admin = app.login("admin", "dangbo-admin").await;
    let member =
        app.get("/api/v1/members?org=DH-TT-01&status=full&limit=1", &app.token("xem", Role::Viewer, Some("QN-XDH")).await).await.json()["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
    app.store
        .create_user(
            &Caller::system(),
            dangbo_db::NewUser { username: "ubkt-xdh", password: "hoa-sen-no-sang-9", role: Role::Inspector, org_code: Some("QN-XDH"), member_id: None },
        )
        .await
        .unwrap();
    let inspector = app.login("ubkt-xdh", "hoa-sen-no-sang-9").await;

    // The commission's programme: an item on the branch, chosen from a list.
    let plan = app.get("/orgs/QN-XDH/inspection-plan?year=2026", &inspector).await;
    assert!(plan.select_attr("select[name=target_org] option", "value").contains(&"DH-TT-01".to_string()));
    let item = [
        ("year", "2026"),
        ("kind", "thematic_supervision"),
        ("target_org", "DH-TT-01"),
        ("matter", "Giám sát sinh hoạt chi bộ"),
        ("from_month", "03/2026"),
        ("to_month", "13/2026"),
    ];
    let res = app.post_form("/orgs/QN-XDH/inspection-plan", &inspector, &with_csrf(&inspector, item.to_vec())).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.select_text("[role=alert] li").iter().any(|t| t.starts_with("Đến tháng")), "{:?}", res.select_text("[role=alert] li"));
    let mut item = item.to_vec();
    item[5] = ("to_month", "05/2026");
    let res = app.post_form("/orgs/QN-XDH/inspection-plan", &inspector, &with_csrf(&inspector, item)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let plan = app.get("/orgs/QN-XDH/inspection-plan?year=2026", &secretary_of(&app).await).await;
    assert_eq!(plan.status, StatusCode::NOT_FOUND, "the commune's programme is outside the branch's scope");
    let plan = app.get("/orgs/QN-XDH/inspection-plan?year=2026", &admin).await;
    assert_eq!(plan.select_text("#plan tbody tr").len(), 1);

    // The member's page offers the inspector a case; the secretary's does not.
    let page = app.get(&format!("/members/{member}"), &inspector).await;
    assert_eq!(page.select_attr("a#case-new", "href"), vec![format!("/members/{member}/case")]);
    let secretary = app.login("bithu", "dangbo-bithu").await;
    assert!(app.get(&format!("/members/{member}"), &secretary).await.select_attr("a#case-new", "href").is_empty());

    // A bad date is refused naming the field; then the case opens.
    let form = app.get(&format!("/members/{member}/case"), &inspector).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.len() < 60 * 1024);
    let fields =
        |to: &'static str| vec![("kind", "signs_of_violation"), ("matter", "Vi phạm quy định nêu gương"), ("violation_to", to), ("opened_on", "01/03/2026")];
    let res = app.post_form(&format!("/members/{member}/case"), &inspector, &with_csrf(&inspector, fields("32/01/2026"))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.select_text("[role=alert] li").iter().any(|t| t.starts_with("Vi phạm đến ngày")), "{:?}", res.select_text("[role=alert] li"));
    let res = app.post_form(&format!("/members/{member}/case"), &inspector, &with_csrf(&inspector, fields("10/01/2026"))).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let case = res.headers.get("location").unwrap().to_str().unwrap().to_string();

    for (kind, on) in [("decision", "01/03/2026"), ("conclusion", "05/05/2026")] {
        let res = app.post_form(&format!("{case}/steps"), &inspector, &with_csrf(&inspector, vec![("kind", kind), ("on", on)])).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    let decide = |yes: &'static str| {
        vec![
            ("outcome", "penalty"),
            ("penalty", "khien_trach"),
            ("body", "branch"),
            ("in_favour", yes),
            ("voters", "9"),
            ("decision_no", "01-QĐ/CB"),
            ("decision_date", "01/06/2026"),
        ]
    };
    let res = app.post_form(&format!("{case}/decision"), &inspector, &with_csrf(&inspector, decide("4"))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.select_text("[role=alert] li").iter().any(|t| t.contains("quá một nửa")), "{:?}", res.select_text("[role=alert] li"));
    let res = app.post_form(&format!("{case}/decision"), &inspector, &with_csrf(&inspector, decide("7"))).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let shown = app.get(&case, &inspector).await;
    assert!(shown.select_text("#penalty").join("").contains("Khiển trách"), "{}", shown.body);
    assert_eq!(shown.select_text("#steps li").len(), 2);
    // A complaint to the province, resolved by annulling the penalty.
    let to = shown.select_attr("select[name=to_org] option", "value");
    assert_eq!(to.first().map(String::as_str), Some("QN"), "the level above first: {to:?}");
    let res = app.post_form(&format!("{case}/complaints"), &inspector, &with_csrf(&inspector, vec![("filed_on", "08/06/2026"), ("to_org", "QN")])).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let resolve = vec![("result", "upheld"), ("resolved_on", "01/09/2026"), ("resolution_no", "12-QĐ/UBKTTU")];
    let res = app.post_form(&format!("{case}/resolution"), &inspector, &with_csrf(&inspector, resolve)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(app.get(&case, &inspector).await.select_text("#complaints li").join("").contains("Giữ nguyên"));

    // The penalty on the member's page, to the secretary too; the case to neither the
    // secretary nor the office.
    let page = app.get(&format!("/members/{member}"), &secretary).await;
    assert!(page.select_text("#penalties + ul li").join("").contains("Khiển trách"), "{:?}", page.select_text("h2"));
    let staff = app.token("vp", Role::Staff, Some("QN-XDH")).await;
    assert_eq!(app.get(&case, &secretary).await.status, StatusCode::NOT_FOUND);
    let id = case.trim_start_matches("/cases/");
    assert_eq!(app.get(&format!("/api/v1/cases/{id}"), &staff).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/v1/orgs/QN-XDH/discipline?from=2026-01-01&to=2026-12-31", &staff).await.status, StatusCode::NOT_FOUND);
    let summary = app.get("/api/v1/orgs/QN-XDH/discipline?from=2026-01-01&to=2026-12-31", &admin).await.json();
    assert_eq!(summary["penalties"]["khien_trach"], 1, "{summary}");

    // Through the API: an old violation's reprimand is time-barred.
    let api = app.token("ubkt2", Role::Inspector, Some("QN-XDH")).await;
    let res = app
        .post_json(
            "/api/v1/cases",
            &api,
            serde_json::json!({"org": "QN-XDH", "member": member, "kind": "denunciation", "matter": "Đơn tố cáo", "violation_to": "2016-05-01", "opened_on": "2026-02-01"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let old = res.json()["id"].as_str().unwrap().to_string();
    assert_eq!(app.get(&format!("/api/v1/cases/{old}"), &api).await.json()["time_barred"], true);
    let res = app
        .post_json(
            &format!("/api/v1/cases/{old}/decision"),
            &api,
            serde_json::json!({"outcome": "penalty", "penalty": "khien_trach", "body": "branch", "in_favour": "7", "voters": "9", "decision_no": "2-QĐ", "decision_date": "2026-03-01"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("decision_date") && res.body.contains("thời hiệu"), "{}", res.body);
    assert!(app.get(&case, &admin).await.status == StatusCode::OK);
}

async fn secretary_of(app: &TestApp) -> Auth {
    app.login("bithu", "dangbo-bithu").await
}

/// The demo's commission of Đầm Hà: its programmes of 2015–2019 and its cases — a reprimand by
/// a branch, a warning upheld on complaint, the expulsions, a time-barred case — to the demo's
/// inspector, on the member's page to the secretary.
#[tokio::test]
async fn the_demo_has_the_districts_cases() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let ubkt = app.login("ubkt", "dangbo-ubkt").await;
    let plan = app.get("/orgs/DH/inspection-plan?year=2018", &ubkt).await;
    assert_eq!(plan.select_text("#plan tbody tr").len(), 2);
    let cases = app.get("/orgs/DH/cases", &ubkt).await;
    let states = cases.select_text("#cases tbody td:nth-child(4)").join(" | ");
    for want in ["Thi hành kỷ luật", "Không kỷ luật", "Hết thời hiệu"] {
        assert!(states.contains(want), "{want}: {states}");
    }
    let summary = app.get("/api/v1/orgs/DH/discipline?from=2015-01-01&to=2019-12-31", &app.token("ubkt-api", Role::Inspector, Some("QN")).await).await.json();
    assert_eq!((summary["penalties"]["khien_trach"].as_i64(), summary["penalties"]["canh_cao"].as_i64()), (Some(1), Some(1)), "{summary}");
    assert_eq!(summary["complaints"]["resolved"], 1, "{summary}");
    assert_eq!(app.get("/orgs/DH/cases", &app.login("bithu", "dangbo-bithu").await).await.status, StatusCode::NOT_FOUND);
}

/// The form's fields with the session's CSRF token.
fn with_csrf<'a>(auth: &'a Auth, mut fields: Vec<(&'a str, &'a str)>) -> Vec<(&'a str, &'a str)> {
    if let Auth::Cookie(_, csrf) = auth {
        fields.push(("csrf", csrf.as_str()));
    }
    fields
}
