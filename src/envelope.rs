//! The frame of every response, `{data, success, code, message}`, and the helper
//! that turns a response into its `data`.

use crate::error::Error;
use progenitor_client::ResponseValue;

/// A response envelope. `build.rs` implements it for every generated type of that shape.
pub trait Envelope {
    /// The type of `data`.
    type Data;
    /// Whether the call succeeded.
    fn success(&self) -> bool;
    /// 0 on success.
    fn code(&self) -> i64;
    /// Empty on success.
    fn message(&self) -> &str;
    /// `data`, whatever `success` says.
    fn into_data(self) -> Self::Data;
}

/// `client.get_customer().external_customer_id("X").send().await?.into_data()?`
pub trait IntoData {
    /// The type of the envelope's `data`.
    type Data;
    /// The envelope's `data`, or [`Error::Api`] when the envelope says `success: false`.
    fn into_data(self) -> Result<Self::Data, Error>;
}

impl<T: Envelope> IntoData for ResponseValue<T> {
    type Data = T::Data;

    fn into_data(self) -> Result<T::Data, Error> {
        let status = self.status().as_u16();
        let envelope = self.into_inner();
        if envelope.success() {
            Ok(envelope.into_data())
        } else {
            Err(Error::Api {
                status,
                code: Some(envelope.code()),
                message: envelope.message().to_string(),
                field_errors: Default::default(),
                retryable: false,
            })
        }
    }
}

/// `client.get_customer().external_customer_id("X").send().await.into_data()?`: the
/// failure is this crate's [`Error`] whatever error type the caller's `?` converts
/// into. Boxed (`Box<dyn Error>`, `anyhow`), progenitor's own error would pass
/// through unconverted and print the URL, which carries customers' ids.
impl<T: Envelope, E> IntoData for Result<ResponseValue<T>, progenitor_client::Error<E>> {
    type Data = T::Data;

    fn into_data(self) -> Result<T::Data, Error> {
        self.map_err(Error::from)?.into_data()
    }
}
