//! Bitstring Status List v1.0: each record holds one entry, at a random index, of a
//! list of [`LIST_SIZE`] bits (16 KiB, the minimum the spec recommends, so that a
//! verifier fetching the list learns nothing about which record it checks). Bit 0 is
//! the left-most; 1 means revoked. The list is published as a signed credential whose
//! `encodedList` is `u` + base64url (no padding) of the GZIP of the bitstring.

use std::io::Write;

use chrono::{DateTime, Utc};
use flate2::Compression;
use flate2::write::GzEncoder;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::Value;

use crate::entity::{credential, status_list};
use crate::{CertificationError, IssuerProfile};

pub const LIST_SIZE: usize = 131_072;
pub const PURPOSE: &str = "revocation";

/// The list's bits, revoked entries set.
pub fn encode(revoked: impl IntoIterator<Item = usize>) -> Result<String, CertificationError> {
    let mut bits = vec![0u8; LIST_SIZE / 8];
    for index in revoked {
        if let Some(byte) = bits.get_mut(index / 8) {
            *byte |= 0x80 >> (index % 8);
        }
    }
    let mut gzip = GzEncoder::new(Vec::new(), Compression::default());
    gzip.write_all(&bits)
        .and_then(|()| gzip.try_finish())
        .map_err(|e| CertificationError::Corrupt(e.to_string()))?;
    let compressed = gzip
        .finish()
        .map_err(|e| CertificationError::Corrupt(e.to_string()))?;
    Ok(format!(
        "u{}",
        data_encoding::BASE64URL_NOPAD.encode(&compressed)
    ))
}

/// The list new records take entries from: the newest, or a first one.
pub(crate) async fn current_list(
    db: &impl ConnectionTrait,
    at: DateTime<Utc>,
) -> Result<i32, CertificationError> {
    let newest = status_list::Entity::find()
        .order_by_desc(status_list::Column::Id)
        .limit(1)
        .one(db)
        .await?;
    match newest {
        Some(list) => Ok(list.id),
        None => open_list(db, 1, at).await,
    }
}

/// Opens list `id`, unless a concurrent issuer already did.
pub(crate) async fn open_list(
    db: &impl ConnectionTrait,
    id: i32,
    at: DateTime<Utc>,
) -> Result<i32, CertificationError> {
    status_list::Entity::insert(status_list::ActiveModel {
        id: Set(id),
        purpose: Set(PURPOSE.to_owned()),
        size: Set(i32::try_from(LIST_SIZE).unwrap_or(i32::MAX)),
        created_at: Set(at),
    })
    .on_conflict(
        OnConflict::column(status_list::Column::Id)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// A random entry index.
pub(crate) fn random_index() -> Result<u32, CertificationError> {
    let mut bytes = [0u8; 4];
    hocvuso_keys::random_bytes(&mut bytes).map_err(|e| CertificationError::Keys(e.to_string()))?;
    Ok(u32::from_le_bytes(bytes) % u32::try_from(LIST_SIZE).unwrap_or(u32::MAX))
}

/// The indices of list `id` whose records are revoked.
pub(crate) async fn revoked_entries(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<Vec<usize>>, CertificationError> {
    if status_list::Entity::find_by_id(id).one(db).await?.is_none() {
        return Ok(None);
    }
    let indices: Vec<i32> = credential::Entity::find()
        .select_only()
        .column(credential::Column::StatusIndex)
        .filter(credential::Column::StatusList.eq(id))
        .filter(credential::Column::RevokedAt.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(Some(
        indices
            .into_iter()
            .filter_map(|i| usize::try_from(i).ok())
            .collect(),
    ))
}

/// The status list credential's JSON, for signing.
pub(crate) fn list_credential(
    issuer: &IssuerProfile,
    id: i32,
    encoded: String,
    at: DateTime<Utc>,
) -> Value {
    let url = issuer.status_list_url(id);
    serde_json::json!({
        "@context": [crate::credential::CONTEXT_VC],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.profile_json(),
        "validFrom": at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encoded,
        },
    })
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn decode(encoded: &str) -> Vec<u8> {
        let compressed = data_encoding::BASE64URL_NOPAD
            .decode(encoded.strip_prefix('u').expect("multibase u").as_bytes())
            .expect("base64url");
        let mut bits = Vec::new();
        flate2::read::GzDecoder::new(compressed.as_slice())
            .read_to_end(&mut bits)
            .expect("gzip");
        bits
    }

    #[test]
    fn revoked_entries_are_set_left_most_first() {
        let bits = decode(&encode([0, 9, LIST_SIZE - 1]).expect("encode"));
        assert_eq!(bits.len(), LIST_SIZE / 8);
        assert_eq!(bits[0], 0b1000_0000, "bit 0 is the left-most of byte 0");
        assert_eq!(bits[1], 0b0100_0000, "bit 9 is the second of byte 1");
        assert_eq!(bits[LIST_SIZE / 8 - 1], 0b0000_0001);
        assert_eq!(bits.iter().map(|b| b.count_ones()).sum::<u32>(), 3);
        let empty = decode(&encode([]).expect("encode"));
        assert!(empty.iter().all(|b| *b == 0));
    }
}
