//! `cargo bench -p minted-spec --features sandbox --bench requests`: authenticated
//! requests through the whole sandbox (HTTP parse, Digest check, routing, validation
//! against the spec, answer) over keep-alive loopback connections: `GET
//! /partner/customer/MTD0018232` with a correct SHA-256 Digest answer. It reports
//! requests per second on 1 connection and on 8 at once, and the median and p99
//! latency on 1 connection, quiet and after 50,000 unauthenticated requests have each
//! been issued a nonce (the sandbox keeps at most 10,000).
//!
//! Then buys (`POST /partner/order/digital/buy`, each its own `external_id`, one gram
//! of gold) on 1 connection, into a sandbox with `--state` (every buy saved to disk
//! before its answer) and one without, in alternating rounds: the ratio is what the
//! durable state costs a change. The state file is under the target folder (the
//! bench's `CARGO_TARGET_TMPDIR`); its cost grows with the state, which these buys grow.
//!
//! The baseline, measured in the same run on the same runtime and loopback, is a bare
//! hyper 1 http1 server with the sandbox's connection settings that answers every
//! request with the sandbox's own 200 (same body and headers), without auth, routing
//! or checks: the ratios are what the sandbox's own work costs over HTTP's.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Response, server::conn::http1, service::service_fn};
use hyper_util::rt::{TokioIo, TokioTimer};
use minted_spec::sandbox::limits::{HEADER_READ_TIMEOUT, MAX_NONCES};
use minted_spec::sandbox::{PASSWORD, REALM, Sandbox, USERNAME};
use sha2::{Digest as _, Sha256};
use std::{convert::Infallible, net::SocketAddr, sync::Arc, time::Duration, time::Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

const PATH: &str = "/partner/customer/MTD0018232";
const WARMUP: usize = 100;
/// Each measurement is taken in rounds, alternating between the servers, so that the
/// machine's drift (here latencies moved 3x from one minute to the next) falls on all alike.
const ROUNDS: usize = 10;
const SEQUENTIAL: usize = 20_000;
const CONNECTIONS: usize = 8;
const PER_CONNECTION: usize = 5_000;
const ISSUED: usize = 50_000;
const LOOPBACK: ([u8; 4], u16) = ([127, 0, 0, 1], 0);

type Conn = BufReader<TcpStream>;

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Latencies of requests, and the wall time they took.
#[derive(Default)]
struct Run {
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Run {
    fn add(&mut self, other: Run) {
        self.elapsed += other.elapsed;
        self.latencies.extend(other.latencies);
    }
    fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }
    fn percentile(&self, p: usize) -> f64 {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        sorted[(sorted.len() * p / 100).min(sorted.len() - 1)].as_secs_f64()
    }
    fn row(&self, label: &str) {
        let (median, p99) = (self.percentile(50) * 1e6, self.percentile(99) * 1e6);
        println!("{label:<46} {:>8.0} {median:>9.1}µs {p99:>9.1}µs", self.rate());
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// So that the bench cannot silently measure refusals.
fn fail(reply: &Reply) -> ! {
    eprintln!("expected 200, got {}: {}", reply.status, String::from_utf8_lossy(&reply.body));
    std::process::exit(1)
}

fn ok(reply: Reply) -> Reply {
    if reply.status != 200 {
        fail(&reply);
    }
    reply
}

fn request(authorization: Option<&str>) -> Vec<u8> {
    let authorization = authorization.map(|a| format!("Authorization: {a}\r\n")).unwrap_or_default();
    let headers = "Host: 127.0.0.1\r\napi-version: 2\r\nx-client-id: web\r\nAccept-Language: tr\r\n";
    format!("GET {PATH} HTTP/1.1\r\n{headers}{authorization}\r\n").into_bytes()
}

fn param<'a>(challenge: &'a str, name: &str) -> &'a str {
    let rest = challenge.split(&format!("{name}=\"")).nth(1).expect("the challenge has it");
    &rest[..rest.find('"').expect("a closing quote")]
}

async fn send(conn: &mut Conn, request: &[u8]) -> Reply {
    conn.get_mut().write_all(request).await.expect("the request is sent");
    let mut line = String::new();
    conn.read_line(&mut line).await.expect("a status line");
    let status = line.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status");
    let (mut headers, mut length) = (Vec::new(), 0);
    loop {
        line.clear();
        conn.read_line(&mut line).await.expect("a header");
        let Some((name, value)) = line.trim_end().split_once(':') else { break };
        let (name, value) = (name.to_ascii_lowercase(), value.trim().to_string());
        if name == "content-length" {
            length = value.parse().expect("a length");
        }
        headers.push((name, value));
    }
    let mut body = vec![0; length];
    conn.read_exact(&mut body).await.expect("the body");
    Reply { status, headers, body }
}

/// A connection that has been challenged, and `n` answers to its challenge with rising
/// nonce counts, built ahead so that the client's hashing is not timed. The baseline
/// sends no challenge; it gets answers of the same size to a made-up nonce.
async fn session(addr: SocketAddr, n: usize) -> (Conn, Vec<Vec<u8>>) {
    let stream = TcpStream::connect(addr).await.expect("the server accepts");
    stream.set_nodelay(true).expect("TCP_NODELAY");
    let mut conn = BufReader::new(stream);
    let reply = send(&mut conn, &request(None)).await;
    let (nonce, opaque) = match reply.status {
        401 => {
            let mut challenges = reply.headers.iter().filter(|(name, _)| name == "www-authenticate");
            let (_, sha256) = challenges.find(|(_, v)| v.contains("algorithm=SHA-256")).expect("SHA-256");
            (param(sha256, "nonce").to_string(), param(sha256, "opaque").to_string())
        }
        200 => ("0".repeat(32), "0".repeat(16)),
        _ => fail(&reply),
    };
    let ha1 = hex(&Sha256::digest(format!("{USERNAME}:{REALM}:{PASSWORD}")));
    let ha2 = hex(&Sha256::digest(format!("GET:{PATH}")));
    let answer = |nc: usize| {
        let nc = format!("{nc:08x}");
        let response = hex(&Sha256::digest(format!("{ha1}:{nonce}:{nc}:bench:auth:{ha2}")));
        request(Some(&format!(
            r#"Digest username="{USERNAME}", realm="{REALM}", uri="{PATH}", algorithm=SHA-256, nonce="{nonce}", nc={nc}, cnonce="bench", qop=auth, response="{response}", opaque="{opaque}""#
        )))
    };
    (conn, (1..=n).map(answer).collect())
}

async fn timed(conn: &mut Conn, requests: &[Vec<u8>]) -> Vec<Duration> {
    let mut latencies = Vec::with_capacity(requests.len());
    for request in requests {
        let started = Instant::now();
        ok(send(conn, request).await);
        latencies.push(started.elapsed());
    }
    latencies
}

/// `connections` new connections, each warmed up, then `each` requests on all at once.
async fn measure(addr: SocketAddr, connections: usize, each: usize) -> Run {
    let mut sessions = Vec::new();
    for _ in 0..connections {
        let (mut conn, mut requests) = session(addr, WARMUP + each).await;
        timed(&mut conn, &requests[..WARMUP]).await;
        sessions.push((conn, requests.split_off(WARMUP)));
    }
    let started = Instant::now();
    let tasks: Vec<_> = (sessions.into_iter())
        .map(|(mut conn, requests)| tokio::spawn(async move { timed(&mut conn, &requests).await }))
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("a connection's run"));
    }
    Run { elapsed: started.elapsed(), latencies }
}

/// Each unauthenticated request to an operation is issued a fresh nonce.
async fn flood(addr: SocketAddr) {
    let (mut conn, _) = session(addr, 0).await; // the first of them
    for _ in 1..ISSUED {
        let reply = send(&mut conn, &request(None)).await;
        assert_eq!(reply.status, 401, "an unauthenticated request gets a challenge");
    }
}

/// The baseline server; `date` and `content-length` are left to hyper, as for the sandbox.
async fn baseline(answer: Reply) -> SocketAddr {
    let listener = TcpListener::bind(SocketAddr::from(LOOPBACK)).await.expect("the baseline listens");
    let addr = listener.local_addr().expect("its address");
    let body = Bytes::from(answer.body);
    let headers: Arc<Vec<(HeaderName, HeaderValue)>> = Arc::new(
        (answer.headers.iter())
            .filter(|(name, _)| name != "date" && name != "content-length")
            .map(|(n, v)| (n.parse().expect("a header name"), v.parse().expect("a header value")))
            .collect(),
    );
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (body, headers) = (body.clone(), Arc::clone(&headers));
            let service = service_fn(move |_| {
                let mut response = Response::new(Full::new(body.clone()));
                response.headers_mut().extend(headers.iter().cloned());
                async move { Ok::<_, Infallible>(response) }
            });
            // The sandbox's connection settings, so that their timers cost both the same.
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            tokio::spawn(connection);
        }
    });
    addr
}

const BUY_PATH: &str = "/partner/order/digital/buy";
const BUYS: usize = 2_000;

/// `POST path` with `body`, answering `nonce` with count `nc` (SHA-256, qop=auth).
fn post(path: &str, body: &str, (nonce, opaque): (&str, &str), nc: usize) -> Vec<u8> {
    let ha1 = hex(&Sha256::digest(format!("{USERNAME}:{REALM}:{PASSWORD}")));
    let ha2 = hex(&Sha256::digest(format!("POST:{path}")));
    let nc = format!("{nc:08x}");
    let response = hex(&Sha256::digest(format!("{ha1}:{nonce}:{nc}:bench:auth:{ha2}")));
    let authorization = format!(
        r#"Digest username="{USERNAME}", realm="{REALM}", uri="{path}", algorithm=SHA-256, nonce="{nonce}", nc={nc}, cnonce="bench", qop=auth, response="{response}", opaque="{opaque}""#
    );
    let headers = "Host: 127.0.0.1\r\napi-version: 2\r\nContent-Type: application/json\r\n";
    let length = body.len();
    format!("POST {path} HTTP/1.1\r\n{headers}Authorization: {authorization}\r\nContent-Length: {length}\r\n\r\n{body}")
        .into_bytes()
}

/// A challenged connection to a sandbox with customer `BENCH` and a price token for them,
/// and the buys to send on it, built ahead so that the client's hashing is not timed.
async fn buyer(addr: SocketAddr, n: usize) -> (Conn, Vec<Vec<u8>>) {
    let stream = TcpStream::connect(addr).await.expect("the server accepts");
    stream.set_nodelay(true).expect("TCP_NODELAY");
    let mut conn = BufReader::new(stream);
    let reply = send(&mut conn, &request(None)).await;
    let mut challenges = reply.headers.iter().filter(|(name, _)| name == "www-authenticate");
    let (_, sha256) = challenges.find(|(_, v)| v.contains("algorithm=SHA-256")).expect("SHA-256");
    let challenge = (param(sha256, "nonce"), param(sha256, "opaque"));
    let fix = r#"{"type": "digital", "customer_external_id": "BENCH"}"#;
    let fixed = ok(send(&mut conn, &post("/partner/pricefix", fix, challenge, 1)).await);
    let fixed: serde_json::Value = serde_json::from_slice(&fixed.body).expect("JSON");
    let token = fixed["data"]["token"].as_str().expect("a token");
    let customer = r#"{"external_id": "BENCH", "firstname": "Ada", "lastname": "Lovelace", "email": "ada@example.org", "phone": "+440000000000", "identity_number": "000"}"#;
    let buys = (0..n).map(|i| {
        let body = format!(
            r#"{{"price_token": "{token}", "external_id": "BUY-{i}", "customer": {customer}, "items": [{{"sku": "GAU", "amount": 1}}]}}"#
        );
        post(BUY_PATH, &body, challenge, i + 2)
    });
    let buys = buys.collect();
    (conn, buys)
}

fn main() {
    // The servers on their own worker threads, apart from the client's, so that the
    // sandbox's hashing and checking is not counted against the client.
    let server = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    let client = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let start = || server.block_on(Sandbox::default().log(|_| {}).start(LOOPBACK.into())).expect("it starts");
    let (quiet_sandbox, loaded_sandbox) = (start(), start());
    let (quiet, loaded) = (quiet_sandbox.addr(), loaded_sandbox.addr());
    client.block_on(flood(loaded));
    let answer = client.block_on(async {
        let (mut conn, requests) = session(quiet, 1).await;
        ok(send(&mut conn, &requests[0]).await)
    });
    let size = answer.body.len();
    let bare = server.block_on(baseline(answer));

    let [mut sandbox_one, mut loaded_one, mut bare_one, mut sandbox_many, mut bare_many] =
        std::array::from_fn(|_| Run::default());
    for _ in 0..ROUNDS {
        sandbox_one.add(client.block_on(measure(quiet, 1, SEQUENTIAL / ROUNDS)));
        loaded_one.add(client.block_on(measure(loaded, 1, SEQUENTIAL / ROUNDS)));
        bare_one.add(client.block_on(measure(bare, 1, SEQUENTIAL / ROUNDS)));
        sandbox_many.add(client.block_on(measure(quiet, CONNECTIONS, PER_CONNECTION / ROUNDS)));
        bare_many.add(client.block_on(measure(bare, CONNECTIONS, PER_CONNECTION / ROUNDS)));
    }

    let state = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-requests-state.json");
    let _ = std::fs::remove_file(&state);
    let customer = serde_json::json!({"external_id": "BENCH"});
    let (kept, fleeting) = (
        server
            .block_on(Sandbox::default().log(|_| {}).state_file(&state).start(LOOPBACK.into()))
            .expect("it starts"),
        start(),
    );
    let [mut kept_buys, mut fleeting_buys] = std::array::from_fn(|_| Run::default());
    let (mut kept_conn, kept_requests) = client.block_on(async {
        kept.create_customer(&customer).expect("a customer");
        buyer(kept.addr(), BUYS).await
    });
    let (mut fleeting_conn, fleeting_requests) = client.block_on(async {
        fleeting.create_customer(&customer).expect("a customer");
        buyer(fleeting.addr(), BUYS).await
    });
    for (kept_round, fleeting_round) in
        kept_requests.chunks(BUYS / ROUNDS).zip(fleeting_requests.chunks(BUYS / ROUNDS))
    {
        for (conn, requests, run) in [
            (&mut kept_conn, kept_round, &mut kept_buys),
            (&mut fleeting_conn, fleeting_round, &mut fleeting_buys),
        ] {
            let started = Instant::now();
            let latencies = client.block_on(timed(conn, requests));
            run.add(Run { elapsed: started.elapsed(), latencies });
        }
    }
    let state_bytes = std::fs::metadata(&state).map_or(0, |m| m.len());

    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "GET {PATH}, Digest SHA-256 qop=auth, keep-alive loopback; answer: 200, {size} bytes of JSON
{cores} cores shared by the client and the servers' runtime; {WARMUP} warm-up requests per connection;
each line is {ROUNDS} rounds of a tenth of its requests, the rounds alternating between servers
baseline: bare hyper 1 http1 server, same runtime and connection settings, replaying the sandbox's
answer (same status, body and headers) to every request, without auth, routing or checks\n"
    );
    println!("{:<46} {:>8} {:>11} {:>11}", "", "req/s", "median", "p99");
    sandbox_one.row(&format!("sandbox, 1 connection x {SEQUENTIAL}"));
    loaded_one.row(&format!("sandbox, 1 connection x {SEQUENTIAL}, {ISSUED} issued"));
    bare_one.row(&format!("baseline, 1 connection x {SEQUENTIAL}"));
    sandbox_many.row(&format!("sandbox, {CONNECTIONS} connections x {PER_CONNECTION}"));
    bare_many.row(&format!("baseline, {CONNECTIONS} connections x {PER_CONNECTION}"));
    println!("({ISSUED} issued: that sandbox first answered {ISSUED} unauthenticated requests, each with a");
    println!("  new nonce; it keeps at most {MAX_NONCES} outstanding, the oldest forgotten first)\n");
    println!(
        "sandbox/baseline: req/s {:.2} (1 connection), {:.2} ({CONNECTIONS} connections); median latency {:.1}x",
        sandbox_one.rate() / bare_one.rate(),
        sandbox_many.rate() / bare_many.rate(),
        sandbox_one.percentile(50) / bare_one.percentile(50),
    );
    println!(
        "with {ISSUED} issued: median {:.2}x, p99 {:.2}x the quiet sandbox's",
        loaded_one.percentile(50) / sandbox_one.percentile(50),
        loaded_one.percentile(99) / sandbox_one.percentile(99),
    );

    println!("\nPOST {BUY_PATH}, 1 connection, {BUYS} buys of 1 g, each its own external_id\n");
    println!("{:<46} {:>8} {:>11} {:>11}", "", "buys/s", "median", "p99");
    kept_buys.row("sandbox --state (saved before each answer)");
    fleeting_buys.row("sandbox without --state");
    println!(
        "--state/without: buys/s {:.2}; the state file ended at {state_bytes} bytes",
        kept_buys.rate() / fleeting_buys.rate()
    );
}
