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

/// The build script regenerates the client when the YAML changes, and for nothing else
/// in `spec/` (a recording, the inventory, the README), which would recompile it for naught.
#[test]
fn the_build_script_reruns_only_for_the_yaml() {
    // `$OUT_DIR/../output` is what the build script told cargo.
    let output = std::path::Path::new(env!("OUT_DIR")).with_file_name("output");
    let told = std::fs::read_to_string(&output).unwrap();
    let mut watched: Vec<&str> =
        told.lines().filter_map(|line| line.strip_prefix("cargo:rerun-if-changed=")).collect();
    watched.sort_unstable();
    assert_eq!(watched, ["build.rs", "spec/minted-connect.yaml"], "{told}");
}
