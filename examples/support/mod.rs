//! Shared by the examples that run against a sandbox when no server is configured:
//! the client for `MINTED_*`, or for a sandbox started in the example's process.

use minted_connect::sandbox::{self, Sandbox};
use minted_connect::{Client, ClientInfo, Variable};
use std::error::Error;

/// The client for `MINTED_BASE_URL` if it is set, else for a sandbox started here
/// (held to the end: dropping it stops the sandbox). `MINTED_RECORD` records either way.
pub async fn connect() -> Result<(Client, Option<sandbox::Running>), Box<dyn Error>> {
    if Variable::BaseUrl.read().is_some() {
        let client = Client::from_env()?;
        println!("Against {}", client.baseurl());
        return Ok((client, None));
    }
    let running = Sandbox::default().log(|_| {}).start(([127, 0, 0, 1], 0).into()).await?;
    println!("No MINTED_BASE_URL: against the sandbox on {}, which simulates the platform", running.url());
    println!("(seed 0; its rules, where the docs are silent, are in spec/SANDBOX.md)");
    let mut builder =
        Client::builder().base_url(running.url()).credentials(sandbox::USERNAME, sandbox::PASSWORD);
    if let Some(dir) = Variable::Record.read() {
        builder = builder.record(dir);
    }
    Ok((builder.build()?, Some(running)))
}
