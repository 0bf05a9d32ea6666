//! OpenAPI 3.0 schema objects, rewritten as JSON Schema 2020-12 for the `jsonschema` crate.
//!
//! The differences that matter: `nullable` (3.0 has no `null` type), `$ref`s into
//! `#/components/schemas` (become `#/$defs`), boolean `exclusiveMinimum`/`exclusiveMaximum`,
//! and OpenAPI-only keywords (`example`, `x-*`, ...), which are dropped.
//!
//! Undocumented fields are found by closing every documented object with
//! `unevaluatedProperties: false`. Under `allOf`, closing a member would reject its
//! siblings' fields, so the `allOf` itself is closed and its members stay open; a
//! component used as such a member is therefore open in `$defs` and closed at each
//! other place that refers to it.

use crate::{document, pointer};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

const COMPONENT_PREFIX: &str = "#/components/schemas/";
/// Where the translated components live: one document in a registry that every
/// validator shares, so that none carries its own copy of them.
pub const COMPONENTS_URI: &str = "urn:minted-connect:components";

/// Keywords that mean something to OpenAPI but not to JSON Schema validation.
const OPENAPI_ONLY: &[&str] = &["example", "discriminator", "xml", "externalDocs", "nullable"];

/// Translates the spec's schemas, knowing which components are `allOf` members.
pub struct Translator {
    /// Components that appear as a member of an `allOf` with siblings.
    open_components: BTreeSet<String>,
}

impl Translator {
    pub fn new(components: &Map<String, Value>) -> Self {
        let mut open_components = BTreeSet::new();
        for schema in components.values() {
            collect_all_of_members(schema, &mut open_components);
        }
        Translator { open_components }
    }

    /// `components.schemas`, translated, to be placed under `$defs`.
    pub fn defs(&self, components: &Map<String, Value>) -> Map<String, Value> {
        components
            .iter()
            .map(|(name, schema)| {
                let closed = !self.open_components.contains(name);
                (name.clone(), self.translate(schema, closed))
            })
            .collect()
    }

    /// A schema used in an operation (body or parameter), closed like any other.
    pub fn use_site(&self, schema: &Value) -> Value {
        self.translate(schema, true)
    }

    fn translate(&self, schema: &Value, closed: bool) -> Value {
        let Some(object) = schema.as_object() else { return schema.clone() };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            // OpenAPI 3.0 ignores siblings of `$ref`.
            return self.reference(reference, closed);
        }
        if let Some(reference) = document::nullable_reference(schema) {
            // "X or null": the `if`/`else` keeps X's own errors, where `anyOf` would
            // give one "matches no alternative".
            return json!({ "if": { "type": "null" }, "else": self.translate(reference, closed) });
        }
        let mut out = Map::new();
        for (key, value) in object {
            if key.starts_with("x-") || OPENAPI_ONLY.contains(&key.as_str()) {
                continue;
            }
            let translated = match key.as_str() {
                "properties" => Value::Object(
                    value
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(name, property)| (name.clone(), self.translate(property, true)))
                        .collect(),
                ),
                "items" | "not" => self.translate(value, true),
                "additionalProperties" if value.is_object() => self.translate(value, true),
                "allOf" => {
                    let members = value.as_array().map(Vec::as_slice).unwrap_or_default();
                    let member_closed = members.len() == 1;
                    Value::Array(members.iter().map(|m| self.translate(m, member_closed)).collect())
                }
                "oneOf" | "anyOf" => Value::Array(
                    value.as_array().into_iter().flatten().map(|m| self.translate(m, true)).collect(),
                ),
                _ => value.clone(),
            };
            out.insert(key.clone(), translated);
        }
        exclusive_bounds(&mut out);
        let documents_fields = out.contains_key("properties")
            || out.get("allOf").and_then(Value::as_array).is_some_and(|members| members.len() > 1);
        if closed && documents_fields && !out.contains_key("additionalProperties") {
            out.insert("unevaluatedProperties".into(), Value::Bool(false));
        }
        if object.get("nullable") == Some(&Value::Bool(true)) {
            return nullable(out);
        }
        Value::Object(out)
    }

    fn reference(&self, reference: &str, closed: bool) -> Value {
        let Some(name) = reference.strip_prefix(COMPONENT_PREFIX) else {
            // Left as it is: compiling the schema reports the unresolvable reference.
            return json!({ "$ref": reference });
        };
        let target = format!("{COMPONENTS_URI}#/$defs/{}", pointer::escape(name));
        if closed && self.open_components.contains(name) {
            json!({ "$ref": target, "unevaluatedProperties": false })
        } else {
            json!({ "$ref": target })
        }
    }
}

fn collect_all_of_members(schema: &Value, open: &mut BTreeSet<String>) {
    match schema {
        Value::Object(object) => {
            if let Some(members) = object.get("allOf").and_then(Value::as_array).filter(|m| m.len() > 1) {
                for member in members {
                    if let Some(name) = member
                        .get("$ref")
                        .and_then(Value::as_str)
                        .and_then(|r| r.strip_prefix(COMPONENT_PREFIX))
                    {
                        open.insert(name.to_string());
                    }
                }
            }
            object.values().for_each(|value| collect_all_of_members(value, open));
        }
        Value::Array(items) => items.iter().for_each(|value| collect_all_of_members(value, open)),
        _ => {}
    }
}

/// OpenAPI 3.0 writes `exclusiveMinimum: true` beside `minimum`; 2020-12 wants the bound itself.
fn exclusive_bounds(schema: &mut Map<String, Value>) {
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(Value::Bool(is_exclusive)) = schema.get(exclusive).cloned() {
            schema.remove(exclusive);
            if is_exclusive && let Some(limit) = schema.remove(bound) {
                schema.insert(exclusive.into(), limit);
            }
        }
    }
}

fn nullable(mut schema: Map<String, Value>) -> Value {
    match schema.get_mut("type") {
        Some(Value::String(single)) => {
            let single = std::mem::take(single);
            schema.insert("type".into(), json!([single, "null"]));
            if let Some(Value::Array(options)) = schema.get_mut("enum")
                && !options.contains(&Value::Null)
            {
                options.push(Value::Null);
            }
            Value::Object(schema)
        }
        // No `type` to widen (a composition): `null` or the rest. `if`/`else` rather than
        // `anyOf` keeps the rest's own errors instead of one "matches no alternative".
        _ => json!({ "if": { "type": "null" }, "else": schema }),
    }
}

#[cfg(test)]
mod tests {
    use super::Translator;
    use serde_json::{Value, json};

    /// Compiles `schema` (an OpenAPI 3.0 schema) against `components` and returns the
    /// errors for `instance` as (keyword, instance pointer).
    fn errors(components: Value, schema: Value, instance: Value) -> Vec<(String, String)> {
        let components = components.as_object().cloned().unwrap_or_default();
        let translator = Translator::new(&components);
        let root = translator.use_site(&schema);
        let defs = json!({"$defs": translator.defs(&components)});
        let registry =
            jsonschema::Registry::new().add(super::COMPONENTS_URI, defs).unwrap().prepare().unwrap();
        let validator = jsonschema::options()
            .with_registry(&registry)
            .should_validate_formats(true)
            .build(&root)
            .unwrap();
        validator
            .iter_errors(&instance)
            .map(|e| (e.kind().keyword().to_string(), e.instance_path().as_str().to_string()))
            .collect()
    }

    fn no_components() -> Value {
        json!({})
    }

    #[test]
    fn nullable_type_admits_null_and_its_enum() {
        let schema = json!({"type": "string", "nullable": true, "enum": ["a"]});
        assert!(errors(no_components(), schema.clone(), json!(null)).is_empty());
        assert!(errors(no_components(), schema.clone(), json!("a")).is_empty());
        assert_eq!(errors(no_components(), schema, json!("b")), [("enum".into(), String::new())]);
    }

    #[test]
    fn nullable_composition_admits_null_and_keeps_the_inner_error() {
        let components = json!({"Date": {"type": "string", "pattern": "^[0-9]{4}$"}});
        let schema = json!({
            "type": "object",
            "properties": {"born": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/Date"}]}}
        });
        assert!(errors(components.clone(), schema.clone(), json!({"born": null})).is_empty());
        assert!(errors(components.clone(), schema.clone(), json!({"born": "1970"})).is_empty());
        let found = errors(components, schema, json!({"born": "70"}));
        assert!(found.contains(&("pattern".into(), "/born".into())), "{found:?}");
    }

    #[test]
    fn all_of_is_closed_as_a_whole_and_its_members_stay_open() {
        let components = json!({
            "Envelope": {"type": "object", "required": ["success"], "properties": {"success": {"type": "boolean"}}},
            "Item": {"type": "object", "properties": {"id": {"type": "integer"}}},
            "ItemEnvelope": {"allOf": [
                {"$ref": "#/components/schemas/Envelope"},
                {"type": "object", "properties": {"data": {"$ref": "#/components/schemas/Item"}}}
            ]}
        });
        let schema = json!({"$ref": "#/components/schemas/ItemEnvelope"});
        let clean = json!({"success": true, "data": {"id": 1}});
        assert!(errors(components.clone(), schema.clone(), clean).is_empty());
        let extra_inside = json!({"success": true, "data": {"id": 1, "name": "x"}});
        assert!(
            errors(components.clone(), schema.clone(), extra_inside)
                .contains(&("unevaluatedProperties".into(), "/data".into()))
        );
        let extra_outside = json!({"success": true, "data": {"id": 1}, "trace": "x"});
        assert_eq!(
            errors(components.clone(), schema, extra_outside),
            [("unevaluatedProperties".into(), String::new())]
        );
        // The open member is closed where it is used on its own.
        let alone = json!({"$ref": "#/components/schemas/Envelope"});
        assert_eq!(
            errors(components, alone, json!({"success": true, "x": 1})),
            [("unevaluatedProperties".into(), String::new())]
        );
    }

    #[test]
    fn boolean_exclusive_bounds_become_numeric() {
        let schema = json!({"type": "number", "minimum": 0, "exclusiveMinimum": true});
        assert_eq!(
            errors(no_components(), schema.clone(), json!(0)),
            [("exclusiveMinimum".into(), String::new())]
        );
        assert!(errors(no_components(), schema, json!(0.01)).is_empty());
        let inclusive = json!({"type": "number", "minimum": 0, "exclusiveMinimum": false});
        assert!(errors(no_components(), inclusive, json!(0)).is_empty());
    }

    #[test]
    fn openapi_only_keywords_are_dropped_and_formats_checked() {
        let schema = json!({"type": "string", "format": "date", "example": 5, "x-doc-note": "why"});
        assert!(errors(no_components(), schema.clone(), json!("2024-12-05")).is_empty());
        assert_eq!(errors(no_components(), schema, json!("05.12.2024")), [("format".into(), String::new())]);
    }
}
