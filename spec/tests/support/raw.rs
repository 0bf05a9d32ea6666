//! Shared by the sandbox's tests: a sandbox on port 0, raw requests on new
//! connections, and Digest answers made as a client makes them (by the http-auth crate).

#![allow(dead_code, reason = "each includer uses its part")]

use minted_spec::sandbox::{Running, Sandbox};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A sandbox on a free port of 127.0.0.1 that logs nowhere.
pub async fn start() -> Running {
    Sandbox::default().log(|_| {}).start(([127, 0, 0, 1], 0).into()).await.unwrap()
}

/// Sends raw bytes on a new connection and reads until the server closes it.
pub async fn exchange(running: &Running, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(running.addr()).await.unwrap();
    // A server that answers early may close before the whole request is written.
    let _ = stream.write_all(request).await;
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply).await;
    String::from_utf8_lossy(&reply).into_owned()
}

/// An `Authorization` header line for `method path`: the answer (by the http-auth
/// crate, as a client would) to the challenge the sandbox gives a bodiless request.
pub async fn authorization(running: &Running, method: &str, path: &str) -> String {
    let bodiless = format!("{method} {path} HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n");
    answer(&exchange(running, bodiless.as_bytes()).await, method, path)
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
