//! The orders a placement can send: a buy, a sell and a delivery, each with its
//! operation, its `external_id` and its answer's type.

use crate::envelope::IntoData;
use crate::error::Error;
use crate::{Client, ClientDeliveryExt, ClientTradingExt, types};
use std::future::Future;

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::types::BuyRequest {}
    impl Sealed for crate::types::SellRequest {}
    impl Sealed for crate::types::DeliveryRequest {}
}

/// A request a placement can send: [`types::BuyRequest`], [`types::SellRequest`] or
/// [`types::DeliveryRequest`]. Sealed: the placement knows each operation's answer.
pub trait Placeable: sealed::Sealed + Clone + Send + Sync {
    /// The operation's answer: [`types::BuyOrderResponse`], [`types::OrderResponse`] or
    /// [`types::DeliveryOrder`].
    type Answer: Send;

    /// The operation's `operationId`, as the call's span names it.
    #[doc(hidden)]
    const OPERATION: &'static str;

    /// The partner's id for the order, as the request carries it.
    #[doc(hidden)]
    fn external_id(&self) -> Option<&str>;

    /// One send, through the client's transport (its retries of a connection never made).
    #[doc(hidden)]
    fn send(&self, client: &Client) -> impl Future<Output = Result<Self::Answer, Error>> + Send;
}

/// An `external_id` as a request type holds it: optional (a buy's) or required.
trait OrderId {
    fn id(&self) -> Option<&str>;
}

impl OrderId for String {
    fn id(&self) -> Option<&str> {
        Some(self)
    }
}

impl OrderId for Option<String> {
    fn id(&self) -> Option<&str> {
        self.as_deref()
    }
}

/// `Placeable` for a request type: its answer's type and its operation, which is also
/// the client method that sends it.
macro_rules! placeable {
    ($request:ident => $answer:ident, $operation:ident) => {
        impl Placeable for types::$request {
            type Answer = types::$answer;
            const OPERATION: &'static str = stringify!($operation);

            fn external_id(&self) -> Option<&str> {
                self.external_id.id()
            }

            async fn send(&self, client: &Client) -> Result<Self::Answer, Error> {
                client.$operation().body(self.clone()).send().await.into_data()
            }
        }
    };
}

placeable!(BuyRequest => BuyOrderResponse, buy);
placeable!(SellRequest => OrderResponse, sell);
placeable!(DeliveryRequest => DeliveryOrder, create_delivery);
