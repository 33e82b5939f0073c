//! The organisations a data workbook carries (its sheet "Tổ chức"): the exported organisation,
//! its living subtree, its superiors, and every organisation any of them was under or handed
//! its history to (a commune formed on 1/7/2025 holds branches founded decades before under a
//! district's committee), each with its history as periods — one row per period of a name, a
//! kind and a parent — and the organisation that took it over when it ended. The import founds,
//! in the same all-or-nothing transaction, every organisation the register does not hold yet,
//! with that history.

use crate::error::FieldErrors;
use crate::org::{Field, OrgCode, OrgKind};
use crate::text;
use chrono::NaiveDate;

/// The name of the organisations' sheet, and its headers.
pub const TREE_SHEET: &str = "Tổ chức";
pub const TREE_HEADERS: [&str; 8] = ["Mã", "Tên", "Loại", "Lĩnh vực", "Mã cấp trên", "Từ ngày", "Đến ngày", "Tổ chức kế thừa"];

/// The field a problem of each column names.
pub const TREE_FIELDS: [&str; 8] = ["code", "name", "type", "field", "parent", "valid_from", "valid_to", "heir"];

/// The most rows one workbook's organisations' sheet holds (a province has ~7,000
/// organisations; the nation is imported a province at a time).
pub const MAX_TREE_ROWS: usize = 30_000;

/// One period of an organisation: its name, kind and parent from a day, until a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanData {
    pub name: String,
    pub kind: OrgKind,
    /// The parent's code; `None` for a root.
    pub parent: Option<String>,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// One organisation as the workbook carries it: its periods, oldest first, each beginning
/// where the one before ended; only the last may be open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgData {
    pub code: String,
    pub field: Field,
    pub spans: Vec<SpanData>,
    /// The organisation that took over its history when it ended (merged into).
    pub heir: Option<String>,
}

impl OrgData {
    pub fn last(&self) -> &SpanData {
        self.spans.last().expect("an organisation has a period")
    }
    pub fn founded_on(&self) -> NaiveDate {
        self.spans[0].from
    }
    pub fn ended_on(&self) -> Option<NaiveDate> {
        self.last().to
    }
    /// The span in force on `on`.
    pub fn span_on(&self, on: NaiveDate) -> Option<&SpanData> {
        self.spans.iter().find(|s| s.from <= on && s.to.is_none_or(|t| t > on))
    }
}

/// One row of the organisations' sheet as read: its number in the file and its cells as text
/// (a date cell as an ISO date), in the order of [`TREE_HEADERS`].
#[derive(Debug, Clone, Default)]
pub struct TreeRow {
    pub row: usize,
    pub cells: [String; 8],
}

/// The organisations of the sheet, one per code in the order they first appear, each with the
/// row of its first period or, when refused, the row and fields of its first problem. The kind
/// and field are written as their labels (recognised by `kind_of` and `field_of`) or codes.
pub fn parse_tree(
    rows: &[TreeRow],
    kind_of: impl Fn(&str) -> Option<OrgKind>,
    field_of: impl Fn(&str) -> Option<Field>,
    today: NaiveDate,
) -> Vec<(usize, Result<OrgData, FieldErrors>)> {
    let mut groups: Vec<(String, Vec<&TreeRow>)> = Vec::new();
    let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for r in rows {
        let key = r.cells[0].trim().to_ascii_uppercase();
        match at.get(&key) {
            Some(&i) => groups[i].1.push(r),
            None => {
                at.insert(key.clone(), groups.len());
                groups.push((key, vec![r]));
            }
        }
    }
    groups.into_iter().map(|(_, rows)| parse_org(&rows, &kind_of, &field_of, today)).collect()
}

/// One organisation's rows.
fn parse_org(
    rows: &[&TreeRow],
    kind_of: &impl Fn(&str) -> Option<OrgKind>,
    field_of: &impl Fn(&str) -> Option<Field>,
    today: NaiveDate,
) -> (usize, Result<OrgData, FieldErrors>) {
    let mut spans: Vec<(usize, SpanData)> = Vec::new();
    let (mut code, mut field, mut heir) = (None, None, None);
    for r in rows {
        let [c, name, kind, f, parent, from, to, h] = &r.cells;
        let mut e = FieldErrors::new();
        code = OrgCode::parse(c);
        if code.is_none() {
            e.add("code", if c.trim().is_empty() { "err-required" } else { "err-org-code" });
        }
        let name = text::clean(name);
        if name.is_empty() {
            e.add("name", "err-required");
        } else if name.chars().count() > 200 {
            e.add("name", "err-too-long");
        }
        let kind = kind_of(kind).or_else(|| OrgKind::parse(kind.trim()));
        if kind.is_none() {
            e.add("type", "err-choice");
        }
        let this_field = if f.trim().is_empty() { Some(Field::Other) } else { field_of(f).or_else(|| Field::parse(f.trim())) };
        match (this_field, field) {
            (None, _) => e.add("field", "err-choice"),
            (Some(a), Some(b)) if a != b => e.add("field", "err-tree-field-differs"),
            (Some(a), _) => field = Some(a),
        }
        let parent = crate::org::parse_opt_code("parent", &Some(parent.clone()).filter(|p| !p.trim().is_empty()), &mut e);
        let from = crate::org::parse_past_date("valid_from", from, today, &mut e);
        let to = match to.trim() {
            "" => None,
            t => match crate::date::parse(t) {
                None => {
                    e.add("valid_to", "err-date-invalid");
                    None
                }
                Some(t) if t > today => {
                    e.add("valid_to", "err-date-future");
                    None
                }
                Some(t) if from.is_some_and(|f| t <= f) => {
                    e.add("valid_to", "err-tree-period");
                    None
                }
                t => t,
            },
        };
        if !h.trim().is_empty() {
            heir = crate::org::parse_opt_code("heir", &Some(h.clone()), &mut e).map(|c| c.as_str().to_string());
        }
        if !e.is_empty() {
            return (r.row, Err(e));
        }
        let (Some(kind), Some(from)) = (kind, from) else { unreachable!("checked above") };
        let parent = parent.map(|p| p.as_str().to_string());
        spans.push((r.row, SpanData { name, kind, parent, from, to }));
    }
    spans.sort_by_key(|(_, s)| s.from);
    for w in spans.windows(2) {
        if w[0].1.to != Some(w[1].1.from) {
            return (w[1].0, Err(FieldErrors::single("valid_from", "err-tree-gap")));
        }
    }
    let first_row = spans[0].0;
    let org = OrgData {
        code: code.map(|c| c.as_str().to_string()).unwrap_or_default(),
        field: field.unwrap_or(Field::Other),
        spans: spans.into_iter().map(|(_, s)| s).collect(),
        heir,
    };
    if org.heir.is_some() && org.ended_on().is_none() {
        return (first_row, Err(FieldErrors::single("heir", "err-tree-heir-open")));
    }
    (first_row, Ok(org))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: usize, cells: [&str; 8]) -> TreeRow {
        TreeRow { row: n, cells: cells.map(str::to_string) }
    }

    fn parse(rows: &[TreeRow]) -> Vec<(usize, Result<OrgData, FieldErrors>)> {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let kind_of = |s: &str| (text::fold(s) == "chi bo truc thuoc").then_some(OrgKind::SubordinateBranch);
        let field_of = |s: &str| (text::fold(s) == "truong hoc").then_some(Field::School);
        parse_tree(rows, kind_of, field_of, today)
    }

    #[test]
    fn an_organisations_periods_are_read_in_order_by_label_or_code() {
        let rows = [
            row(3, ["b1", "Chi bộ Trường", "Chi bộ trực thuộc", "Trường học", "X", "2025-07-01", "", ""]),
            row(2, ["B1", "Chi bộ Trường cũ", "subordinate_branch", "school", "H", "01/09/1990", "2025-07-01", ""]),
            row(4, ["H", "Đảng bộ huyện", "district", "", "", "1960-01-01", "2025-07-01", ""]),
        ];
        let got = parse(&rows);
        assert_eq!(got.len(), 2);
        let (first, b1) = (&got[0].0, got[0].1.as_ref().unwrap());
        assert_eq!((*first, b1.code.as_str(), b1.field, b1.spans.len()), (2, "B1", Field::School, 2));
        assert_eq!((b1.spans[0].parent.as_deref(), b1.spans[1].parent.as_deref(), b1.ended_on()), (Some("H"), Some("X"), None));
        assert_eq!(b1.span_on(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()).map(|s| s.name.as_str()), Some("Chi bộ Trường cũ"));
        let h = got[1].1.as_ref().unwrap();
        assert_eq!((h.field, h.spans[0].parent.as_ref(), h.ended_on()), (Field::Other, None, NaiveDate::from_ymd_opt(2025, 7, 1)));
    }

    #[test]
    fn a_row_that_cannot_be_a_period_names_its_row_and_field() {
        let bad = parse(&[row(5, ["B2", "", "Chi bộ lạ", "Trường học", "C", "2030-01-01", "", ""])]);
        let (n, e) = (bad[0].0, bad[0].1.as_ref().unwrap_err());
        assert_eq!(n, 5);
        for field in ["name", "type", "valid_from"] {
            assert!(e.0.contains_key(field), "{field}: {e:?}");
        }
        let gap = parse(&[
            row(2, ["B3", "A", "subordinate_branch", "", "C", "2000-01-01", "2010-01-01", ""]),
            row(3, ["B3", "A", "subordinate_branch", "", "D", "2011-01-01", "", ""]),
        ]);
        assert_eq!((gap[0].0, gap[0].1.as_ref().unwrap_err().has("valid_from", "err-tree-gap")), (3, true));
        let open_heir = parse(&[row(2, ["B4", "A", "subordinate_branch", "", "C", "2000-01-01", "", "B1"])]);
        assert!(open_heir[0].1.as_ref().unwrap_err().has("heir", "err-tree-heir-open"));
        let fields = parse(&[
            row(2, ["B5", "A", "subordinate_branch", "school", "C", "2000-01-01", "2010-01-01", ""]),
            row(3, ["B5", "A", "subordinate_branch", "agency", "C", "2010-01-01", "", ""]),
        ]);
        assert_eq!((fields[0].0, fields[0].1.as_ref().unwrap_err().has("field", "err-tree-field-differs")), (3, true));
    }
}
