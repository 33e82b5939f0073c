//! Security and reliability (issue 20): credentials that end, throttles that spare the owner,
//! searches that read wildcards literally, mappings that stay in their committee, text a
//! database cannot store refused as input.

use crate::{add_member, admin, d, each_backend, member_input, small_tree, today, user};
use dangbo_db::{DbError, MemberFilter, Role};

#[tokio::test]
async fn tokens_expire_and_are_revoked_and_users_disabled() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        user(&s, "staff-p", Role::Staff, Some("P")).await;
        let (id, token) = s.create_token_for(&admin(), "staff-p", 30).await.unwrap();
        assert!(s.caller_by_token(&token).await.unwrap().is_some(), "{backend}");
        let listed = s.tokens(&admin(), Some("staff-p")).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].expires_at.is_some());
        s.revoke_token(&admin(), &id).await.unwrap();
        assert!(s.caller_by_token(&token).await.unwrap().is_none(), "{backend}: a revoked token still opens");
        assert!(matches!(s.revoke_token(&admin(), &id).await, Err(DbError::NotFound)));
        assert!(matches!(s.create_token_for(&admin(), "staff-p", 0).await, Err(DbError::Invalid(_))));
        let staff = s.caller_by_username("staff-p").await.unwrap().unwrap();
        assert!(matches!(s.revoke_token(&staff, &id).await, Err(DbError::Forbidden)));

        // A disabled user: sessions end, tokens open nothing, login fails; enabled again, back.
        let (_, token) = s.create_token_for(&admin(), "staff-p", 30).await.unwrap();
        let session = s.login("staff-p", "hoa-sen-no-sang-9", "10.1.0.1").await.unwrap().unwrap();
        s.set_user_active(&admin(), "staff-p", false).await.unwrap();
        assert!(s.session(&session.token).await.unwrap().is_none(), "{backend}");
        assert!(s.caller_by_token(&token).await.unwrap().is_none(), "{backend}");
        assert!(s.login("staff-p", "hoa-sen-no-sang-9", "10.1.0.1").await.unwrap().is_none());
        s.set_user_active(&admin(), "staff-p", true).await.unwrap();
        assert!(s.caller_by_token(&token).await.unwrap().is_some(), "{backend}");
        let users = s.users(&admin()).await.unwrap();
        assert!(users.iter().any(|u| u.username == "staff-p" && u.active && u.tokens == 1));
    })
    .await;
}

#[tokio::test]
async fn passwords_follow_the_rule_and_a_reset_ends_sessions() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        user(&s, "bt", Role::Secretary, Some("B1")).await;
        let bt = s.caller_by_username("bt").await.unwrap().unwrap();
        for weak in ["12345678", "password", "        ", "bt-bt-bt-bt"] {
            assert!(matches!(s.change_password(&bt, "hoa-sen-no-sang-9", weak).await, Err(DbError::Invalid(_))), "{backend}: {weak:?} accepted");
        }
        assert!(matches!(s.change_password(&bt, "not the one", "la-xanh-mua-thu-7").await, Err(DbError::Invalid(_))));
        s.change_password(&bt, "hoa-sen-no-sang-9", "la-xanh-mua-thu-7").await.unwrap();
        let session = s.login("bt", "la-xanh-mua-thu-7", "10.2.0.1").await.unwrap().expect("new password works");
        let made_up = s.reset_password(&admin(), "bt", None).await.unwrap();
        assert!(s.session(&session.token).await.unwrap().is_none(), "{backend}: a reset leaves sessions open");
        assert!(s.login("bt", "la-xanh-mua-thu-7", "10.2.0.1").await.unwrap().is_none());
        assert!(s.login("bt", &made_up, "10.2.0.1").await.unwrap().is_some(), "{backend}");
        let log = s.audit_log(&admin(), None, 200).await.unwrap();
        assert!(log.iter().any(|a| a.action == "user.password_reset") && log.iter().any(|a| a.action == "user.password_change"));
    })
    .await;
}

#[tokio::test]
async fn a_burst_of_guesses_at_one_account_is_checked_at_most_the_limit() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        user(&s, "target", Role::Staff, Some("P")).await;
        let guesses = (0..20).map(|n| {
            let s = s.clone();
            async move { s.login("target", &format!("guess-{n}"), "10.3.0.1").await }
        });
        let results = futures_join(guesses.collect()).await;
        let checked = results.iter().filter(|r| matches!(r, Ok(None))).count();
        let refused = results.iter().filter(|r| matches!(r, Err(DbError::RateLimited))).count();
        assert_eq!(checked as i64, dangbo_db::MAX_FAILURES, "{backend}: {checked} guesses checked");
        assert_eq!(checked + refused, 20);
    })
    .await;
}

async fn futures_join<T: Send + 'static>(fs: Vec<impl std::future::Future<Output = T> + Send + 'static>) -> Vec<T> {
    let handles: Vec<_> = fs.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn wildcards_in_a_search_are_literal() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        add_member(&s, member_input("B1", "Vũ", "Văn", "Hải")).await;
        add_member(&s, member_input("B2", "Bùi", "Thị", "Mai")).await;
        for q in ["%", "_", "%a%", "\\"] {
            let f = MemberFilter { q: Some(q.into()), as_of: Some(d("2019-12-31")), limit: 50, ..Default::default() };
            let page = s.list_members(&admin(), &f, today()).await.unwrap();
            assert_eq!(page.total, 0, "{backend}: {q:?} matched {}", page.total);
        }
        let f = MemberFilter { q: Some("mai".into()), as_of: Some(d("2019-12-31")), limit: 50, ..Default::default() };
        assert_eq!(s.list_members(&admin(), &f, today()).await.unwrap().total, 1, "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_committees_column_choices_stay_its_own() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let c = user(&s, "staff-c", Role::Staff, Some("C")).await;
        let g = user(&s, "staff-g", Role::Staff, Some("G")).await;
        s.remember_mappings(&c, &[("ngay sinh".into(), String::new())]).await.unwrap();
        assert_eq!(s.import_mappings(&c).await.unwrap(), vec![("ngay sinh".to_string(), String::new())], "{backend}");
        assert!(s.import_mappings(&g).await.unwrap().is_empty(), "{backend}: one committee's choice reached another");
        s.remember_mappings(&admin(), &[("ngay sinh".into(), "birth_date".into())]).await.unwrap();
        assert_eq!(s.import_mappings(&g).await.unwrap(), vec![("ngay sinh".to_string(), "birth_date".to_string())]);
        assert_eq!(s.import_mappings(&c).await.unwrap()[0].1, "", "{backend}: the committee's own choice comes first");
    })
    .await;
}

#[tokio::test]
async fn a_nul_byte_is_bad_input_on_both_databases() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let mut input = member_input("B1", "Vũ", "Văn", "Hải");
        input.occupation = Some("Nông\0dân".into());
        let id = add_member(&s, input).await;
        assert_eq!(s.member(&admin(), &id).await.unwrap().person.occupation, "Nông dân", "{backend}");
        // An id or code that reaches the store unparsed is "not found" or bad input, never a 500.
        match s.member(&admin(), "abc\0def").await {
            Err(DbError::NotFound) | Err(DbError::Invalid(_)) => {}
            other => panic!("{backend}: {other:?}"),
        }
        let f = MemberFilter { q: Some("a\0b".into()), org: Some("P".into()), limit: 10, ..Default::default() };
        assert!(!matches!(s.list_members(&admin(), &f, today()).await, Err(DbError::Internal(_))), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_write_waits_for_another_process_and_then_is_told_the_database_is_busy() {
    let db = dangbo_db::test_support::TestDb::sqlite().await;
    let s = db.store.clone();
    small_tree(&s).await;
    // Another process (a command-line import) holds the write lock past the wait: the write
    // is refused as busy, never an internal error, and nothing of it is written.
    let held = dangbo_db::test_support::hold_sqlite_write_lock(&db.url).await;
    let refused = s.create_member(&admin(), member_input("B1", "Vũ", "Văn", "Hải").parse(today()).unwrap()).await;
    assert!(matches!(refused, Err(DbError::Busy)), "{refused:?}");
    drop(held);
    // Released within the wait: the write waits its turn and succeeds.
    let held = dangbo_db::test_support::hold_sqlite_write_lock(&db.url).await;
    let release = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        drop(held);
    });
    add_member(&s, member_input("B1", "Vũ", "Văn", "Hải")).await;
    release.await.unwrap();
    let page = s.list_members(&admin(), &MemberFilter { org: Some("B1".into()), limit: 10, ..Default::default() }, today()).await.unwrap();
    assert_eq!(page.total, 1, "the refused write left nothing behind");
    db.finish().await;
}

#[tokio::test]
async fn asking_whether_a_citizen_id_is_in_the_register_leaves_a_trace() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let mut known = member_input("B1", "Vũ", "Văn", "Hải");
        known.cccd = Some("022080000001".into());
        add_member(&s, known.clone()).await;
        // A secretary of another part of the tree asks about the number.
        let g = user(&s, "sec-g", Role::Secretary, Some("G")).await;
        let mut probe = member_input("G", "Lê", "Thị", "Hỏi");
        probe.cccd = Some("022080000001".into());
        assert!(matches!(s.create_member(&g, probe.parse(today()).unwrap()).await, Err(DbError::Invalid(_))));
        let rows = vec![dangbo_db::ImportItem::new(2, probe.clone(), today())];
        let report = s.import_members(&g, rows, true, today()).await.unwrap();
        assert_eq!(report.unchanged, 1);
        let log = s.audit_log(&admin(), None, 100).await.unwrap();
        let by_g: Vec<_> = log.iter().filter(|a| a.actor == "sec-g").map(|a| a.action.as_str()).collect();
        assert!(by_g.contains(&"member.key_taken") && by_g.contains(&"import.known"), "{backend}: {by_g:?}");
    })
    .await;
}
