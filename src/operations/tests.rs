//! Every recorded exchange of the contract crate against the generated client: each
//! names a real operation, and each body it holds survives a parse into that
//! operation's type and back, unchanged. A unit test, because the round trips are
//! test plumbing of the operation table, not public API. And decode errors withhold values.

use super::{OPERATIONS, Operation, find, withhold_values};
use serde_json::Value;
use std::path::{Path, PathBuf};

struct Recording {
    /// `<operation>/<slug>.json`.
    file: PathBuf,
    json: Value,
}

impl Recording {
    fn operation(&self) -> &'static Operation {
        let id = self.json["operation"].as_str().unwrap_or_default();
        find(id).unwrap_or_else(|| panic!("{}: names no operation of the spec: {id:?}", self.file.display()))
    }
}

fn recordings() -> Vec<Recording> {
    let recordings = minted_spec::RECORDINGS;
    assert!(recordings.len() >= OPERATIONS.len(), "too few recordings: {}", recordings.len());
    recordings
        .iter()
        .map(|(name, text)| {
            let json = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: not JSON: {e}"));
            Recording { file: Path::new(name).to_path_buf(), json }
        })
        .collect()
}

fn matches_template(template: &str, path: &str) -> bool {
    let (template, path): (Vec<_>, Vec<_>) = (template.split('/').collect(), path.split('/').collect());
    template.len() == path.len()
        && template
            .iter()
            .zip(&path)
            .all(|(t, p)| if t.starts_with('{') && t.ends_with('}') { !p.is_empty() } else { t == p })
}

#[test]
fn every_recording_matches_its_operations_method_path_and_directory() {
    for rec in recordings() {
        let op = rec.operation();
        let dir = rec.file.parent().unwrap().file_name().unwrap();
        assert_eq!(dir, op.id, "{}: filed under another operation", rec.file.display());
        let request = &rec.json["request"];
        if request.is_null() {
            continue;
        }
        assert_eq!(request["method"], op.method, "{}", rec.file.display());
        let path = request["path"].as_str().unwrap_or_default();
        assert!(matches_template(op.path, path), "{}: {path} is not {}", rec.file.display(), op.path);
    }
}

#[test]
fn every_operation_has_a_recording() {
    let recorded: Vec<_> = recordings().iter().map(|r| r.operation().id).collect();
    let missing: Vec<_> = OPERATIONS.iter().map(|op| op.id).filter(|id| !recorded.contains(id)).collect();
    assert!(missing.is_empty(), "operations with no recording: {missing:?}");
}

#[test]
fn every_recorded_body_survives_a_parse_into_its_type_unchanged() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for rec in recordings() {
        let op = rec.operation();
        let sides = [
            ("request", op.request, &rec.json["request"]["body"]),
            ("response", Some(op.response), &rec.json["response"]["body"]),
        ];
        for (side, roundtrip, body) in sides {
            if body.is_null() {
                continue;
            }
            let Some(roundtrip) = roundtrip else {
                failures.push(format!("{}: a {side} body, but {} takes none", rec.file.display(), op.id));
                continue;
            };
            checked += 1;
            match roundtrip(body.clone()) {
                Err(e) => failures.push(format!("{}: {side} body does not parse: {e}", rec.file.display())),
                Ok(back) => {
                    if let Some(at) = first_difference(&normalized(body), &normalized(&back), String::new()) {
                        failures.push(format!("{}: {side} body changes at {at}", rec.file.display()));
                    }
                }
            }
        }
        if !rec.json["response"].is_null() {
            assert_eq!(rec.json["response"]["status"], 200, "{}: undocumented status", rec.file.display());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 20, "only {checked} bodies checked");
}

/// Absent and null (or empty-list) fields serialize alike in the generated types.
fn normalized(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
                .map(|(k, v)| (k.clone(), normalized(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalized).collect()),
        other => other.clone(),
    }
}

/// JSON pointer of the first place where `a` and `b` differ.
fn first_difference(a: &Value, b: &Value, at: String) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.keys().chain(y.keys()).find_map(|k| match (x.get(k), y.get(k)) {
                (Some(u), Some(v)) => first_difference(u, v, format!("{at}/{k}")),
                (u, _) => Some(format!("{at}/{k} ({})", if u.is_some() { "dropped" } else { "added" })),
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (u, v))| first_difference(u, v, format!("{at}/{i}")))
        }
        _ if a == b => None,
        _ => Some(format!("{at} ({a} became {b})")),
    }
}

#[test]
fn recordings_hold_no_credentials_templates_or_obfuscated_emails() {
    for rec in recordings() {
        // The substitutions log keeps the docs' original text on purpose.
        let exchange = [&rec.json["request"], &rec.json["response"]];
        let text = serde_json::to_string(&exchange).unwrap().to_lowercase();
        for (needle, what) in [
            ("authorization", "an Authorization header"),
            ("[email", "an obfuscated e-mail"),
            ("{{", "an apidog variable"),
            ("{%", "an apidog template"),
        ] {
            assert!(!text.contains(needle), "{}: holds {what}", rec.file.display());
        }
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
fn path_templates_match_only_whole_segments() {
    assert!(matches_template("/partner/order/{id}", "/partner/order/HYAQA01373"));
    assert!(!matches_template("/partner/order/{id}", "/partner/order/"));
    assert!(!matches_template("/partner/order/{id}", "/partner/order/A/invoice"));
}

/// serde's messages quote the value they could not take; the client's never do.
#[test]
fn a_decode_error_never_quotes_the_value() {
    assert_eq!(
        withhold_values("unknown variant `Augusta`, expected one of `M`, `F`"),
        "unknown variant, expected one of `M`, `F`"
    );
    assert_eq!(
        withhold_values("invalid type: string \"Augusta\", expected i64"),
        "invalid type: string, expected i64"
    );
}
