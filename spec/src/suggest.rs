//! `verify --suggest`: for each finding of drift, the edit to the spec that would make
//! the exchange pass, as a replacement value at a JSON pointer of the spec, with a
//! draft `x-doc-note` naming the recordings that motivate it. The spec itself is
//! never edited: a maintainer reviews each suggestion.
//!
//! Edits are worked out on a copy of the spec, one finding after another, so that
//! several recordings of the same field merge into one suggestion (an integer seen
//! beside a decimal makes a decimal; a `null` beside a string, a nullable string).

use crate::check::Checker;
use crate::contract::{Contract, Spec, SpecError};
use crate::document::{self, NULL_VALUE, json_schema, nullable_reference};
use crate::exchange::{Body, Exchange};
use crate::finding::{Finding, Kind};
use crate::pointer;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// One proposed edit: put `value` at `at` (a JSON pointer into the spec).
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// Where in the spec.
    pub at: String,
    /// The node as it would read after the edit.
    pub value: Value,
    /// The kinds of findings it answers.
    pub kinds: Vec<Kind>,
    /// The recordings that motivate it.
    pub files: Vec<String>,
}

/// The kinds `suggest` has an edit for.
pub const SUGGESTED: [Kind; 5] =
    [Kind::UndocumentedField, Kind::WrongType, Kind::NotInEnum, Kind::UndocumentedStatus, Kind::MissingField];

/// How many times `suggest` checks again: a finding can hide another until it is
/// answered (an undocumented field deep in a member hides one beside it).
const ROUNDS: usize = 5;

/// The edits that would make `exchanges` pass against the spec `document`: the
/// findings of the kinds in [`SUGGESTED`] are answered on a copy of the spec, which is
/// checked again until nothing is left to answer. `Err` when the copy does not compile.
pub fn suggest(document: &Value, exchanges: &[Exchange], strict: bool) -> Result<Vec<Suggestion>, SpecError> {
    let mut work = Work { spec: document.clone(), touched: BTreeMap::new() };
    for _ in 0..ROUNDS {
        let spec = Spec::from_document("the spec with the suggestions", work.spec.clone())?;
        let contract = Contract::compile(&spec)?;
        let checker = Checker { contract: &contract, strict };
        let before = work.spec.clone();
        for exchange in exchanges {
            let (_, findings) = checker.check(exchange);
            for finding in findings.iter().filter(|f| SUGGESTED.contains(&f.kind)) {
                work.answer(finding, exchange);
            }
        }
        if work.spec == before {
            break;
        }
    }
    Ok(work
        .touched
        .into_iter()
        .filter_map(|(at, (kinds, files))| {
            let value = work.spec.pointer(&at)?.clone();
            Some(Suggestion { at, value, kinds, files })
        })
        .collect())
}

/// Applies suggestions to a spec document (for a test, or to preview them).
pub fn apply(document: &mut Value, suggestions: &[Suggestion]) {
    for suggestion in suggestions {
        set(document, &suggestion.at, suggestion.value.clone());
    }
}

struct Work {
    spec: Value,
    /// Pointer → the kinds and files behind its edit.
    touched: BTreeMap<String, (Vec<Kind>, Vec<String>)>,
}

impl Work {
    fn answer(&mut self, finding: &Finding, exchange: &Exchange) {
        let Some(operation) = finding.operation.as_deref() else { return };
        let Some(def) = document::operations(&self.spec).into_iter().find(|d| d.id == operation) else {
            return;
        };
        let (body, holder) = match finding.location.as_str() {
            "response.body" | "response.status" => {
                let Some(response) = &exchange.response else { return };
                (&response.body, format!("{}/responses/{}", def.pointer, response.status))
            }
            "request.body" => {
                let Some(request) = &exchange.request else { return };
                (&request.body, format!("{}/requestBody", def.pointer))
            }
            _ => return,
        };
        let note = format!("Seen in {}, not as the docs show it.", short(&finding.file));
        let edited = if finding.kind == Kind::UndocumentedStatus {
            let mut response = json!({"description": "Seen in traffic; the docs show no such response."});
            if let Body::Json(value) = body {
                response["content"] = json!({"application/json": {"schema": infer(value)}});
            }
            response["x-doc-note"] = Value::from(note);
            set(&mut self.spec, &holder, response);
            Some(vec![holder])
        } else {
            let Body::Json(value) = body else { return };
            let Some(schema) = self.schema_pointer(&holder) else { return };
            self.edit_body(finding, value, &schema, note)
        };
        for at in edited.into_iter().flatten() {
            let (kinds, files) = self.touched.entry(at).or_default();
            if !kinds.contains(&finding.kind) {
                kinds.push(finding.kind);
            }
            if !files.contains(&finding.file) {
                files.push(finding.file.clone());
            }
        }
    }

    /// The pointer of the JSON schema of a request body or a response (through a `$ref`
    /// to `components/responses`).
    fn schema_pointer(&self, holder: &str) -> Option<String> {
        let mut at = holder.to_string();
        let node = self.spec.pointer(&at)?;
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            at = reference.strip_prefix('#')?.to_string();
        }
        let node = self.spec.pointer(&at)?;
        let content = node.get("content")?.as_object()?;
        let (media, _) = content.iter().find(|(media, _)| document::is_json(media))?;
        json_schema(node)?;
        Some(format!("{at}/content/{}/schema", pointer::escape(media)))
    }

    /// Edits the spec for one finding in a body; the pointers it changed.
    fn edit_body(
        &mut self,
        finding: &Finding,
        body: &Value,
        schema: &str,
        note: String,
    ) -> Option<Vec<String>> {
        let segments: Vec<String> = finding.pointer.split('/').skip(1).map(pointer::unescape).collect();
        let value = body.pointer(&finding.pointer);
        match finding.kind {
            Kind::UndocumentedField | Kind::MissingField => {
                let (field, parent) = segments.split_last()?;
                let object = self.object_at(schema, parent, Some(field), finding.kind)?;
                if finding.kind == Kind::MissingField {
                    // Two small edits, not the whole object: the list, and a note beside it.
                    let node = self.spec.pointer_mut(&object)?;
                    if let Some(required) = node.get_mut("required").and_then(Value::as_array_mut) {
                        required.retain(|name| name != field);
                    }
                    note_on(node, &format!("`{field}` is not required: absent in {}.", short(&finding.file)));
                    return Some(vec![format!("{object}/required"), format!("{object}/x-doc-note")]);
                }
                let at = format!("{object}/properties/{}", pointer::escape(field));
                let seen = infer(value?);
                let merged = match self.spec.pointer(&at) {
                    Some(existing) => merge(existing, &seen),
                    None => seen,
                };
                set(&mut self.spec, &at, merged);
                if let Some(node) = self.spec.pointer_mut(&at) {
                    note_on(node, &note);
                }
                Some(vec![at])
            }
            Kind::WrongType => {
                let (field, parent) = segments.split_last()?;
                let object = self.object_at(schema, parent, Some(field), finding.kind)?;
                let at = format!("{object}/properties/{}", pointer::escape(field));
                let existing = self.spec.pointer(&at)?.clone();
                let value = value?;
                let edited =
                    if value.is_null() { nullable(&existing) } else { merge(&existing, &infer(value)) };
                set(&mut self.spec, &at, edited);
                note_on(self.spec.pointer_mut(&at)?, &note);
                Some(vec![at])
            }
            Kind::NotInEnum => {
                let (field, parent) = segments.split_last()?;
                let object = self.object_at(schema, parent, Some(field), finding.kind)?;
                let mut at = format!("{object}/properties/{}", pointer::escape(field));
                // The enum may be a component's: that is where it grows.
                while let Some(reference) = self.spec.pointer(&at)?.get("$ref").and_then(Value::as_str) {
                    at = reference.strip_prefix('#')?.to_string();
                }
                let node = self.spec.pointer_mut(&at)?;
                let value = value?.clone();
                let options = node.get_mut("enum")?.as_array_mut()?;
                if !options.contains(&value) {
                    options.push(value);
                }
                note_on(node, &note);
                Some(vec![at])
            }
            _ => None,
        }
    }

    /// The pointer of the object schema that declares (or should declare) `field` of
    /// the value at `path` below `schema`: through `$ref`s, into the non-null member of
    /// a nullable reference, into the `allOf` member that holds the field (or, for a
    /// missing field, requires it; else the first member with `properties`), and along
    /// `properties` and `items`.
    fn object_at(&self, schema: &str, path: &[String], field: Option<&String>, kind: Kind) -> Option<String> {
        let mut at = schema.to_string();
        let mut steps = path.iter().map(Some).chain(std::iter::once(None));
        let mut step = steps.next()?;
        for _ in 0..64 {
            let node = self.spec.pointer(&at)?;
            if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
                at = reference.strip_prefix('#')?.to_string();
                continue;
            }
            if let Some(inner) = nullable_reference(node) {
                let index = node.get("anyOf")?.as_array()?.iter().position(|m| m == inner)?;
                at = format!("{at}/anyOf/{index}");
                continue;
            }
            let wanted = step.or(field)?;
            if let Some(members) = node.get("allOf").and_then(Value::as_array) {
                let holds = |member: &Value, key: &str| {
                    let member = document::resolve(&self.spec, member).unwrap_or(member);
                    let listed = |list: &str| {
                        member.get(list).is_some_and(|l| match l {
                            Value::Object(properties) => properties.contains_key(wanted),
                            Value::Array(names) => names.iter().any(|n| n == wanted),
                            _ => false,
                        })
                    };
                    listed(key)
                };
                let by = if step.is_none() && kind == Kind::MissingField { "required" } else { "properties" };
                let index = members
                    .iter()
                    .position(|m| holds(m, by))
                    .or_else(|| {
                        members.iter().position(|m| {
                            document::resolve(&self.spec, m).unwrap_or(m).get("properties").is_some()
                        })
                    })
                    .unwrap_or(0);
                at = format!("{at}/allOf/{index}");
                continue;
            }
            match step {
                None => return Some(at),
                Some(key) if node.get("items").is_some() && key.parse::<usize>().is_ok() => {
                    at = format!("{at}/items");
                }
                Some(key) => at = format!("{at}/properties/{}", pointer::escape(key)),
            }
            step = steps.next()?;
        }
        None
    }
}

/// A schema for a value seen: its type, `format: decimal` for a number with a
/// fraction, an object's properties and an array's first item.
fn infer(value: &Value) -> Value {
    match value {
        Value::Null => json!({"nullable": true}),
        Value::Bool(_) => json!({"type": "boolean"}),
        Value::Number(number) if number.is_i64() || number.is_u64() => json!({"type": "integer"}),
        Value::Number(_) => json!({"type": "number", "format": "decimal"}),
        Value::String(_) => json!({"type": "string"}),
        Value::Array(items) => json!({"type": "array", "items": items.first().map_or(json!({}), infer)}),
        Value::Object(object) => {
            let properties: Map<String, Value> = object.iter().map(|(k, v)| (k.clone(), infer(v))).collect();
            json!({"type": "object", "properties": properties})
        }
    }
}

/// What fits both a schema and a newly seen one.
fn merge(existing: &Value, seen: &Value) -> Value {
    let kind = |schema: &Value| schema.get("type").and_then(Value::as_str).map(String::from);
    let mut merged = existing.clone();
    match (kind(existing), kind(seen)) {
        (_, None) if seen.get("nullable").is_some() => return nullable(existing),
        (None, Some(_)) if existing.get("nullable").is_some() => {
            let mut seen = seen.clone();
            seen["nullable"] = Value::Bool(true);
            return seen;
        }
        (Some(a), Some(b)) if a == b => {}
        (Some(a), Some(b)) if [a.as_str(), b.as_str()].iter().all(|t| matches!(*t, "integer" | "number")) => {
            merged["type"] = Value::from("number");
            merged["format"] = Value::from("decimal");
        }
        // Both kinds are real: either may come.
        _ => {
            let mut alternatives = match existing.get("anyOf").and_then(Value::as_array) {
                Some(alternatives) => alternatives.clone(),
                None => vec![without_notes(existing)],
            };
            if !alternatives.contains(seen) {
                alternatives.push(seen.clone());
            }
            return json!({"anyOf": alternatives});
        }
    }
    merged
}

fn without_notes(schema: &Value) -> Value {
    let mut schema = schema.clone();
    if let Value::Object(object) = &mut schema {
        object.remove("x-doc-note");
    }
    schema
}

/// The schema, also admitting `null` the OAS 3.0 way: `nullable` beside a `type`, or
/// `anyOf` with `NullValue` around a reference or composition.
fn nullable(schema: &Value) -> Value {
    if schema.get("type").is_some() {
        let mut nullable = schema.clone();
        nullable["nullable"] = Value::Bool(true);
        return nullable;
    }
    json!({"anyOf": [schema, {"$ref": NULL_VALUE}]})
}

/// Adds a draft note after the node's own, once.
fn note_on(node: &mut Value, note: &str) {
    let Value::Object(object) = node else { return };
    let note = match object.get("x-doc-note").and_then(Value::as_str) {
        Some(existing) if existing.contains(note) => return,
        Some(existing) => format!("{existing} {note}"),
        None => note.to_string(),
    };
    object.insert("x-doc-note".into(), Value::from(note));
}

/// Sets the node at `at`, making the objects on the way.
fn set(document: &mut Value, at: &str, value: Value) {
    let mut node = document;
    for segment in at.split('/').skip(1).map(pointer::unescape) {
        if !node.is_object() && !node.is_array() {
            *node = Value::Object(Map::new());
        }
        node = match node {
            Value::Array(items) => match segment.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                Some(item) => item,
                None => return,
            },
            Value::Object(object) => object.entry(segment).or_insert(Value::Null),
            _ => return,
        };
    }
    *node = value;
}

/// A recording's path from `recordings/` on, as x-doc-notes name them.
fn short(file: &str) -> String {
    let mut parts: Vec<&str> = file.rsplit('/').take(2).collect();
    parts.reverse();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seen_values_merge_into_one_schema() {
        assert_eq!(
            merge(&infer(&json!(3)), &infer(&json!(2.5))),
            json!({"type": "number", "format": "decimal"})
        );
        assert_eq!(
            merge(&infer(&json!("a")), &infer(&Value::Null)),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            merge(&infer(&Value::Null), &infer(&json!(true))),
            json!({"type": "boolean", "nullable": true})
        );
        assert_eq!(nullable(&json!({"$ref": "#/components/schemas/X"}))["anyOf"][1]["$ref"], NULL_VALUE);
        let either = merge(&json!({"type": "boolean", "x-doc-note": "n"}), &infer(&json!("yes")));
        assert_eq!(either, json!({"anyOf": [{"type": "boolean"}, {"type": "string"}]}));
    }
}
