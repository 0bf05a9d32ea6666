//! The spec as a JSON document: read from YAML with the place of any error, and
//! walked for its operations. The one place that knows how operations are laid out
//! (`paths` → path item → method), for the client's build script, the engine and the sandbox.

use crate::error::{ErrorKind, Place, SpecError};
use crate::pointer;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The HTTP methods a path item may hold an operation under.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Why a text is not a spec document, and where (1-based line and column, when known).
/// The client's build script reads its fields; elsewhere [`ParseError::in_file`]
/// makes it a [`SpecError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// `(line, column)` of the error in the text.
    pub at: Option<(usize, usize)>,
    /// What is wrong, without the location (which `at` gives).
    pub reason: String,
    /// Not YAML, or YAML but no spec.
    kind: ErrorKind,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            Some((line, column)) => write!(f, "{line}:{column}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

impl ParseError {
    /// The error about `file`, which prints as one located line: `file:LINE:COLUMN: reason`,
    /// or `file: reason`.
    pub fn in_file(&self, file: &str) -> SpecError {
        let error = SpecError::new(self.kind, self.reason.clone()).in_file(file);
        match self.at {
            Some((line, column)) => error.at(Place::line(line, column)),
            None => error,
        }
    }
}

impl std::error::Error for ParseError {}

/// Reads a spec written in YAML (or JSON, which is YAML) and checks that it has `paths`.
pub fn parse(text: &str) -> Result<Value, ParseError> {
    let document: Value = yaml_serde::from_str(text).map_err(|e| {
        let reason = e.to_string();
        // yaml_serde appends " at line L column C", which `at` says.
        let reason = reason.split(" at line ").next().unwrap_or(&reason).to_string();
        ParseError { at: e.location().map(|l| (l.line(), l.column())), reason, kind: ErrorKind::Syntax }
    })?;
    if !document.get("paths").is_some_and(Value::is_object) {
        let reason = "no `paths` object; is this an OpenAPI spec?".into();
        return Err(ParseError { at: None, reason, kind: ErrorKind::NotASpec });
    }
    Ok(document)
}

/// One operation as the document declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationDef {
    /// The `operationId`, or `METHOD path` when there is none (see `named`).
    pub id: String,
    /// Whether the operation has an `operationId`.
    pub named: bool,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template, e.g. `/partner/customer/{external_customer_id}`.
    pub path: String,
    /// JSON pointer to the operation object.
    pub pointer: String,
}

impl OperationDef {
    /// The operation object in `document`.
    pub fn object<'d>(&self, document: &'d Value) -> &'d Value {
        document.pointer(&self.pointer).unwrap_or(&Value::Null)
    }

    /// The path item the operation belongs to (for path-level parameters).
    pub fn path_item<'d>(&self, document: &'d Value) -> &'d Value {
        &document["paths"][&self.path]
    }

    /// Where the operation is, for error messages: `paths./partner/pricefix.post`.
    pub fn place(&self) -> String {
        format!("paths.{}.{}", self.path, self.method.to_ascii_lowercase())
    }
}

/// Every operation of the document, in the document's order.
pub fn operations(document: &Value) -> Vec<OperationDef> {
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            let Some(operation) = item.get(method) else { continue };
            let operation_id = operation.get("operationId").and_then(Value::as_str);
            operations.push(OperationDef {
                id: operation_id.map_or_else(|| format!("{} {path}", method.to_uppercase()), str::to_string),
                named: operation_id.is_some(),
                method: method.to_uppercase(),
                path: path.clone(),
                pointer: format!("/paths/{}/{method}", pointer::escape(path)),
            });
        }
    }
    operations
}

/// A value written as YAML, as the spec is (for fragments a maintainer pastes in).
pub fn to_yaml(value: &Value) -> String {
    yaml_serde::to_string(value).unwrap_or_else(|e| format!("# cannot be written as YAML: {e}\n"))
}

/// Follows a local `$ref` (`#/components/...`); any other node is itself. The error,
/// [`ErrorKind::Unresolvable`], has no place: the caller knows where `node` is.
pub fn resolve<'d>(document: &'d Value, node: &'d Value) -> Result<&'d Value, SpecError> {
    match node.get("$ref").and_then(Value::as_str) {
        None => Ok(node),
        Some(reference) => {
            reference.strip_prefix('#').and_then(|pointer| document.pointer(pointer)).ok_or_else(|| {
                SpecError::new(ErrorKind::Unresolvable, format!("`$ref: {reference}` does not resolve"))
            })
        }
    }
}

/// Whether a media type is JSON (`application/json`, `...+json`, with or without parameters).
pub fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// The JSON schema of a request body or response object (`content` → a JSON media type → `schema`).
pub fn json_schema(holder: &Value) -> Option<&Value> {
    let content = holder.get("content").and_then(Value::as_object)?;
    content.iter().find(|(media_type, _)| is_json(media_type)).and_then(|(_, media)| media.get("schema"))
}

/// The document with every example that points into a recording
/// (`externalValue: recordings/<op>/<slug>.json#/response/body`) carrying that value
/// inline, for tools that resolve neither files nor JSON pointers (Prism, Redoc,
/// Schemathesis). `read` gives a recording's text by its path beside the spec. The
/// error is placed at the example in the spec; its file is for the caller to name.
pub fn with_inline_examples(
    document: &Value,
    read: &dyn Fn(&str) -> Option<String>,
) -> Result<Value, SpecError> {
    let mut bundled = document.clone();
    inline(&mut bundled, read, "")?;
    Ok(bundled)
}

fn inline(node: &mut Value, read: &dyn Fn(&str) -> Option<String>, at: &str) -> Result<(), SpecError> {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(external)) = map.get("externalValue") {
                let error = |kind, reason: String| SpecError::new(kind, reason).at(Place::Pointer(at.into()));
                let (file, pointer) = external.split_once('#').unwrap_or((external, ""));
                let text = read(file)
                    .ok_or_else(|| error(ErrorKind::Unreadable, format!("{file} cannot be read")))?;
                let recording: Value = serde_json::from_str(&text)
                    .map_err(|e| error(ErrorKind::Syntax, format!("{file} is not JSON: {e}")))?;
                let value = recording
                    .pointer(pointer)
                    .ok_or_else(|| error(ErrorKind::Unresolvable, format!("nothing at {external}")))?;
                map.insert("value".into(), value.clone());
                map.remove("externalValue");
            }
            for (key, value) in map.iter_mut() {
                inline(value, read, &format!("{at}/{}", pointer::escape(key)))?;
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                inline(item, read, &format!("{at}/{index}"))?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The component an `anyOf` names beside a reference to make it nullable.
pub const NULL_VALUE: &str = "#/components/schemas/NullValue";

/// The reference a schema makes nullable, when it is `anyOf: [{$ref: X}, {$ref: NullValue}]`
/// (OAS 3.0.3's one way to say "X or null"): the `{$ref: X}`.
pub fn nullable_reference(schema: &Value) -> Option<&Value> {
    let [first, second] = schema.get("anyOf")?.as_array()?.as_slice() else { return None };
    let is_null = |member: &Value| member.get("$ref").and_then(Value::as_str) == Some(NULL_VALUE);
    match (is_null(first), is_null(second)) {
        (false, true) => Some(first),
        (true, false) => Some(second),
        _ => None,
    }
}

/// The extension that marks a property holding a person's data (names, e-mail, phone,
/// identity number, birth date, address lines, IP address) or card data (number, CVV,
/// token): never printed, logged or recorded as it is.
pub const SENSITIVE: &str = "x-sensitive";

/// Per component schema, the properties marked [`SENSITIVE`], its own and those of
/// the components it is an `allOf` of (a generated type holds them all).
pub fn sensitive_fields(document: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let components = document.pointer("/components/schemas").and_then(Value::as_object);
    let components: Vec<(&String, &Value)> = components.into_iter().flatten().collect();
    let own = |schema: &Value| -> BTreeSet<String> {
        let properties = schema.get("properties").and_then(Value::as_object).into_iter().flatten();
        properties
            .filter(|(_, property)| property.get(SENSITIVE) == Some(&Value::Bool(true)))
            .map(|(property, _)| property.clone())
            .collect()
    };
    let mut marked: BTreeMap<String, BTreeSet<String>> =
        components.iter().map(|(name, schema)| (name.to_string(), own(schema))).collect();
    // Compositions of compositions: until nothing more is inherited.
    loop {
        let mut grew = false;
        for (name, schema) in &components {
            let members = schema.get("allOf").and_then(Value::as_array).into_iter().flatten();
            let inherited: BTreeSet<String> = members
                .filter_map(|member| member.get("$ref")?.as_str()?.strip_prefix("#/components/schemas/"))
                .filter_map(|member| marked.get(member))
                .flatten()
                .cloned()
                .collect();
            let fields = marked.get_mut(name.as_str()).expect("every component has an entry");
            for field in inherited {
                grew |= fields.insert(field);
            }
        }
        if !grew {
            break;
        }
    }
    marked.retain(|_, fields| !fields.is_empty());
    marked
}

/// Where a body holds marked data: a pointer per [`SENSITIVE`] property reachable
/// from `schema` (`*` stands for every item of an array), with a placeholder that
/// keeps the field's type and passes its schema ([`placeholder`]). `$ref`s, `allOf`,
/// `anyOf`, `oneOf`, `properties` and `items` are followed; a component already on
/// the way down is not entered again.
pub fn sensitive_pointers(document: &Value, schema: &Value) -> Vec<(String, Value)> {
    fn walk<'d>(
        document: &'d Value,
        schema: &'d Value,
        at: &str,
        entered: &mut Vec<&'d str>,
        found: &mut Vec<(String, Value)>,
    ) {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            if entered.contains(&reference) {
                return;
            }
            let Ok(target) = resolve(document, schema) else { return };
            entered.push(reference);
            walk(document, target, at, entered, found);
            entered.pop();
            return;
        }
        for keyword in ["allOf", "anyOf", "oneOf"] {
            for member in schema.get(keyword).and_then(Value::as_array).into_iter().flatten() {
                walk(document, member, at, entered, found);
            }
        }
        for (name, property) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
            let inner = format!("{at}/{}", pointer::escape(name));
            if property.get(SENSITIVE) == Some(&Value::Bool(true)) {
                if !found.iter().any(|(pointer, _)| *pointer == inner) {
                    found.push((inner, placeholder(document, property)));
                }
            } else {
                walk(document, property, &inner, entered, found);
            }
        }
        if let Some(items) = schema.get("items") {
            walk(document, items, &format!("{at}/*"), entered, found);
        }
    }
    let mut found = Vec::new();
    walk(document, schema, "", &mut Vec::new(), &mut found);
    found
}

/// A stand-in for a marked value that passes the field's schema, so that a redacted
/// recording still verifies: an e-mail stays an address, a date a date, a string of
/// bounded length keeps within its bounds. The marked fields' only patterns are dates
/// (a test in `spec/tests` checks every placeholder against its field's schema).
pub fn placeholder(document: &Value, field: &Value) -> Value {
    let mut schema = resolve(document, field).unwrap_or(field);
    if let Some(first) = schema.get("allOf").and_then(|members| members.as_array()?.first()) {
        schema = resolve(document, first).unwrap_or(first);
    }
    let keyword = |name: &str| field.get(name).or_else(|| schema.get(name));
    match keyword("type").and_then(Value::as_str) {
        Some("integer" | "number") => keyword("minimum").cloned().unwrap_or(Value::from(0)),
        Some("boolean") => Value::Bool(false),
        Some("array") => Value::Array(Vec::new()),
        Some("object") => Value::Object(Map::new()),
        _ => {
            let text = match (keyword("format").and_then(Value::as_str), keyword("pattern")) {
                (Some("email"), _) => "redacted@example.com".to_string(),
                (Some("date"), _) | (_, Some(_)) => "1970-01-01".to_string(),
                (Some("date-time"), _) => "1970-01-01T00:00:00Z".to_string(),
                _ => {
                    let bound = |name| keyword(name).and_then(Value::as_u64).map(|n| n as usize);
                    let mut text = "REDACTED".to_string();
                    while text.chars().count() < bound("minLength").unwrap_or(0) {
                        text.push('X');
                    }
                    text.chars().take(bound("maxLength").unwrap_or(usize::MAX)).collect()
                }
            };
            Value::String(text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_fields_are_found_through_references_and_arrays() {
        let document = parse(crate::embedded::YAML).unwrap();
        let get_customer =
            document.pointer("/paths/~1partner~1customer~1{external_customer_id}/get").unwrap();
        let schema = json_schema(&get_customer["responses"]["200"]).unwrap();
        let pointers = sensitive_pointers(&document, schema);
        let email = pointers.iter().find(|(pointer, _)| pointer == "/data/email").unwrap();
        assert_eq!(email.1, "REDACTED", "the response's email has no format");
        let create = document.pointer("/paths/~1partner~1customer/post").unwrap();
        let pointers = sensitive_pointers(&document, json_schema(&create["requestBody"]).unwrap());
        let placeholders: BTreeMap<&str, &Value> = pointers.iter().map(|(p, v)| (p.as_str(), v)).collect();
        assert_eq!(placeholders["/email"], "redacted@example.com");
        assert_eq!(placeholders["/birthdate"], "1970-01-01");
        assert_eq!(placeholders["/firstname"], "REDACTED", "3 to 40 characters");
        assert!(!placeholders.contains_key("/external_id"));
    }

    #[test]
    fn the_embedded_spec_has_every_operation_named() {
        let document = parse(crate::embedded::YAML).unwrap();
        let operations = operations(&document);
        assert_eq!(operations.len(), 27);
        assert!(operations.iter().all(|op| op.named));
        let price_fix = operations.iter().find(|op| op.id == "price_fix").unwrap();
        assert_eq!((price_fix.method.as_str(), price_fix.path.as_str()), ("POST", "/partner/pricefix"));
        assert_eq!(price_fix.object(&document)["operationId"], "price_fix");
    }

    #[test]
    fn personal_and_card_data_is_marked() {
        let document = parse(crate::embedded::YAML).unwrap();
        let marked = sensitive_fields(&document);
        for (component, field) in [
            ("Customer", "email"),
            ("Customer", "phone"),
            ("CardDetails", "card_cvv"),
            ("CardTokenPayment", "card_token"),
        ] {
            assert!(
                marked.get(component).is_some_and(|fields| fields.contains(field)),
                "{component}.{field}"
            );
        }
        // A finding quotes only enum values; a marked field must never be one.
        for (component, fields) in &marked {
            for field in fields {
                let property = &document["components"]["schemas"][component]["properties"][field];
                let property = resolve(&document, property).unwrap();
                assert!(property.get("enum").is_none(), "{component}.{field} is an enum");
            }
        }
        // Envelopes hold customers as `data`, a property, not an `allOf` member: not marked.
        assert!(!marked.contains_key("CustomerEnvelope"));
    }

    #[test]
    fn examples_are_inlined_from_their_recordings() {
        let document: Value = serde_json::json!({"paths": {"/p": {"post": {"responses": {"200": {"content": {
            "application/json": {"examples": {"one": {"externalValue": "recordings/p/one.json#/response/body"}}}
        }}}}}}});
        let read = |file: &str| {
            (file == "recordings/p/one.json").then(|| r#"{"response": {"body": {"ok": true}}}"#.into())
        };
        let bundled = with_inline_examples(&document, &read).unwrap();
        let example = &bundled["paths"]["/p"]["post"]["responses"]["200"]["content"]["application/json"]["examples"]
            ["one"];
        assert_eq!(example, &serde_json::json!({"value": {"ok": true}}));
        let missing = |_: &str| None;
        let error = with_inline_examples(&document, &missing).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Unreadable);
        let example = "/paths/~1p/post/responses/200/content/application~1json/examples/one";
        assert_eq!(error.place(), Some(&Place::Pointer(example.into())));
        assert_eq!(error.reason(), "recordings/p/one.json cannot be read");
        let error = error.in_file("spec.yaml");
        assert_eq!(error.to_string(), format!("spec.yaml: {example}: recordings/p/one.json cannot be read"));
    }

    #[test]
    fn a_yaml_error_has_its_place() {
        let error = parse("paths:\n  a: b: c\n").unwrap_err();
        assert_eq!(error.at.map(|(line, _)| line), Some(2), "{error}");
        assert!(!error.reason.contains(" at line "), "{error}");
        assert!(parse("openapi: 3.0.3\n").unwrap_err().reason.contains("no `paths`"));
    }

    #[test]
    fn a_parse_error_in_a_file_says_its_kind_and_line() {
        let error = parse("paths:\n  a: b: c\n").unwrap_err().in_file("spec.yaml");
        assert_eq!(error.kind(), ErrorKind::Syntax);
        assert_eq!(error.file(), Some("spec.yaml"));
        assert!(matches!(error.place(), Some(Place::Line { line: 2, column: Some(_) })), "{error:?}");
        assert!(error.to_string().starts_with("spec.yaml:2:"), "{error}");

        let error = parse("openapi: 3.0.3\n").unwrap_err().in_file("spec.yaml");
        assert_eq!(error.kind(), ErrorKind::NotASpec);
        assert_eq!(error.place(), None);
        assert_eq!(error.to_string(), "spec.yaml: no `paths` object; is this an OpenAPI spec?");
    }

    #[test]
    fn a_dangling_reference_is_unresolvable() {
        let document = serde_json::json!({"paths": {}, "components": {"schemas": {"A": {"type": "string"}}}});
        let found = serde_json::json!({"$ref": "#/components/schemas/A"});
        assert_eq!(resolve(&document, &found).unwrap(), &serde_json::json!({"type": "string"}));
        let dangling = serde_json::json!({"$ref": "#/components/schemas/B"});
        let error = resolve(&document, &dangling).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Unresolvable);
        assert_eq!(error.to_string(), "`$ref: #/components/schemas/B` does not resolve");
    }

    #[test]
    fn an_example_that_points_at_nothing_or_at_no_json_says_which() {
        let document: Value = serde_json::json!({"paths": {"/p": {"get": {"x-example": {
            "externalValue": "recordings/p/one.json#/response/nothing"
        }}}}});
        let read = |_: &str| Some(r#"{"response": {}}"#.to_string());
        let error = with_inline_examples(&document, &read).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Unresolvable);
        assert_eq!(error.place(), Some(&Place::Pointer("/paths/~1p/get/x-example".into())));
        let not_json = |_: &str| Some("{".to_string());
        assert_eq!(with_inline_examples(&document, &not_json).unwrap_err().kind(), ErrorKind::Syntax);
    }
}
