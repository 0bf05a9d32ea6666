//! `cargo bench --bench authenticated_call`: the time of one authenticated
//! `get_customer` call through the client (Digest, headers, the typed envelope),
//! against the fair baseline measured in the same run: the call a partner would write
//! by hand on plain reqwest, which answers the same Digest challenge itself (with the
//! same `http-auth` crate), sends the same headers, decodes the same body into the
//! same generated type, and sets the same timeouts (10 s to connect, 30 s in all). Each side has its own instance of the same local Digest server,
//! and the servers run on their own runtime thread, so their hashing is counted
//! against neither side.

#[path = "../tests/support/mod.rs"]
mod support;

use minted_connect::prelude::*;
use minted_connect::{Client, IntoData, types};
use reqwest::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use std::time::{Duration, Instant};
use support::{Challenges, PASSWORD, Reply, Server, USERNAME, recorded_body};

const CALLS: u32 = 2_000;
const ROUNDS: usize = 7;
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

    // Rounds alternate between the two, so that the machine's drift falls on both.
    let (mut ours, mut baseline) = (Vec::new(), Vec::new());
    for round in 0..=ROUNDS {
        let started = Instant::now();
        for _ in 0..CALLS {
            client
                .get_customer()
                .external_customer_id("MTD0018232")
                .send()
                .await
                .unwrap()
                .into_data()
                .unwrap();
        }
        let ours_round = started.elapsed();
        let started = Instant::now();
        for _ in 0..CALLS {
            std::hint::black_box(by_hand.call().await);
        }
        let baseline_round = started.elapsed();
        if round > 0 {
            ours.push(ours_round);
            baseline.push(baseline_round);
        }
    }
    let per_call = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(CALLS);
    let median = |mut rounds: Vec<Duration>| {
        rounds.sort();
        rounds[rounds.len() / 2]
    };
    let ratios: Vec<f64> =
        ours.iter().zip(&baseline).map(|(o, b)| o.as_secs_f64() / b.as_secs_f64()).collect();
    let mut sorted = ratios.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "by hand on reqwest, Digest, typed: {:.1} µs per call (median of {ROUNDS} rounds)",
        per_call(median(baseline))
    );
    println!("minted-connect, Digest, typed:     {:.1} µs per call", per_call(median(ours)));
    println!(
        "ratio: {:.2}x the hand-written call (median of the rounds' ratios; from {:.2} to {:.2})",
        sorted[sorted.len() / 2],
        sorted[0],
        sorted[sorted.len() - 1]
    );
}
