//! A local server that answers like Minted Connect, from the spec and its recordings
//! (those embedded in this crate unless others are given). It demands HTTP Digest,
//! checks each request against the spec with the engine (an invalid one gets a 422
//! listing the violations), and logs one line per exchange.
//!
//! Customers, wallets, addresses, price fixes, buys, sells, deliveries, baskets and
//! their orders are simulated: kept in memory, starting with the recordings' customers and
//! orders, and changed by the calls under the rules of `spec/SANDBOX.md`. The other
//! operations answer from the recordings. A test can seed the feed, set the tokens' lifetime, hold the clock,
//! seed balances and reset; see [`Sandbox`] and [`Running`]. It can also arm [`Fault`]s:
//! answers lost, connections reset, 503s and delays, drawn from the seed.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use minted_spec::sandbox::{Sandbox, USERNAME, PASSWORD};
//! let running = Sandbox::default().start(([127, 0, 0, 1], 0).into()).await?;
//! println!("serving on {} as {USERNAME}/{PASSWORD}", running.url());
//! # Ok(()) }
//! ```

mod answers;
mod builder;
mod clock;
// The command line of `minted-sandbox` and `cargo xtask sandbox`, defined once.
pub mod command;
mod control;
// HTTP Digest as the server checks it: internal, but public for the nonce benchmark
// and for the client's tests, whose mock servers check a client's answers with it.
#[doc(hidden)]
pub mod digest;
mod envelope;
mod faults;
pub mod limits;
mod running;
mod server;
mod store;
mod world;

pub use builder::{PASSWORD, REALM, Sandbox, StartError, TOKEN_TTL, USERNAME};
pub use clock::{Clock, MANUAL_START};
pub use digest::DigestAlgorithms;
pub use faults::{Fault, FaultError, FaultKind};
pub use running::{Running, Sources};
pub use world::{AMOUNT_PLACES, CASH, DELIVERY_CHARGE, Holder, MONEY_PLACES, Refusal, SIMULATED};
