//! The biography's repeated items (2-KNĐ, 1-HSĐV): the work history (những công tác và chức
//! vụ đã qua: from which month to which, what and where) and the family (hoàn cảnh gia đình,
//! item 22: each relative with the political history the form asks). Kept with the person and
//! changed by an info change like the rest of the file, so every version stays on the record.

use crate::FieldErrors;
use crate::fee::Month;
use crate::org::string_enum;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The most rows of each list.
pub const MAX_ROWS: usize = 40;
/// The longest text of a row's item.
const MAX_TEXT: usize = 300;

/// One period of the work history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkRow {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1990-09"))]
    pub from: Month,
    /// `None`: until now.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "1995-06"))]
    pub to: Option<Month>,
    /// Làm công việc gì, ở đâu, giữ chức vụ gì.
    pub work: String,
}

string_enum! {
    /// How a relative is related to the member (quan hệ).
    Relation ("relation") {
        Father = "father",
        Mother = "mother",
        Spouse = "spouse",
        Child = "child",
        Sibling = "sibling",
        FatherInLaw = "father_in_law",
        MotherInLaw = "mother_in_law",
        Grandparent = "grandparent",
        Other = "other",
    }
}

/// One relative, as item 22 asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Relative {
    pub relation: Relation,
    pub name: String,
    #[serde(default)]
    pub birth_year: Option<i32>,
    #[serde(default)]
    pub occupation: String,
    /// Nơi ở hiện nay.
    #[serde(default)]
    pub residence: String,
    /// Lịch sử chính trị, thái độ chấp hành pháp luật.
    #[serde(default)]
    pub history: String,
}

/// A work row as typed (months as mm/yyyy or yyyy-mm; an empty end: until now).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkInput {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub work: String,
}

/// A relative as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelativeInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Relation))]
    pub relation: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub birth_year: String,
    #[serde(default)]
    pub occupation: String,
    #[serde(default)]
    pub residence: String,
    #[serde(default)]
    pub history: String,
}

impl WorkInput {
    fn is_empty(&self) -> bool {
        [&self.from, &self.to, &self.work].iter().all(|s| s.trim().is_empty())
    }
}

impl RelativeInput {
    fn is_empty(&self) -> bool {
        [&self.name, &self.birth_year, &self.occupation, &self.residence, &self.history].iter().all(|s| s.trim().is_empty())
    }
}

impl From<&WorkRow> for WorkInput {
    fn from(r: &WorkRow) -> WorkInput {
        WorkInput { from: r.from.iso(), to: r.to.map(|m| m.iso()).unwrap_or_default(), work: r.work.clone() }
    }
}

impl From<&Relative> for RelativeInput {
    fn from(r: &Relative) -> RelativeInput {
        RelativeInput {
            relation: r.relation.as_str().into(),
            name: r.name.clone(),
            birth_year: r.birth_year.map(|y| y.to_string()).unwrap_or_default(),
            occupation: r.occupation.clone(),
            residence: r.residence.clone(),
            history: r.history.clone(),
        }
    }
}

fn text(v: &str, field: &'static str, row: usize, e: &mut FieldErrors) -> String {
    let v = crate::text::clean(v);
    if v.chars().count() > MAX_TEXT {
        e.add_with(field, "err-row-too-long", vec![("row", row.to_string())]);
    }
    v
}

/// The work history typed: empty rows skipped; each from a month not before the birth nor after
/// this month, to a month not before it (or until now); the work written. Sorted by start.
pub fn parse_work(rows: &[WorkInput], birth: Option<NaiveDate>, today: NaiveDate, e: &mut FieldErrors) -> Vec<WorkRow> {
    let rows: Vec<&WorkInput> = rows.iter().filter(|r| !r.is_empty()).collect();
    if rows.len() > MAX_ROWS {
        e.add_with("work_history", "err-rows-too-many", vec![("max", MAX_ROWS.to_string())]);
        return Vec::new();
    }
    let (first, now) = (birth.map(Month::of), Month::of(today));
    let mut out = Vec::new();
    for (i, r) in rows.into_iter().enumerate() {
        let n = i + 1;
        let at = || vec![("row", n.to_string())];
        let from = Month::parse(&r.from);
        let to = if r.to.trim().is_empty() { Ok(None) } else { Month::parse(&r.to).map(Some).ok_or(()) };
        let work = text(&r.work, "work_history", n, e);
        match (from, to) {
            (None, _) | (_, Err(())) => e.add_with("work_history", "err-row-month", at()),
            (Some(f), Ok(t)) if f > now || t.is_some_and(|t| t > now) || first.is_some_and(|b| f < b) => e.add_with("work_history", "err-row-when", at()),
            (Some(f), Ok(Some(t))) if t < f => e.add_with("work_history", "err-row-when", at()),
            _ if work.is_empty() => e.add_with("work_history", "err-row-work", at()),
            (Some(from), Ok(to)) => out.push(WorkRow { from, to, work }),
        }
    }
    out.sort_by_key(|r| r.from);
    out
}

/// The family typed: empty rows skipped; each with a relation and a name, a birth year (when
/// given) between 1850 and this year.
pub fn parse_family(rows: &[RelativeInput], today: NaiveDate, e: &mut FieldErrors) -> Vec<Relative> {
    let rows: Vec<&RelativeInput> = rows.iter().filter(|r| !r.is_empty()).collect();
    if rows.len() > MAX_ROWS {
        e.add_with("family", "err-rows-too-many", vec![("max", MAX_ROWS.to_string())]);
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, r) in rows.into_iter().enumerate() {
        let n = i + 1;
        let at = || vec![("row", n.to_string())];
        let relation = Relation::parse(r.relation.trim());
        let name = text(&r.name, "family", n, e);
        let year = match r.birth_year.trim() {
            "" => Ok(None),
            y => y.parse::<i32>().ok().filter(|y| (1850..=today.year()).contains(y)).map(Some).ok_or(()),
        };
        let (occupation, residence, history) = (text(&r.occupation, "family", n, e), text(&r.residence, "family", n, e), text(&r.history, "family", n, e));
        match (relation, year) {
            (None, _) => e.add_with("family", "err-row-relation", at()),
            (_, Err(())) => e.add_with("family", "err-row-year", at()),
            _ if name.is_empty() => e.add_with("family", "err-row-name", at()),
            (Some(relation), Ok(birth_year)) => out.push(Relative { relation, name, birth_year, occupation, residence, history }),
        }
    }
    out
}

/// A list in one line for the timeline's change and the import's preview: the rows' count and
/// their first words.
pub fn summary_work(rows: &[WorkRow]) -> String {
    rows.iter().map(|r| format!("{}–{} {}", r.from.display(), r.to.map(|m| m.display()).unwrap_or_default(), r.work)).collect::<Vec<_>>().join("; ")
}

pub fn summary_family(rows: &[Relative]) -> String {
    rows.iter().map(|r| format!("{} ({})", r.name, r.birth_year.map(|y| y.to_string()).unwrap_or_default())).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn work_rows_are_checked_sorted_and_empty_ones_skipped() {
        let w = |from: &str, to: &str, work: &str| WorkInput { from: from.into(), to: to.into(), work: work.into() };
        let mut e = FieldErrors::new();
        let rows = parse_work(
            &[w("09/2000", "", "Giáo viên Trường Tiểu học Đầm Hà"), w("", "", ""), w("1995-09", "06/2000", "Sinh viên")],
            Some(d(1977, 5, 1)),
            d(2026, 11, 27),
            &mut e,
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(
            rows.iter().map(|r| (r.from.iso(), r.to.map(|m| m.iso()))).collect::<Vec<_>>(),
            [("1995-09".to_string(), Some("2000-06".to_string())), ("2000-09".to_string(), None)]
        );
        for (bad, key) in [
            (w("13/2000", "", "x"), "err-row-month"),
            (w("2000-01", "1999-01", "x"), "err-row-when"),
            (w("1970-01", "", "x"), "err-row-when"),
            (w("2000-01", "", ""), "err-row-work"),
        ] {
            let mut e = FieldErrors::new();
            parse_work(&[bad], Some(d(1977, 5, 1)), d(2026, 11, 27), &mut e);
            assert!(e.has("work_history", key), "{key}: {e:?}");
        }
    }

    #[test]
    fn relatives_need_a_relation_a_name_and_a_real_year() {
        let r = |relation: &str, name: &str, year: &str| RelativeInput {
            relation: relation.into(),
            name: name.into(),
            birth_year: year.into(),
            ..Default::default()
        };
        let mut e = FieldErrors::new();
        let rows = parse_family(&[r("father", "Nguyễn Văn Ba", "1940"), r("mother", "", "1945"), r("sibling", "", "")], d(2026, 11, 27), &mut e);
        assert!(e.has("family", "err-row-name"), "{e:?}");
        assert_eq!(rows.len(), 1);
        for (bad, key) in [(r("uncle", "A", ""), "err-row-relation"), (r("child", "A", "2030"), "err-row-year")] {
            let mut e = FieldErrors::new();
            parse_family(&[bad], d(2026, 11, 27), &mut e);
            assert!(e.has("family", key), "{key}: {e:?}");
        }
    }
}
