//! Vietnamese first; English for those who ask for it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// Picks a language from an `Accept-Language` header value: the first language tag
    /// (by quality, then order) that is Vietnamese or English wins; anything else means
    /// Vietnamese, the platform's language.
    pub fn negotiate(accept_language: &str) -> Lang {
        let mut ranked: Vec<(f32, usize, Lang)> = accept_language
            .split(',')
            .enumerate()
            .filter_map(|(position, item)| {
                let mut parts = item.trim().split(';');
                let tag = parts.next()?.trim().to_ascii_lowercase();
                let quality = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                let primary = tag.split('-').next().unwrap_or_default();
                let lang = match primary {
                    "vi" => Lang::Vi,
                    "en" => Lang::En,
                    _ => return None,
                };
                (quality > 0.0).then_some((quality, position, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map(|r| r.2).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_quality_then_order() {
        assert_eq!(Lang::negotiate("en"), Lang::En);
        assert_eq!(Lang::negotiate("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::negotiate("vi-VN,vi;q=0.9,en;q=0.8"), Lang::Vi);
        assert_eq!(Lang::negotiate("fr, en;q=0.5, vi;q=0.7"), Lang::Vi);
        assert_eq!(Lang::negotiate("fr, en;q=0.5"), Lang::En);
        assert_eq!(Lang::negotiate("en;q=0, de"), Lang::Vi);
        assert_eq!(Lang::negotiate(""), Lang::Vi);
        assert_eq!(Lang::negotiate("*"), Lang::Vi);
    }
}
