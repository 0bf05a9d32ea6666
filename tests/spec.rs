//! The spec against its sources: the docs inventory it claims to cover, the
//! recordings its examples point to, and the api-version each docs page gives.

use std::{collections::BTreeSet, fs, path::Path};

use minted_connect::operations::{OPERATIONS, Operation};
use serde_json::Value;

fn spec_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/spec"))
}

fn spec() -> Value {
    let text = fs::read_to_string(spec_dir().join("minted-connect.yaml")).unwrap();
    yaml_serde::from_str(&text).unwrap()
}

/// The docs entries an operation of the table names in the spec.
fn x_docs<'a>(spec: &'a Value, op: &Operation) -> &'a Vec<Value> {
    let node = &spec["paths"][op.path][op.method.to_lowercase()]["x-docs"];
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
    for op in OPERATIONS {
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
                (op.method, op.path, entry["status"].as_str().unwrap()),
                "{}: {entry}",
                op.id
            );
        }
    }
}

#[test]
fn every_inventory_entry_with_an_operations_method_and_path_is_covered_by_it() {
    let spec = spec();
    // The Embedded Webview section uses Bearer tokens, not Digest: another surface.
    for row in inventory().iter().filter(|r| !r.path.is_empty() && r.section != "Embedded Webview") {
        let Some(op) = OPERATIONS.iter().find(|op| op.path == row.path && op.method == row.method) else {
            panic!("no operation for documented {} {}: {row:?}", row.method, row.path);
        };
        let covered = x_docs(&spec, op)
            .iter()
            .any(|e| e["section"] == row.section && e["title"] == row.title && e["group"] == row.group);
        assert!(covered, "{} does not name {row:?}", op.id);
    }
}

#[test]
fn the_staging_constant_is_the_specs_server() {
    assert_eq!(spec()["servers"][0]["url"], minted_connect::STAGING_URL);
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
fn each_operation_sends_the_api_version_its_docs_give() {
    // The docs give 3 on price fix, addresses, e-commerce baskets and walletable; 2 elsewhere.
    let version_3 = [
        "price_fix",
        "create_customer_address",
        "create_customer_addresses",
        "list_incomplete_baskets",
        "set_basket_address",
        "clear_basket",
        "complete_basket",
        "list_walletable_orders",
        "get_walletable_balance",
        "remove_basket_item",
        "update_basket_item",
        "complete_buy",
        "complete_delivery",
        "get_order_invoice",
    ];
    for op in OPERATIONS {
        let expected = if version_3.contains(&op.id) { "3" } else { "2" };
        assert_eq!(op.api_version, expected, "{}", op.id);
    }
    assert_eq!(OPERATIONS.len(), 27);
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

#[test]
fn no_generated_number_is_a_float() {
    // Money and metal amounts must be exact; the spec has no other fractional numbers.
    let generated = include_str!(concat!(env!("OUT_DIR"), "/codegen.rs"));
    assert!(generated.contains("rust_decimal::Decimal"));
    assert!(!generated.contains("f64") && !generated.contains("f32"), "a float in the generated client");
}
