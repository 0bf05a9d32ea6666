//! Generates the client from `spec/minted-connect.yaml` into `$OUT_DIR/codegen.rs`.
//!
//! Money and metal amounts are `{type: number, format: decimal}` in the spec and
//! become `rust_decimal::Decimal` here. A spec that cannot be read or generated
//! stops the build with the file, the place in it and the reason.

use std::{env, fs, path::Path, process};

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};
use schemars::schema::{InstanceType, SchemaObject};

const SPEC: &str = "spec/minted-connect.yaml";

fn main() {
    println!("cargo:rerun-if-changed=spec");

    let text = fs::read_to_string(SPEC).unwrap_or_else(|e| fail(None, &e.to_string()));
    let mut document: serde_json::Value = yaml_serde::from_str(&text).unwrap_or_else(|e| {
        let at = e.location().map(|l| format!("{}:{}", l.line(), l.column()));
        let reason = e.to_string();
        // yaml_serde appends " at line L column C", which `at` already says.
        let reason = reason.split(" at line ").next().unwrap_or(&reason);
        fail(at.as_deref(), reason)
    });
    strip_doc_extensions(&mut document);
    let spec: openapiv3::OpenAPI = serde_path_to_error::deserialize(document)
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

    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("codegen.rs");
    fs::write(&out, prettyplease::unparse(&file))
        .unwrap_or_else(|e| fail(None, &format!("writing {}: {e}", out.display())));
}

/// Drops the `x-doc*` notes written for people: typify compares a schema's
/// extensions when matching `decimal_schema`, so a noted amount would stay f64.
fn strip_doc_extensions(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|key, _| !key.starts_with("x-doc"));
            map.values_mut().for_each(strip_doc_extensions);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_doc_extensions),
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
