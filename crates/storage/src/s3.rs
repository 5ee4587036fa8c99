//! Blobs in an S3-compatible object store (AWS S3, Garage, MinIO) through aws-sdk-s3.
//!
//! Uploads of unknown length stream through S3 multipart uploads, one part buffered at a
//! time, so a large video never sits whole in memory; an upload that fails or grows past
//! its limit is aborted and leaves no object behind.

use std::ops::Range;
use std::time::Duration;

use async_trait::async_trait;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_s3::Client;
use aws_sdk_s3::config::{Credentials, RequestChecksumCalculation, ResponseChecksumValidation};
use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream as SdkBody;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use bytes::{Bytes, BytesMut};
use data_encoding::HEXLOWER;
use futures_util::StreamExt;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use tokio_util::io::ReaderStream;

use crate::{
    BlobKey, BlobRead, BlobStore, ByteStream, DirectAccess, PresignedRequest, StorageError,
    StoredBlob,
};

/// Bytes buffered before a multipart part is sent (S3's minimum part is 5 MiB).
const PART_SIZE: usize = 8 * 1024 * 1024;

/// Where and how to reach the bucket.
#[derive(Debug, Clone)]
pub struct S3Config {
    pub bucket: String,
    pub region: String,
    /// For S3-compatible servers (`http://127.0.0.1:3900`); AWS itself needs none.
    pub endpoint: Option<String>,
    /// `https://host/bucket/key` instead of `https://bucket.host/key`, as most
    /// self-hosted servers need.
    pub path_style: bool,
    /// Static credentials; without them the AWS default chain applies (environment,
    /// profile, web identity, instance role).
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<SecretString>,
    /// Prepended to every key, so several deployments can share one bucket.
    pub prefix: String,
}

pub struct S3Store {
    client: Client,
    bucket: String,
    prefix: String,
}

fn unavailable(e: impl std::error::Error) -> StorageError {
    StorageError::Unavailable(DisplayErrorContext(e).to_string())
}

impl S3Store {
    /// Builds the client; no request is made until the store is used (see `check`).
    pub async fn connect(config: S3Config) -> Result<Self, StorageError> {
        let mut loader =
            aws_config::defaults(BehaviorVersion::latest()).region(Region::new(config.region));
        if let (Some(id), Some(secret)) = (config.access_key_id, config.secret_access_key) {
            loader = loader.credentials_provider(Credentials::new(
                id,
                secret.expose_secret(),
                None,
                None,
                "settings",
            ));
        }
        let shared = loader.load().await;
        let mut builder = aws_sdk_s3::config::Builder::from(&shared)
            .force_path_style(config.path_style)
            // Checksums only where S3 demands them: several compatible servers reject the
            // newer default trailers, and presigned uploads must not depend on them.
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired);
        if let Some(endpoint) = config.endpoint {
            builder = builder.endpoint_url(endpoint);
        }
        Ok(Self {
            client: Client::from_conf(builder.build()),
            bucket: config.bucket,
            prefix: config.prefix.trim_matches('/').to_owned(),
        })
    }

    fn object_key(&self, key: &BlobKey) -> String {
        if self.prefix.is_empty() {
            key.as_str().to_owned()
        } else {
            format!("{}/{}", self.prefix, key.as_str())
        }
    }

    async fn put_whole(&self, object: &str, bytes: Bytes) -> Result<(), StorageError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(object)
            .content_length(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
            .body(SdkBody::from(bytes))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn send_part(
        &self,
        object: &str,
        upload: &mut MultipartUpload,
        bytes: Bytes,
    ) -> Result<(), StorageError> {
        let number = i32::try_from(upload.parts.len() + 1).unwrap_or(i32::MAX);
        let sent = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(object)
            .upload_id(&upload.id)
            .part_number(number)
            .content_length(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
            .body(SdkBody::from(bytes))
            .send()
            .await
            .map_err(unavailable)?;
        upload.parts.push(
            CompletedPart::builder()
                .part_number(number)
                .set_e_tag(sent.e_tag().map(str::to_owned))
                .build(),
        );
        Ok(())
    }

    /// Streams `body` into `object`; `upload` records a multipart upload once one is
    /// started, so the caller can abort it on failure.
    async fn write(
        &self,
        object: &str,
        mut body: ByteStream,
        limit: u64,
        upload: &mut Option<MultipartUpload>,
    ) -> Result<(u64, String), StorageError> {
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut buffer = BytesMut::new();
        while let Some(chunk) = body.next().await {
            let chunk = chunk?;
            size += chunk.len() as u64;
            if size > limit {
                return Err(StorageError::TooLarge { limit });
            }
            hasher.update(&chunk);
            buffer.extend_from_slice(&chunk);
            if buffer.len() >= PART_SIZE {
                if upload.is_none() {
                    let created = self
                        .client
                        .create_multipart_upload()
                        .bucket(&self.bucket)
                        .key(object)
                        .send()
                        .await
                        .map_err(unavailable)?;
                    let id = created.upload_id().ok_or_else(|| {
                        StorageError::Unavailable("multipart upload without an id".into())
                    })?;
                    *upload = Some(MultipartUpload {
                        id: id.to_owned(),
                        parts: Vec::new(),
                    });
                }
                if let Some(open) = upload.as_mut() {
                    self.send_part(object, open, buffer.split().freeze())
                        .await?;
                }
            }
        }
        match upload.as_mut() {
            None => self.put_whole(object, buffer.freeze()).await?,
            Some(open) => {
                if !buffer.is_empty() {
                    self.send_part(object, open, buffer.freeze()).await?;
                }
                self.client
                    .complete_multipart_upload()
                    .bucket(&self.bucket)
                    .key(object)
                    .upload_id(&open.id)
                    .multipart_upload(
                        CompletedMultipartUpload::builder()
                            .set_parts(Some(open.parts.clone()))
                            .build(),
                    )
                    .send()
                    .await
                    .map_err(unavailable)?;
            }
        }
        Ok((size, HEXLOWER.encode(&hasher.finalize())))
    }

    async fn size_of(&self, object: &str, key: &BlobKey) -> Result<u64, StorageError> {
        let head = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(object)
            .send()
            .await
            .map_err(|e| match e.as_service_error() {
                Some(service) if service.is_not_found() => StorageError::NotFound(key.to_string()),
                _ => unavailable(e),
            })?;
        Ok(head
            .content_length()
            .and_then(|n| u64::try_from(n).ok())
            .unwrap_or_default())
    }
}

struct MultipartUpload {
    id: String,
    parts: Vec<CompletedPart>,
}

#[async_trait]
impl BlobStore for S3Store {
    fn kind(&self) -> &'static str {
        "s3"
    }

    async fn put(
        &self,
        key: &BlobKey,
        body: ByteStream,
        limit: u64,
    ) -> Result<StoredBlob, StorageError> {
        let object = self.object_key(key);
        let mut upload = None;
        let written = self.write(&object, body, limit, &mut upload).await;
        if let (Err(_), Some(open)) = (&written, upload) {
            // Best effort: an unfinished upload holds storage until aborted (or a lifecycle rule).
            if let Err(e) = self
                .client
                .abort_multipart_upload()
                .bucket(&self.bucket)
                .key(&object)
                .upload_id(open.id)
                .send()
                .await
            {
                tracing::warn!(error = %DisplayErrorContext(e), "could not abort a multipart upload");
            }
        }
        let (size, sha256) = written?;
        Ok(StoredBlob {
            key: key.clone(),
            size,
            sha256,
        })
    }

    async fn get(
        &self,
        key: &BlobKey,
        range: Option<Range<u64>>,
    ) -> Result<BlobRead, StorageError> {
        let object = self.object_key(key);
        let mut request = self.client.get_object().bucket(&self.bucket).key(&object);
        let known = match range {
            None => None,
            Some(r) => {
                let size = self.size_of(&object, key).await?;
                if !(r.start < r.end && r.end <= size) {
                    return Err(StorageError::RangeNotSatisfiable {
                        start: r.start,
                        end: r.end,
                        size,
                    });
                }
                request = request.range(format!("bytes={}-{}", r.start, r.end - 1));
                Some((size, r))
            }
        };
        let found = request
            .send()
            .await
            .map_err(|e| match e.as_service_error() {
                Some(service) if service.is_no_such_key() => {
                    StorageError::NotFound(key.to_string())
                }
                _ => unavailable(e),
            })?;
        let length = found
            .content_length()
            .and_then(|n| u64::try_from(n).ok())
            .unwrap_or_default();
        let (size, range) = known.unwrap_or((length, 0..length));
        let body = ReaderStream::new(found.body.into_async_read());
        Ok(BlobRead {
            size,
            range,
            body: Box::pin(body),
        })
    }

    async fn copy(&self, from: &BlobKey, to: &BlobKey) -> Result<(), StorageError> {
        // A single CopyObject handles up to 5 GB, far beyond any lesson's file.
        self.client
            .copy_object()
            .bucket(&self.bucket)
            .copy_source(format!("{}/{}", self.bucket, self.object_key(from)))
            .key(self.object_key(to))
            .send()
            .await
            .map_err(|e| match e.as_service_error() {
                Some(service) if service.meta().code() == Some("NoSuchKey") => {
                    StorageError::NotFound(from.to_string())
                }
                _ => unavailable(e),
            })?;
        Ok(())
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), StorageError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(self.object_key(key))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn check(&self) -> Result<(), StorageError> {
        self.client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn presign(
        &self,
        key: &BlobKey,
        access: DirectAccess<'_>,
        ttl: Duration,
    ) -> Result<Option<PresignedRequest>, StorageError> {
        let config = PresigningConfig::expires_in(ttl).map_err(unavailable)?;
        let object = self.object_key(key);
        let request = match access {
            DirectAccess::Download { content_type } => self
                .client
                .get_object()
                .bucket(&self.bucket)
                .key(object)
                .response_content_type(content_type)
                .presigned(config)
                .await
                .map_err(unavailable)?,
            DirectAccess::Upload => self
                .client
                .put_object()
                .bucket(&self.bucket)
                .key(object)
                .presigned(config)
                .await
                .map_err(unavailable)?,
        };
        Ok(Some(PresignedRequest {
            method: request.method().to_owned(),
            url: request.uri().to_owned(),
            headers: request
                .headers()
                .map(|(name, value)| (name.to_owned(), value.to_owned()))
                .collect(),
        }))
    }
}
