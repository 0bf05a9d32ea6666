//! The controls a test or a person has over a running sandbox: reset it, move its
//! clock, create customers, seed baskets and balances, read and replace the whole
//! state, read the last exchanges, and arm faults. `Running`'s methods and the HTTP
//! routes both call these, so the two can never differ.

use super::exchanges::Exchanges;
use crate::sandbox::clock::Clock;
use crate::sandbox::faults::{Armed, Fault, FaultError};
use crate::sandbox::limits::MAX_CLOCK_ADVANCE;
use crate::sandbox::world::{Holder, Refusal, Shared, World};
use rust_decimal::Decimal;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// A running sandbox's state, clock, faults and kept exchanges; clones share them.
#[derive(Clone)]
pub struct Controls {
    pub world: Arc<Shared>,
    pub clock: Clock,
    pub faults: Arc<Armed>,
    pub exchanges: Arc<Exchanges>,
}

impl Controls {
    /// Back to the recordings' customers and orders, the feed at its seed, no fixes.
    /// Refused only when the reset cannot be saved to the state file (the state before
    /// it is kept).
    pub fn reset(&self) -> Result<(), Refusal> {
        Ok(self.world.change(World::reset, |_| true)?)
    }

    /// Moves the clock forward by at most [`MAX_CLOCK_ADVANCE`]; the time it then reads.
    pub fn advance(&self, by: Duration) -> Result<SystemTime, Refusal> {
        if by > MAX_CLOCK_ADVANCE {
            let most = MAX_CLOCK_ADVANCE.as_secs();
            return Err(Refusal {
                field: "advance_seconds".into(),
                message: format!("the clock moves at most {most} s (ten years) at a time"),
            });
        }
        // Under the world's lock, so that the clock's move is saved as one change.
        self.world.change(|_| self.clock.advance(by), |_| true)?;
        Ok(self.clock.now())
    }

    /// Creates a customer as `POST /partner/customer` would.
    pub fn create_customer(&self, body: &Value) -> Result<(), Refusal> {
        self.world.change(|world| world.create_customer(body).map(drop), Result::is_ok)?
    }

    /// Seeds an open basket; its cart token.
    pub fn add_basket(&self, customer: &str, items: &[(&str, Decimal)]) -> Result<String, Refusal> {
        self.world.change(|world| world.add_basket(customer, items, self.clock.now()), Result::is_ok)?
    }

    /// Sets one wallet's balance.
    pub fn set_balance(&self, holder: Holder<'_>, code: &str, amount: Decimal) -> Result<(), Refusal> {
        self.world.change(|world| world.set_balance(holder, code, amount), Result::is_ok)?
    }

    /// One wallet's balance.
    pub fn balance(&self, holder: Holder<'_>, code: &str) -> Result<Decimal, Refusal> {
        self.world.with(|world| world.balance(holder, code))?
    }

    /// The whole state as JSON.
    pub fn snapshot(&self) -> Result<Value, Refusal> {
        Ok(self.world.with(|world| world.snapshot())?)
    }

    /// Replaces the whole state with a snapshot, or refuses it and changes nothing.
    pub fn restore(&self, snapshot: &Value) -> Result<(), Refusal> {
        self.world.change(|world| world.restore(snapshot), Result::is_ok)?
    }

    /// Replaces the armed faults, or refuses them whole and keeps those before.
    pub fn set_faults(&self, faults: Vec<Fault>) -> Result<(), FaultError> {
        self.faults.set(faults)
    }

    /// The faults armed.
    pub fn faults(&self) -> Vec<Fault> {
        self.faults.armed()
    }

    /// The last exchanges, oldest first.
    pub fn exchanges(&self) -> Vec<Value> {
        self.exchanges.read()
    }
}
