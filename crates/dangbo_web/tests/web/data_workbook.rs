//! The data workbook: the register exported as XLSX, imported into an empty database (the
//! organisations founded from its third sheet), exports the same workbook (issue 23 §7).

use crate::*;
use calamine::{Data, Reader, Xlsx};
use dangbo_core::event::EventInput;
use dangbo_core::member::{FileInput, MemberInput};
use dangbo_core::org::NewOrgInput;

async fn tree(store: &Store) {
    for (code, kind, parent) in
        [("P", "province", None), ("C", "grassroots_committee", Some("P")), ("B1", "subordinate_branch", Some("C")), ("B2", "subordinate_branch", Some("C"))]
    {
        let input = NewOrgInput {
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
}

fn person(org: &str, family: &str, given: &str, sex: &str, birth: &str, ceremony: &str, full: Option<&str>) -> MemberInput {
    MemberInput {
        org: org.into(),
        family_name: family.into(),
        middle_name: "Thị".into(),
        given_name: given.into(),
        sex: sex.into(),
        birth_date: birth.into(),
        admission_decision_date: ceremony.into(),
        ceremony_date: ceremony.into(),
        full_date: full.map(Into::into),
        ..Default::default()
    }
}

async fn event(store: &Store, id: &str, input: EventInput) {
    store.record_event(&Caller::system(), id, input.parse(today()).unwrap(), today()).await.unwrap();
}

/// A branch's members with a full file: levels changed in 2021 and 2023, an exemption, a
/// probationary member with neither CCCD nor card, and one who left (not in the register).
async fn members(store: &Store) {
    let admin = Caller::system();
    let lan = MemberInput {
        cccd: Some("022175000001".into()),
        card_no: Some("01.012345".into()),
        education: Some("9/12".into()),
        theory: Some("Sơ cấp".into()),
        birth_place: Some("xã Quảng Lợi, huyện Đầm Hà, tỉnh Quảng Ninh".into()),
        phone: Some("0912345678".into()),
        admission_decision_no: Some("12-QĐ/ĐU".into()),
        file: FileInput {
            aliases: Some("Lan Anh".into()),
            youth_union_on: Some("26/03/1990".into()),
            languages: Some("Tiếng Anh B".into()),
            ..Default::default()
        },
        ..person("B1", "Nguyễn", "Lan", "female", "1975-04-12", "2010-03-15", Some("2011-03-15"))
    };
    let lan = store.create_member(&admin, lan.parse(today()).unwrap()).await.unwrap();
    let change = |on: &str, member: MemberInput| EventInput { kind: "info_changed".into(), effective_on: on.into(), member, ..Default::default() };
    event(store, &lan, change("2021-05-04", MemberInput { education: Some("12/12".into()), ..Default::default() })).await;
    event(store, &lan, change("2023-02-01", MemberInput { theory: Some("Trung cấp".into()), ..Default::default() })).await;
    // The biography's repeated items: a work history and a family.
    let work = |from: &str, to: &str, what: &str| dangbo_core::member::WorkInput { from: from.into(), to: to.into(), work: what.into() };
    let relative = |relation: &str, name: &str, year: &str| dangbo_core::member::RelativeInput {
        relation: relation.into(),
        name: name.into(),
        birth_year: year.into(),
        history: "Chấp hành tốt".into(),
        ..Default::default()
    };
    let file = FileInput {
        work: Some(vec![work("09/1993", "06/1997", "Sinh viên"), work("09/1997", "", "Giáo viên")]),
        family: Some(vec![relative("father", "Nguyễn Văn Ba", "1950"), relative("spouse", "Trần Văn Hải", "1973")]),
        ..Default::default()
    };
    event(store, &lan, change("2024-03-01", MemberInput { file, ..Default::default() })).await;
    // Moved to the other branch in 2015: the places' sheet carries both.
    event(store, &lan, EventInput { kind: "transferred".into(), effective_on: "2015-09-01".into(), org: Some("B2".into()), ..Default::default() }).await;
    let hung = MemberInput { card_no: Some("01.000001".into()), ..person("B2", "Trần", "Hùng", "male", "1945-01-01", "1970-05-19", Some("1971-05-19")) };
    let hung = store.create_member(&admin, hung.parse(today()).unwrap()).await.unwrap();
    event(store, &hung, EventInput { kind: "exempted".into(), effective_on: "2015-06-01".into(), ground: Some("other".into()), ..Default::default() }).await;
    store.create_member(&admin, person("B1", "Lò", "Mai", "female", "1998-08-08", "2026-03-01", None).parse(today()).unwrap()).await.unwrap();
    let gone =
        store.create_member(&admin, person("B2", "Vi", "Đào", "female", "1980-01-01", "2005-01-01", Some("2006-01-01")).parse(today()).unwrap()).await.unwrap();
    event(
        store,
        &gone,
        EventInput {
            kind: "transferred_out".into(),
            effective_on: "2024-01-01".into(),
            destination: Some("Đảng bộ tỉnh Lạng Sơn".into()),
            ..Default::default()
        },
    )
    .await;
}

/// Every cell of both sheets, row by row.
fn sheets(bytes: &[u8]) -> Vec<Vec<Vec<Data>>> {
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    ["Đảng viên", "Quá trình", "Tổ chức", "Sinh hoạt", "Công tác", "Gia đình"]
        .iter()
        .map(|name| book.worksheet_range(name).unwrap().rows().map(|r| r.to_vec()).collect())
        .collect()
}

/// The data workbook of C, downloaded from the organisation's page by an admin.
async fn export(app: &TestApp, user: &str) -> Vec<u8> {
    app.token(user, Role::Admin, None).await;
    let Auth::Cookie(cookie, _) = app.login(user, "hoa-sen-no-sang-9").await else { unreachable!() };
    let page = app.get("/orgs/C", &Auth::Cookie(cookie.clone(), String::new())).await;
    assert!(page.select_attr("a.button", "href").contains(&"/registers/C.data.xlsx".to_string()));
    let req = Request::get("/registers/C.data.xlsx").header(header::COOKIE, format!("dangbo_session={cookie}")).body(Body::empty()).unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.into_body().collect().await.unwrap().to_bytes().to_vec()
}

#[tokio::test]
async fn the_register_exported_as_data_imports_into_an_empty_database_to_the_same_export() {
    let mut backends = vec![(TestDb::sqlite().await, TestDb::sqlite().await)];
    if let (Some(a), Some(b)) = (TestDb::postgres().await, TestDb::postgres().await) {
        backends.push((a, b));
    }
    for (a, b) in backends {
        let backend = a.name;
        let (a, b) = (TestApp::new(a).await, TestApp::new(b).await);
        tree(&a.store).await;
        members(&a.store).await;
        let first = export(&a, "xuat").await;
        let cells = sheets(&first);
        assert_eq!(cells[0].len(), 6, "{backend}: title, blank, header and the three members in the register");
        assert_eq!(cells[1].len(), 1 + 3, "{backend}: the header and Lan's three sets of levels: {:?}", cells[1]);
        let hung = cells[0].iter().find(|r| r.get(3) == Some(&Data::String("Hùng".into()))).expect("Hùng's row");
        assert!(hung.contains(&Data::String("Lý do khác".into())), "{backend}: the exemption's ground: {hung:?}");
        assert_eq!((cells[4].len(), cells[5].len()), (3, 3), "{backend}: the header and Lan's two lines of work and of family");
        assert_eq!(cells[5][2][2], Data::String("Vợ hoặc chồng".into()), "{backend}: the relation in words");
        let places: Vec<Vec<Data>> = cells[3].iter().skip(1).map(|r| r[2..].to_vec()).collect();
        assert_eq!(places.len(), 2, "{backend}: Lan's two branches: {places:?}");
        assert_eq!((&places[0][0], &places[1][0]), (&Data::String("B1".into()), &Data::String("B2".into())), "{backend}");
        let codes: Vec<&Data> = cells[2].iter().skip(1).map(|r| &r[0]).collect();
        assert_eq!(codes, ["B1", "B2", "C", "P"].map(|c| Data::String(c.into())).iter().collect::<Vec<_>>(), "{backend}: by founding day, then code");
        let b1 = &cells[2][1];
        assert_eq!(
            (&b1[2], &b1[4]),
            (&Data::String("Chi bộ trực thuộc".into()), &Data::String("C".into())),
            "{backend}: the kind in words, the parent by code"
        );

        b.token("nhap", Role::Admin, None).await;
        let session = b.login("nhap", "hoa-sen-no-sang-9").await;
        let Auth::Cookie(cookie, csrf) = &session else { unreachable!() };
        let (ct, body) = crate::pages::multipart(&[("csrf", csrf), ("org", ""), ("action", "commit")], ("du-lieu.xlsx", &first));
        let req = Request::post("/import")
            .header(header::COOKIE, format!("dangbo_session={cookie}"))
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap();
        let res = b.send(req).await;
        assert_eq!(res.status, StatusCode::OK, "{backend}: {:?}", res.select_text("ol.problems li"));
        let banner = res.select_text("p.banner");
        assert!(banner[0].contains("thêm 3 đảng viên") && banner[0].contains("Đã thành lập 4 tổ chức"), "{backend}: {banner:?}");

        // Counted where she was: in B1 until 2015, in B2 after, in both databases.
        let on = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        for (store, which) in [(&a.store, "exported"), (&b.store, "imported")] {
            let count = async |code: &str, day: &str| store.summary(&Caller::system(), code, on(day)).await.unwrap().total();
            assert_eq!((count("B1", "2014-12-31").await, count("B1", "2016-01-01").await), (1, 0), "{backend}: {which}");
        }
        let second = export(&b, "xuat").await;
        assert_eq!(sheets(&second), cells, "{backend}: the same register");
        // The same file again changes nothing.
        let (ct, body) = crate::pages::multipart(&[("csrf", csrf), ("org", ""), ("action", "check")], ("du-lieu.xlsx", &second));
        let req = Request::post("/import")
            .header(header::COOKIE, format!("dangbo_session={cookie}"))
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap();
        let res = b.send(req).await;
        assert!(res.select_text("p.banner")[0].contains("sẽ thêm 0 đảng viên, cập nhật 0"), "{backend}: {:?}", res.select_text("p.banner"));
        a.finish().await;
        b.finish().await;
    }
}
