//! Lesson media: files trainers upload, checked by what their bytes are (never by the
//! name or type a client claims), stored under generated keys, with their SHA-256.

use bytes::Bytes;
use futures_util::StreamExt;
use hocvuso_kernel::{ids::new_id, time::now};
use hocvuso_storage::{BlobKey, BlobRead, BlobStore, ByteStream, StorageError, StoredBlob};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::entity::{course, lesson, lesson_media};
use crate::{Courses, CoursesError};

/// Bytes read before deciding what a file is.
const SNIFF_BYTES: usize = 512;

/// What may be uploaded, by sniffed type, and the lesson kind it makes.
const ALLOWED: &[(&str, &str)] = &[
    ("video/mp4", "video"),
    ("video/webm", "video"),
    ("audio/mpeg", "audio"),
    ("audio/m4a", "audio"),
    ("audio/ogg", "audio"),
    ("audio/x-wav", "audio"),
    ("image/jpeg", "image"),
    ("image/png", "image"),
    ("image/webp", "image"),
    ("image/gif", "image"),
    ("application/pdf", "slides"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MediaRole {
    /// The lesson's own video, audio, image or slides (PDF); replaces any previous one.
    Main,
    /// WebVTT captions for the lesson's video or audio.
    Captions,
    /// A file to download beside the lesson.
    Attachment,
}

impl MediaRole {
    pub fn parse(value: &str) -> Option<Self> {
        [MediaRole::Main, MediaRole::Captions, MediaRole::Attachment]
            .into_iter()
            .find(|role| role.as_str() == value)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MediaRole::Main => "main",
            MediaRole::Captions => "captions",
            MediaRole::Attachment => "attachment",
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MediaView {
    pub id: Uuid,
    pub role: String,
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    pub file_name: String,
    /// Where to fetch it (supports `Range`).
    pub url: String,
}

impl From<lesson_media::Model> for MediaView {
    fn from(m: lesson_media::Model) -> Self {
        MediaView {
            url: format!("/api/v1/media/{}", m.id),
            id: m.id,
            role: m.role,
            content_type: m.content_type,
            size: m.size,
            sha256: m.sha256,
            file_name: m.file_name,
        }
    }
}

pub struct Upload {
    pub role: MediaRole,
    pub file_name: String,
    pub body: ByteStream,
}

/// What the first bytes say the file is, among the allowed types.
pub(crate) fn sniff(prefix: &[u8], role: MediaRole) -> Option<(&'static str, &'static str)> {
    if role == MediaRole::Captions {
        let text = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
        return text
            .starts_with(b"WEBVTT")
            .then_some(("text/vtt", "captions"));
    }
    let found = infer::get(prefix)?;
    ALLOWED
        .iter()
        .find(|(mime, _)| *mime == found.mime_type())
        .map(|(mime, kind)| (*mime, *kind))
}

/// A display name: the last path segment, control characters removed, bounded.
fn display_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.trim().is_empty() {
        "file".into()
    } else {
        clean
    }
}

pub(crate) fn storage_error(e: StorageError) -> CoursesError {
    match e {
        StorageError::TooLarge { limit } => CoursesError::TooLarge { limit },
        StorageError::NotFound(_) => CoursesError::NotFound,
        StorageError::RangeNotSatisfiable { size, .. } => {
            CoursesError::RangeNotSatisfiable { size }
        }
        other => CoursesError::Storage(other.to_string()),
    }
}

/// Splits the first bytes off a stream for sniffing; returns them and the whole stream.
pub(crate) async fn split_head(body: ByteStream) -> Result<(Vec<u8>, ByteStream), CoursesError> {
    // Fused: a file shorter than the sniffed prefix has already ended when chained.
    let mut rest = body.fuse();
    let mut prefix: Vec<Bytes> = Vec::new();
    let mut seen = 0;
    while seen < SNIFF_BYTES {
        match rest.next().await {
            Some(chunk) => {
                let chunk = chunk.map_err(|e| CoursesError::Storage(e.to_string()))?;
                seen += chunk.len();
                prefix.push(chunk);
            }
            None => break,
        }
    }
    let head: Vec<u8> = prefix
        .iter()
        .flat_map(|c| c.iter().copied())
        .take(SNIFF_BYTES)
        .collect();
    let whole: ByteStream =
        Box::pin(futures_util::stream::iter(prefix.into_iter().map(Ok)).chain(rest));
    Ok((head, whole))
}

/// A file's type as sniffed and the lesson kind it makes.
pub(crate) struct Sniffed {
    pub(crate) content_type: &'static str,
    pub(crate) kind: &'static str,
}

impl Courses {
    pub(crate) async fn lesson_of(
        &self,
        course: &course::Model,
        lesson_id: Uuid,
    ) -> Result<lesson::Model, CoursesError> {
        lesson::Entity::find_by_id(lesson_id)
            .one(&self.db)
            .await?
            .filter(|l| l.course_id == course.id)
            .ok_or(CoursesError::NotFound)
    }

    /// Stores an upload for a lesson of `course`, refusing types not allowed and files
    /// over `limit` bytes.
    pub async fn attach_media(
        &self,
        blobs: &dyn BlobStore,
        course: &course::Model,
        lesson_id: Uuid,
        upload: Upload,
        limit: u64,
    ) -> Result<MediaView, CoursesError> {
        let target = self.lesson_of(course, lesson_id).await?;
        let (head, body) = split_head(upload.body).await?;
        let (content_type, kind) =
            sniff(&head, upload.role).ok_or(CoursesError::MediaTypeNotAllowed)?;
        let key = BlobKey::generate("lessons").map_err(storage_error)?;
        let stored = blobs.put(&key, body, limit).await.map_err(storage_error)?;
        self.record_media(
            blobs,
            course,
            target,
            upload.role,
            stored,
            Sniffed { content_type, kind },
            &upload.file_name,
        )
        .await
    }

    /// Records a stored file as a lesson's media; a new main file replaces the old one
    /// and sets the lesson's kind.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn record_media(
        &self,
        blobs: &dyn BlobStore,
        course: &course::Model,
        target: lesson::Model,
        role: MediaRole,
        stored: StoredBlob,
        sniffed: Sniffed,
        file_name: &str,
    ) -> Result<MediaView, CoursesError> {
        let created = lesson_media::ActiveModel {
            id: Set(new_id()),
            lesson_id: Set(target.id),
            role: Set(role.as_str().to_owned()),
            blob_key: Set(stored.key.as_str().to_owned()),
            content_type: Set(sniffed.content_type.to_owned()),
            size: Set(i64::try_from(stored.size).unwrap_or(i64::MAX)),
            sha256: Set(stored.sha256),
            file_name: Set(display_name(file_name)),
            created_at: Set(now()),
        }
        .insert(&self.db)
        .await?;
        if role == MediaRole::Main {
            let replaced = lesson_media::Entity::find()
                .filter(lesson_media::Column::LessonId.eq(target.id))
                .filter(lesson_media::Column::Role.eq("main"))
                .filter(lesson_media::Column::Id.ne(created.id))
                .all(&self.db)
                .await?;
            for old in replaced {
                if let Ok(key) = BlobKey::parse(&old.blob_key) {
                    blobs.delete(&key).await.map_err(storage_error)?;
                }
                lesson_media::Entity::delete_by_id(old.id)
                    .exec(&self.db)
                    .await?;
            }
            let mut active = target.into_active_model();
            active.kind = Set(sniffed.kind.to_owned());
            active.updated_at = Set(now());
            active.update(&self.db).await?;
        }
        self.touch(course.id).await?;
        Ok(created.into())
    }

    pub(crate) async fn media_of(&self, lesson_id: Uuid) -> Result<Vec<MediaView>, CoursesError> {
        Ok(lesson_media::Entity::find()
            .filter(lesson_media::Column::LessonId.eq(lesson_id))
            .order_by_asc(lesson_media::Column::CreatedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(MediaView::from)
            .collect())
    }

    /// A media file and the course it belongs to (so the caller can decide who may see it).
    pub async fn media_course(
        &self,
        media_id: Uuid,
    ) -> Result<(lesson_media::Model, course::Model), CoursesError> {
        let media = lesson_media::Entity::find_by_id(media_id)
            .one(&self.db)
            .await?
            .ok_or(CoursesError::NotFound)?;
        let owner = lesson::Entity::find_by_id(media.lesson_id)
            .one(&self.db)
            .await?
            .ok_or(CoursesError::NotFound)?;
        let found = course::Entity::find_by_id(owner.course_id)
            .one(&self.db)
            .await?
            .ok_or(CoursesError::NotFound)?;
        Ok((media, found))
    }

    /// Opens a media file, or the byte range `range` of it (end exclusive).
    pub async fn read_media(
        &self,
        blobs: &dyn BlobStore,
        media: &lesson_media::Model,
        range: Option<std::ops::Range<u64>>,
    ) -> Result<BlobRead, CoursesError> {
        let key = BlobKey::parse(&media.blob_key).map_err(storage_error)?;
        blobs.get(&key, range).await.map_err(storage_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(sniff(png, MediaRole::Main), Some(("image/png", "image")));
        assert_eq!(
            sniff(b"%PDF-1.7\n", MediaRole::Main),
            Some(("application/pdf", "slides"))
        );
        assert_eq!(sniff(b"MZ\x90\0 an executable", MediaRole::Main), None);
        assert_eq!(sniff(b"<html>", MediaRole::Main), None);
        assert_eq!(
            sniff(
                b"WEBVTT\n\n00:00.000 --> 00:01.000\nXin chao",
                MediaRole::Captions
            ),
            Some(("text/vtt", "captions"))
        );
        assert_eq!(sniff(png, MediaRole::Captions), None);
    }

    #[test]
    fn names_are_for_display_only() {
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(
            display_name("C:\\\\Users\\\\a\\\\bài giảng.mp4"),
            "bài giảng.mp4"
        );
        assert_eq!(display_name("a\u{0}b\nc.png"), "abc.png");
        assert_eq!(display_name(""), "file");
    }
}
