//! Fetches one customer with the configuration from the environment:
//!
//! ```sh
//! MINTED_BASE_URL=... MINTED_USERNAME=... MINTED_PASSWORD=... \
//!     cargo run --example get_customer -- [--repeat 50] EXTERNAL_ID
//! ```
//!
//! With `--repeat N` it makes N calls on one client and prints the time per call.

use clap::Parser;
use minted_connect::prelude::*;
use minted_connect::{Client, Error, IntoData};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
struct Args {
    /// Calls to make on one client.
    #[arg(long, default_value_t = 1)]
    repeat: u32,
    /// The partner's id for the customer.
    external_id: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Error> {
    let client = Client::from_env()?;
    let started = Instant::now();
    let mut customer = None;
    for _ in 0..args.repeat.max(1) {
        let response = client.get_customer().external_customer_id(args.external_id.as_str()).send().await?;
        customer = Some(response.into_data()?);
    }
    let elapsed = started.elapsed();
    let shown = serde_json::to_string_pretty(&customer).map_err(|e| Error::Config(e.to_string()))?;
    println!("{shown}");
    if args.repeat > 1 {
        let per_call = elapsed.as_secs_f64() * 1000.0 / f64::from(args.repeat);
        println!("{} calls in {elapsed:.2?}: {per_call:.2} ms per call", args.repeat);
    }
    Ok(())
}
