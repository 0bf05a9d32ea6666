//! One request through the sandbox: route and authenticate it on its head, then read
//! its body, draw its fault if one is armed, check it against the spec, answer, log.
//! A request under `/_sandbox/` is one of the controls, routed before the API.

use super::answers::{Answers, Source};
use super::control::{Answered, Controls, Route, Unrouted};
use super::digest::{Guard, Refusal as DigestRefusal};
use super::envelope::{envelope, refusal_envelope};
use super::faults::{FaultKind, duration_text};
use super::limits::{
    ANSWER_FINDINGS_KEPT, BODY_LIMIT, BODY_READ_TIMEOUT, HEADER_READ_TIMEOUT, INLINE_CHECK_LIMIT,
};
use super::world::{Fault, answer};
use crate::check::Checker;
use crate::contract::Contract;
use crate::contract::Operation;
use crate::document::is_json;
use crate::exchange::{Body, Exchange, Request, split_target};
use crate::finding::{Finding, Severity};
use crate::pointer;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::HeaderMap;
use hyper::body::Incoming;
use hyper::header::{CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, RETRY_AFTER, WWW_AUTHENTICATE};
use hyper::http::request::Parts;
use hyper::service::service_fn;
use hyper::{Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{Map, Value, json};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;
use tokio::net::TcpStream;

/// Where each exchange's log line goes.
pub(crate) type Log = Arc<dyn Fn(&str) + Send + Sync>;

pub struct State {
    pub contract: Contract,
    pub answers: Answers,
    /// The state, clock, faults and kept exchanges, shared with `Running`.
    pub controls: Controls,
    pub guard: Guard,
    pub log: Log,
    /// When asked for: what the spec finds wrong with the sandbox's own answers.
    pub answer_findings: Option<Arc<Mutex<Vec<String>>>>,
    /// When given: changes each answer's body before it is sent (a test's drift).
    pub transform: Option<Transform>,
}

/// Changes an answer's body, given the operation's id.
pub type Transform = Arc<dyn Fn(&str, &mut Value) + Send + Sync>;

pub async fn connection(stream: TcpStream, state: Arc<State>) {
    let service = service_fn(move |request| {
        let state = Arc::clone(&state);
        async move { state.exchange(request).await }
    });
    // A client that goes away mid-request is no concern of the sandbox's, and a fault's
    // `Closed` has been logged.
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// A fault's way to end a connection without an answer: for a service that fails,
/// hyper writes nothing, ends the connection, and dropping the stream closes it.
#[derive(Debug)]
struct Closed;

impl std::fmt::Display for Closed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("closed by a fault, unanswered")
    }
}

impl std::error::Error for Closed {}

/// What a proxy in front of a server that is down answers (HAProxy's page): not the
/// API's envelope, which a client must not expect from every 503.
const UNAVAILABLE_PAGE: &str = "<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n";

/// A reply and the note the log line ends with.
struct Reply {
    status: StatusCode,
    body: Value,
    challenges: Vec<String>,
    /// The methods the path has, with a 405.
    allow: Option<String>,
    source: Option<String>,
    /// What answered, for the exchanges kept.
    answered: Answered,
    /// What the request check found, for the exchanges kept (never a value).
    findings: Vec<Finding>,
    note: String,
    /// Whether the connection is closed after it.
    closes: bool,
}

impl State {
    async fn exchange(
        self: Arc<Self>,
        request: hyper::Request<Incoming>,
    ) -> Result<Response<Full<Bytes>>, Closed> {
        let started = Instant::now();
        let (head, body) = request.into_parts();
        let target = head.uri.path_and_query().map_or("/", |pq| pq.as_str());
        let (path, query) = split_target(target);
        if let Some(route) = Route::find(head.method.as_str(), &path) {
            return Ok(self.control(route, &head, target, body, started).await);
        }
        let routed = self.contract.route(head.method.as_str(), &path);
        let authorization = head.headers.get(hyper::header::AUTHORIZATION).and_then(|v| v.to_str().ok());

        // Everything up to the body is decided on the head, so that a request refused
        // (no operation, no credentials) is answered without its body being waited for
        // or read; hyper then closes the connection unless the body was already in.
        let reply = match &routed {
            // The same answer with or without credentials, since the spec that says so is public.
            None => self.no_operation(&path),
            Some((operation, path_values)) => {
                match self.guard.check(head.method.as_str(), target, authorization) {
                    Err(refusal) => self.unauthorized(&refusal),
                    Ok(()) => match receive(&head.headers, body, BODY_LIMIT).await {
                        // Not an answer of the operation's: neither transformed nor checked.
                        Err(refused) => {
                            return Ok(self.sent(&head.method, Some(operation), refused, started));
                        }
                        Ok(body) => {
                            let long = body.len() > INLINE_CHECK_LIMIT;
                            let request = request_of(&head, path, query, &body);
                            // A future: nothing is done unless it is awaited.
                            let answering = self.answer_where_fits(operation, path_values, request, long);
                            // Drawn only here, so that a challenge or a refused body
                            // never uses up a draw.
                            match self.controls.faults.draw(&operation.id) {
                                None => answering.await,
                                Some(fault) => {
                                    return self
                                        .faulted(fault, &head.method, operation, answering, started)
                                        .await;
                                }
                            }
                        }
                    },
                }
            }
        };
        Ok(self.finish(&head.method, routed.as_ref().map(|(operation, _)| *operation), reply, started))
    }

    /// A request that drew `fault`: a reset closes the connection before anything is
    /// done, a 503 is a proxy's page; a lost answer is made and the connection closed
    /// instead of sending it, a delayed one held, then sent.
    async fn faulted(
        &self,
        fault: FaultKind,
        method: &hyper::Method,
        operation: &Operation,
        answering: impl Future<Output = Reply>,
        started: Instant,
    ) -> Result<Response<Full<Bytes>>, Closed> {
        let log = |outcome: &str| {
            let status = outcome.split(' ').next().and_then(|s| s.parse().ok());
            self.log(method, Some(operation), outcome, started);
            self.keep(method, Some(operation), status, Answered::Fault, outcome, &[]);
        };
        match fault {
            FaultKind::Reset => {
                log("fault reset: connection closed, nothing done");
                Err(Closed)
            }
            FaultKind::Unavailable => {
                log("503 fault 503: a proxy's page, nothing done");
                Ok(unavailable())
            }
            FaultKind::Lose => {
                let reply = answering.await;
                log(&format!(
                    "fault lose: {} {}, not sent, connection closed",
                    reply.status.as_u16(),
                    reply.note
                ));
                Err(Closed)
            }
            FaultKind::Delay(held) => {
                let mut reply = answering.await;
                // Tokio's time, so that a test on a paused clock drives it.
                tokio::time::sleep(held).await;
                reply.note = format!("{}; fault delay: held {}", reply.note, duration_text(held));
                Ok(self.finish(method, Some(operation), reply, started))
            }
        }
    }

    /// Transforms and checks the reply to a routed request when asked, logs it, and
    /// makes it a response.
    fn finish(
        &self,
        method: &hyper::Method,
        operation: Option<&Operation>,
        mut reply: Reply,
        started: Instant,
    ) -> Response<Full<Bytes>> {
        if let (Some(transform), Some(operation)) = (&self.transform, operation) {
            transform(&operation.id, &mut reply.body);
        }
        if let (Some(findings), Some(operation)) = (&self.answer_findings, operation) {
            self.check_answer(&operation.id, &reply, findings);
        }
        self.sent(method, operation, reply, started)
    }

    /// The operation's answer, checked on the blocking pool when the body is `long`.
    async fn answer_where_fits(
        self: &Arc<Self>,
        operation: &Operation,
        path_values: &[(String, String)],
        request: Request,
        long: bool,
    ) -> Reply {
        if !long {
            return self.answer(&operation.id, path_values, request);
        }
        let state = Arc::clone(self);
        let (id, values) = (operation.id.clone(), path_values.to_vec());
        match tokio::task::spawn_blocking(move || state.answer(&id, &values, request)).await {
            Ok(reply) => Reply { note: format!("{} (checked off the async workers)", reply.note), ..reply },
            Err(_) => Reply::plain(
                StatusCode::SERVICE_UNAVAILABLE,
                envelope(503, "The sandbox could not check this request"),
                "check not finished",
            ),
        }
    }

    /// A 404, or a 405 naming the methods the path has.
    fn no_operation(&self, path: &str) -> Reply {
        match self.contract.methods_at(path).join(", ") {
            allowed if allowed.is_empty() => {
                Reply::plain(StatusCode::NOT_FOUND, envelope(404, "No such operation"), "no operation")
            }
            allowed => not_allowed(&allowed),
        }
    }

    /// A 401 with a fresh challenge per algorithm.
    fn unauthorized(&self, refusal: &DigestRefusal) -> Reply {
        Reply {
            challenges: self.guard.challenges(refusal),
            ..Reply::plain(StatusCode::UNAUTHORIZED, envelope(401, "Unauthorized"), refusal.name())
        }
    }

    /// Logs the exchange and makes the reply a response.
    fn sent(
        &self,
        method: &hyper::Method,
        operation: Option<&Operation>,
        reply: Reply,
        started: Instant,
    ) -> Response<Full<Bytes>> {
        let outcome = format!("{} {}", reply.status.as_u16(), reply.note);
        self.log(method, operation, &outcome, started);
        let answered = if reply.note.contains("fault delay") { Answered::Fault } else { reply.answered };
        self.keep(method, operation, Some(reply.status.as_u16()), answered, &outcome, &reply.findings);
        reply.into_response()
    }

    /// The exchange's one log line: what became of it is `outcome` (a status and a note).
    fn log(&self, method: &hyper::Method, operation: Option<&Operation>, outcome: &str, started: Instant) {
        // The path template, not the path: paths carry customers' ids.
        let (id, template) = match operation {
            Some(op) => (op.id.as_str(), op.path.as_str()),
            None => ("-", "(unknown path)"),
        };
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        (self.log)(&format!("{method} {template} {id} -> {outcome} ({elapsed:.1} ms)"));
    }

    /// Keeps the exchange for `GET /_sandbox/log`: the same facts as its log line.
    fn keep(
        &self,
        method: &hyper::Method,
        operation: Option<&Operation>,
        status: Option<u16>,
        answered: Answered,
        outcome: &str,
        findings: &[Finding],
    ) {
        let operation = operation.map(|op| (op.id.as_str(), op.path.as_str()));
        let now = self.controls.clock.now();
        self.controls.exchanges.keep(now, method.as_str(), operation, status, answered, outcome, findings);
    }

    /// A request under `/_sandbox/`: a change needs the credentials, a view none.
    async fn control(
        &self,
        route: Result<Route, Unrouted>,
        head: &Parts,
        target: &str,
        body: Incoming,
        started: Instant,
    ) -> Response<Full<Bytes>> {
        if route == Ok(Route::Dashboard) {
            return super::control::dashboard_page();
        }
        let reply = match route {
            Err(Unrouted::NotFound) => {
                Reply::plain(StatusCode::NOT_FOUND, envelope(404, "No such control"), "no control")
            }
            Err(Unrouted::Method(allowed)) => not_allowed(allowed),
            Ok(route) => {
                let authorization =
                    head.headers.get(hyper::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
                let checked = if route.changes() {
                    self.guard.check(head.method.as_str(), target, authorization)
                } else {
                    Ok(())
                };
                match checked {
                    Err(refusal) => self.unauthorized(&refusal),
                    Ok(()) => match receive(&head.headers, body, route.body_limit()).await {
                        Err(refused) => refused,
                        Ok(body) if body.len() <= INLINE_CHECK_LIMIT => {
                            let (status, answer) = route.answer(&self.controls, &body);
                            Reply::plain(status, answer, "")
                        }
                        // A snapshot may be megabytes: read off the async workers.
                        Ok(body) => {
                            let controls = self.controls.clone();
                            match tokio::task::spawn_blocking(move || route.answer(&controls, &body)).await {
                                Ok((status, answer)) => {
                                    Reply::plain(status, answer, "(off the async workers)")
                                }
                                Err(_) => Reply::plain(
                                    StatusCode::SERVICE_UNAVAILABLE,
                                    envelope(503, "The sandbox could not finish this control"),
                                    "control not finished",
                                ),
                            }
                        }
                    },
                }
            }
        };
        // Named by the control, not the path, which a request chose.
        let name = route.map_or("(unknown control)", Route::name);
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        let note = if reply.note.is_empty() { String::new() } else { format!(" {}", reply.note) };
        (self.log)(&format!(
            "{} /_sandbox/{name} control -> {}{note} ({elapsed:.1} ms)",
            head.method,
            reply.status.as_u16()
        ));
        reply.into_response()
    }

    fn answer(&self, operation: &str, path_values: &[(String, String)], request: Request) -> Reply {
        let violations: Vec<Finding> = {
            let exchange = Exchange {
                file: "request".into(),
                entry: None,
                operation: None,
                request: Some(request.clone()),
                response: None,
            };
            let checker = Checker { contract: &self.contract, strict: false };
            checker.check(&exchange).1.into_iter().filter(|f| f.severity == Severity::Error).collect()
        };
        if !violations.is_empty() {
            return Reply {
                findings: violations.clone(),
                ..Reply::plain(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    violations_envelope(&violations),
                    &count(violations.len(), "violation"),
                )
            };
        }
        let now = self.controls.clock.now();
        // A GET changes nothing a restart must see; any other call's success is saved.
        let changes = !matches!(request.method.as_str(), "GET" | "HEAD");
        let answered = self.controls.world.change(
            |world| answer(world, operation, path_values, &request.query, request.body.json(), now),
            |answered| changes && matches!(answered, Some(Ok(_))),
        );
        match answered {
            Err(fault) => {
                let body = envelope(500, &fault.to_string());
                let note = match fault {
                    Fault::Panicked => "fault: the state was reset",
                    Fault::Unsaved => "fault: the change could not be saved, and was undone",
                };
                return Reply::plain(StatusCode::INTERNAL_SERVER_ERROR, body, note);
            }
            Ok(Some(Ok(data))) => {
                let body = json!({ "data": data, "success": true, "code": 0, "message": "" });
                return Reply {
                    source: Some("state".into()),
                    answered: Answered::State,
                    ..Reply::plain(StatusCode::OK, body, "from the state")
                };
            }
            Ok(Some(Err(refusal))) => {
                let note = format!("refused: {}", refusal.message);
                return Reply::plain(StatusCode::UNPROCESSABLE_ENTITY, refusal_envelope(&refusal), &note);
            }
            Ok(None) => {}
        }
        match self.answers.answer(operation, path_values, &request.query, request.body.json()) {
            None => Reply::plain(
                StatusCode::NOT_IMPLEMENTED,
                envelope(501, "The sandbox has nothing to answer this operation with"),
                "nothing to answer with",
            ),
            Some(answer) => Reply {
                source: Some(answer.source.to_string()),
                answered: match answer.source {
                    Source::Recording(_) => Answered::Recording,
                    Source::Schema => Answered::Shaped,
                },
                ..Reply::plain(
                    StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK),
                    answer.body.clone(),
                    &match answer.source {
                        Source::Recording(file) => format!("from {file}"),
                        Source::Schema => "shaped from the schema".into(),
                    },
                )
            },
        }
    }
}

impl State {
    /// Checks one of the sandbox's own answers against the spec, strictly, and keeps
    /// what is wrong with it.
    fn check_answer(&self, operation: &str, reply: &Reply, findings: &Mutex<Vec<String>>) {
        let exchange = Exchange {
            file: "answer".into(),
            entry: None,
            operation: Some(operation.into()),
            request: None,
            response: Some(crate::exchange::Response {
                status: reply.status.as_u16(),
                body: Body::Json(reply.body.clone()),
            }),
        };
        let checker = Checker { contract: &self.contract, strict: true };
        let (_, found) = checker.check(&exchange);
        let mut findings = findings.lock().unwrap_or_else(PoisonError::into_inner);
        for finding in found {
            if findings.len() < ANSWER_FINDINGS_KEPT {
                findings.push(format!("{operation} {}: {finding}", reply.status.as_u16()));
            }
        }
    }
}

impl Reply {
    fn plain(status: StatusCode, body: Value, note: &str) -> Reply {
        Reply {
            status,
            body,
            challenges: Vec::new(),
            allow: None,
            source: None,
            answered: Answered::Refusal,
            findings: Vec::new(),
            note: note.into(),
            closes: false,
        }
    }

    fn into_response(self) -> Response<Full<Bytes>> {
        let mut response = Response::new(Full::new(Bytes::from(self.body.to_string())));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        for challenge in self.challenges {
            if let Ok(value) = HeaderValue::try_from(challenge) {
                headers.append(WWW_AUTHENTICATE, value);
            }
        }
        if let Some(value) = self.allow.and_then(|allow| HeaderValue::try_from(allow).ok()) {
            headers.insert(hyper::header::ALLOW, value);
        }
        if let Some(value) = self.source.and_then(|source| HeaderValue::try_from(source).ok()) {
            headers.insert("x-sandbox-source", value);
        }
        if self.closes {
            headers.insert(CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}

/// A 405 naming the methods the path takes.
fn not_allowed(allowed: &str) -> Reply {
    Reply {
        allow: Some(allowed.into()),
        ..Reply::plain(
            StatusCode::METHOD_NOT_ALLOWED,
            envelope(405, &format!("This path takes {allowed}")),
            "method not allowed",
        )
    }
}

/// A 503 as a proxy sends it, with `Retry-After: 1`: HTML, not the API's envelope.
fn unavailable() -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(UNAVAILABLE_PAGE.as_bytes())));
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
    headers.insert(RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// Reads a request's body: at most `limit` bytes (413; [`BODY_LIMIT`] for the API),
/// within [`BODY_READ_TIMEOUT`] (408, and the connection closed), well-formed (400).
async fn receive(headers: &HeaderMap, body: Incoming, limit: usize) -> Result<Bytes, Reply> {
    let too_large = || {
        let message = format!("The request body is larger than the sandbox's limit of {limit} bytes");
        Reply::plain(StatusCode::PAYLOAD_TOO_LARGE, envelope(413, &message), "body too large")
    };
    let declared_length = headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    // Refused before it is read when it says it is too large; cut off when it grows so.
    if declared_length.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    let reading = http_body_util::Limited::new(body, limit).collect();
    match tokio::time::timeout(BODY_READ_TIMEOUT, reading).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(error)) if error.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        // Cut short or malformed (a bad chunk): nothing to answer but that.
        Ok(Err(_)) => {
            let reply = Reply::plain(
                StatusCode::BAD_REQUEST,
                envelope(400, "The request body could not be read"),
                "body unreadable",
            );
            Err(Reply { closes: true, ..reply })
        }
        Err(_) => {
            let seconds = BODY_READ_TIMEOUT.as_secs();
            let message = format!("The request body did not arrive within the sandbox's {seconds} s");
            let reply = Reply::plain(StatusCode::REQUEST_TIMEOUT, envelope(408, &message), "body too slow");
            Err(Reply { closes: true, ..reply })
        }
    }
}

/// The request as the engine checks it.
fn request_of(head: &Parts, path: String, query: Vec<(String, String)>, body: &[u8]) -> Request {
    let headers = head
        .headers
        .iter()
        .map(|(name, value)| (name.to_string(), String::from_utf8_lossy(value.as_bytes()).into()))
        .collect();
    let body = read_body(body, head.headers.get(CONTENT_TYPE));
    Request { method: head.method.to_string(), path, query, headers, body }
}

fn read_body(bytes: &[u8], content_type: Option<&HeaderValue>) -> Body {
    if bytes.is_empty() {
        return Body::Absent;
    }
    let declared_json = content_type.and_then(|v| v.to_str().ok()).is_some_and(is_json);
    match serde_json::from_slice(bytes) {
        Ok(value) if declared_json => Body::Json(value),
        Ok(_) => Body::Invalid("a body not declared as application/json".into()),
        Err(e) => Body::Invalid(format!("not valid JSON: {e}")),
    }
}

/// A 422 in the form of Laravel's validation errors, which the client reads:
/// `errors` maps each field (`body.items.0.amount`, `query.page`) to what is wrong.
fn violations_envelope(violations: &[Finding]) -> Value {
    let mut errors = Map::new();
    for violation in violations {
        let place = violation.location.trim_start_matches("request.");
        let field = match violation.pointer.as_str() {
            "" => place.to_string(),
            pointer if violation.location.ends_with("body") => {
                let names: Vec<String> = pointer.split('/').map(pointer::unescape).collect();
                format!("{place}{}", names.join("."))
            }
            name => format!("{place}.{name}"),
        };
        let message = format!(
            "{}: the spec says {}; found {}",
            violation.kind.name(),
            violation.expected,
            violation.found
        );
        if let Value::Array(messages) = errors.entry(field).or_insert_with(|| Value::Array(Vec::new())) {
            messages.push(Value::String(message));
        }
    }
    let summary = format!("The request does not match the spec ({})", count(violations.len(), "violation"));
    let mut body = envelope(422, &summary);
    body["errors"] = Value::Object(errors);
    body
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}
