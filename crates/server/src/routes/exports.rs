//! Exports of completion records: CSV and XLSX for the ward office, JSON Lines for the
//! VNeID batch; streamed and resumable.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use hocvuso_administration::exports::{ExportFormat, ExportQuery};
use hocvuso_administration::sheet::FileFormat;
use hocvuso_kernel::TargetGroup;
use hocvuso_kernel::problem::ProblemBody;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::auth::Authenticated;
use crate::error::ApiResult;
use crate::extract::ValidQuery;
use crate::state::AppState;
use crate::work_limits::Work;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(export_completions);
}

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum ExportFileFormat {
    #[default]
    Csv,
    Xlsx,
    /// The VNeID batch: JSON Lines, one signed record per line.
    Jsonl,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportParams {
    /// Records of people in this unit and those below it; by default, all of yours.
    unit_id: Option<Uuid>,
    target_group: Option<TargetGroup>,
    /// A course code.
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    course: Option<String>,
    /// Issued on or after this day (UTC).
    from: Option<NaiveDate>,
    /// Issued before this day (UTC).
    to: Option<NaiveDate>,
    /// Resume after this record: the `record_id` of the last row received.
    after: Option<Uuid>,
    /// `csv` (default), `xlsx`, or `jsonl` (the VNeID batch).
    #[param(inline)]
    format: Option<ExportFileFormat>,
}

/// Completion records of the people in your units, filtered by unit, target group,
/// course and issue date, oldest first: `csv` (UTF-8 with a byte-order mark, for Excel)
/// or `xlsx` for the ward office, or `jsonl`, the VNeID batch: one line per record with
/// its status and the signed credential (VC-JWT), whose subject carries the keyed hash
/// of the citizen ID an identity platform matches on. Streamed as it is read; to resume
/// an interrupted download, pass the last `record_id` received as `after` (a resumed
/// CSV has no header). An XLSX file holds at most 1,048,575 records.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(ExportParams),
    responses(
        (status = OK, description = "CSV; or an XLSX workbook, or JSON Lines, with `format`", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "application/x-ndjson"),
        )),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json", description = "a unit outside your scope, or an unknown course"),
        (status = TOO_MANY_REQUESTS, body = ProblemBody, content_type = "application/problem+json", description = "`too_many_at_once`, with `Retry-After`"),
        (status = SERVICE_UNAVAILABLE, body = ProblemBody, content_type = "application/problem+json", description = "`server_busy`, with `Retry-After`"),
    )
)]
#[get("/exports/completions")]
async fn export_completions(
    state: web::Data<AppState>,
    caller: Authenticated,
    ValidQuery(params): ValidQuery<ExportParams>,
) -> ApiResult<HttpResponse> {
    let query = ExportQuery {
        unit_id: params.unit_id,
        target_group: params.target_group,
        course_id: None,
        issued_from: params.from.map(super::start_of),
        issued_to: params.to.map(super::start_of),
        after: params.after,
    };
    let (format, mime, ext) = match params.format.unwrap_or_default() {
        ExportFileFormat::Csv => (ExportFormat::Csv, "text/csv; charset=utf-8", "csv"),
        ExportFileFormat::Xlsx => (ExportFormat::Xlsx, FileFormat::XLSX_MIME, "xlsx"),
        ExportFileFormat::Jsonl => (ExportFormat::Jsonl, "application/x-ndjson", "jsonl"),
    };
    let permit = state
        .work_limits
        .begin(Work::Report, Some(caller.0.user_id))?;
    let chunks = state
        .export_completions(&caller.0, params.course.as_deref(), query, format)
        .await?;
    let body = super::chunked_body(chunks, permit);
    Ok(HttpResponse::Ok()
        .content_type(mime)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"chung-nhan-hoan-thanh.{ext}\""),
        ))
        .streaming(body))
}
