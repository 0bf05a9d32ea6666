//! A schema as the generator shapes it into Rust: a component's struct with its
//! fields (an `allOf` merged into one), an enum, a validated newtype, a scalar.
//! Only what decides a type or a decoding is kept; words and examples are not.

use crate::document::{self, NULL_VALUE, SENSITIVE};
use crate::pointer;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The keywords that bound a value: a validated type checks them.
const BOUNDS: [&str; 9] = [
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
];

/// Keywords that change a type or its decoding that the report does not read one
/// by one: a change to one is `unclassified`.
const UNREAD: [&str; 10] = [
    "default",
    "readOnly",
    "writeOnly",
    "additionalProperties",
    "discriminator",
    "multipleOf",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "not",
];

/// What one schema position becomes.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A component, by name: compared where it is defined.
    Ref(String),
    /// An inline object: a struct of its own.
    Object(Object),
    /// An inline enum of strings: an enum of its own.
    Enum(Vec<String>),
    /// A list of items.
    Array(Box<Shape>),
    /// A string, number, integer or boolean, with its format and bounds.
    Scalar { kind: String, bounds: BTreeMap<String, Value> },
    /// Any JSON (no type, or alternatives other than "X or null").
    Any,
}

impl Shape {
    /// What the generated type is, without bounds: two shapes of another kind are
    /// another Rust type and decode other JSON.
    pub fn kind(&self) -> String {
        match self {
            Shape::Ref(name) => format!("`{name}`"),
            Shape::Object(_) => "an object".into(),
            Shape::Enum(_) => "an enum".into(),
            Shape::Array(items) => format!("a list of {}", items.kind()),
            Shape::Scalar { kind, .. } => kind.clone(),
            Shape::Any => "any JSON".into(),
        }
    }
}

/// An object's fields, each as the struct holds it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object {
    pub fields: BTreeMap<String, Field>,
}

/// One property.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub shape: Shape,
    pub required: bool,
    pub nullable: bool,
    pub sensitive: bool,
    /// Keywords of [`UNREAD`] as written, to notice a change to one.
    pub unread: Map<String, Value>,
    /// Where the property is defined (a JSON pointer).
    pub at: String,
    /// Where its `required` entry is, when it has one.
    pub required_at: Option<String>,
}

impl Field {
    /// Whether the generated field is an `Option`: not required, or null allowed.
    pub fn optional_in_rust(&self) -> bool {
        !self.required || self.nullable
    }
}

/// A component as the generator makes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Component {
    /// A struct (an object, or an `allOf` merged).
    Struct(Object),
    /// An enum of strings.
    Enum(Vec<String>),
    /// Anything else: a newtype or an alias of this shape.
    Other(Shape),
}

/// Reads component `name` of `document` as the generator shapes it.
pub fn component(document: &Value, name: &str) -> Option<Component> {
    let at = format!("/components/schemas/{}", pointer::escape(name));
    let schema = document.pointer(&at)?;
    if let Some(values) = string_enum(schema) {
        return Some(Component::Enum(values));
    }
    if is_object(document, schema, 0) {
        return Some(Component::Struct(object(document, schema, &at, 0)));
    }
    Some(Component::Other(shape(document, schema, &at)))
}

/// The shape of the schema at `at`.
pub fn shape(document: &Value, schema: &Value, at: &str) -> Shape {
    if let Some(reference) = document::nullable_reference(schema).or(single_all_of(schema)) {
        return shape(document, reference, at);
    }
    if let Some(name) = schema.get("$ref").and_then(Value::as_str).and_then(component_name) {
        return Shape::Ref(name.to_string());
    }
    if let Some(values) = string_enum(schema) {
        return Shape::Enum(values);
    }
    if is_object(document, schema, 0) {
        return Shape::Object(object(document, schema, at, 0));
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => {
            let items = schema.get("items").unwrap_or(&Value::Null);
            Shape::Array(Box::new(shape(document, items, &format!("{at}/items"))))
        }
        Some(kind @ ("string" | "number" | "integer" | "boolean")) => {
            let kind = match schema.get("format").and_then(Value::as_str) {
                Some(format) => format!("{kind} ({format})"),
                None => kind.to_string(),
            };
            let bounds =
                BOUNDS.iter().filter_map(|k| Some((k.to_string(), schema.get(*k)?.clone()))).collect();
            Shape::Scalar { kind, bounds }
        }
        _ => Shape::Any,
    }
}

/// Whether a schema is null-or-something: `nullable`, or `anyOf` with `NullValue`.
pub fn nullable(schema: &Value) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true)) || document::nullable_reference(schema).is_some()
}

/// The component a `$ref` names.
pub fn component_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

/// `allOf: [X]` alone (with notes beside it): the same as X.
fn single_all_of(schema: &Value) -> Option<&Value> {
    match schema.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
        Some([only]) if schema.get("properties").is_none() => Some(only),
        _ => None,
    }
}

fn string_enum(schema: &Value) -> Option<Vec<String>> {
    let values = schema.get("enum")?.as_array()?;
    let strings: Vec<String> = values.iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
    (!strings.is_empty()).then_some(strings)
}

/// Whether a schema makes a struct: it has properties, or merges members that do.
fn is_object(document: &Value, schema: &Value, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    if schema.get("properties").is_some() {
        return true;
    }
    let members = schema
        .get("allOf")
        .and_then(Value::as_array)
        .filter(|m| m.len() > 1 || single_all_of(schema).is_none());
    members.into_iter().flatten().any(|member| {
        let member = document::resolve(document, member).unwrap_or(member);
        is_object(document, member, depth + 1)
    })
}

/// The fields of an object schema, `allOf` members merged in order (a later
/// definition of a property replaces an earlier one; `required` adds up).
fn object(document: &Value, schema: &Value, at: &str, depth: usize) -> Object {
    let mut merged = Object::default();
    if depth > 16 {
        return merged;
    }
    // `required` of this schema and of its inline members may name a field another
    // member defines (`allOf: [Customer, {required: [firstname]}]`).
    let mut required = required_names(schema, at);
    for (index, member) in schema.get("allOf").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let (member, member_at) = match member.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                match reference.strip_prefix('#').and_then(|p| Some((document.pointer(p)?, p))) {
                    Some((target, target_at)) => (target, target_at.to_string()),
                    None => continue,
                }
            }
            None => {
                let member_at = format!("{at}/allOf/{index}");
                required.extend(required_names(member, &member_at));
                (member, member_at)
            }
        };
        let inner = object(document, member, &member_at, depth + 1);
        for (name, field) in inner.fields {
            let kept = merged.fields.entry(name).or_insert_with(|| field.clone());
            let required_at = kept.required_at.clone().or(field.required_at.clone());
            let required = kept.required || field.required;
            *kept = Field { required, required_at, ..field };
        }
    }
    for (name, property) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
        let property_at = format!("{at}/properties/{}", pointer::escape(name));
        let unread = UNREAD.iter().filter_map(|k| Some((k.to_string(), property.get(*k)?.clone()))).collect();
        let field = Field {
            shape: shape(document, property, &property_at),
            required: false,
            nullable: nullable(property),
            sensitive: property.get(SENSITIVE) == Some(&Value::Bool(true)),
            unread,
            at: property_at,
            required_at: None,
        };
        let kept = merged.fields.entry(name.clone()).or_insert_with(|| field.clone());
        let (was_required, required_at) = (kept.required, kept.required_at.clone());
        *kept = Field { required: was_required, required_at, ..field };
    }
    for (name, required_at) in required {
        if let Some(field) = merged.fields.get_mut(&name) {
            field.required = true;
            field.required_at.get_or_insert(required_at);
        }
    }
    merged
}

/// The names a schema's own `required` lists, each with its place.
fn required_names(schema: &Value, at: &str) -> Vec<(String, String)> {
    let names = schema.get("required").and_then(Value::as_array).into_iter().flatten();
    names
        .enumerate()
        .filter_map(|(i, name)| Some((name.as_str()?.to_string(), format!("{at}/required/{i}"))))
        .collect()
}

/// The component names `schema` refers to, directly or through `allOf`, items and properties.
pub fn references(schema: &Value, found: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(name) = map.get("$ref").and_then(Value::as_str).and_then(component_name)
                && format!("#/components/schemas/{name}") != NULL_VALUE
            {
                found.push(name.to_string());
            }
            map.values().for_each(|inner| references(inner, found));
        }
        Value::Array(items) => items.iter().for_each(|item| references(item, found)),
        _ => {}
    }
}
