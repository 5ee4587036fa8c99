use hocvuso_identity::IdentityError;
use hocvuso_kernel::Problem;

/// Everything that can go wrong in administration.
#[derive(Debug, thiserror::Error)]
pub enum AdministrationError {
    #[error("not found")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    #[error("upload is neither CSV nor XLSX")]
    UnsupportedFormat,
    #[error("the file has no rows")]
    EmptyFile,
    #[error("the file has more than {0} rows")]
    TooManyRows(usize),
    #[error("the CSV file is not UTF-8 (line {line})")]
    NotUtf8 { line: u64 },
    #[error("unreadable file: {0}")]
    UnreadableFile(String),
    #[error("invalid period")]
    InvalidPeriod,
    #[error("invalid field {field}: {code}")]
    InvalidField {
        field: &'static str,
        code: &'static str,
        vi: &'static str,
        en: &'static str,
    },
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error("invalid page request")]
    Page(Problem),
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<AdministrationError> for Problem {
    fn from(err: AdministrationError) -> Self {
        use AdministrationError::*;
        use hocvuso_kernel::problem::validation::invalid_field;
        match err {
            NotFound => Problem::not_found(),
            Forbidden => Problem::forbidden(),
            UnsupportedFormat => Problem::new(
                415,
                "unsupported_file_format",
                "Chỉ nhận tệp CSV (UTF-8) hoặc Excel (.xlsx).",
                "Only CSV (UTF-8) or Excel (.xlsx) files are accepted.",
            ),
            EmptyFile => Problem::bad_request(
                "file_empty",
                "Tệp không có dòng tiêu đề hoặc không có dữ liệu.",
                "The file has no header row or no data.",
            ),
            TooManyRows(max) => Problem::new(
                413,
                "too_many_rows",
                format!("Mỗi tệp tối đa {max} dòng; hãy chia nhỏ tệp."),
                format!("A file holds at most {max} rows; split it."),
            ),
            NotUtf8 { line } => Problem::bad_request(
                "file_not_utf8",
                format!(
                    "Tệp CSV không ở bảng mã UTF-8 (dòng {line}); hãy lưu lại dưới dạng \"CSV UTF-8\"."
                ),
                format!("The CSV file is not UTF-8 (line {line}); save it as \"CSV UTF-8\"."),
            ),
            UnreadableFile(cause) => Problem::bad_request(
                "file_unreadable",
                format!("Không đọc được tệp: {cause}"),
                format!("The file cannot be read: {cause}"),
            ),
            InvalidPeriod => invalid_field(
                "period",
                "period_invalid",
                "Kỳ báo cáo là một năm (2025), một quý (2025-Q4) hoặc một tháng (2025-10).",
                "A period is a year (2025), a quarter (2025-Q4) or a month (2025-10).",
            ),
            InvalidField {
                field,
                code,
                vi,
                en,
            } => invalid_field(field, code, vi, en),
            Identity(e) => e.into(),
            Page(problem) => problem,
            Db(e) => e.into(),
            Internal(cause) => Problem::internal(&cause),
        }
    }
}
