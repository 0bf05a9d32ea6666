//! Shared by the tests: reading the recordings, a server newer than the spec
//! (`newer`), and a scripted HTTP server that issues Digest challenges, checks the
//! answers (with the sandbox's check), counts requests, and can misbehave on demand,
//! which the sandbox never does. Started by each test on 127.0.0.1 with port 0.
//! Requests are read with `httparse`; replies are written by hand, so a reply can be
//! cut short, reset or never sent. Also: a resolver whose connections are refused
//! (`Refusing`), and the placement's scripted order flow (`place`).

#![allow(dead_code)]

pub mod newer;
pub mod place;

use minted_spec::sandbox::digest::Answer;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const USERNAME: &str = "partner";
pub const PASSWORD: &str = "correct horse battery staple";
pub const REALM: &str = "minted-connect-test";

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

pub enum Reply {
    Json(u16, String),
    Raw {
        status: u16,
        content_type: &'static str,
        body: String,
        extra_headers: Vec<(String, String)>,
    },
    /// Closes the connection without answering.
    Reset,
    /// Never answers (the client's timeout must end the call).
    Hang,
}

pub type Handler = Box<dyn Fn(&Seen) -> Reply + Send + Sync>;

/// The challenges the server offers, one `WWW-Authenticate` header each.
#[derive(Clone)]
pub enum Challenges {
    /// SHA-256 and MD5 (in that order unless reversed), `qop="auth"`.
    Standard { md5_first: bool },
    /// Only this raw header value.
    Custom(String),
    /// A 401 without `WWW-Authenticate`.
    None,
}

pub struct Server {
    pub url: String,
    state: Arc<State>,
}

struct State {
    requests: AtomicUsize,
    seen: Mutex<Vec<Seen>>,
    nonce: Mutex<String>,
    nonces_issued: AtomicUsize,
    /// How many more right answers find their nonce just expired.
    stale_answers: AtomicUsize,
    used: Mutex<HashSet<(String, String)>>,
    challenges: Challenges,
    /// `None`: the server asks for no authentication.
    password: Option<String>,
    handler: Handler,
}

impl Server {
    /// A server that demands Digest with `password` and answers authenticated requests with `handler`.
    pub async fn digest(challenges: Challenges, password: &str, handler: Handler) -> Server {
        Server::start(challenges, Some(password.to_string()), handler).await
    }

    /// A server that asks for no authentication.
    pub async fn open(handler: Handler) -> Server {
        Server::start(Challenges::None, None, handler).await
    }

    async fn start(challenges: Challenges, password: Option<String>, handler: Handler) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let state = Arc::new(State {
            requests: AtomicUsize::new(0),
            seen: Mutex::new(Vec::new()),
            nonce: Mutex::new("nonce-1".into()),
            nonces_issued: AtomicUsize::new(1),
            stale_answers: AtomicUsize::new(0),
            used: Mutex::new(HashSet::new()),
            challenges,
            password,
            handler,
        });
        let serving = Arc::clone(&state);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&serving)));
            }
        });
        Server { url: format!("http://{addr}"), state }
    }

    pub fn requests(&self) -> usize {
        self.state.requests.load(Ordering::SeqCst)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    /// Replaces the nonce: answers made with the old one get `stale=true`.
    pub fn expire_nonce(&self) {
        self.state.expire_nonce();
    }

    /// The next `count` right answers each find their nonce expired on the way: a 401
    /// with `stale=true` and a new nonce, however fresh the nonce they answered.
    pub fn expire_nonce_under_answers(&self, count: usize) {
        self.state.stale_answers.store(count, Ordering::SeqCst);
    }
}

async fn serve(mut stream: TcpStream, state: Arc<State>) {
    let mut buffer = Vec::new();
    loop {
        let Some(seen) = read_request(&mut stream, &mut buffer).await else { return };
        state.requests.fetch_add(1, Ordering::SeqCst);
        state.seen.lock().unwrap().push(seen.clone());
        let reply = match state.authenticate(&seen) {
            Ok(()) => (state.handler)(&seen),
            Err(reply) => reply,
        };
        let bytes = match reply {
            Reply::Reset => return,
            Reply::Hang => return std::future::pending().await,
            Reply::Json(status, body) => response(status, "application/json", &body, &[]),
            Reply::Raw { status, content_type, body, extra_headers } => {
                response(status, content_type, &body, &extra_headers)
            }
        };
        if stream.write_all(&bytes).await.is_err() {
            return;
        }
    }
}

async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Seen> {
    loop {
        if let Some(Head { length: head, method, target, headers }) = parse_head(buffer) {
            let length = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.parse::<usize>().ok())
                .unwrap_or(0);
            while buffer.len() < head + length {
                read_more(stream, buffer).await?;
            }
            let body = buffer[head..head + length].to_vec();
            buffer.drain(..head + length);
            return Some(Seen { method, target, headers, body });
        }
        read_more(stream, buffer).await?;
    }
}

struct Head {
    length: usize,
    method: String,
    target: String,
    headers: Vec<(String, String)>,
}

/// The request head, once `buffer` holds all of it.
fn parse_head(buffer: &[u8]) -> Option<Head> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    let httparse::Status::Complete(head) = request.parse(buffer).ok()? else { return None };
    let headers = request
        .headers
        .iter()
        .map(|h| (h.name.to_string(), String::from_utf8_lossy(h.value).into_owned()))
        .collect();
    Some(Head {
        length: head,
        method: request.method?.to_string(),
        target: request.path?.to_string(),
        headers,
    })
}

async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<()> {
    let mut chunk = [0u8; 8192];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => None,
        Ok(n) => {
            buffer.extend_from_slice(&chunk[..n]);
            Some(())
        }
    }
}

fn response(status: u16, content_type: &str, body: &str, extra: &[(String, String)]) -> Vec<u8> {
    let mut head =
        format!("HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n", body.len());
    for (name, value) in extra {
        head += &format!("{name}: {value}\r\n");
    }
    format!("{head}\r\n{body}").into_bytes()
}

impl State {
    fn authenticate(&self, seen: &Seen) -> Result<(), Reply> {
        let Some(password) = &self.password else { return Ok(()) };
        let nonce = self.nonce.lock().unwrap().clone();
        // The sandbox's Digest check, so that both servers judge answers alike.
        let Some(answer) = seen.header("authorization").and_then(Answer::parse) else {
            return Err(self.challenge(&nonce, false));
        };
        if answer.username != USERNAME
            || answer.realm != REALM
            || answer.uri != seen.target
            || !answer.proves(password, &seen.method)
        {
            return Err(self.challenge(&nonce, false));
        }
        if answer.nonce != nonce {
            return Err(self.challenge(&nonce, true));
        }
        if !self.used.lock().unwrap().insert((answer.nonce, answer.nc)) {
            return Err(self.challenge(&nonce, false)); // a replayed nonce count
        }
        if self.stale_answers.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
            return Err(self.challenge(&self.expire_nonce(), true));
        }
        Ok(())
    }

    /// A new nonce, which it returns.
    fn expire_nonce(&self) -> String {
        let next = self.nonces_issued.fetch_add(1, Ordering::SeqCst) + 1;
        let nonce = format!("nonce-{next}");
        *self.nonce.lock().unwrap() = nonce.clone();
        nonce
    }

    fn challenge(&self, nonce: &str, stale: bool) -> Reply {
        let stale = if stale { ", stale=true" } else { "" };
        let offer = |algorithm: &str| {
            format!(
                r#"Digest realm="{REALM}", qop="auth", algorithm={algorithm}, nonce="{nonce}", opaque="o"{stale}"#
            )
        };
        let headers: Vec<(String, String)> = match &self.challenges {
            Challenges::Standard { md5_first: false } => vec![offer("SHA-256"), offer("MD5")],
            Challenges::Standard { md5_first: true } => vec![offer("MD5"), offer("SHA-256")],
            Challenges::Custom(raw) => vec![raw.clone()],
            Challenges::None => vec![],
        }
        .into_iter()
        .map(|value| ("www-authenticate".to_string(), value))
        .collect();
        Reply::Raw {
            status: 401,
            content_type: "text/plain",
            body: "Unauthorized".into(),
            extra_headers: headers,
        }
    }
}

/// The value at `pointer` in a recording (`spec/recordings/<file>`).
pub fn recorded(file: &str, pointer: &str) -> serde_json::Value {
    let path = format!("{}/spec/recordings/{file}", env!("CARGO_MANIFEST_DIR"));
    let recording: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    recording.pointer(pointer).unwrap_or_else(|| panic!("{file}: nothing at {pointer}")).clone()
}

/// A recording's response body, as the text a server sends.
pub fn recorded_body(file: &str) -> String {
    recorded(file, "/response/body").to_string()
}

/// The `operationId` of every operation of the spec.
pub fn operation_ids() -> Vec<String> {
    let spec = minted_spec::document::parse(minted_spec::YAML).unwrap();
    minted_spec::document::operations(&spec).into_iter().map(|op| op.id).collect()
}

/// A client with the sandbox's default credentials, for a sandbox started by the test.
pub fn sandbox_client(running: &minted_spec::sandbox::Running) -> minted_connect::Client {
    use minted_spec::sandbox::{PASSWORD, USERNAME};
    minted_connect::Client::builder().base_url(running.url()).credentials(USERNAME, PASSWORD).build().unwrap()
}

/// A resolver for the server's name that, for the first `refusals` connections,
/// resolves it to an address nobody listens on (or, when `unresolved`, to nothing);
/// then to the server. The URL's port wins over the one it gives.
pub struct Refusing {
    server: SocketAddr,
    refusals: AtomicUsize,
    unresolved: bool,
}

impl Refusing {
    pub fn new(server: SocketAddr, refusals: usize, unresolved: bool) -> Refusing {
        Refusing { server, refusals: AtomicUsize::new(refusals), unresolved }
    }
}

impl reqwest::dns::Resolve for Refusing {
    fn resolve(&self, _: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let refused =
            self.refusals.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
        if refused && self.unresolved {
            return Box::pin(async { Err("no such name".into()) });
        }
        // 127.0.0.2 is loopback with no listener on it.
        let ip = if refused { [127, 0, 0, 2] } else { [127, 0, 0, 1] };
        let addr = SocketAddr::from((ip, self.server.port()));
        Box::pin(async move { Ok(Box::new(std::iter::once(addr)) as reqwest::dns::Addrs) })
    }
}

/// An HTTP client for tests on tokio's paused clock: no timers of reqwest's own (no
/// timeouts, no idle-pool timer). On a paused clock the runtime jumps to the next
/// timer whenever it waits, which would fire a timeout while a loopback answer is
/// on its way.
pub fn untimed_http() -> reqwest::ClientBuilder {
    reqwest::Client::builder().pool_idle_timeout(None)
}
