//! The one error type of the client. Each variant says what the caller can do.

use std::collections::BTreeMap;
use std::fmt;

/// Everything a call (or building a client) can end in, other than its data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client's configuration is unusable (a missing variable, a bad URL or
    /// header value). Fix the configuration; retrying will not help.
    #[error("configuration: {0}")]
    Config(String),

    /// The request was refused before it was sent: a value breaks a rule of the spec
    /// (a length, a pattern, a missing required field). Fix the value.
    #[error("invalid request: {0}")]
    InvalidRequest(String),

    /// The exchange failed on the network: no connection, a timeout, or a connection
    /// dropped mid-way. A GET can be retried. A POST, PATCH or DELETE may or may not
    /// have been processed: check (e.g. read the order back) before sending it again.
    #[error("transport ({kind}): {source}")]
    Transport {
        /// Which part of the exchange failed.
        kind: TransportKind,
        /// reqwest's error, without the URL (paths carry customers' ids).
        #[source]
        source: reqwest::Error,
    },

    /// The server did not accept our credentials, or authentication could not be
    /// carried out. Check the username and password (or the reason given).
    #[error("unauthorized: {reason}")]
    Unauthorized {
        /// Why.
        reason: AuthFailure,
    },

    /// The API answered with its error envelope: the call was understood and
    /// refused. `code` and `message` are the API's; a 422 lists `field_errors`.
    #[error("API error (HTTP {status}, code {}): {message}", code.map_or("none".to_string(), |c| c.to_string()))]
    Api {
        /// The HTTP status (200 when only the envelope said `success: false`).
        status: u16,
        /// The envelope's `code`, when it has one.
        code: Option<i64>,
        /// The envelope's `message`.
        message: String,
        /// Per field, what is wrong with it (a 422's `errors`); empty otherwise.
        field_errors: BTreeMap<String, Vec<String>>,
    },

    /// A status the API does not document, with a body that is not its error
    /// envelope (a proxy's HTML page, say). Often temporary on a 5xx.
    #[error("unexpected response: HTTP {status}")]
    UnexpectedResponse {
        /// The HTTP status.
        status: u16,
        /// The body's first bytes, withheld from `Debug` and `Display`.
        body_start: BodyStart,
    },

    /// The response does not fit the operation's type: the API and the spec disagree.
    /// Report it with `operation` and `path`; `cargo xtask verify` on a capture shows more.
    #[error("cannot decode the response of {operation} (HTTP {status}) at {path}: {reason}")]
    Decode {
        /// The operation called, e.g. `get_customer`.
        operation: String,
        /// The HTTP status.
        status: u16,
        /// Where in the body, e.g. `data.wallets[1].balance`.
        path: String,
        /// What does not fit, without the value.
        reason: String,
        /// The body's first bytes, withheld from `Debug` and `Display`.
        body_start: BodyStart,
    },
}

/// Which part of an exchange failed on the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportKind {
    /// No connection could be made.
    Connect,
    /// The connect or request timeout ran out.
    Timeout,
    /// The connection broke while sending or receiving.
    Interrupted,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Connect => "connect",
            TransportKind::Timeout => "timeout",
            TransportKind::Interrupted => "interrupted",
        })
    }
}

/// Why a call ended unauthorized.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthFailure {
    /// The server refused the credentials answering a fresh challenge.
    Rejected,
    /// A 401 without a Digest challenge to answer.
    NoChallenge,
    /// Digest challenges, none of which this client can answer (e.g. an unknown algorithm).
    Unsupported(String),
    /// The server asks for authentication and the client has no credentials.
    NoCredentials,
}

impl fmt::Display for AuthFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthFailure::Rejected => f.write_str("the server refused the username and password"),
            AuthFailure::NoChallenge => f.write_str("HTTP 401 without a Digest challenge"),
            AuthFailure::Unsupported(why) => write!(f, "no Digest challenge this client supports ({why})"),
            AuthFailure::NoCredentials => {
                f.write_str("the server asks for credentials and none are configured")
            }
        }
    }
}

/// The first bytes of a response body. Bodies may carry customers' data, so this
/// is never printed by `Debug` or `Display`; read it deliberately with [`BodyStart::as_str`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct BodyStart(String);

impl BodyStart {
    const LIMIT: usize = 256;

    pub(crate) fn of(body: &[u8]) -> BodyStart {
        let text = String::from_utf8_lossy(&body[..body.len().min(Self::LIMIT)]);
        BodyStart(text.trim_end_matches('\u{FFFD}').to_string())
    }

    /// The text, read deliberately: it may hold a customer's data.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BodyStart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BodyStart({} bytes, withheld)", self.0.len())
    }
}

/// How `transport` hands a classified response to the error conversion: attached
/// to the response, which the generated code passes on as `UnexpectedResponse`.
#[derive(Clone, Debug)]
pub(crate) enum Failure {
    Unauthorized(AuthFailure),
    Api { status: u16, code: Option<i64>, message: String, field_errors: BTreeMap<String, Vec<String>> },
    Unexpected { status: u16, body_start: BodyStart },
    Decode { operation: &'static str, status: u16, path: String, reason: String, body_start: BodyStart },
}

impl From<Failure> for Error {
    fn from(failure: Failure) -> Error {
        match failure {
            Failure::Unauthorized(reason) => Error::Unauthorized { reason },
            Failure::Api { status, code, message, field_errors } => {
                Error::Api { status, code, message, field_errors }
            }
            Failure::Unexpected { status, body_start } => Error::UnexpectedResponse { status, body_start },
            Failure::Decode { operation, status, path, reason, body_start } => {
                Error::Decode { operation: operation.to_string(), status, path, reason, body_start }
            }
        }
    }
}

impl From<reqwest::Error> for Error {
    fn from(source: reqwest::Error) -> Error {
        // The URL's path carries customers' ids.
        let source = source.without_url();
        let kind = if source.is_timeout() {
            TransportKind::Timeout
        } else if source.is_connect() {
            TransportKind::Connect
        } else {
            TransportKind::Interrupted
        };
        Error::Transport { kind, source }
    }
}

impl<E> From<progenitor_client::Error<E>> for Error {
    fn from(error: progenitor_client::Error<E>) -> Error {
        use progenitor_client::Error as Generated;
        match error {
            Generated::InvalidRequest(reason) | Generated::Custom(reason) => Error::InvalidRequest(reason),
            Generated::CommunicationError(e)
            | Generated::ResponseBodyError(e)
            | Generated::InvalidUpgrade(e) => e.into(),
            Generated::UnexpectedResponse(response) => match response.extensions().get::<Failure>() {
                Some(failure) => failure.clone().into(),
                None => Error::UnexpectedResponse {
                    status: response.status().as_u16(),
                    body_start: BodyStart::default(),
                },
            },
            Generated::ErrorResponse(response) => Error::UnexpectedResponse {
                status: response.status().as_u16(),
                body_start: BodyStart::default(),
            },
            // `transport` decodes every 200 body first, so this is a body that changed
            // between the two decodes; report what serde said.
            Generated::InvalidResponsePayload(body, e) => Error::Decode {
                operation: "unknown".into(),
                status: 200,
                path: format!("line {} column {}", e.line(), e.column()),
                reason: category(&e).to_string(),
                body_start: BodyStart::of(&body),
            },
        }
    }
}

fn category(error: &serde_json::Error) -> &'static str {
    use serde_json::error::Category;
    match error.classify() {
        Category::Io => "I/O error",
        Category::Syntax => "not valid JSON",
        Category::Data => "a value of the wrong type or shape",
        Category::Eof => "the body ends early",
    }
}
