//! What the sandbox answers each operation with: the recorded response whose request
//! best matches, or, for an operation the docs never showed a response for, a body
//! shaped from the spec's schema and filled with recorded values wherever a
//! recording holds a value of the same component.

use crate::contract::{Contract, Spec};
use crate::document;
use crate::exchange::Body;
use crate::load::Loaded;
use serde_json::{Map, Value};
use std::collections::HashMap;

pub struct Answers {
    recorded: HashMap<String, Vec<Recorded>>,
    /// Per operation without a recorded response: its 200 body, shaped from the schema.
    shaped: HashMap<String, Value>,
    /// The customer ids recorded requests name in a path or query parameter.
    customer_ids: Vec<String>,
}

struct Recorded {
    file: String,
    path_values: Vec<(String, String)>,
    query: Vec<(String, String)>,
    body: Option<Value>,
    status: u16,
    response: Value,
}

pub struct Answer<'a> {
    pub status: u16,
    pub body: &'a Value,
    pub source: Source<'a>,
}

#[derive(Clone, Copy)]
pub enum Source<'a> {
    /// The recording's file name.
    Recording(&'a str),
    /// No recorded response: shaped from the spec.
    Schema,
}

impl std::fmt::Display for Source<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Recording(file) => write!(f, "recording {file}"),
            Source::Schema => f.write_str("schema"),
        }
    }
}

impl Answers {
    /// Reads the recordings; a recording that cannot be read is an error, so the
    /// sandbox never starts on half its data.
    pub fn load(spec: &Spec, contract: &Contract, loaded: Loaded) -> Result<Answers, String> {
        if let Some(unreadable) = loaded.unreadable.first() {
            return Err(unreadable.to_string());
        }
        let mut recorded: HashMap<String, Vec<Recorded>> = HashMap::new();
        let mut components = Components { document: &spec.document, values: HashMap::new() };
        let mut customer_ids = Vec::new();
        for exchange in loaded.exchanges {
            let routed = exchange.request.as_ref().and_then(|r| contract.route(&r.method, &r.path));
            // Every request counts here, answered or not (most recordings show no answer).
            let path_values = routed.iter().flat_map(|(_, values)| values);
            let query = exchange.request.iter().flat_map(|r| &r.query);
            let named = path_values.chain(query).filter(|(name, _)| name.contains("customer"));
            customer_ids.extend(named.map(|(_, id)| id.clone()));
            let Some(response) = exchange.response else { continue };
            let Body::Json(response_body) = response.body else { continue };
            let Some(id) = routed.as_ref().map(|(op, _)| op.id.clone()).or(exchange.operation) else {
                continue;
            };
            if let Some(schema) = spec.response_schema(&id, response.status) {
                components.harvest(schema, &response_body);
            }
            let request = exchange.request.as_ref();
            recorded.entry(id).or_default().push(Recorded {
                file: file_name(&exchange.file),
                path_values: routed.map(|(_, values)| values).unwrap_or_default(),
                query: request.map(|r| r.query.clone()).unwrap_or_default(),
                body: request.and_then(|r| r.body.json().cloned()),
                status: response.status,
                response: response_body,
            });
        }
        let shaped = contract
            .operations
            .iter()
            .filter(|op| !recorded.contains_key(&op.id))
            .filter_map(|op| Some((op.id.clone(), components.shape(spec.response_schema(&op.id, 200)?, 0))))
            .collect();
        Ok(Answers { recorded, shaped, customer_ids })
    }

    /// The answer to a request for `operation`; `None` when there is nothing to answer with.
    pub fn answer(
        &self,
        operation: &str,
        path_values: &[(String, String)],
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Option<Answer<'_>> {
        let Some(recorded) = self.recorded.get(operation) else {
            let body = self.shaped.get(operation)?;
            return Some(Answer { status: 200, body, source: Source::Schema });
        };
        // The first of the best, so that ties go to the first file in name order.
        let best = recorded.iter().rev().max_by_key(|r| r.resemblance(path_values, query, body))?;
        Some(Answer { status: best.status, body: &best.response, source: Source::Recording(&best.file) })
    }

    /// The `data` of each recorded success of `operation`, in file order.
    pub fn recorded_data(&self, operation: &str) -> Vec<Value> {
        let recorded = self.recorded.get(operation).map_or(&[][..], Vec::as_slice);
        recorded.iter().filter(|r| r.status == 200).filter_map(|r| r.response.get("data").cloned()).collect()
    }

    /// The customer ids the recorded requests name in their path or query (any
    /// parameter whose name says `customer`), answered or not.
    pub fn recorded_customer_ids(&self) -> Vec<String> {
        self.customer_ids.clone()
    }

    /// Which operations are answered from a recording, and which from the schema.
    pub fn sources(&self) -> (Vec<&str>, Vec<&str>) {
        let mut recorded: Vec<&str> = self.recorded.keys().map(String::as_str).collect();
        let mut shaped: Vec<&str> = self.shaped.keys().map(String::as_str).collect();
        recorded.sort_unstable();
        shaped.sort_unstable();
        (recorded, shaped)
    }
}

impl Recorded {
    /// How alike two requests are: path parameters weigh most, then query
    /// parameters, then each equal leaf of the JSON body.
    fn resemblance(
        &self,
        path_values: &[(String, String)],
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> usize {
        let same_path = path_values.iter().filter(|pair| self.path_values.contains(pair)).count();
        let same_query = query.iter().filter(|pair| self.query.contains(pair)).count();
        let same_leaves = match (body, &self.body) {
            (Some(asked), Some(recorded)) => {
                let recorded = leaves(recorded);
                leaves(asked).iter().filter(|leaf| recorded.contains(leaf)).count()
            }
            _ => 0,
        };
        same_path * 1000 + same_query * 100 + same_leaves
    }
}

/// Every scalar of a JSON value with its pointer.
fn leaves(value: &Value) -> Vec<(String, &Value)> {
    fn walk<'v>(value: &'v Value, at: String, out: &mut Vec<(String, &'v Value)>) {
        match value {
            Value::Object(map) => map.iter().for_each(|(k, v)| walk(v, format!("{at}/{k}"), out)),
            Value::Array(items) => {
                items.iter().enumerate().for_each(|(i, v)| walk(v, format!("{at}/{i}"), out))
            }
            scalar => out.push((at, scalar)),
        }
    }
    let mut out = Vec::new();
    walk(value, String::new(), &mut out);
    out
}

fn file_name(path: &str) -> String {
    // `spec/recordings/<operation>/<slug>.json` → `<operation>/<slug>.json`
    let mut parts = path.rsplit('/');
    match (parts.next(), parts.next()) {
        (Some(slug), Some(dir)) => format!("{dir}/{slug}"),
        _ => path.to_string(),
    }
}

/// Recorded values of named components, and schemas shaped into values with them.
struct Components<'d> {
    document: &'d Value,
    values: HashMap<String, Value>,
}

impl<'d> Components<'d> {
    fn resolve(&self, reference: &str) -> Option<(String, &'d Value)> {
        let pointer = reference.strip_prefix('#')?;
        Some((reference.rsplit('/').next()?.to_string(), self.document.pointer(pointer)?))
    }

    /// Keeps the first recorded value of each component the schema names.
    /// `oneOf`/`anyOf` are not followed (which alternative a value took is unknown),
    /// but for "X or null", where a value that is not null is an X.
    fn harvest(&mut self, schema: &Value, instance: &Value) {
        if instance.is_null() {
            return;
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let Some((name, target)) = self.resolve(reference) else { return };
            let value = only_declared(target, instance);
            self.values.entry(name).or_insert(value);
            return self.harvest(target, instance);
        }
        for member in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            self.harvest(member, instance);
        }
        if let Some(reference) = document::nullable_reference(schema) {
            return self.harvest(reference, instance);
        }
        for (name, property) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
            if let Some(value) = instance.get(name) {
                self.harvest(property, value);
            }
        }
        if let (Some(items), Some(values)) = (schema.get("items"), instance.as_array()) {
            values.iter().for_each(|value| self.harvest(items, value));
        }
    }

    /// A value the schema accepts: a recorded one where the component was recorded,
    /// else its required properties, first enum value or default, or a placeholder.
    fn shape(&self, schema: &Value, depth: usize) -> Value {
        if depth > 16 {
            return Value::Null;
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            return match self.resolve(reference) {
                Some((name, _)) if self.values.contains_key(&name) => self.values[&name].clone(),
                Some((_, target)) => self.shape(target, depth + 1),
                None => Value::Null,
            };
        }
        if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            for member in members {
                if let Value::Object(part) = self.shape(member, depth + 1) {
                    merged.extend(part);
                }
            }
            // A member may require what another declares (`allOf: [X, {required: [f]}]`).
            let required = members
                .iter()
                .flat_map(|m| m.get("required").and_then(Value::as_array).into_iter().flatten());
            for name in required.filter_map(Value::as_str) {
                if merged.contains_key(name) {
                    continue;
                }
                let declared = members.iter().find_map(|member| {
                    let member = match member.get("$ref").and_then(Value::as_str) {
                        Some(reference) => self.resolve(reference)?.1,
                        None => member,
                    };
                    member.get("properties")?.get(name)
                });
                if let Some(property) = declared {
                    merged.insert(name.to_string(), self.shape(property, depth + 1));
                }
            }
            return Value::Object(merged);
        }
        let first_alternative = ["oneOf", "anyOf"].iter().find_map(|k| schema.get(*k)?.as_array()?.first());
        if let Some(alternative) = first_alternative {
            return self.shape(alternative, depth + 1);
        }
        if let Some(value) = schema.get("enum").and_then(|e| e.as_array()?.first()).or(schema.get("default"))
        {
            return value.clone();
        }
        let minimum = || schema.get("minimum").cloned().unwrap_or(Value::from(0));
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => Value::from(match schema.get("format").and_then(Value::as_str) {
                Some("date") => "2026-01-01",
                Some("date-time") => "2026-01-01T00:00:00Z",
                Some("email") => "customer@example.com",
                Some("uuid") => "00000000-0000-4000-8000-000000000000",
                _ => "sandbox",
            }),
            Some("integer" | "number") => minimum(),
            Some("boolean") => Value::Bool(false),
            Some("array") => match schema.get("items") {
                Some(items) if items.as_object().is_some_and(|o| !o.is_empty()) => {
                    Value::Array(vec![self.shape(items, depth + 1)])
                }
                _ => Value::Array(Vec::new()),
            },
            _ if schema.get("properties").is_none() && schema.get("type").is_none() => {
                Value::Object(Map::new())
            }
            _ => {
                let properties = schema.get("properties").and_then(Value::as_object);
                let required = schema.get("required").and_then(Value::as_array).into_iter().flatten();
                let object = required
                    .filter_map(Value::as_str)
                    .filter_map(|name| {
                        Some((name.to_string(), self.shape(properties?.get(name)?, depth + 1)))
                    })
                    .collect();
                Value::Object(object)
            }
        }
    }
}

/// The part of a recorded value a component declares, so that a value recorded
/// through an `allOf` does not carry its siblings' fields.
fn only_declared(schema: &Value, instance: &Value) -> Value {
    match (schema.get("properties").and_then(Value::as_object), instance.as_object()) {
        (Some(properties), Some(object)) if schema.get("allOf").is_none() => Value::Object(
            object
                .iter()
                .filter(|(k, _)| properties.contains_key(*k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        _ => instance.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::Answers;
    use crate::check::Checker;
    use crate::contract::{Contract, Spec};
    use crate::exchange::{Body, Exchange, Response};
    use crate::load::Loaded;

    /// A shaped answer must pass the same checks as a recorded one, `--strict` included.
    #[test]
    fn every_shaped_answer_conforms_to_the_spec() {
        let spec = Spec::embedded().unwrap();
        let contract = Contract::compile(&spec).unwrap();
        let recordings =
            Loaded::from_texts(crate::embedded::RECORDINGS.iter().copied(), &contract.scope(&[]));
        let answers = Answers::load(&spec, &contract, recordings).unwrap();
        let (recorded, shaped) = answers.sources();
        assert_eq!(recorded.len() + shaped.len(), contract.operations.len());
        assert!(shaped.contains(&"buy") && recorded.contains(&"price_fix"));
        let checker = Checker { contract: &contract, strict: true };
        for id in shaped {
            let body = answers.answer(id, &[], &[], None).unwrap().body.clone();
            let exchange = Exchange {
                file: id.into(),
                entry: None,
                operation: Some(id.into()),
                request: None,
                response: Some(Response { status: 200, body: Body::Json(body) }),
            };
            let (_, findings) = checker.check(&exchange);
            assert!(findings.is_empty(), "{id}: {findings:?}");
        }
    }
}
