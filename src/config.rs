//! Configuring a client once: where, who, the headers the API expects, and timeouts.

use crate::auth::{Credentials, DigestSession};
use crate::error::Error;
use crate::place::PlacementPolicy;
use crate::record::Recorder;
use crate::retry::RetryPolicy;
use crate::tls;
use crate::transport::ClientState;
use crate::{Client, STAGING_URL};
use progenitor_client::ClientInfo;
use reqwest::header::HeaderValue;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

const USER_AGENT: &str = concat!("minted-connect/", env!("CARGO_PKG_VERSION"));

/// Builds a [`Client`]; from [`Client::builder`]. Nothing is checked until [`build`](Self::build).
///
/// ```no_run
/// # fn run() -> Result<(), minted_connect::Error> {
/// let client = minted_connect::Client::builder()
///     .base_url(minted_connect::STAGING_URL)
///     .credentials("partner-user", "partner-password")
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `build()`"]
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<Credentials>,
    client_id: String,
    language: String,
    api_version: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    http: Option<reqwest::Client>,
    record: Option<PathBuf>,
    retry: RetryPolicy,
    placement: PlacementPolicy,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: STAGING_URL.to_string(),
            credentials: None,
            client_id: "web".into(),
            language: "tr".into(),
            api_version: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            http: None,
            record: None,
            retry: RetryPolicy::default(),
            placement: PlacementPolicy::default(),
        }
    }
}

impl ClientBuilder {
    /// The API's base URL: [`STAGING_URL`] (the default), or the production URL given at onboarding.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The partner's HTTP Digest credentials.
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::new(username.into(), password.into()));
        self
    }

    /// The `x-client-id` header sent on every call (default `web`).
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = client_id.into();
        self
    }

    /// The `Accept-Language` header sent on every call (default `tr`).
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = language.into();
        self
    }

    /// Sends this `api-version` on every call instead of the one each operation's
    /// docs give (2 or 3, as the spec's `api-version` parameter says per operation).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// Sends the calls through this `reqwest::Client` (for its proxies, root
    /// certificates, connection pool or middleware-free tuning). Its own timeouts and
    /// user agent then apply: [`connect_timeout`](Self::connect_timeout) and
    /// [`timeout`](Self::timeout) are not used. Authentication and the API's headers are
    /// added per call, so the client needs no default headers.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// How long to wait for a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a whole exchange may take, body included (default 30 s); each retry
    /// has it anew. [`Client::with_timeout`] gives some calls another.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Records every call into this folder (made if missing), one file each in the
    /// project's recording format, for `cargo xtask verify DIR`; a retried call by its
    /// last exchange. Before anything is written, the data the spec marks `x-sensitive`
    /// is replaced by placeholders that pass its schema, customers' ids by
    /// `customer-N`, and no header that authenticates is kept. A file that cannot be
    /// written is logged once and never fails the call. Off by default;
    /// [`Variable::Record`] sets it for [`Client::from_env`].
    pub fn record(mut self, dir: impl Into<PathBuf>) -> Self {
        self.record = Some(dir.into());
        self
    }

    /// When failed calls are sent again: by default up to 2 retries with backoff, and
    /// only calls that cannot have taken effect twice; [`RetryPolicy::none`] turns
    /// retries off. See [`RetryPolicy`].
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How [`Client::place_buy`], `place_sell` and `place_delivery` settle a send that
    /// may have reached the server: by default 3 sends at most, and a resend only after
    /// 3 lookups in a row, 30 s apart, found no order. See [`PlacementPolicy`].
    pub fn placement(mut self, policy: PlacementPolicy) -> Self {
        self.placement = policy;
        self
    }

    /// The client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the base URL is not an `http` or `https` URL, when the
    /// client id, language or api-version is not a valid header value, or when the HTTP
    /// client cannot be made; when the URL is `https` and the build has no TLS backend. Nothing is sent: credentials are
    /// first checked by the server, on the first call.
    pub fn build(self) -> Result<Client, Error> {
        let url = url::Url::parse(&self.base_url)
            .map_err(|e| Error::Config(format!("base URL {:?}: {e}", self.base_url)))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::Config(format!("base URL {:?}: not http or https", self.base_url)));
        }
        if url.scheme() == "https" && !tls::AVAILABLE && self.http.is_none() {
            return Err(Error::Config(format!(
                "base URL {:?}: this build has no TLS; enable one of the features {}",
                self.base_url,
                tls::FEATURES
            )));
        }
        let header = |name: &str, value: &str| {
            HeaderValue::from_str(value)
                .map_err(|_| Error::Config(format!("{name} {value:?} is not a valid header value")))
        };
        let state = ClientState {
            client_id: header("client id", &self.client_id)?,
            language: header("language", &self.language)?,
            api_version: self.api_version.as_deref().map(|v| header("api-version", v)).transpose()?,
            digest: self.credentials.map(|credentials| Arc::new(DigestSession::new(credentials))),
            recorder: self.record.map(|dir| Arc::new(Recorder::new(dir))),
            retry: self.retry,
            placement: self.placement,
            timeout: None,
            origin: url,
        };
        let http = match self.http {
            Some(http) => http,
            None => tls::http_client()?
                .user_agent(USER_AGENT)
                .connect_timeout(self.connect_timeout)
                .timeout(self.timeout)
                .build()
                .map_err(|e| Error::Config(format!("HTTP client: {e}")))?,
        };
        Ok(Client::new_with_client(self.base_url.trim_end_matches('/'), http, state))
    }
}

impl Client {
    /// A builder with the defaults: [`STAGING_URL`], no credentials, `x-client-id` `web`,
    /// `Accept-Language` `tr`, a 10 s connect and a 30 s request timeout.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// This client with another timeout for each attempt of its calls, say for a long
    /// list: `client.with_timeout(Duration::from_secs(120)).list_ecom_orders()...`. It
    /// shares this client's connections and Digest session.
    #[must_use]
    pub fn with_timeout(&self, timeout: Duration) -> Client {
        let mut state = self.inner().clone();
        state.timeout = Some(timeout);
        Client::new_with_client(self.baseurl(), self.client().clone(), state)
    }

    /// A client configured from the environment: [`Variable::BaseUrl`],
    /// [`Variable::Username`] and [`Variable::Password`] must be set, and
    /// [`Variable::ClientId`], [`Variable::Language`] and [`Variable::Record`] may be.
    pub fn from_env() -> Result<Client, Error> {
        from_variables(|variable| variable.read())?.build()
    }
}

/// The environment variables a client is configured from, and the one rule for reading
/// them: a variable set to the empty string counts as unset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Variable {
    /// `MINTED_BASE_URL`: the API's base URL.
    BaseUrl,
    /// `MINTED_USERNAME`: the partner's Digest username.
    Username,
    /// `MINTED_PASSWORD`: the partner's Digest password.
    Password,
    /// `MINTED_CLIENT_ID`: the `x-client-id` header (default `web`).
    ClientId,
    /// `MINTED_LANGUAGE`: the `Accept-Language` header (default `tr`).
    Language,
    /// `MINTED_RECORD`: a folder to record every exchange into ([`ClientBuilder::record`]).
    Record,
}

impl Variable {
    /// The variable's name, e.g. `MINTED_BASE_URL`.
    pub const fn name(self) -> &'static str {
        match self {
            Variable::BaseUrl => "MINTED_BASE_URL",
            Variable::Username => "MINTED_USERNAME",
            Variable::Password => "MINTED_PASSWORD",
            Variable::ClientId => "MINTED_CLIENT_ID",
            Variable::Language => "MINTED_LANGUAGE",
            Variable::Record => "MINTED_RECORD",
        }
    }

    /// Its value, `None` when it is unset, empty or not Unicode.
    pub fn read(self) -> Option<String> {
        present(std::env::var(self.name()).ok())
    }
}

/// An empty variable is an unset one.
fn present(value: Option<String>) -> Option<String> {
    value.filter(|value| !value.is_empty())
}

/// A builder from `variable`'s values (each already `None` when empty).
fn from_variables(variable: impl Fn(Variable) -> Option<String>) -> Result<ClientBuilder, Error> {
    let required = |v: Variable| variable(v).ok_or_else(|| Error::Config(format!("{} is not set", v.name())));
    let mut builder = Client::builder()
        .base_url(required(Variable::BaseUrl)?)
        .credentials(required(Variable::Username)?, required(Variable::Password)?);
    if let Some(client_id) = variable(Variable::ClientId) {
        builder = builder.client_id(client_id);
    }
    if let Some(language) = variable(Variable::Language) {
        builder = builder.language(language);
    }
    if let Some(dir) = variable(Variable::Record) {
        builder = builder.record(dir);
    }
    Ok(builder)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As `Variable::read` would see an environment holding `set`.
    fn variables<'a>(set: &'a [(&str, &str)]) -> impl Fn(Variable) -> Option<String> + 'a {
        move |variable| present(set.iter().find(|(n, _)| *n == variable.name()).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn environment_names_what_is_missing() {
        let missing =
            from_variables(variables(&[("MINTED_BASE_URL", "http://127.0.0.1:1"), ("MINTED_USERNAME", "u")]));
        assert!(matches!(missing, Err(Error::Config(m)) if m == "MINTED_PASSWORD is not set"));
    }

    #[test]
    fn environment_sets_the_optional_headers() {
        let set = [
            ("MINTED_BASE_URL", "http://127.0.0.1:1"),
            ("MINTED_USERNAME", "u"),
            ("MINTED_PASSWORD", "p"),
            ("MINTED_CLIENT_ID", "mobile"),
            ("MINTED_LANGUAGE", "en"),
        ];
        let builder = from_variables(variables(&set)).unwrap();
        assert_eq!((builder.client_id.as_str(), builder.language.as_str()), ("mobile", "en"));
        assert_eq!(builder.base_url, "http://127.0.0.1:1");
    }

    #[test]
    fn an_empty_optional_variable_keeps_the_default() {
        let set = [
            ("MINTED_BASE_URL", "http://127.0.0.1:1"),
            ("MINTED_USERNAME", "u"),
            ("MINTED_PASSWORD", "p"),
            ("MINTED_CLIENT_ID", ""),
        ];
        let builder = from_variables(variables(&set)).unwrap();
        assert_eq!(builder.client_id, "web");
        let empty_password =
            [("MINTED_BASE_URL", "http://127.0.0.1:1"), ("MINTED_USERNAME", "u"), ("MINTED_PASSWORD", "")];
        assert!(
            matches!(from_variables(variables(&empty_password)), Err(Error::Config(m)) if m == "MINTED_PASSWORD is not set")
        );
    }

    #[test]
    fn bad_configuration_is_refused_at_build() {
        assert!(matches!(Client::builder().base_url("ftp://x").build(), Err(Error::Config(_))));
        assert!(matches!(Client::builder().base_url("not a url").build(), Err(Error::Config(_))));
        assert!(matches!(Client::builder().language("tr\n").build(), Err(Error::Config(_))));
    }

    #[test]
    fn debug_never_shows_the_password() {
        let builder = Client::builder().credentials("partner", "pa55word-secret");
        let client = builder.clone().build().unwrap();
        for shown in [format!("{builder:?}"), format!("{client:?}"), format!("{client:#?}")] {
            assert!(shown.contains("partner"), "{shown}");
            assert!(!shown.contains("pa55word-secret"), "{shown}");
        }
    }
}
