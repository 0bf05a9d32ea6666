//! The Minted Connect contract: the OpenAPI spec and its recorded exchanges,
//! embedded at compile time, and what is built on them.
//!
//! - Always: [`YAML`], the spec's text, and [`document`], which reads it and walks
//!   its operations (all the client's build script needs); [`error`], the one error
//!   of this crate: a spec or a file that cannot be used.
//! - Feature `verify`: [`RECORDINGS`], and the engine that checks exchanges against the
//!   spec: [`contract`] compiles it, [`load`] reads our recording format and HAR 1.2
//!   into the model of [`exchange`], [`check`] checks one exchange, [`verify`] a whole set,
//!   [`suggest`] proposes the spec edits that would make drifted exchanges pass, and
//!   [`rule`] names the node of the spec each finding disagrees with.
//! - Feature `sandbox`: [`sandbox`], a local server of the API.
//! - Feature `changes`: [`changes`], what an edit of the spec does to the wire and to
//!   the generated Rust, each change located by [`located`].
//!
//! Nothing here depends on the client crate, so `cargo xtask verify` works on a spec
//! the client cannot be generated from.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod document;
mod embedded;
pub mod error;
pub mod pointer;

#[cfg(feature = "changes")]
pub mod changes;
#[cfg(feature = "verify")]
pub mod check;
#[cfg(feature = "verify")]
pub mod contract;
#[cfg(feature = "verify")]
pub mod exchange;
#[cfg(feature = "verify")]
pub mod finding;
#[cfg(feature = "verify")]
mod har;
#[cfg(feature = "verify")]
pub mod load;
#[cfg(feature = "changes")]
pub mod located;
#[cfg(feature = "verify")]
mod recording;
#[cfg(feature = "verify")]
pub mod rule;
#[cfg(feature = "sandbox")]
pub mod sandbox;
#[cfg(feature = "verify")]
mod schema;
#[cfg(feature = "verify")]
pub mod suggest;
#[cfg(feature = "verify")]
pub mod verify;

pub use embedded::*;
