//! The working-day calendar: deadlines "within N working days" (ngày làm việc) skip Saturdays,
//! Sundays and public holidays. Holidays (Tết above all) are decided year by year, so they are
//! data: the store keeps them, an admin adds a year. A Saturday declared a make-up working day
//! (ngày làm bù) counts as a working day.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;
use std::collections::BTreeMap;

use crate::org::string_enum;

string_enum! {
    /// What a calendar entry says about its day.
    DayKind ("day-kind") {
        /// Ngày nghỉ lễ, Tết (or a day off in lieu).
        Holiday = "holiday",
        /// Ngày làm bù: a weekend day worked in exchange for a bridge holiday.
        Workday = "workday",
    }
}

/// One calendar entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarDay {
    pub day: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

/// The calendar: the weekend rule plus the entries.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    days: BTreeMap<NaiveDate, DayKind>,
}

impl WorkCalendar {
    pub fn new(entries: impl IntoIterator<Item = CalendarDay>) -> WorkCalendar {
        WorkCalendar { days: entries.into_iter().map(|d| (d.day, d.kind)).collect() }
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.days.get(&d) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The last day of a period of `n` working days that starts the day after `start`:
    /// a deadline "within n working days from `start`". With n = 0, `start` itself.
    pub fn add_working_days(&self, start: NaiveDate, n: i64) -> NaiveDate {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d = d.succ_opt().unwrap_or(d);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weekends_and_holidays_are_skipped() {
        let cal = WorkCalendar::new([
            CalendarDay { day: d(2024, 4, 29), kind: DayKind::Holiday, name: "bù".into() },
            CalendarDay { day: d(2024, 4, 30), kind: DayKind::Holiday, name: "30/4".into() },
            CalendarDay { day: d(2024, 5, 1), kind: DayKind::Holiday, name: "1/5".into() },
            CalendarDay { day: d(2024, 5, 4), kind: DayKind::Workday, name: "làm bù".into() },
        ]);
        // Friday 26/4/2024 + 1 wd: Mon 29 and Tue 30 and Wed 1 are off → Thu 2/5.
        assert_eq!(cal.add_working_days(d(2024, 4, 26), 1), d(2024, 5, 2));
        // Thu 2/5 + 2 wd: Fri 3, Sat 4 (make-up day).
        assert_eq!(cal.add_working_days(d(2024, 5, 2), 2), d(2024, 5, 4));
        // No entries: 5 working days a week.
        let plain = WorkCalendar::default();
        assert_eq!(plain.add_working_days(d(2026, 11, 27), 30), d(2027, 1, 8));
    }
}
