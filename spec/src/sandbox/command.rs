//! The sandbox as a command: its flags, their help, and starting it until Ctrl-C. One
//! definition for both `minted-sandbox` (the installed binary) and `cargo xtask
//! sandbox`, which passes its arguments through.

use super::builder::{PASSWORD, Sandbox, TOKEN_TTL, USERNAME};
use super::digest::DigestAlgorithms;
use super::faults::Fault;
use std::ffi::OsString;
use std::fmt::Display;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

/// The help `--help` prints: every flag [`run`] reads.
pub const HELP: &str = "\
Serve the Minted Connect API on this machine from the spec and its recordings (those
built into this command unless --spec and --recordings are given), until Ctrl-C.

Requests need HTTP Digest and are checked against the spec: an invalid one gets a 422
listing what is wrong. Customers, wallets, price fixes, trades, deliveries and orders
are simulated (spec/SANDBOX.md has the rules); the other operations answer with the
recording whose request matches best, or, where the docs showed no response, with one
shaped from the spec's schema. One line is logged per exchange.

--fault arms a fault on an operation, drawn per request from the seed: `lose` (done,
then the connection closed unanswered), `reset` (closed before anything is done), `503`
(a proxy's page with Retry-After, nothing done) or `delay` (answered after DURATION, 5s
or 250ms).

Options:
      --addr <ADDR>                 [default: 127.0.0.1:4010]
      --username <USERNAME>         [default: sandbox]
      --password <PASSWORD>         [default: sandbox]
      --nonce-lifetime <SECONDS>    Seconds a nonce is accepted before answers to it are
                                    refused as stale [default: 300]
      --spec <SPEC>                 An OpenAPI spec to serve instead of the built-in one
      --recordings <RECORDINGS>     A folder of recordings to answer from instead of the
                                    built-in ones
      --seed <SEED>                 Seeds the price feed, tokens and order codes: the same
                                    seed, the same numbers [default: 0]
      --token-ttl <SECONDS>         Seconds a price token stays valid: at most 315360000
                                    (ten years), or the sandbox does not start [default: 240]
      --digest-algorithm <md5|sha-256|both>
                                    The Digest challenges offered: both is MD5 first (what
                                    every common client answers), then SHA-256 [default: both]
      --state <FILE>                Keeps the state in FILE: every acknowledged change is
                                    saved before its answer, and a restart with the same
                                    FILE resumes it (a missing FILE starts fresh)
      --fault <OPERATION:KIND:PROBABILITY[:DURATION]>
                                    A fault on an operation (its operationId): buy:lose:0.3,
                                    buy:reset:0.1, buy:503:0.1, buy:delay:0.2:5s. Repeatable;
                                    an operation's probabilities add up to at most 1
  -h, --help                        Print this help
";

/// The command line, read.
struct Options {
    addr: SocketAddr,
    username: String,
    /// `None`: [`PASSWORD`], which the start line then names.
    password: Option<String>,
    nonce_lifetime: u64,
    digest_algorithms: DigestAlgorithms,
    spec: Option<PathBuf>,
    recordings: Option<PathBuf>,
    seed: u64,
    token_ttl: u64,
    faults: Vec<Fault>,
    state: Option<PathBuf>,
}

/// What the command line asks for.
enum Parsed {
    Run(Box<Options>),
    Help,
}

impl Options {
    /// Reads `--flag value` and `--flag=value` with lexopt; a mistake is one line saying what.
    fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Parsed, lexopt::Error> {
        use lexopt::prelude::*;
        let mut options = Options {
            addr: SocketAddr::from(([127, 0, 0, 1], 4010)),
            username: USERNAME.into(),
            password: None,
            nonce_lifetime: 300,
            digest_algorithms: DigestAlgorithms::Both,
            spec: None,
            recordings: None,
            seed: 0,
            token_ttl: TOKEN_TTL.as_secs(),
            faults: Vec::new(),
            state: None,
        };
        let mut parser = lexopt::Parser::from_args(args);
        while let Some(arg) = parser.next()? {
            match arg {
                Short('h') | Long("help") => return Ok(Parsed::Help),
                Long("addr") => options.addr = value(&mut parser, "--addr")?,
                Long("username") => options.username = parser.value()?.string()?,
                Long("password") => options.password = Some(parser.value()?.string()?),
                Long("nonce-lifetime") => options.nonce_lifetime = value(&mut parser, "--nonce-lifetime")?,
                Long("digest-algorithm") => {
                    options.digest_algorithms = value(&mut parser, "--digest-algorithm")?
                }
                Long("spec") => options.spec = Some(parser.value()?.into()),
                Long("recordings") => options.recordings = Some(parser.value()?.into()),
                Long("seed") => options.seed = value(&mut parser, "--seed")?,
                Long("token-ttl") => options.token_ttl = value(&mut parser, "--token-ttl")?,
                Long("state") => options.state = Some(parser.value()?.into()),
                Long("fault") => options.faults.push(value(&mut parser, "--fault")?),
                _ => return Err(arg.unexpected()),
            }
        }
        Ok(Parsed::Run(Box::new(options)))
    }

    fn sandbox(&self) -> Sandbox {
        let mut sandbox = Sandbox::default();
        if let Some(spec) = &self.spec {
            sandbox = sandbox.spec(spec);
        }
        if let Some(recordings) = &self.recordings {
            sandbox = sandbox.recordings(recordings);
        }
        if let Some(state) = &self.state {
            sandbox = sandbox.state_file(state);
        }
        sandbox
            .credentials(&self.username, self.password.as_deref().unwrap_or(PASSWORD))
            .nonce_lifetime(Duration::from_secs(self.nonce_lifetime))
            .digest_algorithms(self.digest_algorithms)
            .seed(self.seed)
            .token_ttl(Duration::from_secs(self.token_ttl))
            .faults(self.faults.iter().cloned())
    }
}

/// The next value, read as a `T`; a value that is not one names the flag.
fn value<T: FromStr>(parser: &mut lexopt::Parser, flag: &str) -> Result<T, lexopt::Error>
where
    T::Err: Display,
{
    use lexopt::prelude::*;
    parser.value()?.parse_with(|text| text.parse::<T>().map_err(|e| format!("{flag}: {e}")))
}

/// Runs the sandbox command on `args` (without the program's name): serves until the
/// process is stopped. Exit status 2 for a command line it cannot read, 1 when the
/// sandbox cannot start; `--help` prints the flags.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let options = match Options::parse(args) {
        Ok(Parsed::Run(options)) => options,
        Ok(Parsed::Help) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("error: {error} (--help lists the flags)");
            return ExitCode::from(2);
        }
    };
    // One thread serves a sandbox; a long body's check goes to the blocking pool.
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let running = match options.sandbox().start(options.addr).await {
            Ok(running) => running,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
        let sources = running.sources();
        // The password is never printed, only whether it is the default.
        let password = if options.password.is_some() { "as given" } else { "sandbox" };
        eprintln!(
            "sandbox on {} (username {:?}, password {password}, seed {}); operations answered: \
             {} from its state, {} from recordings, {} shaped from the schema; Ctrl-C stops it",
            running.url(),
            options.username,
            options.seed,
            sources.simulated,
            sources.recorded,
            sources.shaped,
        );
        for fault in &options.faults {
            eprintln!("fault armed: {fault}");
        }
        // Ctrl-C's default action ends the process; nothing here needs to outlive it.
        std::future::pending::<ExitCode>().await
    })
}
