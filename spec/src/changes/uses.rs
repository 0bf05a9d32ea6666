//! Which components each side of the API uses: those a request reaches (bodies and
//! parameters), those a success response reaches, and which operations reach each.
//! A change's effects depend on the side: a request field is sent, a response field decoded.

use super::shape::{component_name, references};
use crate::document::NULL_VALUE;
use crate::document::{self, operations};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Where a type is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Context {
    /// Sent: in a request body or parameter.
    Request,
    /// Decoded: in a success response.
    Response,
    /// By no operation (the type is still generated).
    Unused,
}

#[derive(Debug, Default)]
pub struct Uses {
    request: BTreeSet<String>,
    response: BTreeSet<String>,
    operations: BTreeMap<String, BTreeSet<String>>,
}

impl Uses {
    pub fn of(document: &Value) -> Uses {
        let mut uses = Uses::default();
        for def in operations(document) {
            let operation = def.object(document);
            let mut sent = Vec::new();
            references(&operation["requestBody"], &mut sent);
            for parameter in parameters(document, &def) {
                references(&parameter["schema"], &mut sent);
            }
            let mut answered = Vec::new();
            for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                if status.starts_with('2') {
                    let response = document::resolve(document, response).unwrap_or(response);
                    references(response, &mut answered);
                }
            }
            for (roots, side) in [(sent, Context::Request), (answered, Context::Response)] {
                for name in closure(document, roots) {
                    uses.operations.entry(name.clone()).or_default().insert(def.id.clone());
                    match side {
                        Context::Request => uses.request.insert(name),
                        _ => uses.response.insert(name),
                    };
                }
            }
        }
        uses
    }

    /// The sides that use a component: one or both, or `Unused`.
    pub fn contexts(&self, component: &str) -> Vec<Context> {
        let mut contexts = Vec::new();
        if self.request.contains(component) {
            contexts.push(Context::Request);
        }
        if self.response.contains(component) {
            contexts.push(Context::Response);
        }
        if contexts.is_empty() {
            contexts.push(Context::Unused);
        }
        contexts
    }

    /// Whether the generated struct of a component is exhaustive: it is unless only
    /// responses use it (the client's forward-compatibility policy, in the README).
    pub fn exhaustive(&self, component: &str) -> bool {
        !self.response.contains(component) || self.request.contains(component)
    }

    /// The operations that reach a component.
    pub fn operations(&self, component: &str) -> Vec<String> {
        self.operations.get(component).map(|ops| ops.iter().cloned().collect()).unwrap_or_default()
    }
}

/// An operation's parameters, the path item's and its own (its own win), resolved.
pub fn parameters<'d>(document: &'d Value, def: &document::OperationDef) -> Vec<&'d Value> {
    let mut found: Vec<&Value> = Vec::new();
    let lists = [&def.path_item(document)["parameters"], &def.object(document)["parameters"]];
    for parameter in lists.into_iter().filter_map(Value::as_array).flatten() {
        let parameter = document::resolve(document, parameter).unwrap_or(parameter);
        found.retain(|kept| !(kept["name"] == parameter["name"] && kept["in"] == parameter["in"]));
        found.push(parameter);
    }
    found
}

/// The components whose generated types `roots` reach through fields, lists and
/// "X or null". A component merged into another by `allOf` is no field: the struct
/// that merges it has its fields, and its own type is not reached that way (only the
/// types its fields name are).
fn closure(document: &Value, roots: Vec<String>) -> BTreeSet<String> {
    let (mut used, mut merged) = (BTreeSet::new(), BTreeSet::new());
    let mut todo: Vec<(String, bool)> = roots.into_iter().map(|name| (name, false)).collect();
    while let Some((name, is_merged)) = todo.pop() {
        let at = format!("/components/schemas/{}", crate::pointer::escape(&name));
        let Some(schema) = document.pointer(&at) else { continue };
        let first_time = if is_merged { merged.insert(name) } else { used.insert(name) };
        if first_time {
            let (fields, merges) = field_references(schema);
            todo.extend(fields.into_iter().map(|name| (name, false)));
            todo.extend(merges.into_iter().map(|name| (name, true)));
        }
    }
    used
}

/// The components a schema names as the type of a field (or of itself), and those it
/// merges by `allOf`.
fn field_references(schema: &Value) -> (Vec<String>, Vec<String>) {
    let (mut fields, mut merges) = (Vec::new(), Vec::new());
    fn walk(node: &Value, fields: &mut Vec<String>, merges: &mut Vec<String>) {
        match node {
            Value::Object(map) => {
                let members = map.get("allOf").and_then(Value::as_array);
                let merging = members.is_some_and(|m| m.len() > 1 || map.contains_key("properties"));
                for (key, inner) in map {
                    match (key.as_str(), inner) {
                        ("allOf", Value::Array(members)) if merging => {
                            for member in members {
                                match member.get("$ref").and_then(Value::as_str).and_then(component_name) {
                                    Some(name) => merges.push(name.to_string()),
                                    None => walk(member, fields, merges),
                                }
                            }
                        }
                        _ => walk(inner, fields, merges),
                    }
                }
                let named = map.get("$ref").and_then(Value::as_str).and_then(component_name);
                if let Some(name) = named.filter(|name| format!("#/components/schemas/{name}") != NULL_VALUE)
                {
                    fields.push(name.to_string());
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, fields, merges)),
            _ => {}
        }
    }
    walk(schema, &mut fields, &mut merges);
    (fields, merges)
}
