//! `cargo bench -p minted-spec --features sandbox --bench requests`: authenticated
//! requests through the whole sandbox (HTTP parse, Digest check, routing, validation
//! against the spec, answer) over keep-alive loopback connections: `GET
//! /partner/customer/MTD0018232` with a correct SHA-256 Digest answer. It reports
//! requests per second on 1 connection and on 8 at once, and the median and p99
//! latency on 1 connection, quiet and after 50,000 unauthenticated requests have each
//! been issued a nonce.
//!
//! The baseline, measured in the same run on the same runtime and loopback, is a bare
//! hyper 1 http1 server with the sandbox's connection settings that answers every
//! request with the sandbox's own 200 (same body and headers), without auth, routing
//! or checks: the ratios are what the sandbox's own work costs over HTTP's.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderName, HeaderValue};
use hyper::service::service_fn;
use hyper::{Response, server::conn::http1};
use hyper_util::rt::{TokioIo, TokioTimer};
use minted_spec::sandbox::digest::MAX_NONCES;
use minted_spec::sandbox::{HEADER_READ_TIMEOUT, PASSWORD, REALM, Sandbox, USERNAME};
use sha2::{Digest as _, Sha256};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

const PATH: &str = "/partner/customer/MTD0018232";
const WARMUP: u32 = 1_000;
const SEQUENTIAL: u32 = 20_000;
const CONNECTIONS: usize = 8;
const PER_CONNECTION: u32 = 5_000;
const ISSUED: usize = 50_000;
const LOOPBACK: ([u8; 4], u16) = ([127, 0, 0, 1], 0);

type Conn = BufReader<TcpStream>;

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Latencies of one measurement, and how long it took end to end.
struct Run {
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Run {
    fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }
    fn percentile(&self, p: usize) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
    }
    fn row(&self, label: &str) {
        let (median, p99) = (self.percentile(50), self.percentile(99));
        println!("{label:<44} {:>9.0} {:>11.1?} {:>11.1?}", self.rate(), median, p99);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn fail(reply: &Reply) -> ! {
    eprintln!("expected 200, got {}: {}", reply.status, String::from_utf8_lossy(&reply.body));
    std::process::exit(1)
}

fn request(authorization: Option<&str>) -> Vec<u8> {
    let authorization = authorization.map(|a| format!("Authorization: {a}\r\n")).unwrap_or_default();
    format!(
        "GET {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\napi-version: 2\r\nx-client-id: web\r\nAccept-Language: tr\r\n{authorization}\r\n"
    )
    .into_bytes()
}

fn param<'a>(challenge: &'a str, name: &str) -> &'a str {
    let rest = challenge.split(&format!("{name}=\"")).nth(1).expect("the challenge has it");
    &rest[..rest.find('"').expect("a closing quote")]
}

async fn connect(addr: SocketAddr) -> Conn {
    let stream = TcpStream::connect(addr).await.expect("the server accepts");
    stream.set_nodelay(true).expect("TCP_NODELAY");
    BufReader::new(stream)
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

/// Asks for a challenge, then builds `n` answers to it with rising nonce counts, ahead
/// of time so the client's hashing is not timed. The baseline sends no challenge, so
/// it gets answers of the same size to a made-up nonce.
async fn prepare(conn: &mut Conn, n: u32) -> Vec<Vec<u8>> {
    let reply = send(conn, &request(None)).await;
    let (nonce, opaque) = match reply.status {
        401 => {
            let challenges = reply.headers.iter().filter(|(name, _)| name == "www-authenticate");
            let (_, sha256) =
                challenges.clone().find(|(_, v)| v.contains("algorithm=SHA-256")).expect("SHA-256");
            (param(sha256, "nonce").to_string(), param(sha256, "opaque").to_string())
        }
        200 => ("0".repeat(32), "0".repeat(16)),
        _ => fail(&reply),
    };
    let ha1 = hex(&Sha256::digest(format!("{USERNAME}:{REALM}:{PASSWORD}")));
    let ha2 = hex(&Sha256::digest(format!("GET:{PATH}")));
    (1..=n)
        .map(|nc| {
            let nc = format!("{nc:08x}");
            let response = hex(&Sha256::digest(format!("{ha1}:{nonce}:{nc}:bench:auth:{ha2}")));
            request(Some(&format!(
                r#"Digest username="{USERNAME}", realm="{REALM}", uri="{PATH}", algorithm=SHA-256, nonce="{nonce}", nc={nc}, cnonce="bench", qop=auth, response="{response}", opaque="{opaque}""#
            )))
        })
        .collect()
}

async fn timed(conn: &mut Conn, requests: &[Vec<u8>]) -> Vec<Duration> {
    let mut latencies = Vec::with_capacity(requests.len());
    for request in requests {
        let started = Instant::now();
        let reply = send(conn, request).await;
        latencies.push(started.elapsed());
        if reply.status != 200 {
            fail(&reply);
        }
    }
    latencies
}

/// One connection, after a warm-up whose first answer is returned for the baseline.
async fn sequential(addr: SocketAddr) -> (Run, Reply) {
    let mut conn = connect(addr).await;
    let requests = prepare(&mut conn, WARMUP + SEQUENTIAL).await;
    let answer = send(&mut conn, &requests[0]).await;
    if answer.status != 200 {
        fail(&answer);
    }
    timed(&mut conn, &requests[1..WARMUP as usize]).await;
    let started = Instant::now();
    let latencies = timed(&mut conn, &requests[WARMUP as usize..]).await;
    (Run { elapsed: started.elapsed(), latencies }, answer)
}

async fn concurrent(addr: SocketAddr) -> Run {
    let mut sessions = Vec::new();
    for _ in 0..CONNECTIONS {
        let mut conn = connect(addr).await;
        let requests = prepare(&mut conn, PER_CONNECTION).await;
        sessions.push((conn, requests));
    }
    let started = Instant::now();
    let tasks: Vec<_> = sessions
        .into_iter()
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
    let mut conn = connect(addr).await;
    let request = request(None);
    for _ in 0..ISSUED {
        let reply = send(&mut conn, &request).await;
        assert_eq!(reply.status, 401, "an unauthenticated request gets a challenge");
    }
}

/// The baseline server: the sandbox's answer, replayed. `date` and `content-length`
/// are left to hyper, as for the sandbox.
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
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let (body, headers) = (body.clone(), Arc::clone(&headers));
            let service = service_fn(move |_| {
                let mut response = Response::new(Full::new(body.clone()));
                for (name, value) in headers.iter() {
                    response.headers_mut().append(name, value.clone());
                }
                async move { Ok::<_, Infallible>(response) }
            });
            // The sandbox's connection settings, so their timers cost both the same.
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            tokio::spawn(connection);
        }
    });
    addr
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime")
}

fn main() {
    // Separate runtimes, so the servers' work runs on their own worker threads, apart
    // from the client's.
    let server = runtime();
    let client = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    let sandbox = server.block_on(Sandbox::default().log(|_| {}).start(LOOPBACK.into())).expect("it starts");
    let (quiet, answer) = client.block_on(sequential(sandbox.addr()));
    let (status, size) = (answer.status, answer.body.len());
    let bare = server.block_on(baseline(answer));
    let (bare_quiet, _) = client.block_on(sequential(bare));
    let many = client.block_on(concurrent(sandbox.addr()));
    let bare_many = client.block_on(concurrent(bare));
    client.block_on(flood(sandbox.addr()));
    let (loaded, _) = client.block_on(sequential(sandbox.addr()));

    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "GET {PATH}, Digest SHA-256 qop=auth, keep-alive loopback, {cores} cores shared by client and servers"
    );
    println!("answer: {status}, {size} bytes of JSON; {WARMUP} warm-up requests before each sequential run");
    println!("baseline: bare hyper 1 http1 server, same runtime and connection settings, replaying that");
    println!("          answer (same status, body and headers) to every request, without auth or checks");
    println!();
    println!("{:<44} {:>9} {:>11} {:>11}", "", "req/s", "median", "p99");
    quiet.row(&format!("sandbox, 1 connection, {SEQUENTIAL} requests"));
    bare_quiet.row(&format!("baseline, 1 connection, {SEQUENTIAL} requests"));
    many.row(&format!("sandbox, {CONNECTIONS} connections x {PER_CONNECTION}"));
    bare_many.row(&format!("baseline, {CONNECTIONS} connections x {PER_CONNECTION}"));
    loaded.row(&format!("sandbox, 1 connection, after {ISSUED} nonces"));
    println!(
        "  ({ISSUED} unauthenticated requests each issued a nonce; the sandbox keeps at most {MAX_NONCES})"
    );
    println!();
    let median = |run: &Run| run.percentile(50).as_secs_f64();
    let p99 = |run: &Run| run.percentile(99).as_secs_f64();
    println!(
        "sandbox/baseline: req/s {:.2} (1 connection), {:.2} ({CONNECTIONS} connections); median latency {:.1}x",
        quiet.rate() / bare_quiet.rate(),
        many.rate() / bare_many.rate(),
        median(&quiet) / median(&bare_quiet),
    );
    println!(
        "after {ISSUED} nonces: median {:.2}x, p99 {:.2}x the quiet sandbox's",
        median(&loaded) / median(&quiet),
        p99(&loaded) / p99(&quiet),
    );
}
