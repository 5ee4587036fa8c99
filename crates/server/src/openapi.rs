//! The OpenAPI document, generated from the handlers themselves.

use actix_web::App;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use hocvuso_kernel::problem::{FieldErrorBody, ProblemBody};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Hocvuso API",
        description = "API của nền tảng học trực tuyến \"Bình dân học vụ số\": khoá học kỹ năng số, \
            đánh giá và chứng nhận hoàn thành có thể kiểm chứng.\n\n\
            The API of the \"Bình dân học vụ số\" learning platform: digital-skills courses, \
            assessment and verifiable completion records.\n\n\
            Every error is an RFC 9457 problem (`application/problem+json`) with a stable `code`; \
            messages are in Vietnamese unless `Accept-Language` prefers English.",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0"),
    ),
    tags(
        (name = "operations", description = "Liveness and readiness probes"),
        (name = "auth", description = "Accounts and sessions"),
        (name = "profile", description = "The caller's own profile"),
        (name = "administration", description = "Units and people, resident imports, targets and reports, the audit log: within an administrator's scope"),
        (name = "catalog", description = "The competence framework, courses and lessons"),
        (name = "authoring", description = "Trainers build, order, publish and archive courses"),
        (name = "learning", description = "Enrolment, progress (online and offline sync), lesson locks, completion"),
        (name = "assessment", description = "Question banks, quizzes, placement tests and mastery"),
        (name = "assistant", description = "The learning assistant: questions answered from the lessons with citations, conversations, and the next step for every learner"),
        (name = "classes", description = "Classes of a unit's people: bulk enrolment, in-person sessions, attendance and progress"),
        (name = "certification", description = "Completion records (Open Badges 3.0 as VC-JWT) and PDF certificates"),
        (name = "verification", description = "Public checks of records: by code, by token, the QR page, keys and status lists"),
    ),
    modifiers(&BearerAuth),
    components(schemas(ProblemBody, FieldErrorBody)),
)]
struct ApiDoc;

/// Access tokens go in `Authorization: Bearer …`.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The whole document: the base above plus every path registered by [`crate::app::routes`],
/// each operation with the problems any request to it can meet.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::app::routes)
        .split_for_parts();
    for (path, item) in api.paths.paths.iter_mut() {
        let templated = path.contains('{');
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            document_common_problems(operation, templated);
        }
    }
    api
}

/// What every handler may answer besides its own outcomes, documented once here rather
/// than on each: a malformed request, a missing or refused sign-in, an unknown path
/// parameter, and a body too large or of the wrong type.
fn document_common_problems(operation: &mut Operation, templated: bool) {
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    let has_body = operation.request_body.is_some();
    let has_parameters = templated || operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let common = [
        (
            has_body || has_parameters,
            "400",
            "A malformed path, query or body (`malformed_json`, `invalid_body`, `validation_failed`, …).",
        ),
        (
            secured,
            "401",
            "No access token, or one that is expired or forged (`unauthorized`, `invalid_token`).",
        ),
        (
            secured,
            "403",
            "The caller may not do this (`forbidden`, or a code of the operation).",
        ),
        (
            templated,
            "404",
            "Nothing there, or nothing the caller may see (`not_found`).",
        ),
        (
            has_body,
            "413",
            "The body is larger than the server accepts (`payload_too_large`).",
        ),
        (
            has_body,
            "415",
            "The body is not in a type the operation takes (`unsupported_media_type`).",
        ),
    ];
    for (applies, status, description) in common {
        if applies && !operation.responses.responses.contains_key(status) {
            let problem = ResponseBuilder::new().description(description).content(
                "application/problem+json",
                Content::new(Some(Ref::from_schema_name("Problem"))),
            );
            operation
                .responses
                .responses
                .insert(status.to_owned(), RefOr::T(problem.build()));
        }
    }
}

/// The document as the pretty JSON kept in `openapi/openapi.json`.
pub fn document_json() -> String {
    // Serialising a document built from types cannot fail.
    let mut json = document().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}
