//! Generates the client from `spec/minted-connect.yaml` into `$OUT_DIR/codegen.rs`.
//!
//! Money and metal amounts are `{type: number, format: decimal}` in the spec and
//! become `rust_decimal::Decimal` here. A spec that cannot be read or generated
//! stops the build with the file, the place in it and the reason.

use std::{env, fs, path::Path, process};

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};
use schemars::schema::{InstanceType, SchemaObject};
use serde_json::Value;

const SPEC: &str = "spec/minted-connect.yaml";

fn main() {
    println!("cargo:rerun-if-changed=spec");

    let text = fs::read_to_string(SPEC).unwrap_or_else(|e| fail(None, &e.to_string()));
    let mut document: Value = yaml_serde::from_str(&text).unwrap_or_else(|e| {
        let at = e.location().map(|l| format!("{}:{}", l.line(), l.column()));
        let reason = e.to_string();
        // yaml_serde appends " at line L column C", which `at` already says.
        let reason = reason.split(" at line ").next().unwrap_or(&reason);
        fail(at.as_deref(), reason)
    });
    strip_doc_extensions(&mut document);
    let spec: openapiv3::OpenAPI = serde_path_to_error::deserialize(&document)
        .unwrap_or_else(|e| fail(Some(&e.path().to_string()), &e.inner().to_string()));

    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Separate)
        .with_conversion(
            decimal_schema(),
            "rust_decimal::Decimal",
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    let mut generator = Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&spec)
        .unwrap_or_else(|e| fail(None, &e.to_string()));
    let file = syn::parse2(tokens).unwrap_or_else(|e| fail(None, &format!("generated code: {e}")));

    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    write(&Path::new(&out_dir).join("codegen.rs"), &prettyplease::unparse(&file));
    write(&Path::new(&out_dir).join("operations.rs"), &operation_table(&document));
}

/// `src/operations.rs` includes this: one `Operation` per operation in the spec.
fn operation_table(document: &Value) -> String {
    const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
    let mut rows = String::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let at = format!("paths.{path}.{method}");
            let id = op["operationId"].as_str().unwrap_or_else(|| fail(Some(&at), "no operationId"));
            let api_version = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| resolve(document, p))
                .find(|p| p["name"] == "api-version")
                .and_then(|p| p["schema"]["default"].as_str())
                .unwrap_or_else(|| fail(Some(&at), "no api-version parameter with a default"));
            let request = match op.get("requestBody") {
                Some(body) => format!("Some(roundtrip::<types::{}>)", schema_name(body, &format!("{at}.requestBody"))),
                None => "None".to_string(),
            };
            let response = schema_name(&op["responses"]["200"], &format!("{at}.responses.200"));
            rows += &format!(
                "    Operation {{ id: {id:?}, method: {:?}, path: {path:?}, api_version: {api_version:?}, \
                 request: {request}, response: roundtrip::<types::{response}> }},\n",
                method.to_uppercase(),
            );
        }
    }
    format!("pub static OPERATIONS: &[Operation] = &[\n{rows}];\n")
}

/// The component a request body or response refers to; the table needs a named type.
fn schema_name<'a>(body: &'a Value, at: &str) -> &'a str {
    body["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .unwrap_or_else(|| fail(Some(at), "the JSON schema must be a $ref to #/components/schemas"))
}

/// Follows a `#/components/...` reference within the document.
fn resolve<'a>(document: &'a Value, node: &'a Value) -> &'a Value {
    match node["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => document.pointer(pointer).unwrap_or(&Value::Null),
        None => node,
    }
}

fn write(path: &Path, content: &str) {
    fs::write(path, content).unwrap_or_else(|e| fail(None, &format!("writing {}: {e}", path.display())));
}

/// Drops the `x-doc*` notes written for people: typify compares a schema's
/// extensions when matching `decimal_schema`, so a noted amount would stay f64.
fn strip_doc_extensions(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|key, _| !key.starts_with("x-doc"));
            map.values_mut().for_each(strip_doc_extensions);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_doc_extensions),
        _ => {}
    }
}

/// The schema that `build.rs` maps to `rust_decimal::Decimal`.
fn decimal_schema() -> SchemaObject {
    SchemaObject {
        instance_type: Some(InstanceType::Number.into()),
        format: Some("decimal".to_string()),
        ..Default::default()
    }
}

/// Stops the build with a one-line reason instead of a panic backtrace.
fn fail(at: Option<&str>, reason: &str) -> ! {
    match at {
        Some(at) => eprintln!("error: {SPEC}:{at}: {reason}"),
        None => eprintln!("error: {SPEC}: {reason}"),
    }
    process::exit(1)
}
