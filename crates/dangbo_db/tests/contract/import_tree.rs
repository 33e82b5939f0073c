//! A data workbook's organisations: founded in the import's one transaction when the register
//! lacks them, checked against it when it holds them (issue 23 §7).

use crate::*;
use dangbo_core::register::tree::{TreeRow, parse_tree};
use dangbo_db::{ImportItem, TreeItem};

/// A period of an organisation as the sheet gives it.
fn span(row: usize, code: &str, kind: &str, parent: Option<&str>, from: &str, to: Option<&str>, heir: Option<&str>) -> TreeRow {
    let cells = [code, &format!("Tổ chức {code}"), kind, "residential", parent.unwrap_or(""), from, to.unwrap_or(""), heir.unwrap_or("")];
    TreeRow { row, cells: cells.map(str::to_string) }
}

fn items(rows: &[TreeRow]) -> Vec<TreeItem> {
    parse_tree(rows, |_| None, |_| None, today()).into_iter().map(|(row, new)| TreeItem { row, new }).collect()
}

fn org_row(row: usize, code: &str, kind: &str, parent: Option<&str>, founded: &str) -> TreeItem {
    items(&[span(row, code, kind, parent, founded, None, None)]).remove(0)
}

fn members(rows: &[(&str, &str, &str)]) -> Vec<ImportItem> {
    rows.iter()
        .enumerate()
        .map(|(n, (org, given, cccd))| {
            let mut m = member_input(org, "Lê", "Thị", given);
            m.cccd = Some((*cccd).into());
            ImportItem::new(n + 4, m, today())
        })
        .collect()
}

/// The superiors as the register holds them, and a new committee with two branches.
fn tree() -> Vec<TreeItem> {
    vec![
        org_row(2, "P", "province", None, "2000-01-01"),
        org_row(3, "C", "grassroots_committee", Some("P"), "2000-01-01"),
        org_row(4, "C2", "grassroots_committee", Some("P"), "2005-03-01"),
        org_row(5, "C2-A", "subordinate_branch", Some("C2"), "2005-03-01"),
        org_row(6, "C2-B", "subordinate_branch", Some("C2"), "2006-01-01"),
    ]
}

#[tokio::test]
async fn a_workbooks_organisations_are_founded_with_its_members_all_or_nothing() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let rows = || members(&[("C2-A", "Lan", "022190000101"), ("C2-B", "Huệ", "022190000102"), ("B1", "Cúc", "022190000103")]);
        // A dry run founds nothing.
        let r = s.import_register(&admin(), tree(), rows(), true, today()).await.unwrap();
        assert_eq!((r.orgs_created, r.created, r.committed, r.problems.len()), (3, 3, false, 0), "{backend}: {:?}", r.problems);
        assert!(matches!(s.org(&admin(), "C2").await, Err(dangbo_db::DbError::NotFound)), "{backend}");
        // One bad member row: neither the organisations nor the members land.
        let mut bad = rows();
        bad.extend(members(&[("C2-Z", "Mai", "022190000104")]));
        let r = s.import_register(&admin(), tree(), bad, false, today()).await.unwrap();
        assert_eq!(r.problems.iter().map(|p| (p.field.as_str(), p.key, p.sheet)).collect::<Vec<_>>(), [("org", "err-org-unknown", None)], "{backend}");
        assert!(matches!(s.org(&admin(), "C2").await, Err(dangbo_db::DbError::NotFound)), "{backend}");
        // The import: founded under P, the members filed, counted in the kept counts.
        let r = s.import_register(&admin(), tree(), rows(), false, today()).await.unwrap();
        assert_eq!((r.orgs_created, r.created, r.committed), (3, 3, true), "{backend}: {:?}", r.problems);
        let c2b = s.org(&admin(), "C2-B").await.unwrap();
        assert_eq!((c2b.parent.as_deref(), c2b.founded_on), (Some("C2"), d("2006-01-01")), "{backend}");
        assert_eq!(s.summary(&admin(), "C2", today()).await.unwrap().total(), 2, "{backend}");
        assert_eq!(s.summary(&admin(), "P", today()).await.unwrap().total(), 3, "{backend}");
        crate::tally::same_everywhere(&s, backend, &["P", "C2"], &["2006-06-01", "2026-11-27"]).await;
        let founded = s.audit_log(&admin(), None, 100).await.unwrap().iter().filter(|a| a.action == "org.found").count();
        assert_eq!(founded, 5 + 3, "{backend}: one audit row per organisation founded");
        // The same file again founds and adds nothing.
        let r = s.import_register(&admin(), tree(), rows(), false, today()).await.unwrap();
        assert_eq!((r.orgs_created, r.created, r.unchanged), (0, 0, 3), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_workbooks_organisations_that_cannot_be_founded_are_refused_naming_the_sheet() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let bad = vec![
            org_row(2, "C", "province", Some("P"), "2000-01-01"),
            org_row(3, "X1", "subordinate_branch", Some("ZZ"), "2010-01-01"),
            org_row(4, "X2", "subordinate_branch", Some("B1"), "2010-01-01"),
            org_row(5, "X3", "subordinate_branch", Some("C"), "1990-01-01"),
            org_row(6, "X4", "grassroots_branch", None, "2010-01-01"),
            org_row(7, "X5", "subordinate_branch", Some("C"), "2010-01-01"),
            org_row(8, "X5", "subordinate_branch", Some("C"), "2010-01-01"),
            org_row(9, "", "subordinate_branch", Some("C"), "2010-01-01"),
        ];
        let r = s.import_register(&admin(), bad, members(&[("X5", "Lan", "022190000201")]), false, today()).await.unwrap();
        let got: Vec<_> = r.problems.iter().map(|p| (p.row, p.field.as_str(), p.key)).collect();
        let want = [
            (2, "code", "err-import-org-differs"),
            (3, "parent", "err-org-unknown"),
            (4, "parent", "err-org-parent-kind"),
            (5, "parent", "err-org-not-alive"),
            (8, "code", "err-import-tree-twice"),
            (9, "code", "err-required"),
        ];
        assert_eq!(got, want, "{backend}: an admin may found a root (X4)");
        assert!(r.problems.iter().all(|p| p.sheet == Some("Tổ chức")), "{backend}");
        assert!(!r.committed && matches!(s.org(&admin(), "X5").await, Err(dangbo_db::DbError::NotFound)), "{backend}");
        // A branch secretary founds nothing, even in their own subtree.
        let sec = user(&s, "bt1", Role::Secretary, Some("C")).await;
        let r = s.import_register(&sec, vec![org_row(2, "X6", "subordinate_branch", Some("C"), "2010-01-01")], Vec::new(), false, today()).await.unwrap();
        assert_eq!(r.problems.iter().map(|p| p.key).collect::<Vec<_>>(), ["err-import-org-right"], "{backend}");
        // Staff of C found under C, not outside their subtree.
        let staff = user(&s, "vp", Role::Staff, Some("C")).await;
        let r = s.import_register(&staff, vec![org_row(2, "X7", "subordinate_branch", Some("G"), "2010-01-01")], Vec::new(), false, today()).await.unwrap();
        assert_eq!(r.problems.iter().map(|p| (p.field.as_str(), p.key)).collect::<Vec<_>>(), [("parent", "err-org-unknown")], "{backend}");
        let r = s.import_register(&staff, vec![org_row(2, "X8", "subordinate_branch", Some("C"), "2010-01-01")], Vec::new(), false, today()).await.unwrap();
        assert_eq!((r.orgs_created, r.committed), (1, true), "{backend}: {:?}", r.problems);
    })
    .await;
}

#[tokio::test]
async fn a_branch_that_moved_in_2025_comes_with_its_history_and_its_old_committees_heir() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        // The old committee H ended on 1/7/2025 merging into the new commune X; its branch H-1
        // (founded 2005) moved under X that day. Rows in any order: the branch's last period
        // first, its parents after it.
        let rows = [
            span(2, "H-1", "subordinate_branch", Some("X"), "2025-07-01", None, None),
            span(3, "H-1", "subordinate_branch", Some("H"), "2005-01-01", Some("2025-07-01"), None),
            span(4, "X", "commune", Some("P"), "2025-07-01", None, None),
            span(5, "H", "grassroots_committee", Some("P"), "2000-01-01", Some("2025-07-01"), Some("X")),
        ];
        let r = s.import_register(&admin(), items(&rows), members(&[("H-1", "Lan", "022190000301")]), false, today()).await.unwrap();
        assert_eq!((r.orgs_created, r.created, r.committed), (3, 1, true), "{backend}: {:?}", r.problems);
        let h = s.org(&admin(), "H").await.unwrap();
        assert_eq!(h.ended_on, Some(d("2025-07-01")), "{backend}");
        assert_eq!(s.summary(&admin(), "H", d("2019-12-31")).await.unwrap().total(), 1, "{backend}: counted in the old committee in 2019");
        assert_eq!(s.summary(&admin(), "X", today()).await.unwrap().total(), 1, "{backend}: and in the new commune today");
        crate::tally::same_everywhere(&s, backend, &["P", "H", "X"], &["2019-12-31", "2026-11-27"]).await;
        // The new commune's staff read the old committee, as after the change itself.
        let staff = user(&s, "vp-x", Role::Staff, Some("X")).await;
        let before: Vec<String> = s.org_predecessors(&staff, "X").await.unwrap().into_iter().map(|o| o.code).collect();
        assert_eq!(before, ["H"], "{backend}");
        // Exported again, the same organisations with the same periods.
        let tree = s.data_tree(&admin(), "X").await.unwrap().orgs;
        let h1 = tree.iter().find(|o| o.code == "H-1").expect("the branch");
        assert_eq!(h1.spans.iter().map(|s| s.parent.as_deref()).collect::<Vec<_>>(), [Some("H"), Some("X")], "{backend}");
        let codes: Vec<&str> = tree.iter().map(|o| o.code.as_str()).collect();
        assert_eq!(
            codes,
            ["H", "P", "H-1", "X"],
            "{backend}: by founding day, then code: the commune, its superior, its branch and the committee the branch was under"
        );
        assert_eq!(tree.iter().find(|o| o.code == "H").and_then(|o| o.heir.as_deref()), Some("X"), "{backend}");
    })
    .await;
}
