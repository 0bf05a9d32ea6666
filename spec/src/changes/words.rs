//! What is not the API's shape: examples, which do not count, and words
//! (descriptions, summaries, titles, our `x-doc*` notes), which make a patch release.

use super::found::{Finding, Found};
use super::model::{DOCS, Rust, Side, Wire};
use crate::pointer;
use serde_json::Value;

/// Keys whose values are examples.
const EXAMPLES: [&str; 2] = ["example", "examples"];

/// Whether a key holds words for people, not the API's shape.
fn is_words(key: &str) -> bool {
    matches!(key, "description" | "summary" | "title" | "externalDocs") || key.starts_with("x-doc")
}

/// The document without its examples (a schema's `properties` may still have a
/// property named `example`).
pub fn without_examples(value: &Value) -> Value {
    strip(value, &|key| EXAMPLES.contains(&key))
}

/// The document without examples or words: what the API is.
pub fn without_words(value: &Value) -> Value {
    strip(value, &|key| EXAMPLES.contains(&key) || is_words(key))
}

fn strip(value: &Value, drop: &dyn Fn(&str) -> bool) -> Value {
    fn walk(value: &Value, under_properties: bool, drop: &dyn Fn(&str) -> bool) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .filter(|(key, _)| under_properties || !drop(key))
                    .map(|(key, inner)| {
                        (key.clone(), walk(inner, !under_properties && key == "properties", drop))
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(|item| walk(item, false, drop)).collect()),
            other => other.clone(),
        }
    }
    walk(value, false, drop)
}

/// Each place where only words differ, within what both specs have.
pub fn compare(old: &Value, new: &Value, found: &mut Found) {
    fn walk(old: &Value, new: &Value, at: &str, under_properties: bool, found: &mut Found) {
        match (old, new) {
            (Value::Object(a), Value::Object(b)) => {
                for (key, after) in b {
                    let inner = format!("{at}/{}", pointer::escape(key));
                    let before = a.get(key);
                    if !under_properties && (is_words(key) || (at.is_empty() && key == "info")) {
                        if before != Some(after) {
                            add(found, &inner, key, before.is_none());
                        }
                        continue;
                    }
                    if let Some(before) = before {
                        walk(before, after, &inner, !under_properties && key == "properties", found);
                    }
                }
                for key in a.keys().filter(|key| !b.contains_key(*key) && !under_properties && is_words(key))
                {
                    add(found, &format!("{at}/{}", pointer::escape(key)), key, false);
                }
            }
            (Value::Array(a), Value::Array(b)) => {
                for (index, (before, after)) in a.iter().zip(b).enumerate() {
                    walk(before, after, &format!("{at}/{index}"), false, found);
                }
            }
            _ => {}
        }
    }
    walk(old, new, "", false, found);
}

fn add(found: &mut Found, at: &str, key: &str, added: bool) {
    found.add(Finding {
        check: DOCS,
        side: Side::New,
        pointer: at,
        what: format!("`{key}` {}", if added { "added" } else { "changed" }),
        wire: Wire::Compatible,
        rust: Rust::None,
        items: Vec::new(),
        operations: Vec::new(),
    });
}
