//! Typed client for the Minted Connect partner API.
//!
//! The client is generated at build time from `spec/minted-connect.yaml` by
//! progenitor: one builder per operation, grouped in one extension trait per
//! docs section (`ClientPricingExt`, `ClientTradingExt`, ...), and one type per
//! schema in [`types`]. Money and metal amounts are [`rust_decimal::Decimal`]. A
//! response's enum fields are [`Received`], so that a value a newer server sends is
//! read, not refused; response types and every enum are `#[non_exhaustive]`.
//!
//! ```no_run
//! use minted_connect::{prelude::*, types, Client, IntoData};
//!
//! # async fn run() -> Result<(), minted_connect::Error> {
//! // MINTED_BASE_URL, MINTED_USERNAME, MINTED_PASSWORD (and optionally
//! // MINTED_CLIENT_ID, MINTED_LANGUAGE); or `Client::builder()`.
//! let client = Client::from_env()?;
//! let fix = client
//!     .price_fix()
//!     .body(types::PriceFixRequest::builder().type_("digital").customer_external_id(Some("MTD0018232".to_string())))
//!     .send()
//!     .await?
//!     .into_data()?;
//! for price in &fix.prices {
//!     println!("{:?}: buy {:?}, sell {:?}", price.sku, price.buy_price, price.sell_price);
//! }
//! println!("token {} valid for {} s", fix.token, fix.expire_ttl);
//! # Ok(())
//! # }
//! ```
//!
//! Every call is authenticated with HTTP Digest (one round trip per call once the
//! first challenge is answered) and carries `x-client-id`, `Accept-Language` and
//! the operation's `api-version`; a builder's `.x_client_id()`, `.accept_language()`
//! or `.api_version()` overrides one for one call. Every failure is one
//! [`Error`], whose variants say what the caller can do and whose accessors
//! (`status()`, `is_retryable()`, `field_errors()`, ...) answer the usual questions.
//! Calls that cannot take effect twice are retried as the [`RetryPolicy`] says, and
//! each call is one `tracing` span named for its operation.
//!
//! A buy, sell or delivery is placed safely with [`Client::place_buy`],
//! [`Client::place_sell`] or [`Client::place_delivery`] ([`place`]): when a send's answer
//! is lost, the order is looked up by its `external_id` before it is ever sent again,
//! so the call ends with the order or with [`Error::OutcomeUnknown`], never with a
//! second order.
//!
//! Features:
//! - `sandbox`: [`sandbox`], a local server of the API to start inside your own tests;
//! - `mock`: typed httpmock helpers in `minted_connect::mock` for tests;
//! - `cli`: the `minted` command (with it the types also derive `schemars::JsonSchema`,
//!   which the generated command requires).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[allow(clippy::all, missing_docs, unused_imports)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
}
/// Typed [`httpmock`] helpers for testing code that uses the client: with
/// [`mock::MockServerExt`] in scope, `server.price_fix(|when, then| ...)` mocks one
/// operation, its request matched and its response written with the spec's types.
#[cfg(feature = "mock")]
#[allow(clippy::all, missing_docs, unused_imports)]
pub mod mock {
    include!(concat!(env!("OUT_DIR"), "/httpmock.rs"));
}
/// The sandbox: a local server of the API that answers from the spec and its
/// recordings, embedded in the crate. It exports, by name, what a partner's test uses
/// (amounts are [`rust_decimal::Decimal`], as in [`types`]); the sandbox's internals,
/// such as its limits, stay in `minted_spec::sandbox`, out of this crate's API.
///
/// Start it on port 0 inside your test's tokio runtime:
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use minted_connect::{Client, sandbox::{self, Sandbox}};
///
/// let running = Sandbox::default().start(([127, 0, 0, 1], 0).into()).await?;
/// let client = Client::builder()
///     .base_url(running.url())
///     .credentials(sandbox::USERNAME, sandbox::PASSWORD)
///     .build()?;
/// # Ok(()) }
/// ```
#[cfg(feature = "sandbox")]
pub mod sandbox {
    // The list is pinned by `tests/public_api.rs`: an item added here is a decision.
    pub use minted_spec::sandbox::{
        Clock, DigestAlgorithms, Fault, FaultError, FaultKind, Holder, MANUAL_START, PASSWORD, REALM,
        Refusal, Running, Sandbox, Sources, StartError, TOKEN_TTL, USERNAME,
    };
}
mod auth;
mod config;
pub mod envelope;
mod error;
mod for_generated;
mod operations;
pub mod place;
mod received;
mod record;
mod redact;
mod retry;
mod tls;
mod transport;

pub use config::{ClientBuilder, Variable};
pub use envelope::IntoData;
pub use error::{AuthFailure, BodyStart, Error, TransportKind};
pub use generated::*;
pub use place::{Placed, PlacedOrder, PlacementPolicy, Resolution};
pub use received::{Received, Unlisted, WireValue};
pub use retry::RetryPolicy;
pub use transport::ClientState;

/// Base URL of the documented testing environment. Production URLs are given
/// to partners at onboarding.
pub const STAGING_URL: &str = "https://api.staging.mintedconnect.com";

/// The README's examples, compiled as doctests so they stay true (one starts the sandbox).
#[cfg(all(doctest, feature = "sandbox"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
