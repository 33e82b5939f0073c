//! Vietnamese text: NFC normalisation, diacritic folding for search, sort keys by given name.

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Normalises user input: NFC, trimmed, control characters (NUL among them, which PostgreSQL
/// cannot store) read as spaces, inner runs of white space collapsed to one space.
pub fn clean(s: &str) -> String {
    let nfc: String = s.nfc().map(|c| if c.is_control() { ' ' } else { c }).collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Normalises a block of text (minutes, opinions): each line cleaned, blank lines dropped.
pub fn clean_block(s: &str) -> String {
    s.lines().map(clean).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

/// Folds text for diacritic-insensitive search: decompose, drop combining marks, map đ/Đ to d,
/// lowercase, collapse spaces. "Nguyễn Văn Đạt" → "nguyen van dat".
pub fn fold(s: &str) -> String {
    let folded: String = s
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

static COLLATOR: LazyLock<CollatorBorrowed<'static>> = LazyLock::new(|| {
    let locale = icu_locale_core::locale!("vi");
    Collator::try_new((&locale).into(), CollatorOptions::default()).expect("the Vietnamese collation is compiled in")
});

/// The sort key of a person's name in Vietnamese dictionary order: given name (tên) first, then
/// family and middle names (họ, tên đệm). Stored as bytes and compared bytewise by the database.
pub fn name_sort_key(family: &str, middle: &str, given: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(32);
    let Ok(()) = COLLATOR.write_sort_key_to(given, &mut key);
    key.push(0);
    let rest = if middle.is_empty() { family.to_string() } else { format!("{family} {middle}") };
    let Ok(()) = COLLATOR.write_sort_key_to(&rest, &mut key);
    key
}

/// Compares two strings in Vietnamese order (for sorting small in-memory lists).
pub fn compare(a: &str, b: &str) -> std::cmp::Ordering {
    COLLATOR.compare(a, b)
}

/// Joins họ, tên đệm and tên into the full name in use.
pub fn full_name(family: &str, middle: &str, given: &str) -> String {
    [family, middle, given].iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join(" ")
}

/// Formats an integer the Vietnamese way: 2068 → "2.068" (English: "2,068").
pub fn format_int(n: i64, vietnamese: bool) -> String {
    let sep = if vietnamese { '.' } else { ',' };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_diacritics_and_d_stroke() {
        assert_eq!(fold("Nguyễn Văn An"), "nguyen van an");
        assert_eq!(fold("ĐẶNG  Thị"), "dang thi");
        let nfd: String = "Nguyễn".nfd().collect();
        assert_eq!(fold(&nfd), fold("Nguyễn"));
    }

    #[test]
    fn clean_gives_nfc() {
        let nfd: String = "  Nguyễn   Văn ".nfd().collect();
        assert_eq!(clean(&nfd), "Nguyễn Văn");
        assert_eq!(clean(&nfd).len(), "Nguyễn Văn".len());
    }

    #[test]
    fn sorts_by_given_name_in_vietnamese_order() {
        let mut names = [
            ("Trần", "Văn", "Ưa"),
            ("Lê", "", "Uy"),
            ("Nguyễn", "Thị", "Ăn"),
            ("Phạm", "", "Anh"),
            ("Bùi", "", "Đạt"),
            ("Vũ", "", "Dũng"),
            ("Nguyễn", "Văn", "An"),
            ("Đỗ", "Văn", "An"),
        ];
        names.sort_by_key(|(f, m, g)| name_sort_key(f, m, g));
        let order: Vec<_> = names.iter().map(|(f, m, g)| full_name(f, m, g)).collect();
        assert_eq!(order, ["Đỗ Văn An", "Nguyễn Văn An", "Phạm Anh", "Nguyễn Thị Ăn", "Vũ Dũng", "Bùi Đạt", "Lê Uy", "Trần Văn Ưa"]);
    }

    #[test]
    fn formats_numbers() {
        assert_eq!(format_int(2068, true), "2.068");
        assert_eq!(format_int(5_600_000, false), "5,600,000");
        assert_eq!(format_int(35, true), "35");
    }
}
