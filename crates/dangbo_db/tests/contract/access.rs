use crate::*;
use dangbo_db::{DbError, MemberFilter, NewUser};

#[tokio::test]
async fn a_secretary_sees_only_the_branch() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let own = add_member(&s, member_input("B1", "Vũ", "Văn", "Hải")).await;
        let other = add_member(&s, member_input("B2", "Bùi", "Thị", "Lan")).await;
        let sec = user(&s, "bt-b1", Role::Secretary, Some("B1")).await;
        assert_eq!(s.member(&sec, &own).await.unwrap().full_name, "Vũ Văn Hải");
        assert!(matches!(s.member(&sec, &other).await, Err(DbError::NotFound)), "{backend}");
        assert!(matches!(s.org(&sec, "B2").await, Err(DbError::NotFound)));
        assert!(matches!(s.summary(&sec, "C", today()).await, Err(DbError::NotFound)));
        let list = s.list_members(&sec, &MemberFilter { limit: 50, ..Default::default() }, today()).await.unwrap();
        assert_eq!(list.total, 1, "{backend}");
        // A search under a named organisation reads it in the search's own statement: in scope
        // it finds (the code as typed), outside it or unknown it is not found, hits or none.
        let search = |org: &str, q: &str| MemberFilter { org: Some(org.into()), q: Some(q.into()), limit: 50, ..Default::default() };
        let found = s.list_members(&sec, &search(" b1 ", "hai"), today()).await.unwrap();
        assert_eq!((found.total, found.items.len()), (1, 1), "{backend}");
        assert_eq!(s.list_members(&sec, &search("B1", "lan"), today()).await.unwrap().total, 0, "{backend}");
        for (org, q) in [("B2", "lan"), ("B2", "khong co ai"), ("C", "hai"), ("ZZ", "hai"), ("B1 ?", "hai")] {
            assert!(matches!(s.list_members(&sec, &search(org, q), today()).await, Err(DbError::NotFound)), "{backend}: {org} {q}");
        }
        assert_eq!(s.list_members(&admin(), &search("C", "lan"), today()).await.unwrap().total, 1, "{backend}");
        // Writing outside the branch looks like an unknown organisation.
        let i = member_input("B2", "Đỗ", "Văn", "Lâm").parse(today()).unwrap();
        assert!(matches!(s.create_member(&sec, i).await, Err(DbError::Invalid(e)) if e.0["org"].key == "err-org-unknown"));
        let viewer = user(&s, "view-c", Role::Viewer, Some("C")).await;
        assert_eq!(s.list_members(&viewer, &MemberFilter { limit: 50, ..Default::default() }, today()).await.unwrap().total, 2);
        let i = member_input("B2", "Đỗ", "Văn", "Lâm").parse(today()).unwrap();
        assert!(matches!(s.create_member(&viewer, i).await, Err(DbError::Forbidden)));
    })
    .await;
}

#[tokio::test]
async fn writes_and_openings_are_audited() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let id = add_member(&s, member_input("B1", "Vũ", "Văn", "Hải")).await;
        let staff = user(&s, "staff-c", Role::Staff, Some("C")).await;
        s.member(&staff, &id).await.unwrap();
        let log = s.audit_log(&admin(), Some(&id), 100).await.unwrap();
        let actions: Vec<_> = log.iter().map(|a| (a.actor.as_str(), a.action.as_str())).collect();
        assert!(actions.contains(&("system", "member.create")), "{backend}: {actions:?}");
        assert!(actions.contains(&("staff-c", "member.open")), "{backend}: {actions:?}");
        assert!(matches!(s.audit_log(&staff, None, 10).await, Err(DbError::Forbidden)));
    })
    .await;
}

#[tokio::test]
async fn logins_open_sessions_and_are_throttled() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        user(&s, "staff-p", Role::Staff, Some("P")).await;
        let sess = s.login("staff-p", "hoa-sen-no-sang-9", "10.0.0.1").await.unwrap().expect("logged in");
        let (caller, csrf) = s.session(&sess.token).await.unwrap().unwrap();
        assert_eq!((caller.username.as_str(), csrf), ("staff-p", sess.csrf_token.clone()));
        s.logout(&sess.token).await.unwrap();
        assert!(s.session(&sess.token).await.unwrap().is_none());
        for _ in 0..dangbo_db::MAX_FAILURES {
            assert!(s.login("staff-p", "wrong", "10.0.0.2").await.unwrap().is_none(), "{backend}");
        }
        // The guesser's address is locked out for this account, even with the right password…
        assert!(matches!(s.login("staff-p", "hoa-sen-no-sang-9", "10.0.0.2").await, Err(DbError::RateLimited)));
        // …the owner at another address is not.
        assert!(s.login("staff-p", "hoa-sen-no-sang-9", "10.0.0.3").await.unwrap().is_some(), "{backend}: owner locked out");
        // Another account behind the guesser's address (an office NAT) still logs in.
        user(&s, "staff-q", Role::Staff, Some("P")).await;
        assert!(s.login("staff-q", "hoa-sen-no-sang-9", "10.0.0.2").await.unwrap().is_some(), "{backend}: neighbour locked out");
        // Many accounts guessed from one address: the address is refused.
        for n in 0..dangbo_db::MAX_FAILURES_PER_ADDRESS {
            let _ = s.login(&format!("nobody{n}"), "wrong", "10.0.0.9").await;
        }
        assert!(matches!(s.login("staff-q", "hoa-sen-no-sang-9", "10.0.0.9").await, Err(DbError::RateLimited)));
        let log = s.audit_log(&admin(), None, 500).await.unwrap();
        let count = |action: &str| log.iter().filter(|a| a.action == action).count();
        assert!(count("login.ok") >= 3 && count("login.failed") >= 5 && count("login.refused") >= 2, "{backend}: logins not audited");
        let token = s.create_token(&admin(), "staff-p").await.unwrap();
        assert_eq!(s.caller_by_token(&token).await.unwrap().unwrap().username, "staff-p");
        assert!(s.caller_by_token("dbt_nope").await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn a_member_sees_only_their_own_record() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let own = add_member(&s, member_input("B1", "Vũ", "Thị", "Mai")).await;
        let other = add_member(&s, member_input("B1", "Bùi", "Văn", "Tú")).await;
        let err = s
            .create_user(&admin(), NewUser { username: "m0", password: "hoa-sen-no-sang-9", role: Role::Member, org_code: Some("B1"), member_id: None })
            .await
            .unwrap_err();
        assert!(matches!(err, DbError::Invalid(ref e) if e.0.contains_key("member")), "{backend}");
        s.create_user(&admin(), NewUser { username: "m1", password: "hoa-sen-no-sang-9", role: Role::Member, org_code: Some("B1"), member_id: Some(&own) })
            .await
            .unwrap();
        let me = s.caller_by_username("m1").await.unwrap().unwrap();
        assert_eq!(s.member(&me, &own).await.unwrap().full_name, "Vũ Thị Mai");
        assert!(matches!(s.member(&me, &other).await, Err(DbError::NotFound)), "{backend}");
        assert!(matches!(s.org(&me, "B1").await, Err(DbError::NotFound)));
        assert!(s.org_roots(&me).await.unwrap().is_empty());
        let list = s.list_members(&me, &MemberFilter { limit: 10, ..Default::default() }, today()).await.unwrap();
        assert_eq!(list.total, 1);
        let ev = dangbo_core::event::EventInput { kind: "deceased".into(), effective_on: "2020-01-01".into(), ..Default::default() };
        assert!(matches!(s.record_event(&me, &own, ev.parse(today()).unwrap(), today()).await, Err(DbError::Forbidden)));
    })
    .await;
}

/// The profile is read without the write lock; its opening is still logged, once, and only for
/// a member the caller may see.
#[tokio::test]
async fn a_profile_is_read_whole_and_its_opening_logged_once() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let lan = add_member(&s, member_input("B1", "Bùi", "Thị", "Lan")).await;
        let hai = add_member(&s, member_input("B1", "Vũ", "Văn", "Hải")).await;
        add_member(&s, member_input("B2", "Đỗ", "Văn", "An")).await;
        let mut young = member_input("B1", "Trần", "Văn", "Minh");
        young.admission_decision_date = "2026-03-01".into();
        young.ceremony_date = "2026-03-15".into();
        young.full_date = None;
        let minh = add_member(&s, young).await;
        let sec = user(&s, "bt-b1", Role::Secretary, Some("B1")).await;

        let p = s.member_profile(&sec, &minh, today()).await.unwrap();
        assert_eq!((p.detail.full_name.as_str(), p.ethnicity.as_str()), ("Trần Văn Minh", "Kinh"), "{backend}");
        // The branch's full members, by given name; not the other branch's, not the member.
        assert_eq!(p.helpers, vec![(hai.clone(), "Vũ Văn Hải".to_string()), (lan.clone(), "Bùi Thị Lan".to_string())], "{backend}");
        assert!(p.positions.is_empty() && p.moves.is_empty() && p.courses.is_empty() && p.votes.is_empty() && p.assignments.is_empty());
        let opened = |log: Vec<dangbo_db::AuditRow>, who: &str| log.iter().filter(|a| a.actor == who && a.action == "member.open").count();
        assert_eq!(opened(s.audit_log(&admin(), Some(&minh), 100).await.unwrap(), "bt-b1"), 1, "{backend}");

        // A full member's profile offers no helpers; nor does a reader's who cannot write.
        assert!(s.member_profile(&sec, &hai, today()).await.unwrap().helpers.is_empty());
        let viewer = user(&s, "view-c", Role::Viewer, Some("C")).await;
        assert!(s.member_profile(&viewer, &minh, today()).await.unwrap().helpers.is_empty());

        // Outside the scope: not found, and no opening logged.
        let other = user(&s, "bt-b2", Role::Secretary, Some("B2")).await;
        assert!(matches!(s.member_profile(&other, &minh, today()).await, Err(DbError::NotFound)), "{backend}");
        assert_eq!(opened(s.audit_log(&admin(), Some(&minh), 100).await.unwrap(), "bt-b2"), 0, "{backend}");
    })
    .await;
}

/// Openings logged by group commit: forty readers at once, forty rows, each committed before
/// its reader got the file.
#[tokio::test]
async fn concurrent_openings_are_each_logged_once() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let id = add_member(&s, member_input("B1", "Vũ", "Văn", "Hải")).await;
        let staff = user(&s, "staff-c", Role::Staff, Some("C")).await;
        let mut readers = tokio::task::JoinSet::new();
        for _ in 0..40 {
            let (s, staff, id) = (s.clone(), staff.clone(), id.clone());
            readers.spawn(async move {
                s.member_profile(&staff, &id, today()).await.unwrap();
                // Committed before the profile came back: visible to the next reader at once.
                s.audit_log(&admin(), Some(&id), 1000).await.unwrap().iter().filter(|a| a.action == "member.open").count()
            });
        }
        let mut seen = Vec::new();
        while let Some(n) = readers.join_next().await {
            seen.push(n.unwrap());
        }
        assert!(seen.iter().all(|&n| n >= 1), "{backend}: {seen:?}");
        let log = s.audit_log(&admin(), Some(&id), 1000).await.unwrap();
        assert_eq!(log.iter().filter(|a| a.action == "member.open" && a.actor == "staff-c").count(), 40, "{backend}");
    })
    .await;
}

/// The role × action table (ARCHITECTURE.md "Who may do what"), and the store holding to it:
/// a branch secretary records the branch's work but neither restructures the tree nor decides
/// what belongs to the committee; the committee's staff do both; a viewer writes nothing.
#[tokio::test]
async fn the_role_action_table_holds_in_the_store() {
    use dangbo_db::Action;
    let expected = [
        (Role::Admin, [true, true, true, true, true]),
        (Role::Staff, [true, true, true, false, false]),
        (Role::Secretary, [true, true, false, false, false]),
        (Role::Viewer, [true, false, false, false, false]),
        (Role::Inspector, [true, false, false, false, true]),
        (Role::Member, [true, false, false, false, false]),
    ];
    for (role, row) in expected {
        for (action, may) in Action::ALL.iter().zip(row) {
            assert_eq!(role.may(*action), may, "{role:?} {action:?}");
        }
    }
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let sec = user(&s, "bt-b1", Role::Secretary, Some("B1")).await;
        let staff = user(&s, "staff-c", Role::Staff, Some("C")).await;
        let viewer = user(&s, "xem-c", Role::Viewer, Some("C")).await;
        let rename = |name: &str| {
            dangbo_core::org::OrgEventInput { kind: "renamed".into(), effective_on: "2026-01-01".into(), name: Some(name.into()), ..Default::default() }
                .parse(today())
                .unwrap()
        };
        for who in [&sec, &viewer] {
            assert!(matches!(s.org_event(who, "B1", rename("Chi bộ mới")).await, Err(DbError::Forbidden)), "{backend}: {}", who.username);
        }
        assert_eq!(s.org(&admin(), "B1").await.unwrap().name, "Tổ chức B1", "{backend}: nothing renamed");
        assert_eq!(s.org_event(&staff, "B1", rename("Chi bộ Khu 1")).await.unwrap().name, "Chi bộ Khu 1", "{backend}");
        // The committee's decisions about a member: refused to the secretary, who still records
        // the branch's own events.
        let event = |kind: &str| {
            dangbo_core::event::EventInput { kind: kind.into(), effective_on: "2026-01-02".into(), reason: Some("Vi phạm".into()), ..Default::default() }
                .parse(today())
                .unwrap()
        };
        let a = add_member(&s, member_input("B1", "Vũ", "Văn", "Hải")).await;
        let b = add_member(&s, member_input("B1", "Bùi", "Thị", "Lan")).await;
        for kind in ["expelled", "struck_off"] {
            assert!(matches!(s.record_event(&sec, &a, event(kind), today()).await, Err(DbError::Forbidden)), "{backend}: {kind}");
        }
        s.record_event(&staff, &a, event("expelled"), today()).await.expect("the committee expels");
        s.record_event(&sec, &b, event("deceased"), today()).await.expect("the branch records a death");
        // The admission decision: refused before the candidate is even looked up.
        let decision = dangbo_core::candidate::StepInput {
            kind: "decision".into(),
            effective_on: "2026-01-03".into(),
            doc_no: Some("12-QĐ/ĐU".into()),
            ..Default::default()
        }
        .parse(today())
        .unwrap();
        let nobody = "0190dddd-0000-7000-8000-000000000000";
        assert!(matches!(s.record_step(&sec, nobody, decision.clone()).await, Err(DbError::Forbidden)), "{backend}");
        assert!(matches!(s.record_step(&staff, nobody, decision).await, Err(DbError::NotFound)), "{backend}");
    })
    .await;
}
