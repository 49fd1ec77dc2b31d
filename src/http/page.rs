//! The live page: `web/` embedded in the binary (one HTML file, its script and style, and the
//! world map built by `scripts/world-map.mjs`), so it works with no internet and no files beside
//! the binary.

use axum::{Router, http::header::CONTENT_TYPE, routing::get};

use crate::service::Service;

/// Path, content type and body of each asset.
const ASSETS: &[(&str, &str, &str)] = &[
    ("/", "text/html; charset=utf-8", include_str!("../../web/index.html")),
    ("/app.js", "text/javascript; charset=utf-8", include_str!("../../web/app.js")),
    ("/style.css", "text/css; charset=utf-8", include_str!("../../web/style.css")),
    ("/world.json", "application/json", include_str!("../../web/world.json")),
];

pub fn routes() -> Router<Service> {
    ASSETS
        .iter()
        .fold(Router::new(), |router, &(path, kind, body)| router.route(path, get(move || async move { ([(CONTENT_TYPE, kind)], body) })))
}
