//! `cargo xtask` as a command: verify's report, exit statuses and output stream; the
//! bundle; the sandbox's refusal to start, and its faults.

use minted_spec::sandbox::limits::MAX_TOKEN_TTL;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn workspace(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace").join(relative)
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).current_dir(workspace("")).output().unwrap()
}

#[test]
fn the_command_line_reports_json_and_exit_statuses() {
    let clean = xtask(&["verify", "--strict"]);
    assert_eq!(clean.status.code(), Some(0), "{}", String::from_utf8_lossy(&clean.stdout));
    let stdout = String::from_utf8_lossy(&clean.stdout);
    assert!(stdout.contains("checked 34 exchanges from 34 files"), "{stdout}");
    assert!(stdout.contains("operations with a recording: 27 of 27"), "{stdout}");
    assert!(stdout.contains("docs inventory: 107 entries"), "{stdout}");

    let broken = xtask(&["verify", "--format", "json", "spec/tests/broken/wrong-type.json"]);
    assert_eq!(broken.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&broken.stdout).expect("--format json prints JSON");
    assert_eq!(report["findings"][0]["kind"], "wrong-type");
    assert_eq!(report["findings"][0]["pointer"], "/data/expire_ttl");
    assert_eq!(report["summary"]["errors"], 1);

    let undocumented = xtask(&["verify", "spec/tests/broken/undocumented-field.json"]);
    assert_eq!(undocumented.status.code(), Some(0), "drift is a warning");
    let strict = xtask(&["verify", "--strict", "spec/tests/broken/undocumented-field.json"]);
    assert_eq!(strict.status.code(), Some(1), "and an error under --strict");

    // Every skip is counted by why, in both formats.
    let captures = xtask(&[
        "verify",
        "--strict",
        "spec/tests/captures/chrome-h2.har",
        "spec/tests/captures/firefox.har",
    ]);
    assert_eq!(captures.status.code(), Some(0), "{}", String::from_utf8_lossy(&captures.stdout));
    let stdout = String::from_utf8_lossy(&captures.stdout);
    assert!(
        stdout.contains(
            "checked 3 exchanges from 2 files; not checkable: 1 aborted (no response), \
             1 with a body the capture left out"
        ),
        "{stdout}"
    );
    let json = xtask(&["verify", "--format", "json", "spec/tests/captures/mitmproxy.har", "spec/tests/har"]);
    let report: Value = serde_json::from_slice(&json.stdout).expect("--format json prints JSON");
    let skipped = &report["summary"]["skipped"];
    assert_eq!(
        [&skipped["other_host"], &skipped["not_json"], &skipped["aborted"], &skipped["not_captured"]],
        [1, 1, 0, 0]
    );

    let unreadable = xtask(&["verify", "spec/tests/broken/empty.json"]);
    assert_eq!(unreadable.status.code(), Some(2));

    let no_spec = xtask(&["verify", "--spec", "spec/no-such-spec.yaml"]);
    assert_eq!(no_spec.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&no_spec.stderr);
    assert!(stderr.starts_with("error: spec/no-such-spec.yaml: cannot read the spec"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A spec too broken to generate a client from is exactly when a maintainer runs
/// verify: it names the place and exits 2, and nothing of the client is built for it.
#[test]
fn a_spec_broken_beyond_generation_is_one_located_line() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("broken-spec");
    std::fs::create_dir_all(&dir).unwrap();
    let original = std::fs::read_to_string(workspace("spec/minted-connect.yaml")).unwrap();
    // A mapping where a value was meant: YAML that no generator can read.
    let broken = original.replacen("openapi: 3.0.3", "openapi: 3.0.3\ninfo: title: broken: here", 1);
    let spec = dir.join("minted-connect.yaml");
    std::fs::write(&spec, broken).unwrap();
    let output = xtask(&["verify", "--spec", spec.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with(&format!("error: {}:2:", spec.display())), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A reader that stops early (`| head -1`) ends the report quietly.
#[test]
fn a_closed_pipe_ends_the_report_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["verify", "spec/tests/broken"])
        .current_dir(workspace(""))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read nothing: the pipe closes before verify writes its report.
    drop(child.stdout.take());
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let status = child.wait().unwrap();
    assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{stderr}");
    assert_eq!(status.code(), Some(2), "the corpus holds unreadable files: {stderr}");
}

/// The bundle is the spec with each named example inline, taken from its recording:
/// what Prism, Redoc and Schemathesis read.
#[test]
fn the_bundle_carries_every_example_inline() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bundle/minted-connect.json");
    let output = xtask(&["bundle", "--out", out.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains("externalValue"));
    let bundle: Value = serde_json::from_str(&text).unwrap();
    let examples = &bundle["paths"]["/partner/pricefix"]["post"]["responses"]["200"]["content"]["application/json"]
        ["examples"];
    let recording: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace("spec/recordings/price_fix/from-amount.json")).unwrap(),
    )
    .unwrap();
    let inline = examples.as_object().unwrap().values().next().unwrap();
    assert_eq!(inline["value"], recording["response"]["body"]);
}

/// `xtask sandbox --addr 127.0.0.1:0 ARGS`: up to its first `n` lines on stderr, and
/// its exit status, or `None` when it started and was stopped here. Its first line says
/// whether it started (`error:` when not); one that did serves until stopped.
fn sandbox(args: &[&str], n: usize) -> (Vec<String>, Option<i32>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["sandbox", "--addr", "127.0.0.1:0"])
        .args(args)
        .current_dir(workspace(""))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read on a thread, so that a line that never comes fails the test instead of hanging it.
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let (sender, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || stderr.lines().map_while(Result::ok).try_for_each(|line| sender.send(line)));
    let lines: Vec<String> =
        (0..n).map_while(|_| lines.recv_timeout(std::time::Duration::from_secs(60)).ok()).collect();
    if lines.first().is_some_and(|line| line.starts_with("error:")) {
        return (lines, child.wait().unwrap().code());
    }
    let _ = child.kill();
    let _ = child.wait();
    (lines, None)
}

/// A token lifetime the sandbox cannot date stops it at start, naming the maximum,
/// instead of failing on every price fix.
#[test]
fn the_sandbox_refuses_a_token_lifetime_past_its_maximum() {
    let (lines, status) = sandbox(&["--token-ttl", "100000000000000"], 1);
    let first = lines.first().map_or("", String::as_str);
    assert!(first.starts_with("error: a price token cannot live 100000000000000 s"), "{first}");
    assert!(first.contains(&format!("maximum is {} s", MAX_TOKEN_TTL.as_secs())), "{first}");
    assert_eq!(status, Some(1), "{first}");
}

/// `--fault`: a mistake is named before anything starts, faults that cannot be armed
/// together stop the sandbox at start, and those armed are listed when it starts.
#[test]
fn the_sandbox_arms_the_faults_it_is_given() {
    let (lines, status) = sandbox(&["--fault", "buy:explode:0.1"], 1);
    assert_eq!(status, Some(2), "{lines:?}");
    assert!(
        lines[0].contains("`explode` is not a kind of fault: one of lose, reset, 503, delay"),
        "{lines:?}"
    );
    let (lines, _) = sandbox(&["--fault", "buyy:lose:0.1"], 1);
    assert!(lines[0].contains("no operation with the id `buyy`"), "{lines:?}");

    let (lines, status) = sandbox(&["--fault", "buy:lose:0.6", "--fault", "buy:reset:0.6"], 1);
    assert_eq!(status, Some(1), "{lines:?}");
    assert!(
        lines[0].starts_with("error: the faults cannot be armed: the faults on `buy` add up"),
        "{lines:?}"
    );

    let (lines, status) = sandbox(&["--fault", "buy:lose:0.3", "--fault", "sell:delay:0.2:5s"], 3);
    assert_eq!(status, None, "{lines:?}");
    assert!(lines[0].starts_with("sandbox on "), "{lines:?}");
    assert_eq!(lines[1..], ["fault armed: buy:lose:0.3", "fault armed: sell:delay:0.2:5s"], "{lines:?}");
}

/// `changes`: no change against the committed spec (from git, as CI runs it), an
/// edit's reading in each format, and the exit status `--fail-on` asks for.
#[test]
fn changes_reads_an_edit_in_each_format_and_fails_on_request() {
    let unchanged = xtask(&["changes", "git:HEAD", "spec/minted-connect.yaml", "--fail-on", "minor"]);
    assert_eq!(unchanged.status.code(), Some(0), "{}", String::from_utf8_lossy(&unchanged.stderr));
    assert!(String::from_utf8_lossy(&unchanged.stdout).contains("no change to the API: none"));

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("changes");
    std::fs::create_dir_all(&dir).unwrap();
    let original = std::fs::read_to_string(workspace("spec/minted-connect.yaml")).unwrap();
    let token =
        "        token: {type: string, description: Quote it as `price_token` in a buy or sell order.}\n";
    assert!(original.contains(token));
    let edited =
        original.replacen(token, &format!("{token}        fee: {{type: number, format: decimal}}\n"), 1);
    let new = dir.join("minted-connect.yaml");
    std::fs::write(&new, &edited).unwrap();
    let new = new.to_str().unwrap();

    let json = xtask(&["changes", "spec/minted-connect.yaml", new, "--format", "json"]);
    assert_eq!(json.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        (report["bump"].as_str(), report["wire"].as_str(), report["rust"].as_str()),
        (Some("minor"), Some("compatible"), Some("none"))
    );
    assert_eq!(report["changes"][0]["check"], "response-property-added");
    assert_eq!(report["changes"][0]["items"][0], "types::PriceFix::fee");
    let line = report["changes"][0]["line"].as_u64().unwrap() as usize;
    assert!(edited.lines().nth(line - 1).unwrap().contains("fee:"), "line {line}");

    let markdown = String::from_utf8(
        xtask(&["changes", "spec/minted-connect.yaml", new, "--format", "markdown"]).stdout,
    )
    .unwrap();
    assert!(markdown.starts_with("### Spec changes (minor release"), "{markdown}");
    assert!(
        markdown.contains("#### Added and compatible\n\n- `price_fix`: property `fee` added (optional)"),
        "{markdown}"
    );
    let github =
        String::from_utf8(xtask(&["changes", "spec/minted-connect.yaml", new, "--format", "github"]).stdout)
            .unwrap();
    assert!(
        github.starts_with(&format!("::warning file={new},line={line},title=response-property-added::")),
        "{github}"
    );

    assert_eq!(
        xtask(&["changes", "spec/minted-connect.yaml", new, "--fail-on", "breaking"]).status.code(),
        Some(0)
    );
    assert_eq!(
        xtask(&["changes", "spec/minted-connect.yaml", new, "--fail-on", "minor"]).status.code(),
        Some(1)
    );
    let no_ref = xtask(&["changes", "git:no-such-ref"]);
    assert_eq!(no_ref.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&no_ref.stderr).starts_with("error: git:no-such-ref: "),
        "{}",
        String::from_utf8_lossy(&no_ref.stderr)
    );
}

/// Every format carries every finding, placed, and none of the values the traffic held.
#[test]
fn each_format_reports_every_finding_and_no_value() {
    let paths = ["spec/tests/drift", "spec/tests/captures", "spec/tests/har"];
    let run = |format: &str, suggest: bool| {
        let mut args = vec!["verify", "--format", format];
        if suggest {
            args.push("--suggest");
        }
        args.extend(paths);
        let output = xtask(&args);
        assert_eq!(output.status.code(), Some(2), "the Postman collection is unreadable: {format}");
        String::from_utf8(output.stdout).unwrap()
    };
    let json: Value = serde_json::from_str(&run("json", false)).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let errors = findings.iter().filter(|f| f["severity"] == "error").count();
    assert!(errors > 0 && findings.len() > errors, "{json:#}");

    // SARIF: one result per finding, at its file; the spec's node as a related location.
    let sarif_text = run("sarif", true);
    let sarif: Value = serde_json::from_str(&sarif_text).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    for (result, finding) in results.iter().zip(findings) {
        assert_eq!(result["ruleId"], finding["kind"]);
        assert_eq!(result["level"], finding["severity"]);
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap();
        assert_eq!(uri, finding["file"].as_str().unwrap());
        assert_eq!(
            result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].is_string(),
            finding["entry"].is_number()
        );
        assert_eq!(result["partialFingerprints"]["mintedFinding/v1"].as_str().map(str::len), Some(32));
        if finding["operation"].is_string() && finding["kind"] != "unknown-operation" {
            let related = &result["relatedLocations"][0]["physicalLocation"];
            assert_eq!(related["artifactLocation"]["uri"], "spec/minted-connect.yaml", "{result:#}");
            assert!(related["region"]["startLine"].as_u64().unwrap() > 1, "{result:#}");
        }
    }
    assert!(
        results.iter().any(|r| r["fixes"][0]["artifactChanges"][0]["replacements"].is_array()),
        "--suggest gives fixes"
    );
    let again: Value = serde_json::from_str(&run("sarif", true)).unwrap();
    let fingerprints = |log: &Value| -> Vec<Value> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"].clone())
            .collect()
    };
    assert_eq!(fingerprints(&sarif), fingerprints(&again), "fingerprints are stable across runs");

    // JUnit: well-formed XML, one failure per error finding.
    let junit = run("junit", false);
    let mut reader = quick_xml::Reader::from_str(&junit);
    let (mut failures, mut suites) = (0, 0);
    loop {
        match reader.read_event().expect("JUnit output is well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.name().as_ref() {
                    b"failure" => failures += 1,
                    b"testsuite" => suites += 1,
                    _ => {}
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(failures, errors, "{junit}");
    assert!(suites >= 27, "a suite per operation: {junit}");

    // GitHub: one annotation per finding, then a summary line.
    let github = run("github", false);
    let lines: Vec<&str> = github.lines().collect();
    let annotations =
        lines.iter().filter(|l| l.starts_with("::error ") || l.starts_with("::warning ")).count();
    assert_eq!(annotations, findings.len(), "{github}");
    assert!(lines.iter().any(|l| l.starts_with("::warning file=spec/minted-connect.yaml,line=")), "{github}");
    assert!(lines.last().unwrap().contains(&format!("{errors} errors")), "{github}");

    let markdown = run("markdown", false);
    assert!(markdown.contains("| errors | ") && markdown.contains("| `undocumented-field` |"), "{markdown}");

    // Values the captures carry: a customer's id, an order code, a price token.
    for text in [&sarif_text, &junit, &github, &markdown] {
        for value in ["MTD0018232", "HYAQA01373", "t85QBvvn1GHeOslKuiJm7CF0M0lpwU26", "Bad Gateway"] {
            assert!(!text.contains(value), "{value} in\n{text}");
        }
    }
}

/// A baseline accepts what it lists (a clean run's status), a new finding fails as
/// before, and an accepted finding no longer found is stale.
#[test]
fn a_baseline_accepts_its_findings_fails_new_ones_and_reports_stale_ones() {
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("baseline.json");
    let file = file.to_str().unwrap();
    let written = xtask(&["verify", "--strict", "--write-baseline", file, "spec/tests/drift"]);
    assert_eq!(written.status.code(), Some(1), "writing a baseline does not change the run");
    let baseline: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let accepted = baseline["accepted"].as_array().unwrap();
    assert!(accepted.len() >= 5, "{baseline:#}");
    for entry in accepted {
        assert_eq!(entry["reason"], "", "{entry}");
        assert!(entry["fingerprint"].is_string() && entry["kind"].is_string() && entry["where"].is_string());
    }

    let clean = xtask(&["verify", "--strict", "--baseline", file, "spec/tests/drift"]);
    let stdout = String::from_utf8_lossy(&clean.stdout);
    assert_eq!(clean.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("0 errors, 0 warnings\naccepted by the baseline: "), "{stdout}");
    assert!(!stdout.contains("stale["), "{stdout}");

    let new = xtask(&[
        "verify",
        "--strict",
        "--baseline",
        file,
        "spec/tests/drift",
        "spec/tests/broken/wrong-type.json",
    ]);
    let stdout = String::from_utf8_lossy(&new.stdout);
    assert_eq!(new.status.code(), Some(1), "{stdout}");
    assert!(stdout.starts_with("error[wrong-type] spec/tests/broken/wrong-type.json"), "{stdout}");
    assert!(stdout.contains("\n1 error, 0 warnings\n"), "{stdout}");

    let fewer = xtask(&[
        "verify",
        "--strict",
        "--format",
        "json",
        "--baseline",
        file,
        "spec/tests/drift/get-order-new-status.json",
    ]);
    assert_eq!(fewer.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&fewer.stdout).unwrap();
    let stale = report["summary"]["stale"].as_array().unwrap();
    assert!(!stale.is_empty() && stale.len() < accepted.len(), "{report:#}");
    assert!(report["summary"]["accepted"].as_u64().unwrap() > 0, "{report:#}");
    // SARIF: the accepted findings are results too, suppressed.
    let sarif = xtask(&[
        "verify",
        "--format",
        "sarif",
        "--baseline",
        file,
        "spec/tests/drift",
        "spec/tests/broken/wrong-type.json",
    ]);
    let sarif: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().all(|r| r["ruleIndex"].is_u64()), "{sarif:#}");
    let suppressed = results.iter().filter(|r| r["suppressions"][0]["kind"] == "external").count();
    let drift = xtask(&["verify", "--format", "json", "spec/tests/drift"]);
    let drift: Value = serde_json::from_slice(&drift.stdout).unwrap();
    let drift = drift["findings"].as_array().unwrap().len();
    assert_eq!(
        (suppressed, results.len()),
        (drift, drift + 1),
        "every finding of the drift accepted, one new"
    );

    let text =
        xtask(&["verify", "--strict", "--baseline", file, "spec/tests/drift/get-order-new-status.json"]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert_eq!(stdout.matches("stale[").count(), stale.len(), "{stdout}");
}

/// Progress is for a person at a terminal: with stderr a pipe nothing is drawn, even for
/// an input over the threshold (lowered here to every input).
#[test]
fn no_progress_when_stderr_is_not_a_terminal() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["verify", "spec/tests/captures/chrome-h2.har", "spec/tests/har"])
        .env(xtask::progress::THRESHOLD_VARIABLE, "0")
        .current_dir(workspace(""))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stdout));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "", "stderr is not a terminal");
}
