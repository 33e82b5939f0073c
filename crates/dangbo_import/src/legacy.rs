//! Legacy Vietnamese encodings. Lists typed before Unicode (TCVN3 "ABC" with the .Vn fonts,
//! VNI-Windows with the VNI- fonts) reach us with the legacy bytes shown as Windows-1252
//! characters ("NguyÔn V¨n An"). A file is judged as a whole: when most of its non-ASCII cells
//! read as more Vietnamese in one legacy encoding, every cell is converted (the tables are
//! x-unikey's, through the skey-engine crate).

use skey_engine::charset::{VietCharset, decode};

/// The legacy encodings recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    Tcvn3,
    Vni,
}

impl Legacy {
    pub fn name(self) -> &'static str {
        match self {
            Legacy::Tcvn3 => "TCVN3",
            Legacy::Vni => "VNI",
        }
    }
    fn charset(self) -> VietCharset {
        match self {
            Legacy::Tcvn3 => VietCharset::TCVN3,
            Legacy::Vni => VietCharset::VNIWin,
        }
    }
}

/// How much `s` reads like Vietnamese: its Vietnamese letters, less the characters no Vietnamese
/// text has and, heavily, the words with two tone marks (what a wrong table produces).
fn score(s: &str) -> i64 {
    use unicode_normalization::UnicodeNormalization;
    const LATIN1_VI: &str = "àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ";
    let mut n = 0i64;
    for c in s.chars().filter(|c| !c.is_ascii()) {
        let vietnamese = matches!(c, '\u{1EA0}'..='\u{1EF9}' | 'ă' | 'Ă' | 'đ' | 'Đ' | 'ơ' | 'Ơ' | 'ư' | 'Ư' | 'ĩ' | 'Ĩ' | 'ũ' | 'Ũ') || LATIN1_VI.contains(c);
        n += if vietnamese { 1 } else { -2 };
    }
    for word in s.split(|c: char| !c.is_alphanumeric()) {
        let tones = word.nfd().filter(|c| matches!(c, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}')).count();
        if tones > 1 {
            n -= 3 * tones as i64;
        }
    }
    n
}

/// `s` read back as legacy bytes, or None when it holds characters Windows-1252 lacks.
fn legacy_bytes(s: &str) -> Option<Vec<u8>> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(s);
    (!unmappable).then(|| bytes.into_owned())
}

/// `s` converted from `enc` (unchanged when it cannot be legacy text).
pub fn convert(s: &str, enc: Legacy) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    match legacy_bytes(s) {
        Some(b) => decode(&b, enc.charset()),
        None => s.to_string(),
    }
}

/// The legacy encoding these texts are in, if any: the reading that makes the whole file most
/// Vietnamese, when it beats the text as it is (a tie goes to the shorter reading: VNI joins
/// letter and mark into one character).
pub fn detect<'a>(texts: impl Iterator<Item = &'a str>) -> Option<Legacy> {
    let (mut now, mut t, mut v, mut t_len, mut v_len, mut any) = (0i64, 0i64, 0i64, 0usize, 0usize, false);
    for s in texts.filter(|s| !s.is_ascii()) {
        any = true;
        now += score(s);
        let (ts, vs) = (convert(s, Legacy::Tcvn3), convert(s, Legacy::Vni));
        t += score(&ts);
        v += score(&vs);
        t_len += ts.chars().count();
        v_len += vs.chars().count();
    }
    if !any || (t <= now && v <= now) {
        return None;
    }
    if t > v || (t == v && t_len <= v_len) { Some(Legacy::Tcvn3) } else { Some(Legacy::Vni) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use skey_engine::charset::encode;

    /// Unicode text as it shows when typed with a legacy font.
    fn as_legacy(s: &str, enc: Legacy) -> String {
        encoding_rs::WINDOWS_1252.decode(&encode(s, enc.charset())).0.into_owned()
    }

    #[test]
    fn legacy_files_are_detected_and_converted() {
        let names = ["Nguyễn Văn An", "Trần Thị Bích Ngọc", "Đặng Hữu Phước", "Hoàng Thị Hường", "xã Quảng Lợi"];
        for enc in [Legacy::Tcvn3, Legacy::Vni] {
            let legacy: Vec<String> = names.iter().map(|n| as_legacy(n, enc)).collect();
            assert_ne!(legacy[0], names[0]);
            assert_eq!(detect(legacy.iter().map(String::as_str)), Some(enc), "{legacy:?}");
            let back: Vec<String> = legacy.iter().map(|s| dangbo_core::text::clean(&convert(s, enc))).collect();
            assert_eq!(back, names.map(String::from), "{enc:?}");
        }
        // Unicode lists stay as they are.
        assert_eq!(detect(names.iter().copied()), None);
        assert_eq!(detect(["Hà Tú", "Lê Thị", "Nguyễn An"].into_iter()), None);
    }
}
