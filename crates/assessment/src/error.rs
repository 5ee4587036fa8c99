use hocvuso_kernel::problem::validation::invalid_input;
use hocvuso_kernel::{FieldError, Message, Problem};

use crate::content::BankError;

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
    #[error("stored data unreadable: {0}")]
    Corrupt(String),
    #[error("no random numbers: {0}")]
    Random(String),
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
}

impl From<AssessmentError> for Problem {
    fn from(err: AssessmentError) -> Self {
        match err {
            AssessmentError::NotFound => Problem::not_found(),
            AssessmentError::Validation(errors) => errors.into(),
            AssessmentError::InvalidQuestion(fields) => invalid_input(fields),
            AssessmentError::QuestionCodeTaken(_) => Problem::new(
                409,
                "question_code_taken",
                "Khóa học đã có câu hỏi mang mã này.",
                "The course already has a question with this code.",
            ),
            AssessmentError::QuizUnavailable => Problem::new(
                409,
                "quiz_unavailable",
                "Khóa học chưa có câu hỏi cho bài kiểm tra cuối khóa.",
                "The course has no questions for its final quiz yet.",
            ),
            AssessmentError::PlacementUnavailable => Problem::new(
                409,
                "placement_unavailable",
                "Chưa có câu hỏi cho bài kiểm tra xếp lớp của nhóm đối tượng này.",
                "There are no questions for this target group's placement test yet.",
            ),
            AssessmentError::AttemptLimitReached => Problem::new(
                409,
                "attempt_limit_reached",
                "Bạn đã dùng hết số lần làm bài kiểm tra của khóa học này.",
                "You have used every attempt at this course's quiz.",
            ),
            AssessmentError::AttemptCooldown { retry_after } => Problem::new(
                429,
                "attempt_cooldown",
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
                "attempt_time_over",
                "Đã hết giờ làm bài; bài làm không được nhận.",
                "The time for this attempt is over; the answers were not accepted.",
            ),
            AssessmentError::AttemptNotSubmitted => Problem::new(
                409,
                "attempt_not_submitted",
                "Bài làm chưa được nộp nên chưa có kết quả.",
                "The attempt has not been submitted, so it has no result yet.",
            ),
            AssessmentError::AnswerNotInAttempt { index } => Problem::bad_request(
                "answer_not_in_attempt",
                "Có câu trả lời cho câu hỏi không thuộc bài làm này.",
                "An answer names a question that is not part of this attempt.",
            )
            .with_errors(vec![field(
                format!("answers[{index}].item"),
                "answer_not_in_attempt",
                Message::new(
                    "Câu hỏi không thuộc bài làm này.",
                    "Not a question of this attempt.",
                ),
            )]),
            AssessmentError::AnswerDuplicated { index } => Problem::bad_request(
                "answer_duplicated",
                "Một câu hỏi được trả lời hai lần.",
                "A question is answered twice.",
            )
            .with_errors(vec![field(
                format!("answers[{index}].item"),
                "answer_duplicated",
                Message::new(
                    "Câu hỏi này đã được trả lời ở trên.",
                    "This question is already answered above.",
                ),
            )]),
            AssessmentError::AnswerMalformed { index, code } => Problem::bad_request(
                "answer_malformed",
                "Có câu trả lời không đúng dạng của câu hỏi.",
                "An answer does not fit its question's type.",
            )
            .with_errors(vec![field(
                format!("answers[{index}]"),
                code,
                malformed_message(code),
            )]),
            AssessmentError::Db(e) => e.into(),
            other @ (AssessmentError::Content(_)
            | AssessmentError::UnknownCourse(_)
            | AssessmentError::Corrupt(_)
            | AssessmentError::Random(_)) => Problem::internal(&other),
        }
    }
}

fn field(path: String, code: &'static str, message: Message) -> FieldError {
    FieldError {
        field: path,
        code: code.into(),
        message,
    }
}

fn malformed_message(code: &str) -> Message {
    match code {
        "choose_one" => Message::new("Hãy chọn đúng một phương án.", "Choose exactly one option."),
        "choose_some" => Message::new(
            "Hãy chọn ít nhất một phương án, mỗi phương án một lần.",
            "Choose at least one option, each once.",
        ),
        "option_out_of_range" => Message::new(
            "Phương án được chọn không có trong câu hỏi.",
            "A chosen option is not one of the question's options.",
        ),
        "order_required" => Message::new(
            "Hãy sắp xếp tất cả các mục, mỗi mục một lần.",
            "Put every item in order, each exactly once.",
        ),
        "value_required" => Message::new("Hãy chọn Đúng hoặc Sai.", "Choose true or false."),
        "text_required" => Message::new(
            "Hãy nhập câu trả lời (tối đa 500 ký tự).",
            "Type an answer (at most 500 characters).",
        ),
        _ => Message::new("Câu trả lời không hợp lệ.", "Invalid answer."),
    }
}
