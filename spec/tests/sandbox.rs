//! The sandbox under hostile input: what a careless or hostile client can make it hold
//! is bounded, and each refusal is a status in the API's envelope.

use minted_spec::sandbox::{
    BODY_LIMIT, Clock, INLINE_CHECK_LIMIT, MAX_PROFILE_BYTES, MAX_TOKEN_TTL, Running, Sandbox, StartError,
};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn start() -> Running {
    Sandbox::default().log(|_| {}).start(([127, 0, 0, 1], 0).into()).await.unwrap()
}

/// Sends raw bytes on a new connection and reads until the server closes it.
async fn exchange(running: &Running, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(running.addr()).await.unwrap();
    // A server that answers early may close before the whole request is written.
    let _ = stream.write_all(request).await;
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply).await;
    String::from_utf8_lossy(&reply).into_owned()
}

fn envelope_of(reply: &str) -> Value {
    serde_json::from_str(reply.split("\r\n\r\n").nth(1).unwrap_or_default()).unwrap()
}

/// Peak resident memory of this process (tests and sandbox together), where Linux tells.
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? / 1024)
}

#[tokio::test]
async fn a_body_past_the_limit_gets_a_413_naming_it() {
    let running = start().await;
    let ten_mb = vec![b'x'; 10 * 1024 * 1024];

    // Declared too large: refused before it is read.
    let mut declared = format!(
        "POST /partner/customer HTTP/1.1\r\nHost: sandbox\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        ten_mb.len()
    )
    .into_bytes();
    declared.extend_from_slice(&ten_mb);
    let reply = exchange(&running, &declared).await;
    assert!(reply.starts_with("HTTP/1.1 413"), "{}", &reply[..reply.len().min(200)]);
    let body = envelope_of(&reply);
    assert_eq!(body["code"], 413);
    assert!(body["message"].as_str().unwrap().contains(&BODY_LIMIT.to_string()), "{body}");

    // Chunked, with no length: cut off once it passes the limit.
    let mut chunked =
        b"POST /partner/customer HTTP/1.1\r\nHost: sandbox\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for chunk in ten_mb.chunks(64 * 1024) {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let reply = exchange(&running, &chunked).await;
    assert!(reply.starts_with("HTTP/1.1 413"), "{}", &reply[..reply.len().min(200)]);

    if let Some(peak) = peak_rss_mb() {
        assert!(peak < 100, "peak RSS {peak} MB");
    }
}

#[tokio::test]
async fn an_undeclared_method_on_a_known_path_gets_405_with_allow() {
    let running = start().await;
    let reply =
        exchange(&running, b"PUT /partner/pricefix HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n")
            .await;
    assert!(reply.starts_with("HTTP/1.1 405"), "{reply}");
    assert!(reply.to_ascii_lowercase().contains("\r\nallow: post\r\n"), "{reply}");
    assert_eq!(envelope_of(&reply)["code"], 405);
    // A customer's path has GET and PATCH.
    let reply = exchange(
        &running,
        b"DELETE /partner/customer/MTD0018232 HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(reply.to_ascii_lowercase().contains("\r\nallow: get, patch\r\n"), "{reply}");
    // A concrete path is its own resource: `/partner/customer/address` is not a customer id.
    let reply = exchange(
        &running,
        b"GET /partner/customer/address HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(reply.starts_with("HTTP/1.1 405"), "{reply}");
    assert!(reply.to_ascii_lowercase().contains("\r\nallow: post\r\n"), "{reply}");
    let unknown =
        exchange(&running, b"GET /partner/nothing HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n")
            .await;
    assert!(unknown.starts_with("HTTP/1.1 404"), "{unknown}");
}

/// Time is the test's: the paused clock runs ahead only while every task waits, so
/// the timeout fires without the test sleeping.
#[tokio::test(start_paused = true)]
async fn silent_and_half_sent_connections_are_closed() {
    let running = start().await;
    let started = tokio::time::Instant::now();
    for request in [&b""[..], b"POST /partner/pricefix HTTP/1.1\r\nHost: sand"] {
        // Bounded, so that a sandbox that never closes fails rather than hangs.
        let reply = tokio::time::timeout(std::time::Duration::from_secs(60), exchange(&running, request))
            .await
            .expect("the sandbox closes the connection");
        assert!(!reply.starts_with("HTTP/1.1 2"), "{reply}");
    }
    assert!(started.elapsed() >= minted_spec::sandbox::HEADER_READ_TIMEOUT, "closed by the timeout");
}

/// `method path` with a JSON body, answered to the sandbox's Digest challenge (by the
/// http-auth crate, as a client would), on a new connection each.
async fn authenticated(running: &Running, method: &str, path: &str, body: &[u8]) -> String {
    let head = |authorization: &str| {
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: sandbox\r\napi-version: 2\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{authorization}Connection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(body);
        request
    };
    let challenged = exchange(running, &head("")).await;
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
    exchange(running, &head(&format!("Authorization: {answer}\r\n"))).await
}

/// A long body's check (and the state's rules) run on tokio's blocking pool, not on
/// an async worker; the log line says where each request was checked.
#[tokio::test]
async fn a_long_body_is_checked_off_the_async_workers() {
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let kept = Arc::clone(&lines);
    let running = Sandbox::default()
        .log(move |line| kept.lock().unwrap().push(line.into()))
        .start(([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let long = serde_json::json!({"external_id": "LONG", "phone": "1".repeat(INLINE_CHECK_LIMIT * 4)});
    let reply = authenticated(&running, "POST", "/partner/customer", long.to_string().as_bytes()).await;
    // Stored, it would make one customer hold 64 KiB: the state's own limit refuses it.
    assert!(reply.starts_with("HTTP/1.1 422"), "{}", &reply[..reply.len().min(300)]);
    let message = envelope_of(&reply)["message"].as_str().unwrap().to_string();
    assert!(message.contains(&MAX_PROFILE_BYTES.to_string()), "{}", envelope_of(&reply));
    let short = serde_json::json!({"external_id": "SHORT"});
    let reply = authenticated(&running, "POST", "/partner/customer", short.to_string().as_bytes()).await;
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");

    let lines = lines.lock().unwrap();
    let answered: Vec<&String> = lines.iter().filter(|line| !line.contains("401")).collect();
    assert_eq!(answered.len(), 2, "{lines:?}");
    assert!(answered[0].contains("checked off the async workers"), "{}", answered[0]);
    assert!(!answered[1].contains("checked off the async workers"), "{}", answered[1]);
}

/// A token lifetime the clock cannot date is refused at start, naming the maximum, not
/// on each price fix; the maximum itself dates its tokens.
#[tokio::test]
async fn a_token_lifetime_past_the_maximum_is_refused_at_start() {
    let past =
        [MAX_TOKEN_TTL + Duration::from_secs(1), Duration::from_secs(100_000_000_000_000), Duration::MAX];
    for ttl in past {
        let started = Sandbox::default().log(|_| {}).token_ttl(ttl).start(([127, 0, 0, 1], 0).into()).await;
        let Err(error) = started else { panic!("started with tokens that live {ttl:?}") };
        assert!(matches!(error, StartError::TokenTtl(_)), "{error}");
        assert!(error.to_string().contains(&MAX_TOKEN_TTL.as_secs().to_string()), "{error}");
    }

    let running = Sandbox::default()
        .log(|_| {})
        .token_ttl(MAX_TOKEN_TTL)
        .clock(Clock::fixed())
        .start(([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let fix = br#"{"type": "digital", "currency": "GBP", "total": 100}"#;
    let reply = authenticated(&running, "POST", "/partner/pricefix", fix).await;
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let data = &envelope_of(&reply)["data"];
    assert_eq!(data["expire_ttl"], MAX_TOKEN_TTL.as_secs(), "{data}");
    // The fixed clock's 2026-01-01 plus 3,650 days (two of them leap days).
    assert_eq!(data["expires_at"], "2035-12-30T00:00:00+00:00", "{data}");
}
