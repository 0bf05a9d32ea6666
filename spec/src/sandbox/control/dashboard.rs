//! The dashboard at `GET /_sandbox/`: one HTML page, its style and script inline, that
//! reads `/_sandbox/state` and `/_sandbox/log` every two seconds and shows them to a
//! person. Its policy lets it load nothing and talk to no one but the sandbox.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HeaderValue, X_CONTENT_TYPE_OPTIONS,
};
use hyper::{Response, StatusCode};

/// The page; it puts every value in with `textContent`, never as markup.
const PAGE: &str = include_str!("dashboard.html");

/// Only the page's own inline style and script, requests only to the sandbox, and no
/// framing by another site (whose page could click its buttons).
const POLICY: &str = "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
                      img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The page as an answer.
pub fn page() -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(PAGE.as_bytes())));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Always the page of the sandbox that answers, not one a cache kept.
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
