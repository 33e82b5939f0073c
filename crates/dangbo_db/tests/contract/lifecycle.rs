use crate::*;
use dangbo_core::candidate::{CandidateInput, Stage, StepInput};
use dangbo_core::course::{CourseInput, EnrolmentInput};
use dangbo_core::member::{MemberInput, Status};
use dangbo_core::todo::TodoKind;
use dangbo_db::{DbError, RuleVersionInput};

fn candidate_input(org: &str, given: &str, birth: &str) -> CandidateInput {
    CandidateInput {
        org: org.into(),
        source: "youth_union".into(),
        listed_on: "2025-09-01".into(),
        person: MemberInput {
            family_name: "Lê".into(),
            middle_name: "Thị".into(),
            given_name: given.into(),
            sex: "female".into(),
            birth_date: birth.into(),
            ..Default::default()
        },
    }
}

fn step(kind: &str, on: &str) -> StepInput {
    StepInput { kind: kind.into(), effective_on: on.into(), doc_no: Some(format!("{kind}-01")), ..Default::default() }
}

async fn record(s: &Store, id: &str, input: StepInput) -> Result<String, DbError> {
    s.record_step(&admin(), id, input.parse(today()).expect("parses")).await
}

pub(crate) async fn trained(s: &Store, given: &str, birth: &str, cert: &str) -> String {
    let id = s.create_candidate(&admin(), candidate_input("B1", given, birth).parse(today()).unwrap()).await.unwrap();
    let course = CourseInput { org: "C".into(), kind: "awareness".into(), name: format!("Lớp {given}"), start_date: cert.into(), ..Default::default() };
    let course = s.create_course(&admin(), course.parse(today()).unwrap()).await.unwrap();
    let e = EnrolmentInput { candidate: id.clone(), result: Some("passed".into()), certificate_no: Some("CN-1".into()), certificate_date: Some(cert.into()) };
    s.put_enrolment(&admin(), &course, e.parse(today()).unwrap()).await.unwrap();
    id
}

pub(crate) async fn dossier(s: &Store, id: &str, on: &str, introducer: &str) {
    for k in ["application", "biography", "verification", "comments"] {
        record(s, id, step(k, on)).await.unwrap();
    }
    let intro = StepInput { introducers: vec![introducer.into()], ..step("introduction", on) };
    record(s, id, intro).await.unwrap();
}

fn vote(on: &str, votes: &str, base: &str) -> StepInput {
    StepInput { votes_for: Some(votes.into()), full_members: Some(base.into()), ..step("branch_resolution", on) }
}

#[tokio::test]
async fn a_candidate_goes_from_the_list_to_full_membership() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let introducer = add_member(&s, member_input("B1", "Trần", "Văn", "Giới")).await;
        let id = trained(&s, "Hoa", "2000-02-01", "2025-10-10").await;
        assert_eq!(s.candidate(&admin(), &id, today()).await.unwrap().stage, Stage::Trained, "{backend}");
        // Out of order: a decision before any resolution; nothing written.
        let audit_before = s.audit_log(&admin(), Some(&id), 100).await.unwrap().len();
        let e = record(&s, &id, step("decision", "2025-11-01")).await.unwrap_err();
        assert!(matches!(&e, DbError::Invalid(f) if f.0["type"].key == "err-step-order"), "{backend} {e:?}");
        assert_eq!(s.audit_log(&admin(), Some(&id), 100).await.unwrap().len(), audit_before);
        // A probationary introducer is refused.
        let young = add_member(
            &s,
            MemberInput {
                full_date: None,
                ceremony_date: "2025-10-01".into(),
                admission_decision_date: "2025-09-20".into(),
                ..member_input("B1", "Phạm", "Văn", "Trẻ")
            },
        )
        .await;
        let bad = StepInput { introducers: vec![young], ..step("introduction", "2025-11-03") };
        assert!(matches!(record(&s, &id, bad).await, Err(DbError::Invalid(f)) if f.0.contains_key("introducers")), "{backend}");
        dossier(&s, &id, "2025-11-03", &introducer).await;
        // A 1-of-3 vote said to have passed is refused with the rule.
        let claimed = StepInput { result: Some("passed".into()), ..vote("2025-12-01", "1", "3") };
        let e = record(&s, &id, claimed).await.unwrap_err();
        assert!(matches!(&e, DbError::Invalid(f) if f.0["result"].key == "err-vote-below-threshold"), "{backend}");
        record(&s, &id, vote("2025-12-01", "3", "3")).await.unwrap();
        record(&s, &id, step("committee_resolution", "2025-12-05")).await.unwrap();
        let c = s.candidate(&admin(), &id, d("2025-12-10")).await.unwrap();
        assert_eq!(c.stage, Stage::CommitteeProposed);
        let due = c.due.expect("the decision deadline runs");
        assert_eq!((due.kind, due.from), (TodoKind::DecisionDue, d("2025-12-01")));
        record(&s, &id, step("decision", "2025-12-20")).await.unwrap();
        record(&s, &id, step("ceremony", "2025-12-30")).await.unwrap();
        let c = s.candidate(&admin(), &id, today()).await.unwrap();
        assert_eq!(c.stage, Stage::Admitted, "{backend}");
        let member = c.member_id.expect("the ceremony opens the member record");
        let m = s.member(&admin(), &member).await.unwrap();
        assert_eq!((m.status, m.party.admission_decision_date, m.party.ceremony_date), (Status::Probationary, d("2025-12-20"), d("2025-12-30")));
        assert_eq!(m.org, "B1");
        // Probation review on the to-do list once the twelve months are near.
        let todo = s.todo(&admin(), d("2026-12-15")).await.unwrap();
        let item = todo.iter().find(|t| t.id == member).expect("probation review listed");
        assert_eq!((item.kind, item.from), (TodoKind::ProbationReview, d("2026-12-30")));
        // Recognised by a decision of 8/1/2027: full from the day the twelve months ended.
        let ev = dangbo_core::event::EventInput { kind: "recognised".into(), effective_on: "2027-01-08".into(), ..Default::default() };
        s.record_event(&admin(), &member, ev.parse(d("2027-01-10")).unwrap(), d("2027-01-10")).await.unwrap();
        let m = s.member(&admin(), &member).await.unwrap();
        assert_eq!((m.status, m.full_date), (Status::Full, Some(d("2026-12-30"))), "{backend}");
        let rec = m.events.iter().find(|e| e.kind == "recognised").unwrap();
        assert_eq!((rec.effective_on, rec.decision_date), (d("2026-12-30"), Some(d("2027-01-08"))));
        // Before the twelve months end it is refused.
        let early = dangbo_core::event::EventInput { kind: "recognised".into(), effective_on: "2026-06-01".into(), ..Default::default() };
        let other = add_member(
            &s,
            MemberInput {
                full_date: None,
                ceremony_date: "2025-10-01".into(),
                admission_decision_date: "2025-09-20".into(),
                ..member_input("B1", "Vũ", "Văn", "Sớm")
            },
        )
        .await;
        assert!(s.record_event(&admin(), &other, early.parse(today()).unwrap(), today()).await.is_err());
        // Closed: nothing more can be recorded on the candidate.
        let e = record(&s, &id, StepInput { reason: Some("x".into()), ..step("withdrawn", "2026-01-05") }).await.unwrap_err();
        assert!(matches!(e, DbError::Invalid(f) if f.0["type"].key == "err-step-closed"));
    })
    .await;
}

#[tokio::test]
async fn age_and_certificate_guards_use_the_rules_in_force() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let introducer = add_member(&s, member_input("B1", "Trần", "Văn", "Giới")).await;
        // Turns 18 on 2008-01-15 + 18y = 2026-01-15; branch review on 2025-12-01 is too early.
        let id = trained(&s, "Nhỏ", "2008-01-15", "2025-10-10").await;
        dossier(&s, &id, "2025-11-03", &introducer).await;
        let e = record(&s, &id, vote("2025-12-01", "3", "3")).await.unwrap_err();
        match e {
            DbError::Invalid(f) => {
                let err = &f.0["effective_on"];
                assert_eq!(err.key, "err-candidate-too-young", "{backend}");
                assert!(err.args.iter().any(|(k, v)| *k == "rule" && v.starts_with("Điều lệ Đảng")));
            }
            e => panic!("{e:?}"),
        }
        // A certificate that lapsed (5 years) before the review.
        let old = trained(&s, "Cũ", "1995-01-01", "2020-06-01").await;
        dossier(&s, &old, "2025-11-03", &introducer).await;
        let e = record(&s, &old, vote("2025-12-01", "3", "3")).await.unwrap_err();
        assert!(matches!(e, DbError::Invalid(f) if f.0["effective_on"].key == "err-certificate-invalid"), "{backend}");
        // An admin extends the certificate validity to 72 months from 2025-01-01: the same
        // review now passes, while the rule for earlier dates is unchanged.
        let v = RuleVersionInput {
            rule: "certificate_validity_months".into(),
            effective_from: "2020-01-01".into(),
            value: "72".into(),
            citation: "Quy định thử nghiệm".into(),
            confirmed: Some("1".into()),
        };
        s.put_rule_version(&admin(), v.parse().unwrap()).await.unwrap();
        record(&s, &old, vote("2025-12-01", "3", "3")).await.unwrap();
        let book = s.rule_book().await.unwrap();
        use dangbo_core::rules::RuleId;
        assert_eq!(book.number(RuleId::CertificateValidityMonths, d("2019-12-31")), 60);
        assert_eq!(book.number(RuleId::CertificateValidityMonths, d("2020-01-01")), 72);
        // Locked rules and bad values are refused.
        let locked =
            RuleVersionInput { rule: "probation_months".into(), effective_from: "2026-01-01".into(), value: "6".into(), citation: "x".into(), confirmed: None };
        assert!(locked.parse().is_err());
        let viewer = user(&s, "v", Role::Viewer, Some("P")).await;
        let v2 =
            RuleVersionInput { rule: "ceremony_wd".into(), effective_from: "2026-01-01".into(), value: "20".into(), citation: "x".into(), confirmed: None };
        assert!(matches!(s.put_rule_version(&viewer, v2.parse().unwrap()).await, Err(DbError::Forbidden)));
    })
    .await;
}

#[tokio::test]
async fn the_todo_list_is_scoped_and_uses_the_calendar() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let introducer = add_member(&s, member_input("B1", "Trần", "Văn", "Giới")).await;
        let id = trained(&s, "Hoa", "2000-02-01", "2025-10-10").await;
        dossier(&s, &id, "2025-11-03", &introducer).await;
        record(&s, &id, vote("2026-04-01", "3", "3")).await.unwrap();
        record(&s, &id, step("committee_resolution", "2026-04-03")).await.unwrap();
        // 60 working days from 1/4/2026, skipping 26–27/4 (Giỗ Tổ, bù), 30/4, 1/5 and weekends.
        let todo = s.todo(&admin(), today()).await.unwrap();
        let item = todo.iter().find(|t| t.id == id).unwrap();
        assert_eq!(item.kind, TodoKind::DecisionDue);
        let plain = dangbo_core::calendar::WorkCalendar::default().add_working_days(d("2026-04-01"), 60);
        assert!(item.due > plain, "{backend}: holidays push the deadline ({} vs {plain})", item.due);
        assert!(item.overdue);
        // A holiday added by an admin moves it again.
        s.put_calendar_day(&admin(), item.due, Some(dangbo_core::calendar::DayKind::Holiday), "Nghỉ thử").await.unwrap();
        let again = s.todo(&admin(), today()).await.unwrap();
        assert!(again.iter().find(|t| t.id == id).unwrap().due > item.due);
        // Scope: the secretary of B2 sees nothing of B1; the committee's staff does.
        let b2 = user(&s, "b2", Role::Secretary, Some("B2")).await;
        assert!(s.todo(&b2, today()).await.unwrap().is_empty(), "{backend}");
        let staff = user(&s, "c", Role::Staff, Some("C")).await;
        assert!(s.todo(&staff, today()).await.unwrap().iter().any(|t| t.id == id));
        assert!(matches!(s.candidate(&b2, &id, today()).await, Err(DbError::NotFound)));
        assert!(s.list_candidates(&b2, None, None, false, "").await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn targets_compare_with_admissions() {
    each_backend(|s, backend| async move {
        s.load_demo(1, today()).await.unwrap();
        let rows = s.admission_targets(&admin(), "DH", 2018).await.unwrap();
        assert_eq!(rows.len(), 37, "{backend}");
        assert!(rows.iter().all(|r| r.target.is_some()));
        let actual: i64 = rows.iter().map(|r| r.actual).sum();
        assert_eq!(actual, s.admissions(&admin(), "DH", d("2018-01-01"), d("2018-12-31")).await.unwrap());
        s.put_admission_target(&admin(), "DH-TT", 2018, Some(9)).await.unwrap();
        let tt = s.admission_targets(&admin(), "DH-TT", 2018).await.unwrap();
        assert_eq!(tt[0].target, Some(9));
        let viewer = s.caller_by_username("thitran").await.unwrap().unwrap();
        assert!(matches!(s.put_admission_target(&viewer, "DH-TT", 2018, Some(1)).await, Err(DbError::Forbidden)));
        // The demo's to-do: the secretary of Khu phố 1 sees only her branch's items.
        let bithu = s.caller_by_username("bithu").await.unwrap().unwrap();
        let mine = s.todo(&bithu, today()).await.unwrap();
        assert!(!mine.is_empty(), "{backend}");
        assert!(mine.iter().all(|t| t.org == "DH-TT-01"));
        let all = s.todo(&admin(), today()).await.unwrap();
        assert!(all.iter().any(|t| t.kind == TodoKind::ProbationReview && t.overdue));
        assert!(all.iter().any(|t| t.kind == TodoKind::DecisionDue && t.overdue));
        assert!(all.iter().any(|t| t.kind == TodoKind::CeremonyDue));
        assert!(all.iter().any(|t| t.kind == TodoKind::CertificateExpiring));
        assert!(all.iter().any(|t| t.kind == TodoKind::BadgeDue));
        assert!(mine.iter().any(|t| t.kind == TodoKind::TransferPending && t.overdue), "{backend}");
        assert!(mine.iter().any(|t| t.kind == TodoKind::TempEnding && !t.overdue));
    })
    .await;
}

#[tokio::test]
async fn badges_fall_due_at_the_next_ceremony_until_awarded() {
    each_backend(|s, backend| async move {
        org(&s, "P", "province", None, "1960-01-01").await;
        org(&s, "B1", "grassroots_branch", Some("P"), "1960-01-01").await;
        let m = add_member(
            &s,
            MemberInput {
                admission_decision_date: "1997-01-10".into(),
                ceremony_date: "1997-01-20".into(),
                full_date: Some("1998-01-20".into()),
                birth_date: "1970-01-01".into(),
                ..member_input("B1", "Đỗ", "Văn", "Huy")
            },
        )
        .await;
        let todo = s.todo(&admin(), today()).await.unwrap();
        let item = todo.iter().find(|t| t.id == m).expect("30-year badge due");
        assert_eq!((item.kind, item.milestone, item.from, item.due), (TodoKind::BadgeDue, Some(30), d("2027-01-10"), d("2027-02-03")), "{backend}");
        assert!(item.citation.starts_with("HD 01-HD/TW (28/9/2021)"));
        let ev =
            dangbo_core::event::EventInput { kind: "badge_awarded".into(), effective_on: "2026-11-20".into(), years: Some("30".into()), ..Default::default() };
        s.record_event(&admin(), &m, ev.parse(today()).unwrap(), today()).await.unwrap();
        assert!(s.todo(&admin(), today()).await.unwrap().iter().all(|t| t.id != m), "{backend}");
        assert_eq!(s.member(&admin(), &m).await.unwrap().party_age_from, d("1997-01-10"));
        let bad =
            dangbo_core::event::EventInput { kind: "badge_awarded".into(), effective_on: "2026-11-20".into(), years: Some("x".into()), ..Default::default() };
        assert!(bad.parse(today()).unwrap_err().0.contains_key("years"));
    })
    .await;
}

#[tokio::test]
async fn candidates_follow_a_merger_and_earlier_counts_stay() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        add_member(&s, member_input("B1", "Trần", "Văn", "Một")).await;
        let id = s.create_candidate(&admin(), candidate_input("B1", "Hoa", "2000-02-01").parse(today()).unwrap()).await.unwrap();
        let preview = s.reorg_preview(&admin(), "B1", today()).await.unwrap();
        assert_eq!((preview.members, preview.candidates.len()), (1, 1), "{backend}");
        let before = s.summary(&admin(), "C", d("2026-01-01")).await.unwrap().total();
        // Dissolving with a candidate and nowhere to send the file is refused.
        let dissolve =
            dangbo_core::org::OrgEventInput { kind: "dissolved".into(), effective_on: "2026-06-01".into(), target: Some("B2".into()), ..Default::default() };
        let no_target = dangbo_core::org::OrgEventInput { target: None, ..dissolve.clone() };
        assert!(s.org_event(&admin(), "B1", no_target.parse(today()).unwrap()).await.is_err());
        let merge = dangbo_core::org::OrgEventInput { kind: "merged".into(), ..dissolve };
        s.org_event(&admin(), "B1", merge.parse(today()).unwrap()).await.unwrap();
        let c = s.candidate(&admin(), &id, today()).await.unwrap();
        assert_eq!(c.org, "B2", "{backend}");
        assert_eq!(s.summary(&admin(), "C", d("2026-01-01")).await.unwrap().total(), before);
        assert_eq!(s.summary(&admin(), "B1", d("2026-01-01")).await.unwrap().total(), 1);
        assert_eq!(s.summary(&admin(), "B2", today()).await.unwrap().total(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_transfer_is_counted_once_and_each_side_sees_its_half() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let m = add_member(&s, member_input("B1", "Ngô", "Văn", "Chuyển")).await;
        let sender = user(&s, "b1", Role::Secretary, Some("B1")).await;
        let receiver = user(&s, "g", Role::Secretary, Some("G")).await;
        let ev = |kind: &str, on: &str, org: Option<&str>| dangbo_core::event::EventInput {
            kind: kind.into(),
            effective_on: on.into(),
            org: org.map(Into::into),
            decision_no: Some("12/GGT".into()),
            ..Default::default()
        };
        // The receiver cannot see the member before a letter names its branch.
        assert!(matches!(s.member(&receiver, &m).await, Err(DbError::NotFound)));
        s.record_event(&sender, &m, ev("transfer_issued", "2026-10-01", Some("G")).parse(today()).unwrap(), today()).await.unwrap();
        // In transit: still counted at home, nowhere else.
        assert_eq!(s.summary(&admin(), "B1", today()).await.unwrap().total(), 1, "{backend}");
        assert_eq!(s.summary(&admin(), "G", today()).await.unwrap().total(), 0);
        assert_eq!(s.summary(&admin(), "P", today()).await.unwrap().total(), 1);
        // A second letter is refused.
        let e = s.record_event(&sender, &m, ev("transfer_issued", "2026-10-02", Some("B2")).parse(today()).unwrap(), today()).await.unwrap_err();
        assert!(matches!(e, DbError::Invalid(f) if f.0["type"].key == "err-transfer-pending"), "{backend}");
        // Both halves see it on their to-do list, with the 30-working-day clock.
        for c in [&sender, &receiver] {
            let t = s.todo(c, today()).await.unwrap();
            let item = t.iter().find(|t| t.id == m).expect("transfer listed");
            assert_eq!((item.kind, item.from), (TodoKind::TransferPending, d("2026-10-01")));
            assert!(item.overdue, "{backend}: 30 working days from 1/10/2026 are over by 27/11/2026");
        }
        assert!(s.todo(&user(&s, "b2", Role::Secretary, Some("B2")).await, today()).await.unwrap().is_empty());
        // The receiver opens the file and receives the member.
        s.member(&receiver, &m).await.unwrap();
        s.record_event(&receiver, &m, ev("transferred", "2026-11-20", Some("G")).parse(today()).unwrap(), today()).await.unwrap();
        assert_eq!(s.summary(&admin(), "B1", today()).await.unwrap().total(), 0);
        assert_eq!(s.summary(&admin(), "G", today()).await.unwrap().total(), 1);
        assert_eq!(s.summary(&admin(), "B1", d("2026-11-19")).await.unwrap().total(), 1, "earlier counts unchanged");
        assert!(s.member(&receiver, &m).await.unwrap().pending_transfer.is_none());
        assert!(matches!(s.member(&sender, &m).await, Err(DbError::NotFound)), "the sender's half ends at reception");
        // A letter to a dissolved branch is refused.
        let other = add_member(&s, member_input("B1", "Lý", "Văn", "Khác")).await;
        let dissolve = dangbo_core::org::OrgEventInput { kind: "dissolved".into(), effective_on: "2026-01-01".into(), ..Default::default() };
        s.org_event(&admin(), "B2", dissolve.parse(today()).unwrap()).await.unwrap();
        let e = s.record_event(&admin(), &other, ev("transfer_issued", "2026-10-01", Some("B2")).parse(today()).unwrap(), today()).await.unwrap_err();
        assert!(matches!(e, DbError::Invalid(f) if f.0.contains_key("org")), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_helper_is_a_full_member_and_exemption_for_age_follows_the_rule() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let full = add_member(&s, member_input("B1", "Trần", "Văn", "Giúp")).await;
        let new = add_member(&s, MemberInput { full_date: None, ceremony_date: "2026-01-10".into(), admission_decision_date: "2026-01-02".into(), ..member_input("B1", "Mai", "Thị", "Mới") }).await;
        let ev = |kind: &str, extra: dangbo_core::event::EventInput| dangbo_core::event::EventInput { kind: kind.into(), effective_on: "2026-02-01".into(), ..extra };
        let helper = |id: &str| ev("helper_assigned", dangbo_core::event::EventInput { helper: Some(id.into()), ..Default::default() });
        s.record_event(&admin(), &new, helper(&full).parse(today()).unwrap(), today()).await.unwrap();
        assert_eq!(s.member(&admin(), &new).await.unwrap().helper.map(|h| h.1), Some("Trần Văn Giúp".to_string()), "{backend}");
        assert!(matches!(s.record_event(&admin(), &new, helper(&new).parse(today()).unwrap(), today()).await, Err(DbError::Invalid(f)) if f.0.contains_key("helper")));
        let e = s.record_event(&admin(), &full, helper(&new).parse(today()).unwrap(), today()).await.unwrap_err();
        assert!(matches!(e, DbError::Invalid(_)), "{backend}: a full member has no helper, and a probationary one cannot help");
        // Exemption for old age: a man born in 1980 is under 60.
        let exempt = |g: &str| ev("exempted", dangbo_core::event::EventInput { ground: Some(g.into()), ..Default::default() });
        let e = s.record_event(&admin(), &full, exempt("age_health").parse(today()).unwrap(), today()).await.unwrap_err();
        assert!(matches!(e, DbError::Invalid(f) if f.0["ground"].key == "err-exemption-age"), "{backend}");
        s.record_event(&admin(), &full, exempt("other").parse(today()).unwrap(), today()).await.unwrap();
        assert_eq!(s.member(&admin(), &full).await.unwrap().status, Status::Exempt);
    })
    .await;
}

#[tokio::test]
async fn a_temporary_attachment_has_an_end_the_host_sees() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let m = add_member(&s, member_input("B1", "Hồ", "Văn", "Tạm")).await;
        let host = user(&s, "g", Role::Secretary, Some("G")).await;
        let attach = |from: &str, until: Option<&str>, purpose: &str| dangbo_core::event::EventInput {
            kind: "temp_attached".into(),
            effective_on: from.into(),
            org: Some("G".into()),
            until: until.map(Into::into),
            purpose: Some(purpose.into()),
            ..Default::default()
        };
        assert!(attach("2026-09-01", None, "work").parse(today()).unwrap_err().0.contains_key("until"));
        // A year or more for work is not temporary.
        let e = s.record_event(&admin(), &m, attach("2026-01-01", Some("2027-01-01"), "work").parse(today()).unwrap(), today()).await.unwrap_err();
        assert!(matches!(e, DbError::Invalid(f) if f.0["until"].key == "err-temp-period"), "{backend}");
        let e = s.record_event(&admin(), &m, attach("2026-09-01", Some("2026-10-01"), "work").parse(today()).unwrap(), today()).await.unwrap_err();
        assert!(matches!(e, DbError::Invalid(f) if f.0["until"].key == "err-temp-period"), "{backend}: under 3 months");
        s.record_event(&admin(), &m, attach("2026-09-01", Some("2026-12-10"), "work").parse(today()).unwrap(), today()).await.unwrap();
        assert_eq!(s.summary(&admin(), "G", today()).await.unwrap().total(), 0, "the host does not count the member");
        assert_eq!(s.summary(&admin(), "B1", today()).await.unwrap().total(), 1);
        let t = s.todo(&host, today()).await.unwrap();
        assert!(t.iter().any(|t| t.id == m && t.kind == TodoKind::TempEnding && t.due == d("2026-12-10")), "{backend}");
        assert_eq!(s.member(&host, &m).await.unwrap().host_org.as_deref(), Some("G"));
        let back = dangbo_core::event::EventInput { kind: "temp_returned".into(), effective_on: "2026-11-20".into(), ..Default::default() };
        s.record_event(&admin(), &m, back.parse(today()).unwrap(), today()).await.unwrap();
        assert!(s.todo(&host, today()).await.unwrap().is_empty());
        assert!(matches!(s.member(&host, &m).await, Err(DbError::NotFound)));
        // Study: up to two years.
        let m2 = add_member(&s, member_input("B1", "Hồ", "Văn", "Học")).await;
        s.record_event(&admin(), &m2, attach("2025-09-01", Some("2027-08-31"), "study").parse(today()).unwrap(), today()).await.unwrap();
    })
    .await;
}

/// The member replay judges each event by the store's rule versions: an admin's exemption age
/// for men of 45 from 2026-01-01 lets a man born in 1980 be exempted for age from that date,
/// and not before it (the built-in 60 still holds for earlier dates).
#[tokio::test]
async fn an_admins_rule_version_changes_what_the_member_replay_accepts_from_its_date() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let m = add_member(&s, member_input("B1", "Trần", "Văn", "Miễn")).await;
        let exempt = |on: &str| dangbo_core::event::EventInput {
            kind: "exempted".into(),
            effective_on: on.into(),
            ground: Some("age_health".into()),
            ..Default::default()
        };
        let refused = |r: Result<String, DbError>| matches!(r, Err(DbError::Invalid(f)) if f.0["ground"].key == "err-exemption-age");
        assert!(refused(s.record_event(&admin(), &m, exempt("2026-02-01").parse(today()).unwrap(), today()).await), "{backend}: 46 < 60");
        let v = RuleVersionInput {
            rule: "exemption_age_men".into(),
            effective_from: "2026-01-01".into(),
            value: "45".into(),
            citation: "Quy định thử nghiệm".into(),
            confirmed: Some("1".into()),
        };
        s.put_rule_version(&admin(), v.parse().unwrap()).await.unwrap();
        assert!(refused(s.record_event(&admin(), &m, exempt("2025-12-01").parse(today()).unwrap(), today()).await), "{backend}: before the version, 60 holds");
        s.record_event(&admin(), &m, exempt("2026-02-01").parse(today()).unwrap(), today()).await.unwrap();
        assert_eq!(s.member(&admin(), &m).await.unwrap().status, Status::Exempt, "{backend}");
        // The profile replays the same history by the same rules.
        assert_eq!(s.member_profile(&admin(), &m, today()).await.unwrap().detail.status, Status::Exempt, "{backend}");
    })
    .await;
}
