use crate::*;
use dangbo_db::MemberFilter;

#[tokio::test]
async fn the_dam_ha_demo_reproduces_the_seed_figures() {
    each_backend(|s, backend| async move {
        assert!(s.load_demo(1, today()).await.unwrap());
        assert!(!s.load_demo(1, today()).await.unwrap(), "loads only into an empty database");
        let at = |date: &str| {
            let s = s.clone();
            let date = d(date);
            async move { s.summary(&admin(), "DH", date).await.unwrap() }
        };
        let y2019 = at("2019-12-31").await;
        assert_eq!((y2019.grassroots_orgs, y2019.total()), (35, 2068), "{backend}");
        let y2018 = at("2018-12-31").await;
        assert_eq!(y2018.grassroots_orgs, 37, "{backend}");
        assert_eq!(at("2020-01-01").await.grassroots_orgs, 34, "{backend}");
        assert_eq!(at("2014-12-31").await.total(), 1720, "{backend}");
        let gone = at("2025-07-01").await;
        assert_eq!((gone.grassroots_orgs, gone.total()), (0, 0), "the district ended on 1/7/2025");
        // The province holds the same people after the district is gone.
        let qn_before = s.summary(&admin(), "QN", d("2025-06-30")).await.unwrap();
        let qn_after = s.summary(&admin(), "QN", d("2025-07-01")).await.unwrap();
        assert_eq!(qn_before.total(), qn_after.total(), "{backend}");
        // Nine communes became two (QN-XDH, QN-XQT); the district's other organisations stay.
        assert_eq!(qn_after.grassroots_orgs, at("2025-06-30").await.grassroots_orgs - 7);
        // The tree adds up.
        let tree = s.org_tree(&admin(), "DH", d("2019-12-31")).await.unwrap();
        assert_eq!(tree[0].members, 2068);
        let children: i64 = tree.iter().filter(|n| n.depth == 1).map(|n| n.members).sum();
        assert_eq!(children, 2068);
        assert_eq!(tree.iter().filter(|n| n.depth == 1 && n.kind.is_grassroots()).count(), 35);
        // A list as of the date has the same total.
        let list = s
            .list_members(&admin(), &MemberFilter { org: Some("DH".into()), as_of: Some(d("2019-12-31")), limit: 10, ..Default::default() }, today())
            .await
            .unwrap();
        assert_eq!(list.total, 2068, "{backend}");
    })
    .await;
}

#[tokio::test]
async fn the_seed_figures_and_the_member_form_come_from_live_data() {
    each_backend(|s, backend| async move {
        s.load_demo(1, today()).await.unwrap();
        let f = s.press_figures(&admin(), "DH", d("2015-01-01"), d("2019-12-31")).await.unwrap();
        assert_eq!((f.grassroots_orgs, f.members, f.admitted), (Some(35), Some(2068), Some(426)), "{backend}");
        assert_eq!((f.awareness_classes, f.awareness_trainees), (Some(11), Some(598)), "{backend}");
        assert_eq!((f.exam_candidates_commune, f.exam_candidates_district), (Some(152), Some(78)), "{backend}");
        assert_eq!(
            (f.moves_total, f.moves_upper_to_commune, f.moves_commune_to_upper, f.moves_commune_to_commune, f.moves_cross_sector),
            (Some(74), Some(10), Some(13), Some(8), Some(43)),
            "{backend}"
        );
        assert_eq!((f.units_with_nonlocal_secretary, f.units_total), (Some(9), Some(10)), "{backend}");
        // Other periods and dates give other, consistent figures.
        let later = s.press_figures(&admin(), "DH", d("2020-01-01"), d("2020-12-31")).await.unwrap();
        assert_eq!(later.units_total, Some(9), "Quảng Lợi merged on 1/1/2020");
        assert_eq!(later.exam_candidates_commune, Some(0));
        let m = s.move_matrix(&admin(), "DH", d("2015-01-01"), d("2024-12-31")).await.unwrap();
        assert_eq!(m.total, m.upper_to_commune + m.commune_to_upper + m.commune_to_commune + m.cross_sector + m.other);
        assert!(m.total > 74);
        let people = s.moves(&admin(), "DH", d("2015-01-01"), d("2019-12-31"), Some(dangbo_core::cadre::MoveCategory::CrossSector)).await.unwrap();
        assert_eq!(people.len(), 43, "each figure lists the persons behind it");
        let rep = s.locality_report(&admin(), "DH", d("2019-12-31")).await.unwrap();
        assert_eq!(rep.units.iter().filter(|u| u.3 == Some(false)).count(), 9);
        assert!(rep.units.iter().all(|u| u.2.is_some()), "every unit has a secretary on the date");
        // The form adds up in every dimension, and at every level below.
        for code in ["DH", "DH-TT", "DH-YT"] {
            let st = s.member_stats(&admin(), code, d("2019-12-31")).await.unwrap();
            for b in &st.breakdowns {
                assert_eq!(b.rows.iter().map(|r| r.1).sum::<i64>(), st.total, "{backend} {code} {}", b.dimension);
            }
        }
        let dh = s.member_stats(&admin(), "DH", d("2019-12-31")).await.unwrap();
        let children = s.org_children(&admin(), "DH", d("2019-12-31")).await.unwrap();
        let mut sum = 0;
        for c in &children {
            sum += s.member_stats(&admin(), &c.code, d("2019-12-31")).await.unwrap().total;
        }
        assert_eq!(sum, dh.total, "{backend}");
        let sexes = &dh.breakdowns.iter().find(|b| b.dimension == "sex").unwrap().rows;
        assert_eq!(sexes.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), ["female", "male"]);
    })
    .await;
}

#[tokio::test]
async fn movements_in_2015_2019_add_up_to_the_change_in_members() {
    each_backend(|s, backend| async move {
        s.load_demo(1, today()).await.unwrap();
        let m = s.movements(&admin(), "DH", d("2015-01-01"), d("2019-12-31")).await.unwrap();
        assert_eq!((m.admitted, m.transferred_in, m.deceased, m.transferred_out, m.struck_off), (426, 30, 60, 40, 8), "{backend}");
        assert!(m.admitted_women > 0 && m.admitted_women < m.admitted);
        assert!(m.admitted_under_30 > 0 && m.admitted_ethnic_minority > 0);
        // 1,720 at the start + arrivals − exits = 2,068 at the end.
        let start = s.summary(&admin(), "DH", d("2014-12-31")).await.unwrap().total();
        assert_eq!(start + m.admitted + m.transferred_in - m.deceased - m.transferred_out - m.struck_off - m.left - m.expelled, 2068, "{backend}");
        let mut seen = 0;
        let mut cursor: Option<String> = None;
        loop {
            let page = s.list_admissions(&admin(), "DH", d("2015-01-01"), d("2019-12-31"), 200, cursor.as_deref()).await.unwrap();
            assert_eq!(page.total, 426, "{backend}");
            seen += page.items.len();
            cursor = page.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
        assert_eq!(seen, 426, "{backend}: the list behind the number has the same people");
        assert!(m.recognised > 300, "admissions of 2014–2018 became full members in the period: {}", m.recognised);
    })
    .await;
}
