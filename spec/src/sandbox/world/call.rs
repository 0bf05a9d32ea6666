//! A call as a rule sees it, and what the rule makes of it: every rule takes the
//! request's body and the time, and answers the `data` of a success or a refusal.

use super::refusal::Refusal;
use serde_json::Value;
use std::time::SystemTime;

/// One call to a rule: the request's body (`null` when it has none) and the time it
/// is answered at.
#[derive(Clone, Copy)]
pub struct Call<'r> {
    pub body: &'r Value,
    pub now: SystemTime,
}

/// What a rule answers: the `data` of the API's envelope, or why it refuses.
pub type Outcome = Result<Value, Refusal>;
