//! The generated client against the spec it was generated from.

#[test]
fn the_staging_constant_is_the_specs_server() {
    let spec = minted_spec::document::parse(minted_spec::YAML).unwrap();
    assert_eq!(spec["servers"][0]["url"], minted_connect::STAGING_URL);
}

#[test]
fn no_generated_number_is_a_float() {
    // Money and metal amounts must be exact; the spec has no other fractional numbers.
    let generated = include_str!(concat!(env!("OUT_DIR"), "/codegen.rs"));
    assert!(generated.contains("rust_decimal::Decimal"));
    assert!(!generated.contains("f64") && !generated.contains("f32"), "a float in the generated client");
}

/// The build script regenerates the client when the YAML changes (or what this crate
/// lends the generated code), and for nothing else in `spec/` (a recording, the
/// inventory, the README), which would recompile it for naught.
#[test]
fn the_build_script_reruns_only_for_the_yaml() {
    // `$OUT_DIR/../output` is what the build script told cargo.
    let output = std::path::Path::new(env!("OUT_DIR")).with_file_name("output");
    let told = std::fs::read_to_string(&output).unwrap();
    let mut watched: Vec<&str> =
        told.lines().filter_map(|line| line.strip_prefix("cargo:rerun-if-changed=")).collect();
    watched.sort_unstable();
    assert_eq!(watched, ["build.rs", "spec/minted-connect.yaml", "src/for_generated.rs"], "{told}");
}

/// The names a change report gives the generated items are the generator's: every
/// type, field, variant, method and builder it would name for this spec is in the
/// generated code, where it says.
#[test]
fn a_change_report_names_items_as_they_are_generated() {
    let generated = include_str!(concat!(env!("OUT_DIR"), "/codegen.rs"));
    let spec = minted_spec::document::parse(minted_spec::YAML).unwrap();
    let items = minted_spec::changes::generated_items(&spec);
    assert!(items.len() > 500, "{} items", items.len());
    let missing: Vec<&String> = items.iter().filter(|item| !is_generated(generated, item)).collect();
    assert!(missing.is_empty(), "{} of {} not generated as named: {missing:#?}", missing.len(), items.len());
}

/// A change report reads a field added to a struct by whether partners can build it
/// as a literal: the structs it takes as exhaustive are the ones generated without
/// `#[non_exhaustive]` (response-only structs have it, request structs not).
#[test]
fn a_change_report_knows_which_structs_are_exhaustive() {
    let generated = include_str!(concat!(env!("OUT_DIR"), "/codegen.rs"));
    let spec = minted_spec::document::parse(minted_spec::YAML).unwrap();
    let structs = minted_spec::changes::generated_structs(&spec);
    assert!(
        structs.iter().any(|(_, exhaustive)| *exhaustive)
            && structs.iter().any(|(_, exhaustive)| !*exhaustive)
    );
    for (name, exhaustive) in structs {
        let at =
            generated.find(&format!("pub struct {name} {{")).unwrap_or_else(|| panic!("{name} is generated"));
        // The attributes just above it, back to the item before.
        let above = &generated[..at];
        let attributes = &above[above.rfind("}\n").map_or(0, |end| end + 2)..];
        assert_eq!(!attributes.contains("#[non_exhaustive]"), exhaustive, "{name}:\n{attributes}");
    }
}

/// Whether `generated` has `item` (`types::X`, `types::X::member`, `ClientTagExt::method`,
/// `builder::Op`, `builder::Op::parameter`).
fn is_generated(generated: &str, item: &str) -> bool {
    let parts: Vec<&str> = item.split("::").collect();
    // The body of the item that opens with one of `openings`, up to its closing brace.
    let body = |openings: &[String]| {
        openings.iter().find_map(|opening| {
            let start = generated.find(opening.as_str())?;
            let rest = &generated[start..];
            let end = rest.find("\n    }").or_else(|| rest.find("\n}"))?;
            Some(&rest[..end])
        })
    };
    let kinds = |name: &str| {
        vec![format!("pub struct {name} {{"), format!("pub struct {name}("), format!("pub enum {name} {{")]
    };
    match parts.as_slice() {
        ["types", name] => body(&kinds(name)).is_some(),
        // An operation's builder borrows the client; a type's builder of the same name does not.
        ["builder", name] => body(&[format!("pub struct {name}<'a> {{")]).is_some(),
        ["types", name, member] => body(&kinds(name)).is_some_and(|body| {
            body.contains(&format!("pub {member}:"))
                || body.contains(&format!("\n        {member},"))
                || body.contains(&format!("\n        {member}("))
        }),
        ["builder", name, member] => body(&[format!("pub struct {name}<'a> {{")])
            .is_some_and(|body| body.contains(&format!("{member}:"))),
        [client_trait, method] => body(&[format!("pub trait {client_trait} {{")])
            .is_some_and(|body| body.contains(&format!("fn {method}("))),
        _ => false,
    }
}

/// The generated code names this crate only through `crate::for_generated`: a rename
/// in `src/` then fails there, or in the build script's check of what it lends (which
/// says what to do), never as an unresolved path inside generated code.
#[test]
fn generated_code_names_this_crate_only_through_for_generated() {
    let build = include_str!("../build.rs");
    let code = build.lines().filter(|line| !line.trim_start().starts_with("//"));
    let mut written = 0;
    for line in code {
        for (at, _) in line.match_indices("crate::") {
            let path: String =
                line[at..].chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
            assert!(
                path.starts_with("crate::for_generated::"),
                "build.rs writes `{path}` into generated code; lend it in src/for_generated.rs and write `crate::for_generated::` instead"
            );
            written += 1;
        }
    }
    assert!(written >= 6, "{written} paths");
    let generated = include_str!(concat!(env!("OUT_DIR"), "/codegen.rs"));
    assert!(
        !generated.replace("crate::for_generated::", "").contains("crate::"),
        "a path of ours outside for_generated"
    );
}
