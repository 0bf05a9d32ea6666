//! A started sandbox: the accept loop, and the handle a test holds to read and set
//! up the state, move the clock, arm faults and stop the server (the same controls
//! as those over HTTP under `/_sandbox/`).

use super::clock::Clock;
use super::control::Controls;
use super::faults::{Fault, FaultError};
use super::limits::MAX_CONNECTIONS;
use super::server::{State, connection};
use super::world::{Holder, Refusal};
use rust_decimal::Decimal;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

/// How many operations answer from each source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sources {
    /// From the simulated state ([`SIMULATED`](crate::sandbox::SIMULATED)).
    pub simulated: usize,
    /// From the recording whose request matches best.
    pub recorded: usize,
    /// With a body shaped from the spec's schema (the docs show no response).
    pub shaped: usize,
}

/// A started sandbox; dropping it stops the server and its connections.
pub struct Running {
    addr: SocketAddr,
    sources: Sources,
    serving: JoinHandle<()>,
    /// The same controls the HTTP ones under `/_sandbox/` call.
    controls: Controls,
    answer_findings: Option<Arc<Mutex<Vec<String>>>>,
}

impl Running {
    /// Serves on `listener` (bound to `addr`) from a task of the current tokio runtime
    /// until the handle is dropped.
    pub(super) fn serve(
        listener: TcpListener,
        addr: SocketAddr,
        sources: Sources,
        state: Arc<State>,
    ) -> Running {
        let (controls, answer_findings) = (state.controls.clone(), state.answer_findings.clone());
        let serving = tokio::spawn(accept(listener, state));
        Running { addr, sources, serving, controls, answer_findings }
    }

    /// The base URL to give a client: `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its clock: [`Clock::advance`] moves the time its tokens are checked against.
    pub fn clock(&self) -> &Clock {
        &self.controls.clock
    }

    /// Forgets every change: back to the recordings' customers and orders, with the
    /// feed at its seed and no price fixes. The clock is not moved back.
    ///
    /// With a [state file](crate::sandbox::Sandbox::state_file), refused when the
    /// reset cannot be saved to it; the state before it is then kept.
    pub fn reset(&self) -> Result<(), Refusal> {
        self.controls.reset()
    }

    /// Creates a customer as `POST /partner/customer` would (`body` is its request
    /// body, with at least `external_id`), without a request.
    pub fn create_customer(&self, body: &serde_json::Value) -> Result<(), Refusal> {
        self.controls.create_customer(body)
    }

    /// Seeds an open basket for an existing customer, with grams of products of the
    /// recorded price fix (`[("GAU", Decimal::ONE)]`), priced from the feed now; returns
    /// its cart token. No call of the API creates a basket: Minted's web view does.
    pub fn add_basket(&self, customer: &str, items: &[(&str, Decimal)]) -> Result<String, Refusal> {
        self.controls.add_basket(customer, items)
    }

    /// Sets a wallet's balance (`code`: `GBP`, or a metal wallet such as `MAU`).
    pub fn set_balance(&self, holder: Holder<'_>, code: &str, amount: Decimal) -> Result<(), Refusal> {
        self.controls.set_balance(holder, code, amount)
    }

    /// A wallet's balance (`code` as for [`Running::set_balance`]).
    pub fn balance(&self, holder: Holder<'_>, code: &str) -> Result<Decimal, Refusal> {
        self.controls.balance(holder, code)
    }

    /// The whole state as JSON, as `GET /_sandbox/state` answers it: every customer
    /// with their wallets and addresses, the partner's wallets, the live price fixes,
    /// the orders and the baskets (`spec/SANDBOX.md` gives its form). The feed and the
    /// clock are not part of it.
    pub fn state(&self) -> Result<serde_json::Value, Refusal> {
        self.controls.snapshot()
    }

    /// Replaces the whole state with one [`Running::state`] gave (here or in another
    /// sandbox), as `PUT /_sandbox/state` does; refused whole, at the field at fault,
    /// changing nothing, when it is malformed or past the sandbox's limits.
    pub fn set_state(&self, snapshot: &serde_json::Value) -> Result<(), Refusal> {
        self.controls.restore(snapshot)
    }

    /// The last exchanges ([`EXCHANGES_KEPT`](crate::sandbox::limits::EXCHANGES_KEPT)
    /// at most, oldest first), as `GET /_sandbox/log` answers them: time, method,
    /// path template, operation, status, what answered, and the request check's
    /// findings; never a value a request carried.
    pub fn exchanges(&self) -> Vec<serde_json::Value> {
        self.controls.exchanges()
    }

    /// The faults armed, as given.
    pub fn faults(&self) -> Vec<Fault> {
        self.controls.faults()
    }

    /// With [`Sandbox::check_answers`](crate::sandbox::Sandbox::check_answers): what the spec found wrong with the answers
    /// given so far (empty when every one conformed).
    pub fn answer_findings(&self) -> Vec<String> {
        let findings = self.answer_findings.as_ref();
        findings.map(|f| f.lock().unwrap_or_else(PoisonError::into_inner).clone()).unwrap_or_default()
    }

    /// Replaces the armed faults (those given to [`Sandbox::fault`](crate::sandbox::Sandbox::fault)
    /// or set before), so that a test can arm them after its setup calls. Each
    /// authenticated request of an armed operation, once its body is read, draws the
    /// next number of that operation's stream (seeded by the sandbox's seed), which
    /// picks at most one of its faults; setting them starts every stream again. Refused
    /// whole, the faults before kept, for an operation the spec does not have, more than
    /// [`MAX_FAULTS`](crate::sandbox::limits::MAX_FAULTS), or an operation's
    /// probabilities adding up to more than 1.
    pub fn set_faults(&self, faults: impl IntoIterator<Item = Fault>) -> Result<(), FaultError> {
        self.controls.set_faults(faults.into_iter().collect())
    }

    /// Disarms every fault.
    pub fn clear_faults(&self) {
        // No faults is always a plan that can be armed.
        let _ = self.controls.set_faults(Vec::new());
    }

    /// How many operations are answered from each source.
    pub fn sources(&self) -> Sources {
        self.sources
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.serving.abort();
    }
}

async fn accept(listener: TcpListener, state: Arc<State>) {
    // Owned here, so that stopping the server also ends its connections; and counted
    // here, so that at MAX_CONNECTIONS the server only waits for one to end.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept(), if connections.len() < MAX_CONNECTIONS => {
                let Ok((stream, _)) = accepted else { continue };
                connections.spawn(connection(stream, Arc::clone(&state)));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}
