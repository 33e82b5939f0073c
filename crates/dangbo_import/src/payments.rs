//! From a table to fee payments: the portal's statement or a branch's Excel book, columns
//! recognised by their Vietnamese headers (diacritics and case ignored).

use crate::members::header_key;
use crate::table::{Cell, Table};
use dangbo_core::fee::payment::PaymentCells;

/// Header spellings per field, folded.
const HEADERS: &[(&str, &[&str])] = &[
    ("cccd", &["so cccd", "cccd", "so can cuoc", "can cuoc cong dan", "so dinh danh", "so dinh danh ca nhan", "ma so dinh danh"]),
    ("card_no", &["so the", "so the dang vien", "so the dv"]),
    ("month", &["thang", "thang nop", "thang dong", "ky nop", "ky dong", "ky", "nop cho thang", "dong cho thang"]),
    ("amount", &["so tien", "so tien nop", "so tien dong", "so tien (dong)", "dang phi", "tien dang phi"]),
    ("paid_on", &["ngay nop", "ngay dong", "ngay giao dich", "ngay thu"]),
    ("receipt", &["so bien lai", "bien lai", "ma giao dich", "so chung tu", "ma ho so"]),
    ("channel", &["hinh thuc", "hinh thuc nop", "kenh nop"]),
];

/// The columns of the payment fields, and the fields no column gives among those required.
pub fn payment_columns(headers: &[String]) -> (Vec<(&'static str, usize)>, Vec<&'static str>) {
    let mut columns: Vec<(&'static str, usize)> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let key = header_key(h);
        if let Some((field, _)) = HEADERS.iter().find(|(f, names)| names.contains(&key.as_str()) && !columns.iter().any(|(c, _)| c == f)) {
            columns.push((field, i));
        }
    }
    let has = |f: &str| columns.iter().any(|(c, _)| *c == f);
    let mut missing = Vec::new();
    if !has("cccd") && !has("card_no") {
        missing.push("cccd");
    }
    missing.extend(["month", "amount"].into_iter().filter(|f| !has(f)));
    (columns, missing)
}

/// A month cell: a date cell is the month it falls in.
fn month_text(c: &Cell) -> String {
    match c {
        Cell::Date(d) => format!("{}", d.format("%m/%Y")),
        other => other.text(),
    }
}

/// The rows of a payment table (blank rows skipped), or the fields no column gives.
pub fn payment_rows(table: &Table) -> Result<Vec<PaymentCells>, Vec<&'static str>> {
    let (columns, missing) = payment_columns(&table.headers);
    if !missing.is_empty() {
        return Err(missing);
    }
    let col = |f: &str| columns.iter().find(|(c, _)| *c == f).map(|(_, i)| *i);
    let get = |cells: &[Cell], f: &str| col(f).and_then(|i| cells.get(i)).map(|c| if f == "month" { month_text(c) } else { c.text() }).unwrap_or_default();
    Ok(table
        .rows
        .iter()
        .filter(|(_, cells)| cells.iter().any(|c| *c != Cell::Empty))
        .map(|(row, cells)| PaymentCells {
            row: *row,
            cccd: get(cells, "cccd"),
            card_no: get(cells, "card_no"),
            month: get(cells, "month"),
            amount: get(cells, "amount"),
            paid_on: get(cells, "paid_on"),
            receipt: get(cells, "receipt"),
            channel: get(cells, "channel"),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_portal_statement_reads_by_its_headers() {
        let csv = "STT,Họ và tên,Số định danh cá nhân,Kỳ nộp,Số tiền (đồng),Ngày giao dịch,Mã giao dịch\n1,Vũ Thị Lương,022080001234,03/2019,82.000,10/03/2019,GD-1\n,,,,,,\n";
        let table = crate::table::read_table("sao-ke.csv", csv.as_bytes()).unwrap();
        let rows = payment_rows(&table).unwrap();
        assert_eq!(rows.len(), 1, "the blank row is skipped");
        assert_eq!(
            (rows[0].cccd.as_str(), rows[0].month.as_str(), rows[0].amount.as_str(), rows[0].receipt.as_str()),
            ("022080001234", "03/2019", "82.000", "GD-1")
        );
        let table = crate::table::read_table("x.csv", "Họ và tên,Ghi chú\nA,B\n".as_bytes()).unwrap();
        assert_eq!(payment_rows(&table).unwrap_err(), ["cccd", "month", "amount"]);
    }
}
