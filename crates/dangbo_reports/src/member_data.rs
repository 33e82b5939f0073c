//! The register's data workbook (dữ liệu đảng viên): a first sheet with every field the import
//! reads, one row per member, and a second sheet with the levels' history, so the file imports
//! back into another database to the same register, and a third with the organisations, so it
//! imports into an empty database. Rows are streamed (constant memory).

use dangbo_core::register::data::{DataCell, LEVELS_HEADERS, LEVELS_SHEET, MEMBER_HEADERS, MemberData};
use dangbo_core::register::places::{FAMILY_HEADERS, FAMILY_SHEET, PLACES_HEADERS, PLACES_SHEET, WORK_HEADERS, WORK_SHEET};
use dangbo_core::register::tree::{OrgData, TREE_HEADERS, TREE_SHEET};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};

/// The first sheet's name.
pub const MEMBERS_SHEET: &str = "Đảng viên";

/// The data workbook written one member at a time.
pub struct DataWorkbook {
    wb: Workbook,
    rows: u32,
    history_rows: u32,
    place_rows: u32,
    work_rows: u32,
    family_rows: u32,
    /// Each relation's word, by code (the codes until [`DataWorkbook::relations`] is called).
    relations: std::collections::HashMap<String, String>,
    date: Format,
}

fn excel_date(d: chrono::NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

impl DataWorkbook {
    /// A workbook whose first sheet starts with `title`, then a blank row, then the headers.
    pub fn new(title: &str) -> Result<DataWorkbook, XlsxError> {
        let mut wb = Workbook::new();
        let bold = Format::new().set_bold();
        let head = Format::new().set_bold().set_text_wrap().set_border(FormatBorder::Thin);
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(MEMBERS_SHEET)?;
        ws.write_string_with_format(0, 0, title, &bold)?;
        ws.write_string_with_format(2, 0, "STT", &head)?;
        for (c, h) in MEMBER_HEADERS.iter().enumerate() {
            ws.write_string_with_format(2, c as u16 + 1, *h, &head)?;
        }
        ws.set_freeze_panes(3, 4)?;
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(LEVELS_SHEET)?;
        for (c, h) in LEVELS_HEADERS.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &head)?;
        }
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(TREE_SHEET)?;
        for (c, h) in TREE_HEADERS.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &head)?;
        }
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(PLACES_SHEET)?;
        for (c, h) in PLACES_HEADERS.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &head)?;
        }
        for (name, headers) in [(WORK_SHEET, &WORK_HEADERS[..]), (FAMILY_SHEET, &FAMILY_HEADERS[..])] {
            let ws = wb.add_worksheet_with_constant_memory()?;
            ws.set_name(name)?;
            for (c, h) in headers.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *h, &head)?;
            }
        }
        Ok(DataWorkbook {
            wb,
            rows: 0,
            history_rows: 0,
            place_rows: 0,
            work_rows: 0,
            family_rows: 0,
            relations: Default::default(),
            date: Format::new().set_num_format("dd/mm/yyyy"),
        })
    }

    /// Names the family relations as `label` words them.
    pub fn relations(&mut self, label: impl Fn(&str) -> String) {
        self.relations = dangbo_core::member::Relation::ALL.iter().map(|r| (r.as_str().to_string(), label(&r.message_key()))).collect();
    }

    /// Writes the organisations' sheet (once): a row per period of each organisation, the kind
    /// and field as `label` names them, the successor on an ended organisation's last row.
    pub fn tree(&mut self, orgs: &[OrgData], label: impl Fn(&str) -> String) -> Result<(), XlsxError> {
        let date = self.date.clone();
        let ws = self.wb.worksheet_from_index(2)?;
        let mut r = 0;
        for o in orgs {
            for (i, s) in o.spans.iter().enumerate() {
                r += 1;
                ws.write_string(r, 0, &o.code)?;
                ws.write_string(r, 1, crate::cell::xlsx_text(&s.name))?;
                ws.write_string(r, 2, label(&s.kind.message_key()))?;
                ws.write_string(r, 3, label(&o.field.message_key()))?;
                if let Some(p) = &s.parent {
                    ws.write_string(r, 4, p)?;
                }
                ws.write_datetime_with_format(r, 5, excel_date(s.from)?, &date)?;
                if let Some(to) = s.to {
                    ws.write_datetime_with_format(r, 6, excel_date(to)?, &date)?;
                }
                if let Some(h) = o.heir.as_ref().filter(|_| i + 1 == o.spans.len()) {
                    ws.write_string(r, 7, h)?;
                }
            }
        }
        Ok(())
    }

    /// Appends the next member (numbered in order) and their levels' history.
    pub fn push(&mut self, m: &MemberData) -> Result<(), XlsxError> {
        self.rows += 1;
        let serial = self.rows;
        let ws = self.wb.worksheet_from_index(0)?;
        let row = serial + 2;
        ws.write_number(row, 0, serial as f64)?;
        for (c, cell) in m.cells().into_iter().enumerate() {
            let col = c as u16 + 1;
            match cell {
                DataCell::Text(s) if s.is_empty() => {}
                DataCell::Text(s) => {
                    ws.write_string(row, col, crate::cell::xlsx_text(&s))?;
                }
                DataCell::Date(None) => {}
                DataCell::Date(Some(d)) => {
                    ws.write_datetime_with_format(row, col, excel_date(d)?, &self.date)?;
                }
            }
        }
        let ws = self.wb.worksheet_from_index(1)?;
        let name = m.person.full_name();
        for (on, l) in &m.levels {
            self.history_rows += 1;
            let r = self.history_rows;
            ws.write_number(r, 0, serial as f64)?;
            ws.write_string(r, 1, &name)?;
            ws.write_datetime_with_format(r, 2, excel_date(*on)?, &self.date)?;
            for (c, v) in [&l.education, &l.professional, &l.theory, &l.occupation].into_iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r, c as u16 + 3, crate::cell::xlsx_text(v))?;
                }
            }
        }
        let ws = self.wb.worksheet_from_index(3)?;
        for (code, on) in &m.places {
            self.place_rows += 1;
            let r = self.place_rows;
            ws.write_number(r, 0, serial as f64)?;
            ws.write_string(r, 1, &name)?;
            ws.write_string(r, 2, code)?;
            ws.write_datetime_with_format(r, 3, excel_date(*on)?, &self.date)?;
        }
        let ws = self.wb.worksheet_from_index(4)?;
        for w in &m.person.file.work {
            self.work_rows += 1;
            let r = self.work_rows;
            ws.write_number(r, 0, serial as f64)?;
            ws.write_string(r, 1, &name)?;
            ws.write_string(r, 2, w.from.display())?;
            if let Some(to) = w.to {
                ws.write_string(r, 3, to.display())?;
            }
            ws.write_string(r, 4, crate::cell::xlsx_text(&w.work))?;
        }
        let ws = self.wb.worksheet_from_index(5)?;
        for f in &m.person.file.family {
            self.family_rows += 1;
            let r = self.family_rows;
            ws.write_number(r, 0, serial as f64)?;
            ws.write_string(r, 1, &name)?;
            let relation = self.relations.get(f.relation.as_str()).map(String::as_str).unwrap_or(f.relation.as_str());
            ws.write_string(r, 2, relation)?;
            ws.write_string(r, 3, crate::cell::xlsx_text(&f.name))?;
            if let Some(y) = f.birth_year {
                ws.write_string(r, 4, y.to_string())?;
            }
            for (c, v) in [&f.occupation, &f.residence, &f.history].into_iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r, c as u16 + 5, crate::cell::xlsx_text(v))?;
                }
            }
        }
        Ok(())
    }

    /// The finished workbook, to save to a file or a buffer.
    pub fn finish(self) -> Result<Workbook, XlsxError> {
        Ok(self.wb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use chrono::NaiveDate;
    use dangbo_core::event::Levels;
    use dangbo_core::member::{PartyRecord, Person, Sex, Status};

    #[test]
    fn both_sheets_read_back_with_dates_and_numbers_kept_as_text() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let person = Person {
            family_name: "Đặng".into(),
            middle_name: "Thị".into(),
            given_name: "Ánh".into(),
            sex: Sex::Female,
            birth_date: d(1960, 5, 1),
            ethnicity: "01".into(),
            religion: "Không".into(),
            birth_place: String::new(),
            home_town: String::new(),
            residence: String::new(),
            cccd: Some("022160000123".into()),
            phone: String::new(),
            education: "12/12".into(),
            professional: String::new(),
            theory: String::new(),
            occupation: String::new(),
            file: Default::default(),
        };
        let levels = vec![
            (d(1990, 1, 1), Levels { education: "9/12".into(), ..Default::default() }),
            (d(2021, 3, 1), Levels { education: "12/12".into(), ..Default::default() }),
        ];
        let m = MemberData {
            org_code: "CB-01".into(),
            org_name: "Chi bộ 1".into(),
            person,
            ethnicity_name: "Kinh".into(),
            religion_name: "Không".into(),
            party: PartyRecord {
                admission_decision_no: None,
                admission_decision_date: d(1990, 1, 1),
                ceremony_date: d(1990, 1, 1),
                card_no: Some("01.000123".into()),
                bio_no: None,
            },
            full_date: Some(d(1991, 1, 1)),
            status: Status::Full,
            exempt: None,
            levels,
            places: vec![("CB-00".into(), d(1990, 1, 1)), ("CB-01".into(), d(2000, 1, 1))],
        };
        let mut wb = DataWorkbook::new("Dữ liệu đảng viên").unwrap();
        wb.push(&m).unwrap();
        let bytes = wb.finish().unwrap().save_to_buffer().unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let members = book.worksheet_range(MEMBERS_SHEET).unwrap();
        let col = |h: &str| MEMBER_HEADERS.iter().position(|x| *x == h).unwrap() as u32 + 1;
        assert_eq!(members.get_value((3, col("Số CCCD"))), Some(&Data::String("022160000123".into())));
        assert_eq!(members.get_value((3, col("Mã chi bộ"))), Some(&Data::String("CB-01".into())));
        assert!(matches!(members.get_value((3, col("Ngày vào Đảng"))), Some(Data::DateTime(_))));
        let history = book.worksheet_range(LEVELS_SHEET).unwrap();
        assert_eq!(history.get_value((2, 3)), Some(&Data::String("12/12".into())));
        assert_eq!(history.get_value((2, 0)), Some(&Data::Float(1.0)));
        let places = book.worksheet_range(PLACES_SHEET).unwrap();
        assert_eq!(places.get_value((2, 2)), Some(&Data::String("CB-01".into())));
    }
}
