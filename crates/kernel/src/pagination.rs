//! Cursor pagination: a page of items and an opaque cursor to the next one.
//!
//! Cursors encode the sort key of the last item returned, so pages stay stable while
//! rows are inserted (unlike offsets) and every page is an index range scan.

use data_encoding::BASE64URL_NOPAD;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::Problem;

pub const DEFAULT_LIMIT: u64 = 20;
pub const MAX_LIMIT: u64 = 100;

#[derive(Debug, Clone, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// How many items to return (1–100, default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[validate(length(max = 512))]
    #[param(max_length = 512)]
    pub cursor: Option<String>,
}

impl PageQuery {
    pub fn limit(&self) -> u64 {
        self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
    }

    /// The decoded cursor, or `None` for the first page.
    pub fn decode_cursor<K: DeserializeOwned>(&self) -> Result<Option<K>, Problem> {
        self.cursor.as_deref().map(decode_cursor).transpose()
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows: the extra row only tells that
    /// another page exists, and `key` gives the cursor of the last row kept.
    pub fn from_rows<K: Serialize>(mut rows: Vec<T>, limit: u64, key: impl Fn(&T) -> K) -> Self {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|last| encode_cursor(&key(last)))
        } else {
            None
        };
        Page {
            items: rows,
            next_cursor,
        }
    }
}

pub fn encode_cursor<K: Serialize>(key: &K) -> String {
    // Serialising plain keys (ids, numbers, strings, times) cannot fail.
    let json = serde_json::to_vec(key).unwrap_or_default();
    BASE64URL_NOPAD.encode(&json)
}

pub fn decode_cursor<K: DeserializeOwned>(cursor: &str) -> Result<K, Problem> {
    BASE64URL_NOPAD
        .decode(cursor.as_bytes())
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| {
            Problem::bad_request(
                "invalid_cursor",
                "Con trỏ phân trang không hợp lệ.",
                "The pagination cursor is not valid.",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_keeps_limit_rows_and_points_past_the_last() {
        let page = Page::from_rows(vec![1, 2, 3, 4], 3, |n| *n);
        assert_eq!(page.items, vec![1, 2, 3]);
        let cursor = page.next_cursor.expect("more rows");
        assert_eq!(decode_cursor::<i32>(&cursor).expect("decodes"), 3);

        let last = Page::from_rows(vec![1, 2], 3, |n| *n);
        assert!(last.next_cursor.is_none());
    }

    #[test]
    fn garbage_cursors_are_a_client_error() {
        let problem = decode_cursor::<(String, i64)>("%%%").expect_err("rejected");
        assert_eq!(problem.status, 400);
        assert_eq!(problem.code, "invalid_cursor");
        let wrong_shape = encode_cursor(&"text");
        assert!(decode_cursor::<i64>(&wrong_shape).is_err());
    }
}
