//! The engine against the committed recordings, a corpus of broken ones (one defect
//! each, in `tests/broken/`), and the same exchanges written as HAR.

use minted_spec::contract::{Contract, Spec};
use minted_spec::error::{ErrorKind, Place};
use minted_spec::finding::{Finding, Kind, Severity};
use minted_spec::load::Loaded;
use minted_spec::verify::{Outcome, check_all};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

#[path = "support/har.rs"]
mod har;
use har::har_entry;

/// A path in this crate (`spec/`).
fn here(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn verify(paths: &[PathBuf], strict: bool) -> Outcome {
    let contract = Contract::compile(&Spec::embedded().expect("the spec reads")).expect("the spec compiles");
    check_all(&contract, Loaded::from_paths(paths, &contract.scope(&[])), strict)
}

fn errors(outcome: &Outcome) -> usize {
    outcome.findings.iter().filter(|f| f.severity == Severity::Error).count()
}

fn file_name(finding: &Finding) -> &str {
    Path::new(&finding.file).file_name().and_then(|n| n.to_str()).unwrap_or_default()
}

#[test]
fn committed_recordings_conform_even_under_strict() {
    let report = verify(&[here("recordings")], true);
    let lines: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
    assert!(lines.is_empty(), "{}", lines.join("\n"));
    assert_eq!(report.exchanges, 34);
    assert_eq!(report.operations_seen.len(), 27);
}

/// The embedded recordings are the committed ones, and conform too.
#[test]
fn embedded_recordings_are_the_committed_ones() {
    let contract = Contract::compile(&Spec::embedded().unwrap()).unwrap();
    let loaded = Loaded::from_texts(minted_spec::RECORDINGS.iter().copied(), &contract.scope(&[]));
    assert_eq!(loaded.exchanges.len(), 34);
    for (name, text) in minted_spec::RECORDINGS {
        assert_eq!(std::fs::read_to_string(here("recordings").join(name)).unwrap(), *text, "{name}");
    }
    assert!(check_all(&contract, loaded, true).findings.is_empty());
}

/// Each broken recording has one defect; it is found, with its kind and its place.
#[test]
fn each_broken_recording_is_flagged_with_its_kind_and_pointer() {
    use Kind::*;
    let expected: &[(&str, Kind, &str, &str)] = &[
        ("missing-required-field.json", MissingField, "response.body", "/data/token"),
        ("wrong-type.json", WrongType, "response.body", "/data/expire_ttl"),
        ("wrong-type-in-envelope.json", WrongType, "response.body", "/code"),
        ("missing-body.json", MissingBody, "request.body", ""),
        ("get-customer-missing-phone.json", MissingField, "response.body", "/data/phone"),
        ("get-customer-null-phone.json", WrongType, "response.body", "/data/phone"),
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
    let report = verify(&[here("tests/broken")], false);
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
}

#[test]
fn undocumented_field_is_a_warning_unless_strict() {
    let file = [here("tests/broken/undocumented-field.json")];
    let relaxed = verify(&file, false);
    assert_eq!(relaxed.findings[0].severity, Severity::Warning);
    assert_eq!(errors(&relaxed), 0);
    let strict = verify(&file, true);
    assert_eq!(strict.findings[0].severity, Severity::Error);
    assert_eq!(errors(&strict), 1);
}

#[test]
fn a_har_capture_is_checked_and_its_other_hosts_are_counted() {
    let report = verify(&[here("tests/har/devtools-capture.har")], true);
    let kinds: Vec<(Kind, Option<usize>)> = report.findings.iter().map(|f| (f.kind, f.entry)).collect();
    // Entry 2, a proxy's HTML 502 on a documented operation, is an exchange all the same.
    assert_eq!(kinds, [(Kind::UndocumentedStatus, Some(2))], "{:#?}", report.findings);
    assert_eq!(report.exchanges, 2);
    assert_eq!((report.skipped.other_host, report.skipped.total()), (1, 1));
}

/// What each capture tool writes (`tests/captures/`, one file per tool) is read as the
/// tool means it: HTTP/2 and its pseudo-headers, base64 bodies, aborted requests, bodies
/// left out, a byte-order mark, HTML from a proxy; a Postman collection is no capture.
#[test]
fn each_tools_capture_is_read_as_it_means() {
    let capture = |name: &str| verify(&[here(&format!("tests/captures/{name}"))], true);
    let summary = |o: &Outcome| {
        let s = o.skipped;
        (o.exchanges, s.other_host, s.not_json, s.aborted, s.not_captured)
    };

    // Chrome: `h2` and `:authority`..., `_error: null` on a good response, an aborted
    // request (status 0, `_error`), and a JSON body in base64.
    let chrome = capture("chrome-h2.har");
    assert!(chrome.findings.is_empty(), "{:#?}", chrome.findings);
    assert_eq!(summary(&chrome), (2, 0, 0, 1, 0));
    assert!(chrome.operations_seen.contains("price_fix"), "{:?}", chrome.operations_seen);

    // Firefox, saved without response bodies: the body-less entry is not checkable.
    let firefox = capture("firefox.har");
    assert!(firefox.findings.is_empty(), "{:#?}", firefox.findings);
    assert_eq!(summary(&firefox), (1, 0, 0, 0, 1));

    // mitmproxy: an image in base64 at the API's host is an asset, not an exchange.
    let mitmproxy = capture("mitmproxy.har");
    assert!(mitmproxy.findings.is_empty(), "{:#?}", mitmproxy.findings);
    assert_eq!(summary(&mitmproxy), (1, 0, 1, 0, 0));

    // A proxy's HTML: a 502 is a finding about the status, and its body is not one; an
    // HTML 200 where the spec says JSON is a finding about the body, by kind and size.
    let proxy = capture("proxy-errors-bom.har");
    assert_eq!(summary(&proxy), (2, 0, 0, 0, 0));
    let findings: Vec<_> =
        proxy.findings.iter().map(|f| (f.entry, f.kind, f.location.as_str(), f.found.as_str())).collect();
    assert_eq!(
        findings,
        [
            (Some(0), Kind::UndocumentedStatus, "response.status", "502"),
            (Some(1), Kind::InvalidJson, "response.body", "a text/html body of 46 bytes"),
        ]
    );

    let postman = capture("postman-collection.json");
    assert_eq!(postman.findings.len(), 1);
    assert_eq!(postman.findings[0].kind, Kind::Unreadable);
    assert!(postman.findings[0].found.contains("Postman collection"), "{}", postman.findings[0]);
}

/// Each finding of an operation names the node of the spec it disagrees with, and that
/// node is in the spec: the field's schema, the parameter, the documented response.
#[test]
fn each_finding_names_its_node_of_the_spec() {
    let spec = Spec::embedded().unwrap();
    let outcome = verify(&[here("tests/broken"), here("tests/drift")], true);
    let mut named = Vec::new();
    for finding in &outcome.findings {
        let at = minted_spec::rule::spec_pointer(&spec.document, finding);
        match finding.kind {
            Kind::Unreadable | Kind::UnknownOperation => assert_eq!(at, None, "{finding}"),
            _ => {
                let at = at.unwrap_or_else(|| panic!("no node for {finding}"));
                assert!(spec.document.pointer(&at).is_some(), "{at} for {finding}");
                named.push((file_name(finding).to_string(), at));
            }
        }
    }
    let at =
        |file: &str| named.iter().find(|(f, _)| f == file).map(|(_, at)| at.as_str()).unwrap_or_default();
    assert!(at("wrong-type.json").ends_with("/properties/expire_ttl"), "{named:#?}");
    assert!(at("undocumented-status.json").ends_with("/responses"), "{named:#?}");
    assert!(at("bad-query-parameter.json").contains("/parameters/"), "{named:#?}");
}

/// A streamed run counts, as it goes, what it reports at its end.
#[test]
fn a_streamed_run_counts_its_progress() {
    let contract = Contract::compile(&Spec::embedded().unwrap()).unwrap();
    let paths = [here("tests/har"), here("tests/captures"), here("tests/broken")];
    let progress = minted_spec::verify::Progress::default();
    let outcome =
        minted_spec::verify::check_paths_watched(&contract, &paths, &contract.scope(&[]), true, &progress);
    let load = |count: &std::sync::atomic::AtomicU64| count.load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(load(&progress.exchanges), outcome.exchanges as u64);
    assert_eq!(load(&progress.findings), outcome.findings.len() as u64);
    let files = paths.iter().flat_map(|path| minted_spec::load::files_under(path).unwrap());
    let bytes: u64 = files.map(|file| std::fs::metadata(file).unwrap().len()).sum();
    assert_eq!(load(&progress.bytes), bytes);
}

/// A byte-order mark before a recording is read past, whole or streamed.
#[test]
fn a_byte_order_mark_is_read_past() {
    let recording = std::fs::read_to_string(here("recordings/get_order/get-order.json")).unwrap();
    let file = workspace_tmp("bom-recording.json");
    std::fs::write(&file, format!("\u{feff}{recording}")).unwrap();
    let contract = Contract::compile(&Spec::embedded().unwrap()).unwrap();
    let streamed =
        minted_spec::verify::check_paths(&contract, std::slice::from_ref(&file), &contract.scope(&[]), true);
    let loaded = verify(&[file], true);
    for outcome in [streamed, loaded] {
        assert!(outcome.findings.is_empty(), "{:#?}", outcome.findings);
        assert_eq!(outcome.exchanges, 1);
    }
}

/// The clean and the broken recordings, written as one HAR, give the same findings.
#[test]
fn the_same_exchanges_as_har_give_the_same_findings() {
    let mut recordings = Vec::new();
    for dir in ["recordings", "tests/broken"] {
        collect_json(&here(dir), &mut recordings);
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

    // A recording of the docs may show no response; its twin has HAR's status 0, an
    // aborted request, which is not checkable: only the others are compared.
    let answered: Vec<PathBuf> = recordings
        .iter()
        .filter(|path| std::fs::read_to_string(path).unwrap().contains("\"response\""))
        .cloned()
        .collect();
    let as_recordings = verify(&answered, true);
    let as_har = verify(&[har], true);
    assert_eq!(as_har.exchanges, answered.len());
    assert_eq!(as_har.skipped.aborted, recordings.len() - answered.len());
    assert!(answered.len() > 10, "{answered:?}");
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
    // A HAR is real traffic: a request without a body sent none. A recording of the
    // docs says instead that they showed none, which is no finding.
    let shown_no_body = |path: &Path| {
        let recording: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        recording["source"] != "traffic" && recording["request"].get("body").is_none()
    };
    let mut from_har: Vec<_> = as_har
        .findings
        .iter()
        .filter(|f| {
            let twin = &recordings[f.entry.expect("HAR findings name their entry")];
            f.kind != Kind::MissingBody || !shown_no_body(twin)
        })
        .map(|f| key(f, &recordings[f.entry.unwrap()].display().to_string()))
        .collect();
    from_recordings.sort();
    from_har.sort();
    assert!(!from_recordings.is_empty());
    assert_eq!(from_recordings, from_har);
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

/// The streaming, parallel run finds what the whole-file run finds, in the same order,
/// on the clean recordings, the broken corpus and the HARs.
#[test]
fn streaming_finds_what_loading_finds() {
    let contract = Contract::compile(&Spec::embedded().unwrap()).unwrap();
    let scope = contract.scope(&[]);
    for paths in [
        vec![here("recordings")],
        vec![here("tests/broken")],
        vec![here("tests/har"), here("tests/drift"), here("tests/captures")],
    ] {
        for strict in [false, true] {
            let loaded = check_all(&contract, Loaded::from_paths(&paths, &scope), strict);
            let streamed = minted_spec::verify::check_paths(&contract, &paths, &scope, strict);
            assert_eq!(streamed.findings, loaded.findings, "{paths:?}");
            assert_eq!(
                (streamed.files, streamed.exchanges, streamed.skipped),
                (loaded.files, loaded.exchanges, loaded.skipped),
                "{paths:?}"
            );
            assert_eq!(streamed.operations_seen, loaded.operations_seen);
        }
    }
}

/// A component that is not a valid schema is named by its place, not by the first
/// operation that uses it (checked only once compiling fails, to keep start-up short).
#[test]
fn a_broken_component_is_named_by_its_place() {
    let broken =
        minted_spec::YAML.replacen("    Gender:\n      type: string", "    Gender:\n      type: 5", 1);
    assert_ne!(broken, minted_spec::YAML, "the component is where the test expects it");
    let spec = Spec::parse("broken.yaml", &broken).expect("it is still YAML");
    let Err(error) = Contract::compile(&spec) else { panic!("a broken component compiles") };
    assert!(error.to_string().starts_with("broken.yaml: /components/schemas/Gender"), "{error}");
    assert_eq!(error.kind(), ErrorKind::InvalidSchema, "{error}");
    assert_eq!(error.file(), Some("broken.yaml"));
    assert!(
        matches!(error.place(), Some(Place::Pointer(at)) if at.starts_with("/components/schemas/Gender"))
    );
}

/// The embedded spec, read from the JSON written at build time, is the YAML as it reads.
#[test]
fn the_embedded_json_is_the_yaml() {
    let yaml = minted_spec::document::parse(minted_spec::YAML).unwrap();
    assert_eq!(Spec::embedded().unwrap().document, yaml);
}

/// A finding describes a value by its kind and size and a path by its template or
/// length: what a request carried (a numeric identity number or phone, a gender outside
/// the enum, a customer's id in a path) is never printed back.
#[test]
fn findings_never_echo_what_an_exchange_carried() {
    const SECRETS: [&str; 5] = ["98765432109", "447700900123", "Zq-Gender", "ADA-SECRET-1815", "Byron-Ada"];
    let dir = workspace_tmp("echo");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let request = |method: &str, path: &str, body: Value| json!({"method": method, "path": path, "headers": {"api-version": "3", "content-type": "application/json"}, "body": body});
    let recordings = [
        (
            "create_customer",
            request(
                "POST",
                "/partner/customer",
                json!({"external_id": "ADA-SECRET-1815", "identity_number": 98765432109u64,
                       "phone": 447700900123u64, "gender": "Zq-Gender", "firstname": "Byron-Ada"}),
            ),
        ),
        ("get_customer", request("GET", "/partner/customerz/ADA-SECRET-1815", Value::Null)),
        ("get_order", request("GET", "/partner/customer/ADA-SECRET-1815", Value::Null)),
    ];
    for (i, (operation, mut request)) in recordings.into_iter().enumerate() {
        if request["body"].is_null() {
            request.as_object_mut().unwrap().remove("body");
        }
        let recording = json!({"operation": operation, "source": "traffic", "request": request});
        std::fs::write(dir.join(format!("{i}.json")), recording.to_string()).unwrap();
    }
    let report = verify(&[dir], true);
    let kinds: Vec<Kind> = report.findings.iter().map(|f| f.kind).collect();
    for kind in [Kind::WrongType, Kind::NotInEnum, Kind::UnknownOperation, Kind::OperationMismatch] {
        assert!(kinds.contains(&kind), "the corpus shows {kind:?}: {kinds:?}");
    }
    for finding in &report.findings {
        let printed = format!("{finding} {}", serde_json::to_string(finding).unwrap());
        for secret in SECRETS {
            assert!(!printed.contains(secret), "{secret} echoed: {printed}");
        }
    }
}
