//! Retries against the scripted server, on tokio's paused clock: the retry waits
//! pass in virtual time, so no test sleeps, and the time a call took is exact. The
//! clients send through `support::untimed_http`, which says why.

mod support;

use minted_connect::prelude::*;
use minted_connect::{Client, Error, IntoData, RetryPolicy, TransportKind, types};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support::{Challenges, PASSWORD, Refusing, Reply, Seen, Server, USERNAME, recorded_body, untimed_http};
use tokio::time::Instant;

fn client(server: &Server, policy: RetryPolicy) -> Client {
    Client::builder()
        .base_url(&server.url)
        .credentials(USERNAME, PASSWORD)
        .http_client(untimed_http().build().unwrap())
        .retry(policy)
        .build()
        .unwrap()
}

fn unavailable(extra_headers: Vec<(String, String)>) -> Reply {
    Reply::Raw {
        status: 503,
        content_type: "text/html",
        body: "<h1>Down for maintenance</h1>".into(),
        extra_headers,
    }
}

/// A Digest server whose authenticated requests get `script(n)` for the n-th one (from 0).
async fn scripted(
    script: impl Fn(usize, &Seen) -> Reply + Send + Sync + 'static,
) -> (Server, Arc<AtomicUsize>) {
    let answered = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&answered);
    let handler = move |seen: &Seen| script(counter.fetch_add(1, Ordering::SeqCst), seen);
    (Server::digest(Challenges::Standard { md5_first: false }, PASSWORD, Box::new(handler)).await, answered)
}

async fn get_customer(client: &Client) -> Result<types::CustomerWithWallets, Error> {
    client.get_customer().external_customer_id("MTD0018232").send().await.into_data()
}

async fn price_fix(client: &Client) -> Result<types::PriceFix, Error> {
    let body =
        types::PriceFixRequest::builder().type_("digital").customer_external_id(Some("MTD0018232".into()));
    client.price_fix().body(body).send().await.into_data()
}

#[tokio::test(start_paused = true)]
async fn a_get_meeting_two_503s_then_a_200_succeeds_in_three_requests() {
    let (server, answered) = scripted(|n, _| match n {
        0 | 1 => unavailable(vec![]),
        _ => Reply::Json(200, recorded_body("get_customer/get-customer.json")),
    })
    .await;
    let started = Instant::now();
    let customer = get_customer(&client(&server, RetryPolicy::default())).await.unwrap();
    assert_eq!(customer.external_id, "test0101010", "the recorded customer");
    assert_eq!(answered.load(Ordering::SeqCst), 3, "three authenticated requests");
    assert_eq!(server.requests(), 4, "and the first contact's challenge, which is no retry");
    // Full jitter: each wait is at most its ceiling, 200 ms then 400 ms.
    assert!(started.elapsed() <= Duration::from_millis(600), "{:?}", started.elapsed());
}

#[tokio::test(start_paused = true)]
async fn a_get_stops_after_the_policys_retries_and_stays_retryable() {
    let (server, answered) = scripted(|_, _| unavailable(vec![])).await;
    let error = get_customer(&client(&server, RetryPolicy::default())).await.unwrap_err();
    assert_eq!(answered.load(Ordering::SeqCst), 3, "the first attempt and 2 retries");
    assert!(matches!(error, Error::UnexpectedResponse { status: 503, .. }), "{error:?}");
    assert!(error.is_retryable(), "a caller may try again later");
    assert_eq!(error.status(), Some(503));
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured() {
    let (server, answered) = scripted(|n, _| match n {
        1 => unavailable(vec![("Retry-After".into(), "2".into())]),
        _ => Reply::Json(200, recorded_body("get_customer/get-customer.json")),
    })
    .await;
    let client = client(&server, RetryPolicy::default());
    get_customer(&client).await.unwrap(); // the first challenge, out of the timing
    let started = Instant::now();
    get_customer(&client).await.unwrap();
    assert_eq!(answered.load(Ordering::SeqCst), 3);
    assert_eq!(started.elapsed(), Duration::from_secs(2), "exactly the server's wait, in virtual time");
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_beyond_the_limit_ends_the_call() {
    let (server, answered) = scripted(|_, _| unavailable(vec![("Retry-After".into(), "120".into())])).await;
    let started = Instant::now();
    let error = get_customer(&client(&server, RetryPolicy::default())).await.unwrap_err();
    assert_eq!(answered.load(Ordering::SeqCst), 1);
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert!(error.is_retryable());
}

/// Too many seconds for any clock (`u64` overflows): longer than any limit, so the
/// call ends with the failure instead of retrying after the backoff.
#[tokio::test(start_paused = true)]
async fn a_retry_after_too_large_to_read_ends_the_call() {
    let huge = || unavailable(vec![("Retry-After".into(), "99999999999999999999".into())]);
    let (server, answered) = scripted(move |_, _| huge()).await;
    let started = Instant::now();
    let error = get_customer(&client(&server, RetryPolicy::default())).await.unwrap_err();
    assert_eq!(answered.load(Ordering::SeqCst), 1, "one request, no retry");
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert!(matches!(error, Error::UnexpectedResponse { status: 503, .. }), "{error:?}");
    assert!(error.is_retryable(), "a caller may still try again later");
}

#[tokio::test(start_paused = true)]
async fn a_429_with_the_apis_envelope_is_retried_for_a_get_only() {
    let too_many = || {
        Reply::Json(429, r#"{"success":false,"code":429,"message":"Too Many Attempts.","data":null}"#.into())
    };
    let (server, answered) = scripted(move |n, seen| match (seen.method.as_str(), n) {
        ("GET", 0) | ("POST", _) => too_many(),
        _ => Reply::Json(200, recorded_body("get_customer/get-customer.json")),
    })
    .await;
    let client = client(&server, RetryPolicy::default());
    get_customer(&client).await.unwrap();
    assert_eq!(answered.load(Ordering::SeqCst), 2);

    let error = price_fix(&client).await.unwrap_err();
    assert_eq!(answered.load(Ordering::SeqCst), 3, "the POST is sent once");
    assert_eq!((error.status(), error.api_code()), (Some(429), Some(429)));
    assert!(!error.is_retryable(), "a POST answered by the server may have taken effect");
}

#[tokio::test(start_paused = true)]
async fn a_post_meeting_a_reset_after_sending_is_not_retried() {
    let (server, answered) = scripted(|_, _| Reply::Reset).await;
    let error = price_fix(&client(&server, RetryPolicy::default())).await.unwrap_err();
    assert_eq!(answered.load(Ordering::SeqCst), 1, "the POST reached the server once");
    assert!(matches!(error, Error::Transport { kind: TransportKind::Interrupted, .. }), "{error:?}");
    assert!(!error.is_retryable() && !error.is_connect() && !error.is_timeout());
}

#[tokio::test(start_paused = true)]
async fn a_get_meeting_a_reset_is_retried() {
    let (server, answered) = scripted(|n, _| match n {
        0 => Reply::Reset,
        _ => Reply::Json(200, recorded_body("get_customer/get-customer.json")),
    })
    .await;
    get_customer(&client(&server, RetryPolicy::default())).await.unwrap();
    assert_eq!(answered.load(Ordering::SeqCst), 2);
}

async fn refusing_client(refusals: usize, policy: RetryPolicy) -> (Server, Client) {
    failing_client(refusals, false, policy).await
}

async fn failing_client(refusals: usize, unresolved: bool, policy: RetryPolicy) -> (Server, Client) {
    let server =
        Server::open(Box::new(|_| Reply::Json(200, recorded_body("price_fix/from-amount.json")))).await;
    let addr: SocketAddr = server.url.trim_start_matches("http://").parse().unwrap();
    let resolver = Arc::new(Refusing::new(addr, refusals, unresolved));
    let http = untimed_http().dns_resolver(resolver).build().unwrap();
    let url = format!("http://minted.test:{}", addr.port());
    (server, Client::builder().base_url(url).http_client(http).retry(policy).build().unwrap())
}

#[tokio::test(start_paused = true)]
async fn a_post_whose_host_does_not_resolve_is_retried() {
    let (server, client) = failing_client(2, true, RetryPolicy::default()).await;
    price_fix(&client).await.unwrap();
    assert_eq!(server.requests(), 1);

    let (_, client) = failing_client(3, true, RetryPolicy::default()).await;
    let error = price_fix(&client).await.unwrap_err();
    assert!(error.is_connect() && error.is_retryable(), "{error:?}");
}

#[tokio::test(start_paused = true)]
async fn a_post_refused_at_connect_is_retried() {
    let (server, client) = refusing_client(1, RetryPolicy::default()).await;
    price_fix(&client).await.unwrap();
    assert_eq!(server.requests(), 1, "the one POST that was sent");

    let (server, client) = refusing_client(3, RetryPolicy::default()).await;
    let error = price_fix(&client).await.unwrap_err();
    assert_eq!(server.requests(), 0);
    assert!(error.is_connect() && error.is_retryable(), "{error:?}");
    assert!(matches!(error, Error::Transport { kind: TransportKind::Connect, .. }));
}

#[tokio::test(start_paused = true)]
async fn with_the_policy_off_every_failure_is_returned_as_it_happens() {
    let (server, answered) = scripted(|_, _| unavailable(vec![])).await;
    let started = Instant::now();
    let error = get_customer(&client(&server, RetryPolicy::none())).await.unwrap_err();
    assert_eq!(answered.load(Ordering::SeqCst), 1);
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert!(error.is_retryable(), "retryable by nature; the policy chose not to");

    let (server, client) = refusing_client(1, RetryPolicy::none()).await;
    assert!(price_fix(&client).await.unwrap_err().is_connect());
    assert_eq!(server.requests(), 0);
}
