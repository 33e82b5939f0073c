//! The password rule: long enough, not the username, not on the common lists. Strength is
//! estimated with zxcvbn (its dictionaries of common passwords, names and keyboard patterns).

/// The fewest characters a password may have.
pub const MIN_CHARS: usize = 8;
/// The most characters read (longer input is refused before it reaches the hasher).
pub const MAX_CHARS: usize = 128;

/// Words Vietnamese users often build passwords from, which zxcvbn's English lists lack.
const VIETNAMESE_COMMON: &[&str] =
    &["matkhau", "mật khẩu", "vietnam", "hanoi", "saigon", "dangcongsan", "dangvien", "hochiminh", "anhyeuem", "emyeuanh", "chibo"];

/// Why a password is refused (a message-catalog key), or `None` when it is accepted.
pub fn problem(password: &str, username: &str) -> Option<&'static str> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Some("err-password-short");
    }
    if chars > MAX_CHARS {
        return Some("err-password-long");
    }
    let folded = password.to_lowercase();
    let user = username.trim().to_lowercase();
    // A short username ("an") is part of many good passwords; zxcvbn still weighs it.
    if user.chars().count() >= 4 && folded.contains(&user) {
        return Some("err-password-username");
    }
    // Score 2 and above: more than 10^6 guesses, beyond any online attack the login throttle
    // lets through.
    let mut known: Vec<&str> = VIETNAMESE_COMMON.to_vec();
    known.push(username);
    if password.trim().is_empty() || (zxcvbn::zxcvbn(password, &known).score() as u8) < 2 {
        return Some("err-password-weak");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_and_the_trivial_are_refused() {
        assert_eq!(problem("1234567", "an"), Some("err-password-short"));
        for weak in ["12345678", "password", "        ", "qwertyuiop", "matkhau123"] {
            assert!(problem(weak, "an").is_some(), "{weak:?} accepted");
        }
        assert_eq!(problem("xuan.thu-2020", "Xuan.Thu"), Some("err-password-username"));
        assert_eq!(problem(&"a".repeat(200), "an"), Some("err-password-long"));
    }

    #[test]
    fn a_passphrase_is_accepted() {
        for good in ["hoa-sen-no-sang-9", "Chi bo khu pho 1 hop ngay 5", "t7#kQ2!vLm"] {
            assert_eq!(problem(good, "bithu"), None, "{good:?} refused");
        }
    }
}
