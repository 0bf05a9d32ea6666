//! `cargo xtask`: maintenance commands for the spec and its recordings.
//! The spec checks (`cargo xtask verify`) arrive with the next issue.

use std::process::ExitCode;

fn main() -> ExitCode {
    match std::env::args().nth(1).as_deref() {
        None | Some("help" | "--help" | "-h") => {
            println!("usage: cargo xtask <command>\n\nno commands yet");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("cargo xtask: unknown command {other:?}");
            ExitCode::from(2)
        }
    }
}
