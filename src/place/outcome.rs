//! What a placement ends with when the order was placed: the order, and how the
//! client knows it (the send's answer, or a lookup by `external_id`).

use crate::types;

/// A placed order: the call's answer or, when that answer was lost, the order as
/// `get_order` read it by its `external_id`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Placed<T> {
    /// The order.
    pub order: PlacedOrder<T>,
    /// The `external_id` it was placed with.
    pub external_id: String,
    /// How many times it was sent (a connection never made counts).
    pub sends: u32,
    /// How many times it was looked up by `external_id`.
    pub lookups: u32,
}

impl<T> Placed<T> {
    /// How the client knows the order was placed.
    pub fn resolution(&self) -> Resolution {
        match self.order {
            PlacedOrder::Answered(_) => Resolution::Answered,
            PlacedOrder::ByLookup(_) => Resolution::ByLookup,
        }
    }

    /// Whether it was sent more than once (each resend came after the lookups said
    /// "not found", or after a connection that was never made).
    pub fn resent(&self) -> bool {
        self.sends > 1
    }
}

/// The order as the client learned it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum PlacedOrder<T> {
    /// The operation's own answer: [`types::BuyOrderResponse`] for a buy (one order
    /// per item), [`types::OrderResponse`] for a sell, [`types::DeliveryOrder`] for a
    /// delivery.
    Answered(T),
    /// A send's answer was lost and `get_order` found the order by its `external_id`.
    /// The API's lookup returns one order: for a buy of several items, the first.
    /// Boxed: an order is large beside a buy's answer.
    ByLookup(Box<types::Order>),
}

/// How the client knows an order was placed: [`Placed::resolution`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Resolution {
    /// The send was answered with the order.
    Answered,
    /// The answer was lost; a lookup by `external_id` found the order.
    ByLookup,
}
