//! The demo members' levels as a history: a third of those with a middle or high political
//! theory level reached it after their admission (a course finished), so the member form of an
//! earlier date counts them at the level they had then. Drawn from a generator of its own, so
//! the rest of the demo (names, branches, dates) is the same as without it.

use super::{DemoEvent, DemoMember, random_date};
use chrono::{Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The political theory level a member can have had before their present one.
fn earlier(theory: &str) -> Option<&'static str> {
    match theory {
        "Cao cấp" => Some("Trung cấp"),
        "Trung cấp" => Some("Sơ cấp"),
        _ => None,
    }
}

/// Lowers the admission theory level of about a third of the members who could have risen, and
/// records the rise as a dated info change between two and ten years after the ceremony
/// (never after `today`).
pub(crate) fn add(members: &mut [DemoMember], seed: u64, today: NaiveDate) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6c65_7665_6c73);
    for m in members.iter_mut() {
        let Some((ceremony, DemoEvent::Admitted { person, .. })) = m.events.first_mut() else { continue };
        let Some(theory) = earlier(&person.theory) else { continue };
        if !rng.random_bool(0.34) {
            continue;
        }
        let (from, to) = (*ceremony + Duration::days(730), (*ceremony + Duration::days(3650)).min(today - Duration::days(30)));
        if to <= from {
            continue;
        }
        let now = person.clone();
        person.theory = theory.into();
        let on = random_date(&mut rng, from, to);
        m.events.push((on, DemoEvent::InfoChanged { person: now }));
    }
}

#[cfg(test)]
mod tests {
    use super::super::{DemoEvent, dam_ha};
    use chrono::NaiveDate;

    #[test]
    fn a_third_of_those_who_could_rise_rose_after_their_admission() {
        let demo = dam_ha(1, NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
        let (mut could, mut rose) = (0, 0);
        for m in &demo.members {
            let Some((ceremony, DemoEvent::Admitted { person, .. })) = m.events.first() else { continue };
            let later = m.events.iter().find_map(|(on, e)| match e {
                DemoEvent::InfoChanged { person } => Some((*on, person)),
                _ => None,
            });
            match later {
                Some((on, now)) => {
                    assert!(on > *ceremony && now.theory != person.theory, "a rise after the ceremony");
                    rose += 1;
                    could += 1;
                }
                None if matches!(person.theory.as_str(), "Trung cấp" | "Cao cấp") => could += 1,
                None => {}
            }
        }
        assert!(rose * 4 > could && rose * 2 < could, "{rose} of {could}");
    }
}
