//! Questions and lessons as words: syllables lower-cased in NFC ("exact"), and the same
//! folded to ASCII, as learners often type them ("bảo mật" → "bao mat").

use std::collections::HashSet;
use std::sync::LazyLock;

use hocvuso_kernel::text::fold;
use unicode_normalization::UnicodeNormalization;

/// A syllable as written and as folded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub exact: String,
    pub folded: String,
}

impl Word {
    /// Typed with diacritics, so its exact form means something the folded one may not
    /// ("phở" is not "phố").
    pub fn has_diacritics(&self) -> bool {
        self.exact != self.folded
    }
}

/// The syllables of `text`, in order; words longer than any Vietnamese syllable or
/// ordinary term (URLs, hashes) are dropped.
pub fn words(text: &str) -> Vec<Word> {
    let normalised: String = text.nfc().collect();
    normalised
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.chars().count() <= 40)
        .map(|w| {
            let exact = w.to_lowercase();
            let folded = fold(&exact);
            Word { exact, folded }
        })
        .collect()
}

/// Words written with a hyphen, joined as learners often type them ("Wi-Fi" → "wifi",
/// "e-mail" → "email"), space-separated.
pub fn hyphen_joined(text: &str) -> String {
    let mut joined = Vec::new();
    for chunk in text.split(|c: char| !(c.is_alphanumeric() || c == '-')) {
        let parts: Vec<&str> = chunk.split('-').filter(|p| !p.is_empty()).collect();
        if parts.len() > 1 {
            joined.push(parts.concat());
        }
    }
    joined.join(" ")
}

/// Everyday words and abbreviations learners type for what the lessons write out
/// ("file" for "tệp", "ck" for "chuyển khoản"), folded: a question finds the lesson
/// either way.
const SAME_AS: &[(&str, &[&str])] = &[
    ("file", &["tep"]),
    ("app", &["ung", "dung"]),
    ("apps", &["ung", "dung"]),
    ("online", &["truc", "tuyen"]),
    ("mail", &["thu", "dien", "tu"]),
    ("email", &["thu", "dien", "tu"]),
    ("password", &["mat", "khau"]),
    ("pass", &["mat", "khau"]),
    ("mk", &["mat", "khau"]),
    ("sdt", &["so", "dien", "thoai"]),
    ("dt", &["dien", "thoai"]),
    ("dtdd", &["dien", "thoai"]),
    ("smartphone", &["dien", "thoai"]),
    ("ck", &["chuyen", "khoan"]),
    ("tk", &["tai", "khoan"]),
    ("stk", &["so", "tai", "khoan"]),
    ("nh", &["ngan", "hang"]),
    ("fb", &["facebook"]),
    ("cmnd", &["can", "cuoc"]),
    ("cccd", &["can", "cuoc"]),
    ("bhyt", &["bao", "hiem", "y", "te"]),
    ("hs", &["hoc", "sinh"]),
    ("sv", &["sinh", "vien"]),
    ("chatbot", &["tro", "ly", "ao"]),
    ("shop", &["gian", "hang"]),
    ("link", &["duong", "link"]),
    ("hack", &["chiem", "doat"]),
];

/// What the lessons would write for a word typed as learners often do, folded.
pub fn written_out(word: &Word) -> Option<&'static [&'static str]> {
    SAME_AS
        .iter()
        .find(|(short, _)| *short == word.folded)
        .map(|(_, long)| *long)
}

/// Whether a question asks how to do something: its answer is a procedure.
pub fn asks_how(question: &[Word]) -> bool {
    let folded: Vec<&str> = question.iter().map(|w| w.folded.as_str()).collect();
    folded.windows(2).any(|p| {
        matches!(
            p,
            ["lam", "sao"] | ["the", "nao"] | ["cac", "buoc"] | ["huong", "dan"] | ["lam", "the"]
        )
    }) || folded.iter().any(|w| matches!(*w, "cach" | "buoc"))
}

/// Words of questions that say nothing of the topic: question words, pronouns and
/// particles. As written, with diacritics.
const FUNCTION_WORDS: &[&str] = &[
    "à", "ạ", "anh", "bà", "bác", "bạn", "bằng", "bị", "cách", "các", "cái", "cần", "cháu", "chị",
    "cho", "chưa", "có", "của", "cũng", "cùng", "đã", "đang", "đâu", "để", "đến", "đi", "điều",
    "đó", "được", "em", "gì", "giúp", "giùm", "hay", "hãy", "hỏi", "hoặc", "khi", "không", "là",
    "làm", "lại", "mà", "mình", "mọi", "một", "muốn", "nào", "này", "nên", "nếu", "nhé", "như",
    "những", "nhiều", "ở", "ơi", "ông", "phải", "qua", "ra", "rồi", "sao", "sẽ", "thế", "thì",
    "tôi", "trên", "trong", "từ", "vậy", "và", "vào", "về", "với", "xin", "ko", "k", "dc", "đc",
    "j", "thôi", "nữa", "luôn", "biết", "nhiêu", "kiểu", "chỗ", "nhỉ", "hả", "vì", "giờ", "lên",
    "còn", "khác", "thêm",
];

static FUNCTION_EXACT: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| FUNCTION_WORDS.iter().copied().collect());

/// The folded forms that are function words whatever the tones: a folded form that also
/// spells a topic word ("ma" is "mà" and "mã", "the" is "thế" and "thẻ", "cho" is "cho"
/// and "chợ", "dang" is "đang" and "đăng") is left out, so "ma otp" keeps its "mã".
static FUNCTION_FOLDED: LazyLock<HashSet<String>> = LazyLock::new(|| {
    const TOPIC_TOO: &[&str] = &[
        "ma", "the", "cho", "dang", "ban", "chi", "bang", "la", "cai", "cung", "di", "hoi", "tu",
        "ve", "vao", "dieu", "lai", "bao", "len",
    ];
    FUNCTION_WORDS
        .iter()
        .map(|w| fold(w))
        .filter(|f| !TOPIC_TOO.contains(&f.as_str()))
        .collect()
});

/// Whether a word says nothing of what the question is about.
pub fn is_function_word(word: &Word) -> bool {
    if word.has_diacritics() {
        FUNCTION_EXACT.contains(word.exact.as_str())
    } else {
        FUNCTION_FOLDED.contains(&word.folded)
    }
}

/// The words of a question that carry its topic, each once, in order.
pub fn content_words(question: &str) -> Vec<Word> {
    let mut seen = HashSet::new();
    words(question)
        .into_iter()
        .filter(|w| !is_function_word(w))
        .filter(|w| seen.insert(w.folded.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(words: &[Word]) -> Vec<&str> {
        words.iter().map(|w| w.exact.as_str()).collect()
    }

    #[test]
    fn splits_normalises_and_folds() {
        // "ạ" decomposed (a + combining dot below) as some keyboards send it.
        let w = words("Làm sao cài VNeID?  Mật kha\u{0323}u");
        assert_eq!(exact(&w), ["làm", "sao", "cài", "vneid", "mật", "khạu"]);
        assert_eq!(w[4].folded, "mat");
        assert!(w[4].has_diacritics());
        assert!(!w[3].has_diacritics());
    }

    #[test]
    fn knows_how_questions_and_everyday_words() {
        assert!(asks_how(&words("làm sao cài VNeID")));
        assert!(asks_how(&words("cach ky so file pdf")));
        assert!(!asks_how(&words("VNeID là gì")));
        assert_eq!(written_out(&words("File")[0]), Some(&["tep"][..]));
        assert_eq!(written_out(&words("tệp")[0]), None);
    }

    #[test]
    fn joins_hyphenated_words() {
        assert_eq!(
            hyphen_joined("Bật Wi-Fi, đọc e-mail - rồi nghỉ"),
            "WiFi email"
        );
    }

    #[test]
    fn keeps_topic_words_that_fold_like_function_words() {
        let typed = content_words("làm sao nhận biết lừa đảo qua điện thoại vậy");
        assert_eq!(exact(&typed), ["nhận", "lừa", "đảo", "điện", "thoại"]);
        let plain = content_words("lam sao cai vneid, ma otp la gi");
        assert_eq!(exact(&plain), ["cai", "vneid", "ma", "otp", "la"]);
        let card = content_words("thẻ ngân hàng mất thì làm thế nào");
        assert_eq!(exact(&card), ["thẻ", "ngân", "hàng", "mất"]);
    }
}
