//! Shared by the sandbox's tests: a sandbox on port 0, raw requests on new
//! connections, and Digest answers made as a client makes them (by the http-auth crate).

#![allow(dead_code, reason = "each includer uses its part")]

use minted_spec::sandbox::{Running, Sandbox};
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A sandbox on a free port of 127.0.0.1 that logs nowhere.
pub async fn start() -> Running {
    Sandbox::default().log(|_| {}).start(([127, 0, 0, 1], 0).into()).await.unwrap()
}

/// Sends raw bytes on a new connection and reads until the server closes it.
pub async fn exchange(running: &Running, request: &[u8]) -> String {
    exchange_at(running.addr(), request).await
}

/// Sends raw bytes to `addr` on a new connection and reads until the server closes it
/// (empty when it cannot connect).
pub async fn exchange_at(addr: SocketAddr, request: &[u8]) -> String {
    let Ok(mut stream) = TcpStream::connect(addr).await else { return String::new() };
    // A server that answers early may close before the whole request is written.
    let _ = stream.write_all(request).await;
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply).await;
    String::from_utf8_lossy(&reply).into_owned()
}

/// An `Authorization` header line for `method path`: the answer (by the http-auth
/// crate, as a client would) to the challenge the sandbox gives a bodiless request.
pub async fn authorization(running: &Running, method: &str, path: &str) -> String {
    authorization_at(running.addr(), method, path).await
}

/// [`authorization`] for the sandbox at `addr`; empty when it gives no challenge.
pub async fn authorization_at(addr: SocketAddr, method: &str, path: &str) -> String {
    let bodiless = format!("{method} {path} HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n");
    let challenged = exchange_at(addr, bodiless.as_bytes()).await;
    if !challenged.starts_with("HTTP/1.1 401") {
        return String::new();
    }
    answer(&challenged, method, path)
}

/// `method path` with a JSON `body` (none when null) and the credentials, to the
/// sandbox at `addr`: the status (0 when nothing came back) and the JSON body.
pub async fn signed_at(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: &serde_json::Value,
) -> (u16, serde_json::Value) {
    let auth = authorization_at(addr, method, path).await;
    let body = if body.is_null() { String::new() } else { body.to_string() };
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: sandbox\r\napi-version: 2\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{auth}Connection: close\r\n\r\n{body}",
        body.len()
    );
    read(&exchange_at(addr, request.as_bytes()).await)
}

/// The status (0 for none) and the JSON body of a raw reply.
pub fn read(reply: &str) -> (u16, serde_json::Value) {
    let status = reply.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = reply.split("\r\n\r\n").nth(1).unwrap_or_default();
    (status, serde_json::from_str(body).unwrap_or(serde_json::Value::Null))
}

/// The `Authorization` header line answering the challenges of a raw 401 `challenged`,
/// with the sandbox's default credentials.
pub fn answer(challenged: &str, method: &str, path: &str) -> String {
    let challenges = challenged.lines().filter_map(|line| {
        line.strip_prefix("www-authenticate: ").or(line.strip_prefix("WWW-Authenticate: "))
    });
    let mut client = http_auth::PasswordClient::builder();
    for challenge in challenges {
        client = client.challenges(challenge);
    }
    let params = http_auth::PasswordParams {
        username: minted_spec::sandbox::USERNAME,
        password: minted_spec::sandbox::PASSWORD,
        uri: path,
        method,
        body: None,
    };
    let answer = client.build().unwrap().respond(&params).unwrap();
    format!("Authorization: {answer}\r\n")
}
