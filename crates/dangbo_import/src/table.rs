//! Reading a spreadsheet's first sheet (or a CSV) into a table of cells.

use calamine::{Data, DataType, Reader, Sheets, open_workbook_auto_from_rs};
use chrono::NaiveDate;
use dangbo_core::register::data::LevelsRow;
use std::io::Cursor;

/// The largest file accepted (an organisation board's list is far smaller).
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// The most a workbook's parts may unpack to, as its zip directory declares them (the zip
/// reader stops at the declared size): a 20 MB file cannot unpack into gigabytes.
pub const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;
/// The widest sheet read: a member list has a few dozen columns.
pub const MAX_COLUMNS: u32 = 256;
/// The most filled cells read from one sheet (a 20 MB CSV holds fewer).
pub const MAX_CELLS: usize = 2_000_000;

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
    /// More columns or filled cells than [`MAX_COLUMNS`] / [`MAX_CELLS`], or a workbook that
    /// unpacks to more than [`MAX_UNPACKED_BYTES`].
    TooManyCells,
    /// A spreadsheet format that is not read (OpenDocument).
    Unsupported,
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
            TableError::TooManyCells => "import-err-too-many-cells",
            TableError::Unsupported => "import-err-unsupported",
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
    let mut grid = read_workbook(bytes, None)?.ok_or(TableError::Empty)?;
    let legacy = crate::legacy::detect(grid.iter().flat_map(|(_, r)| r).filter_map(|c| match c {
        Cell::Text(s) => Some(s.as_str()),
        _ => None,
    }));
    if let Some(enc) = legacy {
        for c in grid.iter_mut().flat_map(|(_, r)| r) {
            if let Cell::Text(s) = c {
                *s = crate::legacy::convert(s, enc);
            }
        }
    }
    let mut table = split_header(grid)?;
    table.converted_from = legacy.map(|l| l.name());
    Ok(table)
}

/// A sheet's rows, each with its number in the file.
type Grid = Vec<(usize, Vec<Cell>)>;

/// The filled cells of the first sheet, or of the sheet named `sheet` (diacritics and case
/// ignored; `None` when the workbook has none), row by row with each row's number in the file
/// (1-based). Cells are read one at a time (never the dense grid a sheet's declared dimension
/// claims), so memory follows what the file holds, within [`MAX_COLUMNS`] and [`MAX_CELLS`].
fn read_workbook(bytes: &[u8], sheet: Option<&str>) -> Result<Option<Grid>, TableError> {
    if bytes.starts_with(b"PK") {
        check_unpacked_size(bytes, MAX_UNPACKED_BYTES)?;
    }
    let book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|_| TableError::NotSpreadsheet)?;
    let pick = |names: &[String]| match sheet {
        None => names.first().cloned(),
        Some(want) => names.iter().find(|n| dangbo_core::text::fold(n) == dangbo_core::text::fold(want)).cloned(),
    };
    let mut cells = Cells::default();
    match book {
        Sheets::Xlsx(mut book) => {
            let Some(name) = pick(&book.sheet_names()) else { return Ok(None) };
            let mut reader = book.worksheet_cells_reader(&name).map_err(|_| TableError::NotSpreadsheet)?;
            while let Some(c) = reader.next_cell().map_err(|_| TableError::NotSpreadsheet)? {
                cells.push(c.get_position(), &Data::from(c.get_value().clone()))?;
            }
        }
        Sheets::Xlsb(mut book) => {
            let Some(name) = pick(&book.sheet_names()) else { return Ok(None) };
            let mut reader = book.worksheet_cells_reader(&name).map_err(|_| TableError::NotSpreadsheet)?;
            while let Some(c) = reader.next_cell().map_err(|_| TableError::NotSpreadsheet)? {
                cells.push(c.get_position(), &Data::from(c.get_value().clone()))?;
            }
        }
        // BIFF8 sheets are at most 65,536 × 256 cells; the reader's grid is bounded by that.
        Sheets::Xls(mut book) => {
            let Some(name) = pick(&book.sheet_names()) else { return Ok(None) };
            let range = book.worksheet_range(&name).map_err(|_| TableError::NotSpreadsheet)?;
            for (row, col, value) in range.used_cells() {
                let (r0, c0) = range.start().unwrap_or((0, 0));
                cells.push((r0 + row as u32, c0 + col as u32), value)?;
            }
        }
        Sheets::Ods(_) => return Err(TableError::Unsupported),
    }
    Ok(Some(cells.into_rows()))
}

/// The levels' sheet of a data workbook ([`dangbo_core::register::data::LEVELS_SHEET`]) by the
/// member's number (STT) in the first sheet; empty for a CSV or a workbook without it.
pub fn read_levels(file_name: &str, bytes: &[u8]) -> Result<std::collections::HashMap<String, Vec<LevelsRow>>, TableError> {
    let mut out: std::collections::HashMap<String, Vec<LevelsRow>> = std::collections::HashMap::new();
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".txt") || bytes.is_empty() || bytes.len() > MAX_BYTES {
        return Ok(out);
    }
    let Some(grid) = read_workbook(bytes, Some(dangbo_core::register::data::LEVELS_SHEET))? else { return Ok(out) };
    let Ok(table) = split_header(grid) else { return Ok(out) };
    let col = |h: &str| table.headers.iter().position(|x| dangbo_core::text::fold(x) == dangbo_core::text::fold(h));
    let cols = dangbo_core::register::data::LEVELS_HEADERS.map(col);
    let get = |cells: &[Cell], i: Option<usize>| i.and_then(|i| cells.get(i)).map(Cell::text).unwrap_or_default();
    for (row, cells) in &table.rows {
        let from = match cols[2].and_then(|i| cells.get(i)) {
            Some(Cell::Date(d)) => dangbo_core::date::iso(*d),
            _ => get(cells, cols[2]),
        };
        let levels = [get(cells, cols[3]), get(cells, cols[4]), get(cells, cols[5]), get(cells, cols[6])];
        out.entry(get(cells, cols[0])).or_default().push(LevelsRow { row: *row, name: get(cells, cols[1]), from, levels });
    }
    Ok(out)
}

/// The places' sheet of a data workbook ([`dangbo_core::register::places::PLACES_SHEET`]) by the
/// member's number (STT); empty for a CSV or a workbook without it.
pub fn read_places(file_name: &str, bytes: &[u8]) -> Result<std::collections::HashMap<String, Vec<dangbo_core::register::places::PlaceRow>>, TableError> {
    use dangbo_core::register::places::{PLACES_HEADERS, PLACES_SHEET, PlaceRow};
    let mut out: std::collections::HashMap<String, Vec<PlaceRow>> = std::collections::HashMap::new();
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".txt") || bytes.is_empty() || bytes.len() > MAX_BYTES {
        return Ok(out);
    }
    let Some(grid) = read_workbook(bytes, Some(PLACES_SHEET))? else { return Ok(out) };
    let Ok(table) = split_header(grid) else { return Ok(out) };
    let cols = PLACES_HEADERS.map(|h| table.headers.iter().position(|x| dangbo_core::text::fold(x) == dangbo_core::text::fold(h)));
    let get = |cells: &[Cell], i: Option<usize>| match i.and_then(|i| cells.get(i)) {
        Some(Cell::Date(d)) => dangbo_core::date::iso(*d),
        Some(c) => c.text(),
        None => String::new(),
    };
    for (row, cells) in &table.rows {
        let place = PlaceRow { row: *row, name: get(cells, cols[1]), org: get(cells, cols[2]), from: get(cells, cols[3]) };
        out.entry(get(cells, cols[0])).or_default().push(place);
    }
    Ok(out)
}

/// Rows of a sheet by the member's number: (row in the file, cells).
pub type Keyed = std::collections::HashMap<String, Vec<(usize, Vec<String>)>>;

/// A sheet of a data workbook whose rows belong to members by number (STT): each row's cells
/// in the order of `headers` (dates as ISO), by number; empty for a CSV or a workbook without it.
pub fn read_keyed(file_name: &str, bytes: &[u8], sheet: &str, headers: &[&str]) -> Result<Keyed, TableError> {
    let mut out = Keyed::new();
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".txt") || bytes.is_empty() || bytes.len() > MAX_BYTES {
        return Ok(out);
    }
    let Some(grid) = read_workbook(bytes, Some(sheet))? else { return Ok(out) };
    let Ok(table) = split_header(grid) else { return Ok(out) };
    let cols: Vec<Option<usize>> =
        headers.iter().map(|h| table.headers.iter().position(|x| dangbo_core::text::fold(x) == dangbo_core::text::fold(h))).collect();
    for (row, cells) in &table.rows {
        let values: Vec<String> = cols
            .iter()
            .map(|i| match i.and_then(|i| cells.get(i)) {
                Some(Cell::Date(d)) => dangbo_core::date::iso(*d),
                Some(c) => c.text(),
                None => String::new(),
            })
            .collect();
        out.entry(values[0].clone()).or_default().push((*row, values));
    }
    Ok(out)
}

/// The organisations' sheet of a data workbook ([`dangbo_core::register::tree::TREE_SHEET`]),
/// row by row, cells in the order of its headers (a date cell as an ISO date); empty for a CSV
/// or a workbook without it.
pub fn read_tree(file_name: &str, bytes: &[u8]) -> Result<Vec<dangbo_core::register::tree::TreeRow>, TableError> {
    use dangbo_core::register::tree::{TREE_HEADERS, TreeRow};
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".txt") || bytes.is_empty() || bytes.len() > MAX_BYTES {
        return Ok(Vec::new());
    }
    let Some(grid) = read_workbook(bytes, Some(dangbo_core::register::tree::TREE_SHEET))? else { return Ok(Vec::new()) };
    let Ok(table) = split_header(grid) else { return Ok(Vec::new()) };
    let cols = TREE_HEADERS.map(|h| table.headers.iter().position(|x| dangbo_core::text::fold(x) == dangbo_core::text::fold(h)));
    let text = |c: &Cell| match c {
        Cell::Date(d) => dangbo_core::date::iso(*d),
        c => c.text(),
    };
    Ok(table.rows.iter().map(|(row, cells)| TreeRow { row: *row, cells: cols.map(|i| i.and_then(|i| cells.get(i)).map(text).unwrap_or_default()) }).collect())
}

/// Refuses a zipped workbook whose parts declare more than `limit` bytes in all.
fn check_unpacked_size(bytes: &[u8], limit: u64) -> Result<(), TableError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| TableError::NotSpreadsheet)?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        total = total.saturating_add(zip.by_index_raw(i).map_err(|_| TableError::NotSpreadsheet)?.size());
        if total > limit {
            return Err(TableError::TooManyCells);
        }
    }
    Ok(())
}

/// Filled cells gathered sparsely, within the bounds.
#[derive(Default)]
struct Cells(Vec<(u32, u32, Cell)>);

impl Cells {
    fn push(&mut self, (row, col): (u32, u32), value: &Data) -> Result<(), TableError> {
        let cell = to_cell(value);
        if cell == Cell::Empty {
            return Ok(());
        }
        if col >= MAX_COLUMNS || self.0.len() >= MAX_CELLS {
            return Err(TableError::TooManyCells);
        }
        self.0.push((row, col, cell));
        Ok(())
    }

    /// Rows in order, each as wide as its last filled cell.
    fn into_rows(mut self) -> Vec<(usize, Vec<Cell>)> {
        self.0.sort_by_key(|(r, c, _)| (*r, *c));
        let mut rows: Vec<(usize, Vec<Cell>)> = Vec::new();
        for (r, c, cell) in self.0 {
            let number = r as usize + 1;
            if rows.last().is_none_or(|(n, _)| *n != number) {
                rows.push((number, Vec::new()));
            }
            let row = &mut rows.last_mut().expect("pushed above").1;
            if row.len() <= c as usize {
                row.resize(c as usize + 1, Cell::Empty);
            }
            row[c as usize] = cell;
        }
        rows
    }
}

fn to_cell(c: &Data) -> Cell {
    match c {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(s) if s.trim().is_empty() => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(_) | Data::DateTimeIso(_) => c.as_date().map(Cell::Date).unwrap_or(Cell::Empty),
        Data::DurationIso(s) => Cell::Text(s.clone()),
    }
}

/// The header is the first row with at least two filled cells; the rows after it (empty
/// rows are not kept) are the data.
fn split_header(grid: Vec<(usize, Vec<Cell>)>) -> Result<Table, TableError> {
    let start = grid.iter().position(|(_, r)| r.iter().filter(|c| **c != Cell::Empty).count() >= 2).ok_or(TableError::NoHeader)?;
    let headers = grid[start].1.iter().map(Cell::text).collect();
    let rows = grid.into_iter().skip(start + 1).collect();
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

    #[test]
    fn the_levels_sheet_is_found_by_its_name_and_grouped_by_member_number() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "STT").unwrap();
        ws.write_string(0, 1, "Họ và tên").unwrap();
        let ws = wb.add_worksheet();
        ws.set_name("Qua trinh").unwrap();
        for (c, h) in dangbo_core::register::data::LEVELS_HEADERS.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        let f = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
        for (r, (serial, on)) in [(7.0, (2010, 3, 15)), (7.0, (2021, 5, 4)), (9.0, (2015, 1, 2))].into_iter().enumerate() {
            let r = r as u32 + 1;
            ws.write_number(r, 0, serial).unwrap();
            ws.write_string(r, 1, "Nguyễn Thị Lan").unwrap();
            ws.write_datetime_with_format(r, 2, rust_xlsxwriter::ExcelDateTime::from_ymd(on.0, on.1, on.2).unwrap(), &f).unwrap();
            ws.write_string(r, 3, "12/12").unwrap();
        }
        let bytes = wb.save_to_buffer().unwrap();
        let levels = read_levels("du-lieu.xlsx", &bytes).unwrap();
        let seven = &levels["7"];
        assert_eq!(
            seven.iter().map(|l| (l.row, l.from.as_str(), l.levels[0].as_str())).collect::<Vec<_>>(),
            [(2, "2010-03-15", "12/12"), (3, "2021-05-04", "12/12")]
        );
        assert_eq!(levels["9"].len(), 1);
        assert!(read_levels("ds.csv", b"STT,Ho\n1,2\n").unwrap().is_empty());
        assert!(read_levels("ds.xlsx", &edited_xlsx(&[(0, 0, "STT"), (0, 1, "Tên")], |x| x)).unwrap().is_empty(), "a list without the sheet");
    }

    /// An XLSX written by Excel's rules, then with its first sheet's XML edited by `edit`.
    fn edited_xlsx(cells: &[(u32, u16, &str)], edit: impl Fn(String) -> String) -> Vec<u8> {
        use std::io::{Read, Write};
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (r, c, v) in cells {
            ws.write_string(*r, *c, *v).unwrap();
        }
        let bytes = wb.save_to_buffer().unwrap();
        let mut zin = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..zin.len() {
            let mut f = zin.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut data = String::new();
            f.read_to_string(&mut data).unwrap();
            if name == "xl/worksheets/sheet1.xml" {
                data = edit(data);
            }
            out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            out.write_all(data.as_bytes()).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn a_sheet_that_claims_a_huge_dimension_costs_only_its_cells() {
        let cells = [(0, 0, "Họ và tên"), (0, 1, "Ngày sinh"), (1, 0, "Lê Văn Tám"), (1, 1, "27/07/1990")];
        let claim = |d: &str| {
            let d = d.to_string();
            edited_xlsx(&cells, move |xml| {
                let at = xml.find("<dimension ref=\"").unwrap();
                let end = xml[at..].find("/>").unwrap() + at;
                format!("{}<dimension ref=\"{d}\"{}", &xml[..at], &xml[end..])
            })
        };
        for dim in ["A1:XFD1048576", "A1:AD400000"] {
            let t = read_table("bomb.xlsx", &claim(dim)).unwrap();
            assert_eq!(t.headers, ["Họ và tên", "Ngày sinh"], "{dim}");
            assert_eq!(t.rows.len(), 1, "{dim}");
        }
    }

    #[test]
    fn far_cells_are_read_sparsely_and_a_sheet_too_wide_is_refused() {
        let far_row = edited_xlsx(&[(0, 0, "Họ và tên"), (0, 1, "Ngày sinh"), (1_048_575, 0, "Lê Văn Tám")], |x| x);
        let t = read_table("far.xlsx", &far_row).unwrap();
        assert_eq!(t.rows, vec![(1_048_576, vec![Cell::Text("Lê Văn Tám".into())])]);
        let wide = edited_xlsx(&[(0, 0, "Họ và tên"), (0, 1, "Ngày sinh"), (0, 16_383, "x")], |x| x);
        assert_eq!(read_table("wide.xlsx", &wide).unwrap_err(), TableError::TooManyCells);
    }

    #[test]
    fn a_workbook_that_unpacks_past_the_limit_is_refused() {
        let (a, b, c) = ("a".repeat(30_000), "b".repeat(30_000), "c".repeat(30_000));
        let book = edited_xlsx(&[(0, 0, "Họ và tên"), (0, 1, &a), (0, 2, &b), (0, 3, &c)], |x| x);
        assert!(check_unpacked_size(&book, MAX_UNPACKED_BYTES).is_ok());
        assert_eq!(check_unpacked_size(&book, 60_000).unwrap_err(), TableError::TooManyCells);
    }
}
