//! The README's "Mocks for your tests" example, run as written there: the README
//! shows it as `rust,ignore` because a doctest cannot depend on a feature, and
//! `the_readme_shows_this_example` keeps the two the same.

#![cfg(feature = "mock")]

use httpmock::MockServer;
use minted_connect::mock::MockServerExt;
use minted_connect::{Client, IntoData, prelude::*, types};

#[tokio::test]
async fn prices_come_from_the_mock() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start_async().await;
    let request = types::PriceFixRequest {
        type_: "digital".into(),
        customer_external_id: Some("MTD0018232".into()),
        total: None,
        currency: None,
    };
    let response: types::PriceFixEnvelope = serde_json::from_value(serde_json::json!({
        "success": true, "code": 0, "message": "",
        "data": {
            "token": "t85QBvvn1GHeOslKuiJm7CF0M0lpwU26", "expire_ttl": 239,
            "expires_at": "2024-12-05T18:43:32+03:00", "is_total_price": false, "currency": "TRY",
            "prices": [{ "sku": "GAU", "buy_price": 2889.71, "sell_price": 2857.4 }]
        }
    }))?;
    let price_fix = server.price_fix(|when, then| {
        when.x_client_id("web").body(&request);
        then.ok(&response);
    });

    // The mock never challenges, so the client's first, unauthenticated request is answered.
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials("partner-user", "partner-password")
        .build()?;
    let fix = client.price_fix().body(request.clone()).send().await?.into_data()?;

    assert_eq!(fix.token, "t85QBvvn1GHeOslKuiJm7CF0M0lpwU26");
    assert_eq!(fix.prices[0].buy_price, "2889.71".parse().ok());
    price_fix.assert_async().await;
    Ok(())
}

#[test]
fn the_readme_shows_this_example() {
    let readme = include_str!("../README.md");
    let section = readme.split("## Mocks for your tests").nth(1).expect("the README has the section");
    let example = section
        .split("```rust,ignore\n")
        .nth(1)
        .and_then(|block| block.split("```").next())
        .expect("the section has a rust,ignore block");
    assert!(include_str!("mock.rs").contains(example), "README example and tests/mock.rs differ");
}
