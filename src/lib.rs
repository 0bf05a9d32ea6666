//! Typed client for the Minted Connect partner API.
//!
//! The client is generated at build time from `spec/minted-connect.yaml` by
//! progenitor: one builder per operation, grouped in one extension trait per
//! docs section (`ClientPricingExt`, `ClientTradingExt`, ...), and one type per
//! schema in [`types`]. Money and metal amounts are [`rust_decimal::Decimal`].
//!
//! ```no_run
//! use minted_connect::{prelude::*, types, Client, STAGING_URL};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::new(STAGING_URL);
//! let fix = client
//!     .price_fix()
//!     .body(types::PriceFixRequest::builder().type_("digital").customer_external_id(Some("MTD0018232".to_string())))
//!     .send()
//!     .await?
//!     .into_inner()
//!     .data;
//! for price in &fix.prices {
//!     println!("{:?}: buy {:?}, sell {:?}", price.sku, price.buy_price, price.sell_price);
//! }
//! println!("token {} valid for {} s", fix.token, fix.expire_ttl);
//! # Ok(())
//! # }
//! ```
//!
//! Every call still needs HTTP Digest authentication and the `x-client-id`,
//! `Accept-Language` and `api-version` headers; the generated builders take
//! the headers as optional per-call overrides.

#[allow(clippy::all, missing_docs, unused_imports)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
}
pub mod operations;

pub use generated::*;

/// Base URL of the documented testing environment. Production URLs are given
/// to partners at onboarding.
pub const STAGING_URL: &str = "https://api.staging.mintedconnect.com";

/// The README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
