//! Turning `validator`'s errors into one problem that names every invalid field.

use std::borrow::Cow;

use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

use super::{FieldError, KernelErrorCode, Message, Problem};

/// Parameters a custom validator sets to give its own bilingual message.
pub const MESSAGE_VI: &str = "message_vi";
pub const MESSAGE_EN: &str = "message_en";

/// A custom validation error carrying its own message in both languages.
pub fn custom_error(code: &'static str, vi: &'static str, en: &'static str) -> ValidationError {
    let mut error = ValidationError::new(code);
    error.add_param(Cow::Borrowed(MESSAGE_VI), &vi);
    error.add_param(Cow::Borrowed(MESSAGE_EN), &en);
    error
}

impl From<ValidationErrors> for Problem {
    fn from(errors: ValidationErrors) -> Self {
        let mut fields = Vec::new();
        flatten(&errors, "", &mut fields);
        fields.sort_by(|a, b| a.field.cmp(&b.field).then(a.code.cmp(&b.code)));
        invalid_input(fields)
    }
}

/// The problem for a request whose one field `field` broke the rule `code`.
pub fn invalid_field(
    field: &str,
    code: impl Into<Cow<'static, str>>,
    vi: &'static str,
    en: &'static str,
) -> Problem {
    invalid_input(vec![FieldError {
        field: field.to_owned(),
        code: code.into(),
        message: Message::new(vi, en),
    }])
}

/// The problem for a request whose fields are invalid.
pub fn invalid_input(fields: Vec<FieldError>) -> Problem {
    Problem::bad_request(
        KernelErrorCode::ValidationFailed,
        "Dữ liệu gửi lên không hợp lệ.",
        "The request contains invalid fields.",
    )
    .with_errors(fields)
}

fn flatten(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (name, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                out.extend(list.iter().map(|e| FieldError {
                    field: path.clone(),
                    code: e.code.clone(),
                    message: message_for(e),
                }));
            }
            ValidationErrorsKind::Struct(inner) => flatten(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    flatten(inner, &format!("{path}[{index}]"), out);
                }
            }
        }
    }
}

fn param(error: &ValidationError, name: &str) -> Option<String> {
    error.params.get(name).map(|v| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

fn message_for(error: &ValidationError) -> Message {
    if let (Some(vi), Some(en)) = (param(error, MESSAGE_VI), param(error, MESSAGE_EN)) {
        return Message::new(vi, en);
    }
    let (min, max, equal) = (
        param(error, "min"),
        param(error, "max"),
        param(error, "equal"),
    );
    let Some(rule) = KernelErrorCode::from_code(&error.code) else {
        return invalid_value();
    };
    match rule {
        KernelErrorCode::Length => match (equal, min, max) {
            (Some(n), _, _) => Message::new(
                format!("Phải có đúng {n} ký tự."),
                format!("Must be exactly {n} characters long."),
            ),
            (None, Some(min), Some(max)) => Message::new(
                format!("Độ dài phải từ {min} đến {max} ký tự."),
                format!("Must be between {min} and {max} characters long."),
            ),
            (None, Some(min), None) => Message::new(
                format!("Phải có ít nhất {min} ký tự."),
                format!("Must be at least {min} characters long."),
            ),
            (None, None, Some(max)) => Message::new(
                format!("Không được dài quá {max} ký tự."),
                format!("Must be at most {max} characters long."),
            ),
            (None, None, None) => invalid_value(),
        },
        KernelErrorCode::Range => match (min, max) {
            (Some(min), Some(max)) => Message::new(
                format!("Giá trị phải từ {min} đến {max}."),
                format!("Must be between {min} and {max}."),
            ),
            (Some(min), None) => Message::new(
                format!("Giá trị phải lớn hơn hoặc bằng {min}."),
                format!("Must be at least {min}."),
            ),
            (None, Some(max)) => Message::new(
                format!("Giá trị phải nhỏ hơn hoặc bằng {max}."),
                format!("Must be at most {max}."),
            ),
            (None, None) => invalid_value(),
        },
        KernelErrorCode::Email => {
            Message::new("Địa chỉ email không hợp lệ.", "Not a valid email address.")
        }
        KernelErrorCode::Url => Message::new("Địa chỉ URL không hợp lệ.", "Not a valid URL."),
        KernelErrorCode::Required => {
            Message::new("Trường này là bắt buộc.", "This field is required.")
        }
        _ => invalid_value(),
    }
}

fn invalid_value() -> Message {
    Message::new("Giá trị không hợp lệ.", "Invalid value.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use validator::Validate;

    #[derive(Validate)]
    struct Inner {
        #[validate(range(min = 1, max = 5))]
        rank: u8,
    }

    #[derive(Validate)]
    struct Outer {
        #[validate(length(min = 2, max = 10))]
        name: String,
        #[validate(email)]
        email: String,
        #[validate(nested)]
        inner: Inner,
    }

    #[test]
    fn names_every_invalid_field_including_nested_ones() {
        let outer = Outer {
            name: "x".into(),
            email: "not-an-email".into(),
            inner: Inner { rank: 9 },
        };
        let problem = Problem::from(outer.validate().expect_err("invalid"));
        assert_eq!(problem.status, 400);
        assert_eq!(problem.code, "validation_failed");
        let fields: Vec<_> = problem
            .errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_ref()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("email", "email"),
                ("inner.rank", "range"),
                ("name", "length")
            ]
        );
        assert_eq!(
            problem.errors[2].message.en,
            "Must be between 2 and 10 characters long."
        );
        assert_eq!(problem.errors[1].message.vi, "Giá trị phải từ 1 đến 5.");
    }

    #[test]
    fn custom_errors_keep_their_bilingual_message() {
        let error = custom_error("weak_password", "Mật khẩu quá yếu.", "Password too weak.");
        let message = message_for(&error);
        assert_eq!(message.vi, "Mật khẩu quá yếu.");
        assert_eq!(message.en, "Password too weak.");
    }
}
