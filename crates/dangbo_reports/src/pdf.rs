//! PDF documents (A4, Vietnamese, fonts embedded) from typst templates in `templates/`.

use serde::Serialize;
use std::sync::LazyLock;
use typst::foundations::{Dict, IntoValue};
use typst_as_lib::TypstEngine;

static FONTS: [&[u8]; 3] = [
    include_bytes!("../fonts/BeVietnamPro_400Regular.ttf"),
    include_bytes!("../fonts/BeVietnamPro_700Bold.ttf"),
    include_bytes!("../fonts/BeVietnamPro_400Regular_Italic.ttf"),
];

static TABLE: LazyLock<TypstEngine<typst_as_lib::TypstTemplateMainFile>> =
    LazyLock::new(|| TypstEngine::builder().main_file(include_str!("../templates/table.typ")).fonts(FONTS).build());

/// A table to print: a title, a subtitle, the header row and the rows, with relative column
/// widths and the columns to right-align.
#[derive(Debug, Clone, Serialize)]
pub struct TableDoc {
    pub title: String,
    pub subtitle: String,
    pub footer: String,
    pub note: String,
    pub landscape: bool,
    pub font_size: f64,
    pub headers: Vec<String>,
    pub widths: Vec<f64>,
    pub numeric: Vec<usize>,
    pub rows: Vec<Vec<String>>,
}

/// Lays out and writes the PDF. Errors are typst's diagnostics as text (a template fault).
pub fn table(doc: &TableDoc) -> Result<Vec<u8>, String> {
    let json = serde_json::to_string(doc).map_err(|e| e.to_string())?;
    let mut inputs = Dict::new();
    inputs.insert("data".into(), json.into_value());
    let compiled = TABLE.compile_with_input(inputs).output.map_err(|e| format!("{e:?}"))?;
    typst_pdf::pdf(&compiled, &typst_pdf::PdfOptions::default()).map_err(|e| format!("{e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vietnamese_table_becomes_a_pdf_with_embedded_fonts() {
        let doc = TableDoc {
            title: "Sổ danh sách đảng viên".into(),
            subtitle: "Chi bộ Khu phố 1 — tính đến ngày 31/12/2019".into(),
            footer: "Đảng bộ huyện Đầm Hà".into(),
            note: String::new(),
            landscape: true,
            font_size: 8.0,
            headers: vec!["STT".into(), "Họ và tên".into(), "Ngày sinh".into()],
            widths: vec![1.0, 4.0, 2.0],
            numeric: vec![0],
            rows: (1..=120).map(|i| vec![i.to_string(), format!("Nguyễn Thị Ánh Ưng {i}"), "01/02/1990".into()]).collect(),
        };
        let pdf = table(&doc).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("BeVietnamPro"), "the font is embedded");
        assert!(text.matches("/Type /Page").count() >= 3 || text.matches("/Type/Page").count() >= 3, "120 rows take several pages");
    }
}
