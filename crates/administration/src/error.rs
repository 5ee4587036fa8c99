use hocvuso_identity::IdentityError;
use hocvuso_kernel::Problem;

use crate::sheet::SheetLimit;
use hocvuso_kernel::problem::{ErrorCode, registered};

hocvuso_kernel::error_codes! {
    /// Every problem code administration gives, and every code of an invalid field it
    /// names (inside `validation_failed`). Identity's codes pass through
    /// ([`AdministrationError::Identity`]); the generic ones are the kernel's.
    pub enum AdministrationErrorCode {
        problem {
            /// 415, [`AdministrationError::UnsupportedFormat`].
            UnsupportedFileFormat = "unsupported_file_format",
            /// 400, [`AdministrationError::EmptyFile`].
            FileEmpty = "file_empty",
            /// 413, [`AdministrationError::TooManyRows`].
            TooManyRows = "too_many_rows",
            /// 400, [`AdministrationError::NotUtf8`].
            FileNotUtf8 = "file_not_utf8",
            /// 400, [`AdministrationError::UnreadableFile`].
            FileUnreadable = "file_unreadable",
            /// 413, [`AdministrationError::SheetTooLarge`].
            SheetTooLarge = "sheet_too_large",
        }
        field {
            /// `period`, [`AdministrationError::InvalidPeriod`].
            PeriodInvalid = "period_invalid",
            // Those [`AdministrationError::InvalidField`] carries, chosen where it is made:
            /// `present` (`classes.rs`): someone not in the class.
            NotAMember = "not_a_member",
            /// `year` (`targets.rs`).
            YearOutOfRange = "year_out_of_range",
            /// `mentee_id` (`mentors.rs`): a mentor of themself.
            MentorIsMentee = "mentor_is_mentee",
            /// `class_code` (`signups.rs`): wrong, expired or full.
            ClassCodeInvalid = "class_code_invalid",
            // Those `#[validate(..., code = "...")]` gives request fields (`classes.rs`,
            // `targets.rs`), through the kernel's `validation_failed`:
            /// `name` of a class.
            NameLength = "name_length",
            /// `user_ids` or `present`: an empty or too long list.
            BatchSize = "batch_size",
            /// `topic` of a class session.
            TopicLength = "topic_length",
            /// `percent` of a target.
            PercentOutOfRange = "percent_out_of_range",
            /// `hours` of a sign-up window.
            SignupHours = "signup_hours",
            /// `max_signups` of a sign-up window.
            SignupCount = "signup_count",
        }
    }
}

impl AdministrationError {
    /// Every code administration's problems carry (theirs and their fields'), besides the kernel's generic ones
    /// and identity's ([`IdentityError::codes`]).
    pub fn codes() -> impl Iterator<Item = impl ErrorCode> {
        AdministrationErrorCode::iter()
    }
}

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
    #[error("the sheet is too large: {0:?}")]
    SheetTooLarge(SheetLimit),
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
        use AdministrationErrorCode as Code;
        use hocvuso_kernel::problem::validation::invalid_field;
        match err {
            NotFound => Problem::not_found(),
            Forbidden => Problem::forbidden(),
            UnsupportedFormat => Problem::new(
                415,
                Code::UnsupportedFileFormat,
                "Chỉ nhận tệp CSV (UTF-8) hoặc Excel (.xlsx).",
                "Only CSV (UTF-8) or Excel (.xlsx) files are accepted.",
            ),
            EmptyFile => Problem::bad_request(
                Code::FileEmpty,
                "Tệp không có dòng tiêu đề hoặc không có dữ liệu.",
                "The file has no header row or no data.",
            ),
            TooManyRows(max) => Problem::new(
                413,
                Code::TooManyRows,
                format!("Mỗi tệp tối đa {max} dòng; hãy chia nhỏ tệp."),
                format!("A file holds at most {max} rows; split it."),
            ),
            NotUtf8 { line } => Problem::bad_request(
                Code::FileNotUtf8,
                format!(
                    "Tệp CSV không ở bảng mã UTF-8 (dòng {line}); hãy lưu lại dưới dạng \"CSV UTF-8\"."
                ),
                format!("The CSV file is not UTF-8 (line {line}); save it as \"CSV UTF-8\"."),
            ),
            SheetTooLarge(limit) => {
                let (vi, en) = limit.messages();
                Problem::new(413, Code::SheetTooLarge, vi, en)
            }
            UnreadableFile(cause) => Problem::bad_request(
                Code::FileUnreadable,
                format!("Không đọc được tệp: {cause}"),
                format!("The file cannot be read: {cause}"),
            ),
            InvalidPeriod => invalid_field(
                "period",
                Code::PeriodInvalid,
                "Kỳ báo cáo là một năm (2025), một quý (2025-Q4) hoặc một tháng (2025-10).",
                "A period is a year (2025), a quarter (2025-Q4) or a month (2025-10).",
            ),
            InvalidField {
                field,
                code,
                vi,
                en,
            } => invalid_field(field, registered::<Code>(code), vi, en),
            Identity(e) => e.into(),
            Page(problem) => problem,
            Db(e) => e.into(),
            Internal(cause) => Problem::internal(&cause),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_sound() {
        assert_eq!(AdministrationErrorCode::faults(), Vec::<String>::new());
    }

    #[test]
    fn problems_take_their_codes_from_the_registry() {
        let problem = Problem::from(AdministrationError::EmptyFile);
        assert_eq!(problem.code, AdministrationErrorCode::FileEmpty.as_str());
        let problem = Problem::from(AdministrationError::InvalidField {
            field: "year",
            code: "year_out_of_range",
            vi: "",
            en: "",
        });
        assert_eq!(problem.errors[0].code, "year_out_of_range");
    }

    /// The codes `#[validate]` attributes spell must be the registry's.
    #[test]
    fn the_request_rules_give_registered_codes() {
        use validator::Validate;

        use crate::classes::{
            AttendanceRequest, CreateClassRequest, CreateSessionRequest, PeopleRequest,
        };
        use crate::targets::SetTargetRequest;

        let results = [
            CreateClassRequest {
                name: String::new(),
                unit_id: uuid::Uuid::nil(),
            }
            .validate(),
            PeopleRequest {
                user_ids: Vec::new(),
            }
            .validate(),
            CreateSessionRequest {
                held_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
                topic: String::new(),
            }
            .validate(),
            AttendanceRequest {
                present: vec![uuid::Uuid::nil(); 1001],
            }
            .validate(),
            SetTargetRequest { percent: 101 }.validate(),
        ];
        for result in results {
            let problem = Problem::from(result.expect_err("invalid"));
            for field in problem.errors {
                assert!(
                    AdministrationErrorCode::from_code(&field.code).is_some(),
                    "`{}` of `{}` is not in AdministrationErrorCode",
                    field.code,
                    field.field
                );
            }
        }
    }
}
