//! Ward administration: resident imports, the plan's targets, target and household
//! reports (JSON, CSV, XLSX), and the audit log.

use std::collections::HashMap;
use std::sync::Arc;

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::NaiveDate;
use futures_util::StreamExt;
use hocvuso_administration::audit::{AuditEntryView, AuditFilter};
use hocvuso_administration::exports::{CourseName, ExportFormat, ExportQuery};
use hocvuso_administration::mentors::{
    MentorsQuery, MentorsReport, MentorshipView, UncertifiedHouseholds,
};
use hocvuso_administration::people::ImportSummary;
use hocvuso_administration::reports::{HouseholdsReport, ReportQuery, TargetsReport};
use hocvuso_administration::sheet::{FileFormat, Table};
use hocvuso_administration::targets::{SetTargetRequest, TargetView};
use hocvuso_enrollment::enrol::EnrollmentView;
use hocvuso_identity::dto::PersonBrief;
use hocvuso_kernel::problem::ProblemBody;
use hocvuso_kernel::{Page, PageQuery, Problem, Role, TargetGroup};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

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
        .service(audit_log)
        .service(export_completions)
        .service(assign_mentee)
        .service(unassign_mentee)
        .service(my_mentees)
        .service(mentors_report)
        .service(uncertified_households);
}

/// How a table is delivered.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Format {
    #[default]
    Json,
    Csv,
    Xlsx,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FormatQuery {
    /// `json` (default), `csv` or `xlsx`.
    format: Option<Format>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ReportParams {
    /// The unit to report on, with every unit below it; by default, all of yours.
    unit_id: Option<Uuid>,
    /// `2025`, `2025-Q4` or `2025-10`; the current year by default.
    period: Option<String>,
    /// `json` (default), `csv` or `xlsx`.
    format: Option<Format>,
}

impl ReportParams {
    fn query(&self) -> ReportQuery {
        ReportQuery {
            unit_id: self.unit_id,
            period: self.period.clone(),
        }
    }
}

/// A table as CSV or XLSX, for download.
fn file_response(table: &Table, format: Format, name: &str) -> ApiResult<HttpResponse> {
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
fn report_response<T: Serialize>(
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
    course: Option<String>,
    /// Issued on or after this day (UTC).
    from: Option<NaiveDate>,
    /// Issued before this day (UTC).
    to: Option<NaiveDate>,
    /// Resume after this record: the `record_id` of the last row received.
    after: Option<Uuid>,
    /// `csv` (default), `xlsx`, or `jsonl` (the VNeID batch).
    format: Option<ExportFileFormat>,
}

fn start_of(day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// Every course's code and title, for naming them in exports.
async fn course_names(state: &AppState) -> ApiResult<HashMap<Uuid, CourseName>> {
    let mut names = HashMap::new();
    for (code, id) in state.courses.course_ids().await?.iter() {
        if let Some(course) = state.courses.structure(*id).await? {
            names.insert(
                *id,
                CourseName {
                    code: code.clone(),
                    title: course.title.clone(),
                },
            );
        }
    }
    Ok(names)
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
        (status = OK, content_type = "text/csv", body = String, description = "CSV; or an XLSX workbook, or JSON Lines (`application/x-ndjson`), with `format`"),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json", description = "a unit outside your scope, or an unknown course"),
    )
)]
#[get("/exports/completions")]
async fn export_completions(
    state: web::Data<AppState>,
    caller: Authenticated,
    ValidQuery(params): ValidQuery<ExportParams>,
) -> ApiResult<HttpResponse> {
    let principal = caller.require(&[Role::Admin])?;
    let course_id = super::course_id_of(&state, params.course.as_deref()).await?;
    let query = ExportQuery {
        unit_id: params.unit_id,
        target_group: params.target_group,
        course_id,
        issued_from: params.from.map(start_of),
        issued_to: params.to.map(start_of),
        after: params.after,
    };
    let (format, mime, ext) = match params.format.unwrap_or_default() {
        ExportFileFormat::Csv => (ExportFormat::Csv, "text/csv; charset=utf-8", "csv"),
        ExportFileFormat::Xlsx => (ExportFormat::Xlsx, FileFormat::XLSX_MIME, "xlsx"),
        ExportFileFormat::Jsonl => (ExportFormat::Jsonl, "application/x-ndjson", "jsonl"),
    };
    let chunks = state
        .administration
        .export_completions(
            principal,
            query,
            Arc::new(course_names(&state).await?),
            format,
        )
        .await?;
    let body = super::chunked_body(chunks);
    Ok(HttpResponse::Ok()
        .content_type(mime)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"chung-nhan-hoan-thanh.{ext}\""),
        ))
        .streaming(body))
}

/// Assigns a mentee to a mentor ("Đại sứ số"), replacing an earlier mentor; both must
/// be in your units (audited).
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(("mentor_id" = Uuid, Path), ("mentee_id" = Uuid, Path)),
    responses(
        (status = OK, body = MentorshipView),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`mentor_is_mentee`"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json", description = "a person outside your units"),
    )
)]
#[put("/mentors/{mentor_id}/mentees/{mentee_id}")]
async fn assign_mentee(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<web::Json<MentorshipView>> {
    let principal = caller.require(&[Role::Admin])?;
    let (mentor, mentee) = path.into_inner();
    let (before, after) = state
        .administration
        .assign_mentee(principal, mentor, mentee)
        .await?;
    let what = Audited {
        action: "mentorship.assign",
        subject_kind: "user",
        subject_id: Some(mentee),
        unit_id: state.identity.user(principal, mentee).await?.unit_id,
    };
    audit(&state, principal, what, before.as_ref(), Some(&after)).await?;
    Ok(web::Json(after))
}

/// Ends a mentorship (audited).
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(("mentor_id" = Uuid, Path), ("mentee_id" = Uuid, Path)),
    responses(
        (status = NO_CONTENT),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[delete("/mentors/{mentor_id}/mentees/{mentee_id}")]
async fn unassign_mentee(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let principal = caller.require(&[Role::Admin])?;
    let (mentor, mentee) = path.into_inner();
    let before = state
        .administration
        .unassign_mentee(principal, mentor, mentee)
        .await?;
    let what = Audited {
        action: "mentorship.end",
        subject_kind: "user",
        subject_id: Some(mentee),
        unit_id: state.identity.user(principal, mentee).await?.unit_id,
    };
    audit(&state, principal, what, Some(&before), None::<()>).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A mentee and how far they got in each of their courses.
#[derive(Debug, Serialize, ToSchema)]
struct MenteeProgress {
    #[serde(flatten)]
    person: PersonBrief,
    courses: Vec<EnrollmentView>,
}

/// The people the caller guides as a mentor, with their courses and progress.
#[utoipa::path(
    tag = "learning",
    security(("bearer" = [])),
    responses(
        (status = OK, body = Vec<MenteeProgress>),
        (status = UNAUTHORIZED, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/me/mentees")]
async fn my_mentees(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> ApiResult<web::Json<Vec<MenteeProgress>>> {
    let mut mentees = Vec::new();
    for person in state.administration.mentees(caller.0.user_id).await? {
        let courses = state
            .learning
            .my_courses(person.id, &super::learning::Plans(&state))
            .await?;
        mentees.push(MenteeProgress { person, courses });
    }
    Ok(web::Json(mentees))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct MentorsParams {
    /// Mentors in this unit and those below it; by default, all of yours.
    unit_id: Option<Uuid>,
    /// Only mentors with fewer than five mentees.
    below_target: Option<bool>,
    /// `json` (default), `csv` or `xlsx`.
    format: Option<Format>,
}

/// Mentors ("Đại sứ số") in your units with how many people each guides, fewest first;
/// `below_target=true` lists those with fewer than the plan's five.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(MentorsParams),
    responses(
        (status = OK, body = MentorsReport, description = "JSON; or `text/csv`, or an XLSX workbook, with `format`"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/reports/mentors")]
async fn mentors_report(
    state: web::Data<AppState>,
    caller: Authenticated,
    params: web::Query<MentorsParams>,
) -> ApiResult<HttpResponse> {
    let principal = caller.require(&[Role::Admin])?;
    let query = MentorsQuery {
        unit_id: params.unit_id,
        below_target: params.below_target,
    };
    let report = state
        .administration
        .mentors_report(principal, &query)
        .await?;
    report_response(&report, || report.table(), params.format, "dai-su-so")
}

/// Households in your units where nobody held a valid completion record at the end of
/// the period ("Gia đình số" wants one in each), with their member count.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(ReportParams),
    responses(
        (status = OK, body = UncertifiedHouseholds, description = "JSON; or `text/csv`, or an XLSX workbook, with `format`"),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`period_invalid`"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/reports/households/uncertified")]
async fn uncertified_households(
    state: web::Data<AppState>,
    caller: Authenticated,
    params: web::Query<ReportParams>,
) -> ApiResult<HttpResponse> {
    let principal = caller.require(&[Role::Admin])?;
    let report = state
        .administration
        .uncertified_households(principal, &params.query())
        .await?;
    report_response(
        &report,
        || report.table(),
        params.format,
        "ho-chua-co-nguoi-duoc-chung-nhan",
    )
}
