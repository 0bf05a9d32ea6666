//! The client's hooks into the generated code: the headers every call carries,
//! Digest authentication, retries, the call's tracing span, and turning error
//! responses into [`crate::Error`]s.
//!
//! A call is sent again to answer a Digest challenge (the server refused the
//! request unprocessed; once more if the answer's nonce went stale on the way), and
//! as [`crate::RetryPolicy`] allows: only when it cannot have taken effect twice, so
//! a buy order is never placed twice by the client.

use crate::auth::DigestSession;
use crate::error::{AuthFailure, BodyStart, Error};
use crate::place::PlacementPolicy;
use crate::record::{Recorder, Sent};
use crate::retry::{Ending, RetryPolicy, retryable};
use crate::{Client, operations};
use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{ACCEPT_LANGUAGE, AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Request, Response, ResponseBuilderExt, StatusCode, Version};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tracing::Instrument;

/// What a [`Client`] carries besides its base URL and HTTP client; made by [`crate::ClientBuilder`].
#[derive(Clone, Debug)]
pub struct ClientState {
    pub(crate) client_id: HeaderValue,
    pub(crate) language: HeaderValue,
    pub(crate) api_version: Option<HeaderValue>,
    pub(crate) digest: Option<Arc<DigestSession>>,
    /// Where exchanges are recorded, when they are.
    pub(crate) recorder: Option<Arc<Recorder>>,
    pub(crate) retry: RetryPolicy,
    /// How placements settle a send that may have reached the server.
    pub(crate) placement: PlacementPolicy,
    /// Each attempt's timeout, over the HTTP client's own ([`Client::with_timeout`]).
    pub(crate) timeout: Option<Duration>,
    /// The URL the responses handed to the generated code carry: the base URL, never
    /// a path (progenitor's own error prints it, and paths carry customers' ids).
    pub(crate) origin: url::Url,
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
        if let Some(timeout) = self.inner().timeout {
            *request.timeout_mut() = Some(timeout);
        }
        Ok(())
    }

    async fn exec(&self, request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        let spec = operations::find(info.operation_id);
        let span = spec.map_or_else(tracing::Span::none, |op| (op.span)());
        let call = self.inner().exec(self.client(), request, info.operation_id, spec, &span);
        Ok(call.instrument(span.clone()).await)
    }
}

/// One attempt's answer, its body read.
struct Answer {
    status: StatusCode,
    version: Version,
    headers: HeaderMap,
    body: Bytes,
    /// Why the call ends unauthorized, when it does.
    unauthorized: Option<AuthFailure>,
}

impl Answer {
    async fn read(mut response: Response, unauthorized: Option<AuthFailure>) -> reqwest::Result<Answer> {
        let headers = std::mem::take(response.headers_mut());
        let (status, version) = (response.status(), response.version());
        Ok(Answer { status, version, headers, body: response.bytes().await?, unauthorized })
    }

    /// A call refused before it was sent.
    fn refused(reason: AuthFailure) -> Answer {
        Answer {
            status: StatusCode::UNAUTHORIZED,
            version: Version::HTTP_11,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            unauthorized: Some(reason),
        }
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
        let per_call = sent.next().and(sent.next_back()).cloned();
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

    /// The call: attempts as the retry policy allows, then the last answer classified.
    /// Always a response: a network failure travels as an [`Error`] on one, like an
    /// error response, because only here is the method known, which decides whether
    /// it is retryable.
    async fn exec(
        &self,
        http: &reqwest::Client,
        mut request: Request,
        operation: &'static str,
        spec: Option<&'static operations::Operation>,
        span: &tracing::Span,
    ) -> Response {
        let started = tokio::time::Instant::now();
        let get = request.method() == Method::GET;
        // Taken before authentication: a recording never holds `Authorization`.
        let recording =
            self.recorder.as_deref().zip(spec).map(|(recorder, op)| (recorder, op, Sent::of(&request)));
        let mut attempts = 1;
        let outcome = loop {
            // One copy per attempt serves both a retry and the answer to a challenge.
            let may_resend = attempts <= self.retry.retries() || self.digest.is_some();
            let spare = if may_resend { request.try_clone() } else { None };
            let outcome = self.attempt(http, request, spare.as_ref()).await;
            let (ending, headers) = match &outcome {
                Ok(answer) if answer.unauthorized.is_some() => break outcome,
                Ok(answer) => (Ending::Status(answer.status.as_u16()), Some(&answer.headers)),
                Err(error) => (Ending::of(error), None),
            };
            let wait = retryable(get, ending).then(|| self.retry.wait(attempts, headers)).flatten();
            let (Some(wait), Some(spare)) = (wait, spare) else { break outcome };
            tracing::info!(attempt = attempts, ?ending, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
            request = spare;
            attempts += 1;
        };
        span.record("attempts", attempts);
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        match outcome {
            Ok(answer) => {
                span.record("status", answer.status.as_u16());
                self.classify(answer, get, operation, spec, recording)
            }
            Err(error) => {
                let failure = Error::transport(error, get);
                if let Error::Transport { kind, retryable, .. } = &failure {
                    tracing::debug!(%kind, retryable, "network failure");
                }
                self.respond(
                    NETWORK_FAILURE,
                    Version::HTTP_11,
                    HeaderMap::new(),
                    Bytes::new(),
                    Some(failure),
                    None,
                )
            }
        }
    }

    /// One attempt: the request, and the answer to a Digest challenge if one comes,
    /// made from `spare`, a copy of the request (none when its body is a stream); if
    /// that answer's nonce is stale, one answer more.
    async fn attempt(
        &self,
        http: &reqwest::Client,
        mut request: Request,
        spare: Option<&Request>,
    ) -> reqwest::Result<Answer> {
        let Some(digest) = &self.digest else {
            tracing::debug!("sending");
            let response = http.execute(request).await?;
            let unauthorized =
                (response.status() == StatusCode::UNAUTHORIZED).then_some(AuthFailure::NoCredentials);
            return Answer::read(response, unauthorized).await;
        };

        let first_contact = match digest.prepare(&mut request).await {
            Ok(guard) => guard,
            Err(reason) => return Ok(Answer::refused(reason)),
        };
        let authorized = request.headers().contains_key(AUTHORIZATION);
        tracing::debug!(authorized, "sending");
        let response = http.execute(request).await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            if first_contact.is_some() {
                digest.note_not_asked();
            }
            return Answer::read(response, None).await;
        }

        let adopted = digest.adopt(response.headers());
        drop(first_contact);
        let adopted = match adopted {
            Ok(adopted) => adopted,
            Err(reason) => {
                tracing::debug!(%reason, "a 401 that cannot be answered");
                return Answer::read(response, Some(reason)).await;
            }
        };
        tracing::debug!(stale = adopted.stale, "challenged; answering once");
        let mut response = match answer_challenge(http, digest, spare, response).await? {
            Ok(response) => response,
            Err(unanswered) => return Ok(unanswered),
        };
        // `stale=true` on the answer itself: its nonce expired on the way, the
        // credentials were right. The new nonce gets one more answer, and only one.
        if response.status() == StatusCode::UNAUTHORIZED
            && digest.adopt(response.headers()).is_ok_and(|adopted| adopted.stale)
        {
            tracing::debug!("stale; answering once more");
            response = match answer_challenge(http, digest, spare, response).await? {
                Ok(response) => response,
                Err(unanswered) => return Ok(unanswered),
            };
        }
        if response.status() == StatusCode::UNAUTHORIZED {
            tracing::debug!("credentials refused");
            return Answer::read(response, Some(AuthFailure::Rejected)).await;
        }
        Answer::read(response, None).await
    }

    /// Decides what the last answer means; records the exchange when asked.
    fn classify(
        &self,
        answer: Answer,
        get: bool,
        operation: &'static str,
        spec: Option<&operations::Operation>,
        recording: Option<(&Recorder, &operations::Operation, Sent)>,
    ) -> Response {
        let Answer { status, version, headers, body, unauthorized } = answer;
        if let Some(reason) = unauthorized {
            tracing::debug!(%reason, "unauthorized");
            let failure = Error::Unauthorized { reason };
            return self.respond(status, version, headers, body, Some(failure), None);
        }
        if let Some((recorder, op, sent)) = recording {
            recorder.write(op, sent, status.as_u16(), &body);
        }
        let (failure, decoded) = if status == StatusCode::OK {
            match fit_of_success(&body, operation, spec) {
                Ok(decoded) => (None, decoded),
                Err(failure) => (Some(failure), None),
            }
        } else {
            (error_of(status, &body, retryable(get, Ending::Status(status.as_u16()))), None)
        };
        if failure.is_some() {
            tracing::debug!(status = status.as_u16(), "an error response");
        }
        let passed_status = if failure.is_some() && status == StatusCode::OK { REFUSED_200 } else { status };
        self.respond(passed_status, version, headers, body, failure, decoded)
    }

    /// The response handed to the generated code, which sends any status but 200 to
    /// the error conversion, with the failure attached.
    fn respond(
        &self,
        status: StatusCode,
        version: Version,
        headers: HeaderMap,
        body: Bytes,
        failure: Option<Error>,
        decoded: Option<operations::Decoded>,
    ) -> Response {
        // `url` spares reqwest the parse of a placeholder URL on every call.
        let builder = http::Response::builder().status(status).version(version).url(self.origin.clone());
        let mut response = builder.body(body).expect("infallible: the status and version are typed values");
        *response.headers_mut() = headers;
        if let Some(failure) = failure {
            response.extensions_mut().insert(failure);
        }
        if let Some(decoded) = decoded {
            response.extensions_mut().insert(decoded);
        }
        Response::from(response)
    }
}

/// Sends a copy of the request, `spare`, authorized with the challenge just adopted
/// from `challenged`, the 401 that asked. `Err`: the call ends on that 401, with why
/// it could not be answered.
async fn answer_challenge(
    http: &reqwest::Client,
    digest: &DigestSession,
    spare: Option<&Request>,
    challenged: Response,
) -> reqwest::Result<Result<Response, Answer>> {
    let Some(mut replay) = spare.and_then(Request::try_clone) else {
        let reason = AuthFailure::Unsupported("the request body cannot be sent a second time".into());
        return Answer::read(challenged, Some(reason)).await.map(Err);
    };
    let unanswerable = match digest.authorize(&mut replay) {
        Ok(true) => return http.execute(replay).await.map(Ok),
        Ok(false) => AuthFailure::NoChallenge,
        Err(reason) => reason,
    };
    Answer::read(challenged, Some(unanswerable)).await.map(Err)
}

/// The status of the response a network failure travels on: 599, which no server of
/// the API sends (some proxies use it for a network timeout). Only progenitor's own
/// error shows it, and that error's `is_retryable()` does not count it: the safe side,
/// since whether a retry is safe depends on the method. Ours reads the failure attached.
const NETWORK_FAILURE: StatusCode = match StatusCode::from_u16(599) {
    Ok(status) => status,
    Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
};

/// How a 200 the client refuses (a body that does not fit, or an envelope saying
/// `success: false`) is passed on: the generated code hands any status but 200 to the
/// error conversion, with the reason attached. Not a status progenitor's `is_retryable()`
/// counts (408, 429, 502, 503, 504): the server answered, and a retried buy order
/// would be placed again.
const REFUSED_200: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

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
) -> Result<Option<operations::Decoded>, Error> {
    let Some(spec) = spec else { return Ok(None) };
    Err(match (spec.decode_response)(body) {
        Ok((verdict, decoded)) if verdict.success => return Ok(Some(decoded)),
        Ok((verdict, _)) => Error::Api {
            status: 200,
            code: Some(verdict.code),
            message: verdict.message,
            field_errors: ErrorEnvelope::read(body).map(|e| e.field_errors()).unwrap_or_default(),
            retryable: false,
        },
        Err(misfit) => match ErrorEnvelope::read(body) {
            // An error envelope whose `data` does not fit the success type.
            Some(envelope) if envelope.success == Some(false) => envelope.into_failure(200, false),
            _ => Error::Decode {
                operation: operation.to_string(),
                status: 200,
                path: misfit.path,
                reason: misfit.reason,
                body_start: BodyStart::of(body),
            },
        },
    })
}

fn error_of(status: StatusCode, body: &[u8], retryable: bool) -> Option<Error> {
    Some(match ErrorEnvelope::read(body) {
        Some(envelope) if envelope.message.is_some() || envelope.code.is_some() => {
            envelope.into_failure(status.as_u16(), retryable)
        }
        _ => {
            Error::UnexpectedResponse { status: status.as_u16(), body_start: BodyStart::of(body), retryable }
        }
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

    fn into_failure(self, status: u16, retryable: bool) -> Error {
        let code = self.code.as_ref().and_then(|c| c.as_i64().or_else(|| c.as_str()?.parse().ok()));
        Error::Api {
            status,
            code,
            field_errors: self.field_errors(),
            message: self.message.unwrap_or_default(),
            retryable,
        }
    }
}
