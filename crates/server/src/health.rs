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
    /// `unavailable` when not ok. The cause (which may name hosts, paths or users) goes
    /// to the server's log, not to whoever asks.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
}

impl Check {
    fn of<E: std::fmt::Display>(what: &'static str, result: Result<(), E>) -> Self {
        match result {
            Ok(()) => Check {
                ok: true,
                error: None,
            },
            Err(e) => {
                tracing::warn!(dependency = what, cause = %e, "dependency unavailable");
                Check {
                    ok: false,
                    error: Some("unavailable"),
                }
            }
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
        database: Check::of("database", database),
        storage: Check::of("storage", storage),
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
