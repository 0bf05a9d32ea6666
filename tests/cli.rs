//! The `minted` command: one subcommand per operation of the spec, configuration
//! from flags or the environment, JSON on stdout, one line on stderr.

#![cfg(feature = "cli")]

mod support;

use std::collections::BTreeSet;
use std::process::{Command, Output};
use support::{Challenges, PASSWORD, Reply, Server, USERNAME, newer, recorded_body};

/// Runs `minted` with `variables` as its only `MINTED_*` environment.
fn minted(args: &[&str], variables: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_minted"));
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("MINTED_")) {
        command.env_remove(name);
    }
    command.args(args).envs(variables.iter().copied()).output().expect("minted runs")
}

/// As `minted`, from a test whose runtime serves the called server.
async fn minted_async(args: &[&str], variables: &[(&str, &str)]) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let variables: Vec<(String, String)> =
        variables.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let variables: Vec<(&str, &str)> = variables.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        minted(&args, &variables)
    })
    .await
    .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_lists_one_subcommand_per_operation() {
    let output = minted(&["--help"], &[]);
    assert!(output.status.success());
    let help = text(&output.stdout);
    let commands = help.split("Commands:\n").nth(1).expect("a Commands section");
    let listed: BTreeSet<&str> = commands
        .lines()
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .collect();
    let operations: BTreeSet<String> =
        support::operation_ids().iter().map(|id| id.replace('_', "-")).collect();
    assert_eq!(listed, operations.iter().map(String::as_str).collect());
    assert_eq!(listed.len(), 27);
}

#[test]
fn an_operations_help_shows_its_parameters() {
    let output = minted(&["get-customer", "--help"], &[]);
    assert!(output.status.success());
    let help = text(&output.stdout);
    assert!(help.contains("Get a customer with their wallets"), "{help}");
    assert!(
        help.contains("Usage: minted get-customer [OPTIONS] --external-customer-id <external-customer-id>"),
        "{help}"
    );
    for flag in
        ["--accept-language", "--api-version", "--x-client-id", "--base-url", "--username", "--password"]
    {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }

    let help = text(&minted(&["price-fix", "--help"], &[]).stdout);
    for flag in ["--type", "--customer-external-id", "--total", "--currency", "--json-body"] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
    assert!(!help.contains("--json-body-template"), "{help}");
}

#[test]
fn help_never_shows_the_password() {
    let secret = [("MINTED_PASSWORD", "pa55word-secret"), ("MINTED_USERNAME", "partner")];
    for args in [&["--help"][..], &["price-fix", "--help"], &["price-fix", "-h"]] {
        let help = text(&minted(args, &secret).stdout);
        assert!(help.contains("MINTED_PASSWORD"), "{help}");
        assert!(!help.contains("pa55word-secret"), "{help}");
    }
}

#[test]
fn a_call_without_a_base_url_fails_with_one_line() {
    let output =
        minted(&["price-fix", "--type", "digital"], &[("MINTED_USERNAME", "u"), ("MINTED_PASSWORD", "p")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert_eq!(text(&output.stderr), "error: configuration: --base-url (or MINTED_BASE_URL) is not set\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_prints_the_response_envelope_as_json() {
    let server = Server::digest(
        Challenges::Standard { md5_first: false },
        PASSWORD,
        Box::new(|_| Reply::Json(200, recorded_body("price_fix/from-amount.json"))),
    )
    .await;
    let variables = [
        ("MINTED_USERNAME", USERNAME),
        ("MINTED_PASSWORD", PASSWORD),
        ("MINTED_CLIENT_ID", "mobile"),
        ("MINTED_LANGUAGE", "en"),
    ];
    let args =
        ["price-fix", "--base-url", &server.url, "--type", "digital", "--customer-external-id", "MTD0018232"];
    let output = minted_async(&args, &variables).await;

    assert!(output.status.success(), "{}", text(&output.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(printed["success"], true);
    assert_eq!(printed["data"]["token"], "t85QBvvn1GHeOslKuiJm7CF0M0lpwU26");
    assert_eq!(printed["data"]["prices"][0]["buy_price"].to_string(), "2889.71");

    // A challenge, then the answered call, with the flags' body and the environment's
    // client id and language.
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen[1].header("authorization").is_some_and(|a| a.starts_with("Digest ")));
    assert_eq!(seen[1].header("x-client-id"), Some("mobile"));
    assert_eq!(seen[1].header("accept-language"), Some("en"));
    let body: serde_json::Value = serde_json::from_slice(&seen[1].body).unwrap();
    assert_eq!(body, serde_json::json!({"type": "digital", "customer_external_id": "MTD0018232"}));
}

/// What is printed is the envelope as the client decoded it, written out again: the
/// fields the spec documents, not every byte the API sent.
#[tokio::test(flavor = "multi_thread")]
async fn a_call_prints_the_documented_fields_of_the_envelope() {
    let mut sent: serde_json::Value =
        serde_json::from_str(&recorded_body("price_fix/from-amount.json")).unwrap();
    sent["undocumented"] = "top".into();
    sent["data"]["undocumented"] = "inner".into();
    let body = sent.to_string();
    let server = Server::open(Box::new(move |_| Reply::Json(200, body.clone()))).await;
    let variables =
        [("MINTED_BASE_URL", server.url.as_str()), ("MINTED_USERNAME", "u"), ("MINTED_PASSWORD", "p")];
    let output = minted_async(&["price-fix", "--type", "digital"], &variables).await;

    assert!(output.status.success(), "{}", text(&output.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!((&printed["success"], &printed["code"]), (&sent["success"], &sent["code"]));
    assert_eq!(printed["data"]["token"], sent["data"]["token"]);
    assert_eq!(
        printed["data"]["prices"][1]["spot_price"].to_string(),
        "34.7041",
        "decimals keep their digits"
    );
    // Left out: what the spec does not document, and optional fields sent as null.
    assert_eq!(printed.get("undocumented"), None, "{printed}");
    assert_eq!(printed["data"].get("undocumented"), None, "{printed}");
    assert!(sent["data"]["total"].is_null() && printed["data"].get("total").is_none(), "{printed}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_call_is_one_line_without_the_password() {
    let server = Server::digest(
        Challenges::Standard { md5_first: false },
        PASSWORD,
        Box::new(|_| Reply::Json(200, recorded_body("price_fix/from-amount.json"))),
    )
    .await;
    let args = ["price-fix", "--type", "digital", "--username", USERNAME, "--password", "pa55word-secret"];
    let output = minted_async(&args, &[("MINTED_BASE_URL", &server.url)]).await;

    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert_eq!(text(&output.stderr), "error: unauthorized: the server refused the username and password\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_api_error_is_one_line_with_its_field_errors() {
    let body = r#"{"success": false, "code": 422, "message": "The given data was invalid.",
                   "errors": {"email": ["The email must be a valid email address."], "phone": "Required."}}"#;
    let server = Server::open(Box::new(move |_| Reply::Json(422, body.into()))).await;
    let variables =
        [("MINTED_BASE_URL", server.url.as_str()), ("MINTED_USERNAME", "u"), ("MINTED_PASSWORD", "p")];
    let output = minted_async(&["price-fix", "--type", "digital"], &variables).await;

    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert_eq!(
        text(&output.stderr),
        "error: API error (HTTP 422, code 422): The given data was invalid. \
         (email: The email must be a valid email address.; phone: Required.)\n"
    );
}

#[test]
fn a_transport_failure_says_why_in_one_line() {
    let variables =
        [("MINTED_BASE_URL", "http://127.0.0.1:1"), ("MINTED_USERNAME", "u"), ("MINTED_PASSWORD", "p")];
    let output = minted(&["get-customer", "--external-customer-id", "MTD0018232"], &variables);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("error: transport (connect): "), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn sandbox_answers_in_process_with_no_configuration() {
    let output =
        minted(&["--sandbox", "price-fix", "--type", "digital", "--customer-external-id", "MTD0018232"], &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let recorded: serde_json::Value =
        serde_json::from_str(&recorded_body("price_fix/from-amount.json")).unwrap();
    // A fresh token, for every recorded product.
    assert_eq!(printed["data"]["token"].as_str().map(str::len), Some(32));
    assert_ne!(printed["data"]["token"], recorded["data"]["token"]);
    let skus = |fix: &serde_json::Value| {
        fix["data"]["prices"].as_array().unwrap().iter().map(|p| p["sku"].clone()).collect::<Vec<_>>()
    };
    assert_eq!(skus(&printed), skus(&recorded));

    let output = minted(&["--sandbox", "create-customer", "--external-id", "QS-1", "--email", "bad"], &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("HTTP 422") && stderr.contains("body.email: bad-format"), "{stderr}");
}

/// `--sandbox` replaces where the calls go and as whom, not the optional settings:
/// the client id and language from the environment reach the sandbox, as the
/// recording (kept with `MINTED_RECORD`, which applies too) shows.
#[test]
fn sandbox_takes_the_client_id_and_language_from_the_environment() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli-sandbox-settings-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let variables =
        [("MINTED_CLIENT_ID", "mobile"), ("MINTED_LANGUAGE", "en"), ("MINTED_RECORD", dir.to_str().unwrap())];
    let output = minted(&["--sandbox", "price-fix", "--type", "digital"], &variables);
    assert!(output.status.success(), "{}", text(&output.stderr));

    let files: Vec<_> = std::fs::read_dir(&dir).expect("a recording").map(|f| f.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let recording: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    let headers = &recording["request"]["headers"];
    assert_eq!((&headers["x-client-id"], &headers["accept-language"]), (&"mobile".into(), &"en".into()));
}

/// Against a server newer than the spec, the command prints the values the spec does
/// not list as sent; recorded, each is drift to `verify`, `not-in-enum`: it checks
/// against the spec, not the client.
#[tokio::test(flavor = "multi_thread")]
async fn values_a_newer_server_sends_are_printed_and_recorded_as_drift() {
    use minted_spec::contract::{Contract, Spec};
    use minted_spec::finding::Kind;
    use minted_spec::load::Loaded;

    let running = newer::sandbox().await;
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli-newer-server-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let url = running.url();
    let variables = [
        ("MINTED_BASE_URL", url.as_str()),
        ("MINTED_USERNAME", minted_spec::sandbox::USERNAME),
        ("MINTED_PASSWORD", minted_spec::sandbox::PASSWORD),
        ("MINTED_RECORD", dir.to_str().unwrap()),
    ];
    for (operation, args) in [
        ("get_order", &["get-order", "--external-order-id", "HYAQA01373"][..]),
        ("price_fix", &["price-fix", "--type", "digital"][..]),
    ] {
        let output = minted_async(args, &variables).await;
        assert!(output.status.success(), "{operation}: {}", text(&output.stderr));
        let printed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
        for (pointer, value) in newer::unlisted_in(operation) {
            assert_eq!(printed.pointer(pointer), Some(&value.into()), "{operation} {pointer}: {printed}");
        }
    }

    let contract = Contract::compile(&Spec::embedded().unwrap()).unwrap();
    let outcome =
        minted_spec::verify::check_all(&contract, Loaded::from_paths(&[dir], &contract.scope(&[])), true);
    assert_eq!(outcome.exchanges, 2);
    let found: BTreeSet<(Kind, String, String)> = outcome
        .findings
        .iter()
        .map(|f| (f.kind, f.operation.clone().unwrap_or_default(), f.pointer.clone()))
        .collect();
    // Only those: verify reports an undocumented field (the added one) of an object once
    // the object's other findings are settled, as its `--suggest` rounds do.
    let expected: BTreeSet<(Kind, String, String)> = ["get_order", "price_fix"]
        .into_iter()
        .flat_map(|op| {
            newer::unlisted_in(op).map(move |(at, _)| (Kind::NotInEnum, op.to_string(), at.to_string()))
        })
        .collect();
    assert_eq!(found, expected, "{:#?}", outcome.findings);
}

/// A reader that stops early (`| head`) ends the command quietly and successfully.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_minted"))
        .args(["--sandbox", "price-fix", "--type", "digital", "--customer-external-id", "MTD0018232"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let status = child.wait().unwrap();
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(status.code(), Some(0));
}
