use crate::*;
use dangbo_db::MemberFilter;

fn row(org: &str, given: &str, cccd: Option<&str>) -> dangbo_core::member::MemberInput {
    let mut i = member_input(org, "Hoàng", "Thị", given);
    i.cccd = cccd.map(Into::into);
    i
}

#[tokio::test]
async fn an_import_is_all_or_nothing_and_idempotent() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let parse = |rows: Vec<dangbo_core::member::MemberInput>| -> Vec<dangbo_db::ImportItem> {
            rows.iter().enumerate().map(|(n, i)| dangbo_db::ImportItem::new(n + 2, i.clone(), today())).collect()
        };
        let good = vec![row("B1", "Lan", Some("022190000001")), row("B2", "Huệ", Some("022190000002")), row("B1", "Cúc", None)];
        // One bad row (unknown branch) and one duplicate in the file: nothing is written.
        let mut bad = good.clone();
        bad.push(row("XX", "Mai", Some("022190000003")));
        bad.push(row("B1", "Đào", Some("022190000001")));
        let r = s.import_members(&admin(), parse(bad), false, today()).await.unwrap();
        assert!(!r.committed);
        let fields: Vec<_> = r.problems.iter().map(|p| (p.row, p.field.as_str(), p.key)).collect();
        assert_eq!(fields, [(5, "org", "err-org-unknown"), (6, "cccd", "err-duplicate-in-file")], "{backend}");
        assert_eq!(s.summary(&admin(), "P", today()).await.unwrap().total(), 0);
        // A dry run reports and writes nothing.
        let r = s.import_members(&admin(), parse(good.clone()), true, today()).await.unwrap();
        assert_eq!((r.created, r.committed), (3, false));
        assert_eq!(s.summary(&admin(), "P", today()).await.unwrap().total(), 0);
        // The real import, then the same file again.
        let r = s.import_members(&admin(), parse(good.clone()), false, today()).await.unwrap();
        assert_eq!((r.created, r.unchanged, r.committed), (3, 0, true), "{backend}");
        let created = s.audit_log(&admin(), None, 100).await.unwrap().iter().filter(|a| a.action == "member.create").count();
        assert_eq!(created, 3, "one audit entry per member created: {backend}");
        let r = s.import_members(&admin(), parse(good.clone()), false, today()).await.unwrap();
        assert_eq!((r.created, r.unchanged), (0, 3), "{backend}");
        assert_eq!(s.summary(&admin(), "P", today()).await.unwrap().total(), 3);
        // Found by name, birth and joining date when neither CCCD nor card: the third row.
        let found = s.list_members(&admin(), &MemberFilter { q: Some("cuc".into()), limit: 50, ..Default::default() }, today()).await.unwrap();
        assert_eq!(found.total, 1, "{backend}");
        // Scope applies: a secretary of B1 cannot import into B2.
        let sec = user(&s, "bt1", Role::Secretary, Some("B1")).await;
        let r = s.import_members(&sec, parse(vec![row("B2", "Sen", Some("022190000009"))]), false, today()).await.unwrap();
        assert_eq!(r.problems[0].key, "err-org-unknown");
    })
    .await;
}

#[tokio::test]
async fn a_large_file_is_checked_across_batches_and_lands_whole() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let names = ["An", "Bình", "Cúc", "Dũng", "Đào", "Giang", "Hà", "Khánh", "Lan", "Minh"];
        let mut rows: Vec<_> = (0..1200).map(|n| row(if n % 2 == 0 { "B1" } else { "B2" }, names[n % names.len()], Some(&format!("0221{n:08}")))).collect();
        let parse = |rows: &[dangbo_core::member::MemberInput]| -> Vec<dangbo_db::ImportItem> {
            rows.iter().enumerate().map(|(n, i)| dangbo_db::ImportItem::new(n + 2, i.clone(), today())).collect()
        };
        // A CCCD repeated far below its first row (another batch) is still a duplicate.
        rows.push(row("B1", "Mai", Some("022100000007")));
        let r = s.import_members(&admin(), parse(&rows), false, today()).await.unwrap();
        let fields: Vec<_> = r.problems.iter().map(|p| (p.row, p.field.as_str(), p.key)).collect();
        assert_eq!(fields, [(1202, "cccd", "err-duplicate-in-file")], "{backend}");
        assert_eq!(s.summary(&admin(), "P", today()).await.unwrap().total(), 0, "{backend}");
        rows.pop();
        let r = s.import_members(&admin(), parse(&rows), false, today()).await.unwrap();
        assert_eq!((r.rows, r.created, r.committed), (1200, 1200, true), "{backend}");
        assert_eq!(s.summary(&admin(), "P", today()).await.unwrap().total(), 1200, "{backend}");
        // Searchable at once (search words and dictionary written with the rows).
        let found = s.list_members(&admin(), &MemberFilter { q: Some("khanh".into()), limit: 50, ..Default::default() }, today()).await.unwrap();
        assert_eq!(found.total, 120, "{backend}");
        // A card number already in the register, on another person's row, updates nobody: the
        // name differs from the file the card belongs to.
        let mut taken = row("B1", "Sen", Some("022199999999"));
        let first_card = {
            let mut with_card = row("B1", "Tâm", Some("022199999998"));
            with_card.card_no = Some("12345678".into());
            s.import_members(&admin(), parse(&[with_card]), false, today()).await.unwrap();
            "12345678"
        };
        taken.card_no = Some(first_card.into());
        let r = s.import_members(&admin(), parse(&[taken]), false, today()).await.unwrap();
        assert_eq!(r.problems.iter().map(|p| (p.field.as_str(), p.key)).collect::<Vec<_>>(), [("given_name", "err-import-differs")], "{backend}");
    })
    .await;
}

/// The count of `value` in the `dimension` breakdown of `code` on `on`.
async fn level_count(s: &dangbo_db::Store, code: &str, on: &str, dimension: &str, value: &str) -> i64 {
    let st = s.member_stats(&admin(), code, crate::d(on)).await.unwrap();
    st.breakdowns.iter().filter(|b| b.dimension == dimension).flat_map(|b| b.rows.iter()).filter(|(v, _)| v == value).map(|(_, n)| *n).sum()
}

#[tokio::test]
async fn an_import_updates_members_found_by_cccd_or_card_after_a_preview() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let mut lan = row("B1", "Lan", Some("022190000001"));
        lan.education = Some("9/12".into());
        let lan_id = add_member(&s, lan.clone()).await;
        let mut cuc = row("B2", "Cúc", None);
        cuc.card_no = Some("01.000777".into());
        let cuc_id = add_member(&s, cuc.clone()).await;
        let items = |rows: Vec<dangbo_core::member::MemberInput>| -> Vec<dangbo_db::ImportItem> {
            rows.into_iter().enumerate().map(|(n, i)| dangbo_db::ImportItem::new(n + 2, i, today())).collect()
        };
        // Lan by her CCCD: a new level and a phone; Cúc by her card: a residence; a column left
        // empty keeps what the register holds.
        let mut lan_new = lan.clone();
        lan_new.education = Some("12/12".into());
        lan_new.phone = Some("0912345678".into());
        let mut cuc_new = cuc.clone();
        cuc_new.residence = Some("Thôn 2, xã Đầm Hà".into());
        let file = vec![lan_new.clone(), cuc_new.clone(), row("B1", "Huệ", Some("022190000003"))];
        let r = s.import_members(&admin(), items(file.clone()), true, today()).await.unwrap();
        assert_eq!((r.created, r.updated, r.unchanged, r.committed), (1, 2, 0, false), "{backend}: {:?}", r.problems);
        let lan_change = r.changes.iter().find(|c| c.member_id == lan_id).expect("Lan's change listed");
        assert_eq!(lan_change.row, 2);
        let fields: Vec<(&str, &str, &str)> = lan_change.fields.iter().map(|(f, a, b)| (f.as_str(), a.as_str(), b.as_str())).collect();
        assert_eq!(fields, [("phone", "", "0912345678"), ("education", "9/12", "12/12")], "{backend}");
        assert_eq!(s.member(&admin(), &lan_id).await.unwrap().person.education, "9/12", "a dry run writes nothing: {backend}");

        let r = s.import_members(&admin(), items(file.clone()), false, today()).await.unwrap();
        assert_eq!((r.created, r.updated, r.committed), (1, 2, true), "{backend}");
        assert_eq!(s.member(&admin(), &lan_id).await.unwrap().person.phone, "0912345678");
        assert_eq!(s.member(&admin(), &cuc_id).await.unwrap().person.residence, "Thôn 2, xã Đầm Hà");
        // The level holds from the day of the import: yesterday's count has the old one.
        assert_eq!(level_count(&s, "C", "2026-11-26", "education", "9/12").await, 1, "{backend}");
        assert_eq!(level_count(&s, "C", "2026-11-27", "education", "12/12").await, 1, "{backend}");
        let log = s.audit_log(&admin(), Some(&lan_id), 10).await.unwrap();
        assert!(log.iter().any(|a| a.action == "member.info_changed"), "{backend}");
        // Searchable by the new words at once; the same file again changes nothing.
        let r = s.import_members(&admin(), items(file), false, today()).await.unwrap();
        assert_eq!((r.created, r.updated, r.unchanged), (0, 0, 3), "{backend}");

        // A row whose CCCD is Lan's and card Cúc's, and a row changing a birth date: refused,
        // each by its field, and nothing written.
        let mut both = lan_new.clone();
        both.card_no = Some("01.000777".into());
        let mut born = cuc_new.clone();
        born.birth_date = "1981-01-01".into();
        born.residence = Some("Thôn 3".into());
        for (row, field, key) in [(both, "cccd", "err-import-two-members"), (born, "birth_date", "err-import-differs")] {
            let r = s.import_members(&admin(), items(vec![row]), false, today()).await.unwrap();
            let problems: Vec<_> = r.problems.iter().map(|p| (p.row, p.field.as_str(), p.key)).collect();
            assert_eq!(problems, [(2, field, key)], "{backend}");
            assert!(!r.committed);
        }
        assert_eq!(s.member(&admin(), &cuc_id).await.unwrap().person.residence, "Thôn 2, xã Đầm Hà", "{backend}");
    })
    .await;
}
