//! Exports of completion records, filtered by unit, target group, course and date: a
//! table (CSV or XLSX) for the ward office, and the "VNeID batch" (JSON Lines, one
//! signed record per line) for an identity platform. Streamed a page at a time, so
//! memory stays flat however many records there are, and resumable: each row carries
//! its record id, and `after` starts after the last one received.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use hocvuso_certification::census::holder;
use hocvuso_certification::export::{HolderFacts, RecordQuery, RecordRow};
use hocvuso_identity::census::{self as people, belongs};
use hocvuso_kernel::{Principal, TargetGroup};
use rust_xlsxwriter::Workbook;
use serde::Serialize;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::{Administration, AdministrationError};

/// Records read per page.
const PAGE: u64 = 1000;
/// Records read per page when each carries its signed credential (about 2.4 KB a line),
/// so that pages and chunks in flight hold about as many bytes as a table's.
const PAGE_WITH_TOKENS: u64 = 250;
/// Chunks waiting for a slow client before the export pauses.
const CHUNKS_IN_FLIGHT: usize = 4;
/// Pages read ahead of the one being written.
const PAGES_AHEAD: usize = 2;

type Page = Vec<RecordRow>;
/// A worksheet holds 1,048,576 rows, one of them the header; resume with `after`.
pub const XLSX_MAX_RECORDS: usize = 1_048_575;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    /// The VNeID batch: JSON Lines.
    Jsonl,
}

#[derive(Debug, Clone, Default)]
pub struct ExportQuery {
    pub unit_id: Option<Uuid>,
    pub target_group: Option<TargetGroup>,
    pub course_id: Option<Uuid>,
    pub issued_from: Option<DateTime<Utc>>,
    pub issued_to: Option<DateTime<Utc>>,
    /// Resume after this record (the last id received).
    pub after: Option<Uuid>,
}

/// A course's code and title, as exports name it.
#[derive(Debug, Clone)]
pub struct CourseName {
    pub code: String,
    pub title: String,
}

pub type Chunks = mpsc::Receiver<Result<Vec<u8>, std::io::Error>>;

const COLUMNS: [&str; 14] = [
    "record_id",
    "code",
    "status",
    "issued_at",
    "valid_until",
    "revoked_at",
    "holder_name",
    "target_group",
    "unit_code",
    "unit_name",
    "course_code",
    "course_title",
    "score_percent",
    "verification_url",
];

/// What an export needs besides the records: names of units and courses.
struct Context {
    records: RecordQuery,
    after: Option<Uuid>,
    units: HashMap<Uuid, (Option<String>, String)>,
    courses: Arc<HashMap<Uuid, CourseName>>,
}

fn time(at: Option<DateTime<Utc>>) -> String {
    at.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

impl Context {
    /// One record as the table's cells.
    fn cells(&self, row: &RecordRow) -> [String; 14] {
        let (unit_code, unit_name) = row
            .holder_unit_id
            .and_then(|u| self.units.get(&u))
            .cloned()
            .unwrap_or_default();
        let group = row
            .holder_target_group
            .as_deref()
            .and_then(TargetGroup::parse);
        let course = self.courses.get(&row.course_id);
        [
            row.id.to_string(),
            row.code.clone(),
            row.status.as_str().to_owned(),
            time(Some(row.issued_at)),
            time(row.valid_until),
            time(row.revoked_at),
            row.holder_name.clone(),
            group.map(|g| g.as_str().to_owned()).unwrap_or_default(),
            unit_code.unwrap_or_default(),
            unit_name,
            course.map(|c| c.code.clone()).unwrap_or_default(),
            course.map(|c| c.title.clone()).unwrap_or_default(),
            row.score_percent.to_string(),
            row.verification_url.clone(),
        ]
    }

    /// One record as a line of the VNeID batch: what an identity platform needs to
    /// confirm a citizen, the signed credential first among them (its subject carries
    /// the keyed hash of the citizen ID the platform matches on).
    fn vneid_line(&self, row: &RecordRow, out: &mut Vec<u8>) -> Result<(), AdministrationError> {
        let course = self.courses.get(&row.course_id);
        let line = VneidLine {
            record_id: row.id,
            code: &row.code,
            status: row.status.as_str(),
            issued_at: time(Some(row.issued_at)),
            valid_until: row.valid_until.map(|t| time(Some(t))),
            revoked_at: row.revoked_at.map(|t| time(Some(t))),
            course_code: course.map(|c| c.code.as_str()),
            course_title: course.map(|c| c.title.as_str()),
            verification_url: &row.verification_url,
            credential: &row.token,
        };
        serde_json::to_writer(&mut *out, &line)
            .map_err(|e| AdministrationError::Internal(e.to_string()))?;
        out.push(b'\n');
        Ok(())
    }
}

/// A line of the VNeID batch.
#[derive(Serialize)]
struct VneidLine<'a> {
    record_id: Uuid,
    code: &'a str,
    status: &'static str,
    issued_at: String,
    valid_until: Option<String>,
    revoked_at: Option<String>,
    course_code: Option<&'a str>,
    course_title: Option<&'a str>,
    verification_url: &'a str,
    /// The signed record (VC-JWT).
    credential: &'a str,
}

impl Administration {
    /// Starts an export; scope and filters are checked before the first byte, so a
    /// client's mistake is an error response, not a broken download.
    pub async fn export_completions(
        &self,
        principal: &Principal,
        query: ExportQuery,
        courses: Arc<HashMap<Uuid, CourseName>>,
        format: ExportFormat,
    ) -> Result<Chunks, AdministrationError> {
        let units = self.report_units(principal, query.unit_id).await?;
        let records = RecordQuery {
            holder: Some(belongs(holder(), units.ids(), query.target_group)),
            holder_facts: Some(HolderFacts {
                people: people::people_table(),
                person: people::user_id(),
                unit_id: people::unit_id(),
                target_group: people::target_group(),
            }),
            course_id: query.course_id,
            issued_from: query.issued_from,
            issued_to: query.issued_to,
            with_token: format == ExportFormat::Jsonl,
        };
        let context = Context {
            records,
            after: query.after,
            units: units
                .units
                .into_iter()
                .map(|u| (u.id, (u.code, u.name)))
                .collect(),
            courses,
        };
        let context = Arc::new(context);
        let (tx, rx) = mpsc::channel(CHUNKS_IN_FLIGHT);
        let this = self.clone();
        let pages = self.pages(context.clone());
        match format {
            ExportFormat::Csv | ExportFormat::Jsonl => {
                tokio::spawn(async move {
                    if let Err(e) = this.stream_lines(&context, pages, format, &tx).await {
                        tracing::warn!(error = %e, "export stopped");
                        let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
                    }
                });
            }
            ExportFormat::Xlsx => {
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = this.stream_workbook(&context, pages, &tx) {
                        tracing::warn!(error = %e, "export stopped");
                        let _ = tx.blocking_send(Err(std::io::Error::other(e.to_string())));
                    }
                });
            }
        }
        Ok(rx)
    }

    /// Pages read ahead of the one being written, by a task of their own.
    fn pages(&self, context: Arc<Context>) -> mpsc::Receiver<Result<Page, AdministrationError>> {
        let (tx, rx) = mpsc::channel(PAGES_AHEAD);
        let records = self.certification.clone();
        let page_size = if context.records.with_token {
            PAGE_WITH_TOKENS
        } else {
            PAGE
        };
        tokio::spawn(async move {
            let mut after = context.after;
            loop {
                let page = records
                    .records_after(&context.records, after, page_size)
                    .await
                    .map_err(|e| AdministrationError::Internal(e.to_string()));
                let last = page
                    .as_ref()
                    .ok()
                    .and_then(|rows| rows.last().map(|r| r.id));
                if tx.send(page).await.is_err() || last.is_none() {
                    return;
                }
                after = last;
            }
        });
        rx
    }

    async fn stream_lines(
        &self,
        context: &Context,
        mut pages: mpsc::Receiver<Result<Page, AdministrationError>>,
        format: ExportFormat,
        tx: &mpsc::Sender<Result<Vec<u8>, std::io::Error>>,
    ) -> Result<(), AdministrationError> {
        let csv_error = |e: csv::Error| AdministrationError::Internal(e.to_string());
        // A resumed CSV continues the first download: no second header, no second BOM.
        if format == ExportFormat::Csv && context.after.is_none() {
            let mut header = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
            header.write_record(COLUMNS).map_err(csv_error)?;
            let bytes = header
                .into_inner()
                .map_err(|e| AdministrationError::Internal(e.to_string()))?;
            if tx.send(Ok(bytes)).await.is_err() {
                return Ok(());
            }
        }
        while let Some(page) = pages.recv().await {
            let rows = page?;
            if rows.is_empty() {
                break;
            }
            let mut chunk = Vec::with_capacity(rows.len() * 256);
            match format {
                ExportFormat::Jsonl => {
                    for row in &rows {
                        context.vneid_line(row, &mut chunk)?;
                    }
                }
                _ => {
                    let mut writer = csv::Writer::from_writer(chunk);
                    for row in &rows {
                        let cells = context.cells(row);
                        writer
                            .write_record(
                                cells.iter().map(|c| crate::sheet::csv_text(c).into_owned()),
                            )
                            .map_err(csv_error)?;
                    }
                    chunk = writer
                        .into_inner()
                        .map_err(|e| AdministrationError::Internal(e.to_string()))?;
                }
            }
            if tx.send(Ok(chunk)).await.is_err() {
                // The client went away: stop reading.
                break;
            }
        }
        Ok(())
    }

    /// An XLSX file cannot be sent before it is finished: it is written row by row to a
    /// temporary file (the writer's constant-memory mode), then sent in chunks.
    fn stream_workbook(
        &self,
        context: &Context,
        mut pages: mpsc::Receiver<Result<Page, AdministrationError>>,
        tx: &mpsc::Sender<Result<Vec<u8>, std::io::Error>>,
    ) -> Result<(), AdministrationError> {
        let xlsx = |e: rust_xlsxwriter::XlsxError| AdministrationError::Internal(e.to_string());
        let io = |e: std::io::Error| AdministrationError::Internal(e.to_string());
        let mut workbook = Workbook::new();
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(xlsx)?;
        sheet.set_name("completions").map_err(xlsx)?;
        for (col, name) in COLUMNS.iter().enumerate() {
            sheet.write_string(0, col as u16, *name).map_err(xlsx)?;
        }
        let mut written = 0usize;
        'pages: while let Some(page) = pages.blocking_recv() {
            let rows = page?;
            for row in &rows {
                if written == XLSX_MAX_RECORDS {
                    break 'pages;
                }
                written += 1;
                let r = written as u32;
                for (col, cell) in context.cells(row).iter().enumerate() {
                    if col == 12 {
                        sheet
                            .write_number(r, 12, f64::from(row.score_percent))
                            .map_err(xlsx)?;
                    } else if !cell.is_empty() {
                        sheet.write_string(r, col as u16, cell).map_err(xlsx)?;
                    }
                }
            }
        }
        let mut file = tempfile::NamedTempFile::new().map_err(io)?;
        workbook.save(file.path()).map_err(xlsx)?;
        let mut buffer = vec![0u8; 256 * 1024];
        loop {
            let read = file.as_file_mut().read(&mut buffer).map_err(io)?;
            if read == 0 {
                break;
            }
            if tx.blocking_send(Ok(buffer[..read].to_vec())).is_err() {
                break;
            }
        }
        Ok(())
    }
}
