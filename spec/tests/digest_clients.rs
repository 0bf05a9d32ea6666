//! Every common Digest client gets in: each HTTP client partners use runs a price fix
//! through the sandbox (in-process, on port 0) as a subprocess, answering the
//! sandbox's challenges as it chooses. A client not installed here is skipped, saying
//! so (`skipped: <client> not installed`); none is installed by the tests.

use minted_spec::sandbox::{DigestAlgorithms, Running, Sandbox};
use serde_json::Value;
use std::process::Command;

const FIX: &str = r#"{"type": "digital"}"#;

async fn start(algorithms: DigestAlgorithms) -> Running {
    Sandbox::default()
        .digest_algorithms(algorithms)
        .log(|_| {})
        .start(([127, 0, 0, 1], 0).into())
        .await
        .unwrap()
}

/// Whether `program args` runs and succeeds (a client, or a module of it, is there).
fn installed(program: &str, args: &[&str]) -> bool {
    Command::new(program).args(args).output().is_ok_and(|output| output.status.success())
}

/// Runs the client (off the async workers, which serve the sandbox): its stdout, a
/// status line then the body, or why it failed.
async fn run(mut command: Command) -> Result<(u16, Value), String> {
    let output =
        tokio::task::spawn_blocking(move || command.output()).await.unwrap().map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let (status, body) = stdout.split_once('\n').ok_or_else(|| format!("no answer: {stdout}{stderr}"))?;
    let status = status.trim().parse().map_err(|_| format!("no status: {stdout}{stderr}"))?;
    let body = serde_json::from_str(body).map_err(|_| format!("{status}, not JSON: {body}{stderr}"))?;
    Ok((status, body))
}

/// The price fix `command` (given the URL) makes went through: a 200 with a token.
async fn fixes_a_price(client: &str, algorithms: DigestAlgorithms, command: impl Fn(&str) -> Command) {
    let running = start(algorithms).await;
    let url = format!("{}/partner/pricefix", running.url());
    let answer = run(command(&url)).await;
    let (status, body) = answer.unwrap_or_else(|why| panic!("{client}: {why}"));
    assert_eq!(status, 200, "{client}: {body}");
    assert!(body["data"]["token"].is_string(), "{client}: {body}");
}

/// Prints why a client's test does nothing.
fn skipped(client: &str) {
    println!("skipped: {client} not installed");
}

fn curl(url: &str) -> Command {
    let mut command = Command::new("curl");
    command.args(["--silent", "--show-error", "--digest", "--user", "sandbox:sandbox"]);
    command.args(["--header", "api-version: 2", "--header", "Content-Type: application/json"]);
    command.args(["--data", FIX, "--write-out", "\n%{http_code}", url]);
    // curl writes the body, then the status: put back in the order `run` reads.
    let script = r#"out=$("$@"); code=${out##*$'\n'}; printf '%s\n%s' "$code" "${out%$'\n'*}""#;
    let mut shell = Command::new("bash");
    shell.args(["-c", script, "curl"]).arg(command.get_program()).args(command.get_args());
    shell
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_gets_in() {
    if !installed("curl", &["--version"]) || !installed("bash", &["--version"]) {
        return skipped("curl");
    }
    fixes_a_price("curl", DigestAlgorithms::Both, curl).await;
}

/// wget answers Digest on the challenge by itself (`--auth-no-challenge` is for
/// Basic, sent unasked); it speaks MD5 only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wget_gets_in() {
    if !installed("wget", &["--version"]) || !installed("bash", &["--version"]) {
        return skipped("wget");
    }
    fixes_a_price("wget", DigestAlgorithms::Both, |url| {
        let script = r#"body=$(wget -q -O - --user sandbox --password sandbox --header 'api-version: 2' \
            --header 'Content-Type: application/json' --post-data "$2" "$1") && printf '200\n%s' "$body""#;
        let mut command = Command::new("bash");
        command.args(["-c", script, "wget", url, FIX]);
        command
    })
    .await;
}

/// A Python client: `script` gets the URL and the body, and prints the status, then the body.
fn python(script: &str, url: &str) -> Command {
    let mut command = Command::new("python3");
    command.args(["-c", script, url, FIX]);
    command
}

/// A price fix by Python's `urllib`, which reads only the first challenge.
const URLLIB: &str = r#"
import sys, urllib.request
url, body = sys.argv[1], sys.argv[2].encode()
passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
passwords.add_password(None, url, "sandbox", "sandbox")
opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))
request = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json", "api-version": "2"})
with opener.open(request) as answer:
    print(answer.status)
    print(answer.read().decode())
"#;

/// `urllib` reads only the first challenge, and refuses the 401 when that one is SHA-256.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_urllib_gets_in() {
    if !installed("python3", &["-c", "import urllib.request"]) {
        return skipped("python3 (urllib)");
    }
    fixes_a_price("urllib", DigestAlgorithms::Both, |url| python(URLLIB, url)).await;
}

/// A price fix by a Python library whose answer has `status_code` and `text`: `post`
/// is its call, of `url`, `body`, `headers` and `auth` (built from `module`'s `auth_class`).
async fn python_library_gets_in(module: &str, auth_class: &str, post: &str) {
    if !installed("python3", &["-c", &format!("import {module}")]) {
        return skipped(&format!("python3 {module}"));
    }
    let script = format!(
        "import sys, {module}\n\
         url, body = sys.argv[1], sys.argv[2]\n\
         headers = {{'Content-Type': 'application/json', 'api-version': '2'}}\n\
         auth = {auth_class}('sandbox', 'sandbox')\n\
         answer = {post}\nprint(answer.status_code)\nprint(answer.text)\n"
    );
    fixes_a_price(module, DigestAlgorithms::Both, |url| python(&script, url)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_requests_gets_in() {
    let post = "requests.post(url, data=body, headers=headers, auth=auth)";
    python_library_gets_in("requests", "requests.auth.HTTPDigestAuth", post).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_httpx_gets_in() {
    let post = "httpx.post(url, content=body, headers=headers, auth=auth)";
    python_library_gets_in("httpx", "httpx.DigestAuth", post).await;
}

/// Node's fetch (undici) has no Digest of its own: with the `digest-fetch` package,
/// where it is installed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_digest_fetch_gets_in() {
    if !installed("node", &["-e", "import('digest-fetch').then(() => {}, () => process.exit(1))"]) {
        return skipped("node with digest-fetch");
    }
    fixes_a_price("node digest-fetch", DigestAlgorithms::Both, |url| {
        let script = r#"
import('digest-fetch').then(async ({ default: DigestFetch }) => {
  const client = new DigestFetch('sandbox', 'sandbox');
  const answer = await client.fetch(process.argv[1], { method: 'POST', body: process.argv[2],
    headers: { 'Content-Type': 'application/json', 'api-version': '2' } });
  console.log(answer.status);
  console.log(await answer.text());
});
"#;
        let mut command = Command::new("node");
        command.args(["-e", script, url, FIX]);
        command
    })
    .await;
}

/// `--digest-algorithm`: restricted to SHA-256, a client that answers it (curl) gets
/// in and one that speaks only MD5 (`urllib`) is refused; restricted to MD5, curl
/// still gets in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restricted_sandbox_offers_only_its_algorithm() {
    if !installed("curl", &["--version"]) || !installed("bash", &["--version"]) {
        return skipped("curl");
    }
    fixes_a_price("curl", DigestAlgorithms::Sha256, curl).await;
    fixes_a_price("curl", DigestAlgorithms::Md5, curl).await;
    if !installed("python3", &["-c", "import urllib.request"]) {
        return skipped("python3 (urllib)");
    }
    let running = start(DigestAlgorithms::Sha256).await;
    let url = format!("{}/partner/pricefix", running.url());
    let refused = run(python(URLLIB, &url)).await.unwrap_err();
    assert!(refused.contains("Unsupported digest authentication algorithm"), "{refused}");
}
