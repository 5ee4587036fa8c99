//! Ward administration: resident imports, the plan's targets, target and household
//! reports (JSON, CSV, XLSX), and the audit log.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, get, post, put, web};
use futures_util::StreamExt;
use hocvuso_administration::audit::{AuditEntryView, AuditFilter};
use hocvuso_administration::people::ImportSummary;
use hocvuso_administration::reports::{HouseholdsReport, TargetsReport};
use hocvuso_administration::sheet::FileFormat;
use hocvuso_administration::targets::{SetTargetRequest, TargetView};
use hocvuso_kernel::problem::ProblemBody;
use hocvuso_kernel::{Page, PageQuery, Problem, Role, TargetGroup};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ValidJson, ValidQuery};
use crate::reports::{Format, ReportParams, file_response, report_response};
use crate::state::AppState;
use crate::work_limits::Work;
use hocvuso_journeys::administering::Upload;

/// Largest resident list accepted in one upload (a 200,000-row CSV is about 25 MB).
const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(import_people)
        .service(people_import)
        .service(import_rejections)
        .service(list_targets)
        .service(set_target)
        .service(targets_report)
        .service(households_report)
        .service(audit_log);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FormatQuery {
    /// `json` (default), `csv` or `xlsx`.
    #[param(inline)]
    format: Option<Format>,
}

fn import_error(vi: String, en: String) -> ApiError {
    ApiError(Problem::bad_request("malformed_multipart", vi, en))
}

/// Reads the `file` field of a form whole, within the size limit.
async fn read_file(mut form: Multipart) -> ApiResult<(Vec<u8>, Option<String>, Option<String>)> {
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| {
            import_error(
                format!("Biểu mẫu tải lên không hợp lệ: {e}"),
                format!("Malformed upload form: {e}"),
            )
        })?;
        let disposition = field.content_disposition().cloned();
        if disposition.as_ref().and_then(|d| d.get_name()) != Some("file") {
            continue;
        }
        let file_name = disposition
            .as_ref()
            .and_then(|d| d.get_filename())
            .map(str::to_owned);
        let content_type = field.content_type().map(|m| m.essence_str().to_owned());
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| {
                import_error(
                    format!("Tải tệp bị gián đoạn: {e}"),
                    format!("The upload was interrupted: {e}"),
                )
            })?;
            if bytes.len() + chunk.len() > MAX_IMPORT_BYTES {
                return Err(ApiError(crate::error::payload_too_large()));
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok((bytes, file_name, content_type));
    }
    Err(crate::error::missing_file())
}

/// Imports a resident list (CSV in UTF-8, or XLSX) as `multipart/form-data` (field
/// `file`). Columns: `full_name`, `birth_date`, `sex`, `cccd`, `phone`, `target_group`,
/// `residential_group` (a unit's code or name), `household` — or their Vietnamese names
/// ("Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Số điện thoại", "Đối tượng",
/// "Tổ dân phố", "Hộ gia đình"). Each row is checked on its own: valid rows are created
/// or updated (keyed by the citizen ID), refused rows are listed with row, column, code
/// and message, and stay downloadable. Importing a file again changes nothing.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "A form with one file field named `file`"),
    responses(
        (status = CREATED, body = ImportSummary),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`file_missing`, `file_empty`, `file_not_utf8`, `file_unreadable`, `import_columns_missing`"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = PAYLOAD_TOO_LARGE, body = ProblemBody, content_type = "application/problem+json", description = "`payload_too_large`, `too_many_rows`"),
        (status = UNSUPPORTED_MEDIA_TYPE, body = ProblemBody, content_type = "application/problem+json", description = "`unsupported_file_format`"),
    )
)]
#[post("/people/imports")]
async fn import_people(
    state: web::Data<AppState>,
    caller: Authenticated,
    form: Multipart,
) -> ApiResult<HttpResponse> {
    let principal = caller.require(&[Role::Admin])?;
    let (bytes, file_name, content_type) = read_file(form).await?;
    let format = FileFormat::detect(content_type.as_deref(), file_name.as_deref())
        .ok_or(hocvuso_administration::AdministrationError::UnsupportedFormat)?;
    let upload = Upload {
        bytes,
        format,
        file_name,
    };
    let summary = state.import_people(principal, upload).await?;
    Ok(HttpResponse::Created().json(summary))
}

/// An earlier import's summary with every refused row (for the administrator who made it).
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, body = ImportSummary),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/people/imports/{id}")]
async fn people_import(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ImportSummary>> {
    let principal = caller.require(&[Role::Admin])?;
    Ok(web::Json(
        state.administration.people_import(principal, *id).await?,
    ))
}

/// The refused rows of an import as a CSV (default) or XLSX file: row, column, code and
/// the message in Vietnamese and English.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), FormatQuery),
    responses(
        (status = OK, description = "CSV; or an XLSX workbook, with `format=xlsx`", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/people/imports/{id}/rejections")]
async fn import_rejections(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    query: web::Query<FormatQuery>,
) -> ApiResult<HttpResponse> {
    let principal = caller.require(&[Role::Admin])?;
    let table = state
        .administration
        .rejection_report(principal, *id)
        .await?;
    let format = query.format.unwrap_or(Format::Csv);
    file_response(&table, format, "dong-bi-tu-choi")
}

/// The plan's targets: per year and target group, the percent to be confirmed.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    responses(
        (status = OK, body = Vec<TargetView>),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/targets")]
async fn list_targets(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> ApiResult<web::Json<Vec<TargetView>>> {
    caller.require(&[Role::Admin])?;
    Ok(web::Json(state.administration.targets().await?))
}

/// Sets a year's target for a group: national administrators only (scoped to a unit of kind `nation`), since every province and ward reports against it; audited.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(("year" = i32, Path, minimum = 2024, maximum = 2035), ("target_group" = TargetGroup, Path)),
    request_body = SetTargetRequest,
    responses(
        (status = OK, body = TargetView),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`validation_failed`: field percent is `percent_out_of_range`, or year is `year_out_of_range`"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[put("/targets/{year}/{target_group}")]
async fn set_target(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(i32, TargetGroup)>,
    ValidJson(body): ValidJson<SetTargetRequest>,
) -> ApiResult<web::Json<TargetView>> {
    let principal = caller.require(&[Role::Admin])?;
    let (year, group) = path.into_inner();
    let after = state.set_target(principal, year, group, body).await?;
    Ok(web::Json(after))
}

/// The targets report: per unit (rolled up the tree) and target group, the population,
/// enrolled, completed, certified (confirmed) and identity-verified, against the year's
/// target. `format=csv|xlsx` gives the same rows and numbers as a file.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(ReportParams),
    responses(
        (status = OK, description = "JSON; or a CSV file, or an XLSX workbook, with `format`", content(
            (TargetsReport = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`validation_failed`: field period is `period_invalid`"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json", description = "a unit outside your scope"),
        (status = TOO_MANY_REQUESTS, body = ProblemBody, content_type = "application/problem+json", description = "`too_many_at_once`, with `Retry-After`"),
        (status = SERVICE_UNAVAILABLE, body = ProblemBody, content_type = "application/problem+json", description = "`server_busy`, with `Retry-After`"),
    )
)]
#[get("/reports/targets")]
async fn targets_report(
    state: web::Data<AppState>,
    caller: Authenticated,
    params: web::Query<ReportParams>,
) -> ApiResult<HttpResponse> {
    let principal = caller.require(&[Role::Admin])?;
    let _permit = state
        .work_limits
        .begin(Work::Report, Some(principal.user_id))?;
    let report = state
        .administration
        .targets_report(principal, &params.query())
        .await?;
    report_response(
        &report,
        || report.table(),
        params.format,
        "bao-cao-chi-tieu",
    )
}

/// Households ("Gia đình số") per unit: how many, and how many have at least one
/// certified member, as JSON, CSV or XLSX.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(ReportParams),
    responses(
        (status = OK, description = "JSON; or a CSV file, or an XLSX workbook, with `format`", content(
            (HouseholdsReport = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`validation_failed`: field period is `period_invalid`"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json", description = "a unit outside your scope"),
        (status = TOO_MANY_REQUESTS, body = ProblemBody, content_type = "application/problem+json", description = "`too_many_at_once`, with `Retry-After`"),
        (status = SERVICE_UNAVAILABLE, body = ProblemBody, content_type = "application/problem+json", description = "`server_busy`, with `Retry-After`"),
    )
)]
#[get("/reports/households")]
async fn households_report(
    state: web::Data<AppState>,
    caller: Authenticated,
    params: web::Query<ReportParams>,
) -> ApiResult<HttpResponse> {
    let principal = caller.require(&[Role::Admin])?;
    let _permit = state
        .work_limits
        .begin(Work::Report, Some(principal.user_id))?;
    let report = state
        .administration
        .households_report(principal, &params.query())
        .await?;
    report_response(
        &report,
        || report.table(),
        params.format,
        "bao-cao-ho-gia-dinh",
    )
}

/// The audit log of administrative writes within your units, newest first.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(AuditFilter, PageQuery),
    responses(
        (status = OK, body = Page<AuditEntryView>),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/audit-log")]
async fn audit_log(
    state: web::Data<AppState>,
    caller: Authenticated,
    filter: web::Query<AuditFilter>,
    ValidQuery(page): ValidQuery<PageQuery>,
) -> ApiResult<web::Json<Page<AuditEntryView>>> {
    let principal = caller.require(&[Role::Admin])?;
    Ok(web::Json(
        state
            .administration
            .audit_log(principal, &filter, &page)
            .await?,
    ))
}
