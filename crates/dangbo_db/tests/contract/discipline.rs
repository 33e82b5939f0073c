//! Inspection and discipline: the commission opens a case on a member, takes it through its
//! steps and the branch's vote; the penalty shows on the profile, the open case holds the
//! transfer, the rating is capped; an expulsion needs two thirds of the branch; a time-barred
//! case says so; a complaint has its deadline on the inspector's to-do list; nobody without the
//! inspector role sees a case.

use crate::*;
use dangbo_core::discipline::{CaseInput, ComplaintInput, DecisionInput, StepInput};
use dangbo_core::event::EventInput;
use dangbo_core::member::Status;
use dangbo_core::rating::{Level, Rated, Stage};
use dangbo_core::todo::TodoKind;
use dangbo_db::{DbError, NewRatings};

fn case(member: &str, violation_to: &str, opened_on: &str) -> dangbo_core::discipline::NewCase {
    CaseInput {
        member: member.into(),
        kind: "signs_of_violation".into(),
        matter: "Vi phạm quy định về những điều đảng viên không được làm".into(),
        violation_from: String::new(),
        violation_to: violation_to.into(),
        opened_on: opened_on.into(),
        ..Default::default()
    }
    .parse(today())
    .unwrap()
}

fn step(kind: &str, on: &str, vote: Option<(i64, i64)>) -> dangbo_core::discipline::NewStep {
    let (yes, base) = vote.map(|(y, b)| (y.to_string(), b.to_string())).unwrap_or_default();
    StepInput { kind: kind.into(), on: on.into(), in_favour: yes, voters: base, ..Default::default() }.parse(today()).unwrap()
}

fn decision(penalty: &str, body: &str, yes: i64, base: i64, on: &str) -> dangbo_core::discipline::NewDecision {
    DecisionInput {
        outcome: "penalty".into(),
        penalty: penalty.into(),
        body: body.into(),
        in_favour: yes.to_string(),
        against: (base - yes).to_string(),
        voters: base.to_string(),
        decision_no: "15-QĐ/UBKT".into(),
        decision_date: on.into(),
        received_on: on.into(),
        ..Default::default()
    }
    .parse(today())
    .unwrap()
}

fn refused<T: std::fmt::Debug>(r: Result<T, DbError>, field: &str, key: &str) {
    match r {
        Err(DbError::Invalid(e)) if e.has(field, key) => {}
        other => panic!("expected {field}: {key}, got {other:?}"),
    }
}

fn transfer(on: &str) -> dangbo_core::event::NewEvent {
    EventInput { kind: "transfer_issued".into(), effective_on: on.into(), org: Some("B2".into()), ..Default::default() }.parse(today()).unwrap()
}

#[tokio::test]
async fn a_case_goes_from_its_opening_to_a_penalty_with_its_effects() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let an = add_member(&s, member_input("B1", "Nguyễn", "Văn", "An")).await;
        let inspector = user(&s, "ubkt", Role::Inspector, Some("C")).await;
        let staff = user(&s, "vpdu", Role::Staff, Some("C")).await;
        let sec = user(&s, "bt1", Role::Secretary, Some("B1")).await;

        // The commission's programme for the year: the branch B1 inspected in spring.
        let item = |target: &str, from: &str| dangbo_core::discipline::PlanItemInput {
            kind: "signs_of_violation".into(),
            target_org: target.into(),
            matter: "Kiểm tra việc thực hiện những điều đảng viên không được làm".into(),
            from_month: from.into(),
            to_month: "05/2026".into(),
            team: "Đồng chí Phó Chủ nhiệm UBKT và 2 ủy viên".into(),
        };
        let viewer = user(&s, "xem", Role::Viewer, Some("C")).await;
        assert!(matches!(s.add_plan_item(&viewer, "C", 2026, &item("B1", "03/2026").parse(2026).unwrap()).await, Err(DbError::Forbidden)), "{backend}");
        assert!(item("B1", "03/2025").parse(2026).unwrap_err().has("from_month", "err-plan-month-year"));
        refused(s.add_plan_item(&inspector, "C", 2026, &item("P", "03/2026").parse(2026).unwrap()).await, "target_org", "err-org-unknown");
        let planned = s.add_plan_item(&inspector, "C", 2026, &item("B1", "03/2026").parse(2026).unwrap()).await.unwrap();

        // Only the inspector role opens and sees a case.
        assert!(matches!(s.open_case(&staff, "C", &case(&an, "2026-01-10", "2026-03-01")).await, Err(DbError::Forbidden)), "{backend}");
        let under_plan = dangbo_core::discipline::NewCase { plan_item: Some(planned.clone()), ..case(&an, "2026-01-10", "2026-03-01") };
        let id = s.open_case(&inspector, "C", &under_plan).await.unwrap();
        let plan = s.inspection_plan(&staff, "C", 2026).await.unwrap();
        assert_eq!((plan.items.len(), plan.items[0].cases, plan.items[0].closed), (1, 1, 0), "{backend}: the programme is read by the scope");
        for who in [&staff, &sec] {
            assert!(matches!(s.case(who, &id, today()).await, Err(DbError::NotFound)), "{backend}: {}", who.username);
            assert!(matches!(s.cases(who, "C").await, Err(DbError::NotFound)), "{backend}");
        }
        assert_eq!(s.cases(&inspector, "C").await.unwrap().len(), 1, "{backend}");

        // The open inspection holds the transfer, and says only that.
        refused(s.record_event(&sec, &an, transfer("2026-04-01"), today()).await, "kind", "err-member-held-by-case");

        for (kind, on) in [("decision", "2026-03-01"), ("self_report", "2026-03-20"), ("verification", "2026-04-10"), ("conclusion", "2026-05-05")] {
            s.add_case_step(&inspector, &id, &step(kind, on, None)).await.unwrap();
        }
        // Five of nine full members for expulsion: short of two thirds, refused.
        s.add_case_step(&inspector, &id, &step("branch_vote", "2026-05-20", Some((5, 9)))).await.unwrap();
        refused(s.decide_case(&inspector, &id, &decision("khai_tru", "committee", 7, 9, "2026-06-01")).await, "penalty", "err-expulsion-branch-vote");
        // The branch reprimands no one by half its votes; nor does it remove from a post.
        refused(s.decide_case(&inspector, &id, &decision("khien_trach", "branch", 3, 6, "2026-06-01")).await, "in_favour", "err-discipline-vote");
        refused(s.decide_case(&inspector, &id, &decision("cach_chuc", "committee", 7, 9, "2026-06-01")).await, "penalty", "err-penalty-no-post");
        refused(s.decide_case(&inspector, &id, &decision("canh_cao", "branch", 1, 9, "2026-06-01")).await, "in_favour", "err-discipline-vote");
        s.decide_case(&inspector, &id, &decision("khien_trach", "branch", 6, 9, "2026-06-01")).await.unwrap();
        refused(s.decide_case(&inspector, &id, &decision("canh_cao", "committee", 7, 9, "2026-06-02")).await, "outcome", "err-case-closed");
        assert_eq!(s.inspection_plan(&inspector, "C", 2026).await.unwrap().items[0].closed, 1, "{backend}: the item's progress");

        // On the profile, to whoever may open the file.
        let profile = s.member_profile(&sec, &an, today()).await.unwrap();
        assert_eq!(profile.penalties.len(), 1, "{backend}");
        assert_eq!((profile.penalties[0].penalty.as_str(), profile.penalties[0].vote), ("khien_trach", [6, 3, 0, 9]), "{backend}");
        // The case closed: the transfer goes ahead.
        s.record_event(&sec, &an, transfer("2026-07-01"), today()).await.unwrap();

        // Disciplined in 2026: rated KHTNV.
        let rated = |level| NewRatings {
            year: 2026,
            stage: Stage::Decision,
            ratings: vec![(an.clone(), Rated { level, score: None })],
            decision: Some(("20-QĐ/ĐU".into(), d("2026-11-20"))),
        };
        let proposal = NewRatings { stage: Stage::Branch, decision: None, ..rated(Level::Good) };
        s.record_ratings(&sec, "B1", &proposal, today()).await.unwrap();
        refused(s.record_ratings(&staff, "C", &rated(Level::Good), today()).await, &format!("level.{an}"), "err-rating-disciplined");
        s.record_ratings(&staff, "C", &rated(Level::NotDone), today()).await.unwrap();

        // A complaint within its month, to the level above; its deadline on the inspector's list.
        let late = ComplaintInput { filed_on: "2026-09-01".into(), to_org: "P".into() }.parse(today()).unwrap();
        refused(s.file_complaint(&inspector, &id, late.0, &late.1).await, "filed_on", "err-complaint-late");
        let ok = ComplaintInput { filed_on: "2026-06-10".into(), to_org: "P".into() }.parse(today()).unwrap();
        s.file_complaint(&inspector, &id, ok.0, &ok.1).await.unwrap();
        let todo = s.todo(&inspector, today()).await.unwrap();
        let due = todo.iter().find(|t| t.kind == TodoKind::ComplaintDue).expect("the complaint on the list");
        assert_eq!((due.id.as_str(), due.from), (id.as_str(), d("2026-06-10")), "{backend}");
        assert!(due.due > d("2026-10-01") && due.overdue, "{backend}: 90 working days, past today");
        assert!(!s.todo(&staff, today()).await.unwrap().iter().any(|t| t.kind == TodoKind::ComplaintDue), "{backend}: confidential");

        let summary = s.discipline_summary(&inspector, "C", d("2026-01-01"), d("2026-12-31")).await.unwrap();
        assert_eq!((summary.cases, summary.penalties["khien_trach"], summary.complaints["open"]), (1, 1, 1), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn an_expulsion_ends_membership_and_a_time_barred_case_says_so() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let binh = add_member(&s, member_input("B1", "Trần", "Văn", "Bình")).await;
        let cuong = add_member(&s, member_input("B2", "Lê", "Văn", "Cường")).await;
        let inspector = user(&s, "ubkt", Role::Inspector, Some("C")).await;

        let id = s.open_case(&inspector, "C", &case(&binh, "2026-02-01", "2026-03-01")).await.unwrap();
        refused(s.decide_case(&inspector, &id, &decision("khai_tru", "committee", 7, 9, "2026-06-01")).await, "penalty", "err-expulsion-no-branch-vote");
        s.add_case_step(&inspector, &id, &step("branch_vote", "2026-05-20", Some((6, 9)))).await.unwrap();
        s.decide_case(&inspector, &id, &decision("khai_tru", "committee", 7, 9, "2026-06-01")).await.unwrap();
        assert_eq!(s.member(&admin(), &binh).await.unwrap().status, Status::Expelled, "{backend}");

        // A violation of 2015 that warrants a reprimand: the five years ran out in 2020.
        let old = s.open_case(&inspector, "C", &case(&cuong, "2015-01-10", "2026-02-01")).await.unwrap();
        let view = s.case(&inspector, &old, today()).await.unwrap();
        assert!(view.time_barred, "{backend}");
        assert_eq!(view.limitation[0].1, d("2020-01-10"), "{backend}");
        refused(s.decide_case(&inspector, &old, &decision("khien_trach", "branch", 6, 9, "2026-03-01")).await, "decision_date", "err-case-time-barred");
        let closed = DecisionInput { outcome: "time_barred".into(), decision_date: "2026-03-01".into(), ..Default::default() }.parse(today()).unwrap();
        s.decide_case(&inspector, &old, &closed).await.unwrap();
        let view = s.case(&inspector, &old, today()).await.unwrap();
        assert_eq!((view.case.outcome.map(|o| o.as_str()), view.penalty.is_none(), view.time_barred), (Some("time_barred"), true, false), "{backend}");
        assert!(s.member_profile(&admin(), &cuong, today()).await.unwrap().penalties.is_empty(), "{backend}");
    })
    .await;
}
