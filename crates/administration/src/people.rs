//! People imports: a resident list uploaded as CSV or XLSX, read here, checked and
//! stored row by row by the identity domain, and summarised with every refused cell,
//! which stays downloadable as a report.

use chrono::{DateTime, Utc};
use hocvuso_identity::residents::{ResidentHeader, RowRejection};
use hocvuso_kernel::{Principal, ids::new_id, time::now};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::entity::{import_rejection, people_import};
use crate::sheet::{self, Cell, FileFormat, Table};
use crate::{Administration, AdministrationError};

/// Rejections written per statement (seven values each, well within parameter limits).
const REJECTIONS_PER_INSERT: usize = 500;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportSummary {
    pub id: Uuid,
    pub file_name: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Data rows in the file (blank rows not counted).
    pub total_rows: i32,
    pub created: i32,
    pub updated: i32,
    /// Rows that matched a stored person exactly: importing a file twice changes nothing.
    pub unchanged: i32,
    /// Rows refused; each reason is in `rejections`.
    pub rejected: i32,
    pub rejections: Vec<RejectionView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RejectionView {
    /// The row's number in the file (the header is row 1).
    pub row: i32,
    pub column: String,
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

impl From<import_rejection::Model> for RejectionView {
    fn from(r: import_rejection::Model) -> Self {
        RejectionView {
            row: r.row_number,
            column: r.column_name,
            code: r.code,
            message_vi: r.message_vi,
            message_en: r.message_en,
        }
    }
}

impl From<&RowRejection> for RejectionView {
    fn from(r: &RowRejection) -> Self {
        RejectionView {
            row: r.row as i32,
            column: r.column.to_owned(),
            code: r.code.to_owned(),
            message_vi: r.message_vi.to_owned(),
            message_en: r.message_en.to_owned(),
        }
    }
}

fn count(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

impl Administration {
    /// Imports a resident list into the administrator's units.
    pub async fn import_people(
        &self,
        principal: &Principal,
        bytes: Vec<u8>,
        format: FileFormat,
        file_name: Option<String>,
    ) -> Result<ImportSummary, AdministrationError> {
        // Parsing 100,000 rows is a second of CPU: keep it off the request threads.
        let sheet = tokio::task::spawn_blocking(move || sheet::read(&bytes, format))
            .await
            .map_err(|e| AdministrationError::Internal(e.to_string()))??;
        let header = ResidentHeader::parse(&sheet.header)?;
        let total_rows = sheet.rows.len();
        let residents = sheet
            .rows
            .iter()
            .map(|(row, cells)| header.resident(*row, cells))
            .collect();
        let outcome = self.identity.import_residents(principal, residents).await?;

        let import = people_import::ActiveModel {
            id: Set(new_id()),
            admin_id: Set(principal.user_id),
            file_name: Set(file_name),
            total_rows: Set(count(total_rows)),
            created: Set(count(outcome.created)),
            updated: Set(count(outcome.updated)),
            unchanged: Set(count(outcome.unchanged)),
            rejected: Set(count(outcome.rejected_rows())),
            created_at: Set(now()),
        };
        let txn = self.db.begin().await?;
        let import = import.insert(&txn).await?;
        for (chunk_index, chunk) in outcome.rejections.chunks(REJECTIONS_PER_INSERT).enumerate() {
            let rows = chunk
                .iter()
                .enumerate()
                .map(|(i, r)| import_rejection::ActiveModel {
                    import_id: Set(import.id),
                    ordinal: Set(count(chunk_index * REJECTIONS_PER_INSERT + i)),
                    row_number: Set(count(r.row)),
                    column_name: Set(r.column.to_owned()),
                    code: Set(r.code.to_owned()),
                    message_vi: Set(r.message_vi.to_owned()),
                    message_en: Set(r.message_en.to_owned()),
                });
            import_rejection::Entity::insert_many(rows)
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        let rejections = outcome.rejections.iter().map(RejectionView::from).collect();
        Ok(summary(import, rejections))
    }

    /// An earlier import, for the administrator who made it.
    pub async fn people_import(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<ImportSummary, AdministrationError> {
        let import = people_import::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .filter(|i| i.admin_id == principal.user_id)
            .ok_or(AdministrationError::NotFound)?;
        let rejections = import_rejection::Entity::find()
            .filter(import_rejection::Column::ImportId.eq(id))
            .order_by_asc(import_rejection::Column::Ordinal)
            .all(&self.db)
            .await?
            .into_iter()
            .map(RejectionView::from)
            .collect();
        Ok(summary(import, rejections))
    }

    /// The refused rows of an import as a table (for CSV or XLSX download).
    pub async fn rejection_report(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<Table, AdministrationError> {
        let import = self.people_import(principal, id).await?;
        Ok(Table {
            name: "rejected_rows",
            columns: vec!["row", "column", "code", "message_vi", "message_en"],
            rows: import
                .rejections
                .into_iter()
                .map(|r| {
                    vec![
                        Cell::Int(r.row.into()),
                        Cell::Text(r.column),
                        Cell::Text(r.code),
                        Cell::Text(r.message_vi),
                        Cell::Text(r.message_en),
                    ]
                })
                .collect(),
        })
    }
}

fn summary(import: people_import::Model, rejections: Vec<RejectionView>) -> ImportSummary {
    ImportSummary {
        id: import.id,
        file_name: import.file_name,
        created_at: import.created_at,
        total_rows: import.total_rows,
        created: import.created,
        updated: import.updated,
        unchanged: import.unchanged,
        rejected: import.rejected,
        rejections,
    }
}
