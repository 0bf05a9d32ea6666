//! The spec, read once and compiled into what each exchange is checked against.

use crate::document::{self, OperationDef, json_schema};
use crate::error::{ErrorKind, Place};
use crate::pointer;
use crate::schema::{COMPONENTS_URI, Translator};
use jsonschema::Validator;
use serde_json::{Map, Value, json};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

pub use crate::error::SpecError;

/// Where HAR entries count as this API's: the hosts and base paths of the spec's servers.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Hosts whose entries count; empty: every host.
    pub hosts: Vec<String>,
    /// Path prefixes to strip (`""` for a server at the origin's root).
    pub base_paths: Vec<String>,
}

/// The spec document with its components translated, ready to compile operations from.
pub struct Spec {
    /// The file it was read from, as messages name it.
    pub file: String,
    /// The spec as JSON.
    pub document: Value,
    /// The translated components, as one JSON Schema document (`$defs`).
    components: Value,
    /// That document, in the registry every validator refers into.
    registry: jsonschema::Registry<'static>,
    translator: Translator,
    compiled: RefCell<HashMap<String, Arc<Validator>>>,
}

/// Everything an exchange is checked against, compiled once.
pub struct Contract {
    /// Every operation, in the spec's order.
    pub operations: Vec<Operation>,
    /// Hosts the spec's `servers` name; HAR entries to other hosts are not this API's.
    pub hosts: Vec<String>,
    /// Path prefixes of the servers (empty when a server is a bare origin).
    pub base_paths: Vec<String>,
}

/// One operation, compiled.
pub struct Operation {
    /// The `operationId`.
    pub id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template.
    pub path: String,
    segments: Vec<Segment>,
    /// Path-item and operation parameters (the operation's win).
    pub parameters: Vec<Parameter>,
    /// `None`: the operation declares no request body.
    pub request_body: Option<Option<Arc<Validator>>>,
    /// The spec marks the request body `required`.
    pub request_body_required: bool,
    /// The documented responses.
    pub responses: Vec<DocumentedResponse>,
}

enum Segment {
    Literal(String),
    Parameter(String),
}

/// A response the operation documents.
pub struct DocumentedResponse {
    /// `200`, `4XX` or `default`, as the spec writes it.
    pub status: String,
    /// `None`: the spec declares no JSON body for this status.
    pub body: Option<Arc<Validator>>,
}

/// Where a parameter is sent.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Location {
    /// A segment of the path.
    Path,
    /// The query string.
    Query,
    /// A header.
    Header,
}

/// A parameter of an operation.
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// Where it is sent.
    pub location: Location,
    /// Whether it must be sent (path parameters always).
    pub required: bool,
    /// Query and header values arrive as text; this is the type to read them as.
    pub schema_type: Option<String>,
    /// Its schema, compiled.
    pub validator: Option<Arc<Validator>>,
}

impl Spec {
    /// The spec embedded in this crate ([`crate::YAML`]).
    pub fn embedded() -> Result<Spec, SpecError> {
        match serde_json::from_str(crate::embedded::JSON) {
            Ok(document) => Spec::from_document(crate::embedded::YAML_NAME, document),
            Err(_) => Spec::parse(crate::embedded::YAML_NAME, crate::embedded::YAML),
        }
    }

    /// Reads a spec file.
    pub fn read(file: &Path) -> Result<Spec, SpecError> {
        let name = file.display().to_string();
        let text = std::fs::read_to_string(file).map_err(|e| {
            SpecError::new(ErrorKind::Unreadable, format!("cannot read the spec: {e}")).in_file(&name)
        })?;
        Spec::parse(&name, &text)
    }

    /// Reads a spec's text; `file` names it in messages.
    pub fn parse(file: &str, text: &str) -> Result<Spec, SpecError> {
        let document = document::parse(text).map_err(|e| e.in_file(file))?;
        Spec::from_document(file, document)
    }

    /// A spec already read into JSON (the embedded one, or a copy being edited).
    pub(crate) fn from_document(file: &str, document: Value) -> Result<Spec, SpecError> {
        let components =
            document.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default();
        let translator = Translator::new(&components);
        let defs = Value::Object(translator.defs(&components));
        let components = json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": defs});
        let registry = jsonschema::Registry::new()
            .add(COMPONENTS_URI, components.clone())
            .and_then(|registry| registry.prepare())
            .map_err(|e| {
                let at = Place::Pointer("/components/schemas".into());
                SpecError::new(ErrorKind::InvalidSchema, e.to_string()).in_file(file).at(at)
            })?;
        Ok(Spec {
            file: file.to_string(),
            document,
            components,
            registry,
            translator,
            compiled: RefCell::default(),
        })
    }

    /// The first component that is not a valid schema, named by its place in the spec.
    /// Asked only once an operation fails to compile (checking every component up
    /// front would add a third to the start-up), so that the error names the
    /// component, not the first operation using it.
    fn broken_component(&self) -> Option<SpecError> {
        let checked = jsonschema::options()
            .with_registry(&self.registry)
            .should_validate_formats(true)
            .build(&self.components);
        let e = checked.err()?;
        let at = e.instance_path().as_str().replacen("/$defs", "/components/schemas", 1);
        Some(refused(&e, e.to_string()).in_file(&self.file).at(Place::Pointer(at)))
    }

    /// Every operation the spec declares.
    pub fn operations(&self) -> Vec<OperationDef> {
        document::operations(&self.document)
    }

    /// The hosts of the spec's `servers`.
    pub fn hosts(&self) -> Vec<String> {
        self.servers().filter_map(|url| url.host_str().map(str::to_string)).collect()
    }

    /// The path prefixes of the spec's `servers`.
    pub fn base_paths(&self) -> Vec<String> {
        self.servers().map(|url| url.path().trim_end_matches('/').to_string()).collect()
    }

    fn servers(&self) -> impl Iterator<Item = url::Url> + '_ {
        self.document["servers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|server| server.get("url")?.as_str())
            .filter_map(|url| url::Url::parse(url).ok())
    }

    /// Compiles the checks of one operation. An error is placed at the node it is
    /// about: where a `$ref` is that resolves to nothing, or the parameter, request
    /// body or response whose schema does not compile (in `components` when it is a
    /// `$ref`'s).
    pub fn compile(&self, def: &OperationDef) -> Result<Operation, SpecError> {
        let operation = def.object(&self.document);
        let placed = |e: SpecError, at: String| e.in_file(&self.file).at(Place::Pointer(at));

        let path_item_at = format!("/paths/{}", pointer::escape(&def.path));
        let mut parameters = Vec::new();
        let declared = [(path_item_at.as_str(), def.path_item(&self.document)), (&def.pointer, operation)];
        let declared = declared.into_iter().flat_map(|(holder_at, holder)| {
            let list = holder.get("parameters").and_then(Value::as_array).into_iter().flatten();
            list.enumerate()
                .map(move |(index, parameter)| (format!("{holder_at}/parameters/{index}"), parameter))
        });
        for (at, parameter) in declared {
            let (parameter, at) = self.follow(parameter, at)?;
            let name = parameter.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
            let location = match parameter.get("in").and_then(Value::as_str) {
                Some("path") => Location::Path,
                Some("query") => Location::Query,
                Some("header") => Location::Header,
                _ => continue, // cookies: nothing in a recording to check them against
            };
            let schema = parameter.get("schema");
            let validator = schema
                .map(|schema| self.validator(schema))
                .transpose()
                .map_err(|e| placed(e, format!("{at}/schema")))?;
            parameters.push(Parameter {
                required: location == Location::Path
                    || parameter.get("required").and_then(Value::as_bool).unwrap_or(false),
                schema_type: schema.and_then(|s| self.schema_type(s)),
                name,
                location,
                validator,
            });
        }
        // An operation's parameter overrides the path item's one of the same name and place.
        let mut seen = std::collections::HashSet::new();
        parameters.reverse();
        parameters.retain(|p| seen.insert((p.name.to_ascii_lowercase(), p.location)));
        parameters.reverse();

        let (request_body, request_body_required) = match operation.get("requestBody") {
            None => (None, false),
            Some(body) => {
                let (body, at) = self.follow(body, format!("{}/requestBody", def.pointer))?;
                let required = body.get("required").and_then(Value::as_bool).unwrap_or(false);
                (Some(self.json_body(body).map_err(|e| placed(e, at))?), required)
            }
        };

        let mut responses = Vec::new();
        for (status, response) in operation.get("responses").and_then(Value::as_object).into_iter().flatten()
        {
            let at = format!("{}/responses/{}", def.pointer, pointer::escape(status));
            let (response, at) = self.follow(response, at)?;
            let body = self.json_body(response).map_err(|e| placed(e, at))?;
            responses.push(DocumentedResponse { status: status.clone(), body });
        }

        Ok(Operation {
            id: def.id.clone(),
            method: def.method.clone(),
            path: def.path.clone(),
            segments: def.path.trim_start_matches('/').split('/').map(Segment::parse).collect(),
            parameters,
            request_body,
            request_body_required,
            responses,
        })
    }

    fn json_body(&self, holder: &Value) -> Result<Option<Arc<Validator>>, SpecError> {
        json_schema(holder).map(|schema| self.validator(schema)).transpose()
    }

    /// Forgets the compiled schemas, so that the next compile starts from nothing
    /// (the benchmark's baseline).
    pub fn forget_compiled(&self) {
        self.compiled.borrow_mut().clear();
    }

    /// Compiled once per distinct schema: operations share their header parameters.
    fn validator(&self, schema: &Value) -> Result<Arc<Validator>, SpecError> {
        let translated = self.translator.use_site(schema);
        let key = translated.to_string();
        if let Some(validator) = self.compiled.borrow().get(&key) {
            return Ok(Arc::clone(validator));
        }
        let mut root = match translated {
            Value::Object(object) => object,
            other => Map::from_iter([("allOf".to_string(), json!([other]))]),
        };
        root.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
        // The components are not copied in: the registry holds them once, for every validator.
        let validator = jsonschema::options()
            .with_registry(&self.registry)
            .should_validate_formats(true)
            .build(&Value::Object(root))
            .map_err(|e| refused(&e, format!("the schema cannot be compiled: {e}")))?;
        let validator = Arc::new(validator);
        self.compiled.borrow_mut().insert(key, Arc::clone(&validator));
        Ok(validator)
    }

    /// The `type` of a parameter schema, following one `$ref`.
    fn schema_type(&self, schema: &Value) -> Option<String> {
        let schema = self.resolve(schema).ok()?;
        schema.get("type").and_then(Value::as_str).map(str::to_string)
    }

    fn resolve<'a>(&'a self, value: &'a Value) -> Result<&'a Value, SpecError> {
        document::resolve(&self.document, value)
    }

    /// `node`, which is `at`, through its `$ref`: the node it stands for, and where that is.
    fn follow<'a>(&'a self, node: &'a Value, at: String) -> Result<(&'a Value, String), SpecError> {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else { return Ok((node, at)) };
        let target = self.resolve(node).map_err(|e| e.in_file(&self.file).at(Place::Pointer(at)))?;
        Ok((target, reference.trim_start_matches('#').to_string()))
    }

    /// The JSON schema of an operation's response with this status, as the spec writes it.
    pub fn response_schema(&self, operation: &str, status: u16) -> Option<&Value> {
        let def = self.operations().into_iter().find(|def| def.id == operation)?;
        let response = def.object(&self.document).get("responses")?.get(status.to_string())?;
        json_schema(self.resolve(response).ok()?)
    }
}

/// A schema the compiler refused, for `reason`: [`ErrorKind::Unresolvable`] when a
/// `$ref` in it points at nothing, [`ErrorKind::InvalidSchema`] otherwise.
fn refused(e: &jsonschema::ValidationError<'_>, reason: String) -> SpecError {
    let kind = match e.kind() {
        jsonschema::error::ValidationErrorKind::Referencing(
            jsonschema::ReferencingError::PointerToNowhere { .. },
        ) => ErrorKind::Unresolvable,
        _ => ErrorKind::InvalidSchema,
    };
    SpecError::new(kind, reason)
}

impl Contract {
    /// Compiles every operation of the spec.
    pub fn compile(spec: &Spec) -> Result<Contract, SpecError> {
        let operations = spec.operations().iter().map(|def| spec.compile(def)).collect::<Result<_, _>>();
        let operations = operations.map_err(|e| spec.broken_component().unwrap_or(e))?;
        Ok(Contract { operations, hosts: spec.hosts(), base_paths: spec.base_paths() })
    }

    /// Where HAR entries count as this API's: the spec's servers, plus `extra_hosts`
    /// (whose entries may also be at the origin's root).
    pub fn scope(&self, extra_hosts: &[String]) -> Scope {
        let mut hosts = self.hosts.clone();
        hosts.extend(extra_hosts.iter().cloned());
        let mut base_paths = self.base_paths.clone();
        if base_paths.is_empty() || !extra_hosts.is_empty() {
            base_paths.push(String::new());
        }
        Scope { hosts, base_paths }
    }

    /// The methods `path` takes (for `Allow`): those of its path template.
    pub fn methods_at(&self, path: &str) -> Vec<&str> {
        self.at(path).map(|(op, _)| op.method.as_str()).collect()
    }

    /// The operation with this `operationId`.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|op| op.id == id)
    }

    /// The operation with this method at `path`'s path template.
    pub fn route(&self, method: &str, path: &str) -> Option<(&Operation, Vec<(String, String)>)> {
        self.at(path).find(|(op, _)| op.method.eq_ignore_ascii_case(method))
    }

    /// The operations of the one path template `path` belongs to, with its bound
    /// parameters. As OpenAPI matches paths, a template with more literal segments wins
    /// (`/customer/address` before `/customer/{id}`), whatever the method: a method the
    /// winner lacks is not allowed there, not routed to the other template.
    fn at<'c>(&'c self, path: &str) -> impl Iterator<Item = (&'c Operation, Vec<(String, String)>)> + 'c {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let literals =
            |op: &Operation| op.segments.iter().filter(|s| matches!(s, Segment::Literal(_))).count();
        let bound: Vec<(&Operation, Vec<(String, String)>)> =
            self.operations.iter().filter_map(|op| Some((op, op.bind(&segments)?))).collect();
        let template = bound.iter().max_by_key(|(op, _)| literals(op)).map(|(op, _)| op.path.clone());
        bound.into_iter().filter(move |(op, _)| Some(&op.path) == template.as_ref())
    }
}

impl Operation {
    fn bind(&self, segments: &[&str]) -> Option<Vec<(String, String)>> {
        if segments.len() != self.segments.len() {
            return None;
        }
        let mut bound = Vec::new();
        for (template, actual) in self.segments.iter().zip(segments) {
            match template {
                Segment::Literal(literal) if literal == actual => {}
                Segment::Literal(_) => return None,
                Segment::Parameter(name) => bound.push((name.clone(), actual.to_string())),
            }
        }
        Some(bound)
    }

    /// The documented response for a status: exact, then `2XX`-style, then `default`.
    pub fn response(&self, status: u16) -> Option<&DocumentedResponse> {
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        [exact.as_str(), range.as_str(), "default"]
            .iter()
            .find_map(|key| self.responses.iter().find(|r| r.status.eq_ignore_ascii_case(key)))
    }

    /// The documented statuses, for a message: `200, 4XX`.
    pub fn documented_statuses(&self) -> String {
        self.responses.iter().map(|r| r.status.as_str()).collect::<Vec<_>>().join(", ")
    }
}

impl Segment {
    fn parse(segment: &str) -> Segment {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => Segment::Parameter(name.to_string()),
            None => Segment::Literal(segment.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec of one operation, `POST /v1/buy`, and a `Count` parameter among its components.
    fn spec(operation: Value) -> Spec {
        let document = json!({
            "openapi": "3.0.3",
            "paths": {"/v1/buy": {"post": operation}},
            "components": {
                "schemas": {"Amount": {"type": "number"}},
                "parameters": {"Count": {"name": "count", "in": "query", "schema": {"type": 5}}},
            },
        });
        Spec::parse("spec.yaml", &document.to_string()).unwrap()
    }

    fn compile_error(operation: Value) -> SpecError {
        Contract::compile(&spec(operation)).err().expect("the spec does not compile")
    }

    #[test]
    fn a_dangling_reference_is_unresolvable_where_it_is() {
        let error = compile_error(json!({"requestBody": {"$ref": "#/components/requestBodies/Nope"}}));
        assert_eq!(error.kind(), ErrorKind::Unresolvable);
        assert_eq!(error.file(), Some("spec.yaml"));
        assert_eq!(error.place(), Some(&Place::Pointer("/paths/~1v1~1buy/post/requestBody".into())));
        assert_eq!(
            error.to_string(),
            "spec.yaml: /paths/~1v1~1buy/post/requestBody: `$ref: #/components/requestBodies/Nope` does not resolve"
        );
    }

    #[test]
    fn a_schema_referring_to_no_component_is_unresolvable() {
        let schema = json!({"$ref": "#/components/schemas/Nope"});
        let ok = json!({"description": "ok", "content": {"application/json": {"schema": schema}}});
        let error = compile_error(json!({"responses": {"200": ok}}));
        assert_eq!(error.kind(), ErrorKind::Unresolvable, "{error}");
        assert_eq!(error.place(), Some(&Place::Pointer("/paths/~1v1~1buy/post/responses/200".into())));
    }

    #[test]
    fn a_schema_the_compiler_refuses_is_invalid_at_the_component_a_reference_names() {
        let error = compile_error(json!({"parameters": [{"$ref": "#/components/parameters/Count"}]}));
        assert_eq!(error.kind(), ErrorKind::InvalidSchema, "{error}");
        assert_eq!(error.place(), Some(&Place::Pointer("/components/parameters/Count/schema".into())));
        assert!(error.reason().starts_with("the schema cannot be compiled: "), "{error}");
        assert_eq!(error.to_string().lines().count(), 1, "{error}");
    }

    #[test]
    fn a_missing_spec_is_unreadable() {
        let Err(error) = Spec::read(Path::new("no/such/spec.yaml")) else { panic!("a missing spec reads") };
        assert_eq!(error.kind(), ErrorKind::Unreadable);
        assert_eq!((error.file(), error.place()), (Some("no/such/spec.yaml"), None));
        assert!(error.to_string().starts_with("no/such/spec.yaml: cannot read the spec: "), "{error}");
    }

    #[test]
    fn a_spec_that_is_not_yaml_says_its_line() {
        let Err(error) = Spec::parse("spec.yaml", "openapi: 3.0.3\ninfo: title: broken: here\npaths: {}\n")
        else {
            panic!("broken YAML parses")
        };
        assert_eq!(error.kind(), ErrorKind::Syntax);
        assert!(matches!(error.place(), Some(Place::Line { line: 2, .. })), "{error:?}");
        assert!(error.to_string().starts_with("spec.yaml:2:"), "{error}");
    }
}
