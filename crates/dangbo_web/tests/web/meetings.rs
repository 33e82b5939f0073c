use crate::*;
use serde_json::json;

fn sel(page: &Res, css: &str) -> usize {
    page.html().select(&scraper::Selector::parse(css).unwrap()).count()
}

/// The secretary's evening on a phone: plan, print the kit, take attendance, vote, close, print.
#[tokio::test]
async fn a_secretary_runs_a_meeting_from_plan_to_printed_minutes() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let s = app.login("bithu", "dangbo-bithu").await;
    let page = app.get("/orgs/DH-TT-01/meetings", &s).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Điểm danh, báo cáo số đảng viên có mặt"), "the 16-step agenda is the default");
    let res = app
        .post_form(
            "/orgs/DH-TT-01/meetings",
            &s,
            &[
                ("csrf", s.csrf()),
                ("what", "plan"),
                ("kind", "regular"),
                ("planned_on", "25/11/2026"),
                ("starts_at", "19:30"),
                ("place", "Nhà văn hóa khu 1"),
                ("agenda", "Điểm danh\nBiểu quyết"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let url = res.headers.get("location").unwrap().to_str().unwrap().to_string();
    let page = app.get(&url, &s).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.len() < 60_000, "{} bytes", page.body.len());
    let members = sel(&page, "fieldset.att");
    assert!(members > 10, "one row per member of the đảng số: {members}");
    assert_eq!(
        sel(&page, "fieldset.att input[value=present][checked]"),
        members - sel(&page, "fieldset.att input[value=exempt][checked]") - sel(&page, "fieldset.att input[value=attached_elsewhere][checked]")
    );
    let kit = app.get(&format!("{url}/kit.pdf"), &s).await;
    assert_eq!(kit.headers.get("content-type").unwrap(), "application/pdf");
    // Attendance: everyone as preselected, one absent with reason; chair and secretary chosen.
    let html = page.html();
    let radios: Vec<String> = html
        .select(&scraper::Selector::parse("fieldset.att input[type=radio][checked]").unwrap())
        .map(|e| e.value().attr("name").unwrap().to_string())
        .collect();
    let checked: Vec<(String, String)> = html
        .select(&scraper::Selector::parse("fieldset.att input[type=radio][checked]").unwrap())
        .map(|e| (e.value().attr("name").unwrap().to_string(), e.value().attr("value").unwrap().to_string()))
        .collect();
    let chair = radios[0].trim_start_matches("p.").to_string();
    let absent = radios[1].clone();
    let mut fields: Vec<(&str, &str)> =
        vec![("csrf", s.csrf()), ("what", "hold"), ("held_on", "25/11/2026"), ("chair", &chair), ("secretary", &chair), ("prepared_on", "20/11/2026")];
    for (name, value) in &checked {
        if *name == absent {
            fields.push((name, "absent_excused"));
        } else {
            fields.push((name, value));
        }
    }
    let reason = format!("r.{}", absent.trim_start_matches("p."));
    fields.push((&reason, "Ốm"));
    let res = app.post_form(&url, &s, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get(&url, &s).await;
    assert!(page.body.contains("Vắng có lý do (Ốm)") || page.body.contains("vắng có lý do"), "the absence and its reason are shown");
    // More votes than members present: refused, naming the field.
    let res = app
        .post_form(&url, &s, &[("csrf", s.csrf()), ("what", "vote"), ("kind", "resolution"), ("subject", "Nghị quyết tháng 11"), ("votes_for", "500")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("nhiều hơn số đảng viên có mặt"), "{}", res.body.len());
    // A resolution with too few in favour is recorded as failed; a clear one passes.
    let res = app
        .post_form(&url, &s, &[("csrf", s.csrf()), ("what", "vote"), ("kind", "resolution"), ("subject", "Phương án A"), ("votes_for", "2"), ("against", "5")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res =
        app.post_form(&url, &s, &[("csrf", s.csrf()), ("what", "vote"), ("kind", "resolution"), ("subject", "Nghị quyết tháng 11"), ("votes_for", "20")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get(&url, &s).await;
    let results: Vec<String> = page.select_text("table.list td.no, table.list td.ok");
    assert!(results[0].starts_with("Không đạt: 2/") && results[1].starts_with("Đạt: 20/"), "{results:?}");
    // Closing asks first: the button leads to a page showing each criterion met or not, and
    // a close posted without that page's confirmation changes nothing.
    let res = app.post_form(&url, &s, &[("csrf", s.csrf()), ("what", "close")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.headers.get("location").unwrap(), &format!("{url}/close"));
    let confirm = app.get(&format!("{url}/close"), &s).await;
    assert_eq!(confirm.status, StatusCode::OK);
    let criteria = confirm.select_text(".criteria li");
    assert!(criteria.iter().any(|c| c.contains("chuẩn bị")), "{criteria:?}");
    assert_eq!(confirm.select_text("form input[name=confirm]").len(), 1);
    assert!(app.get(&url, &s).await.select_text("a.button.primary").iter().any(|b| b == "Khóa biên bản"), "not yet locked");
    let res = app.post_form(&url, &s, &[("csrf", s.csrf()), ("what", "close"), ("confirm", "1")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app.post_form(&url, &s, &[("csrf", s.csrf()), ("what", "minutes"), ("opinions", "x"), ("conclusions", "y")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("biên bản đã khóa"));
    let pdf = app.get(&format!("{url}/minutes.pdf"), &s).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with("%PDF-") || pdf.headers.get("content-type").unwrap() == "application/pdf");
    // Another branch's meetings are out of her reach.
    assert_eq!(app.get("/orgs/DH-TT-02/meetings", &s).await.status, StatusCode::NOT_FOUND);
    app.finish().await;
}

#[tokio::test]
async fn the_committee_reads_2019_and_answers_a_proposal_through_the_api() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let staff = app.token("tochuc", Role::Staff, Some("QN")).await;
    let list = app.get("/api/v1/meetings?org=DH&from=2019-01-01&to=2019-12-31", &staff).await.json();
    let items = list["items"].as_array().unwrap();
    assert!(items.len() > 500, "{}", items.len());
    let first = &items[0];
    assert!(first["attendance"]["present"].as_i64().unwrap() > 0 && first["quality"]["meets"].is_boolean());
    let report = app.get("/api/v1/orgs/DH/meeting-report?year=2019", &staff).await.json();
    assert_eq!(report["meetings_held"].as_u64().unwrap() as usize, items.len());
    // Who has studied Chỉ thị 05 in xã Đầm Hà (the old town's branches among them), from the
    // thematic meetings of 2019.
    let docs = app.get("/api/v1/documents", &staff).await.json();
    let d05 = docs["items"].as_array().unwrap().iter().find(|d| d["number"] == "05-CT/TW").expect("in the library")["id"].as_str().unwrap().to_string();
    let study = app.get(&format!("/api/v1/documents/{d05}/study?org=QN-XDH"), &staff).await.json();
    assert!(study["studied"].as_i64().unwrap() > 0, "{study}");
    let session = app.login("quangninh", "dangbo-quangninh").await;
    // The 2019 course for branch secretaries who are village heads lists them, linked to profiles
    // that show the course and both positions.
    let courses = app.store.list_courses(&Caller::system(), None, Some(2019)).await.unwrap();
    let course = courses.iter().find(|k| k.name.starts_with("Lớp bồi dưỡng bí thư")).unwrap();
    let page = app.get(&format!("/courses/{}", course.id), &session).await;
    assert!(sel(&page, "#participants + table tbody tr") > 20, "{}", page.body.len());
    let first =
        page.html().select(&scraper::Selector::parse("#participants + table tbody a").unwrap()).next().unwrap().value().attr("href").unwrap().to_string();
    let profile = app.get(&first, &session).await;
    assert!(profile.body.contains("Trưởng thôn, khu phố") && profile.body.contains("Lớp bồi dưỡng bí thư"), "the profile shows the post and the course");
    let page = app.get("/proposals", &session).await;
    assert!(page.body.len() < 60_000, "{} bytes", page.body.len());
    let open = page.html().select(&scraper::Selector::parse("section.card form").unwrap()).next().unwrap().value().attr("action").unwrap().to_string();
    let res = app.post_form(&open, &session, &[("csrf", session.csrf()), ("action", "answer"), ("answer", ""), ("on", "20/11/2026")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.select_text("ul.error li").iter().any(|e| e.starts_with("Nội dung trả lời:")), "the message names the field");
    let page = app.get("/orgs/DH/meetings?year=2019", &session).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.len() < 60_000, "{} bytes", page.body.len());
    // An open proposal from 2019 is overdue on the committee's to-do list; answering it and
    // reporting it back at a later meeting of the branch closes it.
    let todo = app.get("/api/v1/todo", &staff).await.json();
    let due = todo["items"].as_array().unwrap().iter().find(|t| t["kind"] == "proposal_answer").expect("an open proposal is due").clone();
    assert_eq!(due["overdue"], true);
    let pid = due["id"].as_str().unwrap();
    let res = app
        .post_json(&format!("/api/v1/proposals/{pid}"), &staff, json!({ "action": "answer", "answer": "Đã chỉ đạo xã giải quyết", "on": "2026-11-20" }))
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let props = app.get("/api/v1/proposals", &staff).await.json();
    let p = props["items"].as_array().unwrap().iter().find(|p| p["id"] == pid).unwrap().clone();
    let org = p["org"].as_str().unwrap();
    let m = app.post_json("/api/v1/meetings", &staff, json!({ "org": org, "kind": "regular", "planned_on": "2026-11-25" })).await.json();
    let mid = m["id"].as_str().unwrap().to_string();
    let detail = app.get(&format!("/api/v1/meetings/{mid}"), &staff).await.json();
    assert_eq!(detail["to_report"].as_array().unwrap().len(), 1);
    let roster: Vec<serde_json::Value> = app
        .store
        .meeting_roster(&Caller::system(), &mid, None)
        .await
        .unwrap()
        .iter()
        .map(|r| json!({ "member_id": r.member_id, "presence": r.presence }))
        .collect();
    let res = app.post_json(&format!("/api/v1/meetings/{mid}/attendance"), &staff, json!({ "held_on": "2026-11-25", "attendance": roster })).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let res = app.post_json(&format!("/api/v1/proposals/{pid}"), &staff, json!({ "action": "report", "meeting": mid })).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let detail = app.get(&format!("/api/v1/meetings/{mid}"), &staff).await.json();
    assert_eq!(detail["reported_here"][0]["state"], "reported");
    // The counts and each member's presence, under two keys (one JSON object, no key twice).
    assert_eq!(detail["attendance"]["roster"].as_u64().unwrap() as usize, roster.len());
    assert_eq!(detail["attendees"].as_array().unwrap().len(), roster.len());
    // The minutes are one GET away for an API client too.
    let pdf = app.get(detail["minutes_pdf"].as_str().unwrap(), &staff).await;
    assert_eq!((pdf.status, pdf.headers.get("content-type").unwrap().to_str().unwrap()), (StatusCode::OK, "application/pdf"));
    app.finish().await;
}

#[tokio::test]
async fn a_planned_cadre_beyond_the_limit_is_refused_on_the_page_with_the_rule() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let staff = app.login("quangninh", "dangbo-quangninh").await;
    let res =
        app.post_form("/orgs/DH-TT/planning", &staff, &[("csrf", staff.csrf()), ("what", "cycle"), ("term", "2025-2030"), ("approved_on", "01/12/2025")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get("/orgs/DH-TT/planning", &staff).await;
    let cycle = page.html().select(&scraper::Selector::parse("input[name=cycle]").unwrap()).next().unwrap().value().attr("value").unwrap().to_string();
    let token = app.token("tc", Role::Staff, Some("QN")).await;
    let members = app.get("/api/v1/members?org=DH-TT-01&limit=4", &token).await.json();
    let ids: Vec<String> = members["items"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_string()).collect();
    for id in &ids[..3] {
        let res = app
            .post_form(
                "/orgs/DH-TT/planning",
                &staff,
                &[("csrf", staff.csrf()), ("what", "planned"), ("cycle", &cycle), ("member", id), ("title", "secretary"), ("added_on", "01/12/2025")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    let res = app
        .post_form(
            "/orgs/DH-TT/planning",
            &staff,
            &[("csrf", staff.csrf()), ("what", "planned"), ("cycle", &cycle), ("member", &ids[3]), ("title", "secretary"), ("added_on", "01/12/2025")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = res.select_text("#e-title").join(" ");
    assert!(msg.contains("đã đủ 3 người") && msg.contains("QĐ 377-QĐ/TW"), "{msg}");
    let api = app.get("/api/v1/orgs/DH-TT/planning", &token).await.json();
    assert_eq!(api["cycles"][0]["structure"]["total"], 3);
    app.finish().await;
}
