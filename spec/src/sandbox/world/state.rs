//! The world: every area's state side by side, made from the genesis and made again
//! from it by a reset. The rules live in the areas, and each is given just the parts
//! it reads and changes, so the table in `operations` shows what each call touches.

use super::baskets::Baskets;
use super::call::Outcome;
use super::customers::{Customers, Holder};
use super::feed::Feed;
use super::genesis::Genesis;
use super::orders::Orders;
use super::refusal::Refusal;
use super::trading::Fixes;
use rust_decimal::Decimal;
use serde_json::Value;
use std::time::SystemTime;

/// The simulated platform's state, and the genesis it starts again from.
pub struct World {
    pub(super) genesis: Genesis,
    pub(super) feed: Feed,
    pub(super) customers: Customers,
    pub(super) fixes: Fixes,
    pub(super) orders: Orders,
    pub(super) baskets: Baskets,
}

impl World {
    pub fn new(genesis: Genesis) -> World {
        World {
            feed: genesis.feed(),
            customers: genesis.customers(),
            fixes: Fixes::new(genesis.token_ttl),
            orders: genesis.orders(),
            baskets: Baskets::new(genesis.token_ttl),
            genesis,
        }
    }

    /// Back to how it started: the recordings' customers and orders, the feed at its seed.
    pub fn reset(&mut self) {
        *self = World::new(self.genesis.clone());
    }

    // The test controls (`Running`'s): what a test sets up without a request.

    /// Creates a customer as `POST /partner/customer` would.
    pub fn create_customer(&mut self, body: &Value) -> Outcome {
        self.customers.create(body)
    }

    /// Seeds an open basket; returns its cart token.
    pub fn add_basket(
        &mut self,
        customer: &str,
        items: &[(&str, Decimal)],
        now: SystemTime,
    ) -> Result<String, Refusal> {
        self.baskets.add(&self.customers, &mut self.feed, customer, items, now)
    }

    /// Sets one wallet's balance.
    pub fn set_balance(&mut self, holder: Holder<'_>, code: &str, amount: Decimal) -> Result<(), Refusal> {
        self.customers.set_balance(holder, code, amount, self.feed.recorded())
    }

    /// One wallet's balance.
    pub fn balance(&self, holder: Holder<'_>, code: &str) -> Result<Decimal, Refusal> {
        self.customers.balance(holder, code, self.feed.recorded())
    }
}
