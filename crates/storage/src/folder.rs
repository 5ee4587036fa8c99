//! Blobs as files under one root folder: the embedded default.

use std::io::SeekFrom;
use std::ops::Range;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use data_encoding::HEXLOWER;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tokio::fs;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio_util::io::ReaderStream;

use crate::{BlobKey, BlobRead, BlobStore, ByteStream, StorageError, StoredBlob};

/// Uploads are written here first and renamed into place when complete, so a reader
/// never sees half a file and a failed upload leaves nothing behind.
const STAGING: &str = ".staging";

pub struct FolderStore {
    root: PathBuf,
}

impl FolderStore {
    /// Opens (and creates, if needed) the folder.
    pub async fn open(root: impl Into<PathBuf>) -> Result<Self, StorageError> {
        let root = root.into();
        fs::create_dir_all(root.join(STAGING)).await?;
        Ok(Self { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path_of(&self, key: &BlobKey) -> PathBuf {
        // BlobKey guarantees relative, traversal-free segments.
        self.root.join(key.as_str())
    }
}

fn not_found_or(key: &BlobKey) -> impl FnOnce(std::io::Error) -> StorageError + '_ {
    move |e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            StorageError::NotFound(key.to_string())
        } else {
            StorageError::Io(e)
        }
    }
}

#[async_trait]
impl BlobStore for FolderStore {
    fn kind(&self) -> &'static str {
        "folder"
    }

    async fn put(
        &self,
        key: &BlobKey,
        mut body: ByteStream,
        limit: u64,
    ) -> Result<StoredBlob, StorageError> {
        let staging = self
            .root
            .join(STAGING)
            .join(uuid::Uuid::new_v4().to_string());
        let result = async {
            let mut file = fs::File::create(&staging).await?;
            let mut size: u64 = 0;
            let mut hasher = Sha256::new();
            while let Some(chunk) = body.next().await {
                let chunk = chunk?;
                size += chunk.len() as u64;
                if size > limit {
                    return Err(StorageError::TooLarge { limit });
                }
                hasher.update(&chunk);
                file.write_all(&chunk).await?;
            }
            file.sync_all().await?;
            let target = self.path_of(key);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).await?;
            }
            fs::rename(&staging, &target).await?;
            Ok(StoredBlob {
                key: key.clone(),
                size,
                sha256: HEXLOWER.encode(&hasher.finalize()),
            })
        }
        .await;
        if result.is_err() {
            // Best effort: the staging file may not even exist yet.
            let _ = fs::remove_file(&staging).await;
        }
        result
    }

    async fn get(
        &self,
        key: &BlobKey,
        range: Option<Range<u64>>,
    ) -> Result<BlobRead, StorageError> {
        let mut file = fs::File::open(self.path_of(key))
            .await
            .map_err(not_found_or(key))?;
        let size = file.metadata().await?.len();
        let range = match range {
            None => 0..size,
            Some(r) if r.start < r.end && r.end <= size => r,
            Some(r) => {
                return Err(StorageError::RangeNotSatisfiable {
                    start: r.start,
                    end: r.end,
                    size,
                });
            }
        };
        file.seek(SeekFrom::Start(range.start)).await?;
        let body = ReaderStream::new(file.take(range.end - range.start));
        Ok(BlobRead {
            size,
            range,
            body: Box::pin(body),
        })
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), StorageError> {
        match fs::remove_file(self.path_of(key)).await {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => Ok(other?),
        }
    }

    async fn check(&self) -> Result<(), StorageError> {
        let meta = fs::metadata(self.root.join(STAGING))
            .await
            .map_err(|e| StorageError::Unavailable(format!("blob folder: {e}")))?;
        if meta.is_dir() && !meta.permissions().readonly() {
            Ok(())
        } else {
            Err(StorageError::Unavailable(
                "blob folder is not a writable directory".into(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn stream_of(parts: &[&'static [u8]]) -> ByteStream {
        let items: Vec<std::io::Result<Bytes>> =
            parts.iter().map(|p| Ok(Bytes::from_static(p))).collect();
        Box::pin(futures_util::stream::iter(items))
    }

    async fn read_all(read: BlobRead) -> Vec<u8> {
        let chunks: Vec<_> = read.body.collect().await;
        chunks
            .into_iter()
            .flat_map(|c| c.expect("chunk").to_vec())
            .collect()
    }

    #[tokio::test]
    async fn stores_reads_ranges_and_deletes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = FolderStore::open(dir.path()).await.expect("opens");
        let key = BlobKey::parse("lessons/video-1").expect("key");
        let stored = store
            .put(&key, stream_of(&[b"hello ", b"world"]), 1024)
            .await
            .expect("stored");
        assert_eq!(stored.size, 11);
        assert_eq!(
            stored.sha256,
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );

        assert_eq!(
            read_all(store.get(&key, None).await.expect("get")).await,
            b"hello world"
        );
        let part = store.get(&key, Some(6..11)).await.expect("range");
        assert_eq!((part.size, part.range.clone()), (11, 6..11));
        assert_eq!(read_all(part).await, b"world");
        assert!(matches!(
            store.get(&key, Some(5..12)).await,
            Err(StorageError::RangeNotSatisfiable { size: 11, .. })
        ));

        store.delete(&key).await.expect("deleted");
        assert!(matches!(
            store.get(&key, None).await,
            Err(StorageError::NotFound(_))
        ));
        store.check().await.expect("ready");
    }

    #[tokio::test]
    async fn an_oversized_upload_leaves_nothing_behind() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = FolderStore::open(dir.path()).await.expect("opens");
        let key = BlobKey::parse("big").expect("key");
        let result = store.put(&key, stream_of(&[b"12345", b"67890"]), 8).await;
        assert!(matches!(result, Err(StorageError::TooLarge { limit: 8 })));
        assert!(store.get(&key, None).await.is_err());
        let staged = std::fs::read_dir(dir.path().join(STAGING))
            .expect("staging")
            .count();
        assert_eq!(staged, 0);
    }
}
