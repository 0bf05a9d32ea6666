//! Generates the client from `spec/minted-connect.yaml` (as the contract crate
//! `minted-spec` embeds it) into `$OUT_DIR/codegen.rs`, and with the `cli` and `mock`
//! features the `minted` command (`cli.rs`) and the httpmock helpers (`httpmock.rs`).
//!
//! Money and metal amounts are `{type: number, format: decimal}` in the spec and
//! become `rust_decimal::Decimal` here. A spec that cannot be read or generated
//! stops the build with the file, the place in it and the reason.
//!
//! The generated code names this crate only as `crate::for_generated::<name>`: the names
//! `src/for_generated.rs` lends it (`check_lent` stops the build when one is missing).

use std::collections::{BTreeMap, BTreeSet};
use std::{env, fs, panic, path::Path, process};

use minted_spec::document::{self, OperationDef};
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use schemars::schema::{InstanceType, SchemaObject};
use serde_json::Value;

const SPEC: &str = minted_spec::YAML_NAME;
/// What this crate lends the generated code.
const LENT: &str = "src/for_generated.rs";

fn main() {
    // Only the YAML (and what this crate lends the code): a recording, the inventory or
    // the spec's README regenerate nothing.
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed={LENT}");
    let Generated { marked, document, spec, mut generator, client, received_fields } =
        generate(minted_spec::YAML);

    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out_dir = Path::new(&out_dir);
    let code = prettyplease::unparse(&client);
    check_lent(&code);
    write(&out_dir.join("codegen.rs"), &code);
    write(&out_dir.join("operations.rs"), &operation_table(&document, &marked));
    // For the tests: each test of a newer server's values covers them all.
    write(&out_dir.join("received_fields.txt"), &(received_fields.join("\n") + "\n"));
    // The CLI and the mocks name the client's types, so they come from the same generator.
    if feature("cli") {
        let cli = generated(&document, || generator.cli(&spec, "minted_connect"));
        write(&out_dir.join("cli.rs"), &prettyplease::unparse(&cli));
    }
    if feature("mock") {
        let mock = generated(&document, || generator.httpmock(&spec, "crate"));
        write(&out_dir.join("httpmock.rs"), &prettyplease::unparse(&mock));
    }
}

/// Stops the build, saying what to do, when the code names `crate::for_generated::X`
/// and `src/for_generated.rs` lends no `X`: a compile error in generated code would not say.
fn check_lent(code: &str) {
    let stop = |reason: String| -> ! {
        eprintln!("error: {LENT}: {reason}");
        process::exit(1)
    };
    let lent = fs::read_to_string(LENT).unwrap_or_else(|e| stop(e.to_string()));
    let lent: BTreeSet<&str> = lent
        .lines()
        .filter_map(|line| line.strip_prefix("pub(crate) use ")?.strip_suffix(';'))
        .flat_map(|path| match path.split_once('{') {
            Some((_, names)) => names.trim_end_matches('}').split(',').map(str::trim).collect(),
            None => vec![path.rsplit("::").next().unwrap_or(path)],
        })
        .collect();
    for (at, _) in code.match_indices("crate::for_generated::") {
        let name = code[at + "crate::for_generated::".len()..]
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .next()
            .unwrap_or_default();
        if !lent.contains(name) {
            stop(format!(
                "the generated code names `crate::for_generated::{name}`, which this file does not lend; lend it here"
            ));
        }
    }
}

/// A spec's client as the crate includes it, and what else is made from the same run.
pub(crate) struct Generated {
    /// The spec as written.
    marked: Value,
    /// The spec as the generator reads it.
    document: Value,
    spec: openapiv3::OpenAPI,
    generator: Generator,
    /// The client's code.
    pub(crate) client: syn::File,
    /// Each response field read as `Received`, `Struct.field`.
    received_fields: Vec<String>,
}

/// Every step from a spec's text to the client's code. The crate's build runs it on
/// the embedded spec; the witness fixture (`tests/witness/build.rs`) includes this file
/// and runs it on its two specs, so that what `cargo xtask changes` says of an edit is
/// proven against the code this build makes.
pub(crate) fn generate(yaml: &str) -> Generated {
    let marked = marked_document(yaml);
    let document = for_the_generator(marked.clone());
    let spec = openapi(&document);
    let mut generator = Generator::new(&settings());
    let mut client = generated(&document, || generator.generate_tokens(&spec));
    implement_envelope(&mut client);
    decode_once(&mut client);
    implement_wire_value(&mut client);
    check_patterns_with_regex_lite(&document, "");
    patterns_by_regex_lite(&mut client);
    let received_fields = read_what_newer_servers_send(&mut client, &document);
    mask_sensitive_fields(&mut client, &document::sensitive_fields(&marked));
    Generated { marked, document, spec, generator, client, received_fields }
}

/// Whether cargo builds the crate with this feature.
fn feature(name: &str) -> bool {
    env::var_os(format!("CARGO_FEATURE_{}", name.to_uppercase())).is_some()
}

/// The spec as JSON, as written.
fn marked_document(yaml: &str) -> Value {
    document::parse(yaml).unwrap_or_else(|e| {
        let at = e.at.map(|(line, column)| format!("{line}:{column}"));
        fail(at.as_deref(), &e.reason)
    })
}

/// The spec as the generator sees it: without our extensions, with only the success
/// responses, and with every `$ref` resolvable.
fn for_the_generator(mut document: Value) -> Value {
    strip_our_extensions(&mut document);
    keep_only_success_responses(&mut document);
    nullable_references_as_options(&mut document);
    // Only those `anyOf`s named it; the client has no use for a type of nothing.
    if let Some(schemas) = document.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        schemas.remove(document::NULL_VALUE.trim_start_matches("#/components/schemas/"));
    }
    check_references(&document, &document, "");
    document
}

/// `anyOf: [{$ref: X}, {$ref: NullValue}]` (how the spec says "X or null") becomes the
/// shape typify reads as `Option<X>`, `{allOf: [{$ref: X}], nullable: true}`; typify
/// would otherwise make an enum of the two, or a second type named like X.
fn nullable_references_as_options(value: &mut Value) {
    if let Some(reference) = document::nullable_reference(value).cloned() {
        *value = serde_json::json!({"allOf": [reference], "nullable": true});
        return;
    }
    match value {
        Value::Object(map) => map.values_mut().for_each(nullable_references_as_options),
        Value::Array(items) => items.iter_mut().for_each(nullable_references_as_options),
        _ => {}
    }
}

/// The error responses (401, 422) are declared for verify and other tools, but the
/// client classifies them itself in `src/transport.rs`: progenitor would consume such a
/// response into its typed `ErrorResponse`, dropping the reason the transport attached,
/// and `Error::Unauthorized`/`Error::Api` could no longer be told apart.
fn keep_only_success_responses(document: &mut Value) {
    for def in document::operations(document) {
        let responses =
            document.pointer_mut(&format!("{}/responses", def.pointer)).and_then(Value::as_object_mut);
        if let Some(responses) = responses {
            responses.retain(|status, _| status.starts_with('2'));
        }
    }
}

fn openapi(document: &Value) -> openapiv3::OpenAPI {
    serde_path_to_error::deserialize(document).unwrap_or_else(|e| {
        // openapiv3 reads path items through an untagged enum, which hides where
        // in them the error lies; reading each operation alone finds it.
        let in_operation = document::operations(document).iter().find_map(|def| {
            let e =
                serde_path_to_error::deserialize::<_, openapiv3::Operation>(def.object(document)).err()?;
            Some((format!("{}.{}", def.place(), e.path()), e.inner().to_string()))
        });
        let (at, reason) = in_operation.unwrap_or_else(|| (e.path().to_string(), e.inner().to_string()));
        fail(Some(&at), &reason)
    })
}

/// The client: builder interface, one extension trait per tag, decimal amounts.
fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Separate)
        .with_conversion(
            decimal_schema(),
            "rust_decimal::Decimal",
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        )
        // Authentication, the API's headers and error classification live in
        // `src/transport.rs`, as the client's hooks; a missing impl is a compile error.
        .with_inner_type(quote::quote!(crate::for_generated::ClientState))
        .with_hooks(HooksMode::Expected);
    if feature("cli") {
        // The generated CLI's `CliConfig` requires `JsonSchema` of every response type.
        settings.with_derive("schemars::JsonSchema");
    }
    settings
}

/// Runs one of the generator's passes; its errors and panics stop the build with one line.
fn generated(
    document: &Value,
    pass: impl FnOnce() -> Result<proc_macro2::TokenStream, progenitor::Error>,
) -> syn::File {
    // typify panics on some schemas it cannot handle; report those like any other error.
    panic::set_hook(Box::new(|_| {}));
    let generated = panic::catch_unwind(panic::AssertUnwindSafe(pass));
    let _ = panic::take_hook();
    let generated = generated.unwrap_or_else(|payload| {
        let reason =
            payload.downcast_ref::<String>().map(String::as_str).or(payload.downcast_ref::<&str>().copied());
        fail(None, &format!("the generator gave up: {}", reason.unwrap_or("no reason given")))
    });
    let tokens = generated.unwrap_or_else(|e| {
        let reason = e.to_string();
        let named = |op: &Value| {
            reason.split(|c: char| !c.is_alphanumeric() && c != '_').any(|w| op["operationId"] == w)
        };
        let at = document::operations(document).into_iter().find(|def| named(def.object(document)));
        let at = at.map(|def| def.place());
        fail(at.as_deref(), &reason)
    });
    syn::parse2(tokens).unwrap_or_else(|e| fail(None, &format!("generated code: {e}")))
}

/// typify checks a string's `pattern` with regress (ECMAScript's syntax); the client
/// checks it with regex-lite, which reads the spec's patterns alike and takes a partner's
/// build a fifth of the time (`benches/cold_build.py`). Only the crate changes: each
/// `::regress::Regex` becomes `::regex_lite::Regex`, whose `new` and `find` are the same.
fn patterns_by_regex_lite(file: &mut syn::File) {
    struct Paths;
    impl syn::visit_mut::VisitMut for Paths {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            if path.leading_colon.is_some() && path.segments.first().is_some_and(|s| s.ident == "regress") {
                path.segments[0].ident = syn::Ident::new("regex_lite", path.segments[0].ident.span());
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
    }
    syn::visit_mut::VisitMut::visit_file_mut(&mut Paths, file);
}

/// A `pattern` regex-lite cannot read (a look-around, a back-reference) stops the build
/// at its place, rather than failing each time a value of its type is made.
fn check_patterns_with_regex_lite(node: &Value, at: &str) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(pattern)) = map.get("pattern")
                && let Err(e) = regex_lite::Regex::new(pattern)
            {
                fail(None, &format!("{at}/pattern: regex-lite cannot read {pattern:?}: {e}"));
            }
            for (key, value) in map {
                check_patterns_with_regex_lite(
                    value,
                    &format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                );
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                check_patterns_with_regex_lite(item, &format!("{at}/{index}"));
            }
        }
        _ => {}
    }
}

/// The generated code decodes each 200 body with `ResponseValue::from_response`; the
/// client's hooks have decoded it already (for the verdict and a decode error's path),
/// so it calls `response_value` instead, which takes that value: one decode per body.
fn decode_once(file: &mut syn::File) {
    struct Calls(usize);
    impl syn::visit_mut::VisitMut for Calls {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            syn::visit_mut::visit_expr_call_mut(self, call);
            if let syn::Expr::Path(path) = &*call.func {
                let names: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
                if names == ["ResponseValue", "from_response"] {
                    *call.func = syn::parse_quote!(crate::for_generated::response_value);
                    self.0 += 1;
                }
            }
        }
    }
    let mut calls = Calls(0);
    syn::visit_mut::VisitMut::visit_file_mut(&mut calls, file);
    if calls.0 == 0 {
        fail(None, "the generated client has no `ResponseValue::from_response` call to decode once");
    }
}

/// Every response is the envelope `{data, success, code, message}`; each generated
/// struct of that shape gets `Envelope`, with `data`'s type as generated.
fn implement_envelope(file: &mut syn::File) {
    let types = module(&mut file.items, "types");
    let mut impls = Vec::new();
    for item in types.iter() {
        let syn::Item::Struct(envelope) = item else { continue };
        let field = |name: &str| envelope.fields.iter().find(|f| f.ident.as_ref().is_some_and(|i| i == name));
        let (Some(data), Some(_), Some(code), Some(_)) =
            (field("data"), field("success"), field("code"), field("message"))
        else {
            continue;
        };
        // A success envelope always has its code; `ErrorEnvelope` (optional code) is none.
        if quote::ToTokens::to_token_stream(&code.ty).to_string() != "i64" {
            continue;
        }
        let (name, data) = (&envelope.ident, &data.ty);
        impls.push(syn::parse_quote! {
            impl crate::for_generated::Envelope for #name {
                type Data = #data;
                fn success(&self) -> bool { self.success }
                fn code(&self) -> i64 { self.code }
                fn message(&self) -> &str { &self.message }
                fn into_data(self) -> #data { self.data }
            }
        });
    }
    types.extend(impls);
}

/// Forward compatibility (the README's "Forward compatibility" section). In every
/// response-side struct (reachable through its fields' types from an operation's 200
/// envelope, and from no request body or parameter), each field of a generated enum `E`
/// reads `Received<E>`, in the struct and in its builder, so that a value a newer server
/// sends is data, not a failed call. Those structs and every enum are
/// `#[non_exhaustive]`, so that a field or value a newer spec adds breaks no caller's
/// build. Request structs keep the plain enum (we never send a value the spec does not
/// list) and stay exhaustive (partners build them as struct literals); a struct reachable
/// from both sides (none today) stays as strict as a request. Returns each field it
/// rewrote, `Struct.field`.
fn read_what_newer_servers_send(file: &mut syn::File, document: &Value) -> Vec<String> {
    let requested = words_of_field_types(module(&mut file.items, "builder"));
    let types = module(&mut file.items, "types");
    let references = type_references(types);
    let requested: BTreeSet<String> =
        requested.into_iter().filter(|name| references.contains_key(name)).collect();
    let responded = response_types(document);
    if let Some(missing) = responded.iter().find(|name| !references.contains_key(*name)) {
        fail(None, &format!("the 200 response type {missing} is no generated type"));
    }
    if requested.is_empty() {
        fail(None, "no operation builder holds a generated type: request types cannot be told apart");
    }
    let (from_responses, from_requests) =
        (reachable(&references, &responded), reachable(&references, &requested));
    let response_side: BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(strukt) if matches!(strukt.fields, syn::Fields::Named(_)) => {
                Some(strukt.ident.to_string())
            }
            _ => None,
        })
        // One reachable from a request too stays strict: it may be sent.
        .filter(|name| from_responses.contains(name) && !from_requests.contains(name))
        .collect();
    let unit_enums: BTreeSet<String> = unit_enums(types).map(|e| e.ident.to_string()).collect();

    let mut in_structs = BTreeMap::new();
    let mut received_fields = Vec::new();
    for item in types.iter_mut() {
        if item_of(item).is_some_and(|name| response_side.contains(&name)) {
            let wrapped = wrap_enums(item, &unit_enums);
            if let syn::Item::Struct(strukt) = item {
                in_structs.insert(strukt.ident.to_string(), wrapped);
                strukt.attrs.push(syn::parse_quote!(#[non_exhaustive]));
                let received =
                    strukt.fields.iter().filter(|field| words(&field.ty).contains(&"Received".into()));
                received_fields.extend(
                    received.filter_map(|field| Some(format!("{}.{}", strukt.ident, field.ident.as_ref()?))),
                );
            }
        } else if let syn::Item::Enum(e) = item {
            e.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        }
    }
    let mut in_builders = BTreeMap::<String, usize>::new();
    for item in module(types, "builder").iter_mut() {
        if let Some(name) = item_of(item).filter(|name| response_side.contains(name)) {
            *in_builders.entry(name).or_default() += wrap_enums(item, &unit_enums);
        }
    }
    if in_structs.values().sum::<usize>() == 0 {
        fail(None, "no response-side struct has an enum field to read as `Received`");
    }
    // Each wrapped field is a builder field and its setter's bound; the conversions
    // between the two only move values.
    for (name, wrapped) in &in_structs {
        let in_builder = in_builders.get(name).copied().unwrap_or(0);
        if in_builder != 2 * wrapped {
            fail(
                None,
                &format!(
                    "{name} has {wrapped} enum fields but its builder {in_builder} enum types, not twice that"
                ),
            );
        }
    }
    received_fields
}

/// Every word of the field types of the structs among `items`: the generated types
/// they hold among them.
fn words_of_field_types(items: &[syn::Item]) -> BTreeSet<String> {
    items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(strukt) => Some(strukt.fields.iter()),
            _ => None,
        })
        .flatten()
        .flat_map(|field| words(&field.ty))
        .collect()
}

/// The identifiers in a piece of code.
fn words(tokens: &impl quote::ToTokens) -> Vec<String> {
    let text = tokens.to_token_stream().to_string();
    text.split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Each generated struct and enum, with the generated types its fields name.
fn type_references(types: &[syn::Item]) -> BTreeMap<String, BTreeSet<String>> {
    let named: Vec<(String, Vec<String>)> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(strukt) => {
                Some((strukt.ident.to_string(), strukt.fields.iter().flat_map(|f| words(&f.ty)).collect()))
            }
            syn::Item::Enum(e) => Some((
                e.ident.to_string(),
                e.variants.iter().flat_map(|v| v.fields.iter()).flat_map(|f| words(&f.ty)).collect(),
            )),
            _ => None,
        })
        .collect();
    let names: BTreeSet<String> = named.iter().map(|(name, _)| name.clone()).collect();
    named
        .into_iter()
        .map(|(name, words)| (name, words.into_iter().filter(|w| names.contains(w)).collect()))
        .collect()
}

/// The types reachable from `roots` through the fields' types, the roots included.
fn reachable(references: &BTreeMap<String, BTreeSet<String>>, roots: &BTreeSet<String>) -> BTreeSet<String> {
    let mut reached = roots.clone();
    let mut pending: Vec<String> = roots.iter().cloned().collect();
    while let Some(name) = pending.pop() {
        for next in references.get(&name).into_iter().flatten() {
            if reached.insert(next.clone()) {
                pending.push(next.clone());
            }
        }
    }
    reached
}

/// The envelope type of each operation's 200 response (`decode::<types::X>` in the table).
fn response_types(document: &Value) -> BTreeSet<String> {
    document::operations(document)
        .iter()
        .map(|def| {
            let at = format!("{}.responses.200", def.place());
            schema_name(&def.object(document)["responses"]["200"], &at).to_string()
        })
        .collect()
}

/// The struct an item defines or implements something for, by its last name (an impl
/// for `super::Order` is one of `Order`).
fn item_of(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(strukt) => Some(strukt.ident.to_string()),
        syn::Item::Impl(block) => match &*block.self_ty {
            syn::Type::Path(path) => path.path.segments.last().map(|segment| segment.ident.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// Rewrites each type in `item` that names one of `enums` (`OrderStatus`,
/// `super::OrderStatus`) as `Received<...>` of it; how many it rewrote.
fn wrap_enums(item: &mut syn::Item, enums: &BTreeSet<String>) -> usize {
    struct Wrap<'a> {
        enums: &'a BTreeSet<String>,
        wrapped: usize,
    }
    impl syn::visit_mut::VisitMut for Wrap<'_> {
        fn visit_type_mut(&mut self, ty: &mut syn::Type) {
            if let syn::Type::Path(path) = ty
                && path.qself.is_none()
                && let Some(last) = path.path.segments.last()
                && last.arguments.is_none()
                && self.enums.contains(&last.ident.to_string())
                && path
                    .path
                    .segments
                    .iter()
                    .rev()
                    .skip(1)
                    .all(|s| ["super", "self", "crate", "types"].iter().any(|w| s.ident == w))
            {
                *ty = syn::parse_quote!(crate::for_generated::Received<#path>);
                self.wrapped += 1;
                return;
            }
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
    let mut wrap = Wrap { enums, wrapped: 0 };
    syn::visit_mut::VisitMut::visit_item_mut(&mut wrap, item);
    wrap.wrapped
}

/// `WireValue` for each generated enum of unit variants (`Received::as_str` needs it):
/// each variant's name as serde reads and writes it.
fn implement_wire_value(file: &mut syn::File) {
    let types = module(&mut file.items, "types");
    let impls: Vec<syn::Item> = unit_enums(types).map(wire_value).collect();
    types.extend(impls);
}

/// The enums among `items` whose variants are all plain values (what typify makes of a
/// string `enum`).
fn unit_enums(items: &[syn::Item]) -> impl Iterator<Item = &syn::ItemEnum> {
    items.iter().filter_map(|item| match item {
        syn::Item::Enum(e) if e.variants.iter().all(|v| matches!(v.fields, syn::Fields::Unit)) => Some(e),
        _ => None,
    })
}

/// `WireValue` for an enum of unit variants: each variant's `#[serde(rename)]`, else its
/// own name.
fn wire_value(e: &syn::ItemEnum) -> syn::Item {
    if e.attrs.iter().any(|attr| attr.path().is_ident("serde")) {
        fail(
            None,
            &format!("enum {}: serde attributes on the enum itself; its values cannot be read", e.ident),
        );
    }
    let arms = e.variants.iter().map(|variant| {
        let mut value = variant.ident.to_string();
        for attr in variant.attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
            let read = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    value = meta.value()?.parse::<syn::LitStr>()?.value();
                    Ok(())
                } else {
                    Err(meta.error("a serde attribute other than rename"))
                }
            });
            read.unwrap_or_else(|e| fail(None, &format!("enum variant {}: {e}", variant.ident)));
        }
        let ident = &variant.ident;
        quote::quote!(Self::#ident => #value)
    });
    let name = &e.ident;
    syn::parse_quote! {
        impl crate::for_generated::WireValue for #name {
            fn as_str(&self) -> &'static str {
                match self { #(#arms,)* }
            }
        }
    }
}

/// Every local `$ref` must name a part of the document; other references are
/// not supported (the generator reads one file).
fn check_references(document: &Value, node: &Value, at: &str) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                let found = target.strip_prefix('#').and_then(|pointer| document.pointer(pointer));
                if found.is_none() {
                    fail(
                        Some(at.trim_start_matches('.')),
                        &format!("$ref {target} names nothing in this file"),
                    );
                }
            }
            map.iter().for_each(|(k, v)| check_references(document, v, &format!("{at}.{k}")));
        }
        Value::Array(items) => {
            items.iter().enumerate().for_each(|(i, v)| check_references(document, v, &format!("{at}.{i}")))
        }
        _ => {}
    }
}

/// `src/operations.rs` includes this: one `Operation` per operation in the spec.
/// `marked` (the spec as written) says where the bodies hold marked data.
fn operation_table(document: &Value, marked: &Value) -> String {
    let mut rows = String::new();
    for def in document::operations(document) {
        let marked_op = def.object(marked);
        let redactions = |holder: &Value| {
            let pointers =
                document::json_schema(holder).map(|schema| document::sensitive_pointers(marked, schema));
            let pairs: Vec<String> = pointers
                .into_iter()
                .flatten()
                .map(|(at, with)| {
                    // Unescaped here, so that the client needs no JSON Pointer reader.
                    let segments: Vec<String> =
                        at.split('/').skip(1).map(minted_spec::pointer::unescape).collect();
                    format!("(&{segments:?}, {:?})", with.to_string())
                })
                .collect();
            format!("&[{}]", pairs.join(", "))
        };
        let redact_request = redactions(&marked_op["requestBody"]);
        let redact_response = redactions(&marked_op["responses"]["200"]);
        let OperationDef { id, method, path, .. } = &def;
        let (op, at) = (def.object(document), def.place());
        if !def.named {
            fail(Some(&at), "no operationId");
        }
        let api_version = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| document::resolve(document, p).unwrap_or(&Value::Null))
            .find(|p| p["name"] == "api-version")
            .and_then(|p| p["schema"]["default"].as_str())
            .unwrap_or_else(|| fail(Some(&at), "no api-version parameter with a default"));
        let request = match op.get("requestBody") {
            Some(body) => {
                format!("Some(roundtrip::<types::{}>)", schema_name(body, &format!("{at}.requestBody")))
            }
            None => "None".to_string(),
        };
        let response = schema_name(&op["responses"]["200"], &format!("{at}.responses.200"));
        rows += &format!(
            "    Operation {{ id: {id:?}, method: {method:?}, path: {path:?}, api_version: {api_version:?}, \
                 #[cfg(test)] request: {request}, #[cfg(test)] response: roundtrip::<types::{response}>, \
                 decode_response: decode::<types::{response}>, redact_request: {redact_request}, \
                 redact_response: {redact_response}, span: || tracing::info_span!(target: \"minted_connect\", \
                 {id:?}, method = {method:?}, path = {path:?}, attempts = tracing::field::Empty, \
                 status = tracing::field::Empty, latency_ms = tracing::field::Empty) }},\n",
        );
    }
    let marked_names: Vec<String> = document::sensitive_fields(marked)
        .into_values()
        .flatten()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    format!(
        "pub(crate) static OPERATIONS: &[Operation] = &[\n{rows}];\n\n\
         /// Every field name the spec marks `x-sensitive` somewhere: personal in any body.\n\
         pub(crate) static MARKED_NAMES: &[&str] = &{marked_names:?};\n"
    )
}

/// The component a request body or response refers to; the table needs a named type.
fn schema_name<'a>(body: &'a Value, at: &str) -> &'a str {
    body["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .unwrap_or_else(|| fail(Some(at), "the JSON schema must be a $ref to #/components/schemas"))
}

fn write(path: &Path, content: &str) {
    fs::write(path, content).unwrap_or_else(|e| fail(None, &format!("writing {}: {e}", path.display())));
}

/// Drops the `x-doc*` notes written for people and the `x-sensitive` marks (read
/// apart, for `Debug`): typify compares a schema's extensions when matching
/// `decimal_schema`, so a noted amount would stay f64, and a marked `$ref` would
/// become a type of its own.
fn strip_our_extensions(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|key, _| !key.starts_with("x-doc") && key != document::SENSITIVE);
            map.values_mut().for_each(strip_our_extensions);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_our_extensions),
        _ => {}
    }
}

/// Each generated type with a field marked `x-sensitive` (and its builder) gets a
/// `Debug` that shows that field as `<masked>` and the rest as derived; a field of
/// open JSON (`serde_json::Value`, a map of them), which no mark reaches, is shown
/// through `Masked`, which masks by name. A mark that names no
/// generated field stops the build: nothing may leak by a silent miss.
fn mask_sensitive_fields(file: &mut syn::File, marked: &BTreeMap<String, BTreeSet<String>>) {
    let types = module(&mut file.items, "types");
    let mut masked = mask_in(types, marked);
    masked += mask_in(module(types, "builder"), marked);
    let expected: usize = marked.values().map(BTreeSet::len).sum::<usize>() * 2;
    if masked != expected {
        fail(
            None,
            &format!("{masked} of {expected} x-sensitive fields (types and builders) were found to mask"),
        );
    }
}

/// The items of the inline module `name` among `items`.
fn module<'a>(items: &'a mut [syn::Item], name: &str) -> &'a mut Vec<syn::Item> {
    items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .unwrap_or_else(|| fail(None, &format!("the generated code has no `{name}` module")))
}

/// Masks the marked fields of the structs among `items`, and shows their open JSON
/// fields masked by name; how many marked fields it masked.
fn mask_in(items: &mut Vec<syn::Item>, marked: &BTreeMap<String, BTreeSet<String>>) -> usize {
    let mut impls = Vec::new();
    let mut masked = 0;
    let unmarked = BTreeSet::new();
    for item in items.iter_mut() {
        let syn::Item::Struct(strukt) = item else { continue };
        let fields = marked.get(&strukt.ident.to_string()).unwrap_or(&unmarked);
        if fields.is_empty() && !strukt.fields.iter().any(|field| is_open_json(&field.ty)) {
            continue;
        }
        for attr in &mut strukt.attrs {
            if attr.path().is_ident("derive")
                && let syn::Meta::List(list) = &mut attr.meta
            {
                let derives = list
                    .parse_args_with(
                        syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                    )
                    .unwrap_or_else(|e| fail(None, &format!("a generated derive: {e}")));
                let kept = derives.into_iter().filter(|path| !path.is_ident("Debug"));
                list.tokens = quote::quote!(#(#kept),*);
            }
        }
        let name = &strukt.ident;
        let label = name.to_string();
        let debug = if let syn::Fields::Unnamed(unnamed) = &strukt.fields {
            // A newtype over open JSON (`OpenBody`).
            let shown = (0..unnamed.unnamed.len())
                .map(syn::Index::from)
                .map(|index| quote::quote!(.field(&crate::for_generated::Masked(&self.#index))));
            quote::quote!(f.debug_tuple(#label) #(#shown)* .finish())
        } else {
            let shown = strukt.fields.iter().filter_map(|field| Some((field.ident.as_ref()?, &field.ty)));
            let shown: Vec<_> = shown
                .map(|(ident, ty)| {
                    let field = ident.to_string().trim_start_matches("r#").to_string();
                    if fields.contains(&field) {
                        masked += 1;
                        quote::quote!(.field(#field, &format_args!("<masked>")))
                    } else if is_open_json(ty) {
                        quote::quote!(.field(#field, &crate::for_generated::Masked(&self.#ident)))
                    } else {
                        quote::quote!(.field(#field, &self.#ident))
                    }
                })
                .collect();
            quote::quote!(f.debug_struct(#label) #(#shown)* .finish())
        };
        impls.push(syn::parse_quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    #debug
                }
            }
        });
    }
    items.extend(impls);
    masked
}

/// Whether a field's type holds JSON of any shape (`serde_json::Value`, a map or list
/// of them, optional or as a builder's `Result`), which no schema mark reaches.
fn is_open_json(ty: &syn::Type) -> bool {
    let tokens = quote::ToTokens::to_token_stream(ty).to_string().replace(' ', "");
    tokens.contains("serde_json::Value")
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
