//! Register downloads (CSV, XLSX), shared by the pages and the CLI.

use crate::i18n::I18n;
use dangbo_core::member::Status;
use dangbo_core::register::RegisterRow;

/// Puts the catalog's labels on the coded cells (sex, status).
pub fn localise_register(rows: &mut [RegisterRow], i: I18n) {
    for r in rows {
        r.sex = i.t(&format!("sex-{}", r.sex));
        r.status = Status::parse(&r.status).map(|s| i.t(&s.message_key())).unwrap_or_else(|| r.status.clone());
    }
}

/// The title line of the data workbook.
pub fn data_title(org_name: &str, today: chrono::NaiveDate) -> String {
    format!("Dữ liệu đảng viên — {org_name} — {} (nhập lại được bằng «Nhập từ Excel»)", dangbo_core::date::display(today))
}

/// Writes the data workbook's organisations' sheet, kinds and fields in Vietnamese (the import
/// reads either language's labels, or the codes).
pub fn data_tree(wb: &mut dangbo_reports::member_data::DataWorkbook, tree: &[dangbo_core::register::tree::OrgData]) -> Result<(), String> {
    let vi = crate::i18n::I18n::new(crate::i18n::Lang::Vi);
    wb.relations(|key| vi.t(key));
    wb.tree(tree, |key| vi.t(key)).map_err(|e| e.to_string())
}

/// An ASCII file name for the Content-Disposition fallback: "Chi bộ Khu phố 1" → "Chi-bo-Khu-pho-1".
pub fn ascii_name(s: &str) -> String {
    let mut out = String::new();
    for ch in deunicode::deunicode(s).chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// The RFC 5987 form of a UTF-8 file name (`filename*=UTF-8''…`).
pub fn rfc5987(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}
