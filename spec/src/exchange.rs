//! Exchanges: one request and (where known) its response, whichever format they came from.

use serde_json::Value;

/// One request and (where known) its response.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    /// The file it was read from (or the embedded recording's name).
    pub file: String,
    /// Index into a HAR file's `log.entries`.
    pub entry: Option<usize>,
    /// The operation a recording says it is an example of.
    pub operation: Option<String>,
    /// The request, unless the source showed only a response.
    pub request: Option<Request>,
    /// The response, unless the source showed only a request (or none came).
    pub response: Option<Response>,
}

/// A request as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Upper-case HTTP method.
    pub method: String,
    /// The API path, without query string or the server's base path; percent-encoded.
    pub path: String,
    /// Decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// Header names and values, as sent.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Body,
}

/// A response as received.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Body,
}

/// A body, and what is known of it.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// None was sent (real traffic: a required body that is absent is a finding).
    Absent,
    /// Unknown: the source (the docs, for most recordings) showed none. Nothing to check.
    NotShown,
    /// A JSON body.
    Json(Value),
    /// Declared JSON, but does not parse; the reason.
    Invalid(String),
    /// A body of another media type (an HTML error page from a proxy): its type and size.
    Other {
        /// The media type's essence, `text/html`.
        media_type: String,
        /// Its size in bytes, as far as the capture says.
        bytes: u64,
    },
}

impl Body {
    /// The JSON value, if the body is one.
    pub fn json(&self) -> Option<&Value> {
        match self {
            Body::Json(value) => Some(value),
            _ => None,
        }
    }
}

/// Why an entry of a capture is not checked: counted, never a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// To a host, or a path, outside the spec's servers.
    OtherHost,
    /// A page or an asset of the API's host: no JSON body, and no operation of the spec.
    NotJson,
    /// No response came: status 0, or the capture notes an error.
    Aborted,
    /// A body was sent or received, but the capture did not keep it.
    NotCaptured,
}

/// How many entries were not checked, by why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// To other hosts (or paths outside the spec's servers).
    pub other_host: usize,
    /// Pages and assets: no JSON body and no operation of the spec.
    pub not_json: usize,
    /// Aborted: no response came.
    pub aborted: usize,
    /// A body the capture did not keep.
    pub not_captured: usize,
}

impl Skipped {
    /// Counts one more entry skipped for `reason`.
    pub fn add(&mut self, reason: SkipReason) {
        match reason {
            SkipReason::OtherHost => self.other_host += 1,
            SkipReason::NotJson => self.not_json += 1,
            SkipReason::Aborted => self.aborted += 1,
            SkipReason::NotCaptured => self.not_captured += 1,
        }
    }

    /// Every entry skipped, whatever the reason.
    pub fn total(&self) -> usize {
        self.other_host + self.not_json + self.aborted + self.not_captured
    }
}

/// Splits a request target `path?query` into the path and its decoded query pairs.
pub fn split_target(target: &str) -> (String, Vec<(String, String)>) {
    match target.split_once('?') {
        None => (target.to_string(), Vec::new()),
        Some((path, query)) => {
            (path.to_string(), url::form_urlencoded::parse(query.as_bytes()).into_owned().collect())
        }
    }
}
