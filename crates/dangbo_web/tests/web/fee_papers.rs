//! Party fees above the month on the demo, on both databases: the district's 2019 reconciles to
//! the đồng, the branch's book prints (PDF and Excel) with its decisions, the year and the
//! arrears come out of the API, a reduction is recorded by the committee and refused by field,
//! and a branch records what it sent up.

use crate::*;
use calamine::{Data, Reader, Xlsx};

async fn bytes(app: &TestApp, path: &str, auth: &Auth) -> (StatusCode, Vec<u8>) {
    let res = app.router.clone().oneshot(auth.apply(Request::get(path)).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    (status, res.into_body().collect().await.unwrap().to_bytes().to_vec())
}

#[tokio::test]
async fn the_demo_district_reconciles_2019_and_the_branch_book_prints() {
    let mut dbs = vec![TestDb::sqlite().await];
    if let Some(pg) = TestDb::postgres().await {
        dbs.push(pg);
    }
    for db in dbs {
        let backend = db.name;
        let app = TestApp::with_demo(db).await;
        let api = app.token("ketoan", Role::Admin, None).await;
        let recon = app.get("/api/v1/orgs/DH/fees/reconciliation?year=2019", &api).await.json();
        assert_eq!(recon["balanced"], true, "{backend}: {}", recon["rows"]);
        let collected = recon["collected"].as_i64().unwrap();
        assert!(collected > 10_000_000 && recon["rows"].as_array().unwrap().len() > 100, "{backend}: {collected}");
        assert_eq!(collected, recon["kept"].as_i64().unwrap() + recon["sent_up"].as_i64().unwrap(), "{backend}");

        let admin = app.login("admin", "dangbo-admin").await;
        let page = app.get("/orgs/DH/fees/reconciliation?year=2019", &admin).await;
        assert_eq!(page.status, StatusCode::OK, "{backend}");
        assert!(page.body.len() < 60 * 1024, "{backend}: {} bytes", page.body.len());
        assert_eq!(page.select_attr("#recon-state", "data-balanced"), ["true"], "{backend}");
        assert!(page.select_text("table.recon tr.off td").is_empty(), "{backend}: nothing stands out");
        let (status, pdf) = bytes(&app, "/orgs/DH/fees/reconciliation.pdf?year=2019", &admin).await;
        assert!(status == StatusCode::OK && pdf.starts_with(b"%PDF-"), "{backend}: {status}");

        // The secretary's book of 2019: the reduction and the exemption with their decisions.
        let sec = app.login("bithu", "dangbo-bithu").await;
        let book = app.get("/orgs/DH-TT-01/fees/book?year=2019", &sec).await;
        assert_eq!(book.status, StatusCode::OK, "{backend}");
        let reliefs = book.select_text("ul li").join(" | ");
        assert!(reliefs.contains("12-QĐ/ĐU") && reliefs.contains("31-QĐ/ĐU"), "{backend}: {reliefs}");
        let (status, pdf) = bytes(&app, "/orgs/DH-TT-01/fees/book.pdf?year=2019", &sec).await;
        assert!(status == StatusCode::OK && pdf.starts_with(b"%PDF-"), "{backend}: {status}");
        let (status, xlsx) = bytes(&app, "/orgs/DH-TT-01/fees/book.xlsx?year=2019", &sec).await;
        assert_eq!(status, StatusCode::OK, "{backend}");
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
        let sheet = wb.worksheet_range("Sổ thu").unwrap();
        let json = app.get("/api/v1/orgs/DH-TT-01/fees/book?year=2019", &api).await.json();
        let paid: i64 = json["lines"].as_array().unwrap().iter().map(|l| l["paid"].as_i64().unwrap()).sum();
        let total_row = sheet.rows().next_back().unwrap();
        assert_eq!(total_row.last(), Some(&Data::Float(paid as f64)), "{backend}: the book's last cell is the year's total paid");
        assert_eq!(bytes(&app, "/orgs/DH-TT-02/fees/book.pdf?year=2019", &sec).await.0, StatusCode::NOT_FOUND, "{backend}: not their branch");

        // The town's year and its arrears: March has the reduction, the autumn the member behind.
        let year = app.get("/api/v1/orgs/DH/fees?year=2019", &api).await.json();
        // Read again: from the sums the first read kept, for the district as it stood in 2019.
        assert_eq!(app.get("/api/v1/orgs/DH/fees?year=2019", &api).await.json(), year, "{backend}");
        let months = year["months"].as_array().unwrap();
        assert!(months[2]["reduced"].as_i64().unwrap() >= 1 && months[8]["in_arrears"].as_i64().unwrap() >= 1, "{backend}: {}", months[8]);
        let arrears = app.get("/api/v1/orgs/DH/fees/arrears?as_of=2019-12-31", &api).await.json();
        assert!(arrears.as_array().unwrap().iter().any(|a| a["unpaid"].as_array().unwrap().len() == 3), "{backend}: {arrears}");
        app.finish().await;
    }
}

#[tokio::test]
async fn a_reduction_is_recorded_by_the_committee_and_a_branch_records_what_it_sent_up() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let sheet = app.store.fee_sheet(&Caller::system(), "DH-TT-01", dangbo_core::fee::Month::new(2026, 11).unwrap()).await.unwrap();
    let id = sheet.lines[0].member_id.clone();
    let admin = app.login("admin", "dangbo-admin").await;
    // The district's 2019 month by month; a month's arrears link to their members.
    let year = app.get("/orgs/DH/fees/year?year=2019", &admin).await;
    assert_eq!(year.status, StatusCode::OK);
    assert_eq!(year.select_text("table.fee-year tbody tr").len(), 12);
    let links = year.select_attr("table.fee-year a[href*='/fees/arrears']", "href");
    assert!(!links.is_empty(), "September to November have a member behind");
    let list = app.get(&links[0], &admin).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.select_text("table.arrears tbody tr").is_empty(), "{}", links[0]);
    let Auth::Cookie(_, csrf) = &admin else { unreachable!() };
    let form = |percent: &'static str| {
        vec![
            ("csrf", csrf.as_str()),
            ("kind", "reduction"),
            ("percent", percent),
            ("from_month", "12/2026"),
            ("to_month", "05/2027"),
            ("decision_no", "45-QĐ/ĐU"),
            ("decision_date", "01/11/2026"),
        ]
    };
    let bad = app.post_form(&format!("/members/{id}/fee-reliefs"), &admin, &form("40")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.select_text("#e-percent").iter().any(|t| t.contains("30%, 50%, 70%")), "{:?}", bad.select_text("#errors li"));
    let ok = app.post_form(&format!("/members/{id}/fee-reliefs"), &admin, &form("30")).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{:?}", ok.select_text("#errors li"));
    let page = app.get(&format!("/members/{id}/fees"), &admin).await;
    assert!(page.select_text("ul li").iter().any(|t| t.contains("45-QĐ/ĐU")), "{:?}", page.select_text("li"));
    // The API answers the same refusal by field.
    let api = app.token("ketoan", Role::Admin, None).await;
    let body = serde_json::json!({"kind": "reduction", "percent": 30, "from": "2026-01", "to": "2027-06", "decision_no": "46", "decision_date": "2026-11-01"});
    let res = app.post_json(&format!("/api/v1/members/{id}/fee-reliefs"), &api, body).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("to_month"), "{}", res.body);

    // The secretary sends the share up; the reconciliation shows it; the commune (since the
    // reorganisation) confirms.
    let sec = app.login("bithu", "dangbo-bithu").await;
    let Auth::Cookie(_, csrf) = &sec else { unreachable!() };
    let page = app.get("/orgs/DH-TT-01/fees/reconciliation?year=2026", &sec).await;
    assert_eq!(page.status, StatusCode::OK);
    let amount = page.select_attr("#f-amount", "value").pop().unwrap_or_default();
    assert!(!amount.is_empty(), "the share still to send is proposed");
    let fields =
        [("csrf", csrf.as_str()), ("year", "2026"), ("from_month", "01/2026"), ("to_month", "10/2026"), ("amount", amount.as_str()), ("sent_on", "20/11/2026")];
    let res = app.post_form("/orgs/DH-TT-01/fees/remittances", &sec, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{:?}", res.select_text("#errors li"));
    let page = app.get("/orgs/DH-TT-01/fees/reconciliation?year=2026&saved=1", &sec).await;
    assert!(page.select_text("table.recon tbody tr.off").is_empty() || page.body.contains(&amount), "the sent amount shows");
    let row = app.get("/api/v1/orgs/DH-TT-01/fees/reconciliation?year=2026", &api).await.json();
    assert_eq!(row["rows"][0]["sent"].as_i64(), row["rows"][0]["expected"].as_i64(), "{row}");
    let town = app.get("/orgs/QN-XDH/fees/reconciliation?year=2026", &admin).await;
    let confirm = town.select_attr("table.remits form", "action");
    assert_eq!(confirm.len(), 1, "the town has one remittance to confirm");
    let Auth::Cookie(_, admin_csrf) = &admin else { unreachable!() };
    let res = app.post_form(&confirm[0], &admin, &[("csrf", admin_csrf), ("code", "QN-XDH"), ("year", "2026")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let town = app.get("/orgs/QN-XDH/fees/reconciliation?year=2026", &admin).await;
    assert!(town.select_attr("table.remits form", "action").is_empty(), "confirmed");
    app.finish().await;
}

/// P → C → B1 with one member, CCCD 022080001234, a student since 2015.
async fn branch_with_a_payer(store: &dangbo_db::Store) -> String {
    for (code, kind, parent) in [("P", "province", None), ("C", "grassroots_committee", Some("P")), ("B1", "subordinate_branch", Some("C"))] {
        let input = dangbo_core::org::NewOrgInput {
            code: code.into(),
            name: format!("Tổ chức {code}"),
            kind: kind.into(),
            field: "residential".into(),
            parent: parent.map(Into::into),
            founded_on: "1960-01-01".into(),
            ..Default::default()
        };
        store.create_org(&Caller::system(), input.parse(today()).unwrap()).await.unwrap();
    }
    let input = dangbo_core::member::MemberInput {
        org: "B1".into(),
        family_name: "Vũ".into(),
        middle_name: "Thị".into(),
        given_name: "Lan".into(),
        sex: "female".into(),
        birth_date: "2001-01-01".into(),
        admission_decision_date: "2020-03-01".into(),
        ceremony_date: "2020-03-15".into(),
        full_date: Some("2021-03-15".into()),
        cccd: Some("022080001234".into()),
        ..Default::default()
    };
    let id = store.create_member(&Caller::system(), input.parse(today()).unwrap()).await.unwrap();
    let basis = dangbo_core::fee::Basis { from: dangbo_core::fee::Month::new(2020, 3).unwrap(), category: dangbo_core::fee::Category::Student, base: 0 };
    store.set_fee_basis(&Caller::system(), &id, basis).await.unwrap();
    id
}

#[tokio::test]
async fn a_portal_statement_imports_once_with_messages_by_row_and_column() {
    let app = TestApp::sqlite().await;
    let id = branch_with_a_payer(&app.store).await;
    app.token("ketoan", Role::Staff, Some("C")).await;
    let session = app.login("ketoan", "hoa-sen-no-sang-9").await;
    let Auth::Cookie(cookie, csrf) = &session else { unreachable!() };
    let upload = |file: &'static str, action: &'static str| {
        let (ct, body) = crate::pages::multipart(&[("csrf", csrf), ("channel", "portal"), ("action", action)], ("sao-ke.csv", file.as_bytes()));
        Request::post("/fees/import")
            .header(header::COOKIE, format!("dangbo_session={cookie}"))
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap()
    };
    const GOOD: &str = "Họ và tên,Số định danh cá nhân,Kỳ nộp,Số tiền,Ngày giao dịch,Mã giao dịch\nVũ Thị Lan,022080001234,10/2026,5.000,10/11/2026,GD-1\nVũ Thị Lan,022080001234,11/2026,5.000,10/11/2026,GD-2\n";
    const BAD: &str = "Họ và tên,Số định danh cá nhân,Kỳ nộp,Số tiền\nVũ Thị Lan,022080001234,10/2026,5.000\nAi đó,099999999999,10/2026,5.000\nVũ Thị Lan,022080001234,13/2026,0\n";
    let res = app.send(upload(GOOD, "check")).await;
    assert_eq!(res.status, StatusCode::OK, "{:?}", res.select_text(".problems li"));
    assert!(res.select_text("#import-summary")[0].contains("sẽ ghi 2 khoản"), "{:?}", res.select_text("#import-summary"));
    let res = app.send(upload(BAD, "commit")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problems = res.select_text(".problems li");
    assert!(problems.iter().any(|p| p.starts_with("Dòng 3, cột «Số CCCD»")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("Dòng 4, cột «Tháng»")) && problems.iter().any(|p| p.starts_with("Dòng 4, cột «Số tiền»")), "{problems:?}");
    let fees = app.store.member_fees(&Caller::system(), &id, 2026, today()).await.unwrap();
    assert_eq!(fees.months[9].paid, 0, "nothing of a refused file is written");
    let res = app.send(upload(GOOD, "commit")).await;
    assert_eq!(res.status, StatusCode::OK, "{:?}", res.select_text(".problems li"));
    let res = app.send(upload(GOOD, "commit")).await;
    assert!(
        res.select_text("#import-summary")[0].contains("Đã ghi 0 khoản") && res.select_text("#import-summary")[0].contains("2 khoản đã có"),
        "{:?}",
        res.select_text("#import-summary")
    );
    let fees = app.store.member_fees(&Caller::system(), &id, 2026, today()).await.unwrap();
    assert_eq!((fees.months[9].paid, fees.months[10].paid), (5_000, 5_000), "recorded once");
    let missing = app.send(upload("Họ và tên,Ghi chú\nA,B\n", "check")).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.select_text("#import-summary")[0].contains("Tháng"), "{:?}", missing.select_text("#import-summary"));

    // The API takes the same rows as JSON.
    let api = app.token("api", Role::Staff, Some("C")).await;
    let body = serde_json::json!({"dry_run": true, "rows": [{"cccd": "022080001234", "month": "2026-09", "amount": 5000, "receipt": "GD-3"}, {"card_no": "X", "month": "2026-09", "amount": "5.000"}]});
    let r = app.post_json("/api/v1/fees/import", &api, body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    assert_eq!((v["recorded"].as_i64(), v["problems"][0]["row"].as_i64()), (Some(1), Some(2)), "{v}");
    assert!(v["problems"][0]["errors"]["card_no"].is_object(), "{v}");
    app.finish().await;
}

#[tokio::test]
async fn a_secretary_records_three_months_paid_ahead_in_the_months_submit() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let session = app.login("bithu", "dangbo-bithu").await;
    let Auth::Cookie(_, csrf) = &session else { unreachable!() };
    let page = app.get("/orgs/DH-TT-01/fees?month=2026-11", &session).await;
    let names = page.select_attr("select[name^='pay.']", "name");
    let first = names[0].trim_start_matches("pay.").to_string();
    let mut fields: Vec<(String, String)> = vec![("csrf".into(), csrf.clone()), ("month".into(), "2026-11".into()), ("channel".into(), "cash".into())];
    fields.push(("paid_on".into(), "27/11/2026".into()));
    for n in &names {
        fields.push((n.clone(), if n.ends_with(&first) { "ahead".into() } else { "none".into() }));
    }
    fields.push((format!("months.{first}"), "13".into()));
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app.post_form("/orgs/DH-TT-01/fees", &session, &refs).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "thirteen months is more than a year");
    assert!(res.select_text("#errors li").iter().any(|t| t.contains("12")), "{:?}", res.select_text("#errors li"));
    fields.pop();
    fields.push((format!("months.{first}"), "3".into()));
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app.post_form("/orgs/DH-TT-01/fees", &session, &refs).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{:?}", res.select_text("#errors li"));
    let fees = app.store.member_fees(&Caller::system(), &first, 2027, today()).await.unwrap();
    assert!(fees.months[0].paid > 0, "January 2027 paid ahead");
    assert_eq!(fees.months[1].paid, 0, "three months: November to January");
    app.finish().await;
}
