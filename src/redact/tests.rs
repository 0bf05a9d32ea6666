//! The rule by name, against hand-made bodies and against the spec itself.

use super::*;
use serde_json::json;

#[test]
fn personal_names_are_known_by_their_kind_and_ending() {
    for name in [
        "firstname",
        "Last_Name",
        "customer_email",
        "billingPhone",
        "identity_number",
        "tckn",
        "birth_date",
        "shipping_address",
        "address_line1",
        "card_number",
        "card_cvv",
        "customer_ip",
        "clientIp",
        "IP",
        "zipcode",
        "tax_number",
        "password",
        "customer_name",
    ] {
        assert!(is_personal(name), "{name}");
    }
    for name in
        ["name", "sku", "shipping", "zip_file", "membership", "tip", "product_name", "invoice_type", "city"]
    {
        assert!(!is_personal(name), "{name}");
    }
}

#[test]
fn values_under_personal_names_are_masked_at_any_depth_keeping_the_rest() {
    let mut body = json!({
        "data": [{"customer": {"fullname": "Ada Lovelace", "phones": null, "mobile": ["+447700900123", 447700900124u64],
                               "address": {"invoice_type": "Individual", "street": "1 Road", "city": "London"}},
                  "loyalty": {"email": "ada@example.org", "tier": "gold"}}],
        "code": 0,
    });
    mask(&mut body, Placeholder::Recording);
    assert_eq!(
        body,
        json!({
            "data": [{"customer": {"fullname": "REDACTED", "phones": null, "mobile": ["REDACTED", 0],
                                   "address": {"invoice_type": "Individual", "street": "REDACTED", "city": "London"}},
                      "loyalty": {"email": "REDACTED", "tier": "gold"}}],
            "code": 0,
        })
    );
}

#[test]
fn sent_values_are_taken_out_wherever_they_come_back() {
    let mut sent = Vec::new();
    personal_values(
        &json!({"firstname": "Augusta", "phone": 447700900123u64, "gender": "F", "email": " "}),
        &mut sent,
    );
    assert_eq!(sent, ["Augusta", "447700900123"]);
    let mut answer = json!({"message": "Augusta's number 447700900123 is taken", "note": "Augusta", "n": 447700900123u64, "gender": "F"});
    scrub(&mut answer, &sent);
    assert_eq!(
        answer,
        json!({"message": "REDACTED's number REDACTED is taken", "note": "REDACTED", "n": 0, "gender": "F"})
    );
}

#[test]
fn masked_debug_shows_the_shape_without_the_values() {
    let open = json!({"id": 7, "customer": {"email": "ada@example.org", "identity_number": 98765432109u64}});
    let shown = format!("{:?}", Masked(&open));
    assert_eq!(shown, r#"{"customer":{"email":"<masked>","identity_number":"<masked>"},"id":7}"#);
}

/// The spec and the rule agree: every field of text or number whose name the rule
/// calls personal is marked `x-sensitive` in the spec, so that the recorder's
/// placeholders (which pass the schema) replace it, and the typed `Debug` masks it.
#[test]
fn every_personal_field_of_the_spec_is_marked() {
    let spec = minted_spec::document::parse(minted_spec::YAML).unwrap();
    let mut unmarked = Vec::new();
    fn scalar(spec: &Value, schema: &Value) -> bool {
        if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
            return spec.pointer(target.trim_start_matches('#')).is_some_and(|target| scalar(spec, target));
        }
        let member = schema.get("allOf").and_then(|all| all.get(0));
        matches!(schema.get("type").and_then(Value::as_str), Some("string" | "number" | "integer"))
            || member.is_some_and(|member| scalar(spec, member))
    }
    fn walk(spec: &Value, node: &Value, at: &str, unmarked: &mut Vec<String>) {
        match node {
            Value::Object(object) => {
                for (name, property) in
                    object.get("properties").and_then(Value::as_object).into_iter().flatten()
                {
                    let marked = property.get("x-sensitive") == Some(&Value::Bool(true));
                    if is_personal(name) && scalar(spec, property) && !marked {
                        unmarked.push(format!("{at}/properties/{name}"));
                    }
                }
                for (key, inner) in object {
                    walk(spec, inner, &format!("{at}/{key}"), unmarked);
                }
            }
            Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, item)| walk(spec, item, &format!("{at}/{i}"), unmarked)),
            _ => {}
        }
    }
    walk(&spec, &spec, "", &mut unmarked);
    assert!(unmarked.is_empty(), "personal by name, not marked x-sensitive:\n{}", unmarked.join("\n"));
}
