//! Any printed table (the same `TableDoc` as the PDF) as an XLSX sheet: title, subtitle, a bold
//! header, numbers as numbers where the text is a Vietnamese-formatted number.

use crate::pdf::TableDoc;
use rust_xlsxwriter::{Format, FormatBorder, Workbook, XlsxError};

/// "2.068" → 2068, "94,7%" → 0.947; anything else stays text.
fn number(cell: &str) -> Option<(f64, bool)> {
    let (body, pct) = match cell.strip_suffix('%') {
        Some(b) => (b, true),
        None => (cell, false),
    };
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return None;
    }
    let plain = body.replace('.', "").replace(',', ".");
    let v: f64 = plain.parse().ok()?;
    Some(if pct { (v / 100.0, true) } else { (v, false) })
}

pub fn xlsx(doc: &TableDoc, sheet: &str) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    let bold = Format::new().set_bold();
    let head = Format::new().set_bold().set_text_wrap().set_border(FormatBorder::Thin);
    let int = Format::new().set_num_format("#,##0");
    let pct = Format::new().set_num_format("0.0%");
    ws.write_string_with_format(0, 0, crate::cell::xlsx_text(&doc.title), &bold)?;
    ws.write_string(1, 0, crate::cell::xlsx_text(&doc.subtitle))?;
    for (c, h) in doc.headers.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, h, &head)?;
    }
    for (r, row) in doc.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (rr, cc) = (r as u32 + 4, c as u16);
            match (doc.numeric.contains(&c), number(cell)) {
                (true, Some((v, true))) => ws.write_number_with_format(rr, cc, v, &pct)?,
                (true, Some((v, false))) => ws.write_number_with_format(rr, cc, v, &int)?,
                _ => ws.write_string(rr, cc, crate::cell::xlsx_text(cell))?,
            };
        }
    }
    for (c, w) in doc.widths.iter().enumerate() {
        ws.set_column_width(c as u16, (w * 8.0).max(6.0))?;
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn numbers_become_numbers() {
        assert_eq!(number("2.068"), Some((2068.0, false)));
        let (p, is_pct) = number("94,7%").unwrap();
        assert!(is_pct && (p - 0.947).abs() < 1e-12);
        assert_eq!(number("Nữ"), None);
        let doc = TableDoc {
            letterhead: None,
            title: "Thống kê đảng viên".into(),
            subtitle: "Tính đến ngày 31/12/2019".into(),
            footer: String::new(),
            note: String::new(),
            landscape: false,
            font_size: 9.0,
            headers: vec!["Nhóm".into(), "Số đảng viên".into()],
            widths: vec![3.0, 1.5],
            numeric: vec![1],
            rows: vec![vec!["Nữ".into(), "777".into()], vec!["Nam".into(), "1.291".into()]],
        };
        let bytes = xlsx(&doc, "Biểu").unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("Biểu").unwrap();
        assert_eq!(range.get_value((5, 1)), Some(&Data::Float(1291.0)));
        assert_eq!(range.get_value((4, 0)), Some(&Data::String("Nữ".into())));
    }
}
