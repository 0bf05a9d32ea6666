//! HAR 1.2 (browser devtools, mitmproxy, Charles, Postman): many exchanges per file,
//! real traffic (a body not sent is absent). Entries to other hosts, and entries whose
//! bodies are not JSON, are skipped.

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

    let request_body = match request.get("postData") {
        None => Body::Absent,
        Some(post) => {
            let mime = post.get("mimeType").and_then(Value::as_str).unwrap_or_default();
            let text = post.get("text").and_then(Value::as_str).unwrap_or_default();
            json_body(mime, text)?
        }
    };
    let response = entry.get("response").ok_or_else(|| malformed("no `response`"))?;
    let status =
        response.get("status").and_then(Value::as_u64).ok_or_else(|| malformed("no `response.status`"))?;
    // HAR writes status 0 for a request that got no response.
    let response = match u16::try_from(status) {
        Ok(0) => None,
        Ok(status) => {
            let content = response.get("content");
            let mime = content.and_then(|c| c.get("mimeType")).and_then(Value::as_str).unwrap_or_default();
            let text = content.and_then(|c| c.get("text")).and_then(Value::as_str).unwrap_or_default();
            let text = match content.and_then(|c| c.get("encoding")).and_then(Value::as_str) {
                Some("base64") => base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .ok_or_else(|| malformed("`response.content.text` is not base64 of UTF-8 text"))?,
                _ => text.to_string(),
            };
            Some(Response { status, body: json_body(mime, &text)? })
        }
        Err(_) => return Err(malformed("`response.status` is not an HTTP status")),
    };

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

fn json_body(mime: &str, text: &str) -> Result<Body, Skip> {
    if text.is_empty() {
        return Ok(Body::Absent);
    }
    if !is_json(mime) {
        return Err(Skip::Skipped(SkipReason::NotJson));
    }
    Ok(serde_json::from_str(text).map_or_else(|e| Body::Invalid(e.to_string()), Body::Json))
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
        .collect()
}
