use crate::*;

#[tokio::test]
async fn pages_need_a_login_and_the_login_is_throttled() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let res = app.get("/orgs/DH", &Auth::None).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.headers[header::LOCATION], "/login?next=%2Forgs%2FDH");
    let res = app.post_form("/login", &Auth::None, &[("username", "quangninh"), ("password", "sai"), ("next", "/orgs")]).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.select_text("p.banner"), ["Tên đăng nhập hoặc mật khẩu không đúng."]);
    let session = app.login("quangninh", "dangbo-quangninh").await;
    let page = app.get("/orgs/DH?as_of=2019-12-31", &session).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.select_text("h1"), ["Đảng bộ huyện Đầm Hà"]);
    let counts = page.select_text(".counts dd");
    assert_eq!(counts[..2], ["35".to_string(), "2.068".to_string()]);
    assert_eq!(page.select_text(".tree li.grassroots").len(), 35);
    for _ in 0..5 {
        app.post_form("/login", &Auth::None, &[("username", "bithu"), ("password", "x")]).await;
    }
    let res = app.post_form("/login", &Auth::None, &[("username", "bithu"), ("password", "dangbo-bithu")]).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    app.finish().await;
}

#[tokio::test]
async fn english_is_one_switch_away() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let session = app.login("admin", "dangbo-admin").await;
    let Auth::Cookie(cookie, _) = &session else { unreachable!() };
    let res = app.get("/lang/en?back=/orgs/DH", &session).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let lang = res.cookie("dangbo_lang").unwrap();
    let req =
        Request::get("/orgs/DH?as_of=2019-12-31").header(header::COOKIE, format!("dangbo_session={cookie}; dangbo_lang={lang}")).body(Body::empty()).unwrap();
    let page = app.send(req).await;
    assert_eq!(page.select_text(".counts dt")[..2], ["Grassroots organisations".to_string(), "Members".to_string()]);
    assert_eq!(page.select_text(".counts dd")[1], "2,068");
    assert!(page.body.contains("<html lang=\"en\">"));
    app.finish().await;
}

#[tokio::test]
async fn forms_show_errors_beside_the_field_and_need_the_csrf_token() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let session = app.login("bithu", "dangbo-bithu").await;
    let form = app.get("/members/new?org=DH-TT-01", &session).await;
    assert_eq!(form.status, StatusCode::OK);
    let fields = [
        ("org", "DH-TT-01"),
        ("family_name", "Hoàng"),
        ("given_name", "Lan"),
        ("sex", "female"),
        ("birth_date", "31/12/2030"),
        ("admission_decision_date", "01/03/2024"),
        ("ceremony_date", "20/03/2024"),
    ];
    let without = app.post_form("/members/new", &session, &fields).await;
    assert_eq!(without.status, StatusCode::FORBIDDEN);
    let mut with = fields.to_vec();
    with.push(("csrf", session.csrf()));
    let res = app.post_form("/members/new", &session, &with).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.select_text(".has-error #e-birth_date"), ["Ngày sinh: không được sau ngày hôm nay."]);
    assert_eq!(res.html().select(&scraper::Selector::parse("#f-family_name").unwrap()).next().unwrap().value().attr("value"), Some("Hoàng"));
    with[4] = ("birth_date", "15/08/1995");
    let ok = app.post_form("/members/new", &session, &with).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let profile = app.get(ok.headers[header::LOCATION].to_str().unwrap(), &session).await;
    assert_eq!(profile.select_text("h1"), ["Hoàng Lan"]);
    assert_eq!(profile.select_text("p.status"), ["Dự bị"]);
    // The secretary cannot write outside the branch.
    with[0] = ("org", "DH-TT-02");
    let res = app.post_form("/members/new", &session, &with).await;
    assert_eq!(res.select_text("#e-org"), ["Chi bộ: không tìm thấy tổ chức này trong phạm vi của bạn."]);
    app.finish().await;
}

#[tokio::test]
async fn the_member_list_filters_and_pages_by_given_name() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let session = app.login("quangninh", "dangbo-quangninh").await;
    let page = app.get("/members?org=DH-TT&as_of=2019-12-31", &session).await;
    assert_eq!(page.status, StatusCode::OK);
    let names = page.select_text("table.list tbody td:first-child");
    assert_eq!(names.len(), 50);
    let given: Vec<String> = names.iter().map(|n| n.rsplit(' ').next().unwrap().to_string()).collect();
    let mut sorted = given.clone();
    sorted.sort_by(|a, b| dangbo_core::text::compare(a, b));
    assert_eq!(given, sorted, "sorted by given name in Vietnamese order");
    let next = page.html().select(&scraper::Selector::parse("a[rel=next]").unwrap()).next().unwrap().value().attr("href").unwrap().to_string();
    let page2 = app.get(&next, &session).await;
    assert_ne!(page2.select_text("table.list tbody td:first-child")[0], names[0]);
    let women = app.get("/members?org=DH&sex=female&age=0-30", &session).await;
    assert!(women.status.is_success());
    let unknown = app.get("/members?org=NOPE", &session).await;
    assert_eq!(unknown.select_text("p.banner").len(), 1);
    // The tree page stays light.
    let tree = app.get("/orgs", &session).await;
    assert!(tree.body.len() < 60_000, "{} bytes", tree.body.len());
    app.finish().await;
}

#[tokio::test]
async fn an_organisation_can_be_founded_and_dissolved_from_the_forms() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let session = app.login("admin", "dangbo-admin").await;
    let csrf = session.csrf().to_string();
    let res = app
        .post_form(
            "/orgs/QN-XQT/new",
            &session,
            &[
                ("csrf", &csrf),
                ("code", "DH-QL-MOI"),
                ("name", "Chi bộ thôn Mới"),
                ("type", "subordinate_branch"),
                ("field", "residential"),
                ("founded_on", "01/02/2026"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res =
        app.post_form("/orgs/DH-QL-MOI/change", &session, &[("csrf", &csrf), ("type", "moved"), ("effective_on", "01/03/2026"), ("parent", "DH-QL-MOI")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.select_text("#e-parent"), ["Tổ chức cấp trên: không thể chuyển một tổ chức vào dưới chính nó hoặc tổ chức trực thuộc nó."]);
    // Dissolving asks once more, on the page of what it moves; nothing is written before.
    let dissolve = [("csrf", csrf.as_str()), ("type", "dissolved"), ("effective_on", "01/03/2026"), ("decision_no", "99-QĐ/ĐU")];
    let res = app.post_form("/orgs/DH-QL-MOI/change", &session, &dissolve).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.select_text("#confirm").len(), 1);
    assert_eq!(res.select_text("form input[name=confirm]").len(), 1);
    assert!(app.get("/orgs/DH-QL-MOI", &session).await.select_text(".timeline strong").iter().all(|t| t != "Giải thể"), "not yet dissolved");
    let confirmed: Vec<(&str, &str)> = dissolve.iter().copied().chain([("confirm", "1")]).collect();
    let res = app.post_form("/orgs/DH-QL-MOI/change", &session, &confirmed).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get("/orgs/DH-QL-MOI", &session).await;
    assert_eq!(page.select_text(".timeline strong"), ["Thành lập", "Giải thể"]);
    let audit = app.get("/audit", &session).await;
    assert!(audit.select_text("td").iter().any(|t| t == "org.dissolved"));
    app.finish().await;
}

#[tokio::test]
async fn the_statistics_page_links_every_number_to_its_list() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let session = app.login("quangninh", "dangbo-quangninh").await;
    let page = app.get("/orgs/DH/stats?as_of=31/12/2019&from=01/01/2015&to=31/12/2019", &session).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.select_text("p.total strong"), ["2.068"]);
    assert!(page.select_text("p.paragraph")[0].contains("35 tổ chức cơ sở đảng với 2.068 đảng viên"), "{:?}", page.select_text("p.paragraph"));
    assert!(page.select_text("p.paragraph")[0].contains("kết nạp 426 đảng viên"));
    assert!(page.body.contains("<svg"), "the chart is drawn on the server");
    // Follow the link behind the number of women: the list has exactly that many.
    let html = page.html();
    let sel = scraper::Selector::parse("table.stats a").unwrap();
    let women = html.select(&sel).find(|a| a.value().attr("href").unwrap().contains("sex=female")).unwrap();
    let shown: i64 = women.text().collect::<String>().replace('.', "").parse().unwrap();
    let href = women.value().attr("href").unwrap().to_string();
    let list = app.get(&href, &session).await;
    let total = list.select_text("p.total")[0].split(' ').next().unwrap().replace('.', "");
    assert_eq!(total.parse::<i64>().unwrap(), shown);
    assert!(page.body.len() < 60_000, "{} bytes", page.body.len());
    // The admissions figure links to its 426 people.
    let sel = scraper::Selector::parse(".facts a").unwrap();
    let admitted = page
        .html()
        .select(&sel)
        .find(|a| a.value().attr("href").unwrap().contains("/admissions"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .unwrap();
    let list = app.get(&admitted, &session).await;
    assert_eq!(list.select_text("p.total"), ["426 đảng viên"]);
    let pdf = app.get("/forms/DH/pdf?as_of=2019-12-31", &session).await;
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(pdf.body.starts_with("%PDF-"));
    let xlsx = app.get("/forms/DH/xlsx?as_of=2019-12-31", &session).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("Thong-ke-Dang-bo-huyen-Dam-Ha-2019-12-31.xlsx"));
    app.finish().await;
}

#[tokio::test]
async fn the_register_downloads_as_csv_and_xlsx_within_scope() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let session = app.login("quangninh", "dangbo-quangninh").await;
    let csv = app.get("/registers/DH.csv?as_of=2019-12-31", &session).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}'));
    assert_eq!(csv.body.lines().count(), 2068 + 1);
    let disposition = csv.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.contains("filename=\"Danh-sach-dang-vien-Dang-bo-huyen-Dam-Ha-2019-12-31.csv\""), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''"));
    let xlsx = app.get("/registers/DH.xlsx?as_of=2019-12-31", &session).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert_eq!(xlsx.headers[header::CONTENT_TYPE], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let secretary = app.login("bithu", "dangbo-bithu").await;
    assert_eq!(app.get("/registers/DH.csv", &secretary).await.status, StatusCode::NOT_FOUND);
    let pdf = app.get("/registers/DH-TT-01.pdf", &secretary).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(pdf.body.starts_with("%PDF-"));
    assert_eq!(app.get("/registers/DH-TT-01.doc", &secretary).await.status, StatusCode::NOT_FOUND);
    app.finish().await;
}

#[tokio::test]
async fn the_data_quality_page_lists_every_branch() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let session = app.login("quangninh", "dangbo-quangninh").await;
    let page = app.get("/orgs/DH-TT/quality?as_of=2019-12-31", &session).await;
    assert_eq!(page.status, StatusCode::OK);
    let members: i64 = page.select_text("table.stats tbody td:nth-child(2)").iter().map(|t| t.replace('.', "").parse::<i64>().unwrap()).sum();
    let stats = app.get("/orgs/DH-TT/stats?as_of=2019-12-31", &session).await;
    assert_eq!(members.to_string(), stats.select_text("p.total strong")[0].replace('.', ""));
    // The demo records no CCCD: every member is counted as missing one.
    let missing: i64 = page.select_text("table.stats tbody td:nth-child(3)").iter().map(|t| t.replace('.', "").parse::<i64>().unwrap()).sum();
    assert_eq!(missing, members);
    app.finish().await;
}

pub fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    multipart_named(fields, "file", file)
}

/// A multipart body whose file is the field `name`.
pub fn multipart_named(fields: &[(&str, &str)], name: &str, file: (&str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "dangbo-test-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n", file.0)
            .as_bytes(),
    );
    body.extend_from_slice(file.1);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn a_secretary_checks_then_imports_a_spreadsheet() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let session = app.login("bithu", "dangbo-bithu").await;
    let Auth::Cookie(cookie, csrf) = &session else { unreachable!() };
    let csv = "Họ và tên,Giới tính,Ngày sinh,Dân tộc,Số CCCD,Ngày vào Đảng\nNông Văn Dền,Nam,02/09/1990,Tày,022190000777,19/05/2020\n";
    let post = |action: &'static str, file: (&'static str, Vec<u8>)| {
        let (ct, body) = multipart(&[("csrf", csrf), ("org", "DH-TT-01"), ("action", action)], (file.0, &file.1));
        Request::post("/import").header(header::COOKIE, format!("dangbo_session={cookie}")).header(header::CONTENT_TYPE, ct).body(Body::from(body)).unwrap()
    };
    let res = app.send(post("check", ("ds.csv", csv.as_bytes().to_vec()))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.select_text("p.banner")[0].contains("sẽ thêm 1 đảng viên"), "{:?}", res.select_text("p.banner"));
    let res = app.send(post("commit", ("ds.csv", csv.as_bytes().to_vec()))).await;
    assert!(res.select_text("p.banner")[0].contains("thêm 1 đảng viên"));
    let found = app.get("/members?q=nong+van+den", &session).await;
    assert_eq!(found.select_text("table.list tbody td:first-child"), ["Nông Văn Dền"]);
    let res = app.send(post("check", ("ds.xlsx", b"garbage".to_vec()))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.select_text("p.banner")[0].starts_with("Tệp không phải bảng tính"));
    // A header not recognised: the columns are shown to be chosen by hand; the choice is
    // remembered, and the same file then checks clean.
    let odd = "Họ và tên,Giới tính,Ngày sinh,Ngày đứng vào hàng ngũ\nLò Văn Pọm,Nam,02/09/1991,19/05/2021\n";
    let res = app.send(post("check", ("odd.csv", odd.as_bytes().to_vec()))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.select_text("p.banner")[0].contains("ngày vào Đảng"), "{:?}", res.select_text("p.banner"));
    let html = res.html();
    let hidden: Vec<(String, String)> = html
        .select(&scraper::Selector::parse("form[action='/import/mapping'] input[type=hidden]").unwrap())
        .filter_map(|e| Some((e.value().attr("name")?.to_string(), e.value().attr("value")?.to_string())))
        .filter(|(n, _)| n.starts_with("h."))
        .collect();
    let (n, _) = hidden.iter().find(|(_, v)| v == "Ngày đứng vào hàng ngũ").expect("the odd column is listed").clone();
    let field = format!("f.{}", n.trim_start_matches("h."));
    let mut fields: Vec<(&str, &str)> = vec![("csrf", csrf), ("org", "DH-TT-01"), (&field, "ceremony_date")];
    for (k, v) in &hidden {
        fields.push((k, v));
    }
    let saved = app.post_form("/import/mapping", &session, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let res = app.send(post("check", ("odd.csv", odd.as_bytes().to_vec()))).await;
    assert_eq!(res.status, StatusCode::OK, "{:?}", res.select_text("p.banner"));
    app.finish().await;
}

#[tokio::test]
async fn personal_details_change_by_a_dated_event() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let session = app.login("bithu", "dangbo-bithu").await;
    let list = app.get("/members", &session).await;
    let href = list.html().select(&scraper::Selector::parse("table.list tbody a").unwrap()).next().unwrap().value().attr("href").unwrap().to_string();
    let form = app.get(&format!("{href}/edit"), &session).await;
    assert_eq!(form.status, StatusCode::OK);
    let family = form.html().select(&scraper::Selector::parse("#f-family_name").unwrap()).next().unwrap().value().attr("value").unwrap().to_string();
    assert!(!family.is_empty(), "the form is prefilled");
    let csrf = session.csrf().to_string();
    let bad = app.post_form(&format!("{href}/edit"), &session, &[("csrf", &csrf), ("effective_on", "01/10/2026"), ("cccd", "123")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.select_text("#e-cccd"), ["Số CCCD: phải gồm đúng 12 chữ số."]);
    let ok = app
        .post_form(
            &format!("{href}/edit"),
            &session,
            &[("csrf", &csrf), ("effective_on", "01/10/2026"), ("cccd", "022090001234"), ("residence", "Khu phố 1, Đầm Hà")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let profile = app.get(&href, &session).await;
    assert!(profile.select_text(".facts dd").iter().any(|t| t == "022090001234"));
    assert!(profile.select_text(".timeline strong").iter().any(|t| t == "Thay đổi thông tin"));
    // The timeline says what changed, from what to what.
    let changed = profile.select_text(".timeline li");
    assert!(changed.iter().any(|t| t.contains("Số CCCD: — → 022090001234") && t.contains("→ Khu phố 1, Đầm Hà")), "{changed:?}");
    // A change holds from its date by default; a correction says so on the timeline.
    let form = app.get(&format!("{href}/edit"), &session).await;
    assert_eq!(form.select_attr("input[name=change][checked]", "value"), ["change"]);
    let fix = [("csrf", csrf.as_str()), ("effective_on", "02/10/2026"), ("change", "correction"), ("occupation", "Giáo viên")];
    assert_eq!(app.post_form(&format!("{href}/edit"), &session, &fix).await.status, StatusCode::SEE_OTHER);
    let profile = app.get(&href, &session).await;
    assert!(profile.select_text(".timeline li").iter().any(|t| t.contains("sửa sai")), "{:?}", profile.select_text(".timeline li"));
    // The biography's further items: folded away until used, refused with the field named,
    // then on the profile and in the timeline's change.
    let form = app.get(&format!("{href}/edit"), &session).await;
    assert_eq!(form.select_attr("details[open] #f-languages", "id").len(), 0, "folded");
    let early = [("csrf", csrf.as_str()), ("effective_on", "03/10/2026"), ("youth_union_on", "01/01/1900")];
    let res = app.post_form(&format!("{href}/edit"), &session, &early).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.select_text("#e-youth_union_on"), ["Ngày vào Đoàn: phải sau ngày sinh."]);
    assert_eq!(res.select_attr("details[open] #f-youth_union_on", "id").len(), 1, "opened on an error");
    let more = [("csrf", csrf.as_str()), ("effective_on", "03/10/2026"), ("languages", "Tiếng Anh (B1)"), ("youth_union_on", "26/03/2005")];
    assert_eq!(app.post_form(&format!("{href}/edit"), &session, &more).await.status, StatusCode::SEE_OTHER);
    let profile = app.get(&href, &session).await;
    let facts = profile.select_text(".facts dd");
    assert!(facts.contains(&"Tiếng Anh (B1)".to_string()) && facts.contains(&"26/03/2005".to_string()), "{facts:?}");
    assert!(profile.select_text(".timeline li").iter().any(|t| t.contains("Ngoại ngữ, tiếng dân tộc thiểu số: — → Tiếng Anh (B1)")));
    let odd = [("csrf", csrf.as_str()), ("effective_on", "02/10/2026"), ("change", "maybe")];
    let res = app.post_form(&format!("{href}/edit"), &session, &odd).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.select_attr(".error-links a", "href"), ["#f-change"]);
    // A living member is offered the transfers; after a death only a posthumous badge and the
    // correction of an earlier entry remain.
    let offered = |page: &Res| page.select_attr("ul.actions-list a", "href").iter().map(|h| h.rsplit('/').next().unwrap().to_string()).collect::<Vec<_>>();
    assert!(offered(&app.get(&href, &session).await).contains(&"transfer_issued".to_string()));
    let died = [("csrf", csrf.as_str()), ("type", "deceased"), ("effective_on", "27/11/2026")];
    let res = app.post_form(&format!("{href}/events"), &session, &died).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(offered(&app.get(&href, &session).await), ["badge_awarded", "corrected"]);
    app.finish().await;
}

#[tokio::test]
async fn form_4_tctw_lists_every_ethnic_group_and_adds_up() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let s = app.login("quangninh", "dangbo-quangninh").await;
    let page = app.get("/orgs/DH/forms/4-tctw?as_of=31/12/2019", &s).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    let table = scraper::Selector::parse("table.list").unwrap();
    let row = scraper::Selector::parse("tbody tr").unwrap();
    let cell = scraper::Selector::parse("td").unwrap();
    let ethnic: Vec<Vec<String>> =
        html.select(&table).next().unwrap().select(&row).map(|r| r.select(&cell).map(|c| c.text().collect::<String>().trim().to_string()).collect()).collect();
    assert_eq!(ethnic.len(), 54 + 1 + 1 + 1, "54 groups, other, foreign, total");
    assert_eq!(ethnic[0][1], "Kinh");
    assert!(ethnic.iter().any(|r| r[2] == "0"), "zero rows are kept");
    let sum: i64 = ethnic[..56].iter().map(|r| r[2].replace('.', "").parse::<i64>().unwrap()).sum();
    assert_eq!((sum, ethnic[56][2].as_str()), (2068, "2.068"));
    assert!(page.body.contains("không tự đặt ra"), "the unknown columns are said to be unknown");
    for (format, magic) in [("pdf", "%PDF"), ("xlsx", "PK")] {
        let file = app.get(&format!("/orgs/DH/forms/4-tctw?as_of=31/12/2019&format={format}"), &s).await;
        assert_eq!(file.status, StatusCode::OK, "{format}");
        assert!(file.body.starts_with(magic), "{format}");
        let disposition = file.headers.get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(disposition.contains("Bieu-4-TCTW") && disposition.ends_with(&format!(".{format}\"")), "{disposition}");
    }
    app.finish().await;
}

#[tokio::test]
async fn form_3_tctw_counts_each_member_once_per_section_and_links_to_lists() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let s = app.login("quangninh", "dangbo-quangninh").await;
    let page = app.get("/orgs/DH/forms/3-tctw?as_of=31/12/2019", &s).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    let table = scraper::Selector::parse("table.list").unwrap();
    let row = scraper::Selector::parse("tbody tr").unwrap();
    let cell = scraper::Selector::parse("td").unwrap();
    let link = scraper::Selector::parse("a").unwrap();
    let tables: Vec<_> = html.select(&table).collect();
    assert_eq!(tables.len(), 3, "education, professional qualification, political theory");
    for t in &tables {
        let rows: Vec<Vec<String>> = t.select(&row).map(|r| r.select(&cell).map(|c| c.text().collect::<String>().trim().to_string()).collect()).collect();
        let (body, total) = rows.split_at(rows.len() - 1);
        let sum: i64 = body.iter().map(|r| r[2].replace('.', "").parse::<i64>().unwrap()).sum();
        assert_eq!((sum, total[0][2].as_str()), (2068, "2.068"), "every member once per section");
    }
    // Every linked count opens the list of exactly those members, "not recorded" included.
    let mut links = 0;
    for t in &tables {
        for r in t.select(&row) {
            let Some(a) = r.select(&link).next() else { continue };
            let href = a.value().attr("href").unwrap().replace("&amp;", "&");
            let list = app.get(&href, &s).await;
            assert_eq!(list.status, StatusCode::OK, "{href}");
            let shown = list.select_text(".total").concat();
            let count = a.text().collect::<String>();
            assert_eq!(shown.split(' ').next(), Some(count.as_str()), "{href}");
            links += 1;
        }
    }
    assert!(links >= 8, "{links} links");
    assert!(page.body.contains("professional=-"), "the members with no professional qualification are listed too");
    assert!(page.body.contains("chưa ghi học hàm"), "academic titles are said to be unrecorded");
    for (format, magic) in [("pdf", "%PDF"), ("xlsx", "PK")] {
        let file = app.get(&format!("/orgs/DH/forms/3-tctw?as_of=31/12/2019&format={format}"), &s).await;
        assert_eq!(file.status, StatusCode::OK, "{format}");
        assert!(file.body.starts_with(magic), "{format}");
        let disposition = file.headers.get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(disposition.contains("Bieu-3-TCTW") && disposition.ends_with(&format!(".{format}\"")), "{disposition}");
    }
    app.finish().await;
}

/// Dates as people type them (issue 22): an impossible "as of" date is said, never read as
/// today; an organisation that has ended opens on its last day, saying it ended.
#[tokio::test]
async fn an_impossible_date_is_said_and_an_ended_organisation_opens_on_its_last_day() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let session = app.login("quangninh", "dangbo-quangninh").await;
    for bad in ["31/02/2027", "5/1/27", "15/8/98"] {
        let q: String = form_urlencoded::byte_serialize(bad.as_bytes()).collect();
        let res = app.get(&format!("/orgs/DH-TT-01?as_of={q}"), &session).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(res.select_text("p.message")[0].contains("ngày/tháng/năm"), "{bad}: {:?}", res.select_text("p.message"));
        assert_eq!(res.select_text("main a.button"), ["Về trang chính"], "a way forward");
    }
    // The district ended on 01/07/2025: its page and statistics open on 30/06/2025, not on an
    // empty today, and say it ended.
    let page = app.get("/orgs/DH", &session).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.html().select(&scraper::Selector::parse("#as_of").unwrap()).next().unwrap().value().attr("value"), Some("30/06/2025"));
    assert!(page.select_text("p.ended")[0].contains("01/07/2025"));
    assert_ne!(page.select_text(".counts dd")[0], "0");
    let stats = app.get("/orgs/DH/stats", &session).await;
    assert!(stats.select_text("p.ended")[0].contains("01/07/2025"));
    app.finish().await;
}

#[tokio::test]
async fn a_successor_committee_reads_its_predecessors_2019_meetings_and_a_sibling_gets_404() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    app.token("xadamha", Role::Staff, Some("QN-XDH")).await;
    app.token("quangtan", Role::Staff, Some("QN-XQT")).await;
    let dh = app.login("xadamha", "hoa-sen-no-sang-9").await;
    let qt = app.login("quangtan", "hoa-sen-no-sang-9").await;
    // 1/7/2025: the old town and four communes merged into the new xã Đầm Hà, whose page links
    // them as they were on their last day.
    let page = app.get("/orgs/QN-XDH", &dh).await;
    let links = page.select_attr("ul.tree a[href*='as_of=2025-06-30']", "href");
    assert!(links.contains(&"/orgs/DH-TT?as_of=2025-06-30".to_string()), "{links:?}");
    assert_eq!(links.len(), 5, "{links:?}");
    let town = app.get("/orgs/DH-TT?as_of=2019-12-31", &dh).await;
    assert_eq!(town.status, StatusCode::OK);
    assert!(town.select_text("p.ended")[0].contains("chỉ để xem"), "{:?}", town.select_text("p.ended"));
    assert!(app.get("/orgs/DH-TT-01/meetings?year=2019", &dh).await.select_attr("a[href^='/meetings/']", "href").len() >= 10);
    // Quảng Lợi merged into Quảng Tân in 2020, which merged into the new xã Quảng Tân in 2025:
    // its committee reads Quảng Lợi's agency branch, ended in 2020, through both.
    let old = app.get("/orgs/DH-QLO-CQ?as_of=2019-12-31", &qt).await;
    assert_eq!(old.status, StatusCode::OK);
    assert!(old.select_text("table.list tbody tr").len() > 1);
    let meetings = app.get("/orgs/DH-QLO-CQ/meetings?year=2019", &qt).await;
    assert_eq!(meetings.status, StatusCode::OK);
    let ids = meetings.select_attr("a[href^='/meetings/']", "href");
    assert!(ids.len() >= 10, "{ids:?}");
    // Read, not written: the meeting page offers no form, and a post is refused.
    let meeting = app.get(&ids[0], &qt).await;
    assert_eq!(meeting.status, StatusCode::OK);
    assert!(meeting.select_text("form.form button").is_empty(), "{:?}", meeting.select_text("form.form button"));
    let res = app.post_form(&ids[0], &qt, &[("csrf", qt.csrf()), ("what", "correct"), ("entry", "Sửa")]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // Each commune reads its own predecessors only.
    for path in ["/orgs/DH-QLO-CQ", "/orgs/DH-QLO-CQ/meetings?year=2019", &ids[0]] {
        assert_eq!(app.get(path, &dh).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(app.get("/orgs/DH-TT?as_of=2019-12-31", &qt).await.status, StatusCode::NOT_FOUND);
    app.finish().await;
}

#[tokio::test]
async fn the_work_history_and_family_are_kept_line_by_line_and_print_on_the_biography() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let session = app.login("bithu", "dangbo-bithu").await;
    let list = app.get("/members", &session).await;
    let href = list.html().select(&scraper::Selector::parse("table.list tbody a").unwrap()).next().unwrap().value().attr("href").unwrap().to_string();
    let member = app.get(&href, &session).await;
    assert!(member.select_attr("a.button", "href").contains(&format!("{href}/rows")));
    let form = app.get(&format!("{href}/rows"), &session).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.select_attr("#work input[name=work_from]", "name").len(), 3, "three blank lines");
    assert!(form.body.len() < 60_000);
    let csrf = session.csrf().to_string();
    let line = |from: &'static str, to: &'static str, work: &'static str| [("work_from", from), ("work_to", to), ("work_work", work)];
    let relative = |relation: &'static str, name: &'static str, year: &'static str| {
        [
            ("family_relation", relation),
            ("family_name", name),
            ("family_birth_year", year),
            ("family_occupation", "Làm ruộng"),
            ("family_residence", "Đầm Hà"),
            ("family_history", "Chấp hành tốt"),
        ]
    };
    let mut fields: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    fields.extend(line("09/2007", "", "Giáo viên Trường Tiểu học Đầm Hà"));
    fields.extend(line("", "", ""));
    fields.extend(line("09/2003", "06/2007", "Sinh viên"));
    fields.extend(relative("father", "Nguyễn Văn Sinh", "1950"));
    fields.extend(relative("mother", "Trần Thị Mai", "3000"));
    // A bad line: refused, naming it, nothing saved, the form as typed.
    let bad = app.post_form(&format!("{href}/rows"), &session, &fields).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.select_text("div.banner li"), ["Hoàn cảnh gia đình: dòng 2: năm sinh không hợp lệ."]);
    assert!(bad.select_attr("#family input[name=family_name]", "value").contains(&"Trần Thị Mai".to_string()));
    let n = fields.len();
    fields[n - 4].1 = "1952";
    let ok = app.post_form(&format!("{href}/rows"), &session, &fields).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let profile = app.get(&href, &session).await;
    let facts = profile.select_text(".facts dd");
    assert!(facts.iter().any(|t| t.starts_with("09/2003–06/2007 Sinh viên; 09/2007– Giáo viên")), "sorted by start: {facts:?}");
    let timeline = profile.select_text(".timeline li");
    assert!(timeline.iter().any(|t| t.contains("Hoàn cảnh gia đình: — → Nguyễn Văn Sinh (1950); Trần Thị Mai (1952)")), "{timeline:?}");
    let form = app.get(&format!("{href}/rows"), &session).await;
    assert_eq!(form.select_attr("#work input[name=work_from]", "value")[..2], ["2003-09".to_string(), "2007-09".to_string()]);
    assert_eq!(form.select_attr("#family select option[selected]", "value")[..2], ["father".to_string(), "mother".to_string()]);
    let pdf = app.get(&format!("{href}/file.pdf"), &session).await;
    assert_eq!(pdf.status, StatusCode::OK);
    // Another branch's secretary does not see the page.
    app.finish().await;
}

#[tokio::test]
async fn a_photo_is_kept_when_it_is_a_jpeg_or_png_and_served_only_as_an_image() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let session = app.login("bithu", "dangbo-bithu").await;
    let Auth::Cookie(cookie, csrf) = &session else { unreachable!() };
    let list = app.get("/members", &session).await;
    let href = list.html().select(&scraper::Selector::parse("table.list tbody a").unwrap()).next().unwrap().value().attr("href").unwrap().to_string();
    let upload = |bytes: Vec<u8>| {
        let (ct, body) = multipart_named(&[("csrf", csrf)], "photo", ("anh.png", &bytes));
        Request::post(format!("{href}/photo"))
            .header(header::COOKIE, format!("dangbo_session={cookie}"))
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap()
    };
    assert_eq!(app.get(&format!("{href}/photo"), &session).await.status, StatusCode::NOT_FOUND, "none yet");
    // Not an image (whatever it is called): refused naming the field, nothing kept.
    let res = app.send(upload(b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>".to_vec())).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.select_text("#e-photo"), ["Ảnh: chỉ nhận ảnh JPEG hoặc PNG."]);
    assert_eq!(app.get(&format!("{href}/photo"), &session).await.status, StatusCode::NOT_FOUND);
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    assert_eq!(app.send(upload(png.clone())).await.status, StatusCode::SEE_OTHER);
    let photo = app.get(&format!("{href}/photo"), &session).await;
    assert_eq!(photo.status, StatusCode::OK);
    assert_eq!(photo.headers.get(header::CONTENT_TYPE).unwrap(), "image/png");
    assert_eq!(photo.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
    let req = Request::get(format!("{href}/photo")).header(header::COOKIE, format!("dangbo_session={cookie}")).body(Body::empty()).unwrap();
    let raw = app.router.clone().oneshot(req).await.unwrap().into_body().collect().await.unwrap().to_bytes();
    assert_eq!(raw.as_ref(), png.as_slice(), "the bytes as kept");
    let page = app.get(&href, &session).await;
    assert_eq!(page.select_attr("img.photo", "src"), [format!("{href}/photo")]);
    app.finish().await;
}
