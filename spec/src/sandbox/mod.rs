//! A local server that answers like Minted Connect, from the spec and its recordings
//! (those embedded in this crate unless others are given). It demands HTTP Digest,
//! checks each request against the spec with the engine (an invalid one gets a 422
//! listing the violations), and logs one line per exchange.
//!
//! Customers, wallets, addresses, price fixes, buys, sells, deliveries, baskets and
//! their orders are simulated: kept in memory, starting with the recordings' customers and
//! orders, and changed by the calls under the rules of `spec/SANDBOX.md`. The other
//! operations answer from the recordings. A test can seed the feed, set the tokens' lifetime, hold the clock,
//! seed balances and reset; see [`Sandbox`] and [`Running`].
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use minted_spec::sandbox::{Sandbox, USERNAME, PASSWORD};
//! let running = Sandbox::default().start(([127, 0, 0, 1], 0).into()).await?;
//! println!("serving on {} as {USERNAME}/{PASSWORD}", running.url());
//! # Ok(()) }
//! ```

mod answers;
mod clock;
pub mod digest;
pub mod limits;
mod server;
mod world;

pub use clock::{Clock, MANUAL_START};
pub use rust_decimal::Decimal;
pub use server::Log;
pub use world::{AMOUNT_PLACES, CASH, DELIVERY_CHARGE, Holder, MONEY_PLACES, Refusal, SIMULATED};

use crate::contract::{Contract, Spec};
use crate::load::Loaded;
use answers::Answers;
use limits::{MAX_CONNECTIONS, MAX_TOKEN_TTL};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};
use world::{Genesis, Shared, World};

/// The sandbox's username unless another is given. It guards nothing real.
pub const USERNAME: &str = "sandbox";
/// The sandbox's password unless another is given.
pub const PASSWORD: &str = "sandbox";
/// The realm of the sandbox's Digest challenges.
pub const REALM: &str = "minted-connect-sandbox";

/// Why the sandbox did not start.
#[derive(Debug)]
pub enum StartError {
    /// The spec cannot be read or compiled.
    Spec(String),
    /// A recording cannot be read.
    Recordings(String),
    /// The address cannot be listened on.
    Bind(std::io::Error),
    /// The price tokens' lifetime is over [`MAX_TOKEN_TTL`].
    TokenTtl(Duration),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Spec(reason) => write!(f, "the spec cannot be used: {reason}"),
            StartError::Recordings(reason) => write!(f, "a recording cannot be read: {reason}"),
            StartError::Bind(e) => write!(f, "cannot listen: {e}"),
            StartError::TokenTtl(ttl) => write!(
                f,
                "a price token cannot live {} s: the sandbox's maximum is {} s (ten years)",
                ttl.as_secs(),
                MAX_TOKEN_TTL.as_secs()
            ),
        }
    }
}

impl std::error::Error for StartError {}

/// A sandbox to start: where its spec and recordings come from, its credentials and log.
pub struct Sandbox {
    /// `None`: the embedded spec.
    spec: Option<PathBuf>,
    /// `None`: the embedded recordings.
    recordings: Option<PathBuf>,
    username: String,
    password: String,
    nonce_lifetime: Duration,
    log: Log,
    seed: u64,
    token_ttl: Duration,
    clock: Clock,
    check_answers: bool,
    transform: Option<server::Transform>,
}

/// How long a price token lives unless told otherwise: the docs' "about 240" seconds.
pub const TOKEN_TTL: Duration = Duration::from_secs(240);

impl Default for Sandbox {
    /// The embedded spec and recordings, the default credentials, nonces that
    /// go stale after five minutes, log lines on stderr, seed 0, tokens that live
    /// [`TOKEN_TTL`], and the system's clock.
    fn default() -> Sandbox {
        Sandbox {
            spec: None,
            recordings: None,
            username: USERNAME.into(),
            password: PASSWORD.into(),
            nonce_lifetime: Duration::from_secs(300),
            log: Arc::new(|line| eprintln!("{line}")),
            seed: 0,
            token_ttl: TOKEN_TTL,
            clock: Clock::system(),
            check_answers: false,
            transform: None,
        }
    }
}

impl Sandbox {
    /// Serves this spec file instead of the embedded one.
    pub fn spec(mut self, file: impl Into<PathBuf>) -> Sandbox {
        self.spec = Some(file.into());
        self
    }

    /// Answers from the recordings in this folder instead of the embedded ones.
    pub fn recordings(mut self, dir: impl Into<PathBuf>) -> Sandbox {
        self.recordings = Some(dir.into());
        self
    }

    /// The username and password the sandbox accepts.
    pub fn credentials(mut self, username: &str, password: &str) -> Sandbox {
        (self.username, self.password) = (username.into(), password.into());
        self
    }

    /// How long a nonce is accepted; after that a correct answer gets `stale=true`.
    pub fn nonce_lifetime(mut self, lifetime: Duration) -> Sandbox {
        self.nonce_lifetime = lifetime;
        self
    }

    /// Where each exchange's log line goes (default: stderr).
    pub fn log(mut self, log: impl Fn(&str) + Send + Sync + 'static) -> Sandbox {
        self.log = Arc::new(log);
        self
    }

    /// Seeds the price feed and the tokens and ids it draws: the same seed gives the
    /// same prices, tokens and order codes for the same calls.
    pub fn seed(mut self, seed: u64) -> Sandbox {
        self.seed = seed;
        self
    }

    /// How long a price token stays valid; at most [`MAX_TOKEN_TTL`], or
    /// [`Sandbox::start`] refuses to start.
    pub fn token_ttl(mut self, ttl: Duration) -> Sandbox {
        self.token_ttl = ttl;
        self
    }

    /// The clock for tokens and order dates; keep a clone to move it
    /// ([`Clock::advance`]), or give [`Clock::fixed`] for dates that repeat.
    pub fn clock(mut self, clock: Clock) -> Sandbox {
        self.clock = clock;
        self
    }

    /// Checks each of its own answers against the spec (strictly, as `verify --strict`
    /// does) and keeps what is wrong, for [`Running::answer_findings`]. For tests.
    pub fn check_answers(mut self) -> Sandbox {
        self.check_answers = true;
        self
    }

    /// Changes each answer's body before it is sent, given the operation's id: for a
    /// test that needs the server to drift from the spec (a field the spec does not
    /// declare, a value of another type) and shows how a client or `verify` takes it.
    pub fn transform(
        mut self,
        transform: impl Fn(&str, &mut serde_json::Value) + Send + Sync + 'static,
    ) -> Sandbox {
        self.transform = Some(Arc::new(transform));
        self
    }

    /// Reads the spec and recordings, then serves on `addr` (port 0 picks a free
    /// port) from a task of the current tokio runtime until the handle is dropped.
    pub async fn start(self, addr: SocketAddr) -> Result<Running, StartError> {
        if self.token_ttl > MAX_TOKEN_TTL {
            return Err(StartError::TokenTtl(self.token_ttl));
        }
        let spec = match &self.spec {
            Some(file) => Spec::read(file),
            None => Spec::embedded(),
        };
        let spec = spec.map_err(|e| StartError::Spec(e.0))?;
        let contract = Contract::compile(&spec).map_err(|e| StartError::Spec(e.0))?;
        let scope = contract.scope(&[]);
        let recordings = match &self.recordings {
            Some(dir) => Loaded::from_paths(std::slice::from_ref(dir), &scope),
            None => Loaded::from_texts(crate::embedded::RECORDINGS.iter().copied(), &scope),
        };
        let answers = Answers::load(&spec, &contract, recordings).map_err(StartError::Recordings)?;
        let recorded = |operation: &str| answers.recorded_data(operation);
        let genesis = Genesis::recorded(self.seed, self.token_ttl, recorded, answers.recorded_customer_ids());
        let world = Arc::new(Shared::new(World::new(genesis)));
        let answer_findings = self.check_answers.then(Arc::default);
        let (recorded, shaped) = answers.sources();
        let not_simulated = |ops: Vec<&str>| ops.iter().filter(|op| !SIMULATED.contains(op)).count();
        let sources = Sources {
            simulated: SIMULATED.len(),
            recorded: not_simulated(recorded),
            shaped: not_simulated(shaped),
        };
        let listener = TcpListener::bind(addr).await.map_err(StartError::Bind)?;
        let addr = listener.local_addr().map_err(StartError::Bind)?;
        let guard = digest::Guard::new(REALM, &self.username, &self.password, self.nonce_lifetime);
        let state = Arc::new(server::State {
            contract,
            answers,
            world: Arc::clone(&world),
            clock: self.clock.clone(),
            guard,
            log: self.log,
            answer_findings: answer_findings.clone(),
            transform: self.transform,
        });
        let serving = tokio::spawn(serve(listener, state));
        Ok(Running { addr, sources, serving, world, clock: self.clock, answer_findings })
    }
}

/// How many operations answer from each source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sources {
    /// From the simulated state ([`SIMULATED`]).
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
    world: Arc<Shared>,
    clock: Clock,
    answer_findings: Option<Arc<Mutex<Vec<String>>>>,
}

impl Running {
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
        &self.clock
    }

    /// Forgets every change: back to the recordings' customers and orders, with the
    /// feed at its seed and no price fixes. The clock is not moved back.
    pub fn reset(&self) {
        // A fault while resetting resets it all the same.
        let _ = self.world.with(World::reset);
    }

    /// Creates a customer as `POST /partner/customer` would (`body` is its request
    /// body, with at least `external_id`), without a request.
    pub fn create_customer(&self, body: &serde_json::Value) -> Result<(), Refusal> {
        self.world.with(|world| world.create_customer(body).map(drop))?
    }

    /// Seeds an open basket for an existing customer, with grams of products of the
    /// recorded price fix (`[("GAU", Decimal::ONE)]`), priced from the feed now; returns
    /// its cart token. No call of the API creates a basket: Minted's web view does.
    pub fn add_basket(&self, customer: &str, items: &[(&str, Decimal)]) -> Result<String, Refusal> {
        self.world.with(|world| world.add_basket(customer, items, self.clock.now()))?
    }

    /// Sets a wallet's balance (`code`: `GBP`, or a metal wallet such as `MAU`).
    pub fn set_balance(&self, holder: Holder<'_>, code: &str, amount: Decimal) -> Result<(), Refusal> {
        self.world.with(|world| world.set_balance(holder, code, amount))?
    }

    /// A wallet's balance (`code` as for [`Running::set_balance`]).
    pub fn balance(&self, holder: Holder<'_>, code: &str) -> Result<Decimal, Refusal> {
        self.world.with(|world| world.balance(holder, code))?
    }

    /// With [`Sandbox::check_answers`]: what the spec found wrong with the answers
    /// given so far (empty when every one conformed).
    pub fn answer_findings(&self) -> Vec<String> {
        let findings = self.answer_findings.as_ref();
        findings.map(|f| f.lock().unwrap_or_else(PoisonError::into_inner).clone()).unwrap_or_default()
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

async fn serve(listener: TcpListener, state: Arc<server::State>) {
    // Owned here, so that stopping the server also ends its connections; and counted
    // here, so that at MAX_CONNECTIONS the server only waits for one to end.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept(), if connections.len() < MAX_CONNECTIONS => {
                let Ok((stream, _)) = accepted else { continue };
                connections.spawn(server::connection(stream, Arc::clone(&state)));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}
