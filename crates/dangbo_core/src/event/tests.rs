use super::*;
use crate::member::Sex;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn person() -> Person {
    Person {
        family_name: "Lê".into(),
        middle_name: "Thị".into(),
        given_name: "Hoa".into(),
        sex: Sex::Female,
        birth_date: d(1990, 1, 1),
        ethnicity: "01".into(),
        religion: "Không".into(),
        birth_place: String::new(),
        home_town: String::new(),
        residence: String::new(),
        cccd: None,
        phone: String::new(),
        education: String::new(),
        professional: String::new(),
        theory: String::new(),
        occupation: String::new(),
        file: Default::default(),
    }
}

fn ev(id: &str, seq: i64, on: NaiveDate, data: EventData) -> EventRecord {
    EventRecord { id: id.into(), seq, effective_on: on, data }
}

fn admitted(on: NaiveDate) -> EventRecord {
    let party = PartyRecord { admission_decision_no: None, admission_decision_date: on, ceremony_date: on, card_no: None, bio_no: None };
    ev("a", 1, on, EventData::Admitted { person: person(), party, org_id: "A".into() })
}

#[test]
fn spans_follow_status_and_branch() {
    let events = vec![
        admitted(d(2015, 3, 1)),
        ev("b", 2, d(2016, 3, 1), EventData::Recognised {}),
        ev("c", 3, d(2018, 6, 1), EventData::Transferred { org_id: "B".into() }),
        ev("e", 4, d(2020, 1, 1), EventData::Deceased {}),
    ];
    let r = replay(&events).unwrap();
    assert_eq!(r.status, Status::Deceased);
    assert_eq!(r.org_id, "B");
    let spans: Vec<_> = r.spans.iter().map(|s| (s.org_id.as_str(), s.status, s.from, s.to)).collect();
    assert_eq!(
        spans,
        vec![
            ("A", Status::Probationary, d(2015, 3, 1), Some(d(2016, 3, 1))),
            ("A", Status::Full, d(2016, 3, 1), Some(d(2018, 6, 1))),
            ("B", Status::Full, d(2018, 6, 1), Some(d(2020, 1, 1))),
        ]
    );
}

#[test]
fn recognition_before_twelve_months_is_refused() {
    let events = vec![admitted(d(2015, 3, 1)), ev("b", 2, d(2016, 2, 28), EventData::Recognised {})];
    assert_eq!(replay(&events).unwrap_err().0["effective_on"].key, "err-probation-short");
}

#[test]
fn events_after_exit_are_refused() {
    let events = vec![
        admitted(d(2015, 3, 1)),
        ev("b", 2, d(2017, 1, 1), EventData::Deceased {}),
        ev("c", 3, d(2018, 1, 1), EventData::Transferred { org_id: "B".into() }),
    ];
    assert_eq!(replay(&events).unwrap_err().0["type"].key, "err-event-not-active");
}

#[test]
fn a_correction_replaces_the_date_of_an_event() {
    let events = vec![
        admitted(d(2015, 3, 1)),
        ev("t", 2, d(2018, 6, 1), EventData::Transferred { org_id: "B".into() }),
        ev(
            "x",
            3,
            d(2019, 1, 1),
            EventData::Corrected { event_id: "t".into(), effective_on: d(2017, 6, 1), data: Box::new(EventData::Transferred { org_id: "B".into() }) },
        ),
    ];
    let r = replay(&events).unwrap();
    assert_eq!(r.spans[1].from, d(2017, 6, 1));
}

#[test]
fn readmission_opens_a_new_episode() {
    let party = PartyRecord { admission_decision_no: None, admission_decision_date: d(2021, 1, 1), ceremony_date: d(2021, 2, 1), card_no: None, bio_no: None };
    let events = vec![
        admitted(d(2010, 3, 1)),
        ev("s", 2, d(2015, 1, 1), EventData::StruckOff { reason: String::new() }),
        ev("r", 3, d(2021, 2, 1), EventData::Readmitted { party, org_id: "C".into() }),
    ];
    let r = replay(&events).unwrap();
    assert_eq!(r.episode, 2);
    assert_eq!(r.status, Status::Probationary);
    assert_eq!(r.spans.last().unwrap().org_id, "C");
    assert_eq!(r.spans.len(), 2);
}

#[test]
fn readmission_waits_36_months_and_happens_once() {
    let party = |dec: NaiveDate| PartyRecord { admission_decision_no: None, admission_decision_date: dec, ceremony_date: dec, card_no: None, bio_no: None };
    let too_soon = vec![
        admitted(d(2010, 3, 1)),
        ev("s", 2, d(2019, 1, 1), EventData::StruckOff { reason: String::new() }),
        ev("r", 3, d(2021, 2, 1), EventData::Readmitted { party: party(d(2021, 2, 1)), org_id: "C".into() }),
    ];
    let e = replay(&too_soon).unwrap_err();
    let err = &e.0["admission_decision_date"];
    assert_eq!(err.key, "err-readmission-wait");
    assert_eq!(err.args[0].1, "01/01/2022");
    assert!(err.args[1].1.starts_with("QĐ 29-QĐ/TW"), "judged by the rules of 2021-02-01");
    let twice = vec![
        admitted(d(2000, 3, 1)),
        ev("s", 2, d(2005, 1, 1), EventData::StruckOff { reason: String::new() }),
        ev("r", 3, d(2009, 2, 1), EventData::Readmitted { party: party(d(2009, 2, 1)), org_id: "C".into() }),
        ev("s2", 4, d(2012, 1, 1), EventData::Left { reason: String::new() }),
        ev("r2", 5, d(2016, 2, 1), EventData::Readmitted { party: party(d(2016, 2, 1)), org_id: "C".into() }),
    ];
    assert_eq!(replay(&twice).unwrap_err().0["type"].key, "err-readmission-once");
}

#[test]
fn the_name_and_birth_date_change_only_by_decision() {
    use crate::member::MemberInput;
    let today = d(2026, 11, 27);
    let change = |member: MemberInput, decision: Option<&str>| {
        let input =
            EventInput { kind: "info_changed".into(), effective_on: "2026-11-01".into(), decision_no: decision.map(Into::into), member, ..Default::default() };
        input.parse(today).unwrap().data(EventKind::InfoChanged, None, &person(), today)
    };
    let renamed = MemberInput { given_name: "Bình Minh".into(), ..Default::default() };
    let err = change(renamed.clone(), None).unwrap_err();
    assert_eq!(err.0["decision_no"].key, "err-core-needs-decision");
    assert!(change(renamed, Some("12-QĐ/ĐU")).is_ok());
    let born = MemberInput { birth_date: "1981-02-03".into(), ..Default::default() };
    assert!(change(born, None).is_err());
    // A level is no core field.
    assert!(change(MemberInput { theory: Some("Trung cấp".into()), ..Default::default() }, None).is_ok());
}

#[test]
fn an_info_change_keeps_the_biography_items_it_does_not_give() {
    use crate::member::{FileInput, MemberInput};
    let today = d(2026, 11, 27);
    let mut before = person();
    before.file.aliases = "Hoa Sen".into();
    let change = |file: FileInput| {
        let input = EventInput {
            kind: "info_changed".into(),
            effective_on: "2026-11-01".into(),
            member: MemberInput { file, ..Default::default() },
            ..Default::default()
        };
        input.parse(today).unwrap().data(EventKind::InfoChanged, None, &before, today)
    };
    let Ok(EventData::InfoChanged { person: after, .. }) = change(FileInput { languages: Some("Tiếng Anh".into()), ..Default::default() }) else { panic!() };
    assert_eq!((after.file.aliases.as_str(), after.file.languages.as_str()), ("Hoa Sen", "Tiếng Anh"));
    let err = change(FileInput { youth_union_on: Some("1989-12-31".into()), ..Default::default() }).unwrap_err();
    assert_eq!(err.0["youth_union_on"].key, "err-before-birth");
    assert_eq!(change(FileInput { youth_union_on: Some("2027-01-01".into()), ..Default::default() }).unwrap_err().0["youth_union_on"].key, "err-date-future");
}
