use hocvuso_kernel::Problem;
use hocvuso_kernel::problem::ErrorCode;

use crate::progress::EventRefusal;

hocvuso_kernel::error_codes! {
    /// Every problem code enrolment and learning progress give. The generic ones
    /// (`not_found`, `internal_error`, …) are the kernel's.
    pub enum EnrollmentErrorCode {
        problem {
            /// 403, [`EnrollmentError::TargetGroupUnknown`].
            TargetGroupRequired = "target_group_required",
            /// 403, [`EnrollmentError::NotForYourGroup`].
            CourseNotForTargetGroup = "course_not_for_target_group",
            /// 403, [`EnrollmentError::NotEnrolled`]; also the refusal
            /// [`EventRefusal::NotEnrolled`].
            NotEnrolled = "not_enrolled",
            /// 403, [`EnrollmentError::LessonLocked`].
            LessonLocked = "lesson_locked",
            /// 409, [`EnrollmentError::AlreadyCompleted`].
            CourseAlreadyCompleted = "course_already_completed",
            /// 413, [`EnrollmentError::BatchTooLarge`].
            BatchTooLarge = "batch_too_large",
            // 400, [`EnrollmentError::EventRefused`], one per [`EventRefusal`] (also
            // the `code` of a refused event's result in a batch):
            MalformedEvent = "malformed_event",
            EventInFuture = "event_in_future",
            PositionOutOfRange = "position_out_of_range",
            TimeSpentOutOfRange = "time_spent_out_of_range",
        }
        field {}
    }
}

impl EnrollmentError {
    /// Every code enrolment's problems carry, besides the kernel's generic ones.
    pub fn codes() -> impl Iterator<Item = impl ErrorCode> {
        EnrollmentErrorCode::iter()
    }
}

impl From<EventRefusal> for EnrollmentErrorCode {
    fn from(refusal: EventRefusal) -> Self {
        match refusal {
            EventRefusal::MalformedEvent => Self::MalformedEvent,
            EventRefusal::EventInFuture => Self::EventInFuture,
            EventRefusal::PositionOutOfRange => Self::PositionOutOfRange,
            EventRefusal::TimeSpentOutOfRange => Self::TimeSpentOutOfRange,
            EventRefusal::NotEnrolled => Self::NotEnrolled,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EnrollmentError {
    #[error("not found")]
    NotFound,
    #[error("the learner has no target group yet")]
    TargetGroupUnknown,
    #[error("the course is not open to the learner's target group")]
    NotForYourGroup,
    #[error("not enrolled in the course")]
    NotEnrolled,
    #[error("the lesson is locked")]
    LessonLocked,
    #[error("the course is already completed")]
    AlreadyCompleted,
    #[error("the batch has {count} events, more than {limit}")]
    BatchTooLarge { count: usize, limit: usize },
    /// A single event, sent on its own, that was not stored (in a batch, each event
    /// gets its own result instead). `message` is in the caller's language.
    #[error("the event was refused: {}", .refusal.code())]
    EventRefused {
        refusal: EventRefusal,
        message: String,
    },
    #[error("course plans: {0}")]
    Plans(String),
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
}

impl From<EnrollmentError> for Problem {
    fn from(err: EnrollmentError) -> Self {
        use EnrollmentErrorCode as Code;
        match err {
            EnrollmentError::NotFound => Problem::not_found(),
            EnrollmentError::TargetGroupUnknown => Problem::new(
                403,
                Code::TargetGroupRequired,
                "Hãy chọn nhóm đối tượng của bạn trong hồ sơ trước khi ghi danh.",
                "Choose your target group in your profile before enrolling.",
            ),
            EnrollmentError::NotForYourGroup => Problem::new(
                403,
                Code::CourseNotForTargetGroup,
                "Khoá học này không dành cho nhóm đối tượng của bạn.",
                "This course is not open to your target group.",
            ),
            EnrollmentError::NotEnrolled => Problem::new(
                403,
                Code::NotEnrolled,
                "Bạn chưa ghi danh khoá học này.",
                "You are not enrolled in this course.",
            ),
            EnrollmentError::LessonLocked => Problem::new(
                403,
                Code::LessonLocked,
                "Bài học này sẽ mở khi bạn hoàn thành các bài trước.",
                "This lesson unlocks when you complete the lessons before it.",
            ),
            EnrollmentError::AlreadyCompleted => Problem::new(
                409,
                Code::CourseAlreadyCompleted,
                "Bạn đã hoàn thành khoá học này nên không thể huỷ ghi danh.",
                "You have completed this course, so you cannot unenrol.",
            ),
            EnrollmentError::BatchTooLarge { count, limit } => Problem::new(
                413,
                Code::BatchTooLarge,
                format!("Lô có {count} sự kiện, tối đa {limit}; hãy chia nhỏ."),
                format!("The batch has {count} events, at most {limit}; split it."),
            ),
            EnrollmentError::EventRefused { refusal, message } => {
                Problem::bad_request(Code::from(refusal), message.clone(), message)
            }
            EnrollmentError::Db(e) => e.into(),
            other @ EnrollmentError::Plans(_) => Problem::internal(&other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_sound() {
        assert_eq!(EnrollmentErrorCode::faults(), Vec::<String>::new());
    }

    /// `EventRefusal::code` names the same codes in a batch's results; it must agree
    /// with the registry.
    #[test]
    fn refusals_spell_their_codes_as_the_registry() {
        for refusal in EventRefusal::ALL {
            assert_eq!(refusal.code(), EnrollmentErrorCode::from(refusal).as_str());
        }
    }

    #[test]
    fn problems_take_their_codes_from_the_registry() {
        let problem = Problem::from(EnrollmentError::LessonLocked);
        assert_eq!(problem.code, EnrollmentErrorCode::LessonLocked.as_str());
        let problem = Problem::from(EnrollmentError::EventRefused {
            refusal: EventRefusal::EventInFuture,
            message: String::new(),
        });
        assert_eq!(
            (problem.status, problem.code.as_ref()),
            (400, "event_in_future")
        );
    }
}
