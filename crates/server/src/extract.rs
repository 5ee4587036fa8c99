//! Extractors that parse and validate in one step, so a handler only ever sees valid input.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use hocvuso_kernel::Problem;
use serde::de::DeserializeOwned;
use validator::Validate;

use crate::error::ApiError;

/// A JSON body that deserialised and passed its `validator` rules.
pub struct ValidJson<T>(pub T);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidJson<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<T>::from_request(req, payload);
        Box::pin(async move {
            let value = json.await?.into_inner();
            value.validate().map_err(|e| ApiError(Problem::from(e)))?;
            Ok(ValidJson(value))
        })
    }
}

/// Query parameters that deserialised and passed their `validator` rules.
pub struct ValidQuery<T>(pub T);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidQuery<T> {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let parsed = web::Query::<T>::from_request(req, payload)
            .into_inner()
            .and_then(|q| {
                let value = q.into_inner();
                value.validate().map_err(|e| ApiError(Problem::from(e)))?;
                Ok(ValidQuery(value))
            });
        std::future::ready(parsed)
    }
}
