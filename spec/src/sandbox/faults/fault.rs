//! What a fault is and how it is written: an operation, a kind (lose, reset, 503,
//! delay) and a probability, read from `OPERATION:KIND:PROBABILITY[:DURATION]`
//! (`buy:lose:0.3`, `buy:delay:0.2:5s`) with an error that says what is wrong.

use crate::sandbox::limits::{MAX_FAULT_DELAY, MAX_FAULTS};
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::Duration;

/// What an armed fault does to a request of its operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// The request is handled (its change is made), then the connection is closed
    /// without an answer: the client cannot tell whether it happened.
    Lose,
    /// The connection is closed before anything is done.
    Reset,
    /// A 503 with `Retry-After: 1` and a proxy's HTML page (not the API's envelope);
    /// nothing is done. Written `503`.
    Unavailable,
    /// The request is handled, and its answer held this long before it is sent.
    Delay(Duration),
}

impl FaultKind {
    /// As the command line writes it: `lose`, `reset`, `503`, `delay`.
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Lose => "lose",
            FaultKind::Reset => "reset",
            FaultKind::Unavailable => "503",
            FaultKind::Delay(_) => "delay",
        }
    }
}

/// One fault armed on an operation: with this probability, a request of it gets
/// this kind of fault. Built with [`Fault::new`] or parsed from
/// `OPERATION:KIND:PROBABILITY[:DURATION]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    operation: String,
    kind: FaultKind,
    probability: f64,
}

impl Fault {
    /// A fault on the operation with this `operationId`, of probability 0 to 1; a
    /// delay at most [`MAX_FAULT_DELAY`]. The id is checked against the spec the
    /// sandbox serves when the fault is armed.
    pub fn new(operation: impl Into<String>, kind: FaultKind, probability: f64) -> Result<Fault, FaultError> {
        // Written so that NaN is refused too.
        if !(0.0..=1.0).contains(&probability) {
            return Err(FaultError::Probability(probability.to_string()));
        }
        if let FaultKind::Delay(delay) = kind
            && delay > MAX_FAULT_DELAY
        {
            return Err(FaultError::DelayTooLong(delay));
        }
        Ok(Fault { operation: operation.into(), kind, probability })
    }

    /// The `operationId` of the operation it is armed on.
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// What it does.
    pub fn kind(&self) -> FaultKind {
        self.kind
    }

    /// How likely a request of the operation is to get it, from 0 to 1.
    pub fn probability(&self) -> f64 {
        self.probability
    }
}

/// As the command line writes it: `buy:lose:0.3`, `buy:delay:0.2:5s`.
impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.operation, self.kind.name(), self.probability)?;
        match self.kind {
            FaultKind::Delay(delay) => write!(f, ":{}", duration_text(delay)),
            FaultKind::Lose | FaultKind::Reset | FaultKind::Unavailable => Ok(()),
        }
    }
}

/// Reads `OPERATION:KIND:PROBABILITY`, or `OPERATION:delay:PROBABILITY:DURATION` with
/// a duration of whole seconds or milliseconds (`5s`, `250ms`). The operation must
/// be one of the embedded spec's (the sandbox checks again against the spec it serves).
impl FromStr for Fault {
    type Err = FaultError;

    fn from_str(text: &str) -> Result<Fault, FaultError> {
        let parts: Vec<&str> = text.split(':').collect();
        let (operation, kind, probability, duration) = match parts[..] {
            [operation, kind, probability] => (operation, kind, probability, None),
            [operation, kind, probability, duration] => (operation, kind, probability, Some(duration)),
            _ => return Err(FaultError::Syntax(text.into())),
        };
        let kind = match (kind, duration) {
            ("lose", None) => FaultKind::Lose,
            ("reset", None) => FaultKind::Reset,
            ("503", None) => FaultKind::Unavailable,
            ("delay", Some(duration)) => FaultKind::Delay(parse_duration(duration)?),
            ("lose" | "reset" | "503" | "delay", _) => return Err(FaultError::Syntax(text.into())),
            (other, _) => return Err(FaultError::UnknownKind(other.into())),
        };
        let probability: f64 =
            probability.parse().map_err(|_| FaultError::Probability(probability.into()))?;
        if !embedded_operations().iter().any(|id| id == operation) {
            return Err(FaultError::UnknownOperation(operation.into()));
        }
        Fault::new(operation, kind, probability)
    }
}

/// `5s` or `250ms`: whole seconds or milliseconds, at most [`MAX_FAULT_DELAY`].
fn parse_duration(text: &str) -> Result<Duration, FaultError> {
    let duration = if let Some(ms) = text.strip_suffix("ms") {
        ms.parse().ok().map(Duration::from_millis)
    } else if let Some(s) = text.strip_suffix('s') {
        s.parse().ok().map(Duration::from_secs)
    } else {
        None
    };
    duration.ok_or_else(|| FaultError::Duration(text.into()))
}

/// A delay as [`parse_duration`] reads it: whole seconds, else milliseconds.
pub fn duration_text(duration: Duration) -> String {
    if duration.subsec_nanos() == 0 {
        format!("{}s", duration.as_secs())
    } else {
        format!("{}ms", duration.as_millis())
    }
}

/// The embedded spec's operation ids, read once.
fn embedded_operations() -> &'static [String] {
    static IDS: OnceLock<Vec<String>> = OnceLock::new();
    IDS.get_or_init(|| {
        let document = serde_json::from_str(crate::embedded::JSON)
            .or_else(|_| crate::document::parse(crate::YAML))
            .unwrap_or_default();
        crate::document::operations(&document).into_iter().map(|operation| operation.id).collect()
    })
}

/// Why a fault, or a set of them, cannot be armed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FaultError {
    /// Not `OPERATION:KIND:PROBABILITY`, or `OPERATION:delay:PROBABILITY:DURATION`.
    Syntax(String),
    /// A kind other than `lose`, `reset`, `503` and `delay`.
    UnknownKind(String),
    /// A probability that is not a number from 0 to 1.
    Probability(String),
    /// A delay's duration that is not whole seconds or milliseconds (`5s`, `250ms`).
    Duration(String),
    /// A delay over [`MAX_FAULT_DELAY`].
    DelayTooLong(Duration),
    /// No operation of the spec has this id.
    UnknownOperation(String),
    /// An operation's probabilities add up to more than 1.
    OverOne {
        /// The operation's id.
        operation: String,
        /// What they add up to.
        sum: f64,
    },
    /// More than [`MAX_FAULTS`] faults at once.
    TooMany(usize),
}

impl std::fmt::Display for FaultError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FaultError::Syntax(text) => write!(
                f,
                "`{text}` is not a fault: write OPERATION:KIND:PROBABILITY (buy:lose:0.3), \
                 or OPERATION:delay:PROBABILITY:DURATION (buy:delay:0.2:5s)"
            ),
            FaultError::UnknownKind(kind) => {
                write!(f, "`{kind}` is not a kind of fault: one of lose, reset, 503, delay")
            }
            FaultError::Probability(text) => write!(f, "a probability is a number from 0 to 1, not `{text}`"),
            FaultError::Duration(text) => {
                write!(f, "a delay is whole seconds or milliseconds (5s, 250ms), not `{text}`")
            }
            FaultError::DelayTooLong(delay) => write!(
                f,
                "a delay of {} is longer than the sandbox's maximum of {}",
                duration_text(*delay),
                duration_text(MAX_FAULT_DELAY)
            ),
            FaultError::UnknownOperation(id) => write!(f, "the spec has no operation with the id `{id}`"),
            FaultError::OverOne { operation, sum } => write!(
                f,
                "the faults on `{operation}` add up to a probability of {sum}: at most 1, \
                 since one draw picks at most one of them"
            ),
            FaultError::TooMany(count) => {
                write!(f, "{count} faults: the sandbox arms at most {MAX_FAULTS} at once")
            }
        }
    }
}

impl std::error::Error for FaultError {}

#[cfg(test)]
mod tests {
    use super::{Fault, FaultError, FaultKind};
    use crate::sandbox::limits::MAX_FAULT_DELAY;
    use std::time::Duration;

    #[test]
    fn each_kind_reads_and_writes_back() {
        for text in
            ["buy:lose:0.3", "buy:reset:0.1", "sell:503:1", "price_fix:delay:0.2:5s", "buy:delay:1:250ms"]
        {
            let fault: Fault = text.parse().unwrap();
            assert_eq!(fault.to_string(), text);
        }
        let fault: Fault = "buy:delay:0.2:5s".parse().unwrap();
        assert_eq!((fault.operation(), fault.probability()), ("buy", 0.2));
        assert_eq!(fault.kind(), FaultKind::Delay(Duration::from_secs(5)));
        assert_eq!("buy:503:0".parse::<Fault>().unwrap().kind(), FaultKind::Unavailable);
    }

    #[test]
    fn each_mistake_is_named() {
        let error = |text: &str| text.parse::<Fault>().unwrap_err();
        assert_eq!(error("buy:explode:0.1"), FaultError::UnknownKind("explode".into()));
        assert_eq!(error("buy:lose:1.5"), FaultError::Probability("1.5".into()));
        assert_eq!(error("buy:lose:-0.1"), FaultError::Probability("-0.1".into()));
        assert_eq!(error("buy:lose:NaN"), FaultError::Probability("NaN".into()));
        assert_eq!(error("buy:lose:often"), FaultError::Probability("often".into()));
        assert_eq!(error("buyy:lose:0.1"), FaultError::UnknownOperation("buyy".into()));
        assert_eq!(error("buy:delay:0.1:5 minutes"), FaultError::Duration("5 minutes".into()));
        assert_eq!(error("buy:delay:0.1:61s"), FaultError::DelayTooLong(Duration::from_secs(61)));
        for syntax in ["buy", "buy:lose", "buy:delay:0.1", "buy:lose:0.1:5s", "a:b:c:d:e", ""] {
            assert_eq!(error(syntax), FaultError::Syntax(syntax.into()), "{syntax}");
        }
        assert!(error("buy:explode:0.1").to_string().contains("lose, reset, 503, delay"));
        assert!(error("buy:delay:0.1:61s").to_string().contains("60s"));
    }

    #[test]
    fn new_holds_the_same_bounds() {
        assert!(Fault::new("buy", FaultKind::Lose, 1.01).is_err());
        assert!(Fault::new("buy", FaultKind::Delay(MAX_FAULT_DELAY), 0.5).is_ok());
        let longer = MAX_FAULT_DELAY + Duration::from_millis(1);
        assert_eq!(Fault::new("buy", FaultKind::Delay(longer), 0.5), Err(FaultError::DelayTooLong(longer)));
    }
}
