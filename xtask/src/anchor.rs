//! Where each finding points in the spec (the node it disagrees with, and that node's
//! line and column) and its fingerprint: the same across runs, and made of no value
//! the traffic carried.

use minted_spec::finding::{Finding, Kind};
use minted_spec::located::Lines;
use minted_spec::rule::spec_pointer;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// One finding's place in the spec and its identity.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The JSON pointer of the spec's node, for a finding of an operation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec_pointer: Option<String>,
    /// The node's 1-based line and column in the spec's text.
    #[serde(skip)]
    pub place: Option<(usize, usize)>,
    /// A hash of the kind, the operation, the spec's node and the field path (array
    /// indices left out): what a baseline recognises a finding by.
    pub fingerprint: String,
}

/// The spec a run checked against: its path as reports name it, and its text's places.
pub struct SpecText {
    /// The file, as given (`spec/minted-connect.yaml` by default).
    pub file: String,
    /// Where each node of its text is.
    pub lines: Lines,
}

/// The anchor of each finding, in order.
pub fn anchors(document: &Value, spec: &SpecText, findings: &[Finding]) -> Vec<Anchor> {
    findings
        .iter()
        .map(|finding| {
            let spec_pointer = spec_pointer(document, finding);
            let place = spec_pointer.as_deref().and_then(|at| spec.lines.find(at));
            let fingerprint = fingerprint(finding, spec_pointer.as_deref());
            Anchor { spec_pointer, place, fingerprint }
        })
        .collect()
}

/// The finding's identity. A finding of no operation (an unreadable file, a path the
/// spec lacks) is identified by its file and what it says, which are shapes, not values.
fn fingerprint(finding: &Finding, spec_pointer: Option<&str>) -> String {
    let mut parts = vec![finding.kind.name(), finding.operation.clone().unwrap_or_default()];
    parts.push(spec_pointer.unwrap_or_default().to_string());
    parts.push(finding.location.clone());
    parts.push(field_path(&finding.pointer));
    if matches!(finding.kind, Kind::Unreadable | Kind::UnknownOperation) {
        parts.push(finding.file.clone());
        parts.push(finding.found.clone());
    }
    let digest = Sha256::digest(parts.join("\0").as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// A pointer into a body with its array indices as `*`: the same field in any item.
pub fn field_path(pointer: &str) -> String {
    let segments: Vec<&str> =
        pointer
            .split('/')
            .map(|segment| {
                if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) { "*" } else { segment }
            })
            .collect();
    segments.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use minted_spec::finding::Severity;

    fn finding(pointer: &str, found: &str) -> Finding {
        Finding {
            severity: Severity::Error,
            kind: Kind::WrongType,
            file: "a.har".into(),
            entry: Some(3),
            operation: Some("get_customer".into()),
            location: "response.body".into(),
            status: Some(200),
            pointer: pointer.into(),
            expected: "string".into(),
            found: found.into(),
        }
    }

    #[test]
    fn a_fingerprint_ignores_values_files_and_indices_but_not_the_field() {
        let at = Some("/components/schemas/Customer/properties/phone");
        let one = fingerprint(&finding("/data/items/0/phone", "a number"), at);
        let mut elsewhere = finding("/data/items/7/phone", "a string of 3 characters");
        elsewhere.file = "b.har".into();
        elsewhere.entry = Some(9);
        assert_eq!(one, fingerprint(&elsewhere, at));
        assert_ne!(one, fingerprint(&finding("/data/items/0/email", "a number"), at));
        assert_ne!(one, fingerprint(&finding("/data/items/0/phone", "a number"), None));
        assert_eq!(one.len(), 32);
    }
}
