//! The annual review on the page and in the API: a secretary saves the branch's proposals in
//! one submit, the commune's committee decides and is stopped by the quota with its numbers.

use crate::*;

#[tokio::test]
async fn a_branch_proposes_in_one_submit_and_the_committee_is_held_to_the_quota() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let session = app.login("bithu", "dangbo-bithu").await;
    // The demo's member rated KHTNV in 2018 and 2019 is on the secretary's to-do list (until a
    // later year's rating, below, says otherwise).
    let todo = app.get("/todo", &session).await;
    assert!(todo.body.contains("Không hoàn thành nhiệm vụ nhiều năm liền"), "{}", todo.select_text("li").join(" | "));
    let page = app.get("/orgs/DH-TT-01/ratings?year=2026", &session).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.len() < 60 * 1024, "{} bytes", page.body.len());
    let selects = page.select_attr("select[name^='level.'] option[selected]", "value");
    assert!(selects.len() > 10 && selects.iter().all(|v| v == "htt"), "preselected HTTNV: {selects:?}");
    // The form as the phone sends it: every preselected level, one member not rated now.
    let html = page.html();
    let mut fields: Vec<(String, String)> = html
        .select(&scraper::Selector::parse("form[action='/orgs/DH-TT-01/ratings'] input[type='hidden']").unwrap())
        .filter_map(|e| Some((e.value().attr("name")?.to_string(), e.value().attr("value").unwrap_or("").to_string())))
        .collect();
    let names = page.select_attr("select[name^='level.']", "name");
    for (i, name) in names.iter().enumerate() {
        fields.push((
            name.clone(),
            if i == 0 {
                String::new()
            } else if i <= 2 {
                "htxs".into()
            } else {
                "htt".into()
            },
        ));
    }
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app.post_form("/orgs/DH-TT-01/ratings", &session, &refs).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{:?}", res.select_text("#errors li"));
    let sheet = app.store.rating_sheet(&Caller::system(), "DH-TT-01", 2026, crate::today()).await.unwrap();
    assert_eq!(sheet.lines.iter().filter(|l| l.proposed.is_some()).count(), names.len() - 1);
    // A score above 100 is refused by field, in Vietnamese.
    let bad: Vec<(&str, &str)> = refs.iter().copied().chain([(format!("score.{}", &names[1][6..]).leak() as &str, "120")]).collect();
    let res = app.post_form("/orgs/DH-TT-01/ratings", &session, &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.select_text("#errors li").iter().any(|t| t.contains("từ 0 đến 100")), "{:?}", res.select_text("#errors li"));

    // The commune's committee decides on the proposals: two HTXSNV over too few HTTNV.
    let staff = app.token("vpdu", Role::Staff, Some("QN-XDH")).await;
    let proposed: Vec<&dangbo_db::RatingLine> = sheet.lines.iter().filter(|l| l.proposed.is_some()).collect();
    let body = |list: &[&dangbo_db::RatingLine]| {
        let ratings: Vec<serde_json::Value> =
            list.iter().map(|l| serde_json::json!({"member": l.member_id, "level": l.proposed.as_ref().unwrap().level.as_str()})).collect();
        serde_json::json!({"year": 2026, "stage": "decision", "decision_no": "15-QĐ/ĐU", "decision_date": "2026-11-20", "ratings": ratings})
    };
    let res = app.post_json("/api/v1/orgs/QN-XDH/member-ratings", &staff, body(&proposed[..4])).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("\"level\"") && res.body.contains("tối đa 0"), "{}", res.body);
    let res = app.post_json("/api/v1/orgs/QN-XDH/member-ratings", &staff, body(&proposed)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let sum = app.get("/api/v1/orgs/QN-XDH/ratings?year=2026", &staff).await.json();
    assert_eq!((sum["members"]["htxs"].as_i64(), sum["members"]["htt"].as_i64()), (Some(2), Some(proposed.len() as i64 - 2)), "{sum}");
    assert!(sum["members"]["not_rated"].as_i64().unwrap() > 0 && sum["regime"] == "qd366", "{sum}");
    // The secretary cannot decide, and sees the decision on the branch's page.
    let res = app.post_json("/api/v1/orgs/QN-XDH/member-ratings", &app.token("bt", Role::Secretary, Some("DH-TT-01")).await, body(&proposed)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let page = app.get("/orgs/DH-TT-01/ratings?year=2026", &session).await;
    assert!(page.select_text("table.ratings td").iter().any(|t| t.contains("15-QĐ/ĐU")), "{:?}", page.select_text("table.ratings td"));

    // The demo's 2019 review of the district, as it stood then: everyone rated, the quota
    // held, one member KHTNV (in 2018 too: on the secretary's to-do list with the rule).
    let y2019 = app.get("/api/v1/orgs/DH/ratings?year=2019", &staff).await;
    assert_eq!(y2019.status, StatusCode::NOT_FOUND, "the commune's staff does not see the district");
    let admin = app.token("ketoan", Role::Admin, None).await;
    let m = app.get("/api/v1/orgs/DH/ratings?year=2019", &admin).await.json()["members"].clone();
    let n = |k: &str| m[k].as_i64().unwrap();
    assert!(n("htt") > 1000 && n("htxs") > 0 && n("htxs") * 5 <= n("htt") && n("ht") > 0, "{m}");
    assert_eq!((n("khtnv"), n("not_rated")), (1, 0), "{m}");
    let page = app.get("/orgs/DH/ratings?year=2019", &session).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "the district is not the secretary's");
    app.finish().await;
}
