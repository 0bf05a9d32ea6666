//! HAR 1.2 (browser devtools, mitmproxy, Charles, Fiddler): many exchanges per file,
//! real traffic (a body not sent is absent). Entries to other hosts, aborted ones and
//! ones whose bodies were not captured are skipped, and counted by why.

use crate::contract::Scope;
use crate::document::is_json;
use crate::error::{ErrorKind, Place, SpecError};
use crate::exchange::{Body, Exchange, Request, Response, SkipReason};
use base64::Engine;
use serde_json::Value;

/// Why a HAR with a `log` cannot be read at all.
pub const NO_ENTRIES: &str = "a HAR without a `log.entries` array";

/// Why an entry is not an exchange of this API.
pub enum Skip {
    /// Not checked, and counted by why.
    Skipped(SkipReason),
    /// An [`ErrorKind::Capture`] placed at the entry.
    Malformed(SpecError),
}

/// The entries of a HAR document, taken out of it; `Err` when it has none to read.
pub(crate) fn take_entries(file: &str, document: &mut Value) -> Result<Vec<Value>, SpecError> {
    match document.pointer_mut("/log/entries").map(Value::take) {
        Some(Value::Array(entries)) => Ok(entries),
        _ => Err(SpecError::new(ErrorKind::Capture, NO_ENTRIES).in_file(file)),
    }
}

/// One entry of a HAR's `log.entries`, as an exchange or why it is skipped.
pub(crate) fn read_entry(file: &str, index: usize, entry: &Value, scope: &Scope) -> Result<Exchange, Skip> {
    let malformed = |what: &str| {
        Skip::Malformed(SpecError::new(ErrorKind::Capture, what).in_file(file).at(Place::Entry(index)))
    };
    let request = entry.get("request").ok_or_else(|| malformed("no `request`"))?;
    let method =
        request.get("method").and_then(Value::as_str).ok_or_else(|| malformed("no `request.method`"))?;
    let url = request.get("url").and_then(Value::as_str).ok_or_else(|| malformed("no `request.url`"))?;
    let url = url::Url::parse(url).map_err(|e| malformed(&format!("`request.url` is not a URL: {e}")))?;
    let host = url.host_str().unwrap_or_default();
    if !scope.hosts.is_empty() && !scope.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return Err(Skip::Skipped(SkipReason::OtherHost));
    }
    let Some(path) = scope.base_paths.iter().find_map(|base| strip_base(url.path(), base)) else {
        return Err(Skip::Skipped(SkipReason::OtherHost));
    };

    let response = entry.get("response").ok_or_else(|| malformed("no `response`"))?;
    let status =
        response.get("status").and_then(Value::as_u64).ok_or_else(|| malformed("no `response.status`"))?;
    let status = u16::try_from(status).map_err(|_| malformed("`response.status` is not an HTTP status"))?;
    // Status 0: no response came (Chrome adds why in `_error`, `net::ERR_ABORTED`, say).
    let error = |holder: &Value| holder.get("_error").is_some_and(|e| !e.is_null());
    if status == 0 || error(entry) || error(response) {
        return Err(Skip::Skipped(SkipReason::Aborted));
    }
    let request_body = match request.get("postData") {
        // A body was sent but not kept (a browser drops large or binary ones).
        None if size_of(request.get("bodySize")) > 0 => return Err(Skip::Skipped(SkipReason::NotCaptured)),
        None => Body::Absent,
        Some(post) => {
            let mime = post.get("mimeType").and_then(Value::as_str).unwrap_or_default();
            match post.get("text").and_then(Value::as_str) {
                Some(text) => {
                    body(mime, text, None).map_err(|what| malformed(&format!("`request.postData` {what}")))?
                }
                // Form fields (`params`) without the text: not a JSON body, nothing to check it by.
                None => Body::Other { media_type: media_type(mime), bytes: size_of(request.get("bodySize")) },
            }
        }
    };
    let content = response.get("content");
    let mime = content.and_then(|c| c.get("mimeType")).and_then(Value::as_str).unwrap_or_default();
    let response_body = match content.and_then(|c| c.get("text")).and_then(Value::as_str) {
        // Firefox: "Response bodies are not included"; Chrome's HAR without content.
        None if size_of(content.and_then(|c| c.get("size"))) > 0 => {
            return Err(Skip::Skipped(SkipReason::NotCaptured));
        }
        None => Body::Absent,
        Some(text) => {
            let encoding = content.and_then(|c| c.get("encoding")).and_then(Value::as_str);
            body(mime, text, encoding).map_err(|what| malformed(&format!("`response.content` {what}")))?
        }
    };
    let response = Some(Response { status, body: response_body });

    Ok(Exchange {
        file: file.to_string(),
        entry: Some(index),
        operation: None,
        request: Some(Request {
            method: method.to_ascii_uppercase(),
            path,
            query: url.query_pairs().into_owned().collect(),
            headers: name_values(request.get("headers")),
            body: request_body,
        }),
        response,
    })
}

/// A captured body: JSON when its media type says so (the text decoded from base64
/// first, when the capture encoded it), otherwise its media type and size only.
fn body(mime: &str, text: &str, encoding: Option<&str>) -> Result<Body, &'static str> {
    let bytes = |text: &str| text.len() as u64;
    if text.is_empty() {
        return Ok(Body::Absent);
    }
    let base64 = encoding.is_some_and(|e| e.eq_ignore_ascii_case("base64"));
    if !is_json(mime) {
        let bytes = if base64 { (bytes(text.trim_end_matches('=')) * 3) / 4 } else { bytes(text) };
        return Ok(Body::Other { media_type: media_type(mime), bytes });
    }
    let decoded;
    let text = if base64 {
        let raw = base64::engine::general_purpose::STANDARD.decode(text).map_err(|_| "is not base64")?;
        decoded = String::from_utf8(raw).map_err(|_| "is not base64 of UTF-8 text")?;
        decoded.as_str()
    } else {
        text
    };
    Ok(serde_json::from_str(text).map_or_else(|e| Body::Invalid(e.to_string()), Body::Json))
}

/// A media type's essence (`text/html`), as findings may name it: lower case, only the
/// characters a media type is made of, and short, whatever the capture wrote.
fn media_type(mime: &str) -> String {
    let essence = mime.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let valid = !essence.is_empty()
        && essence.len() <= 64
        && essence.bytes().all(|b| b.is_ascii_alphanumeric() || b"/+.-_".contains(&b));
    if valid { essence } else { "unknown".into() }
}

/// A HAR size: `-1` (not known) and anything that is not a count read as 0.
fn size_of(size: Option<&Value>) -> u64 {
    size.and_then(Value::as_u64).unwrap_or(0)
}

fn strip_base(path: &str, base: &str) -> Option<String> {
    let rest = path.strip_prefix(base)?;
    (rest.is_empty() || rest.starts_with('/')).then(|| if rest.is_empty() { "/".into() } else { rest.into() })
}

fn name_values(list: Option<&Value>) -> Vec<(String, String)> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|pair| {
            Some((pair.get("name")?.as_str()?.to_string(), pair.get("value")?.as_str()?.to_string()))
        })
        // HTTP/2's pseudo-headers (`:authority`, `:path`, ...) are the request line, not headers.
        .filter(|(name, _)| !name.starts_with(':'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrome_entries() -> Vec<Value> {
        let text = include_str!("../tests/captures/chrome-h2.har");
        let mut document: Value = serde_json::from_str(text).unwrap();
        take_entries("chrome-h2.har", &mut document).unwrap()
    }

    fn read(entry: &Value) -> Exchange {
        let scope = Scope { hosts: Vec::new(), base_paths: vec!["/partner".into()] };
        read_entry("chrome-h2.har", 0, entry, &scope).unwrap_or_else(|_| panic!("the entry reads"))
    }

    #[test]
    fn pseudo_headers_are_not_headers_and_a_base64_body_is_its_text() {
        let entries = chrome_entries();
        let plain = read(&entries[0]);
        let request = plain.request.as_ref().unwrap();
        assert_eq!(request.path, "/pricefix");
        assert!(request.headers.iter().all(|(name, _)| !name.starts_with(':')), "{:?}", request.headers);
        assert!(request.headers.iter().any(|(name, _)| name == "api-version"));
        let encoded = read(&entries[2]);
        assert_eq!(entries[2]["response"]["content"]["encoding"], "base64");
        assert!(matches!(encoded.response.as_ref().unwrap().body, Body::Json(_)));
        assert_eq!(encoded.response, plain.response);
    }

    #[test]
    fn a_media_type_is_named_only_when_it_looks_like_one() {
        assert_eq!(media_type("Text/HTML; charset=utf-8"), "text/html");
        assert_eq!(media_type("application/problem+json"), "application/problem+json");
        assert_eq!(media_type("text/html <secret@example.com>"), "unknown");
        assert_eq!(media_type(""), "unknown");
    }
}
