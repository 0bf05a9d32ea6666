//! Two clients generated as the client crate generates its own: [`old`] from
//! old.yaml and [`new`] from new.yaml. The names the generated code takes from the
//! client crate are given here: its public ones as they are, its private hooks as
//! stand-ins (the witnesses compile against the clients, they never run them; the
//! specs have no open JSON, so `Masked` is not needed).

pub use rust_decimal::Decimal;

/// What the client crate's `for_generated` lends the generated code.
mod for_generated {
    pub use minted_connect::envelope::Envelope;
    pub use minted_connect::{Received, WireValue};

    /// What a client carries besides its URL (nothing, here).
    #[derive(Clone, Debug, Default)]
    pub struct ClientState;

    /// The decode the generated code calls for a 200.
    pub async fn response_value<T: serde::de::DeserializeOwned + 'static, E>(
        response: reqwest::Response,
    ) -> Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>> {
        progenitor_client::ResponseValue::from_response(response).await
    }
}

/// The client of old.yaml.
#[allow(clippy::all, missing_docs, unused_imports, dead_code)]
pub mod old {
    include!(concat!(env!("OUT_DIR"), "/old.rs"));
    impl progenitor_client::ClientHooks<crate::for_generated::ClientState> for Client {}
}

/// The client of new.yaml.
#[allow(clippy::all, missing_docs, unused_imports, dead_code)]
pub mod new {
    include!(concat!(env!("OUT_DIR"), "/new.rs"));
    impl progenitor_client::ClientHooks<crate::for_generated::ClientState> for Client {}
}
