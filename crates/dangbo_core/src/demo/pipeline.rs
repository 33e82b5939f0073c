//! The demo's admission pipeline: in 2015–2019 eleven awareness classes with 598 trainees (the
//! seed's figures), each of the period's new members who trained in one of them carried through
//! every step to the ceremony that admitted them; admission targets per grassroots organisation;
//! and, as of `today`, candidates at every stage with items due and overdue.

use super::{DemoEvent, DemoMember, d, pick};
use crate::candidate::{Source, StepData, StepKind};
use crate::course::{CourseKind, CourseResult};
use crate::member::Person;
use crate::org::{NewOrg, OrgKind};
use chrono::{Datelike, Duration, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

#[derive(Debug, Clone)]
pub struct DemoCandidate {
    pub org: String,
    pub source: Source,
    pub listed_on: NaiveDate,
    pub person: Person,
    pub steps: Vec<(NaiveDate, StepKind, Option<String>, StepData)>,
    /// The demo member (index into `Demo::members`) the ceremony admitted.
    pub member: Option<usize>,
}

/// (grassroots organisation, year, target)
pub type Target = (String, i32, i64);
pub(super) type Pipeline = (Vec<DemoCourse>, Vec<DemoCandidate>, Vec<Target>);

#[derive(Debug, Clone)]
pub struct DemoCourse {
    pub org: String,
    pub kind: CourseKind,
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub provider: String,
    /// (candidate index, result, certificate date)
    pub enrolled: Vec<(usize, CourseResult, Option<NaiveDate>)>,
}

/// The 2015–2019 classes: start dates; each lasts five days.
const CLASSES: &[(i32, u32, u32)] = &[
    (2015, 3, 9),
    (2015, 9, 14),
    (2016, 3, 7),
    (2016, 9, 12),
    (2017, 3, 6),
    (2017, 9, 11),
    (2018, 3, 5),
    (2018, 6, 11),
    (2018, 10, 8),
    (2019, 4, 8),
    (2019, 9, 9),
];
const PROVIDER: &str = "Trung tâm Chính trị huyện Đầm Hà";

fn course(n: usize, start: NaiveDate) -> DemoCourse {
    DemoCourse {
        org: super::DISTRICT.into(),
        kind: CourseKind::Awareness,
        name: format!("Lớp bồi dưỡng nhận thức về Đảng, khóa {n}/{}", start.year()),
        start,
        end: start + Duration::days(4),
        provider: PROVIDER.into(),
        enrolled: vec![],
    }
}

fn between(a: NaiveDate, b: NaiveDate, num: i64, den: i64) -> NaiveDate {
    a + Duration::days((b - a).num_days() * num / den)
}

/// The dossier, the resolutions, the decision and the ceremony, dated to fit.
fn full_steps(
    rng: &mut ChaCha8Rng,
    cert: NaiveDate,
    decision: NaiveDate,
    ceremony: NaiveDate,
    subordinate: bool,
    n: usize,
) -> Vec<(NaiveDate, StepKind, Option<String>, StepData)> {
    let res = decision - Duration::days(rng.random_range(25..45));
    let mut steps = dossier(cert, res);
    let base = rng.random_range(9..40);
    let vote = StepData { votes_for: Some(base - rng.random_range(0..2)), full_members: Some(base), ..Default::default() };
    steps.push((res, StepKind::BranchResolution, Some(format!("{:02}-NQ/CB", n % 90 + 1)), vote));
    if subordinate {
        steps.push((between(res, decision, 1, 2), StepKind::CommitteeResolution, Some(format!("{:02}-NQ/ĐU", n % 90 + 1)), StepData::default()));
    }
    let issuer = StepData { issuer: "Ban Thường vụ Huyện ủy Đầm Hà".into(), ..Default::default() };
    steps.push((decision, StepKind::Decision, Some(format!("{}-QĐ/HU", 100 + n % 800)), issuer));
    steps.push((ceremony, StepKind::Ceremony, None, StepData::default()));
    steps
}

fn dossier(from: NaiveDate, until: NaiveDate) -> Vec<(NaiveDate, StepKind, Option<String>, StepData)> {
    let intro = StepData { org_resolution: "Nghị quyết Đoàn cơ sở giới thiệu đoàn viên ưu tú".into(), ..Default::default() };
    vec![
        (between(from, until, 1, 6), StepKind::Application, None, StepData::default()),
        (between(from, until, 2, 6), StepKind::Biography, None, StepData::default()),
        (between(from, until, 3, 6), StepKind::Verification, None, StepData::default()),
        (between(from, until, 4, 6), StepKind::Introduction, Some("NQ Đoàn".into()), intro),
        (between(from, until, 5, 6), StepKind::Comments, None, StepData::default()),
    ]
}

/// Builds the pipeline. `kinds` gives each organisation's kind; `alive` lists the branches that
/// can take a candidate on a date.
pub(super) fn build(
    rng: &mut ChaCha8Rng,
    orgs: &[NewOrg],
    members: &[DemoMember],
    alive: &dyn Fn(NaiveDate) -> Vec<String>,
    ended: &dyn Fn(&str) -> Option<NaiveDate>,
    today: NaiveDate,
) -> Pipeline {
    let subordinate = |code: &str| orgs.iter().any(|o| o.code.as_str() == code && o.kind == OrgKind::SubordinateBranch);
    let mut courses: Vec<DemoCourse> = CLASSES.iter().enumerate().map(|(i, (y, m, day))| course(i % 3 + 1, d(*y, *m, *day))).collect();
    let sizes: Vec<usize> = (0..CLASSES.len()).map(|i| if i == CLASSES.len() - 1 { 58 } else { 54 }).collect();
    let mut cands: Vec<DemoCandidate> = Vec::new();
    // The period's new members, by decision date, each into the latest class with room that
    // ended at least 75 days before the decision.
    let mut admitted: Vec<(usize, NaiveDate, NaiveDate, String, Person)> = members
        .iter()
        .enumerate()
        .filter_map(|(i, m)| match m.events.first() {
            Some((on, DemoEvent::Admitted { person, party, org }))
                if party.admission_decision_date >= d(2015, 1, 1) && party.admission_decision_date <= d(2019, 12, 31) =>
            {
                Some((i, party.admission_decision_date, *on, org.clone(), person.clone()))
            }
            _ => None,
        })
        .collect();
    admitted.sort_by_key(|a| (a.1, a.0));
    for (idx, decision, ceremony, org, person) in admitted {
        let Some(k) = (0..courses.len()).rev().find(|k| courses[*k].end + Duration::days(75) <= decision && courses[*k].enrolled.len() < sizes[*k]) else {
            continue;
        };
        let cert = courses[k].end;
        if cert + Duration::days(365 * 5 - 30) < decision {
            continue;
        }
        let n = cands.len();
        let steps = full_steps(rng, cert, decision, ceremony, subordinate(&org), n);
        let source = if rng.random_range(0..10) < 7 { Source::YouthUnion } else { Source::TradeUnion };
        cands.push(DemoCandidate { org, source, listed_on: courses[k].start - Duration::days(rng.random_range(30..90)), person, steps, member: Some(idx) });
        courses[k].enrolled.push((n, CourseResult::Passed, Some(cert)));
    }
    // The other trainees: not admitted; withdrawn when their certificate lapsed.
    for k in 0..courses.len() {
        while courses[k].enrolled.len() < sizes[k] {
            let start = courses[k].start;
            let org = pick(rng, &alive(start)).clone();
            let n = cands.len();
            let person = young_person(rng, start);
            let cert = courses[k].end;
            let lapsed = crate::date::add_months(cert, 60);
            let steps = if lapsed <= today {
                vec![(lapsed, StepKind::Withdrawn, None, StepData { reason: "Chứng nhận hết hạn, chưa đủ điều kiện kết nạp".into(), ..Default::default() })]
            } else {
                vec![]
            };
            cands.push(DemoCandidate { org, source: Source::YouthUnion, listed_on: start - Duration::days(45), person, steps, member: None });
            courses[k].enrolled.push((n, CourseResult::Passed, Some(cert)));
        }
    }
    if today >= d(2026, 1, 1) {
        current(rng, &mut courses, &mut cands, alive, &subordinate, today);
    }
    let targets = targets(rng, orgs, ended, today);
    (courses, cands, targets)
}

fn young_person(rng: &mut ChaCha8Rng, on: NaiveDate) -> Person {
    let birth = on - Duration::days(365 * rng.random_range(20..33) + rng.random_range(1..360));
    super::person(rng, birth)
}

/// Candidates at every stage as of `today`, in the town and elsewhere.
fn current(
    rng: &mut ChaCha8Rng,
    courses: &mut Vec<DemoCourse>,
    cands: &mut Vec<DemoCandidate>,
    alive: &dyn Fn(NaiveDate) -> Vec<String>,
    subordinate: &dyn Fn(&str) -> bool,
    today: NaiveDate,
) {
    let town: Vec<String> = alive(today).into_iter().filter(|c| c.starts_with("DH-TT-")).collect();
    let anywhere = alive(today);
    // A 2021 class whose certificates lapse within the month.
    let mut old = course(1, crate::date::add_months(today, 0) - Duration::days(365 * 5 - 5));
    old.org = super::ROOT.into();
    for i in 0..3 {
        let org = if i == 0 { "DH-TT-01".to_string() } else { pick(rng, &town).clone() };
        let n = cands.len();
        cands.push(DemoCandidate {
            org,
            source: Source::Branch,
            listed_on: old.start - Duration::days(30),
            person: young_person(rng, old.start),
            steps: vec![],
            member: None,
        });
        old.enrolled.push((n, CourseResult::Passed, Some(old.end)));
    }
    courses.push(old);
    let mut new = course(1, today - Duration::days(200));
    new.org = super::ROOT.into();
    new.provider = "Trung tâm Chính trị tỉnh Quảng Ninh".into();
    // (how many, stage): 0 trained, 1 dossier, 2 resolution long ago, 3 resolution lately,
    // 4 decided long ago, 5 decided lately.
    for (count, stage) in [(8, 0), (8, 1), (4, 2), (3, 3), (2, 4), (2, 5)] {
        for j in 0..count {
            let org = if j % 2 == 0 { pick(rng, &town).clone() } else { pick(rng, &anywhere).clone() };
            let org = if stage == 2 && j == 0 { "DH-TT-01".to_string() } else { org };
            let n = cands.len();
            let cert = new.end;
            let res = match stage {
                2 | 4 => today - Duration::days(rng.random_range(95..130)),
                _ => today - Duration::days(rng.random_range(15..25)),
            };
            let mut steps = match stage {
                0 => vec![],
                1 => dossier(cert, today).into_iter().take(3).collect(),
                _ => dossier(cert, res),
            };
            if stage >= 2 {
                let base = rng.random_range(9..30);
                steps.push((
                    res,
                    StepKind::BranchResolution,
                    Some(format!("{:02}-NQ/CB", n % 90 + 1)),
                    StepData { votes_for: Some(base), full_members: Some(base), ..Default::default() },
                ));
                if subordinate(&org) {
                    steps.push((res + Duration::days(7), StepKind::CommitteeResolution, Some(format!("{:02}-NQ/ĐU", n % 90 + 1)), StepData::default()));
                }
            }
            if stage >= 4 {
                let decision = if stage == 4 { res + Duration::days(40) } else { res + Duration::days(12) };
                let decision = decision.min(today);
                steps.push((
                    decision,
                    StepKind::Decision,
                    Some(format!("{}-QĐ/ĐU", 200 + n % 700)),
                    StepData { issuer: "Ban Thường vụ Đảng ủy".into(), ..Default::default() },
                ));
            }
            cands.push(DemoCandidate {
                org,
                source: Source::YouthUnion,
                listed_on: new.start - Duration::days(40),
                person: young_person(rng, new.start),
                steps,
                member: None,
            });
            new.enrolled.push((n, CourseResult::Passed, Some(cert)));
        }
    }
    courses.push(new);
    // Newly listed, waiting for the next class.
    for _ in 0..6 {
        let org = pick(rng, &town).clone();
        cands.push(DemoCandidate {
            org,
            source: Source::Branch,
            listed_on: today - Duration::days(rng.random_range(10..60)),
            person: young_person(rng, today),
            steps: vec![],
            member: None,
        });
    }
}

/// A target for each grassroots organisation of the district, 2015–2019 and the current year.
fn targets(rng: &mut ChaCha8Rng, orgs: &[NewOrg], ended: &dyn Fn(&str) -> Option<NaiveDate>, today: NaiveDate) -> Vec<Target> {
    let mut out = Vec::new();
    let years: Vec<i32> = (2015..=2019).chain(std::iter::once(today.year()).filter(|y| *y > 2019)).collect();
    for o in orgs.iter().filter(|o| o.kind.is_grassroots()) {
        for y in &years {
            if ended(o.code.as_str()).is_none_or(|e| e > d(*y, 1, 1)) {
                out.push((o.code.as_str().to_string(), *y, rng.random_range(1..=4)));
            }
        }
    }
    out
}
