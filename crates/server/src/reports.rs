//! Reports as the ward office takes them: JSON, or a CSV or XLSX file of the same rows
//! and numbers, chosen with `format=`. Shared by every route that serves a report.

use actix_web::HttpResponse;
use actix_web::http::header;
use hocvuso_administration::reports::ReportQuery;
use hocvuso_administration::sheet::{FileFormat, Table};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiResult;

/// How a table is delivered.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Json,
    Csv,
    Xlsx,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// The unit to report on, with every unit below it; by default, all of yours.
    pub unit_id: Option<Uuid>,
    /// `2025`, `2025-Q4` or `2025-10`; the current year by default.
    pub period: Option<String>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(inline)]
    pub format: Option<Format>,
}

impl ReportParams {
    pub fn query(&self) -> ReportQuery {
        ReportQuery {
            unit_id: self.unit_id,
            period: self.period.clone(),
        }
    }
}

/// A table as CSV or XLSX, for download.
pub fn file_response(table: &Table, format: Format, name: &str) -> ApiResult<HttpResponse> {
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

/// A report as JSON, or as a CSV or XLSX file of the same rows and numbers.
pub fn report_response<T: Serialize>(
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
