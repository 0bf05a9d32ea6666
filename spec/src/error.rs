//! The one error of the contract crate: a spec, or a file beside it, that cannot be
//! used. It says what kind of failure it is, in which file, where in it, and why,
//! and prints as one located line: `file:LINE:COLUMN: reason`, `file: /json/pointer: reason`
//! or `file: reason`.
//!
//! Reasons are about the spec and the files: a value a request or a response carried
//! is never quoted in one.

use std::fmt;

/// What kind of failure a [`SpecError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file cannot be read: it is missing, unreadable, or a folder that cannot be listed.
    Unreadable,
    /// The text does not parse: not YAML, not JSON, not CSV, cut off, or empty.
    Syntax,
    /// The text parses but is no OpenAPI spec (it has no `paths`).
    NotASpec,
    /// A `$ref` (or an example's `externalValue`) points at nothing.
    Unresolvable,
    /// A schema the JSON Schema compiler refuses.
    InvalidSchema,
    /// A recording (our format) is not one: a part is missing or of the wrong type.
    Recording,
    /// A HAR capture is not one: no `log.entries`, or an entry without its request,
    /// method, URL, response or status.
    Capture,
}

/// Where in a file an error is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Place {
    /// A 1-based line (and column) of the file's text.
    Line {
        /// The line.
        line: usize,
        /// The column, when known.
        column: Option<usize>,
    },
    /// A JSON pointer into the document, e.g. `/paths/~1partner~1pricefix/post/requestBody`.
    Pointer(String),
    /// An entry of a HAR's `log.entries`, by index.
    Entry(usize),
}

/// Why a spec, or a file read beside it, cannot be used; `verify` exits with status 2 on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    kind: ErrorKind,
    file: Option<String>,
    place: Option<Place>,
    reason: String,
}

impl SpecError {
    /// An error of `kind`, for `reason` (without the file or the place: see
    /// [`in_file`](Self::in_file) and [`at`](Self::at)).
    pub fn new(kind: ErrorKind, reason: impl Into<String>) -> SpecError {
        SpecError { kind, file: None, place: None, reason: reason.into() }
    }

    /// The same error, about `file` (a path, or a name such as an embedded recording's).
    pub fn in_file(mut self, file: impl Into<String>) -> SpecError {
        self.file = Some(file.into());
        self
    }

    /// The same error, at `place` in its file.
    pub fn at(mut self, place: Place) -> SpecError {
        self.place = Some(place);
        self
    }

    /// What kind of failure it is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The file, when known.
    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }

    /// Where in the file, when known.
    pub fn place(&self) -> Option<&Place> {
        self.place.as_ref()
    }

    /// Why, without the file or the place.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl Place {
    /// A line and column, as parsers give them.
    pub fn line(line: usize, column: usize) -> Place {
        Place::Line { line, column: Some(column) }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Line { line, column: Some(column) } => write!(f, "{line}:{column}"),
            Place::Line { line, column: None } => write!(f, "{line}"),
            Place::Pointer(pointer) => f.write_str(pointer),
            Place::Entry(index) => write!(f, "entry {index}"),
        }
    }
}

/// One line: `file:LINE:COLUMN: reason` for a line, `file: place: reason` for any
/// other place, the parts not known left out.
impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, &self.place) {
            (Some(file), Some(place @ Place::Line { .. })) => write!(f, "{file}:{place}: ")?,
            (Some(file), Some(place)) => write!(f, "{file}: {place}: ")?,
            (Some(file), None) => write!(f, "{file}: ")?,
            (None, Some(place)) => write!(f, "{place}: ")?,
            (None, None) => {}
        }
        // A reason is one line, whatever a parser put in it.
        let mut lines = self.reason.lines();
        f.write_str(lines.next().unwrap_or_default())?;
        lines.try_for_each(|line| write!(f, " {}", line.trim()))
    }
}

impl std::error::Error for SpecError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_one_located_line_without_the_parts_not_known() {
        let error = SpecError::new(ErrorKind::Syntax, "did not find expected key");
        assert_eq!(error.to_string(), "did not find expected key");
        let error = error.in_file("spec.yaml");
        assert_eq!(error.to_string(), "spec.yaml: did not find expected key");
        assert_eq!(
            error.clone().at(Place::line(2, 7)).to_string(),
            "spec.yaml:2:7: did not find expected key"
        );
        let line = Place::Line { line: 4, column: None };
        assert_eq!(error.clone().at(line).to_string(), "spec.yaml:4: did not find expected key");
        let pointer = Place::Pointer("/paths/~1a/get".into());
        assert_eq!(
            error.clone().at(pointer).to_string(),
            "spec.yaml: /paths/~1a/get: did not find expected key"
        );
        assert_eq!(error.at(Place::Entry(3)).to_string(), "spec.yaml: entry 3: did not find expected key");
        let unfiled =
            SpecError::new(ErrorKind::Unresolvable, "nothing there").at(Place::Pointer("/x".into()));
        assert_eq!(unfiled.to_string(), "/x: nothing there");
    }

    #[test]
    fn a_reason_of_several_lines_prints_as_one() {
        let error =
            SpecError::new(ErrorKind::InvalidSchema, "5 is not valid under any of the schemas\n  listed")
                .in_file("spec.yaml");
        assert_eq!(error.to_string(), "spec.yaml: 5 is not valid under any of the schemas listed");
        assert_eq!(error.reason(), "5 is not valid under any of the schemas\n  listed", "the reason is kept");
    }
}
