//! The S3 store against a real S3 server (Garage in CI: `.ci/garage.sh`). Skipped when
//! no server is configured, unless `HOCVUSO_TEST_S3_REQUIRED=1`.

use bytes::Bytes;
use data_encoding::HEXLOWER;
use futures_util::StreamExt;
use hocvuso_storage::{
    BlobKey, BlobRead, BlobStore, ByteStream, DirectAccess, S3Config, S3Store, StorageError,
};
use sha2::{Digest, Sha256};
use std::time::Duration;

async fn store() -> Option<S3Store> {
    let Some(config) = hocvuso_testdb::s3_test_config() else {
        eprintln!("no S3 test server configured: skipped");
        return None;
    };
    Some(S3Store::connect(config).await.expect("client"))
}

/// `total` bytes of a repeatable pattern, in chunks of `chunk` bytes.
fn pattern(total: usize, chunk: usize) -> (Vec<u8>, ByteStream) {
    let bytes: Vec<u8> = (0..total).map(|i| (i * 7 % 251) as u8).collect();
    let chunks: Vec<std::io::Result<Bytes>> = bytes
        .chunks(chunk)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    (bytes, Box::pin(futures_util::stream::iter(chunks)))
}

async fn read_all(read: BlobRead) -> Vec<u8> {
    let mut out = Vec::new();
    let mut body = read.body;
    while let Some(chunk) = body.next().await {
        out.extend_from_slice(&chunk.expect("chunk"));
    }
    out
}

fn sha256(bytes: &[u8]) -> String {
    HEXLOWER.encode(&Sha256::digest(bytes))
}

#[tokio::test]
async fn small_blobs_round_trip_with_ranges() {
    let Some(store) = store().await else { return };
    store.check().await.expect("bucket reachable");
    let key = BlobKey::parse("lessons/small").expect("key");
    let (bytes, body) = pattern(100_000, 16_384);
    let stored = store.put(&key, body, 1 << 20).await.expect("stored");
    assert_eq!(stored.size, 100_000);
    assert_eq!(stored.sha256, sha256(&bytes));

    assert_eq!(
        read_all(store.get(&key, None).await.expect("get")).await,
        bytes
    );
    let part = store.get(&key, Some(1000..1010)).await.expect("range");
    assert_eq!((part.size, part.range.clone()), (100_000, 1000..1010));
    assert_eq!(read_all(part).await, &bytes[1000..1010]);
    assert!(matches!(
        store.get(&key, Some(99_990..100_001)).await,
        Err(StorageError::RangeNotSatisfiable { size: 100_000, .. })
    ));

    store.delete(&key).await.expect("deleted");
    assert!(matches!(
        store.get(&key, None).await,
        Err(StorageError::NotFound(_))
    ));
    assert!(matches!(
        store.get(&key, Some(0..1)).await,
        Err(StorageError::NotFound(_))
    ));
}

#[tokio::test]
async fn large_streams_go_up_in_parts() {
    let Some(store) = store().await else { return };
    let key = BlobKey::parse("lessons/video").expect("key");
    // Two full parts and a short last one, in chunks that do not divide the part size.
    let (bytes, body) = pattern(19 * 1024 * 1024 + 123, 65_537);
    let stored = store.put(&key, body, 64 << 20).await.expect("stored");
    assert_eq!(stored.size, bytes.len() as u64);
    assert_eq!(stored.sha256, sha256(&bytes));
    let whole = read_all(store.get(&key, None).await.expect("get")).await;
    assert_eq!(sha256(&whole), stored.sha256);
    let tail = store
        .get(&key, Some(bytes.len() as u64 - 50..bytes.len() as u64))
        .await
        .expect("tail");
    assert_eq!(read_all(tail).await, &bytes[bytes.len() - 50..]);
}

#[tokio::test]
async fn oversized_uploads_are_aborted_and_leave_nothing() {
    let Some(store) = store().await else { return };
    for (total, limit) in [(2_000usize, 1_000u64), (20 << 20, 10 << 20)] {
        let key = BlobKey::generate("lessons").expect("key");
        let (_, body) = pattern(total, 1 << 20);
        let refused = store.put(&key, body, limit).await;
        assert!(
            matches!(refused, Err(StorageError::TooLarge { limit: l }) if l == limit),
            "{total} bytes against a limit of {limit}"
        );
        assert!(matches!(
            store.get(&key, None).await,
            Err(StorageError::NotFound(_))
        ));
    }
}

#[tokio::test]
async fn presigned_requests_upload_and_download_without_credentials() {
    let Some(store) = store().await else { return };
    let key = BlobKey::parse("lessons/direct").expect("key");
    let ttl = Duration::from_secs(60);
    let upload = store
        .presign(&key, DirectAccess::Upload, ttl)
        .await
        .expect("presigned")
        .expect("S3 hands out presigned requests");
    assert_eq!(upload.method, "PUT");
    let client = reqwest::Client::new();
    let mut put = client.put(&upload.url).body(b"%PDF-1.7 slides".to_vec());
    for (name, value) in &upload.headers {
        put = put.header(name, value);
    }
    let put = put.send().await.expect("upload");
    assert!(put.status().is_success(), "PUT answered {}", put.status());
    assert_eq!(
        read_all(store.get(&key, None).await.expect("get")).await,
        b"%PDF-1.7 slides"
    );

    let download = store
        .presign(
            &key,
            DirectAccess::Download {
                content_type: "application/pdf",
            },
            ttl,
        )
        .await
        .expect("presigned")
        .expect("a URL");
    let got = client.get(&download.url).send().await.expect("download");
    assert_eq!(got.status(), 200);
    assert_eq!(
        got.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    assert_eq!(
        got.bytes().await.expect("body").as_ref(),
        b"%PDF-1.7 slides"
    );

    // Tampering with the signed URL is refused by the store.
    let forged = download.url.replace("lessons/direct", "lessons/other");
    let refused = client.get(&forged).send().await.expect("request");
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn a_missing_bucket_makes_the_store_unready() {
    let Some(config) = hocvuso_testdb::s3_test_config() else {
        return;
    };
    let store = S3Store::connect(S3Config {
        bucket: "no-such-bucket-hocvuso".into(),
        ..config
    })
    .await
    .expect("client");
    assert!(matches!(
        store.check().await,
        Err(StorageError::Unavailable(_))
    ));
}
