//! `cargo xtask`: maintenance commands for the spec and its recordings.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use xtask::verify;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Maintenance commands for the Minted Connect spec"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check recorded exchanges (our recordings or HAR 1.2 files) against the spec.
    ///
    /// Exit status: 0 when everything conforms, 1 on any error finding, 2 when the spec
    /// or a recording cannot be read at all.
    Verify {
        /// The OpenAPI spec [default: spec/minted-connect.yaml]
        #[arg(long)]
        spec: Option<PathBuf>,
        /// Treat undocumented fields, parameters and bodies as errors, not warnings.
        #[arg(long)]
        strict: bool,
        /// `json` prints the findings and the summary as one JSON document, for other tools.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// A host whose HAR entries count as this API's, besides the spec's servers
        /// (a production host, say). Repeatable.
        #[arg(long = "host", value_name = "HOST")]
        hosts: Vec<String>,
        /// Recording files, HAR files, or directories of them [default: spec/recordings]
        paths: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Verify { spec, strict, format, hosts, paths } => {
            let paths = if paths.is_empty() { vec![in_workspace("spec/recordings")] } else { paths };
            let spec = spec.unwrap_or_else(|| in_workspace("spec/minted-connect.yaml"));
            let report = match verify::run(&verify::Options { spec, paths, strict, hosts }) {
                Ok(report) => report,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            match format {
                Format::Text => print!("{}", report.text()),
                Format::Json => {
                    println!("{}", serde_json::to_string_pretty(&report).expect("findings serialize"))
                }
            }
            ExitCode::from(report.exit_code())
        }
    }
}

/// A default path, found from the workspace root and shown relative to where we run.
fn in_workspace(relative: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace");
    let path = root.join(relative);
    match std::env::current_dir() {
        Ok(cwd) => path.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(path),
        Err(_) => path,
    }
}
