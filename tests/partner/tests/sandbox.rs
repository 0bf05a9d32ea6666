//! A partner's test: a sandbox on port 0 inside this test's runtime, and a customer
//! read through the client. Nothing here knows where the spec or its recordings live.

use minted_connect::sandbox::{self, Sandbox};
use minted_connect::{Client, IntoData, prelude::*};

#[tokio::test]
async fn a_customer_is_read_from_the_sandbox() -> Result<(), Box<dyn std::error::Error>> {
    let running = Sandbox::default().log(|_| {}).start(([127, 0, 0, 1], 0).into()).await?;
    let client = Client::builder()
        .base_url(running.url())
        .credentials(sandbox::USERNAME, sandbox::PASSWORD)
        .build()?;
    let customer = client.get_customer().external_customer_id("MTD0018232").send().await.into_data()?;
    assert!(!customer.external_id.is_empty());
    Ok(())
}
