//! `cargo bench --bench authenticated_call`: the time of one authenticated
//! `get_customer` call (Digest, headers, decoding into the typed envelope) against
//! the same GET sent with plain reqwest and no authentication, both to a local
//! server in the same run.

#[path = "../tests/support/mod.rs"]
mod support;

use minted_connect::prelude::*;
use minted_connect::{Client, IntoData};
use std::time::{Duration, Instant};
use support::{Challenges, PASSWORD, Reply, Server, USERNAME, recorded_body};

const CALLS: u32 = 2_000;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let body = recorded_body("get_customer/get-customer.json");
    let answer = body.clone();
    let digest = Server::digest(
        Challenges::Standard { md5_first: false },
        PASSWORD,
        Box::new(move |_| Reply::Json(200, answer.clone())),
    )
    .await;
    let open = Server::open(Box::new(move |_| Reply::Json(200, body.clone()))).await;

    let client = Client::builder().base_url(&digest.url).credentials(USERNAME, PASSWORD).build().unwrap();
    let plain = reqwest::Client::new();
    let plain_url = format!("{}/partner/customer/MTD0018232", open.url);

    let ours = best_of_three(|| async {
        client.get_customer().external_customer_id("MTD0018232").send().await.unwrap().into_data().unwrap();
    })
    .await;
    let baseline = best_of_three(|| async {
        plain.get(&plain_url).send().await.unwrap().bytes().await.unwrap();
    })
    .await;

    let per_call = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(CALLS);
    println!("plain reqwest, no auth:        {:.1} µs per call", per_call(baseline));
    println!("minted-connect, Digest, typed: {:.1} µs per call", per_call(ours));
    println!("ratio: {:.2}x the plain request", ours.as_secs_f64() / baseline.as_secs_f64());
    println!("requests to the Digest server: {} for {} calls", digest.requests(), 4 * CALLS);
}

/// The best of three runs of `CALLS` sequential calls, after one warm-up run.
async fn best_of_three<F, Fut>(call: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut best = Duration::MAX;
    for round in 0..4 {
        let started = Instant::now();
        for _ in 0..CALLS {
            call().await;
        }
        if round > 0 {
            best = best.min(started.elapsed());
        }
    }
    best
}
