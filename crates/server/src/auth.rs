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
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            authenticate(&req)
                .await
                .map(Authenticated)
                .map_err(Into::into)
        })
    }
}

/// The caller of `req`: a valid access token of a session that has not ended (signed
/// out, or its refresh token replayed — then its access tokens stop at once, not when
/// they expire).
pub async fn authenticate(req: &HttpRequest) -> Result<Principal, ApiError> {
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
    let (principal, session) = state.identity.tokens().verify_session(token.trim())?;
    if let Some(session) = session
        && state.identity.session_ended(session).await?
    {
        return Err(ApiError(
            hocvuso_identity::IdentityError::InvalidToken.into(),
        ));
    }
    Ok(principal)
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
