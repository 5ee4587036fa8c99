//! Files an administrator takes away: every certificate of their people as one ZIP,
//! and the completion records as CSV, XLSX or the VNeID batch. Both name courses (the
//! courses domain) and are bounded by the administrator's scope (identity).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use hocvuso_administration::exports::{CourseName, ExportFormat, ExportQuery};
use hocvuso_certification::certificate::CertificateFilter;
use hocvuso_kernel::{Principal, Role};
use uuid::Uuid;

use crate::access::require;
use crate::{JourneyError, JourneyResult, Platform};

/// A file made while it is sent: chunks from a bounded channel, so memory stays flat.
pub use hocvuso_administration::exports::Chunks;

/// Which certificates go into a ZIP.
pub struct ZipRequest<'a> {
    /// A course code; every course when absent.
    pub course: Option<&'a str>,
    pub issued_from: Option<DateTime<Utc>>,
    pub issued_to: Option<DateTime<Utc>>,
}

impl Platform {
    /// A course's id from its code, when one is given; an unknown code is not found.
    pub async fn course_id_of(&self, code: Option<&str>) -> JourneyResult<Option<Uuid>> {
        let Some(code) = code else { return Ok(None) };
        let ids = self.courses.course_ids().await?;
        ids.get(code)
            .copied()
            .map(Some)
            .ok_or(JourneyError::NotFound)
    }

    /// Every course's code and title, for naming them in exports.
    async fn course_names(&self) -> JourneyResult<HashMap<Uuid, CourseName>> {
        let mut names = HashMap::new();
        for (code, id) in self.courses.course_ids().await?.iter() {
            if let Some(course) = self.courses.structure(*id).await? {
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

    /// The PDF certificates of the valid records of everyone the administrator
    /// administers, as one ZIP, streamed while it is made.
    pub async fn certificates_zip(
        &self,
        admin: &Principal,
        request: ZipRequest<'_>,
    ) -> JourneyResult<Chunks> {
        require(admin, &[Role::Admin])?;
        let filter = CertificateFilter {
            course_id: self.course_id_of(request.course).await?,
            holders: Some(self.identity.administered_users(admin).await?),
            issued_from: request.issued_from,
            issued_to: request.issued_to,
            include_revoked: false,
        };
        Ok(self.certification.stream_zip(filter))
    }

    /// The completion records of the administrator's people, streamed in `format`.
    /// `query.course_id` is filled from `course`.
    pub async fn export_completions(
        &self,
        admin: &Principal,
        course: Option<&str>,
        mut query: ExportQuery,
        format: ExportFormat,
    ) -> JourneyResult<Chunks> {
        require(admin, &[Role::Admin])?;
        query.course_id = self.course_id_of(course).await?;
        let names = Arc::new(self.course_names().await?);
        Ok(self
            .administration
            .export_completions(admin, query, names, format)
            .await?)
    }
}
