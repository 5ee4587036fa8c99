//! The committed OpenAPI document must be what the code generates, and name only
//! codes that exist.

use std::collections::BTreeMap;

use hocvuso_kernel::problem::codes::is_code;
use hocvuso_kernel::problem::{ErrorCode, KernelErrorCode};

#[test]
fn the_committed_openapi_document_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let generated = hocvuso_server::openapi::document_json();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json`"
    );
}

/// Codes the server crate spells itself, outside any crate's registry (all of them the
/// `code` of a problem).
const SERVER_CODES: &[&str] = &[
    // crates/server/src/error.rs: `problem_for_status`, `payload_too_large`,
    // `unsupported_media_type`, `json_error`, `query_error`, `missing_file`.
    "method_not_allowed",
    "bad_request",
    "payload_too_large",
    "unsupported_media_type",
    "invalid_body",
    "malformed_json",
    "invalid_query",
    "file_missing",
    // crates/server/src/rate_limit.rs: `too_many`.
    "rate_limited",
    // crates/server/src/work_limits.rs: `WorkLimits::begin`.
    "too_many_at_once",
    "server_busy",
    // crates/server/src/routes/administration.rs (`import_error`) and
    // crates/server/src/routes/media.rs (the upload form).
    "malformed_multipart",
];

fn registry(codes: impl Iterator<Item = impl ErrorCode>) -> Vec<(&'static str, bool)> {
    codes.map(|code| (code.as_str(), code.is_field())).collect()
}

/// Every code a problem or one of its invalid fields can carry (the kernel's registry,
/// each domain crate's, the server's own), with whether it is only ever a field's.
fn known_codes() -> BTreeMap<&'static str, bool> {
    let registries = [
        registry(KernelErrorCode::iter()),
        registry(hocvuso_identity::IdentityError::codes()),
        registry(hocvuso_courses::CoursesError::codes()),
        registry(hocvuso_enrollment::EnrollmentError::codes()),
        registry(hocvuso_assessment::AssessmentError::codes()),
        registry(hocvuso_certification::CertificationError::codes()),
        registry(hocvuso_administration::AdministrationError::codes()),
        registry(hocvuso_assistant::AssistantError::codes()),
        SERVER_CODES.iter().map(|&code| (code, false)).collect(),
    ];
    let mut known = BTreeMap::new();
    for (code, field) in registries.into_iter().flatten() {
        // A problem's code in one registry is a problem's code, whatever another says.
        *known.entry(code).or_insert(true) &= field;
    }
    known
}

/// One code named by the document.
#[derive(Debug)]
struct Documented {
    code: String,
    /// `POST /api/v1/classes (create_class) 400`.
    place: String,
    description: String,
}

/// Every `snake_case` word in backticks in the description of an error response
/// (4xx, 5xx), which is how the document names codes ("`course_not_for_target_group`,
/// `target_group_required`"). Success responses are left out: their backticks hold
/// values of the body (`status`), parameters (`format`) or paths (`/v/{code}`).
fn documented_codes(document: &serde_json::Value) -> Vec<Documented> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let operation_id = operation["operationId"].as_str().unwrap_or("?");
            for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                if !(status.starts_with('4') || status.starts_with('5')) {
                    continue;
                }
                let description = response["description"].as_str().unwrap_or_default();
                // Between the 1st and 2nd backtick, the 3rd and 4th, …
                for token in description.split('`').skip(1).step_by(2) {
                    if is_code(token) {
                        found.push(Documented {
                            code: token.to_owned(),
                            place: format!(
                                "{} {path} ({operation_id}) {status}",
                                method.to_uppercase()
                            ),
                            description: description.to_owned(),
                        });
                    }
                }
            }
        }
    }
    found
}

fn committed_document() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
    let text = std::fs::read_to_string(path).expect("openapi/openapi.json");
    serde_json::from_str(&text).expect("JSON")
}

/// The documented codes that no registry holds.
fn unknown(documented: &[Documented], known: &BTreeMap<&str, bool>) -> Vec<String> {
    documented
        .iter()
        .filter(|d| !known.contains_key(d.code.as_str()))
        .map(|d| format!("`{}` at {}", d.code, d.place))
        .collect()
}

#[test]
fn every_code_the_document_names_exists() {
    let documented = documented_codes(&committed_document());
    assert!(
        documented.len() > 20,
        "the error responses name their codes in backticks: {documented:?}"
    );
    let unknown = unknown(&documented, &known_codes());
    assert!(
        unknown.is_empty(),
        "the OpenAPI document names codes that no problem carries:\n{}",
        unknown.join("\n")
    );
}

/// A client reads a problem's `code`; a field's code (`unknown_unit`) sits in its
/// `errors`, under the problem's own code (`validation_failed`). A description naming
/// only a field's code must say it is a field's: with the word "field", or by naming
/// `validation_failed`.
#[test]
fn a_fields_code_is_documented_as_a_fields() {
    let known = known_codes();
    let misnamed: Vec<String> = documented_codes(&committed_document())
        .iter()
        .filter(|d| known.get(d.code.as_str()) == Some(&true))
        .filter(|d| {
            !d.description.to_lowercase().contains("field")
                && !d.description.contains("`validation_failed`")
        })
        .map(|d| {
            format!(
                "`{}` at {}: a field's code, not the problem's",
                d.code, d.place
            )
        })
        .collect();
    assert!(
        misnamed.is_empty(),
        "the OpenAPI document gives fields' codes as problems' codes:\n{}",
        misnamed.join("\n")
    );
}

#[test]
fn the_check_sees_a_code_that_does_not_exist() {
    let document = serde_json::json!({
        "paths": {"/x": {"post": {
            "operationId": "make_x",
            "responses": {
                "200": {"description": "`status`: `valid`, or see `/v/{code}`"},
                "409": {"description": "`no_such_code` or `not_found`, with `Retry-After`"},
            }
        }}}
    });
    let documented = documented_codes(&document);
    let codes: Vec<&str> = documented.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["no_such_code", "not_found"]);
    assert_eq!(
        unknown(&documented, &known_codes()),
        ["`no_such_code` at POST /x (make_x) 409"]
    );
}
