//! `--format sarif`: the report as SARIF 2.1.0, for code-scanning views (GitHub, GitLab,
//! Azure DevOps): one result per finding, at the traffic, with the spec's node as a
//! related location and, with `--suggest`, the edit as a fix.

use crate::report::Report;
use minted_spec::document::to_yaml;
use minted_spec::finding::{Finding, Kind, Severity};
use minted_spec::located::Lines;
use minted_spec::pointer;
use minted_spec::suggest::Suggestion;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The SARIF log of `report`; `edits` (from `--suggest`) become fixes, placed by `lines`.
pub fn sarif(report: &Report, edits: &[Suggestion], lines: &Lines) -> Value {
    let all = report.findings.iter().chain(report.accepted.iter().map(|(finding, _)| finding));
    let kinds: Vec<Kind> = all.map(|f| f.kind).collect::<BTreeSet<_>>().into_iter().collect();
    let rules: Vec<Value> = kinds
        .iter()
        .map(|kind| {
            json!({
                "id": kind.name(),
                "shortDescription": {"text": describe(*kind)},
                "defaultConfiguration": {"level": if kind.is_drift() { "warning" } else { "error" }},
            })
        })
        .collect();
    let accepted = report.accepted.iter().map(|(finding, anchor)| (finding, anchor, true));
    let results: Vec<Value> = report
        .findings
        .iter()
        .zip(&report.anchors)
        .map(|(finding, anchor)| (finding, anchor, false))
        .chain(accepted)
        .map(|(finding, anchor, accepted)| {
            let mut result = json!({
                "ruleId": finding.kind.name(),
                "ruleIndex": kinds.iter().position(|k| *k == finding.kind),
                "level": match finding.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": {"text": message(finding)},
                "locations": [traffic(finding)],
                "partialFingerprints": {"mintedFinding/v1": anchor.fingerprint},
            });
            // A baseline's acceptance is a suppression made outside the source.
            if accepted {
                result["suppressions"] = json!([{"kind": "external", "status": "accepted"}]);
            }
            if let (Some(at), Some((line, column))) = (&anchor.spec_pointer, anchor.place) {
                result["relatedLocations"] = json!([{
                    "id": 1,
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&report.spec_file)},
                        "region": {"startLine": line, "startColumn": column},
                    },
                    "message": {"text": format!("the spec at {at}")},
                }]);
                let fixes: Vec<Value> = edits
                    .iter()
                    .filter(|edit| answers(edit, finding, at))
                    .filter_map(|edit| fix(edit, &report.spec_file, lines))
                    .collect();
                if !fixes.is_empty() {
                    result["fixes"] = Value::Array(fixes);
                }
            }
            result
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "minted-verify",
                "informationUri": "https://github.com/minted-connect/minted-connect#checking-the-spec-against-traffic",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// The finding's own line, without its file and entry (the location says those).
fn message(finding: &Finding) -> String {
    let mut text = format!("{}: ", finding.location);
    if !finding.pointer.is_empty() {
        text += &format!("{} ", finding.pointer);
    }
    text += &format!("spec says {}; found {}", finding.expected, finding.found);
    if let Some(operation) = &finding.operation {
        text = format!("{operation} {text}");
    }
    text
}

/// Where in the traffic: the file, and for a HAR the entry, as a logical location.
fn traffic(finding: &Finding) -> Value {
    let mut location = json!({"physicalLocation": {"artifactLocation": {"uri": uri(&finding.file)}}});
    if let Some(entry) = finding.entry {
        location["logicalLocations"] = json!([{
            "name": format!("entry {entry}"),
            "fullyQualifiedName": format!("log.entries[{entry}]"),
            "kind": "element",
        }]);
    }
    location
}

/// Whether `edit` answers `finding`, whose node in the spec is `at`.
fn answers(edit: &Suggestion, finding: &Finding, at: &str) -> bool {
    let related = at.starts_with(&edit.at) || edit.at.starts_with(at);
    related && edit.kinds.contains(&finding.kind) && edit.files.contains(&finding.file)
}

/// The edit as a replacement of its node's lines (or, for a node the spec does not
/// have yet, an insertion at the end of its parent's, one level in); `None` where the
/// text is not block YAML there (a flow mapping, an item of a sequence).
fn fix(edit: &Suggestion, spec_file: &str, lines: &Lines) -> Option<Value> {
    let (parent, key) = edit.at.rsplit_once('/')?;
    let key = pointer::unescape(key);
    if key.parse::<usize>().is_ok() {
        return None;
    }
    let (start, end, indent) = match lines.at(&edit.at) {
        // From its key to the next node outside it, whole lines.
        Some((line, column)) => (line, lines.end_of(&edit.at)?.0, column - 1),
        None => {
            let (line, column) = lines.at(parent)?;
            let end = lines.end_of(parent)?.0;
            // A parent on one line is a flow mapping: no block line goes into it.
            if end <= line + 1 {
                return None;
            }
            (end, end, column - 1 + 2)
        }
    };
    if lines.at(&edit.at).is_some() && end <= start {
        return None;
    }
    let pad = " ".repeat(indent);
    let yaml = to_yaml(&edit.value);
    let text = if edit.value.is_object() || edit.value.is_array() {
        let body: String = yaml.lines().map(|line| format!("{pad}  {line}\n")).collect();
        format!("{pad}{key}:\n{body}")
    } else {
        format!("{pad}{key}: {}\n", yaml.trim_end())
    };
    let kinds: Vec<String> = edit.kinds.iter().map(|k| k.name()).collect();
    Some(json!({
        "description": {"text": format!("document what the traffic shows at {} ({})", edit.at, kinds.join(", "))},
        "artifactChanges": [{
            "artifactLocation": {"uri": uri(spec_file)},
            "replacements": [{
                "deletedRegion": {"startLine": start, "startColumn": 1, "endLine": end, "endColumn": 1},
                "insertedContent": {"text": text},
            }],
        }],
    }))
}

/// A path as a URI reference: relative paths stay relative, with `/` between segments
/// and anything but unreserved characters escaped; absolute ones become `file:` URLs.
fn uri(path: &str) -> String {
    let native = std::path::Path::new(path);
    if native.is_absolute()
        && let Ok(url) = url::Url::from_file_path(native)
    {
        return url.to_string();
    }
    path.replace('\\', "/")
        .split('/')
        .map(|segment| {
            segment
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A rule's one-line description.
fn describe(kind: Kind) -> &'static str {
    match kind {
        Kind::Unreadable => "The file, or a HAR entry, cannot be read as an exchange.",
        Kind::InvalidJson => "A body the spec says is JSON is not JSON.",
        Kind::UnknownOperation => "No operation of the spec has the exchange's method and path.",
        Kind::OperationMismatch => "The recording names one operation; its method and path are another's.",
        Kind::UndocumentedStatus => "A status the operation does not document.",
        Kind::MissingParameter => "A required parameter is absent.",
        Kind::InvalidParameter => "A parameter's value fails its schema.",
        Kind::MissingBody => "Real traffic without the request body the spec requires.",
        Kind::MissingField => "A required field is absent.",
        Kind::WrongType => "A value of another type than the schema's.",
        Kind::NotInEnum => "A value outside the schema's enum.",
        Kind::PatternMismatch => "A string that does not match the schema's pattern.",
        Kind::BadFormat => "A string that is not of the schema's format.",
        Kind::OutOfBounds => "A length, count or number outside the schema's bounds.",
        Kind::NoAlternative => "No alternative of a oneOf/anyOf fits, or more than one oneOf does.",
        Kind::SchemaViolation => "A value fails a schema keyword.",
        Kind::UndocumentedField => "A field the schema does not declare (drift).",
        Kind::UndocumentedParameter => "A query parameter the operation does not declare (drift).",
        Kind::UndocumentedBody => "A body where the operation declares none (drift).",
    }
}
