//! The spec against its sources: the docs inventory it claims to cover, the
//! recordings its examples point to, and its notes.

use std::{collections::BTreeSet, fs, path::Path};

use minted_spec::document::{self, OperationDef};
use serde_json::Value;

fn spec_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn spec() -> Value {
    document::parse(minted_spec::YAML).unwrap()
}

/// The docs entries an operation names in the spec.
fn x_docs<'a>(spec: &'a Value, op: &OperationDef) -> &'a Vec<Value> {
    let node = &op.object(spec)["x-docs"];
    node.as_array().unwrap_or_else(|| panic!("{} has no x-docs", op.id))
}

#[derive(Debug, serde::Deserialize)]
struct InventoryRow {
    section: String,
    group: String,
    title: String,
    method: String,
    path: String,
    status: String,
}

fn inventory() -> Vec<InventoryRow> {
    let rows: Vec<InventoryRow> = csv::Reader::from_path(spec_dir().join("docs-inventory.csv"))
        .unwrap()
        .deserialize()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 107, "the docs inventory has 107 entries");
    rows
}

#[test]
fn every_docs_entry_an_operation_claims_is_in_the_inventory_with_its_method_and_path() {
    let (spec, rows) = (spec(), inventory());
    for op in &document::operations(&spec) {
        let docs = x_docs(&spec, op);
        assert!(!docs.is_empty(), "{} names no docs entry", op.id);
        for entry in docs {
            let row = rows
                .iter()
                .find(|r| {
                    r.section == entry["section"] && r.group == entry["group"] && r.title == entry["title"]
                })
                .unwrap_or_else(|| panic!("{}: no inventory row {entry}", op.id));
            assert_eq!(
                (row.method.as_str(), row.path.as_str(), row.status.as_str()),
                (op.method.as_str(), op.path.as_str(), entry["status"].as_str().unwrap()),
                "{}: {entry}",
                op.id
            );
        }
    }
}

#[test]
fn every_inventory_entry_with_an_operations_method_and_path_is_covered_by_it() {
    let spec = spec();
    let operations = document::operations(&spec);
    // The Embedded Webview section uses Bearer tokens, not Digest: another surface.
    for row in inventory().iter().filter(|r| !r.path.is_empty() && r.section != "Embedded Webview") {
        let Some(op) = operations.iter().find(|op| op.path == row.path && op.method == row.method) else {
            panic!("no operation for documented {} {}: {row:?}", row.method, row.path);
        };
        let covered = x_docs(&spec, op)
            .iter()
            .any(|e| e["section"] == row.section && e["title"] == row.title && e["group"] == row.group);
        assert!(covered, "{} does not name {row:?}", op.id);
    }
}

#[test]
fn every_named_example_points_at_a_recorded_body() {
    let spec = spec();
    let mut pointers = BTreeSet::new();
    collect_external_values(&spec["paths"], &mut pointers);
    assert!(pointers.len() >= 10, "too few named examples: {}", pointers.len());
    for pointer in pointers {
        let (file, inner) = pointer.split_once('#').unwrap_or_else(|| panic!("{pointer}: no #pointer"));
        let text = fs::read_to_string(spec_dir().join(file)).unwrap_or_else(|e| panic!("{pointer}: {e}"));
        let recording: Value = serde_json::from_str(&text).unwrap();
        assert!(recording.pointer(inner).is_some_and(Value::is_object), "{pointer}: no body there");
    }
}

fn collect_external_values(node: &Value, into: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(url)) = map.get("externalValue") {
                into.insert(url.clone());
            }
            map.values().for_each(|v| collect_external_values(v, into));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_external_values(v, into)),
        _ => {}
    }
}

#[test]
fn every_doc_note_says_something() {
    fn walk(node: &Value, at: &str) {
        match node {
            Value::Object(map) => map.iter().for_each(|(k, v)| {
                if k == "x-doc-note" {
                    assert!(v.as_str().is_some_and(|s| s.len() > 20), "{at}: empty x-doc-note");
                }
                walk(v, &format!("{at}/{k}"));
            }),
            Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| walk(v, &format!("{at}/{i}"))),
            _ => {}
        }
    }
    walk(&spec(), "");
}
