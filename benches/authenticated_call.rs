//! `cargo bench --bench authenticated_call`: the time of one authenticated
//! `get_customer` call through the client (Digest, headers, the typed envelope),
//! against the fair baseline measured in the same run: the call a partner would write
//! by hand on plain reqwest, which answers the same Digest challenge itself (with the
//! same `http-auth` crate), sends the same headers, decodes the same body into the
//! same generated type, and sets the same timeouts (10 s to connect, 30 s in all).
//! Each side has its own instance of the same local Digest server, and the servers
//! run on their own runtime thread, so their hashing is counted against neither side.
//! Prints the median call of each side and their ratio.

#[path = "../tests/support/mod.rs"]
mod support;

use minted_connect::prelude::*;
use minted_connect::{Client, IntoData, types};
use reqwest::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use std::time::{Duration, Instant};
use support::{Challenges, PASSWORD, Reply, Server, USERNAME, recorded_body};

const CALLS: usize = 1_000;
const REPEATS: usize = 15;
const PATH: &str = "/partner/customer/MTD0018232";

/// Two Digest servers answering the recorded customer, on a runtime of their own.
fn servers() -> (String, String) {
    let (sender, urls) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().expect("a runtime for the servers");
        runtime.block_on(async move {
            let mut started = Vec::new();
            for _ in 0..2 {
                let body = recorded_body("get_customer/get-customer.json");
                let handler = Box::new(move |_: &support::Seen| Reply::Json(200, body.clone()));
                started
                    .push(Server::digest(Challenges::Standard { md5_first: false }, PASSWORD, handler).await);
            }
            sender.send((started[0].url.clone(), started[1].url.clone())).expect("the bench waits");
            std::future::pending::<()>().await;
        });
    });
    urls.recv().expect("the servers start")
}

/// The hand-written call: a challenge taken once, then each request answered up
/// front with a rising nonce count, the API's headers, and the typed decode.
struct ByHand {
    http: reqwest::Client,
    url: String,
    digest: http_auth::PasswordClient,
}

impl ByHand {
    async fn new(base: &str) -> ByHand {
        // The timeouts a production call sets, as the client's defaults do: each costs
        // a timer per request, on both sides alike.
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()
            .expect("a reqwest client");
        let url = format!("{base}{PATH}");
        let challenged = http.get(&url).send().await.expect("the server answers");
        let mut digest = http_auth::PasswordClient::builder();
        for challenge in challenged.headers().get_all(WWW_AUTHENTICATE) {
            digest = digest.challenges(challenge.to_str().expect("a text header"));
        }
        ByHand { http, url, digest: digest.build().expect("a Digest challenge") }
    }

    async fn call(&mut self) -> types::CustomerWithWallets {
        let params = http_auth::PasswordParams {
            username: USERNAME,
            password: PASSWORD,
            uri: PATH,
            method: "GET",
            body: None,
        };
        let authorization = self.digest.respond(&params).expect("an answer");
        let response = self
            .http
            .get(&self.url)
            .header("api-version", "2")
            .header("x-client-id", "web")
            .header("accept-language", "tr")
            .header(AUTHORIZATION, authorization)
            .send()
            .await
            .expect("the call");
        assert_eq!(response.status(), 200);
        let body = response.bytes().await.expect("the body");
        serde_json::from_slice::<types::CustomerWithWalletsEnvelope>(&body).expect("the envelope").data
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (ours_url, baseline_url) = servers();
    let client = Client::builder().base_url(&ours_url).credentials(USERNAME, PASSWORD).build().unwrap();
    let mut by_hand = ByHand::new(&baseline_url).await;
    let ours_call = || async {
        client.get_customer().external_customer_id("MTD0018232").send().await.unwrap().into_data().unwrap()
    };

    // The two sides take turns call by call, so that the machine's drift falls on both
    // alike; each repeat compares the median call of each side, which a stray pause
    // of the scheduler does not move.
    let mut repeats = Vec::new();
    for repeat in 0..=REPEATS {
        let (mut ours, mut baseline) = (Vec::with_capacity(CALLS), Vec::with_capacity(CALLS));
        for _ in 0..CALLS {
            let started = Instant::now();
            std::hint::black_box(ours_call().await);
            ours.push(started.elapsed());
            let started = Instant::now();
            std::hint::black_box(by_hand.call().await);
            baseline.push(started.elapsed());
        }
        // The first repeat warms both up.
        if repeat > 0 {
            repeats.push((median(ours), median(baseline)));
        }
    }
    let micros = |d: Duration| d.as_secs_f64() * 1e6;
    let mut ratios: Vec<f64> = repeats.iter().map(|(o, b)| o.as_secs_f64() / b.as_secs_f64()).collect();
    ratios.sort_by(f64::total_cmp);
    println!(
        "by hand on reqwest, Digest, typed: {:.1} µs per call (median of {REPEATS} repeats of {CALLS} calls)",
        micros(median(repeats.iter().map(|r| r.1).collect()))
    );
    println!(
        "minted-connect, Digest, typed:     {:.1} µs per call",
        micros(median(repeats.iter().map(|r| r.0).collect()))
    );
    println!(
        "ratio: {:.3}x the hand-written call (median of the repeats' ratios; from {:.3} to {:.3})",
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1]
    );
}

fn median(mut durations: Vec<Duration>) -> Duration {
    durations.sort();
    durations[durations.len() / 2]
}
