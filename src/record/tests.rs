use super::redact;
use crate::operations;
use minted_spec::contract::{Contract, Spec};
use minted_spec::load::Loaded;
use serde_json::Value;

/// Every recording of the docs, with its marked fields redacted as a recording of
/// traffic would be: each still verifies `--strict`, so every placeholder passes its
/// field's schema; and the redaction replaced something in most of them.
#[test]
fn redacted_recordings_still_verify_strictly() {
    let contract = Contract::compile(&Spec::embedded().unwrap()).unwrap();
    let mut redacted_texts = Vec::new();
    let mut changed = 0;
    for (name, text) in minted_spec::RECORDINGS {
        let mut recording: Value = serde_json::from_str(text).unwrap();
        let operation = operations::find(recording["operation"].as_str().unwrap()).unwrap();
        let before = recording.clone();
        if let Some(body) = recording.pointer_mut("/request/body") {
            redact(body, operation.redact_request);
        }
        if recording.pointer("/response/status") == Some(&Value::from(200))
            && let Some(body) = recording.pointer_mut("/response/body")
        {
            redact(body, operation.redact_response);
        }
        changed += usize::from(recording != before);
        redacted_texts.push((name.to_string(), recording.to_string()));
    }
    let loaded = Loaded::from_texts(
        redacted_texts.iter().map(|(n, t)| (n.as_str(), t.as_str())),
        &contract.scope(&[]),
    );
    let outcome = minted_spec::verify::check_all(&contract, loaded, true);
    assert_eq!(outcome.exchanges, minted_spec::RECORDINGS.len());
    assert!(outcome.findings.is_empty(), "{:#?}", outcome.findings);
    assert!(changed >= 10, "only {changed} recordings held marked data");
}

#[test]
fn a_path_reaches_every_item_and_leaves_null_alone() {
    let mut body = serde_json::json!({"data": {"wallets": [{"name": "a"}, {"name": "b"}], "email": null}});
    redact(
        &mut body,
        &[
            (&["data", "wallets", "*", "name"], "\"X\""),
            (&["data", "email"], "\"e@example.com\""),
            (&["absent", "x"], "1"),
        ],
    );
    assert_eq!(body, serde_json::json!({"data": {"wallets": [{"name": "X"}, {"name": "X"}], "email": null}}));
}
