use hocvuso_kernel::Problem;
use hocvuso_kernel::problem::validation::invalid_field;
use hocvuso_kernel::problem::{ErrorCode, registered};

use crate::content::ContentError;

hocvuso_kernel::error_codes! {
    /// Every problem code the course catalogue, authoring and media give, and every
    /// code of an invalid field they name (inside `validation_failed`). The generic
    /// ones (`not_found`, `forbidden`, `service_unavailable`, …) are the kernel's.
    pub enum CoursesErrorCode {
        problem {
            /// 415, [`CoursesError::MediaTypeNotAllowed`].
            MediaTypeNotAllowed = "media_type_not_allowed",
            /// 413, [`CoursesError::TooLarge`].
            PayloadTooLarge = "payload_too_large",
            /// 416, [`CoursesError::RangeNotSatisfiable`].
            RangeNotSatisfiable = "range_not_satisfiable",
            /// 409, [`CoursesError::DirectTransferUnsupported`].
            DirectUploadUnsupported = "direct_upload_unsupported",
            /// 409, [`CoursesError::UploadNotReceived`].
            UploadNotReceived = "upload_not_received",
            /// 410, [`CoursesError::UploadExpired`].
            UploadExpired = "upload_expired",
        }
        field {
            // Those [`CoursesError::Invalid`] carries, chosen where it is made
            // (`authoring.rs`):
            /// `code` and other codes: not lowercase ASCII, digits and dashes.
            InvalidCode = "invalid_code",
            /// `competencies`: not in the digital competency framework.
            UnknownCompetency = "unknown_competency",
            /// `audiences`.
            UnknownAudience = "unknown_audience",
            /// `code` of a course.
            CourseCodeTaken = "course_code_taken",
            /// `code` of a course: kept for the shipped curriculum.
            CourseCodeReserved = "course_code_reserved",
            /// `code` of a module.
            ModuleCodeTaken = "module_code_taken",
            /// `slug` of a lesson.
            LessonSlugTaken = "lesson_slug_taken",
            /// `modules`: a new order that is not every module and lesson once.
            OrderIncomplete = "order_incomplete",
            /// `lessons`: publishing a course without lessons.
            CourseEmpty = "course_empty",
            /// `lessons`: publishing a lesson without content.
            LessonIncomplete = "lesson_incomplete",
            /// `lessons`: publishing a lesson without alt text, transcript or captions.
            LessonInaccessible = "lesson_inaccessible",
        }
    }
}

impl CoursesError {
    /// Every code the courses crate's problems carry (theirs and their fields'), besides the kernel's generic ones.
    pub fn codes() -> impl Iterator<Item = impl ErrorCode> {
        CoursesErrorCode::iter()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CoursesError {
    #[error("not found")]
    NotFound,
    #[error("the curriculum has {} errors", .0.len())]
    Content(Vec<ContentError>),
    #[error("course code {0} belongs to a course authored on the platform")]
    CodeTaken(String),
    #[error("not allowed")]
    Forbidden,
    #[error("invalid {field}: {code}")]
    Invalid {
        field: &'static str,
        code: &'static str,
        vi: &'static str,
        en: &'static str,
    },
    #[error("media type not allowed")]
    MediaTypeNotAllowed,
    #[error("file larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("range outside a file of {size} bytes")]
    RangeNotSatisfiable { size: u64 },
    #[error("the blob store cannot hand out direct transfers")]
    DirectTransferUnsupported,
    #[error("the upload has not reached the store")]
    UploadNotReceived,
    #[error("the upload expired")]
    UploadExpired,
    #[error("blob storage: {0}")]
    Storage(String),
    #[error("search index: {0}")]
    Search(String),
    #[error("invalid page request")]
    Page(Problem),
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
}

impl From<CoursesError> for Problem {
    fn from(err: CoursesError) -> Self {
        use CoursesErrorCode as Code;
        match err {
            CoursesError::NotFound => Problem::not_found(),
            CoursesError::Forbidden => Problem::forbidden(),
            CoursesError::MediaTypeNotAllowed => Problem::new(
                415,
                Code::MediaTypeNotAllowed,
                "Loại tệp không được hỗ trợ. Hãy tải lên video (MP4, WebM), âm thanh (MP3, M4A, OGG, WAV), ảnh (JPEG, PNG, WebP, GIF), bài trình chiếu PDF hoặc phụ đề WebVTT.",
                "File type not allowed. Upload video (MP4, WebM), audio (MP3, M4A, OGG, WAV), images (JPEG, PNG, WebP, GIF), PDF slides or WebVTT captions.",
            ),
            CoursesError::TooLarge { limit } => Problem::new(
                413,
                Code::PayloadTooLarge,
                format!("Tệp quá lớn (tối đa {limit} byte)."),
                format!("The file is too large (at most {limit} bytes)."),
            ),
            CoursesError::RangeNotSatisfiable { size } => Problem::new(
                416,
                Code::RangeNotSatisfiable,
                format!("Khoảng byte yêu cầu nằm ngoài tệp ({size} byte)."),
                format!("The requested byte range lies outside the file ({size} bytes)."),
            ),
            CoursesError::DirectTransferUnsupported => Problem::new(
                409,
                Code::DirectUploadUnsupported,
                "Máy chủ lưu tệp trên đĩa nên không cấp đường dẫn tải lên trực tiếp; hãy tải tệp lên bằng biểu mẫu multipart.",
                "Files are stored on the server's disk, so no direct upload URL can be issued; upload the file as multipart instead.",
            ),
            CoursesError::UploadNotReceived => Problem::new(
                409,
                Code::UploadNotReceived,
                "Chưa nhận được tệp: hãy gửi tệp tới đường dẫn tải lên trước khi hoàn tất.",
                "The file has not arrived: send it to the upload URL before completing.",
            ),
            CoursesError::UploadExpired => Problem::new(
                410,
                Code::UploadExpired,
                "Lượt tải lên đã hết hạn; hãy bắt đầu lại.",
                "The upload has expired; start again.",
            ),
            CoursesError::Storage(cause) => Problem::unavailable(&cause),
            CoursesError::Invalid {
                field,
                code,
                vi,
                en,
            } => invalid_field(field, registered::<Code>(code), vi, en),
            CoursesError::Page(problem) => problem,
            CoursesError::Db(e) => e.into(),
            other @ (CoursesError::Content(_)
            | CoursesError::CodeTaken(_)
            | CoursesError::Search(_)) => Problem::internal(&other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_sound() {
        assert_eq!(CoursesErrorCode::faults(), Vec::<String>::new());
    }

    #[test]
    fn problems_take_their_codes_from_the_registry() {
        let problem = Problem::from(CoursesError::UploadExpired);
        assert_eq!(problem.code, CoursesErrorCode::UploadExpired.as_str());
        let problem = Problem::from(CoursesError::Invalid {
            field: "lessons",
            code: "course_empty",
            vi: "",
            en: "",
        });
        assert_eq!(problem.code, "validation_failed");
        assert_eq!(problem.errors[0].code, "course_empty");
    }
}
