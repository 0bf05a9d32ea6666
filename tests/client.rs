//! The configured client against a local server: Digest round trips, the headers
//! every call carries, and the typed error each failure ends in.

mod support;

use minted_connect::prelude::*;
use minted_connect::{AuthFailure, Client, Error, IntoData, RetryPolicy, TransportKind, types};
use std::time::Duration;
use support::{Challenges, PASSWORD, Reply, Seen, Server, USERNAME, recorded_body};

fn customer_body() -> String {
    recorded_body("get_customer/get-customer.json")
}

fn price_fix_body() -> String {
    recorded_body("price_fix/from-amount.json")
}

/// The recorded customer for GETs, the recorded price fix for POSTs.
fn recorded(seen: &Seen) -> Reply {
    match seen.method.as_str() {
        "POST" => Reply::Json(200, price_fix_body()),
        _ => Reply::Json(200, customer_body()),
    }
}

async fn digest_server(handler: fn(&Seen) -> Reply) -> Server {
    Server::digest(Challenges::Standard { md5_first: true }, PASSWORD, Box::new(handler)).await
}

fn client(server: &Server, password: &str) -> Client {
    Client::builder().base_url(&server.url).credentials(USERNAME, password).build().unwrap()
}

async fn get_customer(client: &Client) -> Result<types::CustomerWithWallets, Error> {
    client.get_customer().external_customer_id("MTD0018232").send().await?.into_data()
}

async fn price_fix(client: &Client) -> Result<types::PriceFix, Error> {
    let body = types::PriceFixRequest::builder()
        .type_("digital")
        .customer_external_id(Some("MTD0018232".to_string()));
    client.price_fix().body(body).send().await?.into_data()
}

fn authorized_posts(server: &Server) -> usize {
    server.seen().iter().filter(|s| s.method == "POST" && s.header("authorization").is_some()).count()
}

#[tokio::test]
async fn sequential_calls_cost_one_request_each_after_the_first_challenge() {
    let server = digest_server(recorded).await;
    let client = client(&server, PASSWORD);
    for _ in 0..100 {
        assert_eq!(get_customer(&client).await.unwrap().external_id, "test0101010");
    }
    assert_eq!(server.requests(), 101);
    // Offered MD5 first and SHA-256 second, the client answers with SHA-256.
    let answers: Vec<String> =
        server.seen().iter().filter_map(|s| s.header("authorization").map(str::to_string)).collect();
    assert_eq!(answers.len(), 100);
    assert!(answers.iter().all(|a| a.contains("algorithm=SHA-256")), "{}", answers[0]);
    assert!(answers[99].contains("nc=00000064"), "nonce count rises: {}", answers[99]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_on_a_client_holding_a_nonce_cost_one_request_each() {
    let server = digest_server(recorded).await;
    let client = client(&server, PASSWORD);
    get_customer(&client).await.unwrap();
    let before = server.requests();
    let calls = (0..100).map(|_| get_customer(&client));
    let results = futures::future::join_all(calls).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(server.requests() - before, 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_on_a_fresh_client_share_the_first_challenge() {
    let server = digest_server(recorded).await;
    let client = client(&server, PASSWORD);
    let calls = (0..100).map(|_| get_customer(&client));
    let results = futures::future::join_all(calls).await;
    assert!(results.iter().all(Result::is_ok));
    assert!(server.requests() <= 101, "{} requests", server.requests());
}

#[tokio::test]
async fn a_wrong_password_costs_two_requests_and_ends_unauthorized() {
    let server = digest_server(recorded).await;
    let error = get_customer(&client(&server, "wrong password")).await.unwrap_err();
    assert!(matches!(error, Error::Unauthorized { reason: AuthFailure::Rejected, .. }), "{error:?}");
    assert!(error.is_unauthorized() && !error.is_retryable());
    assert_eq!(error.status(), Some(401));
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn a_stale_nonce_costs_one_retry() {
    let server = digest_server(recorded).await;
    let client = client(&server, PASSWORD);
    get_customer(&client).await.unwrap();
    server.expire_nonce();
    get_customer(&client).await.unwrap();
    assert_eq!(server.requests(), 2 + 2);
    get_customer(&client).await.unwrap();
    assert_eq!(server.requests(), 2 + 2 + 1);
}

/// A nonce that expires while the answer to it travels: the server's `stale=true`
/// says the credentials were right, so the new nonce gets one more answer.
#[tokio::test]
async fn a_stale_answer_to_a_fresh_challenge_is_answered_once_more() {
    let server = digest_server(recorded).await;
    server.expire_nonce_under_answers(1);
    let client = client(&server, PASSWORD);
    assert_eq!(get_customer(&client).await.unwrap().external_id, "test0101010");
    assert_eq!(server.requests(), 3, "the first contact, the stale answer, the answer to the new nonce");

    // On a client holding a nonce: the stale answer, then the new nonce's.
    server.expire_nonce_under_answers(1);
    get_customer(&client).await.unwrap();
    assert_eq!(server.requests(), 3 + 2);
}

/// Stale twice: one more answer, never a loop; the call ends unauthorized.
#[tokio::test]
async fn an_answer_stale_twice_ends_unauthorized() {
    let server = digest_server(recorded).await;
    server.expire_nonce_under_answers(2);
    let error = get_customer(&client(&server, PASSWORD)).await.unwrap_err();
    assert!(error.is_unauthorized() && !error.is_retryable(), "{error:?}");
    assert_eq!(server.requests(), 3);

    // On a client holding a nonce that expired: the old nonce, the stale answer, one more.
    let server = digest_server(recorded).await;
    let client = client(&server, PASSWORD);
    get_customer(&client).await.unwrap();
    server.expire_nonce();
    server.expire_nonce_under_answers(2);
    let before = server.requests();
    assert!(get_customer(&client).await.unwrap_err().is_unauthorized());
    assert_eq!(server.requests() - before, 3);
}

#[tokio::test]
async fn an_unsupported_algorithm_is_unauthorized_with_the_reason() {
    let offer = r#"Digest realm="r", qop="auth", algorithm=SHA-1, nonce="n""#.to_string();
    let server = Server::digest(Challenges::Custom(offer), PASSWORD, Box::new(recorded)).await;
    let error = get_customer(&client(&server, PASSWORD)).await.unwrap_err();
    assert!(
        matches!(&error, Error::Unauthorized { reason: AuthFailure::Unsupported(why), .. } if why.contains("SHA-1")),
        "{error:?}"
    );
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_401_without_a_challenge_is_unauthorized() {
    let server = Server::digest(Challenges::None, PASSWORD, Box::new(recorded)).await;
    let error = get_customer(&client(&server, PASSWORD)).await.unwrap_err();
    assert!(matches!(error, Error::Unauthorized { reason: AuthFailure::NoChallenge, .. }), "{error:?}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_5xx_html_page_is_an_unexpected_response_and_the_post_is_not_repeated() {
    let server = digest_server(|seen| match seen.method.as_str() {
        "POST" => Reply::Raw {
            status: 502,
            content_type: "text/html",
            body: "<html><body>Bad Gateway</body></html>".into(),
            extra_headers: vec![],
        },
        _ => recorded(seen),
    })
    .await;
    let client = client(&server, PASSWORD);
    let error = price_fix(&client).await.unwrap_err();
    let Error::UnexpectedResponse { status, body_start, .. } = &error else { panic!("{error:?}") };
    assert_eq!(*status, 502);
    assert!(body_start.as_str().starts_with("<html>"));
    assert!(!error.is_retryable(), "a POST that reached the server");
    assert!(!format!("{error} {error:?}").contains("Bad Gateway"), "bodies are not printed");
    assert_eq!(authorized_posts(&server), 1, "sent once, plus the unauthenticated first contact");

    // On a client holding a nonce, the failed POST is one request.
    let before = server.requests();
    price_fix(&client).await.unwrap_err();
    assert_eq!(server.requests() - before, 1);
}

#[tokio::test]
async fn a_reset_connection_is_a_transport_error_and_the_post_is_not_repeated() {
    let server =
        digest_server(|seen| if seen.method == "POST" { Reply::Reset } else { recorded(seen) }).await;
    let client = client(&server, PASSWORD);
    get_customer(&client).await.unwrap();
    let error = price_fix(&client).await.unwrap_err();
    assert!(matches!(error, Error::Transport { kind: TransportKind::Interrupted, .. }), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(authorized_posts(&server), 1);
}

/// A server that never answers, and a client with this timeout and no retries. On the
/// paused clock the runtime, idle while the server hangs, jumps straight to the
/// timeout, so the time a call took is exactly the timeout that ended it.
async fn hanging(timeout: Duration) -> (Server, Client) {
    let server = Server::open(Box::new(|_| Reply::Hang)).await;
    let client =
        Client::builder().base_url(&server.url).timeout(timeout).retry(RetryPolicy::none()).build().unwrap();
    (server, client)
}

#[tokio::test(start_paused = true)]
async fn a_server_slower_than_the_timeout_is_a_timeout() {
    let (_server, client) = hanging(Duration::from_millis(300)).await;
    let error = get_customer(&client).await.unwrap_err();
    assert!(matches!(error, Error::Transport { kind: TransportKind::Timeout, .. }), "{error:?}");
    assert!(error.is_timeout() && !error.is_connect() && error.is_retryable(), "a GET");
    assert_eq!(error.status(), None);
    assert!(!format!("{error} {error:?}").contains("MTD0018232"), "the customer's id stays out: {error:?}");
}

#[tokio::test(start_paused = true)]
async fn a_per_call_timeout_overrides_the_clients() {
    let (_server, client) = hanging(Duration::from_secs(30)).await;
    let started = tokio::time::Instant::now();
    let error = get_customer(&client.with_timeout(Duration::from_secs(120))).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(started.elapsed(), Duration::from_secs(120), "longer than the client's: it replaces it");

    let started = tokio::time::Instant::now();
    assert!(get_customer(&client).await.unwrap_err().is_timeout());
    assert_eq!(started.elapsed(), Duration::from_secs(30), "the client itself keeps its own");
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::builder().base_url(url).retry(RetryPolicy::none()).build().unwrap();
    let error = get_customer(&client).await.unwrap_err();
    assert!(matches!(error, Error::Transport { kind: TransportKind::Connect, .. }), "{error:?}");
    assert!(error.is_connect() && error.is_retryable());
}

#[tokio::test]
async fn invalid_or_cut_off_json_is_a_decode_error_naming_the_operation() {
    for body in [
        "{\"data\": {\"external_id\": ",
        "<not json>",
        "{\"data\": {\"external_id\": 5}, \"success\": true, \"code\": 0, \"message\": \"\"}",
    ] {
        let body = body.to_string();
        let server = Server::open(Box::new(move |_| Reply::Json(200, body.clone()))).await;
        let client = Client::builder().base_url(&server.url).build().unwrap();
        let error = get_customer(&client).await.unwrap_err();
        let Error::Decode { operation, status, .. } = &error else { panic!("{error:?}") };
        assert_eq!((operation.as_str(), *status), ("get_customer", 200));
    }
}

#[tokio::test]
async fn a_decode_error_gives_the_json_path_and_withholds_the_value() {
    let mut customer: serde_json::Value = serde_json::from_str(&customer_body()).unwrap();
    customer["data"]["wallets"][1]["balance"] = serde_json::json!("Ada Lovelace");
    let body = customer.to_string();
    let server = Server::open(Box::new(move |_| Reply::Json(200, body.clone()))).await;
    let client = Client::builder().base_url(&server.url).build().unwrap();
    let error = get_customer(&client).await.unwrap_err();
    let Error::Decode { path, .. } = &error else { panic!("{error:?}") };
    assert_eq!(path, "data.wallets[1].balance");
    assert!(!format!("{error} {error:?}").contains("Ada Lovelace"), "{error}");
}

#[tokio::test]
async fn success_false_is_an_api_error() {
    let body = r#"{"success": false, "code": 1001, "message": "Customer not found", "data": null}"#;
    let server = Server::open(Box::new(move |_| Reply::Json(200, body.into()))).await;
    let client = Client::builder().base_url(&server.url).build().unwrap();
    let error = get_customer(&client).await.unwrap_err();
    let Error::Api { status, code, message, .. } = &error else { panic!("{error:?}") };
    assert_eq!((*status, *code, message.as_str()), (200, Some(1001), "Customer not found"));
    assert_eq!((error.status(), error.api_code(), error.field_errors()), (Some(200), Some(1001), None));
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_422_is_an_api_error_with_its_field_errors() {
    let body = r#"{"success": false, "code": 422, "message": "The given data was invalid.",
                   "errors": {"email": ["The email must be a valid email address."], "phone": "Required."}}"#;
    let server = Server::open(Box::new(move |_| Reply::Json(422, body.into()))).await;
    let client = Client::builder().base_url(&server.url).build().unwrap();
    let error = price_fix(&client).await.unwrap_err();
    let Error::Api { status, code, field_errors, .. } = &error else { panic!("{error:?}") };
    assert_eq!((*status, *code), (422, Some(422)));
    assert_eq!(field_errors["email"], ["The email must be a valid email address."]);
    assert_eq!(field_errors["phone"], ["Required."]);
    assert_eq!(error.field_errors(), Some(field_errors));
    assert_eq!((error.status(), error.api_code()), (Some(422), Some(422)));
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn every_call_carries_the_api_headers_and_a_call_can_override_them() {
    let server = Server::open(Box::new(recorded)).await;
    let client = Client::builder().base_url(&server.url).build().unwrap();
    get_customer(&client).await.unwrap();
    price_fix(&client).await.unwrap();
    client
        .get_customer()
        .external_customer_id("MTD0018232")
        .api_version("9")
        .x_client_id("mobile")
        .accept_language("en")
        .send()
        .await
        .unwrap();
    let overridden =
        Client::builder().base_url(&server.url).api_version("4").client_id("ios").build().unwrap();
    get_customer(&overridden).await.unwrap();

    let seen = server.seen();
    let headers = |s: &Seen| {
        ["api-version", "x-client-id", "accept-language"]
            .map(|name| s.header(name).unwrap_or_default().to_string())
    };
    assert_eq!(headers(&seen[0]), ["2", "web", "tr"], "get_customer's docs give version 2");
    assert_eq!(headers(&seen[1]), ["3", "web", "tr"], "price_fix's docs give version 3");
    assert_eq!(headers(&seen[2]), ["9", "mobile", "en"]);
    assert_eq!(headers(&seen[3]), ["4", "ios", "tr"]);
    assert!(seen.iter().all(|s| s.headers.iter().filter(|(n, _)| n == "api-version").count() == 1));
    assert_eq!(seen[0].header("user-agent"), Some(concat!("minted-connect/", env!("CARGO_PKG_VERSION"))));
}

#[tokio::test]
async fn without_credentials_a_challenge_ends_unauthorized() {
    let server = digest_server(recorded).await;
    let client = Client::builder().base_url(&server.url).build().unwrap();
    let error = get_customer(&client).await.unwrap_err();
    assert!(matches!(error, Error::Unauthorized { reason: AuthFailure::NoCredentials, .. }), "{error:?}");
}

/// A 200 the client refuses reaches progenitor's own error too (for a caller who
/// matches it directly); it must not look retryable: the server answered, and a
/// refused buy order sent again could be placed.
#[tokio::test]
async fn a_refused_200_is_never_a_retry_hint() {
    for body in [
        r#"{"success": false, "code": 1001, "message": "Insufficient balance", "data": null}"#,
        r#"{"data": {"external_id": 5}, "success": true, "code": 0, "message": ""}"#,
    ] {
        let server = Server::open(Box::new(move |_| Reply::Json(200, body.into()))).await;
        let client = Client::builder().base_url(&server.url).build().unwrap();
        let raw = client.get_customer().external_customer_id("MTD0018232").send().await.unwrap_err();
        assert!(!raw.is_retryable(), "{body}: status {:?}", raw.status());
        assert!(matches!(
            Error::from(raw),
            Error::Api { status: 200, .. } | Error::Decode { status: 200, .. }
        ));
    }
}

#[tokio::test]
async fn a_given_http_client_carries_the_calls() {
    let server = Server::open(Box::new(recorded)).await;
    let http = reqwest::Client::builder().user_agent("partner-agent/1").build().unwrap();
    let client = Client::builder().base_url(&server.url).http_client(http).build().unwrap();
    get_customer(&client).await.unwrap();
    let seen = server.seen();
    assert_eq!(seen[0].header("user-agent"), Some("partner-agent/1"));
    assert_eq!(seen[0].header("api-version"), Some("2"), "the API's headers are still added per call");
}
