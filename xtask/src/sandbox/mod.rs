//! `cargo xtask sandbox`: a local server that answers like Minted Connect, from the
//! spec and its recordings. It demands HTTP Digest, checks each request against the
//! spec with the `verify` engine (an invalid one gets a 422 listing the
//! violations), answers from the recordings, and logs one line per exchange.

mod answers;
pub mod digest;
mod exchange;

use crate::verify::contract::{Contract, Spec};
use answers::Answers;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

/// The sandbox's credentials unless others are given. They guard nothing real.
pub const USERNAME: &str = "sandbox";
pub const PASSWORD: &str = "sandbox";
pub const REALM: &str = "minted-connect-sandbox";

/// Where each exchange's log line goes.
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// Why the sandbox did not start.
#[derive(Debug)]
pub enum StartError {
    Spec(String),
    Recordings(String),
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

pub struct Sandbox {
    spec: PathBuf,
    recordings: PathBuf,
    username: String,
    password: String,
    nonce_lifetime: Duration,
    log: Log,
}

impl Default for Sandbox {
    /// This repository's spec and recordings, the default credentials, nonces that
    /// go stale after five minutes, and log lines on stderr.
    fn default() -> Sandbox {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace");
        Sandbox {
            spec: root.join("spec/minted-connect.yaml"),
            recordings: root.join("spec/recordings"),
            username: USERNAME.into(),
            password: PASSWORD.into(),
            nonce_lifetime: Duration::from_secs(300),
            log: Arc::new(|line| eprintln!("{line}")),
        }
    }
}

impl Sandbox {
    pub fn spec(mut self, file: impl Into<PathBuf>) -> Sandbox {
        self.spec = file.into();
        self
    }

    pub fn recordings(mut self, dir: impl Into<PathBuf>) -> Sandbox {
        self.recordings = dir.into();
        self
    }

    pub fn credentials(mut self, username: &str, password: &str) -> Sandbox {
        (self.username, self.password) = (username.into(), password.into());
        self
    }

    /// How long a nonce is accepted; after that a correct answer gets `stale=true`.
    pub fn nonce_lifetime(mut self, lifetime: Duration) -> Sandbox {
        self.nonce_lifetime = lifetime;
        self
    }

    pub fn log(mut self, log: impl Fn(&str) + Send + Sync + 'static) -> Sandbox {
        self.log = Arc::new(log);
        self
    }

    /// Reads the spec and recordings, then serves on `addr` (port 0 picks a free
    /// port) from a task of the current tokio runtime until the handle is dropped.
    pub async fn start(self, addr: SocketAddr) -> Result<Running, StartError> {
        let spec = Spec::read(&self.spec).map_err(|e| StartError::Spec(e.0))?;
        let contract = Contract::compile(&spec).map_err(|e| StartError::Spec(e.0))?;
        let answers = Answers::load(&spec, &contract, std::slice::from_ref(&self.recordings))
            .map_err(StartError::Recordings)?;
        let (recorded, shaped) = answers.sources();
        let (recorded, shaped) = (recorded.len(), shaped.len());
        let listener = TcpListener::bind(addr).await.map_err(StartError::Bind)?;
        let addr = listener.local_addr().map_err(StartError::Bind)?;
        let guard = digest::Guard::new(REALM, &self.username, &self.password, self.nonce_lifetime);
        let state = Arc::new(exchange::State { contract, answers, guard, log: self.log });
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
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

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

async fn serve(listener: TcpListener, state: Arc<exchange::State>) {
    // Owned here, so that stopping the server also ends its connections.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                connections.spawn(exchange::connection(stream, Arc::clone(&state)));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}
