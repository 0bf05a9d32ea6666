//! Places COUNT buys of AMOUNT grams of gold for a customer through the safe placement
//! (`Client::place_buy`): an order whose answer is lost is looked up by its
//! `external_id` (PREFIX-0 … PREFIX-(COUNT-1)) before it is ever sent again. Prices are
//! fixed again whenever the token runs low. The last line counts the outcomes:
//! `placed=N by_lookup=M resent=R unknown=U`.
//!
//! ```sh
//! # against a sandbox started in this process, which creates the customer if it is new:
//! cargo run --example place_orders --features sandbox -- --customer PLACE-DEMO --count 5 --amount 0.01
//! # against MINTED_BASE_URL with MINTED_USERNAME and MINTED_PASSWORD (the customer must exist):
//! cargo run --example place_orders --features sandbox -- --customer C --prefix P --count 5 --amount 0.01
//! RUST_LOG=minted_connect::place=info cargo run --example place_orders --features sandbox -- --customer C   # and each step
//! # against `cargo xtask sandbox --seed 7 --fault buy:lose:0.3 ...`, looking up every 0.2 s:
//! cargo run --example place_orders --features sandbox -- --customer C --prefix P --count 200 --lookup-interval 0.2 --max-sends 5
//! ```

mod support;

use clap::Parser;
use minted_connect::place::{PlacementPolicy, Resolution, token_expiry};
use minted_connect::prelude::*;
use minted_connect::{Client, Error, IntoData, types};
use rust_decimal::Decimal;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::time::Instant;

/// A token with less life left than this is replaced before the next order: a
/// placement whose answer is lost may look up for a minute before it resends.
const REFIX_BELOW: Duration = Duration::from_secs(90);

#[derive(Parser)]
#[command(about = "Places buys of gold safely, against MINTED_BASE_URL or a sandbox started in-process")]
struct Args {
    /// The buying customer's external id.
    #[arg(long)]
    customer: String,
    /// The orders' external ids are PREFIX-0, PREFIX-1, ... [default: P and the Unix time]
    #[arg(long)]
    prefix: Option<String>,
    /// How many orders.
    #[arg(long, default_value_t = 5)]
    count: u32,
    /// Grams of gold per order.
    #[arg(long, default_value = "0.01")]
    amount: Decimal,
    /// Seconds between lookups of an order whose answer was lost [default: the
    /// client's, 30]. A sandbox shows an order at once, so a test may look sooner.
    #[arg(long)]
    lookup_interval: Option<f64>,
    /// Sends of one order at most, the first included [default: the client's, 3].
    #[arg(long)]
    max_sends: Option<u32>,
}

/// How the placements ended.
#[derive(Default)]
struct Tally {
    placed: u32,
    by_lookup: u32,
    resent: u32,
    unknown: u32,
    /// Refused, or never sent: placed nothing.
    not_placed: u32,
}

#[tokio::main]
async fn main() -> ExitCode {
    // Quiet unless RUST_LOG asks, on stderr.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let mut tally = Tally::default();
    let ended = run(&args, &mut tally).await;
    if let Err(error) = &ended {
        eprintln!("error: {error}");
    }
    println!(
        "placed={} by_lookup={} resent={} unknown={}",
        tally.placed, tally.by_lookup, tally.resent, tally.unknown
    );
    let all_placed = ended.is_ok() && tally.unknown == 0 && tally.not_placed == 0;
    if all_placed { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

async fn run(args: &Args, tally: &mut Tally) -> Result<(), Box<dyn std::error::Error>> {
    // Held to the end: dropping it stops the sandbox.
    let (client, sandbox) = support::connect().await?;
    let customer = customer(&client, &args.customer, sandbox.is_some()).await?;
    let prefix = match &args.prefix {
        Some(prefix) => prefix.clone(),
        None => format!("P{}", SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs()),
    };
    let mut policy = PlacementPolicy::default();
    if let Some(seconds) = args.lookup_interval {
        policy = policy.lookup_interval(Duration::try_from_secs_f64(seconds)?);
    }
    if let Some(sends) = args.max_sends {
        policy = policy.max_sends(sends);
    }
    let mut fix = price_fix(&client, &args.customer).await?;
    for n in 0..args.count {
        if fix.1.saturating_duration_since(Instant::now()) < REFIX_BELOW {
            fix = price_fix(&client, &args.customer).await?;
        }
        let (token, expires) = (&fix.0, fix.1);
        let external_id = format!("{prefix}-{n}");
        let request = types::BuyRequest::builder()
            .price_token(Some(token.clone()))
            .external_id(Some(external_id.clone()))
            .customer(order_customer(&customer))
            .items(vec![types::BuyItem {
                sku: Some("GAU".into()),
                product_id: None,
                amount: Some(args.amount),
            }]);
        match client.place_buy(request, expires).policy(policy.clone()).send().await {
            Ok(placed) => {
                tally.placed += 1;
                tally.by_lookup += u32::from(placed.resolution() == Resolution::ByLookup);
                tally.resent += u32::from(placed.resent());
                println!(
                    "{external_id}: placed ({:?}; {} send(s), {} lookup(s))",
                    placed.resolution(),
                    placed.sends,
                    placed.lookups
                );
            }
            Err(error) if error.outcome_unknown().is_some() => {
                tally.unknown += 1;
                println!("{external_id}: {error}");
            }
            Err(error) => {
                tally.not_placed += 1;
                println!("{external_id}: not placed: {error}");
            }
        }
    }
    Ok(())
}

/// The customer's profile; created first in the sandbox when it is new.
async fn customer(
    client: &Client,
    id: &str,
    sandbox: bool,
) -> Result<types::CustomerWithWallets, Box<dyn std::error::Error>> {
    let read = || client.get_customer().external_customer_id(id).send();
    match read().await.into_data() {
        Err(Error::Api { .. }) if sandbox => {
            let new = types::CreateCustomerRequest::builder()
                .external_id(id)
                .firstname(Some("Ada".parse()?))
                .lastname(Some("Lovelace".parse()?))
                .email(Some("customer@example.com".to_string()));
            client.create_customer().body(new).send().await.into_data()?;
            println!("created the sandbox's customer {id}");
            Ok(read().await.into_data()?)
        }
        read => Ok(read?),
    }
}

/// A price token for the customer, and when it runs out.
async fn price_fix(client: &Client, customer: &str) -> Result<(String, Instant), Error> {
    let request =
        types::PriceFixRequest::builder().type_("digital").customer_external_id(Some(customer.into()));
    let fix = client.price_fix().body(request).send().await.into_data()?;
    Ok((fix.token.clone(), token_expiry(&fix)))
}

/// The order's customer as the platform holds them.
fn order_customer(profile: &types::CustomerWithWallets) -> types::builder::OrderCustomer {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    types::OrderCustomer::builder()
        .external_id(profile.external_id.clone())
        .firstname(text(&profile.firstname))
        .lastname(text(&profile.lastname))
        .email(text(&profile.email))
        .phone(profile.phone.clone())
        .identity_number(text(&profile.identity_number))
}
