use crate::*;
use dangbo_core::cadre::{ExamInput, ExamResultInput, MoveInput, PositionInput, Title};
use dangbo_db::DbError;

#[tokio::test]
async fn positions_moves_and_exams_feed_the_reports() {
    each_backend(|s, backend| async move {
        org(&s, "P", "province", None, "2000-01-01").await;
        let commune = NewOrgInputExt::commune("X", "P");
        s.create_org(&admin(), commune.parse(today()).unwrap()).await.unwrap();
        org(&s, "X-01", "subordinate_branch", Some("X"), "2000-01-01").await;
        let a = add_member(&s, member_input("X-01", "Lê", "Văn", "Bí")).await;
        let b = add_member(&s, member_input("X-01", "Phan", "Văn", "Phó")).await;
        let pos = |m: &str, from: &str, to: Option<&str>, local: &str| PositionInput {
            org: "X".into(),
            member: m.into(),
            title: "secretary".into(),
            from_on: from.into(),
            to_on: to.map(Into::into),
            local: Some(local.into()),
            ..Default::default()
        };
        s.create_position(&admin(), pos(&a, "2015-08-20", Some("2020-08-20"), "0").parse(today()).unwrap()).await.unwrap();
        let e = s.create_position(&admin(), pos(&b, "2019-01-01", None, "1").parse(today()).unwrap()).await.unwrap_err();
        assert!(matches!(e, DbError::Invalid(f) if f.0["from_on"].key == "err-position-overlap"), "{backend}");
        s.create_position(&admin(), pos(&b, "2020-08-20", None, "1").parse(today()).unwrap()).await.unwrap();
        // Locality not stated: computed from the home town against the unit's name.
        let home =
            add_member(&s, dangbo_core::member::MemberInput { home_town: Some("Xã X, huyện Đầm Hà".into()), ..member_input("X-01", "Vũ", "Văn", "Quê") }).await;
        let deputy = PositionInput { title: "deputy".into(), local: None, basis: Some("elected".into()), ..pos(&home, "2016-01-01", None, "") };
        s.create_position(&admin(), deputy.parse(today()).unwrap()).await.unwrap();
        let local = s.member_cadre(&admin(), &home).await.unwrap().0[0].local;
        assert_eq!(local, Some(true), "{backend}");
        // The committee of X as of a date follows the terms.
        let seats = |on: &str| {
            let s = s.clone();
            let on = d(on);
            async move { s.committee(&admin(), "X", on).await.unwrap().into_iter().map(|x| (x.title, x.member_id)).collect::<Vec<_>>() }
        };
        assert_eq!(seats("2019-12-31").await, vec![(Title::Secretary, a.clone()), (Title::Deputy, home.clone())], "{backend}");
        assert_eq!(seats("2021-01-01").await, vec![(Title::Secretary, b.clone()), (Title::Deputy, home.clone())]);
        assert!(seats("2010-01-01").await.is_empty());
        let deputy_seat = s.committee(&admin(), "X", d("2019-12-31")).await.unwrap().into_iter().find(|x| x.title == Title::Deputy).unwrap();
        assert_eq!(deputy_seat.basis, Some(dangbo_core::cadre::PostBasis::Elected), "{backend}");
        // The inspection commission sits after the committee; a committee member may chair it.
        let chair = PositionInput { title: "inspection_chair".into(), ..pos(&home, "2016-01-01", None, "1") };
        s.create_position(&admin(), chair.parse(today()).unwrap()).await.unwrap();
        assert_eq!(seats("2019-12-31").await.last(), Some(&(Title::InspectionChair, home.clone())), "{backend}");
        let bad = PositionInput { basis: Some("inherited".into()), ..pos(&home, "2016-01-01", None, "1") };
        assert_eq!(bad.parse(today()).unwrap_err().0["basis"].key, "err-choice");
        let r2019 = s.locality_report(&admin(), "P", d("2019-12-31")).await.unwrap();
        assert_eq!((r2019.units_total, r2019.units_with_nonlocal_secretary), (1, 1), "{backend}");
        let r2021 = s.locality_report(&admin(), "P", d("2021-01-01")).await.unwrap();
        assert_eq!((r2021.units_total, r2021.units_with_nonlocal_secretary), (1, 0));
        let mv = MoveInput {
            org: "P".into(),
            member: a.clone(),
            kind: "rotation".into(),
            from_unit: "Ban Tổ chức Tỉnh ủy".into(),
            from_level: "province".into(),
            from_sector: "Đảng".into(),
            to_unit: "Đảng ủy xã X".into(),
            to_level: "commune".into(),
            to_sector: "Đảng".into(),
            start_on: "2019-03-01".into(),
            ..Default::default()
        };
        s.create_move(&admin(), mv.parse(today()).unwrap()).await.unwrap();
        let m = s.move_matrix(&admin(), "P", d("2015-01-01"), d("2019-12-31")).await.unwrap();
        assert_eq!((m.total, m.upper_to_commune), (1, 1), "{backend}");
        // The member's profile lists the move (read only when the member has one).
        let moves = s.member_profile(&admin(), &a, today()).await.unwrap().moves;
        assert_eq!(moves.iter().map(|v| v.to.as_str()).collect::<Vec<_>>(), vec!["Đảng ủy xã X"], "{backend}");
        assert_eq!(s.move_matrix(&admin(), "P", d("2020-01-01"), d("2020-12-31")).await.unwrap().total, 0);
        let exam = |score: i64| ExamInput {
            org: "P".into(),
            name: "Sát hạch 2019".into(),
            held_on: "2019-09-14".into(),
            level: "commune".into(),
            results: vec![
                ExamResultInput {
                    full_name: "Nguyễn Văn A".into(), unit: "UBND xã X".into(), score: Some(score), passed: Some(true), ..Default::default()
                },
                ExamResultInput { full_name: "Nguyễn Văn A".into(), unit: "UBND xã Y".into(), score: Some(60), passed: Some(true), ..Default::default() },
            ],
        };
        assert!(exam(120).parse(today()).unwrap_err().0.contains_key("results.0.score"));
        s.create_exam(&admin(), exam(80).parse(today()).unwrap()).await.unwrap();
        let x = s.exam_stats(&admin(), "P", d("2019-01-01"), d("2019-12-31")).await.unwrap();
        assert_eq!((x.sessions, x.commune, x.district, x.passed), (1, 2, 0, 2), "{backend}");
        // Out of scope: a secretary of the branch cannot record moves for the province.
        let sec = user(&s, "sec", Role::Secretary, Some("X-01")).await;
        assert!(s.create_move(&sec, mv.parse(today()).unwrap()).await.is_err());
    })
    .await;
}

struct NewOrgInputExt;

impl NewOrgInputExt {
    fn commune(code: &str, parent: &str) -> dangbo_core::org::NewOrgInput {
        dangbo_core::org::NewOrgInput {
            code: code.into(),
            name: format!("Đảng bộ xã {code}"),
            kind: "grassroots_committee".into(),
            field: "commune".into(),
            parent: Some(parent.into()),
            founded_on: "2000-01-01".into(),
            ..Default::default()
        }
    }
}

#[tokio::test]
async fn planning_keeps_to_the_limits_and_reports_its_structure() {
    use dangbo_core::cadre::planning::{CycleInput, PlannedInput, RemovalInput};
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let mut people = Vec::new();
        for (given, sex, birth) in
            [("An", "male", "1970-01-01"), ("Bình", "female", "1990-05-01"), ("Cúc", "female", "1985-01-01"), ("Dũng", "male", "1975-01-01")]
        {
            people.push(
                add_member(&s, dangbo_core::member::MemberInput { sex: sex.into(), birth_date: birth.into(), ..member_input("B1", "Trần", "Văn", given) })
                    .await,
            );
        }
        let cycle = CycleInput { org: "B1".into(), term: Some("2025-2030".into()), approved_on: Some("01/12/2025".into()), decision_no: None };
        let e = s.create_cycle(&admin(), cycle.parse(today()).unwrap()).await.unwrap_err();
        assert!(matches!(&e, DbError::Invalid(f) if f.0["org"].key == "err-planning-not-committee"), "{backend}");
        let cycle = s.create_cycle(&admin(), CycleInput { org: "C".into(), ..cycle }.parse(today()).unwrap()).await.unwrap();
        let plan = |m: &str, title: &str| PlannedInput { member: m.into(), title: title.into(), added_on: Some("2025-12-01".into()) }.parse(today()).unwrap();
        for m in &people[..3] {
            s.add_planned(&admin(), &cycle, plan(m, "secretary")).await.unwrap();
        }
        let e = s.add_planned(&admin(), &cycle, plan(&people[3], "secretary")).await.unwrap_err();
        assert!(
            matches!(&e, DbError::Invalid(f) if f.0["title"].key == "err-planning-title-full" && f.0["title"].args.iter().any(|a| a.1.contains("377"))),
            "{backend} {e:?}"
        );
        for t in ["deputy", "standing"] {
            s.add_planned(&admin(), &cycle, plan(&people[0], t)).await.unwrap();
        }
        let e = s.add_planned(&admin(), &cycle, plan(&people[0], "committee_member")).await.unwrap_err();
        assert!(matches!(&e, DbError::Invalid(f) if f.0["member"].key == "err-planning-cadre-full"), "{backend}");
        // A removal frees the place from its date on.
        let entry = s.planning(&admin(), "C", today()).await.unwrap()[0]
            .entries
            .iter()
            .find(|x| x.member_id == people[2] && x.title == Title::Secretary)
            .unwrap()
            .id
            .clone();
        let removal = RemovalInput { reason: "review".into(), removed_on: Some("2026-06-30".into()), note: Some("Đánh giá năm không đạt".into()) };
        s.remove_planned(&admin(), &entry, removal.parse(today()).unwrap()).await.unwrap();
        s.add_planned(
            &admin(),
            &cycle,
            PlannedInput { member: people[3].clone(), title: "secretary".into(), added_on: Some("2026-07-01".into()) }.parse(today()).unwrap(),
        )
        .await
        .unwrap();
        let p = s.planning(&admin(), "C", d("2026-01-01")).await.unwrap();
        assert_eq!((p[0].structure.total, p[0].structure.women, p[0].structure.young), (3, 2, 1), "{backend}");
        let p = s.planning(&admin(), "C", today()).await.unwrap();
        assert_eq!((p[0].structure.total, p[0].structure.women), (3, 1), "{backend}: Cúc out, Dũng in");
        assert!(p[0].structure.women_met, "1 of 3 is at least 25%");
    })
    .await;
}
