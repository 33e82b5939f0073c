//! The annual review (kiểm điểm, đánh giá, xếp loại chất lượng; domain.md §5): the four levels
//! every member is rated in, the regime a year's review falls under (with its words), the
//! 100-point bands of QĐ 366, and the quota on the top level.
//!
//! A member's rating goes through three stages: the member's self-assessment, the branch's
//! proposal (by its review meeting), and the decision of the grassroots committee. The levels
//! are one scale under every regime since 2018; a regime changes the words, whether a score is
//! given, and the bands.

use crate::FieldErrors;
use crate::org::string_enum;
use crate::rules::{RuleBook, RuleId, RuleValue};
use chrono::NaiveDate;

string_enum! {
    /// A rating (mức xếp loại). The message key `rating-…` names it.
    Level ("rating") {
        /// Hoàn thành xuất sắc nhiệm vụ (HTXSNV).
        Excellent = "htxs",
        /// Hoàn thành tốt nhiệm vụ (HTTNV).
        Good = "htt",
        /// Hoàn thành nhiệm vụ (HTNV).
        Done = "ht",
        /// Không hoàn thành nhiệm vụ (KHTNV).
        NotDone = "khtnv",
    }
}

string_enum! {
    /// Who gave a rating. The message key `rating-stage-…` names it.
    Stage ("rating-stage") {
        /// The member's self-assessment (tự đánh giá).
        SelfAssessed = "self",
        /// The branch's proposal at its review meeting (chi bộ đề xuất).
        Branch = "branch",
        /// The grassroots committee's decision (cấp có thẩm quyền quyết định).
        Decision = "decision",
    }
}

impl Level {
    /// The highest level `score` reaches under `bands` (the lower bounds of HTNV, HTTNV and
    /// HTXSNV, ascending: QĐ 366 Art. 11 gives 50, 70, 90); without bands, any.
    pub fn of_score(score: i64, bands: &[i64]) -> Level {
        let [done, good, excellent] = bands else { return Level::Excellent };
        if score >= *excellent {
            Level::Excellent
        } else if score >= *good {
            Level::Good
        } else if score >= *done {
            Level::Done
        } else {
            Level::NotDone
        }
    }
}

/// The regulation a year's review falls under: the one in force at the year's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Regime {
    /// Stable code (API, stored with nothing: derived from the year).
    pub code: &'static str,
    pub citation: &'static str,
    /// Whether members are scored on 100 points.
    pub scored: bool,
    /// The message key prefix of the regime's words for the levels (`…-htxs` and so on).
    pub words: &'static str,
}

const REGIMES: [(NaiveDate, Regime); 4] = [
    (
        NaiveDate::from_ymd_opt(1900, 1, 1).expect("a date"),
        Regime {
            code: "before_132",
            citation: "Hướng dẫn của Ban Tổ chức Trung ương trước Quy định 132-QĐ/TW (chưa đối chiếu văn bản)",
            scored: false,
            words: "rating-old",
        },
    ),
    (
        NaiveDate::from_ymd_opt(2018, 3, 8).expect("a date"),
        Regime {
            code: "qd132", citation: "Quy định 132-QĐ/TW ngày 08/3/2018; Hướng dẫn 21-HD/BTCTW ngày 18/10/2019", scored: false, words: "rating"
        },
    ),
    (
        NaiveDate::from_ymd_opt(2023, 10, 4).expect("a date"),
        Regime {
            code: "qd124", citation: "Quy định 124-QĐ/TW ngày 04/10/2023; Hướng dẫn 25-HD/BTCTW ngày 10/11/2023", scored: false, words: "rating"
        },
    ),
    (
        NaiveDate::from_ymd_opt(2025, 8, 30).expect("a date"),
        Regime {
            code: "qd366", citation: "Quy định 366-QĐ/TW ngày 30/8/2025; Hướng dẫn 43-HD/BTCTW ngày 31/10/2025", scored: true, words: "rating"
        },
    ),
];

/// The last day of `year`: the date a year's review is judged on.
pub fn year_end(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31)
}

impl Regime {
    /// The regime of `year`'s review.
    pub fn of_year(year: i32) -> Regime {
        let end = year_end(year).unwrap_or(NaiveDate::MAX);
        REGIMES.iter().rev().find(|(from, _)| *from <= end).map(|(_, r)| *r).unwrap_or(REGIMES[0].1)
    }
}

/// The bands of the rule in force on `on` (empty where the regime gives none).
pub fn bands(book: &RuleBook, on: NaiveDate) -> Vec<i64> {
    match &book.get(RuleId::RatingBands, on).value {
        RuleValue::List(v) if v.len() == 3 => v.clone(),
        _ => Vec::new(),
    }
}

/// The most members of a grassroots organisation who may be rated HTXSNV when `good` are rated
/// HTTNV, under a quota of `basis_points` (HD 21-HD/BTCTW: at most 20% of HTTNV).
pub fn quota(good: i64, basis_points: i64) -> i64 {
    good * basis_points / 10_000
}

/// One member's rating as entered: the level and, where the regime scores, the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rated {
    pub level: Level,
    pub score: Option<i64>,
}

/// Parses one member's level and score (fields `level.ID` and `score.ID` on a form): a score
/// only where the regime scores, from 0 to 100, and then the level no higher than its band. A
/// score is not required: the branch may record the levels its meeting voted first.
pub fn parse_rated(id: &str, level: &str, score: &str, scored: bool, bands: &[i64], e: &mut FieldErrors) -> Option<Rated> {
    let (level_field, score_field) = (format!("level.{id}"), format!("score.{id}"));
    let level = Level::parse(level.trim()).or_else(|| {
        e.add(&level_field, if level.trim().is_empty() { "err-required" } else { "err-choice" });
        None
    });
    let score = match score.trim() {
        "" => None,
        _ if !scored => {
            e.add(&score_field, "err-rating-no-score");
            return None;
        }
        s => match s.parse::<i64>() {
            Ok(n) if (0..=100).contains(&n) => Some(n),
            _ => {
                e.add(&score_field, "err-rating-score");
                return None;
            }
        },
    };
    let level = level?;
    if let Some(s) = score
        && !bands.is_empty()
    {
        let reached = Level::of_score(s, bands);
        // A lower level than the score reaches is allowed (other conditions may fail); a
        // higher one is not.
        if level.rank() < reached.rank() {
            e.add_with(&level_field, "err-rating-band", vec![("score", s.to_string()), ("level", reached.as_str().to_string())]);
            return None;
        }
    }
    Some(Rated { level, score })
}

impl Level {
    /// 0 for the top level, 3 for the lowest (`ALL` lists them from the top down).
    pub fn rank(self) -> usize {
        Level::ALL.iter().position(|l| *l == self).expect("a level")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_years_regime_is_the_one_in_force_at_its_end() {
        assert_eq!(Regime::of_year(2017).code, "before_132");
        assert_eq!(Regime::of_year(2019).code, "qd132");
        assert_eq!(Regime::of_year(2023).code, "qd124");
        assert_eq!(Regime::of_year(2025).code, "qd366");
        assert!(Regime::of_year(2025).scored && !Regime::of_year(2019).scored);
    }

    #[test]
    fn a_score_caps_the_level_and_the_quota_rounds_down() {
        let bands = [50, 70, 90];
        assert_eq!(Level::of_score(90, &bands), Level::Excellent);
        assert_eq!(Level::of_score(89, &bands), Level::Good);
        assert_eq!(Level::of_score(50, &bands), Level::Done);
        assert_eq!(Level::of_score(49, &bands), Level::NotDone);
        let mut e = FieldErrors::new();
        assert!(parse_rated("m1", "htxs", "85", true, &bands, &mut e).is_none());
        assert!(e.has("level.m1", "err-rating-band"));
        let mut e = FieldErrors::new();
        assert_eq!(parse_rated("m1", "ht", "85", true, &bands, &mut e), Some(Rated { level: Level::Done, score: Some(85) }));
        assert_eq!(parse_rated("m1", "htt", "", true, &bands, &mut e), Some(Rated { level: Level::Good, score: None }));
        assert!(parse_rated("m1", "htt", "101", true, &bands, &mut e).is_none() && e.has("score.m1", "err-rating-score"));
        let mut e = FieldErrors::new();
        assert!(parse_rated("m1", "htt", "80", false, &[], &mut e).is_none() && e.has("score.m1", "err-rating-no-score"));
        assert_eq!(quota(14, 2000), 2, "20% of 14 is 2.8: two");
    }
}
