//! The HTTP application: routes, middleware and the server around them.

use std::net::SocketAddr;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::middleware::{Compress, Condition, from_fn};
use actix_web::{App, HttpResponse, HttpServer, http::header, web};
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use utoipa_actix_web::{AppExt, scope, service_config::ServiceConfig};
use utoipa_swagger_ui::SwaggerUi;

use crate::error::{json_error, path_error, query_error};
use crate::middleware::{REQUEST_ID, guard_metrics, request_context};
use crate::state::AppState;
use crate::{StartError, health, openapi, routes};

pub const API_PREFIX: &str = "/api/v1";
pub const OPENAPI_PATH: &str = "/api-docs/openapi.json";

/// Every documented route. The OpenAPI document is generated from exactly this.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .configure(routes::certification::public_routes)
        .service(
            scope(API_PREFIX)
                .configure(routes::identity::routes)
                .configure(routes::courses::routes)
                .configure(routes::authoring::routes)
                .configure(routes::media::routes)
                .configure(routes::learning::routes)
                .configure(routes::assessment::routes)
                .configure(routes::certification::routes)
                .configure(routes::administration::routes)
                .configure(routes::exports::routes)
                .configure(routes::mentors::routes)
                .configure(routes::classes::routes)
                .configure(routes::assistant::routes),
        );
}

fn cors(origins: &[String]) -> Cors {
    origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::IF_NONE_MATCH,
            header::RANGE,
            REQUEST_ID,
        ])
        .expose_headers([
            REQUEST_ID,
            header::ETAG,
            header::RETRY_AFTER,
            header::CONTENT_RANGE,
            header::ACCEPT_RANGES,
        ])
        .max_age(3600)
}

fn metrics() -> Result<PrometheusMetrics, StartError> {
    PrometheusMetricsBuilder::new("hocvuso")
        .endpoint("/metrics")
        // Unknown paths share one label, so a scan cannot blow up the series count.
        .mask_unmatched_patterns("UNMATCHED")
        // Swagger UI's assets would each be a series of their own.
        .exclude_regex("^/docs/")
        .build()
        .map_err(|e| StartError::Metrics(e.to_string()))
}

/// Binds and returns the server, not yet running: await it (or spawn it) to serve.
pub fn bind(state: AppState) -> Result<(actix_web::dev::Server, SocketAddr), StartError> {
    let settings = state.settings.clone();
    let document = openapi::document();
    let metrics = metrics()?;
    let state = web::Data::new(state);
    let mut server = HttpServer::new(move || {
        let http = &state.settings.http;
        App::new()
            .app_data(state.clone())
            .app_data(
                web::JsonConfig::default()
                    .limit(http.json_limit)
                    .error_handler(json_error),
            )
            .app_data(web::QueryConfig::default().error_handler(query_error))
            .app_data(web::PathConfig::default().error_handler(path_error))
            .app_data(web::PayloadConfig::default().limit(http.json_limit))
            .wrap(Compress::default())
            .wrap(cors(&http.cors_origins))
            .wrap(from_fn(request_context))
            .wrap(metrics.clone())
            // Only a deployment that protects /metrics pays for the check.
            .wrap(Condition::new(
                http.metrics_token.is_some(),
                from_fn(guard_metrics),
            ))
            .into_utoipa_app()
            .configure(routes)
            .into_app()
            .service(SwaggerUi::new("/docs/{_:.*}").url(OPENAPI_PATH, document.clone()))
            // The metrics middleware writes the body; the route makes the request a match.
            .route("/metrics", web::get().to(HttpResponse::Ok))
            .configure(crate::web::pages)
            .default_service(web::to(crate::web::fallback))
    })
    .shutdown_timeout(settings.http.shutdown_timeout)
    .client_request_timeout(Duration::from_secs(30));
    if let Some(workers) = settings.http.workers {
        server = server.workers(workers);
    }
    let server = server
        .bind(&settings.http.bind)
        .map_err(|e| StartError::Bind(settings.http.bind.clone(), e))?;
    let addr = server.addrs().first().copied().ok_or_else(|| {
        StartError::Bind(
            settings.http.bind.clone(),
            std::io::ErrorKind::AddrNotAvailable.into(),
        )
    })?;
    Ok((server.run(), addr))
}
