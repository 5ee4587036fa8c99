//! Vietnamese-aware text folding: what lets "bao mat" find "bảo mật".

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower-cases, removes diacritics (tones and vowel marks) and maps đ to d, so text
/// typed without diacritics matches text written with them.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_vietnamese_diacritics() {
        assert_eq!(fold("Bảo mật"), "bao mat");
        assert_eq!(fold("DỊCH VỤ CÔNG"), "dich vu cong");
        assert_eq!(fold("Đăng ký định danh"), "dang ky dinh danh");
        assert_eq!(fold("Người dùng ưu tiên"), "nguoi dung uu tien");
    }
}
