//! The one error type of the client. Each variant says what the caller can do.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::retry::{Ending, retryable};

/// Everything a call (or building a client) can end in, other than its data.
///
/// Match on the variants for the whole story, or ask the accessors
/// ([`status`](Self::status), [`api_code`](Self::api_code),
/// [`field_errors`](Self::field_errors), [`is_retryable`](Self::is_retryable), ...).
#[derive(Clone, Debug, thiserror::Error)]
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
    /// dropped mid-way. When `retryable` is false (a POST, PATCH, PUT or DELETE that
    /// may have reached the server), it may or may not have been processed: check
    /// (e.g. read the order back) before sending it again.
    #[error("transport ({kind}): {source}")]
    #[non_exhaustive]
    Transport {
        /// Which part of the exchange failed.
        kind: TransportKind,
        /// Whether sending the call again is safe: see [`Error::is_retryable`].
        retryable: bool,
        /// reqwest's error, without the URL (paths carry customers' ids).
        #[source]
        source: Arc<reqwest::Error>,
    },

    /// The server did not accept our credentials, or authentication could not be
    /// carried out. Check the username and password (or the reason given).
    #[error("unauthorized: {reason}")]
    #[non_exhaustive]
    Unauthorized {
        /// Why.
        reason: AuthFailure,
    },

    /// The API answered with its error envelope: the call was understood and
    /// refused. `code` and `message` are the API's; a 422 lists `field_errors`.
    #[error("API error (HTTP {status}, code {}): {message}", code.map_or("none".to_string(), |c| c.to_string()))]
    #[non_exhaustive]
    Api {
        /// The HTTP status (200 when only the envelope said `success: false`).
        status: u16,
        /// The envelope's `code`, when it has one.
        code: Option<i64>,
        /// The envelope's `message`.
        message: String,
        /// Per field, what is wrong with it (a 422's `errors`); empty otherwise.
        field_errors: BTreeMap<String, Vec<String>>,
        /// Whether sending the call again is safe: see [`Error::is_retryable`].
        retryable: bool,
    },

    /// A status the API does not document, with a body that is not its error
    /// envelope (a proxy's HTML page, say). Often temporary on a 5xx.
    #[error("unexpected response: HTTP {status}")]
    #[non_exhaustive]
    UnexpectedResponse {
        /// The HTTP status.
        status: u16,
        /// The body's first bytes, withheld from `Debug` and `Display`.
        body_start: BodyStart,
        /// Whether sending the call again is safe: see [`Error::is_retryable`].
        retryable: bool,
    },

    /// The response does not fit the operation's type: the API and the spec disagree.
    /// Report it with `operation` and `path`; `cargo xtask verify` on a capture shows more.
    #[error("cannot decode the response of {operation} (HTTP {status}) at {path}: {reason}")]
    #[non_exhaustive]
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

    /// A placement ([`Client::place_buy`](crate::Client::place_buy), `place_sell`,
    /// `place_delivery`) cannot tell whether the order was placed: a send may have
    /// reached the server, and the lookups by `external_id` did not find it, while
    /// sending again was not allowed (no sends left, the price token too short, a resend
    /// refused) or the lookups could not say. Nothing more is sent. Read the order later
    /// with `get_order` by `external_id` before placing it again (with the same id).
    #[error(
        "outcome unknown for order {external_id} after {sends} send(s) and {lookups} lookup(s): {last}; \
         read it later with get_order before placing it again"
    )]
    #[non_exhaustive]
    OutcomeUnknown {
        /// The order's `external_id` (the partner's id for it).
        external_id: String,
        /// How many times it was sent.
        sends: u32,
        /// How many times it was looked up.
        lookups: u32,
        /// The failure of the last send.
        #[source]
        last: Box<Error>,
    },
}

impl Error {
    /// The HTTP status the server answered with; `None` when there was no answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::UnexpectedResponse { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            Error::Unauthorized { .. } => Some(401),
            _ => None,
        }
    }

    /// The `code` of the API's error envelope.
    pub fn api_code(&self) -> Option<i64> {
        match self {
            Error::Api { code, .. } => *code,
            _ => None,
        }
    }

    /// Per field, what the API says is wrong with it (a 422's `errors`); `None` when
    /// the API named no field.
    pub fn field_errors(&self) -> Option<&BTreeMap<String, Vec<String>>> {
        match self {
            Error::Api { field_errors, .. } if !field_errors.is_empty() => Some(field_errors),
            _ => None,
        }
    }

    /// A connect or request timeout ran out (a connect timeout is also
    /// [`is_connect`](Self::is_connect)).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport { source, .. } if source.is_timeout())
    }

    /// No connection could be made (refused, or a name that does not resolve): the
    /// request was never sent.
    pub fn is_connect(&self) -> bool {
        matches!(self, Error::Transport { kind: TransportKind::Connect, .. })
    }

    /// The server refused the credentials, or authentication could not be carried out.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Error::Unauthorized { .. })
    }

    /// The `external_id` of an order whose placement ended with its outcome unknown
    /// ([`Error::OutcomeUnknown`]): read it later with `get_order` before placing it again.
    pub fn outcome_unknown(&self) -> Option<&str> {
        match self {
            Error::OutcomeUnknown { external_id, .. } => Some(external_id),
            _ => None,
        }
    }

    /// Whether the call can be sent again without risk of its taking effect twice,
    /// with a chance of another outcome: exactly the failures the client's
    /// [`RetryPolicy`](crate::RetryPolicy) retries (a GET after a network failure or
    /// an HTTP 429, 502, 503 or 504; any call whose connection was never made). Still
    /// true once the policy's retries are spent, for a caller who tries again later.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { retryable, .. }
            | Error::Api { retryable, .. }
            | Error::UnexpectedResponse { retryable, .. } => *retryable,
            _ => false,
        }
    }
}

/// Which part of an exchange failed on the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportKind {
    /// No connection could be made (refused, a name that does not resolve, or the
    /// connect timeout): the request was never sent.
    Connect,
    /// The request timeout ran out after the connection was made.
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

impl Error {
    /// A network failure, retryable as the call's method allows.
    pub(crate) fn transport(source: reqwest::Error, get: bool) -> Error {
        Error::Transport {
            kind: TransportKind::of(&source),
            retryable: retryable(get, Ending::of(&source)),
            source: Arc::new(source.without_url()),
        }
    }
}

impl TransportKind {
    fn of(error: &reqwest::Error) -> TransportKind {
        // A connect timeout is both: the request was never sent, which matters more.
        if error.is_connect() {
            TransportKind::Connect
        } else if error.is_timeout() {
            TransportKind::Timeout
        } else {
            TransportKind::Interrupted
        }
    }
}

impl From<reqwest::Error> for Error {
    fn from(source: reqwest::Error) -> Error {
        // The URL's path carries customers' ids.
        let source = source.without_url();
        if source.is_builder() {
            return Error::InvalidRequest(source.to_string());
        }
        // The method is not known here: only a connection never made is safe to retry.
        Error::transport(source, false)
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
            Generated::UnexpectedResponse(mut response) => {
                match response.extensions_mut().remove::<Error>() {
                    Some(error) => error,
                    None => Error::UnexpectedResponse {
                        status: response.status().as_u16(),
                        body_start: BodyStart::default(),
                        retryable: false,
                    },
                }
            }
            Generated::ErrorResponse(response) => Error::UnexpectedResponse {
                status: response.status().as_u16(),
                body_start: BodyStart::default(),
                retryable: false,
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
