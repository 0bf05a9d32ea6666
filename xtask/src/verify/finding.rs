//! What `verify` reports: one finding per disagreement, printable on one line.

use serde::Serialize;
use std::fmt;

#[derive(Serialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The file (or a HAR entry) cannot be read as an exchange at all.
    Unreadable,
    /// A body that says it is JSON but does not parse.
    InvalidJson,
    UnknownOperation,
    /// The recording names one operation; its method and path are another's.
    OperationMismatch,
    UndocumentedStatus,
    MissingParameter,
    InvalidParameter,
    MissingField,
    WrongType,
    NotInEnum,
    PatternMismatch,
    BadFormat,
    OutOfBounds,
    /// No alternative of a `oneOf`/`anyOf` fits, or more than one `oneOf` does.
    NoAlternative,
    SchemaViolation,
    UndocumentedField,
    UndocumentedParameter,
    UndocumentedBody,
}

impl Kind {
    /// Drift: the exchange has more than the spec documents. A warning unless `--strict`.
    pub fn is_drift(self) -> bool {
        matches!(self, Kind::UndocumentedField | Kind::UndocumentedParameter | Kind::UndocumentedBody)
    }

    pub fn name(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    }
}

#[derive(Serialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Serialize, Clone, PartialEq, Eq, Debug)]
pub struct Finding {
    pub severity: Severity,
    pub kind: Kind,
    pub file: String,
    /// Index of the entry in a HAR file's `log.entries`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// `request.body`, `response.body`, `path`, `query`, `header`, `response.status`, `request` or `file`.
    pub location: String,
    /// A JSON pointer into the body, or the parameter's name.
    pub pointer: String,
    /// What the spec says.
    pub expected: String,
    /// What the exchange has. Strings are described, not quoted, unless they are enum
    /// values: exchanges may carry customers' data.
    pub found: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{severity}[{}] {}", self.kind.name(), self.file)?;
        if let Some(entry) = self.entry {
            write!(f, " entry {entry}")?;
        }
        write!(f, " {}", self.operation.as_deref().unwrap_or("-"))?;
        write!(f, " {}", self.location)?;
        if !self.pointer.is_empty() {
            let separator = if self.pointer.starts_with('/') { "" } else { " " };
            write!(f, "{separator}{}", self.pointer)?;
        }
        write!(f, ": spec says {}; found {}", self.expected, self.found)
    }
}
