//! Exchanges read from files: our recording format or HAR 1.2, one model for both.

use super::finding::{Finding, Kind, Severity};
use super::{har, recording};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One request and (where known) its response.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub file: String,
    /// Index into a HAR file's `log.entries`.
    pub entry: Option<usize>,
    /// The operation a recording says it is an example of.
    pub operation: Option<String>,
    pub request: Option<Request>,
    pub response: Option<Response>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: String,
    /// The API path, without query string or the server's base path; percent-encoded.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// None sent, or (in a recording) none shown by the docs.
    Absent,
    Json(Value),
    /// Declared JSON, but does not parse; the reason.
    Invalid(String),
}

/// Where HAR entries count as this API's: the hosts and base paths of the spec's servers.
pub struct Scope {
    pub hosts: Vec<String>,
    pub base_paths: Vec<String>,
}

#[derive(Default)]
pub struct Loaded {
    pub files: usize,
    pub exchanges: Vec<Exchange>,
    pub skipped_other_host: usize,
    pub skipped_not_json: usize,
    /// Files or HAR entries that cannot be read.
    pub unreadable: Vec<Finding>,
}

/// Reads every recording under `paths` (files, or directories searched for `.json` and `.har`).
pub fn load(paths: &[PathBuf], scope: &Scope) -> Loaded {
    let mut loaded = Loaded::default();
    for path in paths {
        let files = match files_under(path) {
            Ok(files) => files,
            Err(reason) => {
                loaded.unreadable.push(unreadable(&path.display().to_string(), None, reason));
                continue;
            }
        };
        for file in files {
            loaded.files += 1;
            load_file(&file, scope, &mut loaded);
        }
    }
    loaded
}

fn load_file(file: &Path, scope: &Scope, loaded: &mut Loaded) {
    let name = file.display().to_string();
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => {
            return loaded.unreadable.push(unreadable(&name, None, format!("cannot read the file: {e}")));
        }
    };
    if text.trim().is_empty() {
        return loaded.unreadable.push(unreadable(&name, None, "an empty file".into()));
    }
    let document: Value = match serde_json::from_str(&text) {
        Ok(document) => document,
        Err(e) if e.is_eof() => {
            return loaded.unreadable.push(unreadable(&name, None, format!("JSON cut off: {e}")));
        }
        Err(e) => return loaded.unreadable.push(unreadable(&name, None, format!("not valid JSON: {e}"))),
    };
    if document.get("log").is_some() {
        har::read(&name, &document, scope, loaded);
    } else {
        match recording::read(&name, &document) {
            Ok(exchange) => loaded.exchanges.push(exchange),
            Err(reason) => loaded.unreadable.push(unreadable(&name, None, reason)),
        }
    }
}

fn files_under(path: &Path) -> Result<Vec<PathBuf>, String> {
    let metadata = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "har")) {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

pub fn unreadable(file: &str, entry: Option<usize>, reason: String) -> Finding {
    Finding {
        severity: Severity::Error,
        kind: Kind::Unreadable,
        file: file.to_string(),
        entry,
        operation: None,
        location: "file".into(),
        pointer: String::new(),
        expected: "a recording or a HAR 1.2 file".into(),
        found: reason,
    }
}

/// Splits `path?query` into the path and its decoded query pairs.
pub fn split_query(target: &str) -> (String, Vec<(String, String)>) {
    match target.split_once('?') {
        None => (target.to_string(), Vec::new()),
        Some((path, query)) => {
            (path.to_string(), url::form_urlencoded::parse(query.as_bytes()).into_owned().collect())
        }
    }
}
