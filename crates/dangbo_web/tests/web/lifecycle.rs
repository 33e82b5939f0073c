use crate::*;
use serde_json::json;

async fn tree(app: &TestApp, admin: &Auth) {
    for (code, kind, parent) in [("P", "province", None), ("C", "grassroots_committee", Some("P")), ("B1", "subordinate_branch", Some("C"))] {
        let body =
            json!({ "code": code, "name": format!("Tổ chức {code}"), "type": kind, "field": "residential", "parent": parent, "founded_on": "2000-01-01" });
        assert_eq!(app.post_json("/api/v1/orgs", admin, body).await.status, StatusCode::CREATED);
    }
}

#[tokio::test]
async fn a_candidate_is_taken_to_full_membership_through_the_api() {
    let app = TestApp::sqlite().await;
    let admin = app.token("adm", Role::Admin, None).await;
    tree(&app, &admin).await;
    let intro = json!({ "org": "B1", "family_name": "Trần", "middle_name": "Văn", "given_name": "Giới", "sex": "male", "birth_date": "1970-01-01",
        "admission_decision_date": "2000-03-01", "ceremony_date": "2000-03-15", "full_date": "2001-03-15" });
    let intro = app.post_json("/api/v1/members", &admin, intro).await.json()["id"].as_str().unwrap().to_string();
    let c = json!({ "org": "B1", "source": "youth_union", "listed_on": "2025-01-10", "family_name": "Lê", "middle_name": "Thị", "given_name": "Hoa", "sex": "female", "birth_date": "2000-02-01" });
    let res = app.post_json("/api/v1/candidates", &admin, c).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = res.json()["id"].as_str().unwrap().to_string();
    let course = app
        .post_json(
            "/api/v1/courses",
            &admin,
            json!({ "org": "C", "kind": "awareness", "name": "Lớp 1/2025", "start_date": "2025-03-03", "end_date": "2025-03-07" }),
        )
        .await
        .json();
    let course = course["id"].as_str().unwrap().to_string();
    let res = app
        .post_json(&format!("/api/v1/courses/{course}/enrolments"), &admin, json!({ "candidate": id, "result": "passed", "certificate_date": "2025-03-07" }))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let step = |kind: &str, on: &str, extra: serde_json::Value| {
        let mut body = json!({ "type": kind, "effective_on": on, "doc_no": format!("{kind}/1") });
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let url = format!("/api/v1/candidates/{id}/steps");
    for k in ["application", "biography", "verification", "comments"] {
        assert_eq!(app.post_json(&url, &admin, step(k, "2025-04-01", json!({}))).await.status, StatusCode::CREATED);
    }
    assert_eq!(app.post_json(&url, &admin, step("introduction", "2025-04-02", json!({ "introducers": [intro] }))).await.status, StatusCode::CREATED);
    // A vote below two thirds claimed as passed: refused in Vietnamese, naming the rule.
    let res = app.post_json(&url, &admin, step("branch_resolution", "2025-05-05", json!({ "votes_for": "1", "full_members": "2", "result": "passed" }))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = res.json()["error"]["fields"]["result"].as_str().unwrap().to_string();
    assert!(msg.starts_with("Kết quả: 1/2 tán thành chưa đạt tỷ lệ ≥2/3"), "{msg}");
    assert!(msg.contains("Điều lệ"), "{msg}");
    let res = app.post_json(&url, &admin, step("branch_resolution", "2025-05-05", json!({ "votes_for": "2", "full_members": "2" }))).await;
    assert_eq!(res.json()["stage"], "branch_proposed");
    app.post_json(&url, &admin, step("committee_resolution", "2025-05-12", json!({}))).await;
    app.post_json(&url, &admin, step("decision", "2025-06-02", json!({ "issuer": "Ban Thường vụ" }))).await;
    let res = app.post_json(&url, &admin, step("ceremony", "2025-06-20", json!({}))).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let done = res.json();
    assert_eq!(done["stage"], "admitted");
    let member = done["member_id"].as_str().unwrap().to_string();
    let m = app.get(&format!("/api/v1/members/{member}"), &admin).await.json();
    assert_eq!((m["status"].as_str(), m["party"]["ceremony_date"].as_str()), (Some("probationary"), Some("2025-06-20")));
    // Due on the to-do list for the review; then recognised on the full-membership date.
    let todo = app.get("/api/v1/todo", &admin).await.json();
    let item = todo["items"].as_array().unwrap().iter().find(|t| t["id"] == member.as_str()).expect("probation review due");
    assert_eq!((item["kind"].as_str(), item["from"].as_str()), (Some("probation_review"), Some("2026-06-20")));
    let res = app
        .post_json(
            &format!("/api/v1/members/{member}/events"),
            &admin,
            json!({ "type": "recognised", "effective_on": "2026-06-20", "decision_no": "55-QĐ/ĐU", "decision_date": "2026-07-30" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(app.get(&format!("/api/v1/members/{member}"), &admin).await.json()["status"], "full");
    assert!(app.get("/api/v1/todo", &admin).await.json()["items"].as_array().unwrap().iter().all(|t| t["id"] != member.as_str()));
    // Rules and the calendar are readable; a rule version needs an admin.
    let rules = app.get("/api/v1/rules", &admin).await.json();
    assert!(
        rules["items"].as_array().unwrap().iter().any(|r| r["rule"] == "admission_decision_wd" && r["citation"].as_str().unwrap().starts_with("QĐ 294-QĐ/TW"))
    );
    let cal = app.get("/api/v1/calendar?year=2026", &admin).await.json();
    assert!(cal["days"].as_array().unwrap().iter().any(|d| d["day"] == "2026-02-17"), "Tết 2026");
    let staff = app.token("staff", Role::Staff, Some("P")).await;
    let res = app.post_json("/api/v1/rules", &staff, json!({ "rule": "ceremony_wd", "effective_from": "2026-01-01", "value": "20", "citation": "x" })).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    app.finish().await;
}

#[tokio::test]
async fn the_todo_page_shows_each_user_their_scope() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let bithu = app.login("bithu", "dangbo-bithu").await;
    let page = app.get("/todo", &bithu).await;
    assert_eq!(page.status, StatusCode::OK);
    let mine = page.select_text("ul.todo li");
    assert!(!mine.is_empty());
    assert!(mine.iter().all(|t| t.contains("Chi bộ Khu phố 1")), "{mine:?}");
    assert!(page.body.len() < 60_000);
    let staff = app.login("quangninh", "dangbo-quangninh").await;
    let page = app.get("/todo", &staff).await;
    let all = page.select_text("ul.todo li");
    assert!(all.len() > mine.len());
    assert!(!page.select_text("h2.overdue").is_empty());
    assert!(all.iter().any(|t| t.contains("Xét công nhận đảng viên chính thức") && t.contains("QĐ 24-QĐ/TW")));
    assert!(page.body.len() < 60_000, "{} bytes", page.body.len());
    app.finish().await;
}

#[tokio::test]
async fn a_secretary_records_a_step_from_the_candidate_page() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let bithu = app.login("bithu", "dangbo-bithu").await;
    let list = app.get("/candidates", &bithu).await;
    assert_eq!(list.status, StatusCode::OK);
    let caller = app.store.caller_by_username("bithu").await.unwrap().unwrap();
    let trained = app.store.list_candidates(&caller, None, Some(dangbo_core::candidate::Stage::Trained), true, "").await.unwrap();
    let c = trained.first().expect("a trained candidate in Khu phố 1");
    let page = app.get(&format!("/candidates/{}", c.id), &bithu).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.select_text("select#f-type option").iter().any(|o| o.starts_with("Đơn xin vào Đảng")));
    // Without a date: the error names the field, nothing is written.
    let url = format!("/candidates/{}/steps", c.id);
    let res = app.post_form(&url, &bithu, &[("csrf", bithu.csrf()), ("type", "application"), ("effective_on", "")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.select_text("#e-effective_on"), ["Ngày hiệu lực: chưa nhập, đây là mục bắt buộc."]);
    let res = app.post_form(&url, &bithu, &[("csrf", bithu.csrf()), ("type", "application"), ("effective_on", "20/11/2026"), ("doc_no", "")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get(&format!("/candidates/{}", c.id), &bithu).await;
    assert!(page.select_text("ol.timeline li").iter().any(|s| s.contains("20/11/2026") && s.contains("Đơn xin vào Đảng")));
    assert_eq!(page.select_text("p.status"), ["Đang lập hồ sơ"]);
    // Another branch's candidate is not found.
    let admin = Caller::system();
    let others = app.store.list_candidates(&admin, Some("DH-XDH"), None, true, "").await.unwrap();
    if let Some(o) = others.first() {
        assert_eq!(app.get(&format!("/candidates/{}", o.id), &bithu).await.status, StatusCode::NOT_FOUND);
    }
    app.finish().await;
}

#[tokio::test]
async fn rules_calendar_courses_and_targets_pages() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let admin = app.login("admin", "dangbo-admin").await;
    let rules = app.get("/rules", &admin).await;
    // An unchecked value carries a plain sign, explained once at the top; months read as years.
    assert!(rules.select_text("#r-certificate_validity_months td").iter().any(|t| t.contains("⚠ chưa đối chiếu")));
    assert_eq!(rules.select_text("p.note").iter().filter(|t| t.contains("⚠")).count(), 1);
    assert!(
        rules.select_text("#r-admission_min_age_months td").iter().any(|t| t == "216 (18 năm)"),
        "{:?}",
        rules.select_text("#r-admission_min_age_months td")
    );
    let res = app
        .post_form("/rules", &admin, &[("csrf", admin.csrf()), ("rule", "ceremony_wd"), ("effective_from", "01/01/2027"), ("value", "abc"), ("citation", "x")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.select_text("#e-value")[0].starts_with("Giá trị: không đúng dạng"));
    let res = app
        .post_form("/rules", &admin, &[("csrf", admin.csrf()), ("rule", "ceremony_wd"), ("effective_from", "01/01/2027"), ("value", "20"), ("citation", "Thử")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(app.get("/rules", &admin).await.select_text("#r-ceremony_wd td").contains(&"01/01/2027".to_string()));
    let cal = app.get("/calendar?year=2026", &admin).await;
    assert!(cal.select_text("td").iter().any(|t| t == "17/02/2026"));
    let courses = app.get("/courses", &admin).await;
    assert!(courses.select_text("td").iter().filter(|t| t.starts_with("Bồi dưỡng nhận thức")).count() >= 11);
    let targets = app.get("/orgs/DH/targets?year=2018", &admin).await;
    assert_eq!(targets.status, StatusCode::OK);
    assert_eq!(targets.select_text("tbody tr").len(), 37);
    let res = app.post_form("/orgs/DH/targets", &admin, &[("csrf", admin.csrf()), ("org", "DH-TT"), ("year", "2018"), ("admission_target", "x")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.select_text("#e-admission_target"), ["Chỉ tiêu: phải là một số nguyên."]);
    app.finish().await;
}

#[tokio::test]
async fn the_decision_and_the_recognition_list_print_as_pdf() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let staff = app.login("quangninh", "dangbo-quangninh").await;
    let list = app.get("/todo/recognition.pdf", &staff).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(list.body.starts_with("%PDF-"));
    let caller = app.store.caller_by_username("quangninh").await.unwrap().unwrap();
    let decided = app.store.list_candidates(&caller, None, Some(dangbo_core::candidate::Stage::Decided), false, "").await.unwrap();
    let c = decided.first().expect("the demo has decided candidates");
    let page = app.get(&format!("/candidates/{}", c.id), &staff).await;
    assert!(page.body.contains(&format!("/candidates/{}/decision.pdf", c.id)));
    let pdf = app.get(&format!("/candidates/{}/decision.pdf", c.id), &staff).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with("%PDF-"));
    let listed = app.store.list_candidates(&caller, None, Some(dangbo_core::candidate::Stage::Listed), false, "").await.unwrap();
    assert_eq!(app.get(&format!("/candidates/{}/decision.pdf", listed[0].id), &staff).await.status, StatusCode::NOT_FOUND);
    app.finish().await;
}

#[tokio::test]
async fn the_change_page_previews_members_and_pending_files() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let staff = app.login("quangninh", "dangbo-quangninh").await;
    let page = app.get("/orgs/DH-TT-01/change", &staff).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.select_text("section.preview h2"), ["Những gì thay đổi này ảnh hưởng"]);
    let links: Vec<String> =
        page.html().select(&scraper::Selector::parse("section.preview a").unwrap()).filter_map(|a| a.value().attr("href").map(String::from)).collect();
    assert!(links.iter().any(|h| h.starts_with("/candidates/")), "{links:?}");
    app.finish().await;
}

#[tokio::test]
async fn a_transfer_letter_prints_while_the_transfer_is_under_way() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let admin = app.token("adm", Role::Admin, None).await;
    let list = app.get("/api/v1/members?org=DH-TT-01&status=full&limit=5", &admin).await.json();
    let id = list["items"][4]["id"].as_str().unwrap().to_string();
    let res = app
        .post_json(
            &format!("/api/v1/members/{id}/events"),
            &admin,
            json!({ "type": "transfer_issued", "effective_on": "2026-11-20", "org": "DH-TT-02", "decision_no": "15" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let staff = app.login("quangninh", "dangbo-quangninh").await;
    let page = app.get(&format!("/members/{id}"), &staff).await;
    assert!(page.body.contains(&format!("/members/{id}/transfer.pdf")));
    let pdf = app.get(&format!("/members/{id}/transfer.pdf"), &staff).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with("%PDF-"));
    let res = app
        .post_json(&format!("/api/v1/members/{id}/events"), &admin, json!({ "type": "transfer_issued", "effective_on": "2026-11-21", "org": "DH-TT-03" }))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.json()["error"]["fields"]["type"].as_str().unwrap().contains("chưa hoàn tất"));
    app.finish().await;
}

#[tokio::test]
async fn an_old_hometown_shows_its_commune_of_today_and_the_member_file_prints() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let admin = app.token("adm", Role::Admin, None).await;
    let list = app.get("/api/v1/members?org=DH-QLO-01&limit=20", &admin).await.json();
    let staff = app.login("quangninh", "dangbo-quangninh").await;
    // Born in Quảng Lợi, merged into Quảng Tân in 2020, which is a commune of today.
    let old = "xã Quảng Lợi, huyện Đầm Hà, tỉnh Quảng Ninh (nay là xã Quảng Tân, tỉnh Quảng Ninh)";
    let mut found = None;
    for item in list["items"].as_array().unwrap() {
        let id = item["id"].as_str().unwrap();
        if app.get(&format!("/members/{id}"), &staff).await.select_text("dl.facts dd").iter().filter(|f| *f == old).count() == 2 {
            found = Some(id.to_string());
            break;
        }
    }
    let id = found.expect("a member born in Quảng Lợi");
    let page = app.get(&format!("/members/{id}"), &staff).await;
    assert_eq!(page.select_attr("a[href$='/file.pdf']", "href"), [format!("/members/{id}/file.pdf")]);
    let pdf = app.get(&format!("/members/{id}/file.pdf"), &staff).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with("%PDF-"));
    let logged = app
        .store
        .audit_search(&Caller::system(), &dangbo_db::AuditFilter { action: Some("export.member_file".into()), limit: 10, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(logged.len(), 1, "{logged:?}");
    // The secretary of another commune's branch never sees it.
    let sec = app.login("bithu", "dangbo-bithu").await;
    assert_eq!(app.get(&format!("/members/{id}/file.pdf"), &sec).await.status, StatusCode::NOT_FOUND);
    app.finish().await;
}

#[tokio::test]
async fn a_card_reissued_shows_in_the_committees_card_book() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let admin = app.token("adm", Role::Admin, None).await;
    let list = app.get("/api/v1/members?org=DH-TT-01&status=full&limit=5", &admin).await.json();
    let id = list["items"][2]["id"].as_str().unwrap().to_string();
    let staff = app.login("quangninh", "dangbo-quangninh").await;
    let form = app.get(&format!("/members/{id}/events/card_issued"), &staff).await;
    assert_eq!(form.select_attr("select#f-card_reason option", "value").iter().filter(|v| !v.is_empty()).count(), 4);
    let m = app.get(&format!("/api/v1/members/{id}"), &admin).await.json();
    let held = m["card_no"].is_string() || m["party"]["card_no"].is_string();
    let first = if held { "exchanged" } else { "first" };
    let body = json!({ "type": "card_issued", "effective_on": "2026-10-05", "card_no": "22.999001", "card_reason": first, "decision_no": "3-QĐ/TU" });
    assert_eq!(app.post_json(&format!("/api/v1/members/{id}/events"), &admin, body).await.status, StatusCode::CREATED);
    let lost = json!({ "type": "card_issued", "effective_on": "2026-11-02", "card_no": "22.999002", "card_reason": "lost" });
    assert_eq!(app.post_json(&format!("/api/v1/members/{id}/events"), &admin, lost).await.status, StatusCode::CREATED);
    let page = app.get("/orgs/QN-XDH/cards?from=01/10/2026&to=30/11/2026", &staff).await;
    assert_eq!(page.status, StatusCode::OK);
    let cells = page.select_text("table.list tbody td");
    assert!(cells.contains(&"22.999002".to_string()) && cells.contains(&"Cấp lại do mất thẻ".to_string()), "{cells:?}");
    assert_eq!(page.select_text("table.list tbody tr").len(), 2);
    let pdf = app.get("/orgs/QN-XDH/cards.pdf?from=2026-10-01&to=2026-11-30", &staff).await;
    assert!(pdf.body.starts_with("%PDF-"));
    assert_eq!(app.get("/orgs/QN-XDH/cards?from=31/02/2026", &staff).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.finish().await;
}

#[tokio::test]
async fn the_cadre_page_lists_the_people_behind_each_move_figure() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let admin = app.token("adm", Role::Admin, None).await;
    let m = app.get("/api/v1/orgs/DH/moves?from=2015-01-01&to=2019-12-31&category=commune_to_upper", &admin).await.json();
    assert_eq!(m["matrix"]["total"], 74);
    assert_eq!(m["items"].as_array().unwrap().len(), 13);
    let loc = app.get("/api/v1/orgs/DH/locality?as_of=2019-12-31", &admin).await.json();
    assert_eq!((loc["units_total"].as_i64(), loc["units_with_nonlocal_secretary"].as_i64()), (Some(10), Some(9)));
    let staff = app.login("quangninh", "dangbo-quangninh").await;
    let page = app.get("/orgs/DH/cadre?from=2015-01-01&to=2019-12-31&category=upper_to_commune", &staff).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.select_text(".counts dd")[..5], ["74", "10", "13", "8", "43"].map(String::from));
    assert_eq!(page.select_text("#moves + table tbody tr").len(), 10);
    let stats = app.get("/orgs/DH/stats?as_of=2019-12-31&from=2015-01-01&to=2019-12-31", &staff).await;
    assert!(stats.body.contains("đã mở 11 lớp bồi dưỡng đối tượng kết nạp đảng cho 598 quần chúng ưu tú, kết nạp 426 đảng viên"), "the seed paragraph");
    assert!(stats.body.contains("152 cán bộ, công chức cấp xã và 78 cán bộ, công chức cấp huyện"));
    assert!(
        stats.body.contains("74 cán bộ lãnh đạo, quản lý (10 từ huyện về xã, 13 từ xã về huyện, 8 từ xã sang xã, 43 từ ngành này sang ngành khác). 9/10 xã")
    );
    app.finish().await;
}

#[tokio::test]
async fn moves_and_exams_download_and_show_on_the_profile() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let staff = app.login("quangninh", "dangbo-quangninh").await;
    for file in ["moves.xlsx", "exams.xlsx"] {
        let res = app.get(&format!("/orgs/DH/cadre/{file}?from=2015-01-01&to=2019-12-31"), &staff).await;
        assert_eq!(res.status, StatusCode::OK, "{file}");
        assert!(res.body.starts_with("PK"), "{file} is a zip (XLSX)");
    }
    assert_eq!(app.get("/orgs/DH/cadre/other.xlsx", &staff).await.status, StatusCode::NOT_FOUND);
    let admin = app.token("adm", Role::Admin, None).await;
    let m = app.get("/api/v1/orgs/DH/moves?from=2015-01-01&to=2019-12-31", &admin).await.json();
    let who = m["items"][0]["member_id"].as_str().unwrap().to_string();
    let page = app.get(&format!("/members/{who}"), &staff).await;
    assert!(page.select_text("h2").iter().any(|h| h == "Điều động, luân chuyển"));
    app.finish().await;
}

#[tokio::test]
async fn pages_go_compressed_and_long_lists_are_cut_per_kind() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let staff = app.login("quangninh", "dangbo-quangninh").await;
    let Auth::Cookie(cookie, _) = &staff else { unreachable!() };
    let req =
        Request::get("/todo").header(header::COOKIE, format!("dangbo_session={cookie}")).header(header::ACCEPT_ENCODING, "gzip").body(Body::empty()).unwrap();
    let res = app.send(req).await;
    assert_eq!(res.headers[header::CONTENT_ENCODING], "gzip");
    let page = app.get("/todo", &staff).await;
    let badges = page.select_text("ul.todo li").iter().filter(|t| t.contains("Huy hiệu")).count();
    assert!(badges <= 20, "{badges}");
    if let Some(more) = page.select_text("ul.more li").first() {
        assert!(more.starts_with("Xem tất cả"));
    }
    let only = app.get("/todo?kind=badge_due", &staff).await;
    assert!(only.select_text("ul.todo li").iter().all(|t| t.contains("Huy hiệu")));
    app.finish().await;
}

#[tokio::test]
async fn a_move_is_recorded_from_the_cadre_page() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let staff = app.login("quangninh", "dangbo-quangninh").await;
    let admin = app.token("adm", Role::Admin, None).await;
    let list = app.get("/api/v1/members?org=DH-TT-01&status=full&limit=1", &admin).await.json();
    let who = list["items"][0]["id"].as_str().unwrap().to_string();
    let page = app.get(&format!("/members/{who}"), &staff).await;
    assert!(page.body.contains(&format!("/orgs/DH-TT-01/cadre?member={who}")));
    let form = |start: &str| {
        vec![
            ("csrf", staff.csrf().to_string()),
            ("what", "move".into()),
            ("org", "QN".into()),
            ("member", who.clone()),
            ("kind", "rotation".into()),
            ("from_unit", "Sở Nội vụ".into()),
            ("from_level", "province".into()),
            ("from_sector", "Chính quyền".into()),
            ("to_unit", "Đảng ủy xã Đầm Hà".into()),
            ("to_level", "commune".into()),
            ("to_sector", "Đảng".into()),
            ("start_on", start.to_string()),
        ]
    };
    let bad: Vec<(&str, String)> = form("");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = app.post_form("/orgs/QN/cadre", &staff, &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.select_text("#e-start_on"), ["Từ ngày: chưa nhập, đây là mục bắt buộc."]);
    let ok: Vec<(&str, String)> = form("01/10/2026");
    let ok: Vec<(&str, &str)> = ok.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.post_form("/orgs/QN/cadre", &staff, &ok).await.status, StatusCode::SEE_OTHER);
    let m = app.get("/api/v1/orgs/QN/moves?from=2026-01-01&to=2026-12-31&category=upper_to_commune", &admin).await.json();
    assert!(m["items"].as_array().unwrap().iter().any(|x| x["member_id"] == who.as_str()));
    app.finish().await;
}

#[tokio::test]
async fn a_probationary_profile_offers_the_branchs_full_members_as_helpers() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let staff = app.login("quangninh", "dangbo-quangninh").await;
    let admin = app.token("adm", Role::Admin, None).await;
    let list = app.get("/api/v1/members?status=probationary&limit=1", &admin).await.json();
    let who = list["items"][0]["id"].as_str().expect("the demo has a probationary member").to_string();
    let org = list["items"][0]["org"].as_str().unwrap().to_string();
    let full = app.get(&format!("/api/v1/members?org={org}&status=full&limit=500"), &admin).await.json();
    let expected: Vec<String> = full["items"].as_array().unwrap().iter().map(|m| m["full_name"].as_str().unwrap().to_string()).collect();
    assert!(!expected.is_empty());
    let page = app.get(&format!("/members/{who}"), &staff).await;
    assert_eq!(page.status, StatusCode::OK);
    let helper_form = format!("/members/{who}/events/helper_assigned");
    assert!(page.body.contains(&helper_form), "the probationary member's page offers a helper");
    let page = app.get(&helper_form, &staff).await;
    assert_eq!(page.status, StatusCode::OK);
    // The first option is "choose"; then the branch's full members, by given name.
    let offered: Vec<String> = page.select_text("select[name=helper] option").into_iter().skip(1).collect();
    assert_eq!(offered, expected);
    // A full member's profile offers none.
    let page = app.get(&format!("/members/{}", full["items"][0]["id"].as_str().unwrap()), &staff).await;
    assert!(!page.body.contains("/events/helper_assigned"));
    app.finish().await;
}

#[tokio::test]
async fn the_admission_decision_asks_first_and_shows_what_it_fixes() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let staff = app.login("quangninh", "dangbo-quangninh").await;
    let caller = app.store.caller_by_username("quangninh").await.unwrap().unwrap();
    let today = crate::today();
    let mut due = None;
    for c in app.store.list_candidates(&caller, None, None, true, "").await.unwrap() {
        let d = app.store.candidate(&caller, &c.id, today).await.unwrap();
        if d.next_steps.contains(&dangbo_core::candidate::StepKind::Decision) {
            due = Some(d);
            break;
        }
    }
    let d = due.expect("a demo candidate waiting for the decision");
    let url = format!("/candidates/{}/steps", d.id);
    let form = [("type", "decision"), ("effective_on", "20/11/2026"), ("doc_no", "45-QĐ/ĐU"), ("issuer", "Đảng ủy thị trấn Đầm Hà")];
    let mut fields = vec![("csrf", staff.csrf())];
    fields.extend(form);
    let res = app.post_form(&url, &staff, &fields).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.select_text("h1")[0].starts_with("Xác nhận trước khi ghi"));
    assert!(res.select_text("p.banner")[0].contains("không sửa hay xóa được"));
    assert!(res.select_text("dl.facts dd").contains(&"45-QĐ/ĐU".to_string()));
    assert_eq!(res.select_attr("form input[name=doc_no]", "value"), ["45-QĐ/ĐU"]);
    // Nothing is written until the user confirms.
    let after = app.store.candidate(&caller, &d.id, today).await.unwrap();
    assert_eq!(after.steps.len(), d.steps.len());
    fields.push(("confirm", "1"));
    let res = app.post_form(&url, &staff, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let after = app.store.candidate(&caller, &d.id, today).await.unwrap();
    assert_eq!(after.stage, dangbo_core::candidate::Stage::Decided);
    app.finish().await;
}

#[tokio::test]
async fn list_filters_offer_the_organisations_by_name() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let staff = app.login("quangninh", "dangbo-quangninh").await;
    let page = app.get("/members", &staff).await;
    let options = page.select_text("select#org option");
    assert_eq!(options[0], "Tất cả");
    assert!(options.iter().any(|o| o.trim() == "Chi bộ Khu phố 1"), "{options:?}");
    // A branch sits under its committee, indented.
    // Khu phố 1 of the old town is in the new xã Đầm Hà since 1/7/2025.
    let committee = options.iter().position(|o| o == "Đảng bộ xã Đầm Hà").expect("the commune's committee");
    assert!(options[committee + 1].starts_with("Chi bộ"), "{:?}", &options[committee..committee + 2]);
    // Indented one step deeper than their committee (three no-break spaces per level).
    let indent =
        |name: &str| page.body.split(&format!("{name}</option>")).next().unwrap().rsplit('>').next().unwrap().chars().filter(|c| *c == '\u{a0}').count();
    assert_eq!(indent("Chi bộ Khu phố 1"), indent("Đảng bộ xã Đầm Hà") + 3, "branches sit under their committee");
    let code = app.store.org_choices(&app.store.caller_by_username("quangninh").await.unwrap().unwrap(), crate::today()).await.unwrap();
    let kp1 = code.iter().find(|o| o.name == "Chi bộ Khu phố 1").unwrap();
    let filtered = app.get(&format!("/members?org={}", kp1.code), &staff).await;
    assert_eq!(filtered.select_attr("select#org option[selected]", "value"), vec![kp1.code.as_str()]);
    let bithu = app.login("bithu", "dangbo-bithu").await;
    let page = app.get("/candidates", &bithu).await;
    assert_eq!(page.select_text("select#org option").len(), 2, "any, and the secretary's one branch");
    app.finish().await;
}
