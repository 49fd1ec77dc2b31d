//! The HTTP front of `rasad serve` (axum, HTTP/1.1): the live page and its assets (`page`), a
//! JSON API (`api`) and Server-Sent Events of the update stream (`stream`) over the same
//! [`Service`] methods the gRPC handlers call, and Prometheus `/metrics`. JSON is the proto3 JSON
//! mapping of the gRPC messages, so both APIs read alike.

mod api;
mod page;
mod params;
mod stream;

use axum::{
    Router,
    extract::State,
    http::{StatusCode, header::CONTENT_TYPE},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Serialize;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::{Code, Status};

use crate::service::Service;

/// Serves the HTTP front on `listener` until `shutdown`; open event streams end with it.
pub async fn serve(listener: TcpListener, service: Service, shutdown: CancellationToken) -> std::io::Result<()> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!("the live page on http://{addr}/, metrics on http://{addr}/metrics");
    }
    axum::serve(listener, router(service)).with_graceful_shutdown(shutdown.cancelled_owned()).await
}

/// Every route of the HTTP front.
pub fn router(service: Service) -> Router {
    page::routes()
        .route("/metrics", get(metrics))
        .route("/api/events", get(api::events))
        .route("/api/events/{id}", get(api::event))
        .route("/api/events/{id}/reports", get(api::reports))
        .route("/api/stream", get(stream::updates))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found: the page is at /, the API under /api/, metrics at /metrics\n") })
        .with_state(service)
}

async fn metrics(State(service): State<Service>) -> Response {
    ([(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], service.metrics()).into_response()
}

/// A service error as an HTTP response: the status that matches its gRPC code and
/// `{"error": message}`.
pub struct ApiError(Status);

impl From<Status> for ApiError {
    fn from(status: Status) -> ApiError {
        ApiError(status)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = match self.0.code() {
            Code::InvalidArgument | Code::OutOfRange | Code::FailedPrecondition => StatusCode::BAD_REQUEST,
            Code::NotFound => StatusCode::NOT_FOUND,
            Code::Unavailable | Code::ResourceExhausted => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let mut response = json(&serde_json::json!({ "error": self.0.message() }));
        *response.status_mut() = code;
        response
    }
}

/// `value` as a JSON response.
fn json(value: &impl Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => ([(CONTENT_TYPE, "application/json")], body).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("cannot write JSON: {e}")).into_response(),
    }
}
