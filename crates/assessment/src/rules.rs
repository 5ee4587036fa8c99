//! What makes a question valid: one set of rules, applied to `questions.toml` when it
//! is loaded and to a trainer's draft when it is saved, so neither path can store a
//! question the other would reject.

use std::collections::HashSet;

use hocvuso_kernel::{FieldError, Message};

use crate::dto::{QuestionDraft, QuestionType};

/// Options (or ordering items) a question may have.
pub const MAX_OPTIONS: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The draft field (`code` is `id` in `questions.toml`).
    pub field: &'static str,
    pub code: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
}

impl Violation {
    pub fn into_field_error(self) -> FieldError {
        FieldError {
            field: self.field.to_owned(),
            code: self.code.into(),
            message: Message::new(self.vi, self.en),
        }
    }
}

fn v(field: &'static str, code: &'static str, vi: &'static str, en: &'static str) -> Violation {
    Violation {
        field,
        code,
        vi,
        en,
    }
}

pub fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Every rule `question` breaks; `known_competency` says whether its competency is one
/// of the framework's.
pub fn check(question: &QuestionDraft, known_competency: bool) -> Vec<Violation> {
    let mut out = Vec::new();
    let kind = question.kind;
    if !valid_code(&question.code) {
        out.push(v(
            "code",
            "invalid_code",
            "Mã câu hỏi chỉ gồm chữ cái không dấu, chữ số, dấu - và _ (tối đa 64 ký tự).",
            "A question code is ASCII letters, digits, - and _ (at most 64 characters).",
        ));
    }
    if !known_competency {
        out.push(v(
            "competency",
            "unknown_competency",
            "Năng lực không có trong khung năng lực số.",
            "Not a competency of the framework.",
        ));
    }
    if !(1..=8).contains(&question.level) {
        out.push(v(
            "level",
            "level_out_of_range",
            "Mức độ phải từ 1 đến 8.",
            "The level must be 1 to 8.",
        ));
    }
    if question.prompt.trim().is_empty() {
        out.push(v(
            "prompt",
            "empty_prompt",
            "Câu hỏi chưa có nội dung.",
            "The prompt is empty.",
        ));
    }
    if question.explanation.trim().is_empty() {
        out.push(v(
            "explanation",
            "empty_explanation",
            "Cần có lời giải thích, hiển thị sau khi nộp bài.",
            "An explanation, shown after submission, is required.",
        ));
    }
    check_options(question, &mut out);
    check_answer(question, &mut out);
    if kind == QuestionType::TrueFalse && question.answer_bool.is_none() {
        out.push(v(
            "answer_bool",
            "answer_bool_required",
            "Câu Đúng/Sai cần đáp án answer_bool.",
            "A true/false question needs answer_bool.",
        ));
    }
    if kind != QuestionType::TrueFalse && question.answer_bool.is_some() {
        out.push(v(
            "answer_bool",
            "answer_bool_not_allowed",
            "Chỉ câu Đúng/Sai mới có answer_bool.",
            "Only true/false questions have answer_bool.",
        ));
    }
    check_accepted(question, &mut out);
    out
}

fn check_options(question: &QuestionDraft, out: &mut Vec<Violation>) {
    let options = &question.options;
    if !question.kind.has_options() {
        if !options.is_empty() {
            out.push(v(
                "options",
                "options_not_allowed",
                "Loại câu hỏi này không có phương án.",
                "This type of question has no options.",
            ));
        }
        return;
    }
    if options.len() < 2 {
        out.push(v(
            "options",
            "too_few_options",
            "Cần ít nhất 2 phương án.",
            "At least 2 options are required.",
        ));
    }
    if options.len() > MAX_OPTIONS {
        out.push(v(
            "options",
            "too_many_options",
            "Tối đa 12 phương án.",
            "At most 12 options.",
        ));
    }
    if options.iter().any(|o| o.trim().is_empty()) {
        out.push(v(
            "options",
            "empty_option",
            "Có phương án để trống.",
            "An option is empty.",
        ));
    }
    let distinct: HashSet<&str> = options.iter().map(|o| o.trim()).collect();
    if distinct.len() != options.len() {
        // Twin options make an ordering ambiguous and a choice unfair.
        out.push(v(
            "options",
            "duplicate_option",
            "Có hai phương án giống nhau.",
            "Two options are the same.",
        ));
    }
}

fn check_answer(question: &QuestionDraft, out: &mut Vec<Violation>) {
    let answer = &question.answer;
    if !question.kind.is_choice() {
        if !answer.is_empty() {
            out.push(v(
                "answer",
                "answer_not_allowed",
                "Chỉ câu trắc nghiệm mới có answer (câu sắp xếp lấy thứ tự của options làm đáp án).",
                "Only choice questions have answer (an ordering question's options are its answer).",
            ));
        }
        return;
    }
    if answer.is_empty() {
        out.push(v(
            "answer",
            "answer_required",
            "Cần chỉ ra phương án đúng.",
            "The correct options are required.",
        ));
    }
    if answer
        .iter()
        .any(|&i| usize::try_from(i).map_or(true, |i| i >= question.options.len()))
    {
        out.push(v(
            "answer",
            "answer_out_of_range",
            "Đáp án chỉ tới phương án không tồn tại (đánh số từ 0).",
            "The answer names an option that does not exist (counting from 0).",
        ));
    }
    let distinct: HashSet<u32> = answer.iter().copied().collect();
    if distinct.len() != answer.len() {
        out.push(v(
            "answer",
            "answer_duplicated",
            "Một phương án được ghi hai lần trong đáp án.",
            "An option appears twice in the answer.",
        ));
    }
    if question.kind == QuestionType::SingleChoice && answer.len() > 1 {
        out.push(v(
            "answer",
            "single_answer_required",
            "Câu chọn một đáp án chỉ có đúng một phương án đúng.",
            "A single-choice question has exactly one correct option.",
        ));
    }
}

fn check_accepted(question: &QuestionDraft, out: &mut Vec<Violation>) {
    let accepted = &question.accepted;
    if question.kind != QuestionType::ShortAnswer {
        if !accepted.is_empty() {
            out.push(v(
                "accepted",
                "accepted_not_allowed",
                "Chỉ câu trả lời ngắn mới có accepted.",
                "Only short-answer questions have accepted answers.",
            ));
        }
        return;
    }
    if accepted.is_empty() {
        out.push(v(
            "accepted",
            "accepted_required",
            "Câu trả lời ngắn cần ít nhất một đáp án được chấp nhận.",
            "A short-answer question needs at least one accepted answer.",
        ));
    }
    if accepted.iter().any(|a| a.trim().is_empty()) {
        out.push(v(
            "accepted",
            "empty_accepted",
            "Có đáp án được chấp nhận để trống.",
            "An accepted answer is empty.",
        ));
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn draft(kind: QuestionType) -> QuestionDraft {
        let mut q = QuestionDraft {
            code: "q01".into(),
            competency: "4.2".into(),
            level: 2,
            kind,
            prompt: "Câu hỏi?".into(),
            options: Vec::new(),
            answer: Vec::new(),
            answer_bool: None,
            accepted: Vec::new(),
            diacritics_insensitive: false,
            explanation: "Vì thế.".into(),
        };
        match kind {
            QuestionType::SingleChoice => {
                q.options = vec!["A".into(), "B".into(), "C".into()];
                q.answer = vec![1];
            }
            QuestionType::MultipleChoice => {
                q.options = vec!["A".into(), "B".into(), "C".into()];
                q.answer = vec![0, 2];
            }
            QuestionType::TrueFalse => q.answer_bool = Some(true),
            QuestionType::Ordering => {
                q.options = vec!["Một".into(), "Hai".into(), "Ba".into()];
            }
            QuestionType::ShortAnswer => {
                q.accepted = vec!["bảo mật".into()];
                q.diacritics_insensitive = true;
            }
        }
        q
    }

    fn codes(q: &QuestionDraft) -> Vec<&'static str> {
        check(q, true).into_iter().map(|v| v.code).collect()
    }

    #[test]
    fn well_formed_questions_of_every_type_pass() {
        for kind in QuestionType::ALL {
            assert_eq!(codes(&draft(kind)), Vec::<&str>::new(), "{kind:?}");
        }
    }

    #[test]
    fn type_specific_rules() {
        let mut q = draft(QuestionType::SingleChoice);
        q.answer = vec![0, 1];
        assert_eq!(codes(&q), ["single_answer_required"]);
        q.answer = vec![3];
        assert_eq!(codes(&q), ["answer_out_of_range"]);
        q.options.truncate(1);
        q.answer = vec![0];
        assert_eq!(codes(&q), ["too_few_options"]);

        let mut q = draft(QuestionType::TrueFalse);
        q.answer_bool = None;
        q.answer = vec![0];
        assert_eq!(codes(&q), ["answer_not_allowed", "answer_bool_required"]);

        let mut q = draft(QuestionType::Ordering);
        q.options = vec!["A".into(), "A ".into()];
        assert_eq!(codes(&q), ["duplicate_option"]);

        let mut q = draft(QuestionType::ShortAnswer);
        q.accepted.clear();
        q.level = 9;
        q.explanation = " ".into();
        assert_eq!(
            codes(&q),
            [
                "level_out_of_range",
                "empty_explanation",
                "accepted_required"
            ]
        );
        assert_eq!(check(&q, false)[0].code, "unknown_competency");
    }
}
