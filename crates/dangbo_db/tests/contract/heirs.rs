//! Successors read their predecessors' history, read-only; nobody else sees it (issue 23 §8).

use crate::*;
use dangbo_core::meeting::MeetingInput;
use dangbo_core::org::OrgEventInput;
use dangbo_db::DbError;

fn change(kind: &str, on: &str, target: Option<&str>, parent: Option<&str>) -> OrgEventInput {
    OrgEventInput { kind: kind.into(), effective_on: on.into(), target: target.map(Into::into), parent: parent.map(Into::into), ..Default::default() }
}

fn codes(v: Vec<dangbo_db::OrgRow>) -> Vec<String> {
    v.into_iter().map(|o| o.code).collect()
}

#[tokio::test]
async fn a_successor_reads_its_predecessors_and_a_sibling_does_not() {
    each_backend(|s, backend| async move {
        // P → C (B1, B2), C2 (B3), C3 (B4).
        small_tree(&s).await;
        org(&s, "C2", "grassroots_committee", Some("P"), "2000-01-01").await;
        org(&s, "B3", "subordinate_branch", Some("C2"), "2000-01-01").await;
        org(&s, "C3", "grassroots_committee", Some("P"), "2000-01-01").await;
        org(&s, "B4", "subordinate_branch", Some("C3"), "2000-01-01").await;
        add_member(&s, member_input("B2", "Trần", "Văn", "Bình")).await;
        let plan = MeetingInput {
            org: "B2".into(),
            kind: "regular".into(),
            planned_on: Some("2019-05-10".into()),
            agenda: Some("Điểm danh".into()),
            ..Default::default()
        };
        let meeting = s.create_meeting(&admin(), plan.parse().unwrap()).await.unwrap();
        // 1/1/2020: B2 merges into B3, B1 moves under C2, and C merges into C2.
        s.org_event(&admin(), "B2", change("merged", "2020-01-01", Some("B3"), None).parse(today()).unwrap()).await.unwrap();
        s.org_event(&admin(), "B1", change("moved", "2020-01-01", None, Some("C2")).parse(today()).unwrap()).await.unwrap();
        s.org_event(&admin(), "C", change("merged", "2020-01-01", Some("C2"), None).parse(today()).unwrap()).await.unwrap();

        let heir = user(&s, "c2", Role::Staff, Some("C2")).await;
        let sibling = user(&s, "c3", Role::Staff, Some("C3")).await;
        let branch = user(&s, "b3", Role::Secretary, Some("B3")).await;
        assert_eq!(codes(s.org_predecessors(&heir, "C2").await.unwrap()), ["C"], "{backend}");
        assert_eq!(codes(s.org_predecessors(&heir, "B3").await.unwrap()), ["B2"], "{backend}");
        for who in [&heir, &branch] {
            assert_eq!(s.summary(who, "B2", d("2019-06-30")).await.unwrap().total(), 1, "{backend}: {}", who.username);
            let met = s.list_meetings(who, "B2", d("2019-01-01"), d("2019-12-31")).await.unwrap();
            assert_eq!(met.len(), 1, "{backend}: {}", who.username);
            s.meeting(who, &meeting).await.unwrap();
        }
        // The committee that took C over reads it; B3's secretary only what B3 inherited.
        assert_eq!(s.summary(&heir, "C", d("2019-06-30")).await.unwrap().total(), 1, "{backend}");
        assert!(matches!(s.org(&branch, "C").await, Err(DbError::NotFound)), "{backend}");
        for what in ["B2", "C"] {
            assert!(matches!(s.org(&sibling, what).await, Err(DbError::NotFound)), "{backend}: {what}");
            assert!(matches!(s.list_meetings(&sibling, what, d("2019-01-01"), d("2019-12-31")).await, Err(DbError::NotFound)), "{backend}");
        }
        assert!(matches!(s.meeting(&sibling, &meeting).await, Err(DbError::NotFound)), "{backend}");
        assert!(s.org_predecessors(&sibling, "C3").await.unwrap().is_empty(), "{backend}");

        // Read-only: the inherited meeting cannot be written, nor the ended branch changed.
        let err = s.write_minutes(&heir, &meeting, "Ý kiến", "Kết luận").await.unwrap_err();
        assert!(matches!(err, DbError::NotFound), "{backend}: {err:?}");
        let rename = OrgEventInput { name: Some("Tên mới".into()), ..change("renamed", "2021-01-01", None, None) };
        assert!(s.org_event(&heir, "B2", rename.parse(today()).unwrap()).await.is_err(), "{backend}");
        assert_eq!(s.meeting(&admin(), &meeting).await.unwrap().opinions, "", "{backend}");

        // 2025: C2's branches move under C3 and C2 merges into it: C3 inherits C2, and through
        // it C and B2 (B2's heir B3 now lives under C3).
        for b in ["B1", "B3"] {
            s.org_event(&admin(), b, change("moved", "2025-07-01", None, Some("C3")).parse(today()).unwrap()).await.unwrap();
        }
        s.org_event(&admin(), "C2", change("merged", "2025-07-01", Some("C3"), None).parse(today()).unwrap()).await.unwrap();
        for what in ["C2", "C", "B2"] {
            s.org(&sibling, what).await.unwrap_or_else(|e| panic!("{backend}: {what}: {e:?}"));
        }
        assert_eq!(s.summary(&sibling, "C", d("2019-06-30")).await.unwrap().total(), 1, "{backend}");
        assert_eq!(codes(s.org_predecessors(&sibling, "C3").await.unwrap()), ["C2"], "{backend}");
    })
    .await;
}
