//! `minted-sandbox`, the installed command: started from a folder with no checkout, it
//! serves from the spec and recordings built into it, behind Digest.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command};
use std::time::Duration;

#[path = "support/child.rs"]
mod child;
#[path = "support/raw.rs"]
mod support;

/// The command, started in an empty folder: the child and the address it serves on.
fn start(args: &[&str]) -> (Child, Result<SocketAddr, String>) {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    child::start(&args, &tempdir())
}

/// A new, empty folder under the test's target directory.
fn tempdir() -> std::path::PathBuf {
    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("no-checkout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    assert!(std::fs::read_dir(&dir).unwrap().next().is_none(), "the folder holds nothing");
    dir
}

/// Sends raw bytes on a new connection and reads until the server closes it.
fn exchange(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let _ = stream.write_all(request);
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply);
    String::from_utf8_lossy(&reply).into_owned()
}

/// `POST path` with a JSON body, answering the sandbox's Digest challenge as a client
/// would (by the http-auth crate).
fn post(addr: SocketAddr, path: &str, body: &str) -> String {
    let bodiless =
        format!("POST {path} HTTP/1.1\r\nHost: sandbox\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let challenged = exchange(addr, bodiless.as_bytes());
    let answer = support::answer(&challenged, "POST", path);
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: sandbox\r\napi-version: 2\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{answer}Connection: close\r\n\r\n{body}",
        body.len()
    );
    exchange(addr, request.as_bytes())
}

#[test]
fn the_installed_command_serves_a_price_fix_with_no_checkout() {
    let (mut child, addr) = start(&["--seed", "7"]);
    let addr = addr.unwrap();
    let reply = post(addr, "/partner/pricefix", r#"{"type": "digital"}"#);
    let _ = child.kill();
    let _ = child.wait();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let body: Value = serde_json::from_str(reply.split("\r\n\r\n").nth(1).unwrap_or_default()).unwrap();
    assert!(body["data"]["token"].is_string(), "{body}");
}

#[test]
fn its_mistakes_are_named_and_its_help_lists_the_flags() {
    let (mut child, addr) = start(&["--fault", "buy:explode:0.1"]);
    assert_eq!(child.wait().unwrap().code(), Some(2));
    let line = addr.unwrap_err();
    assert!(line.contains("`explode` is not a kind of fault: one of lose, reset, 503, delay"), "{line}");

    let help = Command::new(env!("CARGO_BIN_EXE_minted-sandbox")).arg("--help").output().unwrap();
    assert!(help.status.success());
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in
        ["--addr", "--seed", "--token-ttl", "--username", "--password", "--spec", "--recordings", "--fault"]
    {
        assert!(help.contains(flag), "{flag}: {help}");
    }
}
