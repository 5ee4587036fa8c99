//! Who is browsing. A browser's session is the API's own pair of tokens, kept in
//! HttpOnly, SameSite=Lax cookies (Secure, `__Host-` names behind TLS): the access token
//! for each page, the refresh token to renew it when it has expired. Every form carries
//! a CSRF token tied to a cookie of its own ([`crate::web::csrf`]).

use std::sync::Arc;
use std::time::Duration;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponseBuilder, web};
use hocvuso_identity::dto::TokenResponse;
use hocvuso_kernel::{Lang, Principal};
use moka::future::Cache;

use crate::state::AppState;
use crate::web::csrf::CsrfKey;

const ACCESS: &str = "hv_at";
const REFRESH: &str = "hv_rt";
const CSRF: &str = "hv_csrf";
const LANG: &str = "hv_lang";
const TEXT: &str = "hv_text";
const OIDC: &str = "hv_oidc";

/// What the web app keeps beside the platform: the CSRF key and the renewals in flight.
#[derive(Clone)]
pub struct WebState {
    pub(crate) csrf: CsrfKey,
    /// A page and the lessons a learner saves for offline arrive together with the same
    /// expired access token: one refresh answers them all, instead of the second use of
    /// the single-use refresh token ending the session as a replay.
    renewals: Cache<String, Arc<Pair>>,
}

impl WebState {
    pub fn new(csrf_secret: &[u8; 32]) -> Self {
        Self {
            csrf: CsrfKey::derive(csrf_secret),
            renewals: Cache::builder()
                .max_capacity(100_000)
                .time_to_live(Duration::from_secs(30))
                .build(),
        }
    }
}

/// A session's two tokens and how long the refresh token lasts.
#[derive(Clone)]
pub(crate) struct Pair {
    access: String,
    refresh: String,
    refresh_seconds: i64,
}

/// The browser's request as the pages see it: the signed-in person (if any), the
/// language and text size chosen, the CSRF token to put in forms, and the cookies the
/// response must set.
pub struct Visitor {
    pub principal: Option<Principal>,
    pub lang: Lang,
    pub text_large: bool,
    pub(crate) secure: bool,
    pub(crate) csrf_seed: String,
    pub(crate) csrf_seed_is_new: bool,
    pub csrf_token: String,
    renewed: Option<Pair>,
    ended: bool,
}

pub(crate) fn cookie_name(base: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

fn read(req: &HttpRequest, base: &str, secure: bool) -> Option<String> {
    req.cookie(&cookie_name(base, secure))
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 4096)
}

/// Behind TLS (as the proxy in front reports it), cookies are Secure and `__Host-`.
fn is_secure(req: &HttpRequest) -> bool {
    req.connection_info().scheme() == "https"
}

impl FromRequest for Visitor {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(Visitor::of(&req).await) })
    }
}

impl Visitor {
    async fn of(req: &HttpRequest) -> Visitor {
        let secure = is_secure(req);
        let lang = match read(req, LANG, secure).as_deref() {
            Some("en") => Lang::En,
            _ => Lang::Vi,
        };
        let text_large = read(req, TEXT, secure).as_deref() == Some("large");
        let state = req.app_data::<web::Data<AppState>>();
        let (csrf_seed, csrf_seed_is_new) = match read(req, CSRF, secure) {
            Some(seed) if seed.len() == 43 => (seed, false),
            _ => (crate::web::csrf::new_seed(), true),
        };
        let csrf_token = state
            .map(|s| s.web.csrf.token_for(&csrf_seed))
            .unwrap_or_default();
        let mut visitor = Visitor {
            principal: None,
            lang,
            text_large,
            secure,
            csrf_seed,
            csrf_seed_is_new,
            csrf_token,
            renewed: None,
            ended: false,
        };
        if let Some(state) = state {
            visitor.sign_in_from_cookies(req, state).await;
        }
        visitor
    }

    async fn sign_in_from_cookies(&mut self, req: &HttpRequest, state: &AppState) {
        if let Some(access) = read(req, ACCESS, self.secure)
            && let Some(principal) = verified(state, &access).await
        {
            self.principal = Some(principal);
            return;
        }
        let Some(refresh) = read(req, REFRESH, self.secure) else {
            return;
        };
        let key = hocvuso_identity::tokens::hash_refresh_token(&refresh);
        let identity = state.identity.clone();
        let seconds = state.identity.refresh_ttl().num_seconds();
        let renewed = state
            .web
            .renewals
            .try_get_with(key, async move {
                identity
                    .refresh(&refresh)
                    .await
                    .map(|t| Arc::new(pair(&t, seconds)))
            })
            .await;
        match renewed {
            Ok(pair) => {
                self.principal = verified(state, &pair.access).await;
                self.renewed = Some((*pair).clone());
            }
            // Expired, signed out elsewhere or replayed: the cookies are worth nothing.
            Err(_) => self.ended = true,
        }
    }

    /// The access token of this request's session: what the offline sync sends to the API.
    pub(crate) fn access_token(&self, req: &HttpRequest) -> Option<String> {
        self.principal.as_ref()?;
        self.renewed
            .as_ref()
            .map(|p| p.access.clone())
            .or_else(|| read(req, ACCESS, self.secure))
    }

    pub(crate) fn refresh_token(&self, req: &HttpRequest) -> Option<String> {
        self.renewed
            .as_ref()
            .map(|p| p.refresh.clone())
            .or_else(|| read(req, REFRESH, self.secure))
    }

    /// Starts a session from the tokens a sign-in or registration returned.
    pub(crate) fn begin(&mut self, tokens: &TokenResponse, refresh_seconds: i64) {
        self.principal = None;
        self.renewed = Some(pair(tokens, refresh_seconds));
        self.ended = false;
    }

    /// Ends the session in this browser.
    pub(crate) fn end(&mut self) {
        self.renewed = None;
        self.ended = true;
        self.principal = None;
    }

    fn cookie<'c>(&self, base: &str, value: String, max_age: Option<i64>) -> Cookie<'c> {
        let mut cookie = Cookie::build(cookie_name(base, self.secure), value)
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Lax)
            .finish();
        if let Some(seconds) = max_age {
            cookie.set_max_age(actix_web::cookie::time::Duration::seconds(seconds));
        }
        cookie
    }

    /// Adds the cookies this request changed to its response.
    pub fn set_cookies(&self, response: &mut HttpResponseBuilder) {
        if self.csrf_seed_is_new {
            response.cookie(self.cookie(CSRF, self.csrf_seed.clone(), None));
        }
        if let Some(pair) = &self.renewed {
            response.cookie(self.cookie(ACCESS, pair.access.clone(), Some(pair.refresh_seconds)));
            response.cookie(self.cookie(REFRESH, pair.refresh.clone(), Some(pair.refresh_seconds)));
        } else if self.ended {
            response.cookie(self.cookie(ACCESS, String::new(), Some(0)));
            response.cookie(self.cookie(REFRESH, String::new(), Some(0)));
        }
    }

    /// A preference cookie (language, text size), kept for a year.
    pub(crate) fn preference<'c>(&self, which: Preference, value: &str) -> Cookie<'c> {
        let base = match which {
            Preference::Lang => LANG,
            Preference::TextSize => TEXT,
        };
        self.cookie(base, value.to_owned(), Some(365 * 24 * 3600))
    }

    /// The VNeID sign-in's binding, kept in this browser for ten minutes.
    pub(crate) fn oidc_binding_cookie<'c>(&self, binding: &str) -> Cookie<'c> {
        self.cookie(OIDC, binding.to_owned(), Some(600))
    }

    pub(crate) fn oidc_binding(&self, req: &HttpRequest) -> Option<String> {
        read(req, OIDC, self.secure)
    }
}

pub(crate) enum Preference {
    Lang,
    TextSize,
}

fn pair(tokens: &TokenResponse, refresh_seconds: i64) -> Pair {
    Pair {
        access: tokens.access_token.clone(),
        refresh: tokens.refresh_token.clone(),
        refresh_seconds,
    }
}

async fn verified(state: &AppState, access: &str) -> Option<Principal> {
    let (principal, session) = state.identity.tokens().verify_session(access).ok()?;
    match session {
        Some(session) => match state.identity.session_ended(session).await {
            Ok(false) => Some(principal),
            _ => None,
        },
        None => Some(principal),
    }
}
