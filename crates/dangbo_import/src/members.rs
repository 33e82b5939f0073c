//! From a table to member inputs: columns are recognised by their Vietnamese headers
//! (diacritics and case ignored), "Họ và tên" is split into họ / tên đệm / tên, dates may be
//! Excel dates, Excel serial numbers or dd/mm/yyyy text.

use crate::table::Cell;
use chrono::NaiveDate;
use dangbo_core::member::{FileInput, MemberInput};
use dangbo_core::text::fold;

/// Header spellings seen in real lists, folded (no diacritics, lower case), per input field.
/// `full_name` and `family_middle` are split; the rest map one to one.
const HEADERS: &[(&str, &[&str])] = &[
    ("full_name", &["ho va ten", "ho ten", "ho va ten dang vien", "ho ten dang vien"]),
    ("family_middle", &["ho va dem", "ho dem", "ho va ten dem"]),
    ("family_name", &["ho"]),
    ("middle_name", &["ten dem", "dem"]),
    ("given_name", &["ten"]),
    ("sex", &["gioi tinh", "gioi", "nam/nu", "nam nu"]),
    ("birth_date", &["ngay sinh", "ngay thang nam sinh", "sinh ngay", "ngay, thang, nam sinh"]),
    ("ethnicity", &["dan toc"]),
    ("religion", &["ton giao"]),
    ("birth_place", &["noi sinh"]),
    ("home_town", &["que quan"]),
    ("residence", &["noi thuong tru", "thuong tru", "noi o", "noi o hien nay", "dia chi"]),
    ("cccd", &["so cccd", "cccd", "so can cuoc", "can cuoc cong dan", "so dinh danh", "so dinh danh ca nhan"]),
    ("phone", &["dien thoai", "so dien thoai", "sdt"]),
    ("education", &["giao duc pho thong", "trinh do van hoa", "van hoa", "gdpt"]),
    ("professional", &["chuyen mon", "trinh do chuyen mon", "chuyen mon nghiep vu"]),
    ("theory", &["ly luan chinh tri", "trinh do ly luan chinh tri", "llct"]),
    ("occupation", &["nghe nghiep", "nghe nghiep hien nay"]),
    ("admission_decision_no", &["so quyet dinh ket nap", "so qd ket nap"]),
    ("admission_decision_date", &["ngay quyet dinh ket nap", "ngay ket nap", "ngay qd ket nap"]),
    ("ceremony_date", &["ngay vao dang"]),
    ("full_date", &["ngay chinh thuc", "ngay cong nhan chinh thuc"]),
    ("card_no", &["so the", "so the dang vien", "so the dv"]),
    ("bio_no", &["so ly lich", "so ly lich dang vien"]),
    ("org", &["ma chi bo", "chi bo", "ma to chuc", "ma chi bo, dang bo"]),
    ("birth_name", &["ho ten khai sinh", "ho va ten khai sinh"]),
    ("aliases", &["bi danh", "cac bi danh"]),
    ("temporary_residence", &["noi tam tru", "tam tru"]),
    ("academic", &["hoc ham, hoc vi", "hoc ham hoc vi", "hoc vi"]),
    ("state_management", &["quan ly nha nuoc", "trinh do quan ly nha nuoc"]),
    ("languages", &["ngoai ngu", "trinh do ngoai ngu"]),
    ("youth_union_on", &["ngay vao doan"]),
    ("armed_service", &["quan doi, cong an", "quan doi cong an"]),
    ("serial", &["stt", "so thu tu", "tt"]),
    ("exempt_from", &["mien sinh hoat tu ngay", "ngay mien sinh hoat"]),
    ("exempt_ground", &["ly do mien sinh hoat", "ly do mien"]),
];

/// Which column holds which field.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    pub columns: Vec<(&'static str, usize)>,
    pub headers: Vec<String>,
}

/// The fields a column can be mapped to (for a mapping chosen by hand).
pub fn fields() -> impl Iterator<Item = &'static str> {
    HEADERS.iter().map(|(f, _)| *f)
}

/// A header as mappings remember it: folded, trailing punctuation dropped.
pub fn header_key(h: &str) -> String {
    fold(h).trim_end_matches([':', '.', '*']).trim().to_string()
}

impl Mapping {
    /// Recognises the headers of a table.
    pub fn detect(headers: &[String]) -> Mapping {
        Mapping::with(headers, &[])
    }

    /// Recognises the headers, with chosen mappings first: (header key, field), where an empty
    /// or unknown field means "ignore this column". The rest is recognised by spelling.
    pub fn with(headers: &[String], chosen: &[(String, String)]) -> Mapping {
        let mut columns: Vec<(&'static str, usize)> = Vec::new();
        let mut decided = vec![false; headers.len()];
        for (i, h) in headers.iter().enumerate() {
            let key = header_key(h);
            if let Some((_, field)) = chosen.iter().find(|(k, _)| *k == key) {
                decided[i] = true;
                if let Some(f) = fields().find(|f| f == field).filter(|f| !columns.iter().any(|(c, _)| c == f)) {
                    columns.push((f, i));
                }
            }
        }
        for (i, h) in headers.iter().enumerate() {
            let key = header_key(h);
            let known = HEADERS.iter().find(|(_, names)| names.contains(&key.as_str()));
            if let Some((field, _)) = known.filter(|(field, _)| !decided[i] && !columns.iter().any(|(c, _)| c == field)) {
                columns.push((*field, i));
            }
        }
        Mapping { columns, headers: headers.to_vec() }
    }

    /// The field of each column (empty: ignored), in column order.
    pub fn by_column(&self) -> Vec<(String, &'static str)> {
        self.headers.iter().enumerate().map(|(i, h)| (h.clone(), self.columns.iter().find(|(_, c)| *c == i).map(|(f, _)| *f).unwrap_or(""))).collect()
    }

    fn col(&self, field: &str) -> Option<usize> {
        self.columns.iter().find(|(f, _)| *f == field).map(|(_, i)| *i)
    }

    /// The header of the column behind an input field (for messages: "cột «Ngày sinh»").
    pub fn header_of(&self, field: &str) -> Option<&str> {
        let direct = self.col(field);
        let via = match field {
            "family_name" | "middle_name" | "given_name" => self.col("full_name").or(self.col("family_middle")),
            _ => None,
        };
        direct.or(via).and_then(|i| self.headers.get(i)).map(String::as_str)
    }

    /// Fields a member needs that no column provides.
    pub fn missing(&self, has_default_org: bool) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.col("full_name").is_none() && self.col("given_name").is_none() {
            out.push("given_name");
        }
        for f in ["sex", "birth_date", "ceremony_date"] {
            if self.col(f).is_none() {
                out.push(f);
            }
        }
        if !has_default_org && self.col("org").is_none() {
            out.push("org");
        }
        out
    }
}

/// One data row of the file as a member input.
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// The row's number in the file (1-based), for messages.
    pub row: usize,
    pub input: MemberInput,
    /// The member's number (STT) as written, which the levels' sheet refers to.
    pub serial: String,
    /// Miễn sinh hoạt: since (a date as text) and the ground as written.
    pub exempt_from: String,
    pub exempt_ground: String,
}

/// Splits "Nguyễn Văn An" into ("Nguyễn", "Văn", "An").
pub fn split_full_name(s: &str) -> (String, String, String) {
    let words: Vec<&str> = s.split_whitespace().collect();
    match words.len() {
        0 => (String::new(), String::new(), String::new()),
        1 => (String::new(), String::new(), words[0].to_string()),
        n => (words[0].to_string(), words[1..n - 1].join(" "), words[n - 1].to_string()),
    }
}

fn date_text(c: &Cell) -> String {
    match c {
        Cell::Date(d) => dangbo_core::date::iso(*d),
        // An Excel serial number in a date column (1900 date system).
        Cell::Number(n) if *n > 0.0 && *n < 120_000.0 => NaiveDate::from_ymd_opt(1899, 12, 30)
            .and_then(|e| e.checked_add_days(chrono::Days::new(*n as u64)))
            .map(dangbo_core::date::iso)
            .unwrap_or_else(|| c.text()),
        _ => c.text(),
    }
}

fn sex(s: &str) -> String {
    match fold(s).as_str() {
        "nam" | "m" | "male" | "1" => "male".into(),
        "nu" | "f" | "female" | "0" | "2" => "female".into(),
        _ => s.to_string(),
    }
}

/// Looks a name up in a reference list of (code, name, aliases separated by ';'), ignoring
/// diacritics; an unknown value is returned as given (the store then refuses it by name).
pub fn resolve(list: &[(String, String, String)], value: &str) -> String {
    let v = fold(value);
    if v.is_empty() {
        return String::new();
    }
    list.iter()
        .find(|(code, name, aliases)| fold(code) == v || fold(name) == v || aliases.split(';').any(|a| !a.trim().is_empty() && fold(a) == v))
        .map(|(code, _, _)| code.clone())
        .unwrap_or_else(|| value.to_string())
}

/// One data row (numbered `row` in the file) as a member input. `ethnicities` and `religions`
/// map names and aliases to stored codes; `default_org` fills rows without an organisation column.
pub fn row_to_input(
    row: usize,
    cells: &[Cell],
    mapping: &Mapping,
    default_org: Option<&str>,
    ethnicities: &[(String, String, String)],
    religions: &[(String, String, String)],
) -> ImportRow {
    let get = |field: &str| mapping.col(field).and_then(|i| cells.get(i)).map(Cell::text).unwrap_or_default();
    let date = |field: &str| mapping.col(field).and_then(|i| cells.get(i)).map(date_text).unwrap_or_default();
    let (mut family, mut middle, mut given) = (get("family_name"), get("middle_name"), get("given_name"));
    let full = get("full_name");
    if !full.is_empty() && given.is_empty() {
        (family, middle, given) = split_full_name(&full);
    }
    let fm = get("family_middle");
    if !fm.is_empty() && family.is_empty() {
        let (f, m, last) = split_full_name(&fm);
        family = if f.is_empty() { last.clone() } else { f };
        middle = [m, if family == last { String::new() } else { last }].iter().filter(|s| !s.is_empty()).cloned().collect::<Vec<_>>().join(" ");
    }
    let opt = |s: String| Some(s).filter(|s| !s.is_empty());
    let ceremony = date("ceremony_date");
    let decision = date("admission_decision_date");
    let org = opt(get("org")).or_else(|| default_org.map(str::to_string)).unwrap_or_default();
    let input = MemberInput {
        org,
        family_name: family,
        middle_name: middle,
        given_name: given,
        sex: sex(&get("sex")),
        birth_date: date("birth_date"),
        ethnicity: opt(resolve(ethnicities, &get("ethnicity"))),
        religion: opt(resolve(religions, &get("religion"))),
        birth_place: opt(get("birth_place")),
        home_town: opt(get("home_town")),
        residence: opt(get("residence")),
        cccd: opt(get("cccd")),
        phone: opt(get("phone")),
        education: opt(get("education")),
        professional: opt(get("professional")),
        theory: opt(get("theory")),
        occupation: opt(get("occupation")),
        admission_decision_no: opt(get("admission_decision_no")),
        // Old registers often keep only the joining (ceremony) date.
        admission_decision_date: if decision.is_empty() { ceremony.clone() } else { decision },
        ceremony_date: ceremony,
        full_date: opt(date("full_date")),
        card_no: opt(get("card_no")),
        bio_no: opt(get("bio_no")),
        file: FileInput {
            birth_name: opt(get("birth_name")),
            aliases: opt(get("aliases")),
            temporary_residence: opt(get("temporary_residence")),
            academic: opt(get("academic")),
            state_management: opt(get("state_management")),
            languages: opt(get("languages")),
            youth_union_on: opt(date("youth_union_on")),
            armed_service: opt(get("armed_service")),
            // Kept: a member list has no lines of work or family.
            work: None,
            family: None,
        },
    };
    ImportRow { row, input, serial: get("serial"), exempt_from: date("exempt_from"), exempt_ground: get("exempt_ground") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Table;

    fn table(headers: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            headers: headers.iter().map(|s| s.to_string()).collect(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| (i + 2, r.iter().map(|s| if s.is_empty() { Cell::Empty } else { Cell::Text(s.to_string()) }).collect()))
                .collect(),
            converted_from: None,
        }
    }

    #[test]
    fn headers_are_recognised_without_diacritics() {
        let m = Mapping::detect(&["STT".into(), "HỌ VÀ TÊN".into(), "Giới tính".into(), "Ngày sinh:".into(), "Ngay vao Dang".into(), "Dân tộc".into()]);
        assert_eq!(m.columns, vec![("serial", 0), ("full_name", 1), ("sex", 2), ("birth_date", 3), ("ceremony_date", 4), ("ethnicity", 5)]);
        assert_eq!(m.header_of("given_name"), Some("HỌ VÀ TÊN"));
        assert_eq!(m.missing(false), vec!["org"]);
    }

    #[test]
    fn a_chosen_mapping_comes_first_and_can_ignore_a_column() {
        let headers: Vec<String> = vec!["Họ và tên".into(), "Ngày vào Đảng (dự bị)".into(), "Ngày sinh".into(), "Giới".into()];
        assert_eq!(Mapping::detect(&headers).missing(true), vec!["ceremony_date"]);
        let chosen = vec![(header_key("NGÀY VÀO ĐẢNG (DỰ BỊ)"), "ceremony_date".to_string()), (header_key("Giới"), String::new())];
        let m = Mapping::with(&headers, &chosen);
        assert_eq!(m.columns, vec![("ceremony_date", 1), ("full_name", 0), ("birth_date", 2)]);
        assert_eq!(m.missing(true), vec!["sex"], "the ignored column no longer gives the sex");
        assert_eq!(m.by_column()[3], ("Giới".to_string(), ""));
    }

    #[test]
    fn rows_become_inputs() {
        let t = table(
            &["Họ và tên", "Giới tính", "Ngày sinh", "Dân tộc", "Ngày vào Đảng", "Mã chi bộ"],
            &[&["Triệu Thị Mai", "Nữ", "05/06/1988", "Dao", "19/05/2012", "cb-01"]],
        );
        let eth = vec![("09".to_string(), "Dao".to_string(), "Dao Đỏ".to_string())];
        let mapping = Mapping::detect(&t.headers);
        let rows: Vec<ImportRow> = t.rows.iter().map(|(n, cells)| row_to_input(*n, cells, &mapping, None, &eth, &[])).collect();
        let i = &rows[0].input;
        assert_eq!((i.family_name.as_str(), i.middle_name.as_str(), i.given_name.as_str()), ("Triệu", "Thị", "Mai"));
        assert_eq!(i.sex, "female");
        assert_eq!(i.ethnicity.as_deref(), Some("09"));
        assert_eq!(i.admission_decision_date, "19/05/2012", "the joining date stands in for a missing decision date");
        assert_eq!(rows[0].row, 2);
        let parsed = i.parse(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()).unwrap();
        assert_eq!(parsed.org.as_str(), "CB-01");
    }

    #[test]
    fn excel_serial_numbers_in_date_columns_are_dates() {
        assert_eq!(date_text(&Cell::Number(42065.0)), "2015-03-02");
    }
}
