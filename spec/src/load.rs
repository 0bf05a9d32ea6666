//! Exchanges read from files or embedded texts: our recording format or HAR 1.2,
//! told apart by a HAR's `log`.

use crate::exchange::Exchange;
use crate::finding::Finding;
use crate::har::{self, Skip};
use crate::recording;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub use crate::har::Scope;

/// What a set of files held.
#[derive(Default, Debug)]
pub struct Loaded {
    /// Files read (or tried).
    pub files: usize,
    /// Every exchange, in file order, then entry order.
    pub exchanges: Vec<Exchange>,
    /// HAR entries to hosts other than the API's.
    pub skipped_other_host: usize,
    /// HAR entries whose bodies are not JSON.
    pub skipped_not_json: usize,
    /// Files or HAR entries that cannot be read.
    pub unreadable: Vec<Finding>,
}

impl Loaded {
    /// Reads every recording and HAR under `paths` (files, or directories searched
    /// for `.json` and `.har`, in name order).
    pub fn from_paths(paths: &[PathBuf], scope: &Scope) -> Loaded {
        let mut loaded = Loaded::default();
        for path in paths {
            let files = match files_under(path) {
                Ok(files) => files,
                Err(reason) => {
                    loaded.unreadable.push(Finding::unreadable(&path.display().to_string(), None, reason));
                    continue;
                }
            };
            for file in files {
                let name = file.display().to_string();
                match std::fs::read_to_string(&file) {
                    Ok(text) => loaded.add(&name, &text, scope),
                    Err(e) => {
                        loaded.files += 1;
                        let reason = format!("cannot read the file: {e}");
                        loaded.unreadable.push(Finding::unreadable(&name, None, reason));
                    }
                }
            }
        }
        loaded
    }

    /// Reads named texts, e.g. [`crate::RECORDINGS`].
    pub fn from_texts<'t>(texts: impl IntoIterator<Item = (&'t str, &'t str)>, scope: &Scope) -> Loaded {
        let mut loaded = Loaded::default();
        for (name, text) in texts {
            loaded.add(name, text, scope);
        }
        loaded
    }

    /// Adds the exchanges of one file's text.
    pub fn add(&mut self, name: &str, text: &str, scope: &Scope) {
        self.files += 1;
        let document = match parse(text) {
            Ok(document) => document,
            Err(reason) => return self.unreadable.push(Finding::unreadable(name, None, reason)),
        };
        if document.get("log").is_none() {
            return match recording::read(name, &document) {
                Ok(exchange) => self.exchanges.push(exchange),
                Err(reason) => self.unreadable.push(Finding::unreadable(name, None, reason)),
            };
        }
        let entries = match har::read(name, &document, scope) {
            Ok(entries) => entries,
            Err(reason) => return self.unreadable.push(Finding::unreadable(name, None, reason)),
        };
        for (index, entry) in entries {
            match entry {
                Ok(exchange) => self.exchanges.push(exchange),
                Err(Skip::OtherHost) => self.skipped_other_host += 1,
                Err(Skip::NotJson) => self.skipped_not_json += 1,
                Err(Skip::Malformed(reason)) => {
                    self.unreadable.push(Finding::unreadable(name, Some(index), reason))
                }
            }
        }
    }
}

fn parse(text: &str) -> Result<Value, String> {
    if text.trim().is_empty() {
        return Err("an empty file".into());
    }
    serde_json::from_str(text).map_err(|e| match e.is_eof() {
        true => format!("JSON cut off: {e}"),
        false => format!("not valid JSON: {e}"),
    })
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
