//! The JSON API: `GET /api/events` (`ListEvents`), `/api/events/{id}` (`GetEvent`) and
//! `/api/events/{id}/reports` (`ListReports`), each one call of the service.

use axum::{
    extract::{Path, Query, State},
    response::Response,
};

use super::{ApiError, json, params::Params};
use crate::{proto::ListReportsRequest, service::Service};

/// `?country=RUS&country=USA&type=consult&status=planned&since=2019-01-01&until=2019-12-31&page_size=50&page_token=…`
pub async fn events(State(service): State<Service>, Query(pairs): Query<Vec<(String, String)>>) -> Result<Response, ApiError> {
    let params = Params::parse(pairs, Params::LIST)?;
    Ok(json(&service.events(params.list_request()).await?))
}

pub async fn event(State(service): State<Service>, Path(id): Path<String>) -> Result<Response, ApiError> {
    Ok(json(&service.event(id).await?))
}

/// `?page_size=50&page_token=…`
pub async fn reports(
    State(service): State<Service>,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let params = Params::parse(pairs, Params::PAGE)?;
    let request = ListReportsRequest { event_id: id, page_size: params.page_size, page_token: params.page_token };
    Ok(json(&service.reports(request).await?))
}
