//! `cargo xtask verify` against the committed recordings, a corpus of broken ones (one
//! defect each, in `tests/broken/`), and the same exchanges written as HAR.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use xtask::verify::finding::{Finding, Kind, Severity};
use xtask::verify::report::Report;
use xtask::verify::{Options, run};

fn workspace(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace").join(relative)
}

fn verify(paths: &[PathBuf], strict: bool) -> Report {
    let options = Options {
        spec: workspace("spec/minted-connect.yaml"),
        paths: paths.to_vec(),
        strict,
        hosts: Vec::new(),
    };
    run(&options).expect("the spec compiles")
}

fn file_name(finding: &Finding) -> &str {
    Path::new(&finding.file).file_name().and_then(|n| n.to_str()).unwrap_or_default()
}

#[test]
fn committed_recordings_conform_even_under_strict() {
    let report = verify(&[workspace("spec/recordings")], true);
    let lines: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
    assert!(lines.is_empty(), "{}", lines.join("\n"));
    assert_eq!(report.summary.exchanges, 34);
    assert!(report.summary.operations_without_recording.is_empty());
    assert_eq!(report.exit_code(), 0);
}

/// Each broken recording has one defect; it is found, with its kind and its place.
#[test]
fn each_broken_recording_is_flagged_with_its_kind_and_pointer() {
    use Kind::*;
    let expected: &[(&str, Kind, &str, &str)] = &[
        ("missing-required-field.json", MissingField, "response.body", "/data/token"),
        ("wrong-type.json", WrongType, "response.body", "/data/expire_ttl"),
        ("outside-enum.json", NotInEnum, "response.body", "/data/status_name"),
        ("undocumented-field.json", UndocumentedField, "response.body", "/data/prices/0/discount"),
        ("undocumented-status.json", UndocumentedStatus, "response.status", ""),
        ("unknown-path.json", UnknownOperation, "request", ""),
        ("request-missing-field.json", MissingField, "request.body", "/type"),
        ("bad-path-parameter.json", InvalidParameter, "path", "external_order_id"),
        ("bad-query-parameter.json", InvalidParameter, "query", "total"),
        ("bad-pattern.json", PatternMismatch, "request.body", "/external_id"),
        ("operation-mismatch.json", OperationMismatch, "request", ""),
        ("invalid-json.json", Unreadable, "file", ""),
        ("empty.json", Unreadable, "file", ""),
        ("truncated.har", Unreadable, "file", ""),
    ];
    let report = verify(&[workspace("xtask/tests/broken")], false);
    let mut unexplained: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
    for (file, kind, location, pointer) in expected {
        let of_file: Vec<&Finding> = report.findings.iter().filter(|f| file_name(f) == *file).collect();
        assert_eq!(of_file.len(), 1, "{file}: expected one finding, got {of_file:#?}");
        let finding = of_file[0];
        assert_eq!(
            (finding.kind, finding.location.as_str(), finding.pointer.as_str()),
            (*kind, *location, *pointer),
            "{file}"
        );
        unexplained.retain(|line| !line.contains(&format!("/{file} ")));
    }
    assert!(unexplained.is_empty(), "findings of files not in the table:\n{}", unexplained.join("\n"));
    assert_eq!(report.exit_code(), 2, "unreadable files make the run unreadable");
}

#[test]
fn undocumented_field_is_a_warning_unless_strict() {
    let file = [workspace("xtask/tests/broken/undocumented-field.json")];
    let relaxed = verify(&file, false);
    assert_eq!(relaxed.findings[0].severity, Severity::Warning);
    assert_eq!(relaxed.exit_code(), 0);
    let strict = verify(&file, true);
    assert_eq!(strict.findings[0].severity, Severity::Error);
    assert_eq!(strict.exit_code(), 1);
}

#[test]
fn a_har_capture_is_checked_and_its_other_hosts_and_pages_are_counted() {
    let report = verify(&[workspace("xtask/tests/har/devtools-capture.har")], true);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(report.summary.exchanges, 1);
    assert_eq!((report.summary.skipped_other_host, report.summary.skipped_not_json), (1, 1));
}

/// The clean and the broken recordings, written as one HAR, give the same findings.
#[test]
fn the_same_exchanges_as_har_give_the_same_findings() {
    let mut recordings = Vec::new();
    for dir in ["spec/recordings", "xtask/tests/broken"] {
        collect_json(&workspace(dir), &mut recordings);
    }
    // A HAR cannot name an operation, so a recording that names the wrong one has no HAR twin.
    recordings.retain(|path| {
        let text = std::fs::read_to_string(path).unwrap();
        serde_json::from_str::<Value>(&text).is_ok_and(|r| r.is_object())
            && !path.ends_with("operation-mismatch.json")
    });
    let entries: Vec<Value> = recordings.iter().map(|path| har_entry(path)).collect();
    let har = workspace_tmp("equivalence.har");
    std::fs::write(&har, json!({"log": {"version": "1.2", "entries": entries}}).to_string()).unwrap();

    let as_recordings = verify(&recordings, true);
    let as_har = verify(&[har], true);
    assert_eq!(as_har.summary.exchanges, recordings.len());
    // A HAR names no operation, so an exchange that matches none has no operation in it.
    let key = |f: &Finding, file: &str| {
        let operation = if f.kind == Kind::UnknownOperation { None } else { f.operation.clone() };
        (
            file.to_string(),
            f.kind,
            f.location.clone(),
            f.pointer.clone(),
            f.expected.clone(),
            f.found.clone(),
            operation,
        )
    };
    let mut from_recordings: Vec<_> = as_recordings.findings.iter().map(|f| key(f, &f.file)).collect();
    let mut from_har: Vec<_> = as_har
        .findings
        .iter()
        .map(|f| key(f, &recordings[f.entry.expect("HAR findings name their entry")].display().to_string()))
        .collect();
    from_recordings.sort();
    from_har.sort();
    assert!(!from_recordings.is_empty());
    assert_eq!(from_recordings, from_har);
}

#[test]
fn the_command_line_reports_json_and_exit_statuses() {
    let xtask = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).current_dir(workspace("")).output().unwrap()
    };

    let clean = xtask(&["verify", "--strict"]);
    assert_eq!(clean.status.code(), Some(0), "{}", String::from_utf8_lossy(&clean.stdout));
    assert!(String::from_utf8_lossy(&clean.stdout).contains("checked 34 exchanges from 34 files"));

    let broken = xtask(&["verify", "--format", "json", "xtask/tests/broken/wrong-type.json"]);
    assert_eq!(broken.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&broken.stdout).expect("--format json prints JSON");
    assert_eq!(report["findings"][0]["kind"], "wrong-type");
    assert_eq!(report["findings"][0]["pointer"], "/data/expire_ttl");
    assert_eq!(report["summary"]["errors"], 1);

    let unreadable = xtask(&["verify", "xtask/tests/broken/empty.json"]);
    assert_eq!(unreadable.status.code(), Some(2));

    let no_spec = xtask(&["verify", "--spec", "spec/no-such-spec.yaml"]);
    assert_eq!(no_spec.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&no_spec.stderr);
    assert!(stderr.starts_with("error: spec/no-such-spec.yaml: cannot read the spec"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn collect_json(dir: &Path, into: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_json(&path, into);
        } else if path.extension().is_some_and(|e| e == "json") {
            into.push(path);
        }
    }
}

fn workspace_tmp(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(name)
}

/// A recording as a HAR entry; a recording without a response becomes HAR's status 0.
fn har_entry(recording: &Path) -> Value {
    let recording: Value = serde_json::from_str(&std::fs::read_to_string(recording).unwrap()).unwrap();
    let request = &recording["request"];
    let mut url = url_of(request);
    if let Some(query) = request["query"].as_object() {
        let pairs: Vec<String> = query.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap())).collect();
        url = format!("{url}?{}", pairs.join("&"));
    }
    let headers: Vec<Value> = request["headers"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, value)| json!({"name": name, "value": value}))
        .collect();
    let mut har_request = json!({"method": request["method"], "url": url, "headers": headers});
    if let Some(body) = request.get("body") {
        har_request["postData"] = json!({"mimeType": "application/json", "text": body.to_string()});
    }
    let response = &recording["response"];
    let content = match response.get("body") {
        Some(body) => json!({"mimeType": "application/json", "text": body.to_string()}),
        None => json!({"mimeType": "", "text": ""}),
    };
    json!({"request": har_request, "response": {"status": response["status"].as_u64().unwrap_or(0), "content": content}})
}

fn url_of(request: &Value) -> String {
    format!("https://api.staging.mintedconnect.com{}", request["path"].as_str().unwrap())
}
