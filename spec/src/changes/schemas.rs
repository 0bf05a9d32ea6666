//! The component schemas of two specs compared: types added, removed and renamed,
//! and within a type its fields, enum values, bounds and marks, each read for what
//! it does to a request that sends it and a response that decodes it.

use super::found::{Finding, Found};
use super::model::{Rust, Side, Wire};
use super::names;
use super::shape::{self, Component, Field, Object, Shape};
use super::uses::{Context, Uses};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Both specs, what each uses, and the components renamed (old name → new name).
pub struct Specs<'a> {
    pub old: &'a Value,
    pub new: &'a Value,
    pub old_uses: &'a Uses,
    pub new_uses: &'a Uses,
    pub renames: &'a BTreeMap<String, String>,
}

/// Components whose schema is the same under another name: the old name → the new.
pub fn renames(old: &Value, new: &Value) -> BTreeMap<String, String> {
    let (old_names, new_names) = (component_names(old), component_names(new));
    let schema = |document: &Value, name: &str| {
        document.pointer(&format!("/components/schemas/{}", crate::pointer::escape(name))).cloned()
    };
    let mut renames = BTreeMap::new();
    for gone in old_names.difference(&new_names) {
        let found = new_names.difference(&old_names).find(|added| {
            !renames.values().any(|taken| taken == *added) && schema(old, gone) == schema(new, added)
        });
        if let Some(added) = found {
            renames.insert(gone.clone(), added.clone());
        }
    }
    renames
}

/// Compares every component.
pub fn compare(specs: &Specs<'_>, found: &mut Found) {
    let (old_names, new_names) = (component_names(specs.old), component_names(specs.new));
    // A whole schema: its type, where the side's spec has it.
    let whole = |found: &mut Found,
                 (check, side, name): (&'static str, Side, &str),
                 what: String,
                 rust,
                 type_of: &str| {
        let uses = if side == Side::Old { specs.old_uses } else { specs.new_uses };
        found.add(Finding {
            check,
            side,
            pointer: &schema_at(name),
            what,
            wire: Wire::Compatible,
            rust,
            items: vec![format!("types::{}", names::type_name(type_of))],
            operations: uses.operations(name),
        });
    };
    for (old_name, new_name) in specs.renames {
        let what = format!("schema `{old_name}` renamed `{new_name}`");
        whole(found, ("schema-renamed", Side::New, new_name), what, Rust::Compile, old_name);
    }
    for name in new_names.difference(&old_names).filter(|n| !specs.renames.values().any(|r| r == *n)) {
        whole(found, ("schema-added", Side::New, name), format!("schema `{name}` added"), Rust::None, name);
    }
    for name in old_names.difference(&new_names).filter(|n| !specs.renames.contains_key(*n)) {
        whole(
            found,
            ("schema-removed", Side::Old, name),
            format!("schema `{name}` removed"),
            Rust::Compile,
            name,
        );
    }
    for name in old_names.intersection(&new_names) {
        let (Some(old), Some(new)) = (shape::component(specs.old, name), shape::component(specs.new, name))
        else {
            continue;
        };
        let owner = Owner { component: name, type_name: names::type_name(name) };
        let at = schema_at(name);
        match (old, new) {
            (Component::Struct(old), Component::Struct(new)) => specs.objects(&owner, &old, &new, found),
            (Component::Enum(old), Component::Enum(new)) => {
                specs.values(&owner, &owner.type_name, &at, &old, &new, found)
            }
            (Component::Other(old), Component::Other(new)) => specs.shapes(
                &owner,
                &owner.type_name,
                &at,
                &old,
                &new,
                &[format!("types::{}", owner.type_name)],
                found,
            ),
            (old, new) => specs.retyped(
                &owner,
                &at,
                &describe(&old),
                &describe(&new),
                vec![format!("types::{}", owner.type_name)],
                found,
            ),
        }
    }
}

/// The component whose use decides the effects, and the Rust type a change is in.
struct Owner<'a> {
    component: &'a str,
    type_name: String,
}

impl Specs<'_> {
    fn contexts(&self, owner: &Owner<'_>) -> Vec<Context> {
        self.new_uses.contexts(owner.component)
    }

    fn operations(&self, owner: &Owner<'_>) -> Vec<String> {
        let mut operations = self.new_uses.operations(owner.component);
        operations.extend(self.old_uses.operations(owner.component));
        operations
    }

    fn objects(&self, owner: &Owner<'_>, old: &Object, new: &Object, found: &mut Found) {
        let exhaustive = self.new_uses.exhaustive(owner.component);
        for (name, field) in &new.fields {
            let item = vec![format!("types::{}::{}", owner.type_name, names::field_name(name))];
            let Some(before) = old.fields.get(name) else {
                let required = if field.required { "required" } else { "optional" };
                for context in self.contexts(owner) {
                    let (check, wire, rust) = match context {
                        Context::Request => {
                            let wire = if field.required { Wire::Breaking } else { Wire::Compatible };
                            ("request-property-added", wire, Rust::Compile)
                        }
                        Context::Response if exhaustive => {
                            ("response-property-added", Wire::Compatible, Rust::Compile)
                        }
                        Context::Response => {
                            let rust = if field.required { Rust::Runtime } else { Rust::None };
                            ("response-property-added", Wire::Compatible, rust)
                        }
                        Context::Unused => ("property-added", Wire::Compatible, Rust::Compile),
                    };
                    found.add(Finding {
                        check,
                        side: Side::New,
                        pointer: &field.at,
                        what: format!("property `{name}` added ({required})"),
                        wire,
                        rust,
                        items: item.clone(),
                        operations: self.operations(owner),
                    });
                }
                continue;
            };
            self.fields(owner, name, before, field, item, found);
        }
        for (name, field) in old.fields.iter().filter(|(name, _)| !new.fields.contains_key(*name)) {
            for context in self.old_uses.contexts(owner.component) {
                let (check, wire) = match context {
                    Context::Request => ("request-property-removed", Wire::Compatible),
                    Context::Response if field.required && !field.nullable => {
                        ("response-property-removed", Wire::Breaking)
                    }
                    Context::Response => ("response-property-removed", Wire::Compatible),
                    Context::Unused => ("property-removed", Wire::Compatible),
                };
                found.add(Finding {
                    check,
                    side: Side::Old,
                    pointer: &field.at,
                    what: format!("property `{name}` removed"),
                    wire,
                    rust: Rust::Compile,
                    items: vec![format!("types::{}::{}", owner.type_name, names::field_name(name))],
                    operations: self.operations(owner),
                });
            }
        }
    }

    fn fields(
        &self,
        owner: &Owner<'_>,
        name: &str,
        old: &Field,
        new: &Field,
        items: Vec<String>,
        found: &mut Found,
    ) {
        let optionality =
            if old.optional_in_rust() == new.optional_in_rust() { Rust::None } else { Rust::Compile };
        let add = |found: &mut Found, check, pointer: &str, what: String, wire: fn(Context) -> Wire, rust| {
            for context in self.contexts(owner) {
                found.add(Finding {
                    check,
                    side: Side::New,
                    pointer,
                    what: what.clone(),
                    wire: wire(context),
                    rust,
                    items: items.clone(),
                    operations: self.operations(owner),
                });
            }
        };
        let sent_fails =
            |context| if context == Context::Request { Wire::Breaking } else { Wire::Compatible };
        let decoding_fails =
            |context| if context == Context::Response { Wire::Breaking } else { Wire::Compatible };
        let required_at =
            new.required_at.as_deref().or(old.required_at.as_deref()).unwrap_or(&new.at).to_string();
        if !old.required && new.required {
            add(
                found,
                "property-made-required",
                &required_at,
                format!("property `{name}` made required"),
                sent_fails,
                optionality,
            );
        }
        if old.required && !new.required {
            add(
                found,
                "property-made-optional",
                &new.at,
                format!("property `{name}` made optional"),
                decoding_fails,
                optionality,
            );
        }
        if !old.nullable && new.nullable {
            add(
                found,
                "property-nullable-added",
                &new.at,
                format!("property `{name}` may be null"),
                decoding_fails,
                optionality,
            );
        }
        if old.nullable && !new.nullable {
            add(
                found,
                "property-nullable-removed",
                &new.at,
                format!("property `{name}` may no longer be null"),
                sent_fails,
                optionality,
            );
        }
        if old.sensitive != new.sensitive {
            let (check, what) = match new.sensitive {
                true => ("sensitive-mark-added", format!("property `{name}` marked x-sensitive")),
                false => {
                    ("sensitive-mark-removed", format!("property `{name}` no longer marked x-sensitive"))
                }
            };
            add(found, check, &new.at, what, |_| Wire::Compatible, Rust::Runtime);
        }
        if old.unread != new.unread {
            let what = format!("property `{name}`: a keyword the report does not read changed");
            add(found, "unclassified", &new.at, what, |_| Wire::Breaking, Rust::Compile);
        }
        let inline = names::inline_type(&owner.type_name, name);
        self.shapes(owner, &inline, &new.at, &old.shape, &new.shape, &items, found);
    }

    /// Compares what two shapes at one place generate. `inline` names the type an
    /// inline object or enum there becomes.
    #[allow(clippy::too_many_arguments)]
    fn shapes(
        &self,
        owner: &Owner<'_>,
        inline: &str,
        at: &str,
        old: &Shape,
        new: &Shape,
        items: &[String],
        found: &mut Found,
    ) {
        match (old, new) {
            (Shape::Ref(a), Shape::Ref(b)) if a == b || self.renames.get(a) == Some(b) => {}
            (Shape::Object(a), Shape::Object(b)) => {
                let inner = Owner { component: owner.component, type_name: inline.to_string() };
                self.objects(&inner, a, b, found);
            }
            (Shape::Enum(a), Shape::Enum(b)) => self.values(owner, inline, at, a, b, found),
            (Shape::Array(a), Shape::Array(b)) => {
                self.shapes(owner, &format!("{inline}Item"), at, a, b, items, found)
            }
            (
                Shape::Scalar { kind: a, bounds: old_bounds },
                Shape::Scalar { kind: b, bounds: new_bounds },
            ) if a == b => self.bounds(owner, at, a, old_bounds, new_bounds, items, found),
            (Shape::Any, Shape::Any) => {}
            (old, new) => self.retyped(owner, at, &old.kind(), &new.kind(), items.to_vec(), found),
        }
    }

    fn retyped(
        &self,
        owner: &Owner<'_>,
        at: &str,
        old: &str,
        new: &str,
        items: Vec<String>,
        found: &mut Found,
    ) {
        found.add(Finding {
            check: "property-retyped",
            side: Side::New,
            pointer: at,
            what: format!("type changed from {old} to {new}"),
            wire: Wire::Breaking,
            rust: Rust::Compile,
            items,
            operations: self.operations(owner),
        });
    }

    /// Enum values added and removed; `type_name` is the enum's.
    fn values(
        &self,
        owner: &Owner<'_>,
        type_name: &str,
        at: &str,
        old: &[String],
        new: &[String],
        found: &mut Found,
    ) {
        let variant = |value: &str| vec![format!("types::{type_name}::{}", names::variant_name(value))];
        for value in new.iter().filter(|v| !old.contains(v)) {
            found.add(Finding {
                check: "enum-value-added",
                side: Side::New,
                pointer: at,
                what: format!("enum value `{value}` added"),
                wire: Wire::Compatible,
                rust: Rust::None,
                items: variant(value),
                operations: self.operations(owner),
            });
        }
        for value in old.iter().filter(|v| !new.contains(v)) {
            for context in self.old_uses.contexts(owner.component) {
                found.add(Finding {
                    check: "enum-value-removed",
                    side: Side::New,
                    pointer: at,
                    what: format!("enum value `{value}` removed"),
                    wire: if context == Context::Request { Wire::Breaking } else { Wire::Compatible },
                    rust: Rust::Compile,
                    items: variant(value),
                    operations: self.operations(owner),
                });
            }
        }
    }

    /// Bounds tightened or loosened, read through the Rust type they make.
    #[allow(clippy::too_many_arguments)]
    fn bounds(
        &self,
        owner: &Owner<'_>,
        at: &str,
        kind: &str,
        old: &BTreeMap<String, Value>,
        new: &BTreeMap<String, Value>,
        items: &[String],
        found: &mut Found,
    ) {
        for change in bound_changes(kind, old, new) {
            for context in self.contexts(owner) {
                let (check, wire) = change.read(context);
                found.add(Finding {
                    check,
                    side: Side::New,
                    pointer: at,
                    what: change.what.clone(),
                    wire,
                    rust: change.rust,
                    items: items.to_vec(),
                    operations: self.operations(owner),
                });
            }
        }
    }
}

/// One bound changed, and what it does to the generated type.
pub struct BoundChange {
    pub what: String,
    /// Fewer values admitted (`Some(true)`), more (`Some(false)`), or cannot be told.
    tighter: Option<bool>,
    /// A string's length or pattern: a validated type checks it when it decodes.
    checked_on_decode: bool,
    pub rust: Rust,
}

impl BoundChange {
    /// The check and the wire effect, for a value sent (request) or decoded (response).
    pub fn read(&self, context: Context) -> (&'static str, Wire) {
        match (self.tighter, context) {
            (Some(true), Context::Request) => ("constraint-tightened", Wire::Breaking),
            (Some(true), _) => ("constraint-tightened", Wire::Compatible),
            (Some(false), Context::Response) if self.checked_on_decode => {
                ("constraint-loosened", Wire::Breaking)
            }
            (Some(false), _) => ("constraint-loosened", Wire::Compatible),
            // Another pattern: values either way may fail.
            (None, _) => ("constraint-tightened", Wire::Breaking),
        }
    }
}

/// Each bound of a scalar of `kind` that differs between `old` and `new`.
pub fn bound_changes(
    kind: &str,
    old: &BTreeMap<String, Value>,
    new: &BTreeMap<String, Value>,
) -> Vec<BoundChange> {
    let (old_type, new_type) = (rust_scalar(kind, old), rust_scalar(kind, new));
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut changes = Vec::new();
    for key in keys {
        let (before, after) = (old.get(key), new.get(key));
        let what = match (before, after) {
            (None, Some(after)) => format!("`{key}: {after}` added"),
            (Some(before), None) => format!("`{key}: {before}` removed"),
            (Some(before), Some(after)) if before != after => {
                format!("`{key}` changed from {before} to {after}")
            }
            _ => continue,
        };
        let tighter = tighter(key, before, after);
        let rust = if old_type != new_type {
            Rust::Compile
        } else if new_type == VALIDATED && tighter != Some(false) {
            Rust::Runtime
        } else {
            Rust::None
        };
        let checked_on_decode = new_type == VALIDATED || old_type == VALIDATED;
        changes.push(BoundChange { what, tighter, checked_on_decode, rust });
    }
    changes
}

/// Whether a bound's change admits fewer values (`Some(true)`), more (`Some(false)`),
/// or cannot be told (another pattern).
fn tighter(key: &str, before: Option<&Value>, after: Option<&Value>) -> Option<bool> {
    let lower = matches!(key, "minLength" | "minItems" | "minimum" | "exclusiveMinimum");
    match (before.and_then(Value::as_f64), after.and_then(Value::as_f64)) {
        _ if key == "pattern" => match (before, after) {
            (None, Some(_)) => Some(true),
            (Some(_), None) => Some(false),
            _ => None,
        },
        (None, Some(_)) => Some(true),
        (Some(_), None) => Some(false),
        (Some(before), Some(after)) => Some(if lower { after > before } else { after < before }),
        (None, None) => None,
    }
}

/// The Rust type a validated string becomes: a newtype that checks its bounds.
const VALIDATED: &str = "a validated newtype";

/// The Rust type the generator makes of a scalar with these bounds: a string with
/// a length or pattern is a validated newtype; an integer with minimum 1 a `NonZeroU64`
/// and with minimum 0 a `u64` (typify's reading); a decimal with any bound no longer
/// matches the client's `Decimal` conversion (`build.rs`) and becomes `f64`.
fn rust_scalar(kind: &str, bounds: &BTreeMap<String, Value>) -> String {
    let number = |key: &str| bounds.get(key).and_then(Value::as_f64);
    if kind.starts_with("string")
        && ["minLength", "maxLength", "pattern"].iter().any(|k| bounds.contains_key(*k))
    {
        return VALIDATED.into();
    }
    if kind.starts_with("integer") {
        let minimum = match (number("minimum"), number("exclusiveMinimum")) {
            (Some(min), Some(exclusive)) => Some(min.max(exclusive + 1.0)),
            (min, exclusive) => min.or(exclusive.map(|e| e + 1.0)),
        };
        return match minimum {
            Some(1.0) => "NonZeroU64".into(),
            Some(0.0) => "u64".into(),
            _ => "i64".into(),
        };
    }
    if kind == "number (decimal)" && !bounds.is_empty() {
        return "f64".into();
    }
    kind.to_string()
}

fn describe(component: &Component) -> String {
    match component {
        Component::Struct(_) => "an object".into(),
        Component::Enum(_) => "an enum".into(),
        Component::Other(shape) => shape.kind(),
    }
}

fn component_names(document: &Value) -> BTreeSet<String> {
    let schemas = document.pointer("/components/schemas").and_then(Value::as_object);
    schemas.into_iter().flatten().map(|(name, _)| name.clone()).collect()
}

fn schema_at(name: &str) -> String {
    format!("/components/schemas/{}", crate::pointer::escape(name))
}
