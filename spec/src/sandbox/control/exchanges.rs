//! The last exchanges, kept for `GET /_sandbox/log`: for each its time, operation,
//! status, what answered it and what the request check found; never a value a request
//! or an answer carried (the log line's rule), so no customer's data is kept.

use crate::finding::Finding;
use crate::sandbox::limits::{EXCHANGES_KEPT, FINDINGS_KEPT_PER_EXCHANGE};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

/// What answered an exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answered {
    /// The simulated state.
    State,
    /// A recording.
    Recording,
    /// A body shaped from the spec's schema.
    Shaped,
    /// An armed fault.
    Fault,
    /// The sandbox itself, refusing: Digest, a body, the spec's check or a rule.
    Refusal,
}

impl Answered {
    fn name(self) -> &'static str {
        match self {
            Answered::State => "state",
            Answered::Recording => "recording",
            Answered::Shaped => "shaped",
            Answered::Fault => "fault",
            Answered::Refusal => "refusal",
        }
    }
}

/// The last [`EXCHANGES_KEPT`] exchanges, oldest first.
#[derive(Default)]
pub struct Exchanges(Mutex<VecDeque<Value>>);

impl Exchanges {
    /// Keeps one exchange, forgetting the oldest past the limit. `outcome` is the log
    /// line's (a status and a note, never a value).
    #[allow(clippy::too_many_arguments)]
    pub fn keep(
        &self,
        at: SystemTime,
        method: &str,
        operation: Option<(&str, &str)>,
        status: Option<u16>,
        answered: Answered,
        outcome: &str,
        findings: &[Finding],
    ) {
        let at_unix_ms = at.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
        let (id, template) = operation.unwrap_or(("-", "(unknown path)"));
        let more_findings = findings.len().saturating_sub(FINDINGS_KEPT_PER_EXCHANGE);
        let findings: Vec<Value> = findings
            .iter()
            .take(FINDINGS_KEPT_PER_EXCHANGE)
            .map(|f| {
                json!({"kind": f.kind.name(), "location": f.location, "pointer": f.pointer,
                       "expected": f.expected, "found": f.found})
            })
            .collect();
        let entry = json!({
            "at_unix_ms": at_unix_ms,
            "method": method,
            "path": template,
            "operation": id,
            "status": status,
            "answered_by": answered.name(),
            "outcome": outcome,
            "findings": findings,
            "more_findings": more_findings,
        });
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() >= EXCHANGES_KEPT {
            kept.pop_front();
        }
        kept.push_back(entry);
    }

    /// The exchanges kept, oldest first.
    pub fn read(&self) -> Vec<Value> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).iter().cloned().collect()
    }
}
