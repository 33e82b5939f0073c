use super::*;
use crate::rules::{RuleValue, builtin};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn step(n: i64, kind: StepKind, on: NaiveDate) -> Step {
    Step { id: format!("s{n}"), seq: n, kind, effective_on: on, doc_no: Some(format!("{n}-NQ")), data: StepData::default() }
}

fn vote(n: i64, on: NaiveDate, votes: i64, base: i64) -> Step {
    let mut s = step(n, StepKind::BranchResolution, on);
    s.data.votes_for = Some(votes);
    s.data.full_members = Some(base);
    s
}

fn dossier(on: NaiveDate) -> Vec<Step> {
    DOSSIER
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let mut s = step(i as i64, *k, on);
            if *k == StepKind::Introduction {
                s.data.introducers = vec!["m1".into()];
            }
            s
        })
        .collect()
}

fn ctx<'a>(rules: &'a RuleBook, cal: &'a WorkCalendar, certs: &'a [Certificate], birth: NaiveDate, needs_committee: bool) -> Context<'a> {
    Context { listed_on: d(2015, 1, 10), birth_date: birth, needs_committee, certificates: certs, rules, calendar: cal }
}

#[test]
fn a_candidate_goes_through_every_step() {
    let rules = RuleBook::builtin();
    let cal = WorkCalendar::default();
    let certs = [Certificate { issued_on: d(2024, 3, 1) }];
    let c = ctx(&rules, &cal, &certs, d(2000, 5, 5), true);
    let mut steps = dossier(d(2024, 4, 1));
    steps.push(vote(10, d(2024, 5, 6), 7, 9));
    steps.push(step(11, StepKind::CommitteeResolution, d(2024, 5, 20)));
    steps.push(step(12, StepKind::Decision, d(2024, 6, 10)));
    let st = replay(&steps, &c).unwrap();
    assert_eq!(st.stage, Stage::Decided);
    assert_eq!(st.decision_on, Some(d(2024, 6, 10)));
    assert!(st.warnings.is_empty());
    // Ceremony 45 working days after the decision: recorded, with a warning naming the rule.
    steps.push(step(13, StepKind::Ceremony, d(2024, 8, 12)));
    let st = replay(&steps, &c).unwrap();
    assert_eq!(st.stage, Stage::Admitted);
    assert_eq!(st.warnings.len(), 1);
    assert_eq!(st.warnings[0].key, "warn-ceremony-late");
    assert!(st.warnings[0].citation.starts_with("QĐ 24-QĐ/TW"));
    // Nothing after admission.
    let mut more = steps.clone();
    more.push(step(14, StepKind::Withdrawn, d(2024, 9, 1)));
    assert_eq!(replay(&more, &c).unwrap_err().0["type"].key, "err-step-closed");
}

#[test]
fn out_of_order_steps_are_refused() {
    let rules = RuleBook::builtin();
    let cal = WorkCalendar::default();
    let certs = [Certificate { issued_on: d(2024, 3, 1) }];
    let c = ctx(&rules, &cal, &certs, d(2000, 5, 5), false);
    // A decision with no branch resolution.
    let mut steps = dossier(d(2024, 4, 1));
    steps.push(step(10, StepKind::Decision, d(2024, 5, 1)));
    assert_eq!(replay(&steps, &c).unwrap_err().0["type"].key, "err-step-order");
    // A branch resolution with the dossier incomplete names what is missing.
    let steps = vec![step(0, StepKind::Application, d(2024, 4, 1)), vote(1, d(2024, 5, 6), 9, 9)];
    let e = replay(&steps, &c).unwrap_err();
    assert_eq!(e.0["type"].key, "err-step-missing");
    assert_eq!(e.0["type"].args[0].1, "biography,verification,introduction,comments");
    // A committee resolution for a grassroots branch (no đảng ủy cơ sở in between).
    let mut steps = dossier(d(2024, 4, 1));
    steps.push(vote(10, d(2024, 5, 6), 9, 9));
    steps.push(step(11, StepKind::CommitteeResolution, d(2024, 5, 10)));
    assert_eq!(replay(&steps, &c).unwrap_err().0["type"].key, "err-step-order");
}

#[test]
fn the_branch_vote_needs_two_thirds_and_three_failures_go_up() {
    let rules = RuleBook::builtin();
    let cal = WorkCalendar::default();
    let certs = [Certificate { issued_on: d(2024, 3, 1) }];
    let c = ctx(&rules, &cal, &certs, d(2000, 5, 5), false);
    let mut steps = dossier(d(2024, 4, 1));
    steps.push(vote(10, d(2024, 5, 6), 5, 9));
    let st = replay(&steps, &c).unwrap();
    assert_eq!((st.stage, st.failed_votes), (Stage::Dossier, 1));
    steps.push(vote(11, d(2024, 6, 6), 5, 9));
    steps.push(vote(12, d(2024, 7, 6), 5, 9));
    assert_eq!(replay(&steps, &c).unwrap().stage, Stage::Escalated);
    // Saying a 5-of-9 vote passed is refused with the rule.
    let input = StepInput {
        kind: "branch_resolution".into(),
        effective_on: "06/05/2024".into(),
        doc_no: Some("01-NQ/CB".into()),
        votes_for: Some("5".into()),
        full_members: Some("9".into()),
        result: Some("passed".into()),
        ..Default::default()
    };
    let e = input.parse(d(2026, 1, 1)).unwrap().check_claim(&rules).unwrap_err();
    assert_eq!(e.0["result"].key, "err-vote-below-threshold");
    assert!(e.0["result"].args.iter().any(|(k, v)| *k == "rule" && v.contains("QĐ")));
}

#[test]
fn age_and_certificate_are_judged_on_the_review_date() {
    let rules = RuleBook::builtin();
    let cal = WorkCalendar::default();
    let certs = [Certificate { issued_on: d(2018, 3, 1) }];
    // 17 years 11 months on the review date.
    let young = ctx(&rules, &cal, &certs, d(2001, 4, 10), false);
    let mut steps = dossier(d(2019, 2, 1));
    steps.push(vote(10, d(2019, 3, 6), 9, 9));
    assert_eq!(replay(&steps, &young).unwrap_err().0["effective_on"].key, "err-candidate-too-young");
    // Exactly 18 the month before: accepted.
    let ok = ctx(&rules, &cal, &certs, d(2001, 3, 6), false);
    assert_eq!(replay(&steps, &ok).unwrap().stage, Stage::BranchProposed);
    // Over 60.
    let old = ctx(&rules, &cal, &certs, d(1958, 1, 1), false);
    assert_eq!(replay(&steps, &old).unwrap_err().0["effective_on"].key, "err-candidate-too-old");
    // The certificate (2018) has expired by a 2023 review (5 years).
    let mut late = dossier(d(2023, 2, 1));
    late.push(vote(10, d(2023, 3, 6), 9, 9));
    let e = replay(&late, &ok).unwrap_err();
    assert_eq!(e.0["effective_on"].key, "err-certificate-invalid");
    // No certificate at all.
    let none = ctx(&rules, &cal, &[], d(2001, 3, 6), false);
    assert_eq!(replay(&steps, &none).unwrap_err().0["effective_on"].key, "err-certificate-invalid");
}

#[test]
fn a_late_decision_is_recorded_with_a_warning_under_the_rule_of_its_date() {
    let cal = WorkCalendar::default();
    let certs = [Certificate { issued_on: d(2024, 3, 1) }];
    let mut v = builtin();
    // An admin shortens the decision deadline from 2024-01-01 (a test rule).
    v.push(crate::rules::RuleVersion {
        rule: RuleId::AdmissionDecisionWd,
        effective_from: d(2024, 1, 1),
        value: RuleValue::Number(10),
        citation: "Quy định thử".into(),
        confirmed: true,
    });
    let rules = RuleBook::new(v);
    let c = ctx(&rules, &cal, &certs, d(2000, 5, 5), false);
    let mut steps = dossier(d(2024, 4, 1));
    steps.push(vote(10, d(2024, 5, 6), 7, 9));
    steps.push(step(11, StepKind::Decision, d(2024, 5, 27)));
    let st = replay(&steps, &c).unwrap();
    assert_eq!(st.warnings[0].key, "warn-decision-late");
    assert_eq!(st.warnings[0].due, d(2024, 5, 20));
    assert_eq!(st.warnings[0].citation, "Quy định thử");
    // Under the built-in 60 working days the same decision is on time.
    let builtin = RuleBook::builtin();
    let c = ctx(&builtin, &cal, &certs, d(2000, 5, 5), false);
    assert!(replay(&steps, &c).unwrap().warnings.is_empty());
}

#[test]
fn candidate_input_is_checked_field_by_field() {
    let e = CandidateInput::default().parse(d(2026, 1, 1)).unwrap_err();
    for f in ["org", "source", "listed_on", "family_name", "given_name", "birth_date"] {
        assert!(e.0.contains_key(f), "{f}");
    }
    let e = StepInput { kind: "branch_resolution".into(), effective_on: "2024-05-06".into(), ..Default::default() }.parse(d(2026, 1, 1)).unwrap_err();
    assert!(e.0.contains_key("votes_for") && e.0.contains_key("doc_no"));
}
