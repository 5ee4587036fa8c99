//! Who is calling: the bearer access token, verified, as a [`Principal`]; and the one
//! place that says which roles may call what.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use hocvuso_kernel::{Principal, Problem, Role};

use crate::error::ApiError;
use crate::state::AppState;

/// An authenticated caller. Extracting it answers 401 when the token is missing,
/// malformed, expired, forged or signed by an unknown key.
pub struct Authenticated(pub Principal);

impl FromRequest for Authenticated {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(authenticate(req).map(Authenticated).map_err(Into::into))
    }
}

pub fn authenticate(req: &HttpRequest) -> Result<Principal, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError(Problem::internal(&"application state missing")))?;
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .ok_or_else(|| ApiError(Problem::unauthorized()))?;
    Ok(state.identity.tokens().verify(token.trim())?)
}

impl Authenticated {
    /// 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<&Principal, ApiError> {
        if roles.contains(&self.0.role) {
            Ok(&self.0)
        } else {
            Err(ApiError(Problem::forbidden()))
        }
    }
}
