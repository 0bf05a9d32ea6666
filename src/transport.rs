//! The client's hooks into the generated code: the headers every call carries,
//! Digest authentication, and turning error responses into [`crate::Error`]s.
//!
//! A call is retried at most once, and only to answer a Digest challenge (the
//! server refused the request unprocessed). Never after a transport error or a
//! 5xx, so a buy order is never placed twice by the client.

use crate::auth::DigestSession;
use crate::error::{AuthFailure, BodyStart, Failure};
use crate::record::{Recorder, Sent};
use crate::{Client, operations};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{ACCEPT_LANGUAGE, AUTHORIZATION, HeaderName, HeaderValue};
use reqwest::{Request, Response, ResponseBuilderExt, StatusCode};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a [`Client`] carries besides its base URL and HTTP client; made by [`crate::ClientBuilder`].
#[derive(Clone, Debug)]
pub struct ClientState {
    pub(crate) client_id: HeaderValue,
    pub(crate) language: HeaderValue,
    pub(crate) api_version: Option<HeaderValue>,
    pub(crate) digest: Option<Arc<DigestSession>>,
    /// Where exchanges are recorded, when they are.
    pub(crate) recorder: Option<Arc<Recorder>>,
}

// Constants, so that no call parses a header name.
const API_VERSION: HeaderName = HeaderName::from_static("api-version");
const X_CLIENT_ID: HeaderName = HeaderName::from_static("x-client-id");

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(
        &self,
        request: &mut Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        self.inner().set_headers(request, info.operation_id);
        Ok(())
    }

    async fn exec(&self, request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        self.inner().exec(self.client(), request, info.operation_id).await
    }
}

impl ClientState {
    /// The three headers the API expects. A per-call value wins; for `api-version`
    /// the generated code always sends the spec's global version first, and a per-call
    /// value after it.
    fn set_headers(&self, request: &mut Request, operation: &str) {
        let headers = request.headers_mut();
        // The last of two or more is the call's own (no allocation: this runs every call).
        let mut sent = headers.get_all(API_VERSION).iter();
        let per_call = sent.next().and(sent.last()).cloned();
        let version = per_call.or_else(|| {
            let own = || operations::find(operation).map(|op| HeaderValue::from_static(op.api_version));
            self.api_version.clone().or_else(own)
        });
        if let Some(version) = version {
            headers.insert(API_VERSION, version);
        }
        if !headers.contains_key(X_CLIENT_ID) {
            headers.insert(X_CLIENT_ID, self.client_id.clone());
        }
        if !headers.contains_key(ACCEPT_LANGUAGE) {
            headers.insert(ACCEPT_LANGUAGE, self.language.clone());
        }
    }

    async fn exec(
        &self,
        http: &reqwest::Client,
        mut request: Request,
        operation: &'static str,
    ) -> reqwest::Result<Response> {
        let spec = operations::find(operation);
        // The path template, not the path: paths carry customers' ids.
        let target = spec.map_or(operation, |op| op.path);
        // Taken before authentication: a recording never holds `Authorization`.
        let recording =
            self.recorder.as_deref().zip(spec).map(|(recorder, op)| (recorder, op, Sent::of(&request)));
        let Some(digest) = &self.digest else {
            log::debug!("{operation}: {} {target}", request.method());
            let response = http.execute(request).await?;
            if response.status() == StatusCode::UNAUTHORIZED {
                return Ok(with_failure(response, Failure::Unauthorized(AuthFailure::NoCredentials)));
            }
            return classify(response, operation, spec, recording).await;
        };

        let replay = request.try_clone();
        let first_contact = match digest.prepare(&mut request).await {
            Ok(guard) => guard,
            Err(reason) => return Ok(refused(reason)),
        };
        let authorized = request.headers().contains_key(AUTHORIZATION);
        log::debug!(
            "{operation}: {} {target} ({})",
            request.method(),
            if authorized { "authorized" } else { "first contact" }
        );
        let response = http.execute(request).await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            if first_contact.is_some() {
                digest.note_not_asked();
            }
            return classify(response, operation, spec, recording).await;
        }

        let adopted = digest.adopt(response.headers());
        drop(first_contact);
        let adopted = match adopted {
            Ok(adopted) => adopted,
            Err(reason) => {
                log::debug!("{operation}: 401, {reason}");
                return Ok(with_failure(response, Failure::Unauthorized(reason)));
            }
        };
        log::debug!(
            "{operation}: challenged{}; answering once",
            if adopted.stale { " (stale nonce)" } else { "" }
        );
        let Some(mut replay) = replay else {
            let reason = AuthFailure::Unsupported("the request body cannot be sent a second time".into());
            return Ok(with_failure(response, Failure::Unauthorized(reason)));
        };
        match digest.authorize(&mut replay) {
            Ok(true) => {}
            Ok(false) => return Ok(with_failure(response, Failure::Unauthorized(AuthFailure::NoChallenge))),
            Err(reason) => return Ok(with_failure(response, Failure::Unauthorized(reason))),
        }
        let response = http.execute(replay).await?;
        if response.status() == StatusCode::UNAUTHORIZED {
            log::debug!("{operation}: credentials refused");
            return Ok(with_failure(response, Failure::Unauthorized(AuthFailure::Rejected)));
        }
        classify(response, operation, spec, recording).await
    }
}

/// How a 200 the client refuses (a body that does not fit, or an envelope saying
/// `success: false`) is passed on: the generated code hands any status but 200 to the
/// error conversion, with the reason attached. Not a status progenitor's `is_retryable()`
/// counts (408, 429, 502, 503, 504): the server answered, and a retried buy order
/// would be placed again.
const REFUSED_200: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// Reads the body and decides what the response means; records the exchange when asked.
async fn classify(
    mut response: Response,
    operation: &'static str,
    spec: Option<&operations::Operation>,
    recording: Option<(&Recorder, &operations::Operation, Sent)>,
) -> reqwest::Result<Response> {
    let status = response.status();
    // Moved to the rebuilt response, not copied; the URL kept spares reqwest's
    // placeholder parse for a response made without one.
    let rebuilt = http::Response::builder().version(response.version()).url(response.url().clone());
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await?;
    if let Some((recorder, op, sent)) = recording {
        recorder.write(op, sent, status.as_u16(), &body);
    }
    let (failure, decoded) = if status == StatusCode::OK {
        match fit_of_success(&body, operation, spec) {
            Ok(decoded) => (None, decoded),
            Err(failure) => (Some(failure), None),
        }
    } else {
        (error_of(status, &body), None)
    };
    let passed_status = if failure.is_some() && status == StatusCode::OK { REFUSED_200 } else { status };
    let mut rebuilt = rebuilt.status(passed_status).body(body).expect("infallible: the status and version are typed values");
    *rebuilt.headers_mut() = headers;
    if let Some(failure) = failure {
        log::debug!("{operation}: HTTP {status}, an error response");
        rebuilt.extensions_mut().insert(failure);
    }
    if let Some(decoded) = decoded {
        rebuilt.extensions_mut().insert(decoded);
    }
    Ok(Response::from(rebuilt))
}

/// What the generated code calls for a 200 (`build.rs` puts it in place of
/// progenitor's `ResponseValue::from_response`): the envelope `classify` already
/// decoded, so a body is decoded once; read from the bytes only if it is not there.
pub(crate) async fn response_value<T: serde::de::DeserializeOwned + 'static, E>(
    mut response: Response,
) -> Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>> {
    let decoded = response.extensions().get::<operations::Decoded>().and_then(|decoded| decoded.take::<T>());
    match decoded {
        Some(value) => {
            let headers = std::mem::take(response.headers_mut());
            Ok(progenitor_client::ResponseValue::new(value, response.status(), headers))
        }
        None => progenitor_client::ResponseValue::from_response(response).await,
    }
}

/// The decoded envelope of a 200 that fits and says `success`, else why it is refused.
fn fit_of_success(
    body: &[u8],
    operation: &'static str,
    spec: Option<&operations::Operation>,
) -> Result<Option<operations::Decoded>, Failure> {
    let Some(spec) = spec else { return Ok(None) };
    Err(match (spec.decode_response)(body) {
        Ok((verdict, decoded)) if verdict.success => return Ok(Some(decoded)),
        Ok((verdict, _)) => Failure::Api {
            status: 200,
            code: Some(verdict.code),
            message: verdict.message,
            field_errors: ErrorEnvelope::read(body).map(|e| e.field_errors()).unwrap_or_default(),
        },
        Err(misfit) => match ErrorEnvelope::read(body) {
            // An error envelope whose `data` does not fit the success type.
            Some(envelope) if envelope.success == Some(false) => envelope.into_failure(200),
            _ => Failure::Decode {
                operation,
                status: 200,
                path: misfit.path,
                reason: misfit.reason,
                body_start: BodyStart::of(body),
            },
        },
    })
}

fn error_of(status: StatusCode, body: &[u8]) -> Option<Failure> {
    Some(match ErrorEnvelope::read(body) {
        Some(envelope) if envelope.message.is_some() || envelope.code.is_some() => {
            envelope.into_failure(status.as_u16())
        }
        _ => Failure::Unexpected { status: status.as_u16(), body_start: BodyStart::of(body) },
    })
}

/// The envelope's frame as an error response carries it, plus Laravel-style
/// `errors: {field: [message, ...]}` on a 422.
#[derive(Deserialize)]
struct ErrorEnvelope {
    success: Option<bool>,
    code: Option<serde_json::Value>,
    message: Option<String>,
    errors: Option<BTreeMap<String, serde_json::Value>>,
}

impl ErrorEnvelope {
    fn read(body: &[u8]) -> Option<ErrorEnvelope> {
        serde_json::from_slice(body).ok()
    }

    fn field_errors(&self) -> BTreeMap<String, Vec<String>> {
        let messages = |value: &serde_json::Value| match value {
            serde_json::Value::String(one) => vec![one.clone()],
            serde_json::Value::Array(many) => {
                many.iter().filter_map(|m| m.as_str().map(str::to_string)).collect()
            }
            _ => Vec::new(),
        };
        self.errors.iter().flatten().map(|(field, value)| (field.clone(), messages(value))).collect()
    }

    fn into_failure(self, status: u16) -> Failure {
        let code = self.code.as_ref().and_then(|c| c.as_i64().or_else(|| c.as_str()?.parse().ok()));
        Failure::Api {
            status,
            code,
            field_errors: self.field_errors(),
            message: self.message.unwrap_or_default(),
        }
    }
}

fn with_failure(mut response: Response, failure: Failure) -> Response {
    response.extensions_mut().insert(failure);
    response
}

/// A call refused before it was sent: there is no response to carry the reason.
fn refused(reason: AuthFailure) -> Response {
    let mut response = http::Response::new(bytes::Bytes::new());
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    response.extensions_mut().insert(Failure::Unauthorized(reason));
    Response::from(response)
}
