//! A scripted order flow for the placement's tests (`tests/place.rs`,
//! `tests/place_tracing.rs`): a server that loses, refuses or answers each buy and each
//! lookup as the test says, what it saw, and a buy to place.

use super::{Reply, Seen, Server, recorded, recorded_body, untimed_http};
use minted_connect::{Client, Error, Placed, RetryPolicy, types};
use rust_decimal::Decimal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::time::Instant;

pub const ORDER: &str = "ORDER-7";
pub const CUSTOMER: &str = "CUST-PERSONAL-42";

/// What the server does with one buy or one lookup.
#[derive(Clone, Copy, Debug)]
pub enum Step {
    /// Reads the request and closes the connection unanswered.
    Lost,
    /// Reads the request and never answers.
    Unanswered,
    /// A 503 page from a gateway, without the API's envelope.
    Unavailable,
    /// Buy: the order placed, answered.
    Placed,
    /// Buy: a 200 whose body does not fit the answer's type.
    Unreadable,
    /// Buy: refused in the API's envelope, as the sandbox refuses a used `external_id`.
    Duplicate,
    /// Buy: refused in the API's envelope, a rule of the order.
    Invalid,
    /// Lookup: the API's envelope says no order has this id.
    Missing,
    /// Lookup: the order.
    Found,
}

impl Step {
    pub fn reply(self) -> Reply {
        let refusal = |message: &str| {
            let body = serde_json::json!({
                "success": false, "code": 422, "message": message, "data": null,
                "errors": {"body.external_id": [message]},
            });
            Reply::Json(422, body.to_string())
        };
        match self {
            Step::Lost => Reply::Reset,
            Step::Unanswered => Reply::Hang,
            Step::Unavailable => Reply::Raw {
                status: 503,
                content_type: "text/html",
                body: "<h1>Service Unavailable</h1>".into(),
                extra_headers: vec![],
            },
            Step::Placed => Reply::Json(200, bought()),
            Step::Unreadable => {
                Reply::Json(200, r#"{"success":true,"code":0,"message":"","data":{"id":1}}"#.into())
            }
            Step::Duplicate => refusal("an order with this external_id already exists"),
            Step::Invalid => refusal("the price token has expired"),
            Step::Missing => refusal("no order has this id"),
            Step::Found => Reply::Json(200, recorded_body("get_order/get-order.json")),
        }
    }
}

/// A buy's answer (the docs record none): the recorded order of Get Order, placed.
pub fn bought() -> String {
    let order = recorded("get_order/get-order.json", "/response/body/data");
    let data = serde_json::json!({
        "guid": [order["guid"]], "order_code": [order["order_code"]], "orders": [order],
        "order_at": "2025-01-17 13:50:29", "price": 10, "tax": 0, "total": 10,
    });
    serde_json::json!({"success": true, "code": 0, "message": "", "data": data}).to_string()
}

/// A server that does `buys[n]` with the n-th buy and `lookups[n]` with the n-th lookup
/// (a 500 with the API's envelope past the script: a test that gets there fails).
pub async fn scripted(buys: &[Step], lookups: &[Step]) -> Server {
    let (buys, lookups) = (buys.to_vec(), lookups.to_vec());
    let (bought, looked) = (AtomicUsize::new(0), AtomicUsize::new(0));
    Server::open(Box::new(move |seen| {
        let (script, count) = match seen.method.as_str() {
            "POST" => (&buys, &bought),
            _ => (&lookups, &looked),
        };
        match script.get(count.fetch_add(1, Ordering::SeqCst)) {
            Some(step) => step.reply(),
            None => Reply::Json(500, r#"{"success":false,"code":500,"message":"script ran out"}"#.into()),
        }
    }))
    .await
}

/// What the server saw, in order: `buy` or `lookup`.
pub fn calls(server: &Server) -> Vec<&'static str> {
    let name = |seen: &Seen| match (seen.method.as_str(), seen.target.as_str()) {
        ("POST", "/partner/order/digital/buy") => "buy",
        ("GET", target) if target == format!("/partner/order/{ORDER}") => "lookup",
        _ => "other",
    };
    server.seen().iter().map(name).collect()
}

pub fn count(server: &Server, call: &str) -> usize {
    calls(server).into_iter().filter(|c| *c == call).count()
}

pub fn client_for(url: &str, http: reqwest::Client, retry: RetryPolicy) -> Client {
    Client::builder().base_url(url).http_client(http).retry(retry).build().unwrap()
}

pub fn client(server: &Server) -> Client {
    client_for(&server.url, untimed_http().build().unwrap(), RetryPolicy::default())
}

pub fn buy_request(external_id: Option<&str>) -> types::BuyRequest {
    types::BuyRequest::builder()
        .price_token(Some("token".to_string()))
        .external_id(external_id.map(String::from))
        .customer(
            types::OrderCustomer::builder()
                .external_id(CUSTOMER)
                .firstname("Ada")
                .lastname("Lovelace")
                .email("ada@example.com")
                .phone("+440000000000")
                .identity_number("00000000000"),
        )
        .items(vec![types::BuyItem { sku: Some("GAU".into()), product_id: None, amount: Some(Decimal::ONE) }])
        .try_into()
        .unwrap()
}

/// A token with the sandbox's life, 240 s, fixed now.
pub fn fresh_token() -> Instant {
    Instant::now() + Duration::from_secs(240)
}

pub async fn place(client: &Client) -> Result<Placed<types::BuyOrderResponse>, Error> {
    client.place_buy(buy_request(Some(ORDER)), fresh_token()).send().await
}
