//! Which TLS backend the default HTTP client uses, as the crate's features chose it:
//! `aws-lc-rs` (by `rustls`, the default), `ring`, or `native-tls`. reqwest's own order
//! decides when several are on: `native-tls` first, then rustls with aws-lc-rs; rustls
//! with ring gets its configuration from here, because reqwest without a built-in
//! provider would take the process's default one, or panic when there is none.

use crate::error::Error;

/// Whether this build can make `https` connections at all.
pub(crate) const AVAILABLE: bool = cfg!(any(feature = "aws-lc-rs", feature = "ring", feature = "native-tls"));

/// The features that give a build TLS, for the error that says a build has none.
pub(crate) const FEATURES: &str = "`rustls` (the default), `ring` or `native-tls`";

/// reqwest's builder with this build's TLS backend.
pub(crate) fn http_client() -> Result<reqwest::ClientBuilder, Error> {
    let builder = reqwest::Client::builder();
    #[cfg(all(feature = "ring", not(feature = "aws-lc-rs"), not(feature = "native-tls")))]
    let builder = builder.tls_backend_preconfigured(ring()?);
    Ok(builder)
}

/// rustls with ring, verifying certificates as reqwest does: by the platform's roots.
#[cfg(all(feature = "ring", not(feature = "aws-lc-rs"), not(feature = "native-tls")))]
fn ring() -> Result<rustls::ClientConfig, Error> {
    use std::sync::Arc;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let failed = |e: rustls::Error| Error::Config(format!("TLS with ring: {e}"));
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone()).map_err(failed)?;
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(failed)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}
