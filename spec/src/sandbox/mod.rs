//! A local server that answers like Minted Connect, from the spec and its recordings
//! (those embedded in this crate unless others are given). It demands HTTP Digest,
//! checks each request against the spec with the engine (an invalid one gets a 422
//! listing the violations), answers from the recordings, and logs one line per exchange.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use minted_spec::sandbox::{Sandbox, USERNAME, PASSWORD};
//! let running = Sandbox::default().start(([127, 0, 0, 1], 0).into()).await?;
//! println!("serving on {} as {USERNAME}/{PASSWORD}", running.url());
//! # Ok(()) }
//! ```

mod answers;
pub mod digest;
mod server;

pub use server::{BODY_LIMIT, HEADER_READ_TIMEOUT};

use crate::contract::{Contract, Spec};
use crate::load::Loaded;
use answers::Answers;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

/// The sandbox's username unless another is given. It guards nothing real.
pub const USERNAME: &str = "sandbox";
/// The sandbox's password unless another is given.
pub const PASSWORD: &str = "sandbox";
/// The realm of the sandbox's Digest challenges.
pub const REALM: &str = "minted-connect-sandbox";

/// Where each exchange's log line goes.
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// Why the sandbox did not start.
#[derive(Debug)]
pub enum StartError {
    /// The spec cannot be read or compiled.
    Spec(String),
    /// A recording cannot be read.
    Recordings(String),
    /// The address cannot be listened on.
    Bind(std::io::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Spec(reason) => write!(f, "the spec cannot be used: {reason}"),
            StartError::Recordings(reason) => write!(f, "a recording cannot be read: {reason}"),
            StartError::Bind(e) => write!(f, "cannot listen: {e}"),
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
}

impl Default for Sandbox {
    /// The embedded spec and recordings, the default credentials, nonces that
    /// go stale after five minutes, and log lines on stderr.
    fn default() -> Sandbox {
        Sandbox {
            spec: None,
            recordings: None,
            username: USERNAME.into(),
            password: PASSWORD.into(),
            nonce_lifetime: Duration::from_secs(300),
            log: Arc::new(|line| eprintln!("{line}")),
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

    /// Reads the spec and recordings, then serves on `addr` (port 0 picks a free
    /// port) from a task of the current tokio runtime until the handle is dropped.
    pub async fn start(self, addr: SocketAddr) -> Result<Running, StartError> {
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
        let (recorded, shaped) = answers.sources();
        let (recorded, shaped) = (recorded.len(), shaped.len());
        let listener = TcpListener::bind(addr).await.map_err(StartError::Bind)?;
        let addr = listener.local_addr().map_err(StartError::Bind)?;
        let guard = digest::Guard::new(REALM, &self.username, &self.password, self.nonce_lifetime);
        let state = Arc::new(server::State { contract, answers, guard, log: self.log });
        let serving = tokio::spawn(serve(listener, state));
        Ok(Running { addr, recorded, shaped, serving })
    }
}

/// A started sandbox; dropping it stops the server and its connections.
pub struct Running {
    addr: SocketAddr,
    recorded: usize,
    shaped: usize,
    serving: JoinHandle<()>,
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

    /// How many operations are answered from recordings, and how many from the schema alone.
    pub fn sources(&self) -> (usize, usize) {
        (self.recorded, self.shaped)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.serving.abort();
    }
}

async fn serve(listener: TcpListener, state: Arc<server::State>) {
    // Owned here, so that stopping the server also ends its connections.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                connections.spawn(server::connection(stream, Arc::clone(&state)));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}
