//! Direct transfers with an S3-compatible store: trainers upload and learners download
//! lesson media through presigned URLs, so large videos never pass through the API
//! servers. The server still decides what a file is: a direct upload is recorded only
//! after the server has read it back, sniffed its type and computed its SHA-256.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use data_encoding::HEXLOWER;
use futures_util::StreamExt;
use hocvuso_kernel::{ids::new_id, time::now};
use hocvuso_storage::{BlobKey, BlobStore, DirectAccess, StoredBlob};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::entity::{course, lesson_media, media_upload};
use crate::media::{MediaRole, MediaView, Sniffed, sniff, split_head, storage_error};
use crate::{Courses, CoursesError};

/// How long after its URL expires an upload may still be completed (a large file that
/// started in time may finish late); after that it is swept away.
const COMPLETION_GRACE: chrono::Duration = chrono::Duration::hours(1);

/// Expired uploads removed per new upload, so sweeping never delays one request much.
const SWEEP_BATCH: u64 = 20;

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct DirectUploadRequest {
    pub role: MediaRole,
    /// The file's name, for display only.
    #[validate(length(min = 1, max = 255))]
    #[schema(min_length = 1, max_length = 255)]
    pub file_name: String,
}

/// Where to send the file: one `PUT` of the whole body, with exactly these headers,
/// before `expires_at`; then complete the upload.
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectUpload {
    pub upload_id: Uuid,
    pub method: String,
    pub url: String,
    pub headers: BTreeMap<String, String>,
    pub expires_at: DateTime<Utc>,
    /// The largest file completion accepts, in bytes.
    pub max_size: u64,
}

/// Where to fetch a media file from.
#[derive(Debug, Serialize, ToSchema)]
pub struct MediaLink {
    pub url: String,
    /// `true` for a presigned URL straight to the object store; `false` for this API.
    pub direct: bool,
    pub expires_at: Option<DateTime<Utc>>,
}

fn expiry(ttl: Duration) -> DateTime<Utc> {
    now() + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::MAX)
}

impl Courses {
    /// Hands out a presigned upload for a lesson's file; `DirectTransferUnsupported`
    /// when the store has none (a local folder: use the multipart upload).
    #[allow(clippy::too_many_arguments)]
    pub async fn start_direct_upload(
        &self,
        blobs: &dyn BlobStore,
        course: &course::Model,
        lesson_id: Uuid,
        request: DirectUploadRequest,
        ttl: Duration,
        limit: u64,
    ) -> Result<DirectUpload, CoursesError> {
        let target = self.lesson_of(course, lesson_id).await?;
        let key = BlobKey::generate("lessons").map_err(storage_error)?;
        let presigned = blobs
            .presign(&key, DirectAccess::Upload, ttl)
            .await
            .map_err(storage_error)?
            .ok_or(CoursesError::DirectTransferUnsupported)?;
        self.sweep_expired_uploads(blobs).await?;
        let pending = media_upload::ActiveModel {
            id: Set(new_id()),
            lesson_id: Set(target.id),
            role: Set(request.role.as_str().to_owned()),
            blob_key: Set(key.as_str().to_owned()),
            file_name: Set(request.file_name),
            expires_at: Set(expiry(ttl)),
            created_at: Set(now()),
        }
        .insert(&self.db)
        .await?;
        Ok(DirectUpload {
            upload_id: pending.id,
            method: presigned.method,
            url: presigned.url,
            headers: presigned.headers.into_iter().collect(),
            expires_at: pending.expires_at,
            max_size: limit,
        })
    }

    /// Records a direct upload once its bytes are in the store: copied to a key of the
    /// server's own, then sized, sniffed and hashed there. A refused file is deleted.
    pub async fn finish_direct_upload(
        &self,
        blobs: &dyn BlobStore,
        course: &course::Model,
        lesson_id: Uuid,
        upload_id: Uuid,
        limit: u64,
    ) -> Result<MediaView, CoursesError> {
        let target = self.lesson_of(course, lesson_id).await?;
        let pending = media_upload::Entity::find_by_id(upload_id)
            .one(&self.db)
            .await?
            .filter(|u| u.lesson_id == target.id)
            .ok_or(CoursesError::NotFound)?;
        let key = BlobKey::parse(&pending.blob_key).map_err(storage_error)?;
        let role = MediaRole::parse(&pending.role).ok_or(CoursesError::NotFound)?;
        if now() > pending.expires_at + COMPLETION_GRACE {
            self.forget_upload(blobs, &pending).await?;
            return Err(CoursesError::UploadExpired);
        }
        // The upload's URL may still be used after this: what is checked and kept is a
        // copy under a key nobody was ever handed, so nothing can replace it later.
        let kept = BlobKey::generate("lessons").map_err(storage_error)?;
        match blobs.copy(&key, &kept).await {
            Err(hocvuso_storage::StorageError::NotFound(_)) => {
                return Err(CoursesError::UploadNotReceived);
            }
            other => other.map_err(storage_error)?,
        }
        self.forget_upload(blobs, &pending).await?;
        let read = blobs.get(&kept, None).await.map_err(storage_error)?;
        if read.size > limit {
            blobs.delete(&kept).await.map_err(storage_error)?;
            return Err(CoursesError::TooLarge { limit });
        }
        let (head, mut body) = split_head(read.body).await?;
        let Some((content_type, kind)) = sniff(&head, role) else {
            blobs.delete(&kept).await.map_err(storage_error)?;
            return Err(CoursesError::MediaTypeNotAllowed);
        };
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| CoursesError::Storage(e.to_string()))?;
            size += chunk.len() as u64;
            hasher.update(&chunk);
        }
        let stored = StoredBlob {
            key: kept,
            size,
            sha256: HEXLOWER.encode(&hasher.finalize()),
        };
        let file_name = pending.file_name.clone();
        self.record_media(
            blobs,
            course,
            target,
            role,
            stored,
            Sniffed { content_type, kind },
            &file_name,
        )
        .await
    }

    /// A presigned download when the store offers one, else this API's own URL.
    pub async fn media_link(
        &self,
        blobs: &dyn BlobStore,
        media: &lesson_media::Model,
        ttl: Duration,
    ) -> Result<MediaLink, CoursesError> {
        let key = BlobKey::parse(&media.blob_key).map_err(storage_error)?;
        let access = DirectAccess::Download {
            content_type: &media.content_type,
        };
        Ok(
            match blobs
                .presign(&key, access, ttl)
                .await
                .map_err(storage_error)?
            {
                Some(presigned) => MediaLink {
                    url: presigned.url,
                    direct: true,
                    expires_at: Some(expiry(ttl)),
                },
                None => MediaLink {
                    url: MediaView::from(media.clone()).url,
                    direct: false,
                    expires_at: None,
                },
            },
        )
    }

    async fn forget_upload(
        &self,
        blobs: &dyn BlobStore,
        pending: &media_upload::Model,
    ) -> Result<(), CoursesError> {
        if let Ok(key) = BlobKey::parse(&pending.blob_key) {
            blobs.delete(&key).await.map_err(storage_error)?;
        }
        media_upload::Entity::delete_by_id(pending.id)
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Removes a few uploads that were handed out and never completed.
    async fn sweep_expired_uploads(&self, blobs: &dyn BlobStore) -> Result<(), CoursesError> {
        let abandoned = media_upload::Entity::find()
            .filter(media_upload::Column::ExpiresAt.lt(now() - COMPLETION_GRACE))
            .limit(SWEEP_BATCH)
            .all(&self.db)
            .await?;
        for pending in &abandoned {
            self.forget_upload(blobs, pending).await?;
        }
        Ok(())
    }
}
