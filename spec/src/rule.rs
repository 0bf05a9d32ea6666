//! The node of the spec a finding disagrees with, as a JSON pointer: the schema of
//! the field, the parameter, the operation's responses. What a report points a
//! maintainer at, and what identifies the finding across runs.

use crate::document::{self, is_json};
use crate::finding::{Finding, Kind};
use crate::pointer;
use serde_json::Value;

/// The spec node `finding` is about, in `document`; `None` for a finding of no
/// operation (an unreadable file, a path the spec does not have).
pub fn spec_pointer(document: &Value, finding: &Finding) -> Option<String> {
    let id = finding.operation.as_deref()?;
    if matches!(finding.kind, Kind::Unreadable | Kind::UnknownOperation) {
        return None;
    }
    let operation = document::operations(document).into_iter().find(|op| op.id == id)?;
    let at = operation.pointer.clone();
    let object = operation.object(document);
    Some(match finding.location.as_str() {
        "path" | "query" | "header" => parameter(document, &operation, &finding.pointer).unwrap_or(at),
        "request.body" => match media_schema(object.get("requestBody"), document) {
            Some(media) => {
                schema_at(document, format!("{at}/requestBody/content/{media}/schema"), &finding.pointer)
            }
            None => format!("{at}/requestBody"),
        },
        "response.body" | "response.status" => {
            let responses = format!("{at}/responses");
            let Some(key) = finding.status.and_then(|status| response_key(object, status)) else {
                return Some(responses);
            };
            let response = format!("{responses}/{}", pointer::escape(&key));
            if finding.location == "response.status" {
                return Some(response);
            }
            match media_schema(object.get("responses").and_then(|r| r.get(&key)), document) {
                Some(media) => {
                    schema_at(document, format!("{response}/content/{media}/schema"), &finding.pointer)
                }
                None => response,
            }
        }
        _ => at,
    })
}

/// The response key a status is documented under: itself, its range (`4XX`), `default`.
fn response_key(operation: &Value, status: u16) -> Option<String> {
    let responses = operation.get("responses")?.as_object()?;
    let exact = status.to_string();
    let range = format!("{}XX", status / 100);
    [exact.as_str(), range.as_str(), "default"]
        .iter()
        .find_map(|key| responses.keys().find(|k| k.eq_ignore_ascii_case(key)).cloned())
}

/// The escaped JSON media type of a request body or response object, `$ref`s followed.
fn media_schema(holder: Option<&Value>, document: &Value) -> Option<String> {
    let holder = document::resolve(document, holder?).ok()?;
    let content = holder.get("content")?.as_object()?;
    content.keys().find(|media| is_json(media)).map(|media| pointer::escape(media))
}

/// The parameter named `name`, on the operation or its path item.
fn parameter(document: &Value, operation: &document::OperationDef, name: &str) -> Option<String> {
    let path_item = format!("/paths/{}", pointer::escape(&operation.path));
    [operation.pointer.as_str(), path_item.as_str()].into_iter().find_map(|holder| {
        let list = document.pointer(&format!("{holder}/parameters"))?.as_array()?;
        let index = list.iter().position(|p| {
            document::resolve(document, p).ok().and_then(|p| p.get("name")).and_then(Value::as_str)
                == Some(name)
        })?;
        Some(format!("{holder}/parameters/{index}"))
    })
}

/// Follows `instance` (a pointer into a body) down the schema at `at`, through `$ref`s,
/// `properties`, `items` and the members of `allOf`/`oneOf`/`anyOf`, as far as the
/// schema declares it: an undocumented field ends at the object that lacks it.
fn schema_at(document: &Value, mut at: String, instance: &str) -> String {
    for segment in instance.split('/').skip(1).map(pointer::unescape) {
        let Some(next) = step(document, &at, &segment, 0) else { break };
        at = next;
    }
    // The schema itself, not the `$ref` that names it: where a field would be added.
    follow(document, &at).map_or(at, |(at, _)| at)
}

/// How deep `allOf`/`oneOf`/`anyOf` members are searched: a recursive schema (a tree
/// whose node is `allOf: [$ref: Node]`) would otherwise be searched forever.
const MEMBER_DEPTH: usize = 8;

/// The schema of `segment` within the schema at `at`, if it declares one.
fn step(document: &Value, at: &str, segment: &str, depth: usize) -> Option<String> {
    if depth > MEMBER_DEPTH {
        return None;
    }
    let (at, schema) = follow(document, at)?;
    if let Some(properties) = schema.get("properties").and_then(Value::as_object)
        && properties.contains_key(segment)
    {
        return Some(format!("{at}/properties/{}", pointer::escape(segment)));
    }
    if schema.get("items").is_some() && segment.parse::<usize>().is_ok() {
        return Some(format!("{at}/items"));
    }
    ["allOf", "oneOf", "anyOf"].iter().find_map(|keyword| {
        let members = schema.get(*keyword)?.as_array()?;
        (0..members.len()).find_map(|i| step(document, &format!("{at}/{keyword}/{i}"), segment, depth + 1))
    })
}

/// The schema at `at`, with its `$ref` (if any) followed to where it points.
fn follow<'d>(document: &'d Value, at: &str) -> Option<(String, &'d Value)> {
    let mut at = at.to_string();
    let mut node = document.pointer(&at)?;
    // A chain of references ends; a cycle of them is cut off.
    for _ in 0..16 {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else { return Some((at, node)) };
        at = reference.strip_prefix('#')?.to_string();
        node = document.pointer(&at)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use serde_json::json;

    /// A schema that is its own member (a tree's node) ends the walk, and so does a
    /// `$ref` that points at itself.
    #[test]
    fn a_recursive_schema_ends_the_walk() {
        let document = json!({
            "paths": {"/n": {"get": {"operationId": "get_n", "responses": {"200": {"content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}}}}}},
            "components": {"schemas": {
                "Node": {"allOf": [{"$ref": "#/components/schemas/Node"}], "properties": {"id": {}}},
                "Loop": {"$ref": "#/components/schemas/Loop"},
            }},
        });
        let finding = Finding {
            severity: Severity::Warning,
            kind: Kind::UndocumentedField,
            file: "a.har".into(),
            entry: Some(0),
            operation: Some("get_n".into()),
            location: "response.body".into(),
            status: Some(200),
            pointer: "/child/name".into(),
            expected: "no such field".into(),
            found: "a string of 3 characters".into(),
        };
        assert_eq!(spec_pointer(&document, &finding).as_deref(), Some("/components/schemas/Node"));
        assert_eq!(follow(&document, "/components/schemas/Loop"), None);
    }
}
