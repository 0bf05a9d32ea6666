//! Embeds the recordings: `$OUT_DIR/recordings.rs` lists each `recordings/<operation>/<slug>.json`
//! with its text, so that a binary built from this crate never reads the checkout.
//! Without the `verify` feature (the client's build script) nothing is embedded, and a
//! changed recording does not rebuild this crate.
//!
//! With `verify`, the spec is also written as JSON (`$OUT_DIR/spec.json`), which reads
//! in a fraction of the YAML's time; a spec that is not YAML is left for run time to
//! report, with its place (verify must run on a broken spec).

use std::{env, fs, path::Path};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let mut rows = String::new();
    if env::var_os("CARGO_FEATURE_VERIFY").is_some() {
        println!("cargo:rerun-if-changed=recordings");
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        collect(&root.join("recordings"), &mut files);
        files.sort();
        for file in files {
            let name = file.strip_prefix(root.join("recordings")).expect("under recordings");
            let name = name.to_str().expect("recording names are UTF-8").replace('\\', "/");
            // Located from the crate's own directory when the crate compiles, not from
            // here: a target directory shared by two checkouts keeps this file, and an
            // absolute path would name the checkout that wrote it.
            let path = format!("/recordings/{name}");
            rows +=
                &format!("    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {path:?}))),\n");
        }
    }
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out_dir).join("recordings.rs");
    let table = format!("&[\n{rows}]\n");
    fs::write(&out, table).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));

    let mut json = String::new();
    if env::var_os("CARGO_FEATURE_VERIFY").is_some() {
        println!("cargo:rerun-if-changed=minted-connect.yaml");
        let yaml = fs::read_to_string("minted-connect.yaml").expect("the spec beside this script");
        if let Ok(document) = yaml_serde::from_str::<serde_json::Value>(&yaml) {
            json = document.to_string();
        }
    }
    let out = Path::new(&out_dir).join("spec.json");
    fs::write(&out, json).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
}

fn collect(dir: &Path, into: &mut Vec<std::path::PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a readable directory entry").path();
        if path.is_dir() {
            collect(&path, into);
        } else if path.extension().is_some_and(|e| e == "json") {
            into.push(path);
        }
    }
}
