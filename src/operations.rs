//! Every operation of the spec, as data: what `build.rs` read from
//! `spec/minted-connect.yaml`, for code that must treat operations uniformly
//! (the per-operation `api-version`, decoding a response to classify it). Private:
//! the spec's own list of operations is `minted_spec::document::operations`.

use serde::de::DeserializeOwned;

use crate::envelope::Envelope;
use crate::types;

#[cfg(test)]
mod tests;

/// One operation of the spec.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Operation {
    /// The spec's `operationId`, also the name of the client method.
    pub id: &'static str,
    /// Upper-case HTTP method.
    #[cfg_attr(not(test), allow(dead_code, reason = "read by the recordings' tests"))]
    pub method: &'static str,
    /// Path template, e.g. `/partner/customer/{external_customer_id}`.
    pub path: &'static str,
    /// The `api-version` header value the operation's docs give.
    pub api_version: &'static str,
    /// Parses a request body into the operation's request type and writes it back.
    #[cfg(test)]
    pub request: Option<Roundtrip>,
    /// Parses a 200 response body into the operation's response type and writes it back.
    #[cfg(test)]
    pub response: Roundtrip,
    /// Decodes a 200 response body as the client will, saying where it does not fit.
    pub decode_response: Decode,
    /// Where the request body holds data the spec marks `x-sensitive` (the keys down to
    /// it, `*` for every array item), with the JSON of the placeholder a recording writes.
    pub redact_request: Redactions,
    /// The same for the 200 response body.
    pub redact_response: Redactions,
    /// A new span for one call, named for the operation (a span's name is fixed where
    /// it is written, hence one per operation, written by `build.rs`), with the method
    /// and the path template, never the path: paths carry customers' ids.
    pub span: fn() -> tracing::Span,
}

/// Marked fields of a body: the keys down to each, and its placeholder as JSON.
pub(crate) type Redactions = &'static [(&'static [&'static str], &'static str)];

/// Parses JSON into a generated type and serializes it again: the result is
/// what the typed client keeps of the input, so comparing the two shows what a
/// type would drop or reject.
#[cfg(test)]
pub type Roundtrip = fn(serde_json::Value) -> Result<serde_json::Value, serde_json::Error>;

#[cfg(test)]
fn roundtrip<T: DeserializeOwned + serde::Serialize>(
    value: serde_json::Value,
) -> Result<serde_json::Value, serde_json::Error> {
    serde_json::from_value::<T>(value).and_then(|typed| serde_json::to_value(typed))
}

/// Decodes a response body into the operation's envelope type and returns the
/// envelope's verdict (`success`, `code`, `message`) with the decoded envelope, or where
/// the body does not fit.
pub(crate) type Decode = fn(&[u8]) -> Result<(Verdict, Decoded), Misfit>;

/// A 200 body already decoded into its generated type, carried on the response to the
/// generated code ([`crate::transport::response_value`]) so that it is decoded once.
/// Taken once; `Clone` only because a response's extensions must be.
#[derive(Clone)]
pub(crate) struct Decoded(std::sync::Arc<std::sync::Mutex<Option<Box<dyn std::any::Any + Send>>>>);

impl Decoded {
    /// The value, if it is a `T` and was not taken before.
    pub(crate) fn take<T: 'static>(&self) -> Option<T> {
        let value = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()?;
        value.downcast::<T>().ok().map(|value| *value)
    }
}

/// What a response envelope says of the call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Verdict {
    pub success: bool,
    pub code: i64,
    pub message: String,
}

/// Where and why a body does not fit its type. `reason` never quotes the body's
/// values: they may be a customer's data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Misfit {
    /// Path to the offending value, e.g. `data.prices[0].buy_price` (`.` for the whole body).
    pub path: String,
    pub reason: String,
}

fn decode<T: DeserializeOwned + Envelope + Send + 'static>(
    body: &[u8],
) -> Result<(Verdict, Decoded), Misfit> {
    // The plain decode first; the path-tracking one, slower, only to say where it failed.
    let envelope: T = serde_json::from_slice(body).map_err(|_| misfit::<T>(body))?;
    let verdict = Verdict {
        success: envelope.success(),
        code: envelope.code(),
        message: envelope.message().to_string(),
    };
    let decoded: Box<dyn std::any::Any + Send> = Box::new(envelope);
    Ok((verdict, Decoded(std::sync::Arc::new(std::sync::Mutex::new(Some(decoded))))))
}

/// Where and why `body` does not decode as a `T`.
fn misfit<T: DeserializeOwned>(body: &[u8]) -> Misfit {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(e) => Misfit { path: e.path().to_string(), reason: withhold_values(&e.inner().to_string()) },
        Ok(_) => match deserializer.end() {
            Err(e) => Misfit { path: ".".into(), reason: e.to_string() },
            Ok(()) => Misfit { path: ".".into(), reason: "the body does not decode".into() },
        },
    }
}

/// serde quotes the offending value ("invalid type: string \"Ada\", expected i64",
/// "unknown variant `Ada`, expected one of ..."); keep the kind and the expectation,
/// drop the value.
fn withhold_values(reason: &str) -> String {
    if let Some(rest) = reason.strip_prefix("unknown variant ") {
        let expected = rest.rfind(", expected ").map_or("", |at| &rest[at..]);
        return format!("unknown variant{expected}");
    }
    for prefix in ["invalid type: ", "invalid value: ", "invalid length "] {
        if let Some(rest) = reason.strip_prefix(prefix)
            && let Some(expected) = rest.rfind(", expected ").map(|at| &rest[at..])
        {
            let kind = rest.split([' ', ',']).next().unwrap_or_default();
            return format!("{prefix}{kind}{expected}");
        }
    }
    reason.to_string()
}

include!(concat!(env!("OUT_DIR"), "/operations.rs"));

/// The operation with this `operationId`.
pub(crate) fn find(id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.id == id)
}
