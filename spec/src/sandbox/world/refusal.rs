//! How a rule says no: a [`Refusal`] names the request field at fault and the rule,
//! so the server can answer it as a 422 in the API's envelope. The refusals more than
//! one area makes are here, worded once.

use chrono::{DateTime, Utc};
use serde_json::Value;
use std::time::SystemTime;

/// A call the sandbox's rules refuse: the field at fault and the rule, for a 422.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The request field the rule is about (`body.items.0.amount`, `path.external_customer_id`).
    pub field: String,
    /// The rule, in words.
    pub message: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.field)
    }
}

impl std::error::Error for Refusal {}

pub(super) fn refuse<T>(field: &str, message: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal { field: field.into(), message: message.into() })
}

/// A sum or balance past what an exact decimal holds (about 7.9e28).
pub(super) fn too_large(field: &str) -> Refusal {
    Refusal { field: field.into(), message: "the trade is too large for the sandbox to price or hold".into() }
}

/// A clock moved past the dates the answers can show (the year 262143).
pub(super) fn out_of_dates() -> Refusal {
    Refusal { field: "body".into(), message: "the sandbox's clock is past the dates it can show".into() }
}

/// A time as a UTC date, refused rather than a panic when it cannot be one.
pub(super) fn utc(time: SystemTime) -> Result<DateTime<Utc>, Refusal> {
    let date = match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).ok().and_then(|s| DateTime::from_timestamp(s, 0)),
        Err(before) => {
            i64::try_from(before.duration().as_secs()).ok().and_then(|s| DateTime::from_timestamp(-s, 0))
        }
    };
    date.ok_or_else(out_of_dates)
}

/// Refuses to keep `value` when its JSON is longer than `limit` bytes.
pub(super) fn check_bytes(value: &Value, limit: usize, field: &str, what: &str) -> Result<(), Refusal> {
    if value.to_string().len() > limit {
        return refuse(field, format!("the sandbox keeps at most {limit} bytes {what}"));
    }
    Ok(())
}
