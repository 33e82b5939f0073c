//! Reading a spreadsheet's first sheet (or a CSV) into a table of cells.

use calamine::{Data, DataType, Reader, open_workbook_auto_from_rs};
use chrono::NaiveDate;
use std::io::Cursor;

/// The largest file accepted (an organisation board's list is far smaller).
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    /// The cell as text (NFC, trimmed); a date as dd/mm/yyyy, a whole number without ".0".
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => dangbo_core::text::clean(s),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => dangbo_core::date::display(*d),
        }
    }
}

/// A header row and the data rows under it; each row keeps its number in the file (1-based).
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<Cell>)>,
    /// The legacy encoding the text was converted from (TCVN3, VNI), if it was.
    pub converted_from: Option<&'static str>,
}

/// Why a file cannot be read at all. Each is a message-catalog key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableError {
    Empty,
    TooLarge,
    NotSpreadsheet,
    NoHeader,
    /// A streamed file that stopped being readable after its header (cut or damaged).
    Unreadable,
}

impl TableError {
    pub fn key(self) -> &'static str {
        match self {
            TableError::Empty => "import-err-empty",
            TableError::TooLarge => "import-err-too-large",
            TableError::NotSpreadsheet => "import-err-not-spreadsheet",
            TableError::NoHeader => "import-err-no-header",
            TableError::Unreadable => "import-err-unreadable",
        }
    }
}

/// Reads `bytes` named `file_name` (the extension decides CSV versus workbook).
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Table, TableError> {
    if bytes.is_empty() {
        return Err(TableError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(TableError::TooLarge);
    }
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".txt") {
        let sheet = crate::stream::stream_csv(Cursor::new(bytes.to_vec()))?;
        let rows = sheet.rows.collect::<Result<_, _>>()?;
        return Ok(Table { headers: sheet.headers, rows, converted_from: sheet.converted_from });
    }
    let mut grid = read_workbook(bytes)?;
    let legacy = crate::legacy::detect(grid.iter().flatten().filter_map(|c| match c {
        Cell::Text(s) => Some(s.as_str()),
        _ => None,
    }));
    if let Some(enc) = legacy {
        for c in grid.iter_mut().flatten() {
            if let Cell::Text(s) = c {
                *s = crate::legacy::convert(s, enc);
            }
        }
    }
    let mut table = split_header(grid)?;
    table.converted_from = legacy.map(|l| l.name());
    Ok(table)
}

fn read_workbook(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, TableError> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).map_err(|_| TableError::NotSpreadsheet)?;
    let range = book.worksheet_range_at(0).ok_or(TableError::Empty)?.map_err(|_| TableError::NotSpreadsheet)?;
    Ok(range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty | Data::Error(_) => Cell::Empty,
                    Data::String(s) if s.trim().is_empty() => Cell::Empty,
                    Data::String(s) => Cell::Text(s.clone()),
                    Data::Int(i) => Cell::Number(*i as f64),
                    Data::Float(f) => Cell::Number(*f),
                    Data::Bool(b) => Cell::Text(b.to_string()),
                    Data::DateTime(_) | Data::DateTimeIso(_) => c.as_date().map(Cell::Date).unwrap_or(Cell::Empty),
                    Data::DurationIso(s) => Cell::Text(s.clone()),
                })
                .collect()
        })
        .collect())
}

/// The header is the first row with at least two filled cells; rows after it that are
/// entirely empty are dropped.
fn split_header(grid: Vec<Vec<Cell>>) -> Result<Table, TableError> {
    let start = grid.iter().position(|r| r.iter().filter(|c| **c != Cell::Empty).count() >= 2).ok_or(TableError::NoHeader)?;
    let headers = grid[start].iter().map(Cell::text).collect();
    let rows = grid.into_iter().enumerate().skip(start + 1).filter(|(_, r)| r.iter().any(|c| *c != Cell::Empty)).map(|(i, r)| (i + 1, r)).collect();
    Ok(Table { headers, rows, converted_from: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tcvn3_csv_is_converted() {
        let legacy = |s: &str| encoding_rs::WINDOWS_1252.decode(&skey_engine::charset::encode(s, skey_engine::charset::VietCharset::TCVN3)).0.into_owned();
        let csv = format!("{},{}\n{},01/02/1990\n{},03/04/1991\n", legacy("Họ và tên"), legacy("Ngày sinh"), legacy("Nguyễn Văn An"), legacy("Trần Thị Bích"));
        let t = read_table("ds.csv", csv.as_bytes()).unwrap();
        assert_eq!(t.converted_from, Some("TCVN3"));
        assert_eq!(t.headers, ["Họ và tên", "Ngày sinh"]);
        assert_eq!(t.rows[1].1[0].text(), "Trần Thị Bích");
    }

    #[test]
    fn csv_in_utf8_with_bom_and_in_windows_1258() {
        let utf8 = "\u{feff}Họ và tên,Ngày sinh\nNguyễn Văn An,01/02/1990\n";
        let t = read_table("ds.csv", utf8.as_bytes()).unwrap();
        assert_eq!(t.headers, ["Họ và tên", "Ngày sinh"]);
        assert_eq!(t.rows[0].1[0].text(), "Nguyễn Văn An");
        // Windows-1258 as Excel writes it: base letters with combining tone marks
        // (Đ=D0, ă=E3, dot below=F2, acute=EC).
        let cp1258: &[u8] = b"Ho\xf2 va\xcc t\xean;Nga\xccy sinh\n\xd0\xe3\xf2ng Thi\xf2 A\xecnh;03/04/1991\n";
        let t = read_table("ds.csv", cp1258).unwrap();
        assert_eq!(t.headers[0], "Họ và tên");
        assert_eq!(t.rows[0].1[0].text(), "Đặng Thị Ánh", "decoded and normalised to NFC");
        assert_eq!(t.rows[0].0, 2);
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        assert_eq!(read_table("x.xlsx", b"").unwrap_err(), TableError::Empty);
        assert_eq!(read_table("x.xlsx", b"not a zip at all").unwrap_err(), TableError::NotSpreadsheet);
        assert_eq!(read_table("x.csv", b"one\n\n").unwrap_err(), TableError::NoHeader);
    }

    #[test]
    fn xlsx_dates_come_back_as_dates() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "Danh sách đảng viên").unwrap();
        ws.write_string(2, 0, "Họ và tên").unwrap();
        ws.write_string(2, 1, "Ngày sinh").unwrap();
        ws.write_string(3, 0, "Lê Văn Tám").unwrap();
        let f = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
        ws.write_datetime_with_format(3, 1, rust_xlsxwriter::ExcelDateTime::from_ymd(1990, 7, 27).unwrap(), &f).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let t = read_table("ds.xlsx", &bytes).unwrap();
        assert_eq!(t.headers, ["Họ và tên", "Ngày sinh"]);
        assert_eq!(t.rows[0], (4, vec![Cell::Text("Lê Văn Tám".into()), Cell::Date(NaiveDate::from_ymd_opt(1990, 7, 27).unwrap())]));
    }
}
