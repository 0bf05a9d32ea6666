//! What `verify` reports: one finding per disagreement, printable on one line.

use crate::error::{Place, SpecError};
use serde::Serialize;
use std::fmt;

#[derive(Serialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[serde(rename_all = "kebab-case")]
/// What kind of disagreement a finding is.
pub enum Kind {
    /// The file (or a HAR entry) cannot be read as an exchange at all.
    Unreadable,
    /// A body that says it is JSON but does not parse.
    InvalidJson,
    /// No operation has the exchange's method and path.
    UnknownOperation,
    /// The recording names one operation; its method and path are another's.
    OperationMismatch,
    /// A status the operation does not document.
    UndocumentedStatus,
    /// A required parameter is absent.
    MissingParameter,
    /// A parameter's value fails its schema.
    InvalidParameter,
    /// Real traffic without the request body the spec requires.
    MissingBody,
    /// A required field is absent.
    MissingField,
    /// A value of another type than the schema's.
    WrongType,
    /// A value outside the schema's `enum`.
    NotInEnum,
    /// A string that does not match the schema's `pattern`.
    PatternMismatch,
    /// A string that is not of the schema's `format`.
    BadFormat,
    /// A length, count or number outside the schema's bounds.
    OutOfBounds,
    /// No alternative of a `oneOf`/`anyOf` fits, or more than one `oneOf` does.
    NoAlternative,
    /// Any other schema keyword the value fails.
    SchemaViolation,
    /// A field the schema does not declare (drift).
    UndocumentedField,
    /// A query parameter the operation does not declare (drift).
    UndocumentedParameter,
    /// A body where the operation declares none (drift).
    UndocumentedBody,
}

impl Kind {
    /// Drift: the exchange has more than the spec documents. A warning unless `--strict`.
    pub fn is_drift(self) -> bool {
        matches!(self, Kind::UndocumentedField | Kind::UndocumentedParameter | Kind::UndocumentedBody)
    }

    /// The kind as it is printed: `wrong-type`, `undocumented-field`, ...
    pub fn name(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    }
}

#[derive(Serialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
#[serde(rename_all = "lowercase")]
/// How much a finding counts.
pub enum Severity {
    /// The exchange contradicts the spec.
    Error,
    /// Drift, outside `--strict`: the exchange has more than the spec documents.
    Warning,
}

/// One disagreement between an exchange and the spec.
#[derive(Serialize, Clone, PartialEq, Eq, Debug)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// What kind of disagreement.
    pub kind: Kind,
    /// The file (or embedded recording) the exchange came from.
    pub file: String,
    /// Index of the entry in a HAR file's `log.entries`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The operation the exchange was checked against.
    pub operation: Option<String>,
    /// `request.body`, `response.body`, `path`, `query`, `header`, `response.status`, `request` or `file`.
    pub location: String,
    /// The response's status, for a finding about the response (its documented
    /// response is the spec's node the finding is about).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// A JSON pointer into the body, or the parameter's name.
    pub pointer: String,
    /// What the spec says.
    pub expected: String,
    /// What the exchange has, by kind and size (`a string of 7 characters`, `a whole
    /// number of 11 digits`), and a path by its length: never a value it carried, which
    /// may be a customer's.
    pub found: String,
}

impl Finding {
    /// A file, or one entry of a HAR file, that cannot be read as an exchange: the
    /// error's file, its entry when it is placed at one, and its reason (with the line
    /// and column where it is placed at one, as the JSON reader says them).
    pub fn unreadable(error: &SpecError) -> Finding {
        let (entry, found) = match error.place() {
            None => (None, error.reason().to_string()),
            Some(Place::Entry(index)) => (Some(*index), error.reason().to_string()),
            Some(Place::Line { line, column: Some(column) }) => {
                (None, format!("{} at line {line} column {column}", error.reason()))
            }
            Some(Place::Line { line, column: None }) => (None, format!("{} at line {line}", error.reason())),
            Some(place @ Place::Pointer(_)) => (None, format!("{} at {place}", error.reason())),
        };
        Finding {
            severity: Severity::Error,
            kind: Kind::Unreadable,
            file: error.file().unwrap_or_default().to_string(),
            entry,
            operation: None,
            location: "file".into(),
            status: None,
            pointer: String::new(),
            expected: "a recording or a HAR 1.2 file".into(),
            found,
        }
    }
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
