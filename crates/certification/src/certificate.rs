//! PDF certificates: one per record for its holder, and for administrators many at
//! once as a ZIP streamed while it is made — one certificate in memory at a time, so
//! ten thousand cost no more memory than one.

use std::collections::HashSet;
use std::io::Write;

use chrono::{DateTime, FixedOffset, Utc};
use hocvuso_certificate_pdf::{CertificateFace, render_pdf};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio::sync::mpsc;
use uuid::Uuid;
use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

use crate::code::VerificationCode;
use crate::credential::{payload, summary};
use crate::entity::credential;
use crate::{Certification, CertificationError};

/// Records read from the database per round trip while zipping.
const PAGE: u64 = 200;
/// Bytes handed to the HTTP response at a time, and how many may wait unsent.
const CHUNK: usize = 64 * 1024;
const CHUNKS_IN_FLIGHT: usize = 8;

/// Certificates are dated in Vietnam's time zone (UTC+7).
fn vietnam_date(at: DateTime<Utc>) -> chrono::NaiveDate {
    match FixedOffset::east_opt(7 * 3600) {
        Some(offset) => at.with_timezone(&offset).date_naive(),
        None => at.date_naive(),
    }
}

/// Which records an export holds.
#[derive(Debug, Clone, Default)]
pub struct CertificateFilter {
    pub course_id: Option<Uuid>,
    /// Only these holders (an administrator's scope); everyone when `None`.
    pub holders: Option<HashSet<Uuid>>,
    pub issued_from: Option<DateTime<Utc>>,
    pub issued_to: Option<DateTime<Utc>>,
    /// Revoked records too.
    pub include_revoked: bool,
}

impl Certification {
    fn face(&self, row: &credential::Model) -> Result<CertificateFace, CertificationError> {
        let claims = payload(&row.token)?;
        let facts = summary(&claims);
        let level = claims["credentialSubject"]["achievement"]["alignment"][0]["targetDescription"]
            .as_str()
            .and_then(|d| d.rsplit(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        let code = VerificationCode::parse(&row.code)?;
        Ok(CertificateFace {
            holder_name: row.holder_name.clone(),
            course_title: facts.course_title,
            competencies: facts.competencies,
            level,
            score_percent: u32::try_from(row.score_percent).unwrap_or(0),
            issued_on: vietnam_date(row.issued_at),
            issuer_name: self.config.issuer.name.clone(),
            verification_code: code.to_string(),
            verification_url: self.config.issuer.page_url(code.as_str()),
        })
    }

    /// The PDF certificate of a record.
    pub fn certificate_pdf(&self, row: &credential::Model) -> Result<Vec<u8>, CertificationError> {
        render_pdf(&self.face(row)?).map_err(|e| CertificationError::Pdf(e.to_string()))
    }

    async fn page_after(
        &self,
        filter: &CertificateFilter,
        after: Option<(DateTime<Utc>, Uuid)>,
    ) -> Result<Vec<credential::Model>, CertificationError> {
        let mut query = credential::Entity::find();
        if let Some(course) = filter.course_id {
            query = query.filter(credential::Column::CourseId.eq(course));
        }
        if let Some(from) = filter.issued_from {
            query = query.filter(credential::Column::IssuedAt.gte(from));
        }
        if let Some(to) = filter.issued_to {
            query = query.filter(credential::Column::IssuedAt.lt(to));
        }
        if !filter.include_revoked {
            query = query.filter(credential::Column::RevokedAt.is_null());
        }
        if let Some((at, id)) = after {
            query = query.filter(
                Condition::any()
                    .add(credential::Column::IssuedAt.gt(at))
                    .add(
                        Condition::all()
                            .add(credential::Column::IssuedAt.eq(at))
                            .add(credential::Column::Id.gt(id)),
                    ),
            );
        }
        Ok(query
            .order_by_asc(credential::Column::IssuedAt)
            .order_by_asc(credential::Column::Id)
            .limit(PAGE)
            .all(&self.db)
            .await?)
    }

    /// Writes the ZIP of the filtered records' certificates to `out`. Runs on a
    /// blocking thread (rendering is CPU work), reading pages through `runtime`.
    pub fn write_zip(
        &self,
        filter: &CertificateFilter,
        out: impl Write,
        runtime: &tokio::runtime::Handle,
    ) -> Result<usize, CertificationError> {
        let io = |e: std::io::Error| CertificationError::Pdf(e.to_string());
        let zipped = |e: zip::result::ZipError| CertificationError::Pdf(e.to_string());
        let mut zip = ZipWriter::new_stream(out);
        // PDFs are compressed already: storing them costs no size and no CPU.
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        let mut after = None;
        let mut count = 0;
        loop {
            let page = runtime.block_on(self.page_after(filter, after))?;
            let Some(last) = page.last() else { break };
            after = Some((last.issued_at, last.id));
            for row in &page {
                if filter
                    .holders
                    .as_ref()
                    .is_some_and(|h| !h.contains(&row.user_id))
                {
                    continue;
                }
                let pdf = self.certificate_pdf(row)?;
                let name = format!("{} - {}.pdf", file_safe(&row.holder_name), row.code);
                zip.start_file(name, options).map_err(zipped)?;
                zip.write_all(&pdf).map_err(io)?;
                count += 1;
            }
        }
        zip.finish().map_err(zipped)?.flush().map_err(io)?;
        Ok(count)
    }

    /// The ZIP as a stream of chunks for an HTTP response; an error ends it early.
    pub fn stream_zip(
        &self,
        filter: CertificateFilter,
    ) -> mpsc::Receiver<Result<Vec<u8>, std::io::Error>> {
        let (tx, rx) = mpsc::channel(CHUNKS_IN_FLIGHT);
        let this = self.clone();
        let runtime = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            let mut out = ChunkSender {
                tx: tx.clone(),
                buffer: Vec::with_capacity(CHUNK),
            };
            if let Err(e) = this.write_zip(&filter, &mut out, &runtime) {
                tracing::warn!(error = %e, "certificate export stopped");
                let _ = tx.blocking_send(Err(std::io::Error::other(e.to_string())));
            }
        });
        rx
    }
}

/// A file name without path separators or control characters.
fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// Hands bytes to the response in chunks; blocks when the client reads slowly, which
/// is what keeps memory bounded.
struct ChunkSender {
    tx: mpsc::Sender<Result<Vec<u8>, std::io::Error>>,
    buffer: Vec<u8>,
}

impl Write for ChunkSender {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client gone"))
    }
}
