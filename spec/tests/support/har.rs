//! Shared by the verify tests and the HAR benchmarks: a recording written as a HAR 1.2 entry.

#![allow(dead_code, reason = "each includer uses its part")]

use serde_json::{Value, json};
use std::path::Path;

/// A recording as a HAR entry; a recording without a response becomes HAR's status 0.
pub fn har_entry(recording: &Path) -> Value {
    har_entry_of(&serde_json::from_str(&std::fs::read_to_string(recording).unwrap()).unwrap())
}

/// Every embedded recording as a HAR entry's text, in name order (for the benches).
pub fn recorded_entries() -> Vec<String> {
    minted_spec::RECORDINGS
        .iter()
        .map(|(_, text)| har_entry_of(&serde_json::from_str(text).unwrap()).to_string())
        .collect()
}

fn har_entry_of(recording: &Value) -> Value {
    let request = &recording["request"];
    let mut url = url_of(request);
    if let Some(query) = request["query"].as_object() {
        let pairs: Vec<String> = query.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap())).collect();
        url = format!("{url}?{}", pairs.join("&"));
    }
    let headers: Vec<Value> = request["headers"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, value)| json!({"name": name, "value": value}))
        .collect();
    let mut har_request = json!({"method": request["method"], "url": url, "headers": headers});
    if let Some(body) = request.get("body") {
        har_request["postData"] = json!({"mimeType": "application/json", "text": body.to_string()});
    }
    let response = &recording["response"];
    let content = match response.get("body") {
        Some(body) => json!({"mimeType": "application/json", "text": body.to_string()}),
        None => json!({"mimeType": "", "text": ""}),
    };
    json!({"request": har_request, "response": {"status": response["status"].as_u64().unwrap_or(0), "content": content}})
}

fn url_of(request: &Value) -> String {
    format!("https://api.staging.mintedconnect.com{}", request["path"].as_str().unwrap())
}
