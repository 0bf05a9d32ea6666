//! The client's public API where it re-exports another crate's: `minted_connect::sandbox`
//! names each item it hands on, and this pins the list, so that an item added to or
//! removed from it (or a glob that would hand on whatever `minted_spec::sandbox` grows)
//! is a decision, not an accident.

#![cfg(feature = "sandbox")]

use std::collections::BTreeSet;

/// What `minted_connect::sandbox` exports: what a partner's test starts, controls,
/// arms faults on and handles the errors of.
const SANDBOX: [&str; 16] = [
    "Clock",
    // Which Digest challenges the sandbox offers, for a test of another client's answers.
    "DigestAlgorithms",
    "Fault",
    "FaultError",
    "FaultKind",
    "Holder",
    "MANUAL_START",
    "PASSWORD",
    "REALM",
    "Refusal",
    "Running",
    "Sandbox",
    "Sources",
    "StartError",
    "TOKEN_TTL",
    "USERNAME",
];

/// Each item is there under its name and is what a partner uses it as.
#[test]
fn each_item_is_reachable() {
    use minted_connect::sandbox::{
        Clock, DigestAlgorithms, Fault, FaultError, FaultKind, Holder, MANUAL_START, PASSWORD, REALM,
        Refusal, Running, Sandbox, Sources, StartError, TOKEN_TTL, USERNAME,
    };
    fn named(_: Option<(&Running, Sources, StartError, Refusal, Holder<'_>, FaultError)>) {}
    named(None);
    let fault: Fault = "buy:lose:0.3".parse().expect("a fault");
    let _: (Sandbox, FaultKind) = (Sandbox::default().fault(fault), FaultKind::Reset);
    let _: (Sandbox, Clock) = (Sandbox::default().clock(Clock::fixed()).token_ttl(TOKEN_TTL), Clock::fixed());
    let _: [&str; 3] = [USERNAME, PASSWORD, REALM];
    let _: Sandbox = Sandbox::default().digest_algorithms(DigestAlgorithms::Sha256);
    let _: std::time::Duration = MANUAL_START;
}

/// The module's text re-exports exactly [`SANDBOX`], each by name.
#[test]
fn the_sandbox_module_exports_the_pinned_list() {
    let lib = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs")).unwrap();
    let start = lib.find("pub mod sandbox {").expect("src/lib.rs has `pub mod sandbox {`");
    let end = start + lib[start..].find("\n}").expect("the module's closing brace");
    let module = &lib[start + "pub mod sandbox {".len()..end];
    let code =
        module.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");

    assert!(
        !code.contains('*'),
        "minted_connect::sandbox re-exports by glob; name each item instead:\n{module}"
    );
    let statements: Vec<&str> = code.split(';').map(str::trim).filter(|s| !s.is_empty()).collect();
    let mut exported = BTreeSet::new();
    for statement in statements {
        let Some(path) = statement.strip_prefix("pub use minted_spec::sandbox::") else {
            panic!("minted_connect::sandbox holds more than re-exports of minted_spec::sandbox: {statement}");
        };
        let names = path.trim_start_matches('{').trim_end_matches('}');
        for name in names.split(',').map(str::trim).filter(|name| !name.is_empty()) {
            assert!(!name.contains(" as "), "{name}: re-export under its own name");
            exported.insert(name.to_string());
        }
    }

    let pinned: BTreeSet<String> = SANDBOX.iter().map(|name| name.to_string()).collect();
    let added: Vec<&String> = exported.difference(&pinned).collect();
    let removed: Vec<&String> = pinned.difference(&exported).collect();
    assert!(
        added.is_empty() && removed.is_empty(),
        "minted_connect::sandbox's public items changed: added {added:?}, removed {removed:?}. \
         If that is meant, update SANDBOX in tests/public_api.rs."
    );
}
