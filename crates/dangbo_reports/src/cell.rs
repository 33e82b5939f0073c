//! Text as it may go into a spreadsheet cell: never read as a formula, never past Excel's
//! limit. Every exported table passes its text through here.

use std::borrow::Cow;

/// The most characters Excel keeps in one cell.
pub const XLSX_MAX_CHARS: usize = 32_767;

/// A CSV cell that a spreadsheet will not run: text beginning with `=`, `+`, `-`, `@`, a tab or
/// a carriage return gets a leading apostrophe (shown as text, as OWASP advises). A plain
/// number ("-5", "+84…") is left alone.
pub fn csv_text(s: &str) -> Cow<'_, str> {
    // The risky first characters are ASCII: after one of them, byte 1 starts a character.
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = || s.len() > 1 && s[1..].chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',' || c == ' ');
    if risky && !number() { Cow::Owned(format!("'{s}")) } else { Cow::Borrowed(s) }
}

/// An XLSX text cell within Excel's limit: longer text is cut, ending in "…".
pub fn xlsx_text(s: &str) -> Cow<'_, str> {
    match s.char_indices().nth(XLSX_MAX_CHARS - 1) {
        Some((at, _)) => Cow::Owned(format!("{}…", &s[..at])),
        None => Cow::Borrowed(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_numbers_stay() {
        assert_eq!(csv_text("=HYPERLINK(\"http://x\",\"y\")"), "'=HYPERLINK(\"http://x\",\"y\")");
        assert_eq!(csv_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_text("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(csv_text("\tx"), "'\tx");
        assert_eq!(csv_text("-5"), "-5");
        assert_eq!(csv_text("Nông dân"), "Nông dân");
        assert_eq!(csv_text("Đảng viên"), "Đảng viên");
    }

    #[test]
    fn long_text_is_cut_to_excels_limit() {
        let long = "đ".repeat(250_000);
        let cut = xlsx_text(&long);
        assert_eq!(cut.chars().count(), XLSX_MAX_CHARS);
        assert!(cut.ends_with('…'));
        assert_eq!(xlsx_text("ngắn"), "ngắn");
    }
}
