use hocvuso_kernel::Problem;
use hocvuso_kernel::problem::validation::invalid_field;

use crate::content::ContentError;

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
        match err {
            CoursesError::NotFound => Problem::not_found(),
            CoursesError::Forbidden => Problem::forbidden(),
            CoursesError::MediaTypeNotAllowed => Problem::new(
                415,
                "media_type_not_allowed",
                "Loại tệp không được hỗ trợ. Hãy tải lên video (MP4, WebM), âm thanh (MP3, M4A, OGG, WAV), ảnh (JPEG, PNG, WebP, GIF), bài trình chiếu PDF hoặc phụ đề WebVTT.",
                "File type not allowed. Upload video (MP4, WebM), audio (MP3, M4A, OGG, WAV), images (JPEG, PNG, WebP, GIF), PDF slides or WebVTT captions.",
            ),
            CoursesError::TooLarge { limit } => Problem::new(
                413,
                "payload_too_large",
                format!("Tệp quá lớn (tối đa {limit} byte)."),
                format!("The file is too large (at most {limit} bytes)."),
            ),
            CoursesError::RangeNotSatisfiable { size } => Problem::new(
                416,
                "range_not_satisfiable",
                format!("Khoảng byte yêu cầu nằm ngoài tệp ({size} byte)."),
                format!("The requested byte range lies outside the file ({size} bytes)."),
            ),
            CoursesError::DirectTransferUnsupported => Problem::new(
                409,
                "direct_upload_unsupported",
                "Máy chủ lưu tệp trên đĩa nên không cấp đường dẫn tải lên trực tiếp; hãy tải tệp lên bằng biểu mẫu multipart.",
                "Files are stored on the server's disk, so no direct upload URL can be issued; upload the file as multipart instead.",
            ),
            CoursesError::UploadNotReceived => Problem::new(
                409,
                "upload_not_received",
                "Chưa nhận được tệp: hãy gửi tệp tới đường dẫn tải lên trước khi hoàn tất.",
                "The file has not arrived: send it to the upload URL before completing.",
            ),
            CoursesError::UploadExpired => Problem::new(
                410,
                "upload_expired",
                "Lượt tải lên đã hết hạn; hãy bắt đầu lại.",
                "The upload has expired; start again.",
            ),
            CoursesError::Storage(cause) => Problem::unavailable(&cause),
            CoursesError::Invalid {
                field,
                code,
                vi,
                en,
            } => invalid_field(field, code, vi, en),
            CoursesError::Page(problem) => problem,
            CoursesError::Db(e) => e.into(),
            other @ (CoursesError::Content(_)
            | CoursesError::CodeTaken(_)
            | CoursesError::Search(_)) => Problem::internal(&other),
        }
    }
}
