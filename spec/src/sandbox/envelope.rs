//! The API's envelope for a refusal, as every answer of the sandbox that is not a
//! success carries it: the server's and the control API's alike.

use super::world::Refusal;
use serde_json::{Value, json};

/// The API's envelope for a failure.
pub(super) fn envelope(code: u16, message: &str) -> Value {
    json!({ "data": null, "success": false, "code": code, "message": message })
}

/// A 422 for a request the sandbox's rules refuse, in the same form as a violation.
pub(super) fn refusal_envelope(refusal: &Refusal) -> Value {
    let mut body = envelope(422, &refusal.message);
    body["errors"] = json!({ refusal.field.as_str(): [refusal.message] });
    body
}
