//! Recording the client's exchanges for `cargo xtask verify`: one file per exchange
//! in the project's recording format (`spec/README.md`, `"source": "traffic"`),
//! redacted before anything touches the disk.
//!
//! - Headers are kept only from a short list; `Authorization` is never among them.
//! - In every body, request or response, whatever its status or schema, a value
//!   under a personal name ([`crate::redact`]: any name the spec marks `x-sensitive`,
//!   and names, e-mail, phone, identity and tax numbers, birth dates, address lines,
//!   card fields, IP) becomes `REDACTED` (a number, 0).
//! - Then every field the spec marks for the operation is given a placeholder that
//!   passes its schema (the pointers and placeholders come from `build.rs`), so a
//!   recording of conforming traffic still verifies.
//! - A customer's id, wherever it appears (path, query, body), is replaced by
//!   `customer-N`, the same N for the same id within one recorder.
//! - Last, each personal value the request sent is taken out of everything written,
//!   wherever it appears: a server that echoes a name in a message, or a phone in a
//!   field of another name.
//!
//! A write that fails is logged once and never fails the call.

use crate::operations::{Operation, Redactions};
use crate::redact::{self, Placeholder};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The request headers a recording keeps: the API's own, none that authenticates.
const KEPT_HEADERS: [&str; 4] = ["api-version", "x-client-id", "accept-language", "content-type"];

/// The body fields that hold a customer's id, besides the path and query parameters
/// whose name says `customer`, and a `customer` object's `external_id`.
const CUSTOMER_ID_FIELDS: [&str; 2] = ["external_customer_id", "customer_external_id"];

/// The operations whose own `external_id` (the request's, the answer's `data`'s) is a
/// customer's id.
const CUSTOMER_OPERATIONS: [&str; 3] = ["create_customer", "update_customer", "get_customer"];

/// Writes the exchanges of one client into a folder.
pub(crate) struct Recorder {
    dir: PathBuf,
    /// Each customer id seen → its placeholder.
    customers: Mutex<HashMap<String, String>>,
    written: AtomicU64,
    failed: AtomicBool,
}

/// The folder and how many were written; never the ids it has seen.
impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("dir", &self.dir)
            .field("written", &self.written.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// A request as sent, before authentication, for the recording.
pub(crate) struct Sent {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<Value>,
}

impl Sent {
    /// What a recording needs of a request; its body is read where reqwest keeps it
    /// (JSON bodies are in memory), not sent twice.
    pub(crate) fn of(request: &reqwest::Request) -> Sent {
        let url = request.url();
        let headers = request.headers();
        Sent {
            method: request.method().to_string(),
            path: url.path().to_string(),
            query: url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect(),
            headers: KEPT_HEADERS
                .iter()
                .filter_map(|name| Some((name.to_string(), headers.get(*name)?.to_str().ok()?.to_string())))
                .collect(),
            body: request.body().and_then(|body| serde_json::from_slice(body.as_bytes()?).ok()),
        }
    }
}

impl Recorder {
    pub(crate) fn new(dir: PathBuf) -> Recorder {
        Recorder {
            dir,
            customers: Mutex::default(),
            written: AtomicU64::new(0),
            failed: AtomicBool::new(false),
        }
    }

    /// Writes one exchange, redacted; a failure is logged the first time only.
    pub(crate) fn write(&self, operation: &Operation, mut sent: Sent, status: u16, body: &[u8]) {
        let mut response: Option<Value> = serde_json::from_slice(body).ok();
        let mut personal = Vec::new();
        if let Some(body) = sent.body.as_mut() {
            redact::personal_values(body, &mut personal);
            redact::mask(body, Placeholder::Recording);
            redact(body, operation.redact_request);
        }
        if let Some(body) = response.as_mut() {
            redact::mask(body, Placeholder::Recording);
            if status == 200 {
                redact(body, operation.redact_response);
            }
        }
        self.replace_customer_ids(operation, &mut sent, response.as_mut());
        scrub_sent(&personal, &mut sent, response.as_mut());

        let headers: Map<String, Value> =
            sent.headers.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
        let query: Map<String, Value> = sent.query.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
        let mut request = json!({ "method": sent.method, "path": sent.path, "headers": headers });
        if !query.is_empty() {
            request["query"] = Value::Object(query);
        }
        if let Some(body) = sent.body {
            request["body"] = body;
        }
        let mut answer = json!({ "status": status, "headers": {"Content-Type": "application/json"} });
        match response {
            Some(body) => answer["body"] = body,
            // Not JSON (an HTML error page, say): not kept, and verify is told so.
            None if !body.is_empty() => {
                answer["body_withheld"] = json!(format!("{} bytes, not JSON", body.len()))
            }
            None => {}
        }
        let recorded_at = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let recording = json!({
            "operation": operation.id,
            "source": "traffic",
            "recorded_at": recorded_at,
            "request": request,
            "response": answer,
        });
        let sequence = self.written.fetch_add(1, Ordering::Relaxed) + 1;
        let file = self.dir.join(format!("{sequence:05}-{}.json", operation.id));
        let written = std::fs::create_dir_all(&self.dir).and_then(|()| {
            let text = serde_json::to_string_pretty(&recording).unwrap_or_default();
            std::fs::write(&file, text + "\n")
        });
        if let Err(e) = written
            && !self.failed.swap(true, Ordering::Relaxed)
        {
            tracing::warn!("recording to {}: {e}; the calls go on unrecorded", self.dir.display());
        }
    }

    /// Learns the customer ids the exchange names, then replaces each, wherever it is.
    fn replace_customer_ids(&self, operation: &Operation, sent: &mut Sent, response: Option<&mut Value>) {
        let mut named: Vec<String> = Vec::new();
        let template: Vec<&str> = operation.path.split('/').collect();
        for (segment, value) in template.iter().zip(sent.path.split('/')) {
            if segment.starts_with('{') && segment.contains("customer") {
                named.push(percent_decoded(value));
            }
        }
        named.extend(sent.query.iter().filter(|(k, _)| k.contains("customer")).map(|(_, v)| v.clone()));
        let own_id = CUSTOMER_OPERATIONS.contains(&operation.id);
        if let Some(body) = &sent.body {
            collect_customer_ids(body, None, &mut named);
            if own_id {
                named.extend(body.get("external_id").and_then(Value::as_str).map(String::from));
            }
        }
        if let Some(body) = response.as_deref() {
            collect_customer_ids(body, None, &mut named);
            if own_id {
                named.extend(body.pointer("/data/external_id").and_then(Value::as_str).map(String::from));
            }
        }

        let mut customers = self.customers.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for id in named.into_iter().filter(|id| !id.is_empty()) {
            let next = customers.len() + 1;
            customers.entry(id).or_insert_with(|| format!("customer-{next}"));
        }
        let replace = |text: &mut String| {
            if let Some(placeholder) = customers.get(text.as_str()) {
                *text = placeholder.clone();
            }
        };
        let segments: Vec<String> = sent
            .path
            .split('/')
            .map(|segment| {
                customers.get(&percent_decoded(segment)).cloned().unwrap_or_else(|| segment.to_string())
            })
            .collect();
        sent.path = segments.join("/");
        sent.query.iter_mut().for_each(|(_, value)| replace(value));
        if let Some(body) = sent.body.as_mut() {
            each_string(body, &mut |text| replace(text));
        }
        if let Some(body) = response {
            each_string(body, &mut |text| replace(text));
        }
    }
}

/// Takes the personal values the request sent out of everything written.
fn scrub_sent(personal: &[String], sent: &mut Sent, response: Option<&mut Value>) {
    if personal.is_empty() {
        return;
    }
    let segments: Vec<String> = sent
        .path
        .split('/')
        .map(|segment| {
            let mut decoded = percent_decoded(segment);
            if redact::scrub_text(&mut decoded, personal) { decoded } else { segment.to_string() }
        })
        .collect();
    sent.path = segments.join("/");
    for (_, value) in sent.query.iter_mut().chain(sent.headers.iter_mut()) {
        redact::scrub_text(value, personal);
    }
    if let Some(body) = sent.body.as_mut() {
        redact::scrub(body, personal);
    }
    if let Some(body) = response {
        redact::scrub(body, personal);
    }
}

fn percent_decoded(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

/// The ids in customer-id fields, and in `external_id` directly under a `customer` key.
fn collect_customer_ids(value: &Value, key: Option<&str>, found: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            for (name, inner) in object {
                let is_id = CUSTOMER_ID_FIELDS.contains(&name.as_str())
                    || (name == "external_id" && key == Some("customer"));
                match inner {
                    Value::String(id) if is_id => found.push(id.clone()),
                    _ => collect_customer_ids(inner, Some(name), found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_customer_ids(item, key, found)),
        _ => {}
    }
}

fn each_string(value: &mut Value, visit: &mut impl FnMut(&mut String)) {
    match value {
        Value::String(text) => visit(text),
        Value::Array(items) => items.iter_mut().for_each(|item| each_string(item, visit)),
        Value::Object(object) => object.values_mut().for_each(|inner| each_string(inner, visit)),
        _ => {}
    }
}

/// Replaces the value down each path of keys (`*` for every array item) by its
/// placeholder. A `null` stays `null`: it holds nothing, and the schema allows it there.
pub(crate) fn redact(body: &mut Value, redactions: Redactions) {
    fn walk(value: &mut Value, keys: &[&str], placeholder: &Value) {
        let Some((first, rest)) = keys.split_first() else {
            if !value.is_null() {
                *value = placeholder.clone();
            }
            return;
        };
        match value {
            Value::Array(items) if *first == "*" => {
                items.iter_mut().for_each(|item| walk(item, rest, placeholder));
            }
            Value::Object(object) => {
                if let Some(inner) = object.get_mut(*first) {
                    walk(inner, rest, placeholder);
                }
            }
            _ => {}
        }
    }
    for (keys, placeholder) in redactions {
        let Ok(placeholder) = serde_json::from_str::<Value>(placeholder) else { continue };
        walk(body, keys, &placeholder);
    }
}

#[cfg(test)]
mod tests;
