use std::borrow::Cow;

use hocvuso_kernel::problem::validation::invalid_input;
use hocvuso_kernel::problem::{ErrorCode, registered};
use hocvuso_kernel::{FieldError, Message, Problem};

use crate::content::BankError;

hocvuso_kernel::error_codes! {
    /// Every problem code question banks, quizzes and placement tests give, and every
    /// code of an invalid field they name. The generic ones (`not_found`,
    /// `validation_failed`, `length`, …) are the kernel's.
    pub enum AssessmentErrorCode {
        problem {
            /// 409, [`AssessmentError::QuestionCodeTaken`].
            QuestionCodeTaken = "question_code_taken",
            /// 409, [`AssessmentError::QuizUnavailable`].
            QuizUnavailable = "quiz_unavailable",
            /// 409, [`AssessmentError::PlacementUnavailable`].
            PlacementUnavailable = "placement_unavailable",
            /// 409, [`AssessmentError::AttemptLimitReached`].
            AttemptLimitReached = "attempt_limit_reached",
            /// 429, [`AssessmentError::AttemptCooldown`].
            AttemptCooldown = "attempt_cooldown",
            /// 409, [`AssessmentError::AttemptTimeOver`].
            AttemptTimeOver = "attempt_time_over",
            /// 409, [`AssessmentError::AttemptNotSubmitted`].
            AttemptNotSubmitted = "attempt_not_submitted",
            /// 400, [`AssessmentError::AnswerNotInAttempt`], and its field's code.
            AnswerNotInAttempt = "answer_not_in_attempt",
            /// 400, [`AssessmentError::AnswerDuplicated`], and its field's code; also the
            /// `answer` field's code when a question lists a correct option twice.
            AnswerDuplicated = "answer_duplicated",
            /// 400, [`AssessmentError::AnswerMalformed`]; its field carries one of the six
            /// codes below.
            AnswerMalformed = "answer_malformed",
        }
        field {
            // The field codes of `answer_malformed`, chosen by the question's check of a
            // response (`grading.rs`):
            /// A single-choice answer without exactly one option.
            ChooseOne = "choose_one",
            /// A multiple-choice answer without options, or with one twice.
            ChooseSome = "choose_some",
            /// An option the question does not have.
            OptionOutOfRange = "option_out_of_range",
            /// An ordering that is not every item once.
            OrderRequired = "order_required",
            /// A true/false question without a value.
            ValueRequired = "value_required",
            /// A short answer without text, or too long.
            TextRequired = "text_required",

            // The field codes of [`AssessmentError::InvalidQuestion`], one per question
            // rule (`rules.rs`):
            InvalidCode = "invalid_code",
            UnknownCompetency = "unknown_competency",
            LevelOutOfRange = "level_out_of_range",
            EmptyPrompt = "empty_prompt",
            EmptyExplanation = "empty_explanation",
            AnswerBoolRequired = "answer_bool_required",
            AnswerBoolNotAllowed = "answer_bool_not_allowed",
            OptionsNotAllowed = "options_not_allowed",
            TooFewOptions = "too_few_options",
            TooManyOptions = "too_many_options",
            EmptyOption = "empty_option",
            DuplicateOption = "duplicate_option",
            AnswerNotAllowed = "answer_not_allowed",
            AnswerRequired = "answer_required",
            AnswerOutOfRange = "answer_out_of_range",
            SingleAnswerRequired = "single_answer_required",
            AcceptedNotAllowed = "accepted_not_allowed",
            AcceptedRequired = "accepted_required",
            EmptyAccepted = "empty_accepted",
            /// `questions` (`bank.rs`): fewer than three times the questions drawn.
            BankTooSmall = "bank_too_small",
        }
    }
}

impl AssessmentError {
    /// Every code the assessment crate's problems carry (theirs and their fields'), besides the kernel's generic
    /// ones.
    pub fn codes() -> impl Iterator<Item = impl ErrorCode> {
        AssessmentErrorCode::iter()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AssessmentError {
    #[error("not found")]
    NotFound,
    #[error("the question banks have {} errors", .0.len())]
    Content(Vec<BankError>),
    #[error("question bank for unknown course {0}")]
    UnknownCourse(String),
    #[error("invalid input")]
    Validation(#[from] validator::ValidationErrors),
    /// Fields breaking the question rules (shared with the content loader).
    #[error("invalid question")]
    InvalidQuestion(Vec<FieldError>),
    #[error("question code {0} is taken in this course")]
    QuestionCodeTaken(String),
    #[error("the course has no questions to draw")]
    QuizUnavailable,
    #[error("no questions for a placement test")]
    PlacementUnavailable,
    #[error("every attempt is used")]
    AttemptLimitReached,
    #[error("next attempt allowed in {retry_after} s")]
    AttemptCooldown { retry_after: u64 },
    #[error("the attempt is not submitted yet")]
    AttemptNotSubmitted,
    #[error("the attempt's time is over")]
    AttemptTimeOver,
    #[error("answer {index} names a question not in the attempt")]
    AnswerNotInAttempt { index: usize },
    #[error("answer {index} repeats a question")]
    AnswerDuplicated { index: usize },
    #[error("answer {index} is malformed: {code}")]
    AnswerMalformed { index: usize, code: &'static str },
    #[error("the bank has {have} questions; publishing needs {need}")]
    BankTooSmall { have: usize, need: usize },
    #[error("stored data unreadable: {0}")]
    Corrupt(String),
    #[error("no random numbers: {0}")]
    Random(String),
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
}

impl From<AssessmentError> for Problem {
    fn from(err: AssessmentError) -> Self {
        use AssessmentErrorCode as Code;
        match err {
            AssessmentError::NotFound => Problem::not_found(),
            AssessmentError::Validation(errors) => errors.into(),
            AssessmentError::InvalidQuestion(fields) => invalid_input(
                fields
                    .into_iter()
                    .map(|f| FieldError {
                        code: registered::<Code>(&f.code),
                        ..f
                    })
                    .collect(),
            ),
            AssessmentError::BankTooSmall { have, need } => invalid_input(vec![FieldError {
                field: "questions".into(),
                code: Code::BankTooSmall.as_str().into(),
                message: Message::new(
                    format!(
                        "Ngân hàng câu hỏi có {have} câu; cần ít nhất {need} câu (gấp ba số câu mỗi lần kiểm tra) để đáp án khó đoán."
                    ),
                    format!(
                        "The bank has {have} questions; it needs at least {need} (three times the questions drawn) so that answers are hard to pass around."
                    ),
                ),
            }]),
            AssessmentError::QuestionCodeTaken(_) => Problem::new(
                409,
                Code::QuestionCodeTaken,
                "Khóa học đã có câu hỏi mang mã này.",
                "The course already has a question with this code.",
            ),
            AssessmentError::QuizUnavailable => Problem::new(
                409,
                Code::QuizUnavailable,
                "Khóa học chưa có câu hỏi cho bài kiểm tra cuối khóa.",
                "The course has no questions for its final quiz yet.",
            ),
            AssessmentError::PlacementUnavailable => Problem::new(
                409,
                Code::PlacementUnavailable,
                "Chưa có câu hỏi cho bài kiểm tra xếp lớp của nhóm đối tượng này.",
                "There are no questions for this target group's placement test yet.",
            ),
            AssessmentError::AttemptLimitReached => Problem::new(
                409,
                Code::AttemptLimitReached,
                "Bạn đã dùng hết số lần làm bài kiểm tra của khóa học này.",
                "You have used every attempt at this course's quiz.",
            ),
            AssessmentError::AttemptCooldown { retry_after } => Problem::new(
                429,
                Code::AttemptCooldown,
                format!(
                    "Vui lòng nghỉ một chút: bạn có thể làm lại sau {} phút.",
                    retry_after.div_ceil(60)
                ),
                format!(
                    "Take a short break: you may try again in {} minutes.",
                    retry_after.div_ceil(60)
                ),
            )
            .with_retry_after(retry_after),
            AssessmentError::AttemptTimeOver => Problem::new(
                409,
                Code::AttemptTimeOver,
                "Đã hết giờ làm bài; bài làm không được nhận.",
                "The time for this attempt is over; the answers were not accepted.",
            ),
            AssessmentError::AttemptNotSubmitted => Problem::new(
                409,
                Code::AttemptNotSubmitted,
                "Bài làm chưa được nộp nên chưa có kết quả.",
                "The attempt has not been submitted, so it has no result yet.",
            ),
            AssessmentError::AnswerNotInAttempt { index } => Problem::bad_request(
                Code::AnswerNotInAttempt,
                "Có câu trả lời cho câu hỏi không thuộc bài làm này.",
                "An answer names a question that is not part of this attempt.",
            )
            .with_errors(vec![field(
                format!("answers[{index}].item"),
                Code::AnswerNotInAttempt,
                Message::new(
                    "Câu hỏi không thuộc bài làm này.",
                    "Not a question of this attempt.",
                ),
            )]),
            AssessmentError::AnswerDuplicated { index } => Problem::bad_request(
                Code::AnswerDuplicated,
                "Một câu hỏi được trả lời hai lần.",
                "A question is answered twice.",
            )
            .with_errors(vec![field(
                format!("answers[{index}].item"),
                Code::AnswerDuplicated,
                Message::new(
                    "Câu hỏi này đã được trả lời ở trên.",
                    "This question is already answered above.",
                ),
            )]),
            AssessmentError::AnswerMalformed { index, code } => Problem::bad_request(
                Code::AnswerMalformed,
                "Có câu trả lời không đúng dạng của câu hỏi.",
                "An answer does not fit its question's type.",
            )
            .with_errors(vec![field(
                format!("answers[{index}]"),
                registered::<Code>(code),
                malformed_message(Code::from_code(code)),
            )]),
            AssessmentError::Db(e) => e.into(),
            other @ (AssessmentError::Content(_)
            | AssessmentError::UnknownCourse(_)
            | AssessmentError::Corrupt(_)
            | AssessmentError::Random(_)) => Problem::internal(&other),
        }
    }
}

fn field(path: String, code: impl Into<Cow<'static, str>>, message: Message) -> FieldError {
    FieldError {
        field: path,
        code: code.into(),
        message,
    }
}

fn malformed_message(code: Option<AssessmentErrorCode>) -> Message {
    use AssessmentErrorCode as Code;
    match code {
        Some(Code::ChooseOne) => {
            Message::new("Hãy chọn đúng một phương án.", "Choose exactly one option.")
        }
        Some(Code::ChooseSome) => Message::new(
            "Hãy chọn ít nhất một phương án, mỗi phương án một lần.",
            "Choose at least one option, each once.",
        ),
        Some(Code::OptionOutOfRange) => Message::new(
            "Phương án được chọn không có trong câu hỏi.",
            "A chosen option is not one of the question's options.",
        ),
        Some(Code::OrderRequired) => Message::new(
            "Hãy sắp xếp tất cả các mục, mỗi mục một lần.",
            "Put every item in order, each exactly once.",
        ),
        Some(Code::ValueRequired) => {
            Message::new("Hãy chọn Đúng hoặc Sai.", "Choose true or false.")
        }
        Some(Code::TextRequired) => Message::new(
            "Hãy nhập câu trả lời (tối đa 500 ký tự).",
            "Type an answer (at most 500 characters).",
        ),
        _ => Message::new("Câu trả lời không hợp lệ.", "Invalid answer."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_sound() {
        assert_eq!(AssessmentErrorCode::faults(), Vec::<String>::new());
    }

    #[test]
    fn problems_take_their_codes_from_the_registry() {
        let problem = Problem::from(AssessmentError::QuizUnavailable);
        assert_eq!(problem.code, AssessmentErrorCode::QuizUnavailable.as_str());
        let problem = Problem::from(AssessmentError::AnswerMalformed {
            index: 2,
            code: "choose_one",
        });
        assert_eq!(problem.code, "answer_malformed");
        assert_eq!(problem.errors[0].field, "answers[2]");
        assert_eq!(problem.errors[0].code, "choose_one");
        assert_eq!(problem.errors[0].message.en, "Choose exactly one option.");
    }
}
