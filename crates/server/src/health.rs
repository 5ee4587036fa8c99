//! Liveness and readiness, for load balancers and orchestrators.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` while the process serves requests.
    status: &'static str,
}

/// The process is alive.
#[utoipa::path(tag = "operations", responses((status = OK, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// `ready` when every dependency answers, else `not_ready`.
    status: &'static str,
    database: Check,
    storage: Check,
}

#[derive(Serialize, ToSchema)]
pub struct Check {
    ok: bool,
    /// What is wrong, when not ok (never credentials).
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl<E: std::fmt::Display> From<Result<(), E>> for Check {
    fn from(result: Result<(), E>) -> Self {
        match result {
            Ok(()) => Check {
                ok: true,
                error: None,
            },
            Err(e) => Check {
                ok: false,
                error: Some(e.to_string()),
            },
        }
    }
}

/// The database and the blob store both answer; a load balancer sends traffic only then.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = OK, body = Readiness),
        (status = SERVICE_UNAVAILABLE, body = Readiness, description = "A dependency does not answer"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let (database, storage) = tokio::join!(state.db.ping(), state.blobs.check());
    let report = Readiness {
        status: if database.is_ok() && storage.is_ok() {
            "ready"
        } else {
            "not_ready"
        },
        database: database.into(),
        storage: storage.into(),
    };
    if report.database.ok && report.storage.ok {
        HttpResponse::Ok().json(report)
    } else {
        tracing::warn!(
            database = report.database.ok,
            storage = report.storage.ok,
            "not ready"
        );
        HttpResponse::ServiceUnavailable().json(report)
    }
}
