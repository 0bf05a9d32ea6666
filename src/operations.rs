//! Every operation of the spec, as data: what `build.rs` read from
//! `spec/minted-connect.yaml`, for code that must treat operations uniformly
//! (the per-operation `api-version`, checking recordings against the types).

use serde::{Serialize, de::DeserializeOwned};

use crate::types;

/// One operation of the spec.
#[derive(Clone, Copy, Debug)]
pub struct Operation {
    /// The spec's `operationId`, also the name of the client method.
    pub id: &'static str,
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// Path template, e.g. `/partner/customer/{external_customer_id}`.
    pub path: &'static str,
    /// The `api-version` header value the operation's docs give.
    pub api_version: &'static str,
    /// Parses a request body into the operation's request type and writes it back.
    pub request: Option<Roundtrip>,
    /// Parses a 200 response body into the operation's response type and writes it back.
    pub response: Roundtrip,
}

/// Parses JSON into a generated type and serializes it again: the result is
/// what the typed client keeps of the input, so comparing the two shows what a
/// type would drop or reject.
pub type Roundtrip = fn(serde_json::Value) -> Result<serde_json::Value, serde_json::Error>;

fn roundtrip<T: DeserializeOwned + Serialize>(
    value: serde_json::Value,
) -> Result<serde_json::Value, serde_json::Error> {
    serde_json::from_value::<T>(value).and_then(|typed| serde_json::to_value(typed))
}

include!(concat!(env!("OUT_DIR"), "/operations.rs"));

/// The operation with this `operationId`.
pub fn find(id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.id == id)
}
