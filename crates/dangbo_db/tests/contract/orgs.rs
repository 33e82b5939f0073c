use crate::*;
use dangbo_core::org::OrgEventInput;
use dangbo_db::DbError;

fn event(kind: &str, on: &str) -> OrgEventInput {
    OrgEventInput { kind: kind.into(), effective_on: on.into(), ..Default::default() }
}

#[tokio::test]
async fn the_tree_as_of_a_date_follows_moves_and_renames() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let mut mv = event("moved", "2015-06-01");
        mv.parent = Some("G".into());
        // A branch cannot hold organisations.
        assert!(matches!(s.org_event(&admin(), "B2", mv.parse(today()).unwrap()).await, Err(DbError::Invalid(e)) if e.0.contains_key("parent")), "{backend}");
        org(&s, "C2", "grassroots_committee", Some("P"), "2001-01-01").await;
        let mut mv = event("moved", "2015-06-01");
        mv.parent = Some("C2".into());
        s.org_event(&admin(), "B2", mv.parse(today()).unwrap()).await.unwrap();
        let mut rn = event("renamed", "2016-01-01");
        rn.name = Some("Chi bộ thôn Mới".into());
        s.org_event(&admin(), "B2", rn.parse(today()).unwrap()).await.unwrap();

        let codes = |v: Vec<dangbo_db::OrgRow>| {
            let mut c = v.into_iter().map(|o| o.code).collect::<Vec<_>>();
            c.sort();
            c
        };
        assert_eq!(codes(s.org_children(&admin(), "C", d("2015-05-31")).await.unwrap()), ["B1", "B2"], "{backend}");
        assert_eq!(codes(s.org_children(&admin(), "C", d("2015-06-01")).await.unwrap()), ["B1"], "{backend}");
        assert_eq!(codes(s.org_children(&admin(), "C2", d("2015-06-01")).await.unwrap()), ["B2"], "{backend}");
        assert_eq!(s.org(&admin(), "B2").await.unwrap().name, "Chi bộ thôn Mới");
        let history = s.org_history(&admin(), "B2").await.unwrap();
        assert_eq!(history.iter().map(|h| h.kind.as_str()).collect::<Vec<_>>(), ["founded", "moved", "renamed"]);
    })
    .await;
}

#[tokio::test]
async fn moving_under_a_descendant_is_refused_and_changes_nothing() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        org(&s, "C3", "grassroots_committee", Some("P"), "2000-01-01").await;
        org(&s, "PC", "partial_committee", Some("C3"), "2000-01-01").await;
        let mut mv = event("moved", "2020-01-01");
        mv.parent = Some("PC".into());
        let err = s.org_event(&admin(), "C3", mv.parse(today()).unwrap()).await.unwrap_err();
        assert!(matches!(err, DbError::Invalid(ref e) if e.0["parent"].key == "err-org-cycle"), "{backend}: {err:?}");
        assert_eq!(s.org(&admin(), "C3").await.unwrap().parent.as_deref(), Some("P"));
        assert_eq!(s.org_history(&admin(), "C3").await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn dissolving_needs_the_members_moved_and_keeps_history() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let id = add_member(&s, member_input("B1", "Trần", "Văn", "Bình")).await;
        let err = s.org_event(&admin(), "B1", event("dissolved", "2020-01-01").parse(today()).unwrap()).await.unwrap_err();
        assert!(matches!(err, DbError::Invalid(ref e) if e.0["target"].key == "err-org-has-members"), "{backend}: {err:?}");
        let mut ev = event("dissolved", "2020-01-01");
        ev.target = Some("B2".into());
        s.org_event(&admin(), "B1", ev.parse(today()).unwrap()).await.unwrap();
        let b1 = s.org(&admin(), "B1").await.unwrap();
        assert_eq!(b1.ended_on, Some(d("2020-01-01")));
        let m = s.member(&admin(), &id).await.unwrap();
        assert_eq!(m.org, "B2");
        assert_eq!(s.summary(&admin(), "C", d("2019-12-31")).await.unwrap().total(), 1);
        assert_eq!(s.summary(&admin(), "B1", d("2019-12-31")).await.unwrap().total(), 1, "{backend}");
        assert_eq!(s.summary(&admin(), "B1", d("2020-01-01")).await.unwrap().total(), 0);
        assert_eq!(s.summary(&admin(), "B2", d("2020-01-01")).await.unwrap().total(), 1);
        // Events after the end are refused.
        let mut rn = event("renamed", "2021-01-01");
        rn.name = Some("X".into());
        assert!(s.org_event(&admin(), "B1", rn.parse(today()).unwrap()).await.is_err());
    })
    .await;
}

#[tokio::test]
async fn summary_counts_grassroots_organisations_on_the_date() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        org(&s, "G2", "grassroots_branch", Some("P"), "2019-05-01").await;
        assert_eq!(s.summary(&admin(), "P", d("2019-04-30")).await.unwrap().grassroots_orgs, 2, "{backend}");
        assert_eq!(s.summary(&admin(), "P", d("2019-05-01")).await.unwrap().grassroots_orgs, 3, "{backend}");
        assert_eq!(s.summary(&admin(), "P", d("1999-01-01")).await.unwrap().grassroots_orgs, 0, "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_split_is_recorded_on_both_organisations() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let m = add_member(&s, member_input("B1", "Lý", "Văn", "Tài")).await;
        let input = NewOrgInput {
            code: "B3".into(),
            name: "Chi bộ thôn Tách".into(),
            kind: "subordinate_branch".into(),
            parent: Some("C".into()),
            founded_on: "2021-01-01".into(),
            split_from: Some("B1".into()),
            ..Default::default()
        };
        s.create_org(&admin(), input.parse(today()).unwrap()).await.unwrap();
        let kinds: Vec<_> = s.org_history(&admin(), "B1").await.unwrap().into_iter().map(|h| (h.kind, h.data["into"].as_str().map(String::from))).collect();
        assert_eq!(kinds, [("founded".to_string(), None), ("split".to_string(), Some("B3".to_string()))], "{backend}");
        let mv = dangbo_core::event::EventInput { kind: "transferred".into(), effective_on: "2021-01-01".into(), org: Some("B3".into()), ..Default::default() };
        s.record_event(&admin(), &m, mv.parse(today()).unwrap(), today()).await.unwrap();
        assert_eq!(s.summary(&admin(), "B3", d("2021-01-01")).await.unwrap().total(), 1);
        let bad = NewOrgInput {
            code: "B4".into(),
            name: "X".into(),
            kind: "subordinate_branch".into(),
            parent: Some("C".into()),
            founded_on: "1990-01-01".into(),
            split_from: Some("B1".into()),
            ..Default::default()
        };
        let err = s.create_org(&admin(), bad.parse(today()).unwrap()).await.unwrap_err();
        assert!(matches!(err, DbError::Invalid(ref e) if e.0.contains_key("split_from") || e.0.contains_key("parent")), "{backend}: {err:?}");
    })
    .await;
}

#[tokio::test]
async fn subtree_counts_follow_a_move_before_and_after_it() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        for given in ["An", "Bình"] {
            add_member(&s, member_input("B2", "Lê", "Văn", given)).await;
        }
        org(&s, "C2", "grassroots_committee", Some("P"), "2001-01-01").await;
        let total = |code: &'static str, on: NaiveDate| {
            let s = s.clone();
            async move { s.summary(&admin(), code, on).await.unwrap().total() }
        };
        // Before any move the tree now is the tree then: both ways of reading it agree.
        assert_eq!((total("C", d("2024-01-01")).await, total("C2", d("2024-01-01")).await), (2, 0), "{backend}");
        let mut mv = event("moved", "2025-07-01");
        mv.parent = Some("C2".into());
        s.org_event(&admin(), "B2", mv.parse(today()).unwrap()).await.unwrap();
        // After the move: today's paths; before it: the tree rebuilt from the spans.
        assert_eq!((total("C", d("2025-06-30")).await, total("C2", d("2025-06-30")).await), (2, 0), "{backend}");
        assert_eq!((total("C", today()).await, total("C2", today()).await), (0, 2), "{backend}");
        let list = |code: &'static str, on: NaiveDate| {
            let s = s.clone();
            async move {
                let f = dangbo_db::MemberFilter { org: Some(code.into()), as_of: Some(on), limit: 50, ..Default::default() };
                s.list_members(&admin(), &f, today()).await.unwrap().total
            }
        };
        assert_eq!((list("C", d("2025-06-30")).await, list("C2", today()).await, list("C", today()).await), (2, 2, 0), "{backend}");
        let stats = s.member_stats(&admin(), "C2", today()).await.unwrap();
        assert_eq!(stats.total, 2, "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_list_filter_offers_the_scope_in_the_tree_order_by_name() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        // Named so that the name order differs from the code order.
        let input = dangbo_core::org::NewOrgInput {
            code: "B3".into(),
            name: "Chi bộ Ấp An".into(),
            kind: "subordinate_branch".into(),
            field: "residential".into(),
            parent: Some("C".into()),
            founded_on: "2000-01-01".into(),
            ..Default::default()
        };
        s.create_org(&admin(), input.parse(today()).unwrap()).await.unwrap();
        s.org_event(&admin(), "B2", event("dissolved", "2020-01-01").parse(today()).unwrap()).await.unwrap();
        let listed = |v: Vec<dangbo_db::OrgChoice>| v.into_iter().map(|c| format!("{}:{}", c.code, c.depth)).collect::<Vec<_>>();
        let before = s.org_choices(&admin(), d("2019-12-31")).await.unwrap();
        assert_eq!(listed(before), ["P:0", "C:1", "B3:2", "B1:2", "B2:2", "G:1"], "{backend}");
        let after = s.org_choices(&admin(), d("2020-01-01")).await.unwrap();
        assert_eq!(listed(after), ["P:0", "C:1", "B3:2", "B1:2", "G:1"], "{backend}: the dissolved branch is gone");
        let staff = user(&s, "c-staff", Role::Staff, Some("C")).await;
        let scoped = s.org_choices(&staff, d("2020-01-01")).await.unwrap();
        assert_eq!(listed(scoped), ["C:0", "B3:1", "B1:1"], "{backend}: only the caller's subtree");
    })
    .await;
}
