//! Cadre planning (quy hoạch cán bộ): planning cycles of a committee for a term, the cadres
//! planned for each title, and the rules that bound it — at most N planned per title and a cadre
//! in at most M titles at one level (QĐ 377-QĐ/TW), and the target shares of young cadres and
//! women (QĐ 50-QĐ/TW) — as versioned rules with their citations.

use super::Title;
use crate::error::FieldErrors;
use crate::member::Sex;
use crate::org::{OrgCode, parse_opt_code, parse_past_date, string_enum};
use crate::rules::{RuleBook, RuleId, RuleVersion};
use crate::text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

string_enum! {
    /// Why a cadre left the planning.
    RemovalReason ("planning-removal") {
        /// Over the age limit.
        Age = "age",
        /// Disciplined (khiển trách or higher).
        Discipline = "discipline",
        /// The annual review found the standards no longer met.
        Review = "review",
        /// Appointed to the title (planning fulfilled).
        Appointed = "appointed",
        Other = "other",
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CycleInput {
    #[serde(default)]
    pub org: String,
    /// "2025–2030".
    #[serde(default)]
    pub term: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub approved_on: Option<String>,
    #[serde(default)]
    pub decision_no: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewCycle {
    pub org: OrgCode,
    pub term: String,
    pub approved_on: NaiveDate,
    pub decision_no: String,
}

impl CycleInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewCycle, FieldErrors> {
        let mut e = FieldErrors::new();
        let org = parse_opt_code("org", &Some(self.org.clone()), &mut e);
        if org.is_none() {
            e.add("org", "err-required");
        }
        let term = self.term.as_deref().map(text::clean).unwrap_or_default().replace('-', "–");
        let years: Vec<i32> = term.split('–').filter_map(|y| y.trim().parse().ok()).collect();
        if !matches!(years.as_slice(), [a, b] if b > a && b - a <= 10) {
            e.add("term", "err-term-invalid");
        }
        let approved_on = parse_past_date("approved_on", self.approved_on.as_deref().unwrap_or(""), today, &mut e);
        let decision_no = self.decision_no.as_deref().map(text::clean).unwrap_or_default();
        match (org, approved_on) {
            (Some(org), Some(approved_on)) if e.is_empty() => Ok(NewCycle { org, term, approved_on, decision_no }),
            _ => Err(e),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlannedInput {
    #[serde(default)]
    pub member: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::cadre::Title))]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub added_on: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPlanned {
    pub member_id: String,
    pub title: Title,
    pub added_on: NaiveDate,
}

impl PlannedInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewPlanned, FieldErrors> {
        let mut e = FieldErrors::new();
        let member_id = text::clean(&self.member);
        if member_id.is_empty() {
            e.add("member", "err-required");
        }
        let title = Title::parse(self.title.trim());
        if title.is_none() {
            e.add("title", "err-choice");
        }
        let added_on = parse_past_date("added_on", self.added_on.as_deref().unwrap_or(""), today, &mut e);
        match (title, added_on) {
            (Some(title), Some(added_on)) if e.is_empty() => Ok(NewPlanned { member_id, title, added_on }),
            _ => Err(e),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemovalInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = RemovalReason))]
    pub reason: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub removed_on: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewRemoval {
    pub reason: RemovalReason,
    pub removed_on: NaiveDate,
    pub note: String,
}

impl RemovalInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewRemoval, FieldErrors> {
        let mut e = FieldErrors::new();
        let reason = RemovalReason::parse(self.reason.trim());
        if reason.is_none() {
            e.add("reason", "err-choice");
        }
        let removed_on = parse_past_date("removed_on", self.removed_on.as_deref().unwrap_or(""), today, &mut e);
        let note = self.note.as_deref().map(text::clean).unwrap_or_default();
        match (reason, removed_on) {
            (Some(reason), Some(removed_on)) if e.is_empty() => Ok(NewRemoval { reason, removed_on, note }),
            _ => Err(e),
        }
    }
}

fn limit_error(field: &str, key: &'static str, v: &RuleVersion) -> FieldErrors {
    let mut e = FieldErrors::new();
    e.add_with(field, key, vec![("limit", v.value.text()), ("rule", v.citation.clone())]);
    e
}

/// Refuses a cadre beyond the limits in force on `on`: `for_title` cadres already planned for the
/// title in the cycle, and `titles_of_cadre` titles the cadre already holds in planning at this
/// level.
pub fn check_limits(for_title: i64, titles_of_cadre: i64, rules: &RuleBook, on: NaiveDate) -> Result<(), FieldErrors> {
    let per_title = rules.get(RuleId::PlanningPerTitle, on);
    if for_title >= per_title.value.number() {
        return Err(limit_error("title", "err-planning-title-full", per_title));
    }
    let per_cadre = rules.get(RuleId::PlanningTitlesPerCadre, on);
    if titles_of_cadre >= per_cadre.value.number() {
        return Err(limit_error("member", "err-planning-cadre-full", per_cadre));
    }
    Ok(())
}

/// One planned cadre as the structure needs it.
pub struct Profile {
    pub birth_date: NaiveDate,
    pub sex: Sex,
    /// Ethnicity code; "01" is Kinh.
    pub ethnicity: String,
}

/// The structure of a planning on a date against the target shares in force.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Structure {
    pub total: i64,
    pub young: i64,
    pub women: i64,
    pub ethnic_minority: i64,
    pub young_age: i64,
    pub young_target: String,
    pub young_met: bool,
    pub young_rule: String,
    pub women_target: String,
    pub women_met: bool,
    pub women_rule: String,
}

/// Counts young cadres (under the age of the rule), women and ethnic minorities among distinct
/// planned persons, and whether the target shares are met.
pub fn structure(people: &[Profile], rules: &RuleBook, on: NaiveDate) -> Structure {
    let age = rules.get(RuleId::PlanningYoungAge, on);
    let young_age = age.value.number();
    let young = people.iter().filter(|p| (crate::date::age_years(p.birth_date, on) as i64) < young_age).count() as i64;
    let women = people.iter().filter(|p| p.sex == Sex::Female).count() as i64;
    let ethnic_minority = people.iter().filter(|p| !p.ethnicity.is_empty() && p.ethnicity != crate::member::KINH).count() as i64;
    let total = people.len() as i64;
    let (y, w) = (rules.get(RuleId::PlanningYoungShare, on), rules.get(RuleId::PlanningWomenShare, on));
    Structure {
        total,
        young,
        women,
        ethnic_minority,
        young_age,
        young_target: y.value.text(),
        young_met: total > 0 && y.value.passes(young, total),
        young_rule: y.citation.clone(),
        women_target: w.value.text(),
        women_met: total > 0 && w.value.passes(women, total),
        women_rule: w.citation.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_fourth_cadre_for_a_title_is_refused_with_the_rule() {
        let rules = RuleBook::builtin_ref();
        assert!(check_limits(2, 2, rules, d(2026, 1, 1)).is_ok());
        let e = check_limits(3, 0, rules, d(2026, 1, 1)).unwrap_err();
        assert_eq!(e.0["title"].key, "err-planning-title-full");
        assert!(e.0["title"].args.iter().any(|(k, v)| *k == "rule" && v.contains("377")));
        assert_eq!(check_limits(0, 3, rules, d(2026, 1, 1)).unwrap_err().0["member"].key, "err-planning-cadre-full");
    }

    #[test]
    fn the_structure_counts_young_women_and_minorities_against_the_targets() {
        let rules = RuleBook::builtin_ref();
        let p = |y: i32, sex: Sex, eth: &str| Profile { birth_date: d(y, 6, 1), sex, ethnicity: eth.into() };
        let people = vec![p(1990, Sex::Female, "01"), p(1970, Sex::Male, "01"), p(1975, Sex::Male, "04"), p(1980, Sex::Female, "01")];
        let s = structure(&people, rules, d(2026, 1, 1));
        assert_eq!((s.total, s.young, s.women, s.ethnic_minority), (4, 1, 2, 1));
        assert!(s.young_met, "1 of 4 is at least 15%");
        assert!(s.women_met, "2 of 4 is at least 25%");
        let s = structure(&people[1..3], rules, d(2026, 1, 1));
        assert!(!s.women_met && !s.young_met);
    }

    #[test]
    fn a_term_reads_as_two_years() {
        let today = d(2026, 11, 27);
        let c = CycleInput { org: "X".into(), term: Some("2025-2030".into()), approved_on: Some("01/12/2025".into()), decision_no: None };
        assert_eq!(c.parse(today).unwrap().term, "2025–2030");
        let bad = CycleInput { term: Some("2030".into()), ..c };
        assert_eq!(bad.parse(today).unwrap_err().0["term"].key, "err-term-invalid");
    }
}
