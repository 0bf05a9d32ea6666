//! What a partner's build pulls in: the client alone compiles no server, no JSON Schema
//! engine and no YAML parser, and nothing depends on the xtask command line.

use std::process::Command;

fn cargo_tree(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO"))
        .args(["tree", "--offline", "--locked", "--prefix", "none"])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn packages(tree: &str) -> Vec<&str> {
    tree.lines().filter_map(|line| line.split_whitespace().next()).collect()
}

#[test]
fn the_client_without_features_has_no_engine_server_or_yaml_parser() {
    let tree = cargo_tree(&["-p", "minted-connect", "-e", "normal", "--no-default-features"]);
    let present = packages(&tree);
    for absent in ["minted-spec", "jsonschema", "yaml_serde"] {
        assert!(!present.contains(&absent), "{absent} is a normal dependency:\n{tree}");
    }
    // The same tree with the feature does have them: the check above can fail.
    let with_sandbox = cargo_tree(&["-p", "minted-connect", "-e", "normal", "--features", "sandbox"]);
    assert!(packages(&with_sandbox).contains(&"jsonschema"));
}

#[test]
fn nothing_depends_on_xtask() {
    let tree = cargo_tree(&["--workspace", "-i", "xtask", "-e", "normal,build,dev"]);
    assert_eq!(packages(&tree), ["xtask"], "only xtask itself:\n{tree}");
}
