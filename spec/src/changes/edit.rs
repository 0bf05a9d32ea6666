//! One edit of the spec read whole: both texts parsed, every part compared, each
//! change placed at its line, and the release the edit calls for.

use super::found::{Finding, Found};
use super::model::{Report, Rust, Side, Wire};
use super::schemas::{self, Specs};
use super::uses::Uses;
use super::{operations, words};
use crate::document::{self, ParseError};
use crate::located::Lines;
use serde_json::Value;

/// What the edit from `old` to `new` (two spec texts) does. The texts need not
/// generate a client: only their documents are read.
pub fn report(old: &str, new: &str) -> Result<Report, (Side, ParseError)> {
    let old_document = document::parse(old).map_err(|e| (Side::Old, e))?;
    let new_document = document::parse(new).map_err(|e| (Side::New, e))?;
    let (old_document, new_document) =
        (words::without_examples(&old_document), words::without_examples(&new_document));
    let (old_uses, new_uses) = (Uses::of(&old_document), Uses::of(&new_document));
    let renames =
        schemas::renames(&words::without_words(&old_document), &words::without_words(&new_document));
    let specs = Specs {
        old: &old_document,
        new: &new_document,
        old_uses: &old_uses,
        new_uses: &new_uses,
        renames: &renames,
    };

    let mut found = Found::default();
    operations::compare(&specs, &mut found);
    schemas::compare(&specs, &mut found);
    unread_parts(&old_document, &new_document, &mut found);
    words::compare(&old_document, &new_document, &mut found);
    // Whatever the checks did not read is still a change: never `none` for an edit.
    if found.is_empty() && words::without_words(&old_document) != words::without_words(&new_document) {
        found.add(unclassified(""));
    }

    let (old_lines, new_lines) = (Lines::of(old), Lines::of(new));
    let mut changes = found.into_changes();
    for change in &mut changes {
        let lines = if change.side == Side::Old { &old_lines } else { &new_lines };
        change.line = lines.find(&change.pointer).map(|(line, _)| line);
    }
    changes.sort_by_key(|change| (change.side == Side::Old, change.line.unwrap_or(0)));
    Ok(Report::of(changes))
}

/// The top-level parts no check reads one by one (servers, security, the OpenAPI
/// version, our extensions): a change to one is `unclassified`.
fn unread_parts(old: &Value, new: &Value, found: &mut Found) {
    let (old, new) = (words::without_words(old), words::without_words(new));
    let keys =
        old.as_object().into_iter().flatten().chain(new.as_object().into_iter().flatten()).map(|(k, _)| k);
    let mut seen = Vec::new();
    for key in keys.filter(|key| !matches!(key.as_str(), "paths" | "components" | "info" | "tags")) {
        if !seen.contains(&key) && old.get(key) != new.get(key) {
            found.add(unclassified(&format!("/{}", crate::pointer::escape(key))));
        }
        seen.push(key);
    }
    for part in ["securitySchemes", "responses", "requestBodies", "headers", "links", "callbacks"] {
        let (a, b) =
            (old.pointer(&format!("/components/{part}")), new.pointer(&format!("/components/{part}")));
        if a != b {
            found.add(unclassified(&format!("/components/{part}")));
        }
    }
}

fn unclassified(at: &str) -> Finding<'_> {
    Finding {
        check: "unclassified",
        side: Side::New,
        pointer: at,
        what: "a change no check reads: read it yourself".into(),
        wire: Wire::Breaking,
        rust: Rust::Compile,
        items: Vec::new(),
        operations: Vec::new(),
    }
}
