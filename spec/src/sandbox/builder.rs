//! The builder: where a sandbox's spec and recordings come from, its credentials,
//! seed, clock, token lifetime and faults; and starting it, which reads all of them before
//! it listens, so a sandbox never serves on half its data.

use super::answers::Answers;
use super::clock::Clock;
use super::control::Controls;
use super::digest::{DigestAlgorithms, Guard};
use super::faults::{Armed, Fault, FaultError};
use super::limits::MAX_TOKEN_TTL;
use super::running::{Running, Sources};
use super::server::{Log, State, Transform};
use super::store::Store;
use super::world::{Genesis, SIMULATED, Shared, World};
use crate::contract::{Contract, Spec};
use crate::error::SpecError;
use crate::load::Loaded;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// The sandbox's username unless another is given. It guards nothing real.
pub const USERNAME: &str = "sandbox";
/// The sandbox's password unless another is given.
pub const PASSWORD: &str = "sandbox";
/// The realm of the sandbox's Digest challenges.
pub const REALM: &str = "minted-connect-sandbox";

/// Why the sandbox did not start.
#[derive(Debug)]
pub enum StartError {
    /// The spec cannot be read or compiled: what kind of failure, where, and why.
    Spec(SpecError),
    /// A recording cannot be read: the file (and entry) and why, as verify reports it.
    Recordings(String),
    /// The address cannot be listened on.
    Bind(std::io::Error),
    /// The price tokens' lifetime is over [`MAX_TOKEN_TTL`].
    TokenTtl(Duration),
    /// The faults cannot be armed: an operation the spec served does not have, too
    /// many, or an operation's probabilities over 1.
    Faults(FaultError),
    /// The state file ([`Sandbox::state_file`]) cannot be read, resumed or written:
    /// which file, and why. A file that is there is never silently discarded.
    State {
        /// The state file.
        file: PathBuf,
        /// Why it cannot be used.
        reason: String,
    },
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Spec(error) => write!(f, "the spec cannot be used: {error}"),
            StartError::Recordings(reason) => write!(f, "a recording cannot be read: {reason}"),
            StartError::Bind(e) => write!(f, "cannot listen: {e}"),
            StartError::TokenTtl(ttl) => write!(
                f,
                "a price token cannot live {} s: the sandbox's maximum is {} s (ten years)",
                ttl.as_secs(),
                MAX_TOKEN_TTL.as_secs()
            ),
            StartError::Faults(error) => write!(f, "the faults cannot be armed: {error}"),
            StartError::State { file, reason } => {
                write!(f, "the state file {} cannot be used: {reason}", file.display())
            }
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::Spec(error) => Some(error),
            StartError::Bind(error) => Some(error),
            StartError::Faults(error) => Some(error),
            StartError::Recordings(_) | StartError::TokenTtl(_) | StartError::State { .. } => None,
        }
    }
}

/// A sandbox to start: where its spec and recordings come from, its credentials and log.
pub struct Sandbox {
    /// `None`: the embedded spec.
    spec: Option<PathBuf>,
    /// `None`: the embedded recordings.
    recordings: Option<PathBuf>,
    username: String,
    password: String,
    nonce_lifetime: Duration,
    digest_algorithms: DigestAlgorithms,
    log: Log,
    seed: u64,
    token_ttl: Duration,
    clock: Clock,
    check_answers: bool,
    transform: Option<Transform>,
    faults: Vec<Fault>,
    state_file: Option<PathBuf>,
}

/// How long a price token lives unless told otherwise: the docs' "about 240" seconds.
pub const TOKEN_TTL: Duration = Duration::from_secs(240);

impl Default for Sandbox {
    /// The embedded spec and recordings, the default credentials, nonces that
    /// go stale after five minutes, log lines on stderr, seed 0, tokens that live
    /// [`TOKEN_TTL`], the system's clock, and no faults.
    fn default() -> Sandbox {
        Sandbox {
            spec: None,
            recordings: None,
            username: USERNAME.into(),
            password: PASSWORD.into(),
            nonce_lifetime: Duration::from_secs(300),
            digest_algorithms: DigestAlgorithms::Both,
            // Not `eprintln!`, which panics when whoever reads stderr has gone: the
            // sandbox keeps serving, its log lost.
            log: Arc::new(|line| {
                let _ = writeln!(std::io::stderr(), "{line}");
            }),
            seed: 0,
            token_ttl: TOKEN_TTL,
            clock: Clock::system(),
            check_answers: false,
            transform: None,
            faults: Vec::new(),
            state_file: None,
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

    /// Which Digest algorithms are offered and accepted (default: MD5 first, then
    /// SHA-256, which every common client answers).
    pub fn digest_algorithms(mut self, algorithms: DigestAlgorithms) -> Sandbox {
        self.digest_algorithms = algorithms;
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

    /// Arms a fault from the start (see [`Running::set_faults`] for how they are drawn);
    /// [`Sandbox::start`] refuses a set that cannot be armed.
    pub fn fault(mut self, fault: Fault) -> Sandbox {
        self.faults.push(fault);
        self
    }

    /// Arms these faults from the start, besides those already given.
    pub fn faults(mut self, faults: impl IntoIterator<Item = Fault>) -> Sandbox {
        self.faults.extend(faults);
        self
    }

    /// Keeps the state in `file`: every change the API acknowledges is saved there
    /// before its answer is sent, and a start with the same file resumes the world,
    /// the feed's position, the live price tokens and a manual clock's time. A missing
    /// file is a fresh start; one that cannot be read stops the start
    /// ([`StartError::State`]). See `spec/SANDBOX.md`, "State".
    pub fn state_file(mut self, file: impl Into<PathBuf>) -> Sandbox {
        self.state_file = Some(file.into());
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
        let spec = spec.map_err(StartError::Spec)?;
        let contract = Contract::compile(&spec).map_err(StartError::Spec)?;
        let operations = contract.operations.iter().map(|operation| operation.id.clone()).collect();
        let faults = Armed::new(self.seed, operations, self.faults).map_err(StartError::Faults)?;
        let scope = contract.scope(&[]);
        let recordings = match &self.recordings {
            Some(dir) => Loaded::from_paths(std::slice::from_ref(dir), &scope),
            None => Loaded::from_texts(crate::embedded::RECORDINGS.iter().copied(), &scope),
        };
        let answers = Answers::load(&spec, &contract, recordings).map_err(StartError::Recordings)?;
        let recorded = |operation: &str| answers.recorded_data(operation);
        let genesis = Genesis::recorded(self.seed, self.token_ttl, recorded, answers.recorded_customer_ids());
        let mut world = World::new(genesis);
        let world = Arc::new(match &self.state_file {
            None => Shared::new(world),
            Some(file) => {
                let store = Store::open(file, &mut world, &self.clock)
                    .map_err(|reason| StartError::State { file: file.clone(), reason })?;
                Shared::kept(world, Box::new(store))
            }
        });
        let (recorded, shaped) = answers.sources();
        let not_simulated = |ops: Vec<&str>| ops.iter().filter(|op| !SIMULATED.contains(op)).count();
        let sources = Sources {
            simulated: SIMULATED.len(),
            recorded: not_simulated(recorded),
            shaped: not_simulated(shaped),
        };
        let listener = TcpListener::bind(addr).await.map_err(StartError::Bind)?;
        let addr = listener.local_addr().map_err(StartError::Bind)?;
        let guard = Guard::new(REALM, &self.username, &self.password, self.nonce_lifetime)
            .algorithms(self.digest_algorithms);
        let controls =
            Controls { world, clock: self.clock, faults: Arc::new(faults), exchanges: Arc::default() };
        let state = State {
            contract,
            answers,
            controls,
            guard,
            log: self.log,
            answer_findings: self.check_answers.then(Arc::default),
            transform: self.transform,
        };
        Ok(Running::serve(listener, addr, sources, Arc::new(state)))
    }
}
