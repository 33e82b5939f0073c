//! The member's photo (ảnh 4×6 of the biography): a JPEG or PNG, recognised by its first bytes
//! (not by what the upload says it is), of at most [`MAX_PHOTO_BYTES`].

use crate::FieldErrors;

/// The largest photo kept (a 4×6 portrait at print resolution is ~100 KB as JPEG).
pub const MAX_PHOTO_BYTES: usize = 500 * 1024;

/// The photo's media type, or the problem that refuses it (field `photo`).
pub fn photo_type(bytes: &[u8]) -> Result<&'static str, FieldErrors> {
    if bytes.is_empty() {
        return Err(FieldErrors::single("photo", "err-required"));
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(FieldErrors::single("photo", "err-photo-size"));
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok("image/png")
    } else {
        Err(FieldErrors::single("photo", "err-photo-kind"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_is_a_jpeg_or_png_by_its_bytes_and_not_too_large() {
        assert_eq!(photo_type(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Ok("image/jpeg"));
        assert_eq!(photo_type(b"\x89PNG\r\n\x1a\n...."), Ok("image/png"));
        assert!(photo_type(b"<svg onload=alert(1)>").unwrap_err().has("photo", "err-photo-kind"));
        assert!(photo_type(&[]).unwrap_err().has("photo", "err-required"));
        let mut big = vec![0xFF, 0xD8, 0xFF];
        big.resize(MAX_PHOTO_BYTES + 1, 0);
        assert!(photo_type(&big).unwrap_err().has("photo", "err-photo-size"));
    }
}
