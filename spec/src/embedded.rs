//! The spec and its recordings as they were when this crate was built, so that
//! nothing built from it reads the checkout.

/// The spec, `spec/minted-connect.yaml`.
pub const YAML: &str = include_str!("../minted-connect.yaml");

/// How the embedded spec is named in messages.
pub const YAML_NAME: &str = "spec/minted-connect.yaml";

/// The recordings under `spec/recordings/`, as `(<operation>/<slug>.json, text)`, in name order.
#[cfg(feature = "verify")]
pub const RECORDINGS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/recordings.rs"));

/// The spec as JSON, converted at build time; empty when it was not YAML then.
#[cfg(feature = "verify")]
pub(crate) const JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/spec.json"));
