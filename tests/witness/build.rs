//! Generates the fixture's two clients, `old.rs` from old.yaml and `new.rs` from
//! new.yaml, by the client crate's own build steps: its build script is included
//! here, so that the witnesses prove what that code generation does.

#[allow(dead_code)]
#[path = "../../build.rs"]
mod client_build;

fn main() {
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=../../build.rs");
    for side in ["old", "new"] {
        let spec = format!("{side}.yaml");
        println!("cargo:rerun-if-changed={spec}");
        let yaml = std::fs::read_to_string(&spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
        let client = client_build::generate(&yaml).client;
        let code = prettyplease::unparse(&client);
        std::fs::write(out_dir.join(format!("{side}.rs")), code).unwrap_or_else(|e| panic!("{side}.rs: {e}"));
    }
}
