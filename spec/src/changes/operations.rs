//! The operations of two specs compared: added, removed, renamed, moved, their tag,
//! parameters, request body and responses. Their schemas' insides are compared once,
//! per component (`schemas.rs`).

use super::found::{Finding, Found};
use super::model::{Rust, Side, Wire};
use super::names;
use super::schemas::{Specs, bound_changes};
use super::shape::{self, Shape};
use super::uses::{Context, parameters};
use crate::document::{self, OperationDef};
use serde_json::Value;

pub fn compare(specs: &Specs<'_>, found: &mut Found) {
    let (old_ops, new_ops) = (document::operations(specs.old), document::operations(specs.new));
    let same_place = |a: &OperationDef, b: &OperationDef| a.method == b.method && a.path == b.path;
    let mut pairs: Vec<(&OperationDef, &OperationDef)> = Vec::new();
    for new in &new_ops {
        if let Some(old) = old_ops.iter().find(|old| old.id == new.id) {
            pairs.push((old, new));
        }
    }
    let paired = |def: &OperationDef, old_side: bool| {
        pairs
            .iter()
            .any(|(old, new)| if old_side { old.pointer == def.pointer } else { new.pointer == def.pointer })
    };
    // Unpaired by id, at the same method and path: renamed.
    let mut renamed = Vec::new();
    for new in new_ops.iter().filter(|def| !paired(def, false)) {
        if let Some(old) = old_ops.iter().find(|old| !paired(old, true) && same_place(old, new)) {
            renamed.push((old, new));
        }
    }
    // An operation alone on one side: where that side's spec has it.
    let alone = |found: &mut Found, def: &OperationDef, side: Side, (check, wire, rust): Reading| {
        let (document, done) = if side == Side::Old { (specs.old, "removed") } else { (specs.new, "added") };
        found.add(Finding {
            check,
            side,
            pointer: &def.pointer,
            what: format!("operation `{}` {done} ({} {})", def.id, def.method, def.path),
            wire,
            rust,
            items: items_of(document, def),
            operations: vec![def.id.clone()],
        });
    };
    let is_renamed = |def: &OperationDef| {
        renamed.iter().any(|(o, n)| o.pointer == def.pointer || n.pointer == def.pointer)
    };
    for new in new_ops.iter().filter(|def| !paired(def, false) && !is_renamed(def)) {
        alone(found, new, Side::New, ("operation-added", Wire::Compatible, Rust::None));
    }
    for old in old_ops.iter().filter(|def| !paired(def, true) && !is_renamed(def)) {
        alone(found, old, Side::Old, ("operation-removed", Wire::Breaking, Rust::Compile));
    }
    for (old, new) in pairs.into_iter().chain(renamed) {
        Pair { specs, old, new }.compare(found);
    }
}

/// The method and the builder of an operation.
fn items_of(document: &Value, def: &OperationDef) -> Vec<String> {
    vec![names::operation_method(&def.id, first_tag(document, def)), names::operation_builder(&def.id)]
}

fn first_tag<'d>(document: &'d Value, def: &OperationDef) -> Option<&'d str> {
    def.object(document)["tags"].get(0).and_then(Value::as_str)
}

/// A check and its effects on the wire and in Rust.
type Reading = (&'static str, Wire, Rust);

struct Pair<'a> {
    specs: &'a Specs<'a>,
    old: &'a OperationDef,
    new: &'a OperationDef,
}

impl Pair<'_> {
    /// A change of this operation: its check and effects, where, what, and the items.
    fn add(
        &self,
        found: &mut Found,
        (check, wire, rust): Reading,
        pointer: &str,
        what: String,
        items: Vec<String>,
    ) {
        found.add(Finding {
            check,
            side: Side::New,
            pointer,
            what,
            wire,
            rust,
            items,
            operations: vec![self.new.id.clone()],
        });
    }

    fn compare(&self, found: &mut Found) {
        let (old, new) = (self.old, self.new);
        let (old_doc, new_doc) = (self.specs.old, self.specs.new);
        if old.id != new.id {
            let what = format!("operation `{}` renamed `{}`", old.id, new.id);
            self.add(
                found,
                ("operation-renamed", Wire::Compatible, Rust::Compile),
                &new.pointer,
                what,
                items_of(old_doc, old),
            );
        }
        if old.method != new.method || old.path != new.path {
            let what =
                format!("`{}` moved from {} {} to {} {}", new.id, old.method, old.path, new.method, new.path);
            self.add(
                found,
                ("operation-moved", Wire::Breaking, Rust::Runtime),
                &new.pointer,
                what,
                items_of(new_doc, new),
            );
        }
        let (old_tag, new_tag) = (first_tag(old_doc, old), first_tag(new_doc, new));
        if old_tag != new_tag && old.id == new.id {
            let what = format!(
                "`{}` tagged {} instead of {}",
                new.id,
                new_tag.unwrap_or("nothing"),
                old_tag.unwrap_or("nothing")
            );
            let items =
                vec![names::operation_method(&old.id, old_tag), names::operation_method(&new.id, new_tag)];
            self.add(
                found,
                ("operation-tag-changed", Wire::Compatible, Rust::Compile),
                &format!("{}/tags", new.pointer),
                what,
                items,
            );
        }
        self.parameters(found);
        self.request_body(found);
        self.responses(found);
    }

    fn parameters(&self, found: &mut Found) {
        let (old_params, new_params) =
            (parameters(self.specs.old, self.old), parameters(self.specs.new, self.new));
        let key = |p: &Value| {
            (p["in"].as_str().unwrap_or("").to_string(), p["name"].as_str().unwrap_or("").to_string())
        };
        let builder = names::operation_builder(&self.new.id);
        let item = |name: &str| vec![format!("{builder}::{}", names::field_name(name))];
        let required = |p: &Value| p["required"] == Value::Bool(true);
        let at = |p: &Value| parameter_at(self.specs.new, self.new, p);
        for new in &new_params {
            let (place, name) = key(new);
            let Some(old) = old_params.iter().find(|old| key(old) == key(new)) else {
                let (wire, rust, kind) = match required(new) {
                    true => (Wire::Breaking, Rust::Runtime, "required"),
                    false => (Wire::Compatible, Rust::None, "optional"),
                };
                let what = format!("{place} parameter `{name}` added ({kind})");
                self.add(found, ("parameter-added", wire, rust), &at(new), what, item(&name));
                continue;
            };
            if !required(old) && required(new) {
                let what = format!("{place} parameter `{name}` made required");
                self.add(
                    found,
                    ("parameter-made-required", Wire::Breaking, Rust::Runtime),
                    &at(new),
                    what,
                    item(&name),
                );
            }
            if required(old) && !required(new) {
                let what = format!("{place} parameter `{name}` made optional");
                self.add(
                    found,
                    ("parameter-made-optional", Wire::Compatible, Rust::None),
                    &at(new),
                    what,
                    item(&name),
                );
            }
            let inline = names::parameter_type(&self.new.id, &name);
            let pointer = format!("{}/schema", at(new));
            let shape_of = |document: &Value, p: &Value| shape::shape(document, &p["schema"], &pointer);
            let (old_shape, new_shape) = (shape_of(self.specs.old, old), shape_of(self.specs.new, new));
            self.parameter_shape(found, &inline, &pointer, &old_shape, &new_shape, item(&name));
        }
        for old in old_params.iter().filter(|old| !new_params.iter().any(|new| key(new) == key(old))) {
            let (place, name) = key(old);
            let what = format!("{place} parameter `{name}` removed");
            self.add(
                found,
                ("parameter-removed", Wire::Compatible, Rust::Compile),
                &format!("{}/parameters", self.new.pointer),
                what,
                item(&name),
            );
        }
    }

    /// A parameter's schema: another type, enum values, bounds. Parameters are sent:
    /// read as a request's.
    fn parameter_shape(
        &self,
        found: &mut Found,
        inline: &str,
        at: &str,
        old: &Shape,
        new: &Shape,
        items: Vec<String>,
    ) {
        match (old, new) {
            (Shape::Ref(a), Shape::Ref(b)) if a == b || self.specs.renames.get(a) == Some(b) => {}
            (Shape::Enum(a), Shape::Enum(b)) => {
                let variant = |v: &str| vec![format!("types::{inline}::{}", names::variant_name(v))];
                for value in b.iter().filter(|v| !a.contains(v)) {
                    let what = format!("enum value `{value}` added");
                    self.add(
                        found,
                        ("enum-value-added", Wire::Compatible, Rust::None),
                        at,
                        what,
                        variant(value),
                    );
                }
                for value in a.iter().filter(|v| !b.contains(v)) {
                    let what = format!("enum value `{value}` removed");
                    self.add(
                        found,
                        ("enum-value-removed", Wire::Breaking, Rust::Compile),
                        at,
                        what,
                        variant(value),
                    );
                }
            }
            (
                Shape::Scalar { kind, bounds: old_bounds },
                Shape::Scalar { kind: same, bounds: new_bounds },
            ) if kind == same => {
                for change in bound_changes(kind, old_bounds, new_bounds) {
                    let (check, wire) = change.read(Context::Request);
                    self.add(found, (check, wire, change.rust), at, change.what.clone(), items.clone());
                }
            }
            (a, b) if a.kind() == b.kind() => {}
            (a, b) => {
                let what = format!("type changed from {} to {}", a.kind(), b.kind());
                self.add(found, ("parameter-retyped", Wire::Breaking, Rust::Compile), at, what, items);
            }
        }
    }

    fn request_body(&self, found: &mut Found) {
        let body = |document, def: &OperationDef| &def.object(document)["requestBody"];
        let (old_body, new_body) = (body(self.specs.old, self.old), body(self.specs.new, self.new));
        let at = format!("{}/requestBody", self.new.pointer);
        let items = vec![names::operation_builder(&self.new.id)];
        let (old_kind, new_kind) = (body_kind(self.specs.old, old_body), body_kind(self.specs.new, new_body));
        if !self.same_body(&old_kind, &new_kind) {
            let what = format!("request body changed from {} to {}", or_none(&old_kind), or_none(&new_kind));
            self.add(
                found,
                ("request-body-changed", Wire::Breaking, Rust::Compile),
                &at,
                what,
                items.clone(),
            );
        }
        let required = |body: &Value| body["required"] == Value::Bool(true);
        if !required(old_body) && required(new_body) && old_kind.is_some() {
            let what = "request body made required".to_string();
            self.add(found, ("request-body-changed", Wire::Breaking, Rust::Runtime), &at, what, items);
        }
    }

    fn responses(&self, found: &mut Found) {
        let responses = |document, def: &OperationDef| def.object(document)["responses"].as_object();
        let (old_responses, new_responses) =
            (responses(self.specs.old, self.old), responses(self.specs.new, self.new));
        let statuses = |responses: Option<&serde_json::Map<String, Value>>| -> Vec<String> {
            responses.into_iter().flatten().map(|(status, _)| status.clone()).collect()
        };
        let (old_statuses, new_statuses) = (statuses(old_responses), statuses(new_responses));
        let kind = |document, def: &OperationDef, status: &str| {
            body_kind(document, &def.object(document)["responses"][status])
        };
        let items = vec![names::operation_method(&self.new.id, first_tag(self.specs.new, self.new))];
        let old_successes: Vec<Option<String>> = old_statuses
            .iter()
            .filter(|s| s.starts_with('2'))
            .map(|s| kind(self.specs.old, self.old, s))
            .collect();
        for status in new_statuses.iter().filter(|s| !old_statuses.contains(s)) {
            // Only success responses make the generated return type: another with the
            // same body changes nothing; one with another body the generator refuses
            // (progenitor 0.15 takes one success type), so the client is not built.
            let body = kind(self.specs.new, self.new, status);
            let same_body = old_successes.iter().all(|old| self.same_body(old, &body));
            let rust = if status.starts_with('2') && !same_body { Rust::Compile } else { Rust::None };
            let at = format!("{}/responses/{}", self.new.pointer, crate::pointer::escape(status));
            let what = format!("response {status} added");
            self.add(found, ("response-status-added", Wire::Compatible, rust), &at, what, items.clone());
        }
        for status in old_statuses.iter().filter(|s| !new_statuses.contains(s)) {
            let (wire, rust) = if status.starts_with('2') {
                (Wire::Breaking, Rust::Compile)
            } else {
                (Wire::Compatible, Rust::None)
            };
            let at = format!("{}/responses", self.new.pointer);
            let what = format!("response {status} removed");
            self.add(found, ("response-status-removed", wire, rust), &at, what, items.clone());
        }
        for status in new_statuses.iter().filter(|s| s.starts_with('2') && old_statuses.contains(s)) {
            let (a, b) = (kind(self.specs.old, self.old, status), kind(self.specs.new, self.new, status));
            if !self.same_body(&a, &b) {
                let at = format!("{}/responses/{status}", self.new.pointer);
                let what = format!("response {status} body changed from {} to {}", or_none(&a), or_none(&b));
                self.add(
                    found,
                    ("response-body-changed", Wire::Breaking, Rust::Compile),
                    &at,
                    what,
                    items.clone(),
                );
            }
        }
    }

    /// Whether two bodies (their kinds, `None` for none) are the same type, a renamed
    /// component counting as the same.
    fn same_body(&self, old: &Option<String>, new: &Option<String>) -> bool {
        old == new
            || self
                .specs
                .renames
                .iter()
                .any(|(o, n)| *old == Some(format!("`{o}`")) && *new == Some(format!("`{n}`")))
    }
}

/// The kind of a request body's or a response's JSON schema, if it has one.
fn body_kind(document: &Value, holder: &Value) -> Option<String> {
    let holder = document::resolve(document, holder).unwrap_or(holder);
    document::json_schema(holder).map(|schema| shape::shape(document, schema, "").kind())
}

fn or_none(kind: &Option<String>) -> &str {
    kind.as_deref().unwrap_or("none")
}

/// Where a parameter is written: in the operation's list, the path item's, or a component.
fn parameter_at(document: &Value, def: &OperationDef, parameter: &Value) -> String {
    let lists = [
        (format!("{}/parameters", def.pointer), &def.object(document)["parameters"]),
        (
            format!("/paths/{}/parameters", crate::pointer::escape(&def.path)),
            &def.path_item(document)["parameters"],
        ),
    ];
    for (at, list) in lists {
        for (index, entry) in list.as_array().into_iter().flatten().enumerate() {
            let resolved = document::resolve(document, entry).unwrap_or(entry);
            if std::ptr::eq(resolved, parameter) {
                return match entry.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                    Some(component) => component.to_string(),
                    None => format!("{at}/{index}"),
                };
            }
        }
    }
    format!("{}/parameters", def.pointer)
}
