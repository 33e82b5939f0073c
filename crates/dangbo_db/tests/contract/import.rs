use crate::*;
use dangbo_core::FieldErrors;

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
        let r = s.import_members(&admin(), parse(good.clone()), false).await.unwrap();
        assert_eq!((r.created, r.unchanged), (0, 3), "{backend}");
        assert_eq!(s.summary(&admin(), "P", today()).await.unwrap().total(), 3);
        // Scope applies: a secretary of B1 cannot import into B2.
        let sec = user(&s, "bt1", Role::Secretary, Some("B1")).await;
        let r = s.import_members(&sec, parse(vec![row("B2", "Sen", Some("022190000009"))]), false).await.unwrap();
        assert_eq!(r.problems[0].key, "err-org-unknown");
    })
    .await;
}
