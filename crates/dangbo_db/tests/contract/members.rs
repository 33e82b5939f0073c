use crate::*;
use dangbo_core::event::EventInput;
use dangbo_db::{DbError, MemberFilter};

/// Audit rows of changes: not the record of a refused ask about a taken CCCD or card
/// (`member.key_taken`, which logs the question, not a change).
async fn audit_count(s: &Store) -> usize {
    s.audit_log(&admin(), None, 10_000).await.unwrap().iter().filter(|a| a.action != "member.key_taken").count()
}

#[tokio::test]
async fn a_member_counts_from_the_ceremony_date() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let mut i = member_input("B1", "Lê", "Thị", "Hoa");
        i.full_date = None;
        i.admission_decision_date = "2024-03-01".into();
        i.ceremony_date = "2024-03-20".into();
        add_member(&s, i).await;
        let before = s.summary(&admin(), "P", d("2024-03-19")).await.unwrap();
        let after = s.summary(&admin(), "P", d("2024-03-20")).await.unwrap();
        assert_eq!((before.total(), after.total(), after.probationary), (0, 1, 1), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let mut i = member_input("B1", "Lê", "Văn", "Nam");
        i.cccd = Some("001080000001".into());
        i.card_no = Some("12.345678".into());
        add_member(&s, i).await;
        let audits = audit_count(&s).await;
        let total = s.summary(&admin(), "P", today()).await.unwrap().total();

        let mut dup = member_input("B2", "Phạm", "Văn", "Tú");
        dup.cccd = Some("001080000001".into());
        dup.card_no = Some("12.345678".into());
        let err = s.create_member(&admin(), dup.parse(today()).unwrap()).await.unwrap_err();
        let DbError::Invalid(e) = err else { panic!("{backend}: expected invalid") };
        assert_eq!(e.0["cccd"].key, "err-cccd-taken");
        assert_eq!(e.0["card_no"].key, "err-card-taken");

        let unknown = member_input("NOPE", "Phạm", "Văn", "Tú");
        let err = s.create_member(&admin(), unknown.parse(today()).unwrap()).await.unwrap_err();
        assert!(matches!(err, DbError::Invalid(ref e) if e.0["org"].key == "err-org-unknown"), "{backend}");

        let committee = member_input("C", "Phạm", "Văn", "Tú");
        let err = s.create_member(&admin(), committee.parse(today()).unwrap()).await.unwrap_err();
        assert!(matches!(err, DbError::Invalid(ref e) if e.0["org"].key == "err-org-not-branch"), "{backend}");

        let mut eth = member_input("B1", "Phạm", "Văn", "Tú");
        eth.ethnicity = Some("99".into());
        let err = s.create_member(&admin(), eth.parse(today()).unwrap()).await.unwrap_err();
        assert!(matches!(err, DbError::Invalid(ref e) if e.0["ethnicity"].key == "err-choice"), "{backend}");

        assert_eq!(s.summary(&admin(), "P", today()).await.unwrap().total(), total);
        assert_eq!(audit_count(&s).await, audits, "{backend}: a refused command wrote to the audit log");
    })
    .await;
}

#[tokio::test]
async fn events_move_members_and_corrections_rewrite_history() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let id = add_member(&s, member_input("B1", "Hoàng", "Văn", "Sơn")).await;
        let transfer = EventInput {
            kind: "transferred".into(),
            effective_on: "2018-06-01".into(),
            org: Some("G".into()),
            decision_no: Some("12-QĐ/ĐU".into()),
            ..Default::default()
        };
        let ev_id = s.record_event(&admin(), &id, transfer.parse(today()).unwrap(), today()).await.unwrap();
        assert_eq!(s.summary(&admin(), "C", d("2018-05-31")).await.unwrap().total(), 1, "{backend}");
        assert_eq!(s.summary(&admin(), "C", d("2018-06-01")).await.unwrap().total(), 0, "{backend}");
        let fix = EventInput { kind: "corrected".into(), effective_on: "2017-06-01".into(), corrects: Some(ev_id.clone()), ..Default::default() };
        s.record_event(&admin(), &id, fix.parse(today()).unwrap(), today()).await.unwrap();
        assert_eq!(s.summary(&admin(), "C", d("2017-06-01")).await.unwrap().total(), 0, "{backend}");
        assert_eq!(s.summary(&admin(), "G", d("2017-06-01")).await.unwrap().total(), 1, "{backend}");
        let m = s.member(&admin(), &id).await.unwrap();
        assert_eq!(m.events.len(), 4);
        assert_eq!(m.events.iter().find(|e| e.id == ev_id).unwrap().effective_on, d("2018-06-01"), "the corrected event is kept as recorded");

        let died = EventInput { kind: "deceased".into(), effective_on: "2020-02-02".into(), ..Default::default() };
        s.record_event(&admin(), &id, died.parse(today()).unwrap(), today()).await.unwrap();
        let again = EventInput { kind: "transferred".into(), effective_on: "2021-01-01".into(), org: Some("B2".into()), ..Default::default() };
        let err = s.record_event(&admin(), &id, again.parse(today()).unwrap(), today()).await.unwrap_err();
        assert!(matches!(err, DbError::Invalid(ref e) if e.0.contains_key("type")), "{backend}: {err:?}");
        assert_eq!(s.member(&admin(), &id).await.unwrap().events.len(), 5);
    })
    .await;
}

#[tokio::test]
async fn search_ignores_diacritics_and_sorts_by_given_name() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        for (f, m, g) in [("Nguyễn", "Văn", "An"), ("Đặng", "Thị", "Ánh"), ("Trần", "Văn", "Bình"), ("Lê", "Văn", "Ăn"), ("Nguyễn", "Thị", "Uyên")]
        {
            add_member(&s, member_input("B1", f, m, g)).await;
        }
        let find = |q: &str| MemberFilter { q: Some(q.into()), limit: 50, ..Default::default() };
        let names = |p: dangbo_db::MemberPage| p.items.into_iter().map(|i| i.full_name).collect::<Vec<_>>();
        assert_eq!(names(s.list_members(&admin(), &find("nguyen van an"), today()).await.unwrap()), ["Nguyễn Văn An"], "{backend}");
        assert_eq!(names(s.list_members(&admin(), &find("dang"), today()).await.unwrap()), ["Đặng Thị Ánh"], "{backend}");
        assert_eq!(names(s.list_members(&admin(), &find("NGUYỄN"), today()).await.unwrap()).len(), 2);
        let all = s.list_members(&admin(), &MemberFilter { org: Some("P".into()), limit: 2, ..Default::default() }, today()).await.unwrap();
        assert_eq!(all.total, 5);
        assert_eq!(names(all.clone()), ["Nguyễn Văn An", "Đặng Thị Ánh"], "{backend}");
        let next = MemberFilter { org: Some("P".into()), limit: 2, cursor: all.next_cursor.clone(), ..Default::default() };
        let page2 = s.list_members(&admin(), &next, today()).await.unwrap();
        assert_eq!(names(page2.clone()), ["Lê Văn Ăn", "Trần Văn Bình"], "{backend}");
        let next = MemberFilter { org: Some("P".into()), limit: 2, cursor: page2.next_cursor, ..Default::default() };
        let page3 = s.list_members(&admin(), &next, today()).await.unwrap();
        assert_eq!(names(page3.clone()), ["Nguyễn Thị Uyên"]);
        assert!(page3.next_cursor.is_none());
        // A search pages like a list, with the number of matches on every page.
        let nguyen = |cursor| MemberFilter { q: Some("nguyen".into()), org: Some("P".into()), limit: 1, cursor, ..Default::default() };
        let p1 = s.list_members(&admin(), &nguyen(None), today()).await.unwrap();
        assert_eq!((p1.total, names(p1.clone())), (2, vec!["Nguyễn Văn An".to_string()]), "{backend}");
        let p2 = s.list_members(&admin(), &nguyen(p1.next_cursor.clone()), today()).await.unwrap();
        assert_eq!((p2.total, names(p2.clone())), (2, vec!["Nguyễn Thị Uyên".to_string()]), "{backend}");
        assert!(p2.next_cursor.is_none());
        let nobody = MemberFilter { q: Some("khong co ai".into()), org: Some("P".into()), ..Default::default() };
        let none = s.list_members(&admin(), &nobody, today()).await.unwrap();
        assert_eq!((none.total, none.items.len()), (0, 0), "{backend}");
    })
    .await;
}

/// A name typed in full without diacritics finds its person first: whole-word matches of the
/// last word come before the longer names it begins (Ân sorts after Anh and Ánh by given
/// name, yet "hoang van an" lists Hoàng Văn Ân first), and pages carry on in that order.
#[tokio::test]
async fn whole_word_matches_come_first() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        for g in ["Anh", "Ánh", "Ân", "Anh"] {
            add_member(&s, member_input("B1", "Hoàng", "Văn", g)).await;
        }
        let names = |p: &dangbo_db::MemberPage| p.items.iter().map(|i| i.full_name.clone()).collect::<Vec<_>>();
        for org in [None, Some("P".to_string())] {
            let find = |cursor| MemberFilter { q: Some("hoang van an".into()), org: org.clone(), limit: 1, cursor, ..Default::default() };
            let first = s.list_members(&admin(), &find(None), today()).await.unwrap();
            assert_eq!((first.total, names(&first)), (4, vec!["Hoàng Văn Ân".to_string()]), "{backend} {org:?}");
            let mut seen = names(&first);
            let mut cursor = first.next_cursor;
            while let Some(c) = cursor {
                let page = s.list_members(&admin(), &find(Some(c)), today()).await.unwrap();
                seen.extend(names(&page));
                cursor = page.next_cursor;
            }
            assert_eq!(seen, ["Hoàng Văn Ân", "Hoàng Văn Anh", "Hoàng Văn Anh", "Hoàng Văn Ánh"], "{backend} {org:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn the_data_quality_report_finds_gaps_per_branch() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let mut with_cccd = member_input("B1", "Nguyễn", "Văn", "An");
        with_cccd.cccd = Some("022090000123".into());
        with_cccd.card_no = Some("01.000001".into());
        add_member(&s, with_cccd).await;
        add_member(&s, member_input("B1", "Nguyễn", "Văn", "An")).await;
        add_member(&s, member_input("B2", "Trần", "Thị", "Hà")).await;
        let rows = s.data_quality(&admin(), "C", today()).await.unwrap();
        let b1 = rows.iter().find(|r| r.code == "B1").unwrap();
        assert_eq!((b1.members, b1.missing_cccd, b1.possible_duplicates, b1.full_without_card, b1.under_18_at_admission), (2, 1, 2, 1, 0), "{backend}");
        let b2 = rows.iter().find(|r| r.code == "B2").unwrap();
        assert_eq!((b2.members, b2.missing_cccd, b2.possible_duplicates), (1, 1, 0), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn search_by_word_follows_transfers_and_moves_and_keeps_the_scope() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let hung = add_member(&s, member_input("B1", "Nguyễn", "Văn", "Hùng")).await;
        add_member(&s, member_input("B2", "Trần", "Thị", "Hoa")).await;
        let find = |org: &str, q: &str| MemberFilter { org: Some(org.into()), q: Some(q.into()), limit: 20, ..Default::default() };
        let names = |p: dangbo_db::MemberPage| p.items.into_iter().map(|i| i.full_name).collect::<Vec<_>>();
        assert_eq!(names(s.list_members(&admin(), &find("C", "hun"), today()).await.unwrap()), ["Nguyễn Văn Hùng"], "{backend}: a prefix of the last word");
        assert_eq!(
            names(s.list_members(&admin(), &find("C", "Nguyễn V"), today()).await.unwrap()),
            ["Nguyễn Văn Hùng"],
            "{backend}: a whole word before one letter"
        );
        assert!(s.list_members(&admin(), &find("G", "hung"), today()).await.unwrap().items.is_empty(), "{backend}: another subtree");
        let transfer = EventInput { kind: "transferred".into(), effective_on: "2026-01-05".into(), org: Some("G".into()), ..Default::default() };
        s.record_event(&admin(), &hung, transfer.parse(today()).unwrap(), today()).await.unwrap();
        assert_eq!(names(s.list_members(&admin(), &find("G", "hung"), today()).await.unwrap()), ["Nguyễn Văn Hùng"], "{backend}: found in the new branch");
        assert!(s.list_members(&admin(), &find("C", "hung"), today()).await.unwrap().items.is_empty(), "{backend}: not in the old one");
        // As of a date before the transfer, the old branch still lists him.
        let before = MemberFilter { as_of: Some(d("2025-12-31")), ..find("C", "hung") };
        assert_eq!(names(s.list_members(&admin(), &before, today()).await.unwrap()), ["Nguyễn Văn Hùng"], "{backend}");
        // A committee moved to another province takes its members' words along.
        org(&s, "P2", "province", None, "2000-01-01").await;
        let mv = dangbo_core::org::OrgEventInput { kind: "moved".into(), effective_on: "2026-02-01".into(), parent: Some("P2".into()), ..Default::default() };
        s.org_event(&admin(), "C", mv.parse(today()).unwrap()).await.unwrap();
        assert_eq!(names(s.list_members(&admin(), &find("P2", "hoa"), today()).await.unwrap()), ["Trần Thị Hoa"], "{backend}");
        assert!(s.list_members(&admin(), &find("P", "hoa"), today()).await.unwrap().items.is_empty(), "{backend}");
        // A secretary of G searching without naming an organisation sees G only.
        let sec = user(&s, "bt-g", Role::Secretary, Some("G")).await;
        let mine = MemberFilter { q: Some("h".into()), limit: 20, ..Default::default() };
        assert_eq!(names(s.list_members(&sec, &mine, today()).await.unwrap()), ["Nguyễn Văn Hùng"], "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_members_profile_shows_the_record_as_read_alone() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let id = add_member(&s, member_input("B1", "Nguyễn", "Văn", "An")).await;
        // The record (branch, list counts and events) is one statement of the profile's read.
        let p = s.member_profile(&admin(), &id, today()).await.unwrap();
        let kinds: Vec<&str> = p.detail.events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["admitted", "recognised"], "{backend}");
        assert_eq!((p.detail.org.as_str(), p.detail.full_name.as_str()), ("B1", "Nguyễn Văn An"), "{backend}");
        assert!(p.helpers.is_empty() && p.positions.is_empty() && p.votes.is_empty());
        let read = s.member(&admin(), &id).await.unwrap();
        assert_eq!(serde_json::to_value(&p.detail).unwrap(), serde_json::to_value(&read).unwrap(), "{backend}");
        assert_ne!(p.ethnicity, "", "{backend}");
    })
    .await;
}

#[tokio::test]
async fn the_admission_date_and_the_name_are_corrected_only_by_decision() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let id = add_member(&s, member_input("B1", "Hoàng", "Văn", "Sơn")).await;
        let m = s.member(&admin(), &id).await.unwrap();
        let admitted = m.events.iter().find(|e| e.kind == "admitted").unwrap().id.clone();
        let audits = audit_count(&s).await;
        let fix = |decision: Option<&str>| EventInput {
            kind: "corrected".into(),
            effective_on: "2010-03-10".into(),
            corrects: Some(admitted.clone()),
            decision_no: decision.map(Into::into),
            ..Default::default()
        };
        let err = s.record_event(&admin(), &id, fix(None).parse(today()).unwrap(), today()).await.unwrap_err();
        assert!(matches!(err, DbError::Invalid(ref e) if e.0["decision_no"].key == "err-core-needs-decision"), "{backend}: {err:?}");
        let rename = EventInput {
            kind: "info_changed".into(),
            effective_on: "2020-01-01".into(),
            member: MemberInput { given_name: "Sang".into(), ..Default::default() },
            ..Default::default()
        };
        let err = s.record_event(&admin(), &id, rename.parse(today()).unwrap(), today()).await.unwrap_err();
        assert!(matches!(err, DbError::Invalid(ref e) if e.0["decision_no"].key == "err-core-needs-decision"), "{backend}: {err:?}");
        assert_eq!(audit_count(&s).await, audits, "{backend}: nothing written");
        // With the decision: the date is corrected, the original and the correction both stay.
        s.record_event(&admin(), &id, fix(Some("45-QĐ/HU")).parse(today()).unwrap(), today()).await.unwrap();
        let m = s.member(&admin(), &id).await.unwrap();
        assert_eq!(m.party.ceremony_date, d("2010-03-10"), "{backend}");
        let kinds: Vec<&str> = m.events.iter().map(|e| e.kind.as_str()).collect();
        assert!(kinds.contains(&"admitted") && kinds.contains(&"corrected"), "{backend}: {kinds:?}");
        assert_eq!(m.events.iter().find(|e| e.kind == "corrected").unwrap().decision_no.as_deref(), Some("45-QĐ/HU"));
    })
    .await;
}

#[tokio::test]
async fn a_photo_is_kept_replaced_and_read_only_within_the_scope() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let id = add_member(&s, member_input("B1", "Lê", "Thị", "Hoa")).await;
        let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 0, 255];
        s.set_member_photo(&admin(), &id, jpeg.clone()).await.unwrap();
        assert_eq!(s.member_photo(&admin(), &id).await.unwrap(), Some(("image/jpeg".to_string(), jpeg)), "{backend}: the bytes as kept");
        let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
        s.set_member_photo(&admin(), &id, png.clone()).await.unwrap();
        assert_eq!(s.member_photo(&admin(), &id).await.unwrap().map(|p| p.1), Some(png.clone()), "{backend}: replaced");
        let bad = s.set_member_photo(&admin(), &id, b"GIF89a".to_vec()).await.unwrap_err();
        assert!(matches!(bad, dangbo_db::DbError::Invalid(ref e) if e.has("photo", "err-photo-kind")), "{backend}: {bad:?}");
        assert_eq!(s.member_photo(&admin(), &id).await.unwrap().map(|p| p.1), Some(png), "{backend}: nothing changed");
        let other = user(&s, "bt2-photo", Role::Secretary, Some("B2")).await;
        assert!(matches!(s.member_photo(&other, &id).await, Err(dangbo_db::DbError::NotFound)), "{backend}");
        assert!(matches!(s.set_member_photo(&other, &id, vec![0xFF, 0xD8, 0xFF]).await, Err(dangbo_db::DbError::NotFound)), "{backend}");
        let audited = s.audit_log(&admin(), None, 100).await.unwrap().iter().filter(|a| a.action == "member.photo").count();
        assert_eq!(audited, 2, "{backend}");
    })
    .await;
}
