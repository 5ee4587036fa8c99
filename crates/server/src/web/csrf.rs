//! Cross-site request forgery, refused twice: a form must come from a page of this
//! site (the browser's `Sec-Fetch-Site`, else `Origin`), and carry the token the page was
//! rendered with — an HMAC of a random cookie, so no other site can make one, and a
//! cookie planted from a neighbouring subdomain is worth nothing without this server's key.

use actix_web::HttpRequest;
use actix_web::http::header;
use data_encoding::BASE64URL_NOPAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::web::session::Visitor;

type HmacSha256 = Hmac<Sha256>;

/// The key that signs CSRF tokens; every node of a deployment derives the same one.
#[derive(Clone)]
pub struct CsrfKey([u8; 32]);

impl CsrfKey {
    pub fn derive(secret: &[u8; 32]) -> Self {
        let mut key = [0u8; 32];
        // Derived under its own label, so the token reveals nothing of the secret's
        // other use.
        hkdf::Hkdf::<Sha256>::new(None, secret)
            .expand(b"hocvuso web csrf v1", &mut key)
            .unwrap_or_else(|_| unreachable!("32 bytes is a valid HKDF-SHA256 length"));
        CsrfKey(key)
    }

    fn mac(&self, seed: &str) -> HmacSha256 {
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        mac.update(seed.as_bytes());
        mac
    }

    pub fn token_for(&self, seed: &str) -> String {
        BASE64URL_NOPAD.encode(&self.mac(seed).finalize().into_bytes())
    }

    fn accepts(&self, seed: &str, token: &str) -> bool {
        BASE64URL_NOPAD
            .decode(token.as_bytes())
            .is_ok_and(|given| self.mac(seed).verify_slice(&given).is_ok())
    }
}

/// A fresh cookie value: 32 random bytes.
pub fn new_seed() -> String {
    let mut bytes = [0u8; 32];
    // Without randomness the seed is all zeros; `accepts` still needs the server's key.
    if getrandom::fill(&mut bytes).is_err() {
        tracing::error!("no randomness for a CSRF seed");
    }
    BASE64URL_NOPAD.encode(&bytes)
}

/// Whether the request came from one of this site's own pages.
fn same_site(req: &HttpRequest) -> bool {
    if let Some(site) = req.headers().get("sec-fetch-site") {
        return matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    match req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    {
        // Older browsers send no Fetch Metadata; the Origin must be this host.
        Some(origin) => {
            let info = req.connection_info();
            origin == format!("{}://{}", info.scheme(), info.host())
        }
        // Neither header: not a browser's cross-site form; the token still decides.
        None => true,
    }
}

/// True when a form (or the offline sync's header) may act for this visitor.
pub fn form_allowed(req: &HttpRequest, visitor: &Visitor, token: Option<&str>) -> bool {
    same_site(req)
        && !visitor.csrf_seed_is_new
        && token.is_some_and(|t| {
            let state = req.app_data::<actix_web::web::Data<crate::state::AppState>>();
            state.is_some_and(|s| s.web.csrf.accepts(&visitor.csrf_seed, t))
        })
}
