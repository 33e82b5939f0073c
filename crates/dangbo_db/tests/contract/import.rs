use crate::*;
use dangbo_core::FieldErrors;
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
        let parse = |rows: Vec<dangbo_core::member::MemberInput>| -> Vec<(usize, Result<_, FieldErrors>)> {
            rows.iter().enumerate().map(|(n, i)| (n + 2, i.parse(today()))).collect()
        };
        let good = vec![row("B1", "Lan", Some("022190000001")), row("B2", "Huệ", Some("022190000002")), row("B1", "Cúc", None)];
        // One bad row (unknown branch) and one duplicate in the file: nothing is written.
        let mut bad = good.clone();
        bad.push(row("XX", "Mai", Some("022190000003")));
        bad.push(row("B1", "Đào", Some("022190000001")));
        let r = s.import_members(&admin(), parse(bad), false).await.unwrap();
        assert!(!r.committed);
        let fields: Vec<_> = r.problems.iter().map(|p| (p.row, p.field.as_str(), p.key)).collect();
        assert_eq!(fields, [(5, "org", "err-org-unknown"), (6, "cccd", "err-duplicate-in-file")], "{backend}");
        assert_eq!(s.summary(&admin(), "P", today()).await.unwrap().total(), 0);
        // A dry run reports and writes nothing.
        let r = s.import_members(&admin(), parse(good.clone()), true).await.unwrap();
        assert_eq!((r.created, r.committed), (3, false));
        assert_eq!(s.summary(&admin(), "P", today()).await.unwrap().total(), 0);
        // The real import, then the same file again.
        let r = s.import_members(&admin(), parse(good.clone()), false).await.unwrap();
        assert_eq!((r.created, r.unchanged, r.committed), (3, 0, true), "{backend}");
        let created = s.audit_log(&admin(), None, 100).await.unwrap().iter().filter(|a| a.action == "member.create").count();
        assert_eq!(created, 3, "one audit entry per member created: {backend}");
        let r = s.import_members(&admin(), parse(good.clone()), false).await.unwrap();
        assert_eq!((r.created, r.unchanged), (0, 3), "{backend}");
        assert_eq!(s.summary(&admin(), "P", today()).await.unwrap().total(), 3);
        // Found by name, birth and joining date when neither CCCD nor card: the third row.
        let found = s.list_members(&admin(), &MemberFilter { q: Some("cuc".into()), limit: 50, ..Default::default() }, today()).await.unwrap();
        assert_eq!(found.total, 1, "{backend}");
        // Scope applies: a secretary of B1 cannot import into B2.
        let sec = user(&s, "bt1", Role::Secretary, Some("B1")).await;
        let r = s.import_members(&sec, parse(vec![row("B2", "Sen", Some("022190000009"))]), false).await.unwrap();
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
        let parse = |rows: &[dangbo_core::member::MemberInput]| -> Vec<(usize, Result<_, FieldErrors>)> {
            rows.iter().enumerate().map(|(n, i)| (n + 2, i.parse(today()))).collect()
        };
        // A CCCD repeated far below its first row (another batch) is still a duplicate.
        rows.push(row("B1", "Mai", Some("022100000007")));
        let r = s.import_members(&admin(), parse(&rows), false).await.unwrap();
        let fields: Vec<_> = r.problems.iter().map(|p| (p.row, p.field.as_str(), p.key)).collect();
        assert_eq!(fields, [(1202, "cccd", "err-duplicate-in-file")], "{backend}");
        assert_eq!(s.summary(&admin(), "P", today()).await.unwrap().total(), 0, "{backend}");
        rows.pop();
        let r = s.import_members(&admin(), parse(&rows), false).await.unwrap();
        assert_eq!((r.rows, r.created, r.committed), (1200, 1200, true), "{backend}");
        assert_eq!(s.summary(&admin(), "P", today()).await.unwrap().total(), 1200, "{backend}");
        // Searchable at once (search words and dictionary written with the rows).
        let found = s.list_members(&admin(), &MemberFilter { q: Some("khanh".into()), limit: 50, ..Default::default() }, today()).await.unwrap();
        assert_eq!(found.total, 120, "{backend}");
        // A card number already in the register, on a new CCCD, is refused by name.
        let mut taken = row("B1", "Sen", Some("022199999999"));
        let first_card = {
            let mut with_card = row("B1", "Tâm", Some("022199999998"));
            with_card.card_no = Some("12345678".into());
            s.import_members(&admin(), parse(&[with_card]), false).await.unwrap();
            "12345678"
        };
        taken.card_no = Some(first_card.into());
        let r = s.import_members(&admin(), parse(&[taken]), false).await.unwrap();
        assert_eq!(r.problems.iter().map(|p| (p.field.as_str(), p.key)).collect::<Vec<_>>(), [("card_no", "err-card-taken")], "{backend}");
    })
    .await;
}
