//! A member's levels as dated facts: general education, professional qualification, political
//! theory and occupation change in a life (a degree earned in 2017, a theory course finished in
//! 2021), so each presence span carries the values in force on its days, and a count as of a
//! date reads that date's values. An info change takes effect on its date; a correction (the
//! value was always wrong) rewrites the field's whole history instead.

use super::Span;
use crate::member::Person;
use chrono::NaiveDate;

/// The traits of a member that change over time and are counted by date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Levels {
    /// Trình độ giáo dục phổ thông.
    pub education: String,
    /// Trình độ chuyên môn.
    pub professional: String,
    /// Trình độ lý luận chính trị.
    pub theory: String,
    /// Nghề nghiệp.
    pub occupation: String,
}

impl Levels {
    pub fn of(p: &Person) -> Levels {
        Levels { education: p.education.clone(), professional: p.professional.clone(), theory: p.theory.clone(), occupation: p.occupation.clone() }
    }

    fn fields_mut(&mut self) -> [&mut String; 4] {
        [&mut self.education, &mut self.professional, &mut self.theory, &mut self.occupation]
    }

    fn fields(&self) -> [&String; 4] {
        [&self.education, &self.professional, &self.theory, &self.occupation]
    }
}

/// The levels over time: from each date on (the first entry from the beginning), sorted.
#[derive(Debug, Clone)]
pub(crate) struct LevelHistory(Vec<(NaiveDate, Levels)>);

impl LevelHistory {
    pub(crate) fn new(first: &Person) -> LevelHistory {
        LevelHistory(vec![(NaiveDate::MIN, Levels::of(first))])
    }

    /// The values in force on `on`.
    fn on(&self, on: NaiveDate) -> &Levels {
        let i = self.0.partition_point(|(from, _)| *from <= on);
        &self.0[i.saturating_sub(1)].1
    }

    /// The person's levels from `on` (a change), or, for a `correction`, each field that differs
    /// from today's value set to the new one over the whole history.
    pub(crate) fn record(&mut self, on: NaiveDate, p: &Person, correction: bool) {
        let new = Levels::of(p);
        if correction {
            let last = self.0.last().map(|(_, l)| l.clone()).unwrap_or_default();
            for (_, levels) in &mut self.0 {
                for ((field, was), now) in levels.fields_mut().into_iter().zip(last.fields()).zip(new.fields()) {
                    if was != now {
                        field.clone_from(now);
                    }
                }
            }
            return;
        }
        // The change holds from `on` until the next recorded change after it, which keeps its
        // own values (events replay in date order, so this is the end but for same-day ones).
        let at = self.0.partition_point(|(from, _)| *from <= on);
        if self.on(on) != &new {
            if at > 0 && self.0[at - 1].0 == on {
                self.0[at - 1].1 = new;
            } else {
                self.0.insert(at, (on, new));
            }
        }
    }

    /// The spans cut where the levels change, each piece with the values of its first day.
    pub(crate) fn cut(&self, spans: Vec<Span>) -> Vec<Span> {
        let mut out = Vec::with_capacity(spans.len());
        for s in spans {
            let mut from = s.from;
            let inner = self.0.iter().map(|(d, _)| *d).filter(|d| *d > s.from && s.to.is_none_or(|t| *d < t));
            for cut in inner.chain(std::iter::once(NaiveDate::MAX)) {
                let to = if cut == NaiveDate::MAX { s.to } else { Some(cut) };
                out.push(Span { from, to, levels: self.on(from).clone(), ..s.clone() });
                from = cut;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::member::Status;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn person(education: &str, theory: &str) -> Person {
        Person {
            family_name: "Lê".into(),
            middle_name: "Văn".into(),
            given_name: "An".into(),
            sex: crate::member::Sex::Male,
            birth_date: d(1980, 1, 1),
            ethnicity: "01".into(),
            religion: "none".into(),
            birth_place: String::new(),
            home_town: String::new(),
            residence: String::new(),
            cccd: None,
            phone: String::new(),
            education: education.into(),
            professional: String::new(),
            theory: theory.into(),
            occupation: String::new(),
            file: Default::default(),
        }
    }

    fn span(from: NaiveDate, to: Option<NaiveDate>) -> Span {
        Span { org_id: "B".into(), status: Status::Full, from, to, episode: 1, levels: Levels::default() }
    }

    #[test]
    fn a_change_cuts_the_span_on_its_date_and_a_correction_rewrites_the_past() {
        let mut h = LevelHistory::new(&person("9/12", "so_cap"));
        h.record(d(2021, 6, 1), &person("12/12", "so_cap"), false);
        let spans = h.cut(vec![span(d(2010, 1, 1), Some(d(2015, 1, 1))), span(d(2015, 1, 1), None)]);
        let seen: Vec<(NaiveDate, &str)> = spans.iter().map(|s| (s.from, s.levels.education.as_str())).collect();
        assert_eq!(seen, [(d(2010, 1, 1), "9/12"), (d(2015, 1, 1), "9/12"), (d(2021, 6, 1), "12/12")]);
        assert_eq!(spans[1].to, Some(d(2021, 6, 1)));
        assert_eq!(spans[2].to, None);
        // The theory level was always "trung cấp": every piece says so; education keeps its history.
        h.record(d(2026, 1, 1), &person("12/12", "trung_cap"), true);
        let spans = h.cut(vec![span(d(2010, 1, 1), None)]);
        assert_eq!(
            spans.iter().map(|s| (s.levels.education.as_str(), s.levels.theory.as_str())).collect::<Vec<_>>(),
            [("9/12", "trung_cap"), ("12/12", "trung_cap")]
        );
    }

    #[test]
    fn a_change_that_changes_nothing_does_not_cut() {
        let mut h = LevelHistory::new(&person("12/12", ""));
        h.record(d(2020, 1, 1), &person("12/12", ""), false);
        assert_eq!(h.cut(vec![span(d(2010, 1, 1), None)]).len(), 1);
    }
}
