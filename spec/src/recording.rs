//! Our recording format (`spec/README.md`): one exchange per file, the request's query
//! and headers as objects. `source` says what an absent `body` means: `docs` (the
//! default) "the docs showed none", `traffic` "none was sent".

use crate::error::{ErrorKind, SpecError};
use crate::exchange::{Body, Exchange, Request, Response, split_target};
use serde_json::{Map, Value};

/// Reads one recording document; the error is an [`ErrorKind::Recording`] about `file`.
pub fn read(file: &str, document: &Value) -> Result<Exchange, SpecError> {
    exchange(file, document).map_err(|reason| SpecError::new(ErrorKind::Recording, reason).in_file(file))
}

fn exchange(file: &str, document: &Value) -> Result<Exchange, String> {
    let object =
        document.as_object().ok_or("not an object: a recording is {operation, request, response}")?;
    if !object.contains_key("request") && !object.contains_key("response") {
        // A Postman collection holds requests to send, not traffic: its runs are not in it.
        let postman = object.get("info").and_then(|info| info.get("schema")).and_then(Value::as_str);
        if postman.is_some_and(|schema| schema.contains("getpostman.com")) {
            return Err(
                "a Postman collection, which holds no traffic: capture the requests as HAR instead".into()
            );
        }
        return Err("neither `request` nor `response`, nor a HAR `log`".into());
    }
    let operation = match object.get("operation") {
        None => None,
        Some(Value::String(id)) => Some(id.clone()),
        Some(_) => return Err("`operation` is not a string".into()),
    };
    let no_body = match object.get("source").map(|s| s.as_str()) {
        None | Some(Some("docs")) => Body::NotShown,
        Some(Some("traffic")) => Body::Absent,
        Some(_) => return Err("`source` is neither \"docs\" nor \"traffic\"".into()),
    };
    let request = object.get("request").map(|r| request(r, &no_body)).transpose()?;
    let response = object.get("response").map(|r| response(r, &no_body)).transpose()?;
    Ok(Exchange { file: file.to_string(), entry: None, operation, request, response })
}

fn request(value: &Value, no_body: &Body) -> Result<Request, String> {
    let object = value.as_object().ok_or("`request` is not an object")?;
    let method = text(object, "method", "request")?.to_ascii_uppercase();
    let (path, mut query) = split_target(text(object, "path", "request")?);
    query.extend(pairs(object, "query")?);
    let headers = pairs(object, "headers")?;
    Ok(Request { method, path, query, headers, body: body(object, no_body) })
}

fn response(value: &Value, no_body: &Body) -> Result<Response, String> {
    let object = value.as_object().ok_or("`response` is not an object")?;
    let status = object
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .ok_or("`response.status` is not an HTTP status number")?;
    Ok(Response { status, body: body(object, no_body) })
}

fn body(object: &Map<String, Value>, no_body: &Body) -> Body {
    object.get("body").map_or_else(|| no_body.clone(), |body| Body::Json(body.clone()))
}

fn text<'a>(object: &'a Map<String, Value>, key: &str, within: &str) -> Result<&'a str, String> {
    object
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("`{within}.{key}` is missing or not a string"))
}

fn pairs(object: &Map<String, Value>, key: &str) -> Result<Vec<(String, String)>, String> {
    let Some(value) = object.get(key) else { return Ok(Vec::new()) };
    let map = value.as_object().ok_or_else(|| format!("`request.{key}` is not an object"))?;
    map.iter()
        .map(|(name, value)| match value {
            Value::String(s) => Ok((name.clone(), s.clone())),
            _ => Err(format!("`request.{key}.{name}` is not a string")),
        })
        .collect()
}
