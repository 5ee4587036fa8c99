//! Ward administration: resident imports, the plan's targets, target and household
//! reports (JSON, CSV, XLSX), and the audit log.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpResponse, get, post, put, web};
use futures_util::StreamExt;
use hocvuso_administration::audit::{AuditEntryView, AuditFilter};
use hocvuso_administration::people::ImportSummary;
use hocvuso_administration::reports::{HouseholdsReport, ReportQuery, TargetsReport};
use hocvuso_administration::sheet::{FileFormat, Table};
use hocvuso_administration::targets::{SetTargetRequest, TargetView};
use hocvuso_kernel::problem::ProblemBody;
use hocvuso_kernel::{Page, PageQuery, Problem, Role, TargetGroup};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::audit::{Audited, audit};
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ValidJson, ValidQuery};
use crate::state::AppState;

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

/// How a table is delivered.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(super) enum Format {
    #[default]
    Json,
    Csv,
    Xlsx,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FormatQuery {
    /// `json` (default), `csv` or `xlsx`.
    #[param(inline)]
    format: Option<Format>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ReportParams {
    /// The unit to report on, with every unit below it; by default, all of yours.
    pub(super) unit_id: Option<Uuid>,
    /// `2025`, `2025-Q4` or `2025-10`; the current year by default.
    pub(super) period: Option<String>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(inline)]
    pub(super) format: Option<Format>,
}

impl ReportParams {
    pub(super) fn query(&self) -> ReportQuery {
        ReportQuery {
            unit_id: self.unit_id,
            period: self.period.clone(),
        }
    }
}

/// A table as CSV or XLSX, for download.
pub(super) fn file_response(table: &Table, format: Format, name: &str) -> ApiResult<HttpResponse> {
    let (bytes, mime, ext) = match format {
        Format::Xlsx => (table.to_xlsx()?, FileFormat::XLSX_MIME, "xlsx"),
        Format::Csv | Format::Json => (table.to_csv()?, "text/csv; charset=utf-8", "csv"),
    };
    Ok(HttpResponse::Ok()
        .content_type(mime)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.{ext}\""),
        ))
        .body(bytes))
}

/// The highest of the administrator's units: where a write spanning their units is
/// filed in the audit log.
async fn top_unit(
    state: &AppState,
    principal: &hocvuso_kernel::Principal,
) -> ApiResult<Option<Uuid>> {
    let units = state.identity.units(principal).await?;
    let ids: std::collections::HashSet<Uuid> = units.iter().map(|u| u.id).collect();
    Ok(units
        .iter()
        .find(|u| !u.parent_id.is_some_and(|p| ids.contains(&p)))
        .map(|u| u.id))
}

/// A report as JSON, or as a CSV or XLSX file of the same rows and numbers.
pub(super) fn report_response<T: Serialize>(
    report: &T,
    table: impl FnOnce() -> Table,
    format: Option<Format>,
    name: &str,
) -> ApiResult<HttpResponse> {
    match format.unwrap_or_default() {
        Format::Json => Ok(HttpResponse::Ok().json(report)),
        format => file_response(&table(), format, name),
    }
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
    Err(super::media::missing_file())
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
    let summary = state
        .administration
        .import_people(principal, bytes, format, file_name)
        .await?;
    audit(
        &state,
        principal,
        Audited {
            action: "people.import",
            subject_kind: "people_import",
            subject_id: Some(summary.id),
            unit_id: top_unit(&state, principal).await?,
        },
        None::<()>,
        Some(&serde_json::json!({
            "file_name": summary.file_name,
            "total_rows": summary.total_rows,
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
            "rejected": summary.rejected,
        })),
    )
    .await?;
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
        (status = OK, content_type = "text/csv", body = String),
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

/// Sets a year's target for a group (administrators of a top-level unit; audited).
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(("year" = i32, Path), ("target_group" = TargetGroup, Path)),
    request_body = SetTargetRequest,
    responses(
        (status = OK, body = TargetView),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`percent_out_of_range`, `year_out_of_range`"),
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
    let (before, after) = state
        .administration
        .set_target(principal, year, group, body)
        .await?;
    audit(
        &state,
        principal,
        Audited {
            action: "target.set",
            subject_kind: "target",
            subject_id: None,
            unit_id: None,
        },
        before.as_ref(),
        Some(&after),
    )
    .await?;
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
        (status = OK, body = TargetsReport, description = "JSON; or `text/csv`, or an XLSX workbook, with `format`"),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`period_invalid`"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json", description = "a unit outside your scope"),
    )
)]
#[get("/reports/targets")]
async fn targets_report(
    state: web::Data<AppState>,
    caller: Authenticated,
    params: web::Query<ReportParams>,
) -> ApiResult<HttpResponse> {
    let principal = caller.require(&[Role::Admin])?;
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
        (status = OK, body = HouseholdsReport, description = "JSON; or `text/csv`, or an XLSX workbook, with `format`"),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`period_invalid`"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json", description = "a unit outside your scope"),
    )
)]
#[get("/reports/households")]
async fn households_report(
    state: web::Data<AppState>,
    caller: Authenticated,
    params: web::Query<ReportParams>,
) -> ApiResult<HttpResponse> {
    let principal = caller.require(&[Role::Admin])?;
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
