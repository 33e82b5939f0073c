//! Party age (tuổi đảng) and the Party badge (Huy hiệu Đảng): party age runs from the first
//! admission decision, less the time outside the Party between episodes; badges are due at the
//! milestones of the rules, handed over on the ceremony dates 3/2, 19/5, 2/9 and 7/11.

use crate::event::Derived;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

/// The ceremony dates (day, month) of badge awards.
pub const OCCASIONS: [(u32, u32); 4] = [(3, 2), (19, 5), (2, 9), (7, 11)];

fn occasion(y: i32, (day, month): (u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, month, day).expect("valid occasion")
}

/// The first ceremony date on or after `on`.
pub fn next_occasion(on: NaiveDate) -> NaiveDate {
    OCCASIONS.iter().map(|o| occasion(on.year(), *o)).find(|d| *d >= on).unwrap_or_else(|| occasion(on.year() + 1, OCCASIONS[0]))
}

/// The last ceremony date strictly before `on`.
pub fn previous_occasion(on: NaiveDate) -> NaiveDate {
    OCCASIONS.iter().rev().map(|o| occasion(on.year(), *o)).find(|d| *d < on).unwrap_or_else(|| occasion(on.year() - 1, OCCASIONS[3]))
}

/// The date party age counts from, pushed later by every gap between episodes (struck off,
/// left, expelled and re-admitted): the first admission decision plus the gaps.
pub fn party_age_start(d: &Derived) -> NaiveDate {
    if d.episodes.is_empty() {
        return d.party.admission_decision_date;
    }
    let episodes: Vec<(i64, NaiveDate)> = d.episodes.iter().map(|e| (e.episode, e.admission_decision_date)).collect();
    let ends: Vec<(i64, Option<NaiveDate>)> = d.spans.iter().map(|s| (s.episode, s.to)).collect();
    party_age_start_of(&episodes, &ends).unwrap_or(d.party.admission_decision_date)
}

/// [`party_age_start`] from the stored rows: the episodes (number, admission decision date) in
/// order, and the spans (episode, end).
pub fn party_age_start_of(episodes: &[(i64, NaiveDate)], spans: &[(i64, Option<NaiveDate>)]) -> Option<NaiveDate> {
    let first = episodes.first()?;
    let mut gap = Duration::zero();
    for (episode, decided) in episodes.iter().skip(1) {
        let ended = spans.iter().filter(|s| s.0 == episode - 1).filter_map(|s| s.1).max();
        if let Some(end) = ended
            && *decided > end
        {
            gap += *decided - end;
        }
    }
    Some(first.1 + gap)
}

/// The date a milestone of `years` is reached from `start`.
pub fn eligible_on(start: NaiveDate, years: i64) -> NaiveDate {
    crate::date::add_months(start, (years * 12) as u32)
}

/// A badge to hand over at the next ceremony.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BadgeDue {
    pub years: i64,
    pub eligible: NaiveDate,
    /// The ceremony date it belongs to.
    pub occasion: NaiveDate,
}

/// The window of eligibility dates whose badges are due as of `today`: after the ceremony before
/// last (those missed at the last ceremony stay listed, overdue) up to the next ceremony.
pub fn window(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let next = next_occasion(today);
    (previous_occasion(previous_occasion(next)), next)
}

/// The badge due from `start` at the next ceremony, if a milestone falls in the window and has
/// not been awarded.
pub fn badge_due(start: NaiveDate, awarded: &[i64], milestones: &[i64], today: NaiveDate) -> Option<BadgeDue> {
    let (after, next) = window(today);
    milestones.iter().filter(|m| !awarded.contains(m)).find_map(|m| {
        let eligible = eligible_on(start, *m);
        (eligible > after && eligible <= next).then(|| BadgeDue { years: *m, eligible, occasion: next_occasion(eligible) })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Episode, Span};
    use crate::member::Status;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn occasions_follow_the_calendar() {
        assert_eq!(next_occasion(d(2026, 11, 27)), d(2027, 2, 3));
        assert_eq!(next_occasion(d(2026, 9, 2)), d(2026, 9, 2));
        assert_eq!(previous_occasion(d(2027, 2, 3)), d(2026, 11, 7));
        assert_eq!(window(d(2026, 11, 27)), (d(2026, 9, 2), d(2027, 2, 3)));
    }

    #[test]
    fn milestones_in_the_window_are_due_once() {
        let ms = [30, 40, 45, 50];
        // Admitted 10/1/1997: 30 years on 10/1/2027, due at 3/2/2027.
        let due = badge_due(d(1997, 1, 10), &[], &ms, d(2026, 11, 27)).unwrap();
        assert_eq!((due.years, due.eligible, due.occasion), (30, d(2027, 1, 10), d(2027, 2, 3)));
        assert!(badge_due(d(1997, 1, 10), &[30], &ms, d(2026, 11, 27)).is_none(), "already awarded");
        // 30 years reached in October: missed on 7/11, still listed.
        assert_eq!(badge_due(d(1996, 10, 1), &[], &ms, d(2026, 11, 27)).unwrap().occasion, d(2026, 11, 7));
        assert!(badge_due(d(1990, 1, 1), &[], &ms, d(2026, 11, 27)).is_none());
    }

    #[test]
    fn gaps_between_episodes_delay_party_age() {
        let ep = |n, dec| Episode { episode: n, org_id: "b".into(), admitted_here: true, admission_decision_date: dec, ceremony_date: dec };
        let span = |n, from, to| Span { org_id: "b".into(), status: Status::Full, from, to, episode: n, levels: Default::default() };
        let mut derived = crate::event::replay(&[crate::event::EventRecord {
            id: "1".into(),
            seq: 1,
            effective_on: d(1990, 1, 10),
            data: crate::event::EventData::Admitted {
                person: crate::member::Person {
                    family_name: "A".into(),
                    middle_name: String::new(),
                    given_name: "B".into(),
                    sex: crate::member::Sex::Male,
                    birth_date: d(1960, 1, 1),
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
                },
                party: crate::member::PartyRecord {
                    admission_decision_no: None,
                    admission_decision_date: d(1990, 1, 1),
                    ceremony_date: d(1990, 1, 10),
                    card_no: None,
                    bio_no: None,
                },
                org_id: "b".into(),
            },
        }])
        .unwrap();
        assert_eq!(party_age_start(&derived), d(1990, 1, 1));
        // Struck off 1/1/2000, re-admitted by a decision of 1/1/2004: four years' gap.
        derived.episodes = vec![ep(1, d(1990, 1, 1)), ep(2, d(2004, 1, 1))];
        derived.spans = vec![span(1, d(1990, 1, 10), Some(d(2000, 1, 1))), span(2, d(2004, 1, 10), None)];
        assert_eq!(party_age_start(&derived), d(1994, 1, 1));
    }
}
