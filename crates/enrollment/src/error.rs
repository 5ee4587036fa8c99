use hocvuso_kernel::Problem;

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
    #[error("course plans: {0}")]
    Plans(String),
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
}

impl From<EnrollmentError> for Problem {
    fn from(err: EnrollmentError) -> Self {
        match err {
            EnrollmentError::NotFound => Problem::not_found(),
            EnrollmentError::TargetGroupUnknown => Problem::new(
                403,
                "target_group_required",
                "Hãy chọn nhóm đối tượng của bạn trong hồ sơ trước khi ghi danh.",
                "Choose your target group in your profile before enrolling.",
            ),
            EnrollmentError::NotForYourGroup => Problem::new(
                403,
                "course_not_for_target_group",
                "Khoá học này không dành cho nhóm đối tượng của bạn.",
                "This course is not open to your target group.",
            ),
            EnrollmentError::NotEnrolled => Problem::new(
                403,
                "not_enrolled",
                "Bạn chưa ghi danh khoá học này.",
                "You are not enrolled in this course.",
            ),
            EnrollmentError::LessonLocked => Problem::new(
                403,
                "lesson_locked",
                "Bài học này sẽ mở khi bạn hoàn thành các bài trước.",
                "This lesson unlocks when you complete the lessons before it.",
            ),
            EnrollmentError::AlreadyCompleted => Problem::new(
                409,
                "course_already_completed",
                "Bạn đã hoàn thành khoá học này nên không thể huỷ ghi danh.",
                "You have completed this course, so you cannot unenrol.",
            ),
            EnrollmentError::BatchTooLarge { count, limit } => Problem::new(
                413,
                "batch_too_large",
                format!("Lô có {count} sự kiện, tối đa {limit}; hãy chia nhỏ."),
                format!("The batch has {count} events, at most {limit}; split it."),
            ),
            EnrollmentError::Db(e) => e.into(),
            other @ EnrollmentError::Plans(_) => Problem::internal(&other),
        }
    }
}
