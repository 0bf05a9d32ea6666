//! The sandbox's state and business rules, one area a file: customers with their
//! wallets and addresses (`customers`), price fixes and trades (`trading`), orders and
//! deliveries (`orders`), and baskets (`baskets`), over the price `feed`. `genesis` is
//! the first state, `state` the areas together, `operations` which call each rule
//! answers, `snapshot` the state as JSON and back, and `shared` the one lock around it all, held for a whole call so that
//! concurrent trades never lose an update. Every rule takes a `call`, reads and writes
//! `values`, and says no with a `refusal`. No I/O here.
//!
//! Every rule where the docs are silent is the sandbox's own choice, listed in
//! `spec/SANDBOX.md`; a refusal names its rule.

mod baskets;
mod call;
mod customers;
mod feed;
mod genesis;
mod operations;
mod orders;
mod refusal;
mod shared;
mod snapshot;
mod state;
#[cfg(test)]
mod tests;
mod trading;
mod values;

pub use customers::Holder;
pub use operations::SIMULATED;
pub use orders::DELIVERY_CHARGE;
pub use refusal::Refusal;
pub use values::{AMOUNT_PLACES, CASH, MONEY_PLACES};

pub(super) use genesis::Genesis;
pub(super) use operations::answer;
pub(super) use shared::{Durable, Fault, Shared};
pub(super) use snapshot::decimal_from;
pub(super) use state::World;
