//! One exchange against the contract: operation, parameters, status and bodies.

use crate::contract::{Contract, Location, Operation, Parameter};
use crate::exchange::{Body, Exchange, Request};
use crate::finding::{Finding, Kind, Severity};
use crate::pointer;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

/// Checks exchanges against a contract.
pub struct Checker<'a> {
    /// The compiled spec.
    pub contract: &'a Contract,
    /// Drift (undocumented fields, parameters, bodies) is an error, not a warning.
    pub strict: bool,
}

/// Findings without the exchange's file, which `Checker::check` adds.
struct Found {
    kind: Kind,
    location: &'static str,
    pointer: String,
    expected: String,
    found: String,
}

impl Checker<'_> {
    /// The operation the exchange is checked against, and its findings.
    pub fn check(&self, exchange: &Exchange) -> (Option<String>, Vec<Finding>) {
        let mut found = Vec::new();
        let operation = self.operation_of(exchange, &mut found);
        if let Some((operation, path_values)) = &operation {
            check_exchange(operation, path_values, exchange, &mut found);
        }
        let operation = operation.map(|(op, _)| op.id.clone()).or_else(|| exchange.operation.clone());
        let findings = found
            .into_iter()
            .map(|f| Finding {
                severity: if f.kind.is_drift() && !self.strict { Severity::Warning } else { Severity::Error },
                kind: f.kind,
                file: exchange.file.clone(),
                entry: exchange.entry,
                operation: operation.clone(),
                status: exchange
                    .response
                    .as_ref()
                    .filter(|_| f.location.starts_with("response"))
                    .map(|r| r.status),
                location: f.location.into(),
                pointer: f.pointer,
                expected: f.expected,
                found: f.found,
            })
            .collect();
        (operation, findings)
    }

    fn operation_of<'c>(
        &'c self,
        exchange: &Exchange,
        found: &mut Vec<Found>,
    ) -> Option<(&'c Operation, Vec<(String, String)>)> {
        let Some(request) = &exchange.request else {
            let named = exchange.operation.as_deref().and_then(|id| self.contract.operation(id));
            if named.is_none() {
                found.push(Found {
                    kind: Kind::UnknownOperation,
                    location: "request",
                    pointer: String::new(),
                    expected: "an operation of the spec".into(),
                    found: exchange
                        .operation
                        .as_deref()
                        .map_or("no request and no operation named".into(), |id| {
                            format!("no request, and no operation `{id}`")
                        }),
                });
            }
            return named.map(|op| (op, Vec::new()));
        };
        let Some((operation, path_values)) = self.contract.route(&request.method, &request.path) else {
            found.push(Found {
                kind: Kind::UnknownOperation,
                location: "request",
                pointer: String::new(),
                expected: "a documented method and path".into(),
                found: format!("{} on {}", method_shape(&request.method), path_shape(&request.path)),
            });
            return None;
        };
        if let Some(named) = exchange.operation.as_deref().filter(|named| *named != operation.id) {
            // Templates, not the path: paths carry customers' ids.
            let expected = match self.contract.operation(named) {
                Some(op) => format!("the method and path of `{named}` ({} {})", op.method, op.path),
                None => format!("an operation `{named}`, which the spec does not have"),
            };
            found.push(Found {
                kind: Kind::OperationMismatch,
                location: "request",
                pointer: String::new(),
                expected,
                found: format!(
                    "the method and path of `{}` ({} {})",
                    operation.id, operation.method, operation.path
                ),
            });
        }
        Some((operation, path_values))
    }
}

fn check_exchange(
    operation: &Operation,
    path_values: &[(String, String)],
    exchange: &Exchange,
    found: &mut Vec<Found>,
) {
    if let Some(request) = &exchange.request {
        check_parameters(operation, path_values, request, found);
        match &operation.request_body {
            // Real traffic without the body the spec requires; a recording whose source
            // showed no body says `NotShown` instead, and is not held to it.
            Some(_) if operation.request_body_required && request.body == Body::Absent => found.push(Found {
                kind: Kind::MissingBody,
                location: "request.body",
                pointer: String::new(),
                expected: "a required JSON body".into(),
                found: "none".into(),
            }),
            Some(Some(validator)) => check_body(validator, &request.body, "request.body", found),
            Some(None) => {}
            None => undocumented_body(&request.body, "request.body", "no request body", found),
        }
    }
    if let Some(response) = &exchange.response {
        match operation.response(response.status) {
            None => found.push(Found {
                kind: Kind::UndocumentedStatus,
                location: "response.status",
                pointer: String::new(),
                expected: format!("one of {}", operation.documented_statuses()),
                found: response.status.to_string(),
            }),
            Some(documented) => match &documented.body {
                Some(validator) => check_body(validator, &response.body, "response.body", found),
                None => undocumented_body(&response.body, "response.body", "no JSON body", found),
            },
        }
    }
}

fn check_parameters(
    operation: &Operation,
    path_values: &[(String, String)],
    request: &Request,
    found: &mut Vec<Found>,
) {
    for parameter in &operation.parameters {
        let (location, value) = match parameter.location {
            Location::Path => {
                ("path", path_values.iter().find(|(name, _)| *name == parameter.name).map(|(_, v)| v))
            }
            Location::Query => {
                ("query", request.query.iter().find(|(name, _)| *name == parameter.name).map(|(_, v)| v))
            }
            Location::Header => (
                "header",
                request
                    .headers
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(&parameter.name))
                    .map(|(_, v)| v),
            ),
        };
        match value {
            None if parameter.required => found.push(Found {
                kind: Kind::MissingParameter,
                location,
                pointer: parameter.name.clone(),
                expected: "a required parameter".into(),
                found: "absent".into(),
            }),
            None => {}
            Some(value) => check_parameter(parameter, location, value, found),
        }
    }
    for (name, _) in &request.query {
        let documented =
            operation.parameters.iter().any(|p| p.location == Location::Query && p.name == *name);
        if !documented {
            found.push(Found {
                kind: Kind::UndocumentedParameter,
                location: "query",
                pointer: name.clone(),
                expected: "no such parameter".into(),
                found: "one".into(),
            });
        }
    }
}

fn check_parameter(parameter: &Parameter, location: &'static str, raw: &str, found: &mut Vec<Found>) {
    let invalid = |expected: String, what: String| Found {
        kind: Kind::InvalidParameter,
        location,
        pointer: parameter.name.clone(),
        expected,
        found: what,
    };
    let text = if parameter.location == Location::Path {
        match percent_encoding::percent_decode_str(raw).decode_utf8() {
            Ok(text) => text.into_owned(),
            Err(_) => return found.push(invalid("text".into(), "percent-escapes that are not UTF-8".into())),
        }
    } else {
        raw.to_string()
    };
    if parameter.location == Location::Path && text.is_empty() {
        return found.push(invalid("a non-empty value".into(), "an empty path segment".into()));
    }
    let Some(validator) = &parameter.validator else { return };
    let value = typed(&text, parameter.schema_type.as_deref());
    for error in validator.iter_errors(&value) {
        let (_, expected, what) = describe(&error);
        found.push(invalid(expected, what));
    }
}

/// Reads a parameter's text as its schema's type; left as text when it is not one.
/// An integer is written as one: `0.0` is a number, but not an integer's text.
fn typed(text: &str, schema_type: Option<&str>) -> Value {
    let integer_text = |text: &str| {
        let digits = text.strip_prefix('-').unwrap_or(text);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    let parsed = match schema_type {
        Some("integer") if !integer_text(text) => None,
        Some("integer" | "number") => serde_json::from_str::<Value>(text).ok().filter(Value::is_number),
        Some("boolean") => serde_json::from_str::<Value>(text).ok().filter(Value::is_boolean),
        Some("array") => Some(Value::Array(text.split(',').map(|item| Value::String(item.into())).collect())),
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::String(text.to_string()))
}

fn check_body(validator: &Validator, body: &Body, location: &'static str, found: &mut Vec<Found>) {
    match body {
        Body::Absent | Body::NotShown => {}
        Body::Invalid(reason) => found.push(Found {
            kind: Kind::InvalidJson,
            location,
            pointer: String::new(),
            expected: "a JSON body".into(),
            found: reason.clone(),
        }),
        Body::Other { media_type, bytes } => found.push(Found {
            kind: Kind::InvalidJson,
            location,
            pointer: String::new(),
            expected: "a JSON body".into(),
            found: format!("a {media_type} body of {bytes} bytes"),
        }),
        Body::Json(value) => {
            let errors: Vec<Found> =
                validator.iter_errors(value).flat_map(|error| body_findings(&error, location)).collect();
            let hidden: Vec<bool> = errors
                .iter()
                .map(|f| f.kind == Kind::UndocumentedField && is_cascade(&f.pointer, &errors))
                .collect();
            found.extend(errors.into_iter().zip(hidden).filter(|(_, hidden)| !hidden).map(|(f, _)| f));
        }
    }
}

/// Whether an undocumented-field report at `pointer` only echoes another finding.
/// A value that fails its schema makes `unevaluatedProperties` drop the annotations of
/// what encloses it: the field holding it is reported (and, up the tree, every field
/// holding that), and so is every documented sibling its failed `allOf` member declared
/// (`code`, `message` and `success` beside a `code` of the wrong type; a customer's
/// `email` beside an undocumented field in one of its wallets). One defect is one
/// finding; a real undocumented field beside a failure shows once the failure is fixed
/// (`suggest` goes round until it does).
fn is_cascade(pointer: &str, findings: &[Found]) -> bool {
    let inside = |outer: &str, inner: &str| inner.strip_prefix(outer).is_some_and(|r| r.starts_with('/'));
    // Deeper than a sibling: an undocumented field down in a member fails that member too.
    let below = |outer: &str, inner: &str| {
        inner.strip_prefix(outer).and_then(|r| r.strip_prefix('/')).is_some_and(|r| r.contains('/'))
    };
    let object = pointer.rsplit_once('/').map_or("", |(object, _)| object);
    findings.iter().any(|other| {
        inside(pointer, &other.pointer)
            || (other.kind != Kind::UndocumentedField && inside(object, &other.pointer))
            || below(object, &other.pointer)
    })
}

fn undocumented_body(body: &Body, location: &'static str, expected: &str, found: &mut Vec<Found>) {
    if matches!(body, Body::Json(_) | Body::Invalid(_)) {
        found.push(Found {
            kind: Kind::UndocumentedBody,
            location,
            pointer: String::new(),
            expected: expected.into(),
            found: "a body".into(),
        });
    }
}

fn body_findings(error: &ValidationError<'_>, location: &'static str) -> Vec<Found> {
    let pointer = error.instance_path().as_str().to_string();
    match error.kind() {
        ValidationErrorKind::UnevaluatedProperties { unexpected }
        | ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|field| Found {
                kind: Kind::UndocumentedField,
                location,
                pointer: format!("{pointer}/{}", pointer::escape(field)),
                expected: "no such field".into(),
                found: error.instance().get(field).map_or("one".into(), shape),
            })
            .collect(),
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            vec![Found {
                kind: Kind::MissingField,
                location,
                pointer: format!("{pointer}/{}", pointer::escape(name)),
                expected: "a required field".into(),
                found: "absent".into(),
            }]
        }
        _ => {
            let (kind, expected, found) = describe(error);
            vec![Found { kind, location, pointer, expected, found }]
        }
    }
}

/// The kind of a schema error, what the schema asks for, and what the value is.
fn describe(error: &ValidationError<'_>) -> (Kind, String, String) {
    let instance = error.instance();
    let length = || match instance.as_ref() {
        Value::String(s) => format!("{} characters", s.chars().count()),
        Value::Array(items) => format!("{} items", items.len()),
        other => shape(other),
    };
    match error.kind() {
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => format!("type {t}"),
                TypeKind::Multiple(types) => {
                    format!("type {}", types.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" or "))
                }
            };
            (Kind::WrongType, expected, shape(instance))
        }
        ValidationErrorKind::Enum { options } => {
            (Kind::NotInEnum, format!("one of {options}"), shape(instance))
        }
        ValidationErrorKind::Constant { expected_value } => {
            (Kind::NotInEnum, format!("{expected_value}"), shape(instance))
        }
        ValidationErrorKind::Pattern { pattern } => {
            (Kind::PatternMismatch, format!("pattern {pattern}"), shape(instance))
        }
        ValidationErrorKind::Format { format } => {
            (Kind::BadFormat, format!("format {format}"), shape(instance))
        }
        ValidationErrorKind::MinLength { limit } => {
            (Kind::OutOfBounds, format!("at least {limit} characters"), length())
        }
        ValidationErrorKind::MaxLength { limit } => {
            (Kind::OutOfBounds, format!("at most {limit} characters"), length())
        }
        ValidationErrorKind::MinItems { limit } => {
            (Kind::OutOfBounds, format!("at least {limit} items"), length())
        }
        ValidationErrorKind::MaxItems { limit } => {
            (Kind::OutOfBounds, format!("at most {limit} items"), length())
        }
        ValidationErrorKind::Minimum { limit } => {
            (Kind::OutOfBounds, format!("at least {limit}"), shape(instance))
        }
        ValidationErrorKind::Maximum { limit } => {
            (Kind::OutOfBounds, format!("at most {limit}"), shape(instance))
        }
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            (Kind::OutOfBounds, format!("more than {limit}"), shape(instance))
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            (Kind::OutOfBounds, format!("less than {limit}"), shape(instance))
        }
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
            (Kind::NoAlternative, "one of its alternatives".into(), shape(instance))
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            (Kind::NoAlternative, "exactly one of its alternatives".into(), "several match".into())
        }
        other => (Kind::SchemaViolation, other.keyword().to_string(), shape(instance)),
    }
}

/// A value described by its kind and size, never its text: a number or a string may
/// be a customer's phone, identity number or name.
fn shape(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(n) => number_shape(&n.to_string()),
        Value::String(s) => format!("a string of {}", counted(s.chars().count(), "character")),
        Value::Array(items) => format!("an array of {}", counted(items.len(), "item")),
        Value::Object(_) => "an object".into(),
    }
}

/// `-12.50` is "a negative number of 4 digits, 2 after the point".
fn number_shape(text: &str) -> String {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(digits) => ("a negative ", digits),
        None => ("a ", text),
    };
    let mantissa = digits.split(['e', 'E']).next().unwrap_or(digits);
    let count = |part: &str| part.bytes().filter(u8::is_ascii_digit).count();
    match mantissa.split_once('.') {
        _ if mantissa.len() < digits.len() => format!("{sign}number in exponent form"),
        None => format!("{sign}whole number of {}", counted(count(mantissa), "digit")),
        Some((whole, fraction)) => {
            let all = counted(count(whole) + count(fraction), "digit");
            format!("{sign}number of {all}, {} after the point", count(fraction))
        }
    }
}

/// `1 digit`, `2 digits`.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// A method as sent, when it is one of HTTP's; any other is described by its length.
fn method_shape(method: &str) -> String {
    const KNOWN: [&str; 9] = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];
    match KNOWN.iter().find(|known| known.eq_ignore_ascii_case(method)) {
        Some(known) => known.to_string(),
        None => format!("a method of {} characters", method.chars().count()),
    }
}

/// A path no operation has, by its length: any segment may be a customer's id.
fn path_shape(path: &str) -> String {
    let segments = path.split('/').filter(|s| !s.is_empty()).count();
    format!("a path of {} ({})", counted(segments, "segment"), counted(path.chars().count(), "character"))
}

#[cfg(test)]
mod tests {
    use super::{method_shape, number_shape, path_shape, typed};
    use serde_json::json;

    #[test]
    fn a_number_is_described_by_its_size_never_its_digits() {
        assert_eq!(number_shape("98765432109"), "a whole number of 11 digits");
        assert_eq!(number_shape("-12.50"), "a negative number of 4 digits, 2 after the point");
        assert_eq!(number_shape("7"), "a whole number of 1 digit");
        assert_eq!(number_shape("1.5e300"), "a number in exponent form");
        assert_eq!(path_shape("/partner/customer/ADA-1815"), "a path of 3 segments (26 characters)");
        assert_eq!(method_shape("get"), "GET");
        assert_eq!(method_shape("X-SECRET-VERB"), "a method of 13 characters");
    }

    #[test]
    fn a_parameter_is_an_integer_only_when_written_as_one() {
        assert_eq!(typed("12", Some("integer")), json!(12));
        assert_eq!(typed("-3", Some("integer")), json!(-3));
        for text in ["0.0", "1e3", "", "-", "+1"] {
            assert_eq!(typed(text, Some("integer")), json!(text), "{text:?}");
        }
        assert_eq!(typed("0.5", Some("number")), json!(0.5));
    }
}
