//! The documented trading flow, end to end: create a customer, read it back with its
//! wallets, fix prices, buy gold with the price token, sell some back, read the order.
//!
//! ```sh
//! cargo run --example quickstart --features sandbox   # against a sandbox started in this process
//! MINTED_BASE_URL=... MINTED_USERNAME=... MINTED_PASSWORD=... cargo run --example quickstart --features sandbox
//! MINTED_RECORD=target/recorded cargo run --example quickstart --features sandbox   # and record every exchange
//! RUST_LOG=minted_connect=debug cargo run --example quickstart --features sandbox    # and show each call's span
//! ```

mod support;

use minted_connect::prelude::*;
use minted_connect::{Client, IntoData, types};
use rust_decimal::Decimal;
use std::error::Error;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[tokio::main]
async fn main() -> ExitCode {
    // Quiet unless RUST_LOG asks (errors only by default), on stderr; a call's span is
    // printed as it closes, when it holds its attempts, status and latency.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(std::io::stderr)
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn Error>> {
    // Held to the end: dropping it stops the sandbox.
    let (client, _sandbox) = support::connect().await?;
    let unique = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let customer_id = format!("QS{unique}");

    println!("1. Create customer {customer_id}");
    let created = client
        .create_customer()
        .body(
            types::CreateCustomerRequest::builder()
                .external_id(customer_id.as_str())
                .firstname(Some("Ada".parse()?))
                .lastname(Some("Lovelace".parse()?))
                .email(Some("customer@example.com".to_string())),
        )
        .send()
        .await
        .into_data()?;
    println!("   created {} ({})", created.fullname.as_deref().unwrap_or("-"), created.external_id);

    println!("2. Read it back with its wallets");
    let customer =
        client.get_customer().external_customer_id(customer_id.as_str()).send().await.into_data()?;
    for wallet in &customer.wallets {
        println!(
            "   {:<18} {:>8} {}",
            wallet.name.as_deref().unwrap_or("-"),
            wallet.balance.unwrap_or_default(),
            wallet.currency_code.as_deref().unwrap_or("")
        );
    }

    println!("3. Fix prices");
    let fix = client
        .price_fix()
        .body(
            types::PriceFixRequest::builder()
                .type_("digital")
                .customer_external_id(Some(customer_id.clone())),
        )
        .send()
        .await
        .into_data()?;
    let token = PriceToken { token: fix.token.clone(), until: Instant::now() + secs(fix.expire_ttl) };
    let gold = fix.prices.iter().find(|p| p.sku.as_deref() == Some("GAU")).ok_or("no gold (GAU) price")?;
    let (buy_price, sell_price) = (gold.buy_price.unwrap_or_default(), gold.sell_price.unwrap_or_default());
    println!(
        "   gold: buy {buy_price} {}, sell {sell_price}; token valid {} s",
        fix.currency, fix.expire_ttl
    );

    let bought_grams = Decimal::from(2);
    println!("4. Buy {bought_grams} g of gold with the price token");
    let order_id = format!("QS{unique}-BUY");
    let bought = client
        .buy()
        .body(
            types::BuyRequest::builder()
                .price_token(Some(token.fresh()?.to_string()))
                .external_id(Some(order_id.clone()))
                .customer(
                    types::OrderCustomer::builder()
                        .external_id(customer_id.as_str())
                        .firstname("Ada")
                        .lastname("Lovelace")
                        .email("customer@example.com")
                        .phone("+440000000000")
                        .identity_number("00000000000"),
                )
                .items(vec![types::BuyItem {
                    product_id: gold.product_id,
                    amount: Some(bought_grams),
                    sku: None,
                }]),
        )
        .send()
        .await
        .into_data()?;
    println!(
        "   order {}: {bought_grams} g x {buy_price} = {} {}",
        bought.order_code.join(", "),
        bought.total,
        fix.currency
    );
    println!("   wallets: {}", balances(&client, &customer_id).await?);

    let sold_grams = Decimal::new(5, 1);
    println!("5. Sell {sold_grams} g back");
    let sold = client
        .sell()
        .body(
            types::SellRequest::builder()
                .price_token(token.fresh()?)
                .external_id(format!("QS{unique}-SELL"))
                .items(vec![types::SellItem { sku: "GAU".into(), amount: sold_grams }]),
        )
        .send()
        .await
        .into_data()?;
    println!(
        "   order {}: {sold_grams} g x {sell_price} = {} {}",
        sold.order_code.join(", "),
        sold.total,
        fix.currency
    );
    println!("   wallets: {}", balances(&client, &customer_id).await?);

    println!("6. Read the order {order_id}");
    let order = client.get_order().external_order_id(order_id.as_str()).send().await.into_data()?;
    for item in &order.items {
        println!(
            "   {} {}: {} g of {} at {}, total {} {}",
            order.order_code,
            order.status_name.as_ref().map_or("", |status| status.as_str()),
            item.amount.unwrap_or_default(),
            item.sku.as_deref().unwrap_or("-"),
            item.price.unwrap_or_default(),
            order.total.unwrap_or_default(),
            order.currency_code.as_deref().unwrap_or("")
        );
    }
    Ok(())
}

/// The customer's non-zero balances, cash included, in one line.
async fn balances(client: &Client, customer_id: &str) -> Result<String, Box<dyn Error>> {
    let balances =
        client.get_customer_balance().customer_external_id(customer_id).send().await.into_data()?;
    let held: Vec<String> = balances
        .iter()
        .filter(|b| !b.balance.is_zero() || b.is_cash)
        .map(|b| format!("{} {}", b.currency_code, b.balance))
        .collect();
    Ok(held.join(", "))
}

struct PriceToken {
    token: String,
    until: Instant,
}

impl PriceToken {
    /// The token while its TTL lasts; an order quoting an expired one would be refused.
    fn fresh(&self) -> Result<&str, String> {
        match self.until.checked_duration_since(Instant::now()) {
            Some(left) if !left.is_zero() => Ok(&self.token),
            _ => Err("the price token has expired; fix prices again".into()),
        }
    }
}

fn secs(ttl: i64) -> Duration {
    Duration::from_secs(u64::try_from(ttl).unwrap_or(0))
}
