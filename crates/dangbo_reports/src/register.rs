//! The member register (7-HSĐV) as CSV (UTF-8 with BOM, so Excel on Windows reads Vietnamese)
//! and as XLSX (rows streamed with constant memory, dates as real dates in dd/mm/yyyy).

use dangbo_core::register::{HEADERS, RegisterRow};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};

/// The register as CSV: a header row, then one row per member (no title row, so the file
/// opens as a plain table).
pub fn csv(rows: &[RegisterRow]) -> Result<Vec<u8>, csv::Error> {
    let mut w = CsvRegister::new(Vec::new())?;
    for r in rows {
        w.push(r)?;
    }
    w.finish()
}

/// The register as CSV written one row at a time (to a file, for a streamed export).
pub struct CsvRegister<W: std::io::Write> {
    w: csv::Writer<W>,
    rows: usize,
}

impl<W: std::io::Write> CsvRegister<W> {
    pub fn new(mut out: W) -> Result<CsvRegister<W>, csv::Error> {
        out.write_all("\u{feff}".as_bytes())?;
        let mut w = csv::Writer::from_writer(out);
        w.write_record(HEADERS)?;
        Ok(CsvRegister { w, rows: 0 })
    }

    pub fn push(&mut self, r: &RegisterRow) -> Result<(), csv::Error> {
        self.rows += 1;
        let mut cells = vec![self.rows.to_string()];
        cells.extend(r.cells().iter().map(|c| crate::cell::csv_text(c).into_owned()));
        self.w.write_record(&cells)
    }

    /// Flushes and returns the writer.
    pub fn finish(self) -> Result<W, csv::Error> {
        self.w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
    }
}

fn excel_date(d: chrono::NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

pub fn xlsx(title: &str, sheet: &str, rows: &[RegisterRow]) -> Result<Vec<u8>, XlsxError> {
    let mut x = XlsxRegister::new(title, sheet)?;
    for r in rows {
        x.push(r)?;
    }
    x.finish()?.save_to_buffer()
}

/// The register as XLSX written one row at a time: the worksheet keeps constant memory (rows
/// go to a temporary file), so a province of 200 000 members exports in bounded memory.
pub struct XlsxRegister {
    wb: Workbook,
    rows: u32,
    date: Format,
}

impl XlsxRegister {
    pub fn new(title: &str, sheet: &str) -> Result<XlsxRegister, XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(sheet)?;
        let bold = Format::new().set_bold();
        let head = Format::new().set_bold().set_text_wrap().set_border(FormatBorder::Thin);
        ws.write_string_with_format(0, 0, title, &bold)?;
        for (c, h) in HEADERS.iter().enumerate() {
            ws.write_string_with_format(2, c as u16, *h, &head)?;
        }
        ws.set_freeze_panes(3, 2)?;
        ws.set_column_width(1, 28)?;
        Ok(XlsxRegister { wb, rows: 0, date: Format::new().set_num_format("dd/mm/yyyy") })
    }

    /// Appends the next member (numbered in order).
    pub fn push(&mut self, r: &RegisterRow) -> Result<(), XlsxError> {
        let ws = self.wb.worksheet_from_index(0)?;
        let row = self.rows + 3;
        self.rows += 1;
        ws.write_number(row, 0, self.rows as f64)?;
        for (c, cell) in r.cells().iter().enumerate() {
            let col = c as u16 + 1;
            // Dates are real dates (sortable in Excel), shown dd/mm/yyyy.
            let as_date = match c {
                2 => Some(r.birth_date),
                10 => Some(r.ceremony_date),
                11 => r.full_date,
                _ => None,
            };
            match as_date {
                Some(d) => ws.write_datetime_with_format(row, col, excel_date(d)?, &self.date)?,
                None => ws.write_string(row, col, crate::cell::xlsx_text(cell))?,
            };
        }
        Ok(())
    }

    /// The finished workbook, to save to a file or a buffer.
    pub fn finish(self) -> Result<Workbook, XlsxError> {
        Ok(self.wb)
    }
}

/// The register as an A4 landscape PDF, the header repeated on every page.
pub fn pdf(title: &str, subtitle: &str, letterhead: Option<crate::pdf::Letterhead>, rows: &[RegisterRow]) -> Result<Vec<u8>, String> {
    crate::pdf::table(&pdf_doc(title, subtitle, letterhead, rows))
}

/// The register's table as the PDF lays it out.
pub(crate) fn pdf_doc(title: &str, subtitle: &str, letterhead: Option<crate::pdf::Letterhead>, rows: &[RegisterRow]) -> crate::pdf::TableDoc {
    crate::pdf::TableDoc {
        footer: letterhead.as_ref().map(|h| h.issuer.clone()).unwrap_or_default(),
        letterhead,
        title: title.to_string(),
        subtitle: subtitle.to_string(),
        note: String::new(),
        landscape: true,
        font_size: 6.5,
        headers: HEADERS.iter().map(|h| h.to_string()).collect(),
        widths: vec![0.6, 3.0, 0.9, 1.4, 1.1, 1.0, 1.8, 1.0, 1.1, 1.4, 1.3, 1.4, 1.4, 1.4, 1.4, 2.0, 1.3],
        numeric: vec![0],
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut cells = vec![(i + 1).to_string()];
                cells.extend(r.cells());
                cells
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use chrono::NaiveDate;

    fn row() -> RegisterRow {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        RegisterRow {
            full_name: "Đặng Thị Ánh".into(),
            sex: "Nữ".into(),
            birth_date: d(1990, 5, 1),
            ethnicity: "Sán Chay".into(),
            religion: "Không".into(),
            home_town: "Quảng Ninh".into(),
            education: "Trung học phổ thông".into(),
            theory: "Sơ cấp".into(),
            professional: "Đại học".into(),
            occupation: String::new(),
            ceremony_date: d(2015, 3, 20),
            full_date: Some(d(2016, 3, 20)),
            card_no: "12.345678".into(),
            bio_no: String::new(),
            branch: "Chi bộ Khu phố 1".into(),
            status: "Chính thức".into(),
        }
    }

    #[test]
    fn csv_starts_with_a_bom_and_keeps_vietnamese() {
        let bytes = csv(&[row()]).unwrap();
        assert_eq!(&bytes[..3], b"\xef\xbb\xbf");
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("1,Đặng Thị Ánh,Nữ,01/05/1990,Sán Chay"));
    }

    #[test]
    fn xlsx_reads_back_with_dates_and_diacritics() {
        let bytes = xlsx("Sổ danh sách đảng viên — Chi bộ Khu phố 1", "Danh sách", &[row()]).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("Danh sách").unwrap();
        assert_eq!(range.get_value((2, 1)), Some(&Data::String("Họ và tên".into())));
        assert_eq!(range.get_value((3, 1)), Some(&Data::String("Đặng Thị Ánh".into())));
        assert!(matches!(range.get_value((3, 3)), Some(Data::DateTime(_))));
        assert!(matches!(range.get_value((3, 11)), Some(Data::DateTime(_))));
        assert_eq!(range.get_value((3, 13)), Some(&Data::String("12.345678".into())));
    }
}
