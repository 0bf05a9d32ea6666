//! Every generated item a change report may name, for the spec as it is: what the
//! client's tests hold against the generated code, so that the names in a report are
//! the generator's, not guesses.

use super::names;
use super::shape::{self, Component, Object, Shape};
use super::uses::{Uses, parameters};
use crate::document;
use serde_json::Value;

/// The Rust names of the generated items of `document`: types, fields, variants,
/// operation methods, builders and their parameter methods.
pub fn generated_items(document: &Value) -> Vec<String> {
    let mut items = Vec::new();
    let schemas = document.pointer("/components/schemas").and_then(Value::as_object);
    for name in schemas.into_iter().flatten().map(|(name, _)| name) {
        if format!("#/components/schemas/{name}") == document::NULL_VALUE {
            continue;
        }
        let type_name = names::type_name(name);
        items.push(format!("types::{type_name}"));
        match shape::component(document, name) {
            Some(Component::Struct(object)) => fields(&type_name, &object, &mut items),
            Some(Component::Enum(values)) => variants(&type_name, &values, &mut items),
            _ => {}
        }
    }
    for def in document::operations(document) {
        let tag = def.object(document)["tags"].get(0).and_then(Value::as_str);
        items.push(names::operation_method(&def.id, tag));
        let builder = names::operation_builder(&def.id);
        items.push(builder.clone());
        for parameter in parameters(document, &def) {
            let name = parameter["name"].as_str().unwrap_or_default();
            items.push(format!("{builder}::{}", names::field_name(name)));
            if let Shape::Enum(values) = shape::shape(document, &parameter["schema"], "") {
                let type_name = names::parameter_type(&def.id, name);
                items.push(format!("types::{type_name}"));
                variants(&type_name, &values, &mut items);
            }
        }
    }
    items
}

fn fields(owner: &str, object: &Object, items: &mut Vec<String>) {
    for (name, field) in &object.fields {
        items.push(format!("types::{owner}::{}", names::field_name(name)));
        let inline = names::inline_type(owner, name);
        match &field.shape {
            Shape::Object(inner) => {
                items.push(format!("types::{inline}"));
                fields(&inline, inner, items);
            }
            Shape::Enum(values) => {
                items.push(format!("types::{inline}"));
                variants(&inline, values, items);
            }
            _ => {}
        }
    }
}

fn variants(type_name: &str, values: &[String], items: &mut Vec<String>) {
    items.extend(values.iter().map(|value| format!("types::{type_name}::{}", names::variant_name(value))));
}

/// Each generated struct of a component (and of its inline objects), and whether a
/// report takes it as exhaustive (a literal of it names every field): what the client's
/// tests hold against the `#[non_exhaustive]` of the generated code.
pub fn generated_structs(document: &Value) -> Vec<(String, bool)> {
    let uses = Uses::of(document);
    let mut structs = Vec::new();
    let schemas = document.pointer("/components/schemas").and_then(Value::as_object);
    for name in schemas.into_iter().flatten().map(|(name, _)| name) {
        if let Some(Component::Struct(object)) = shape::component(document, name) {
            let exhaustive = uses.exhaustive(name);
            let mut names = vec![names::type_name(name)];
            inline_structs(&names[0].clone(), &object, &mut names);
            structs.extend(names.into_iter().map(|type_name| (type_name, exhaustive)));
        }
    }
    structs
}

fn inline_structs(owner: &str, object: &Object, found: &mut Vec<String>) {
    for (name, field) in &object.fields {
        if let Shape::Object(inner) = &field.shape {
            let inline = names::inline_type(owner, name);
            inline_structs(&inline, inner, found);
            found.push(inline);
        }
    }
}
