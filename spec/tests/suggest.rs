//! `verify --suggest` on a corpus of drifted traffic (`tests/drift/`), one recording per
//! kind of drift it answers: the suggestions, applied to a copy of the spec, make the
//! same recordings verify `--strict` with no finding.

use minted_spec::contract::{Contract, Spec};
use minted_spec::finding::Kind;
use minted_spec::load::Loaded;
use minted_spec::suggest::{SUGGESTED, apply, suggest};
use minted_spec::verify::check_all;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn drift() -> Vec<PathBuf> {
    vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/drift")]
}

#[test]
fn applying_every_suggestion_makes_the_drifted_recordings_pass() {
    let spec = Spec::embedded().unwrap();
    let contract = Contract::compile(&spec).unwrap();
    let loaded = Loaded::from_paths(&drift(), &contract.scope(&[]));
    let exchanges = loaded.exchanges.clone();
    let before = check_all(&contract, loaded, true);
    let kinds: BTreeSet<Kind> = before.findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        SUGGESTED.into_iter().collect(),
        "the corpus covers every kind: {:#?}",
        before.findings
    );

    let suggestions = suggest(&spec.document, &exchanges, true).unwrap();
    let answered: BTreeSet<Kind> = suggestions.iter().flat_map(|s| s.kinds.clone()).collect();
    assert_eq!(answered, kinds);
    let at = |pointer: &str| {
        suggestions.iter().find(|s| s.at == pointer).unwrap_or_else(|| panic!("{pointer}: {suggestions:#?}"))
    };
    // Seen as 1 and as 0.25: a decimal. Seen as "gold" and as null: a nullable string,
    // found only once the wallets' field was answered.
    assert_eq!(at("/components/schemas/Wallet/properties/interest").value["format"], "decimal");
    let tier = &at("/components/schemas/Customer/properties/loyalty_tier").value;
    assert_eq!((&tier["type"], &tier["nullable"]), (&"string".into(), &true.into()));
    assert!(
        tier["x-doc-note"].as_str().unwrap().starts_with("Seen in drift/get-customer-new-fields"),
        "{tier}"
    );
    assert_eq!(at("/components/schemas/Customer/properties/firstname").value["nullable"], true);
    // A boolean seen as a string too: either may come.
    let is_cash = &at("/components/schemas/Wallet/properties/is_cash").value;
    assert_eq!(is_cash["anyOf"], serde_json::json!([{"type": "boolean"}, {"type": "string"}]), "{is_cash}");
    assert!(
        at("/components/schemas/OrderStatus").value["enum"].as_array().unwrap().contains(&"On Hold".into())
    );
    assert!(at("/paths/~1partner~1pricefix/post/responses/404").value["content"].is_object());
    let required = &at("/components/schemas/PriceFix/required").value;
    assert!(
        !required.as_array().unwrap().contains(&"expire_ttl".into())
            && required.as_array().unwrap().len() == 5
    );
    assert!(
        at("/components/schemas/PriceFix/x-doc-note")
            .value
            .as_str()
            .unwrap()
            .contains("`expire_ttl` is not required")
    );

    let mut edited = spec.document.clone();
    apply(&mut edited, &suggestions);
    let spec = Spec::parse("edited", &edited.to_string()).unwrap();
    let contract = Contract::compile(&spec).unwrap();
    let after = check_all(&contract, Loaded::from_paths(&drift(), &contract.scope(&[])), true);
    assert_eq!(after.exchanges, 6);
    assert!(after.findings.is_empty(), "{:#?}", after.findings);
    // The docs' own recordings still pass against the edited spec.
    let recorded = Loaded::from_texts(minted_spec::RECORDINGS.iter().copied(), &contract.scope(&[]));
    assert!(check_all(&contract, recorded, true).findings.is_empty());
}
