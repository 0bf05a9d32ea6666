//! The control API under `/_sandbox/`, beside the API on the same port: each control,
//! changes behind the sandbox's Digest credentials and views open to a browser, every
//! refusal a status in the API's envelope, and the log of exchanges free of any value
//! a request carried.

use minted_spec::sandbox::limits::{FINDINGS_KEPT_PER_EXCHANGE, STATE_BODY_LIMIT};
use minted_spec::sandbox::{Holder, Running};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use support::{authorization, exchange, read, start};

#[path = "support/raw.rs"]
mod support;

/// `method path` with `body` (raw), with the credentials when `signed`: the raw reply.
async fn raw(running: &Running, method: &str, path: &str, body: &[u8], signed: bool) -> String {
    let auth = if signed { authorization(running, method, path).await } else { String::new() };
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: sandbox\r\napi-version: 2\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{auth}Connection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    exchange(running, &request).await
}

/// A control with the credentials: its status and envelope.
async fn signed(running: &Running, method: &str, path: &str, body: Value) -> (u16, Value) {
    let body = if body.is_null() { Vec::new() } else { body.to_string().into_bytes() };
    read(&raw(running, method, path, &body, true).await)
}

/// A view, without credentials.
async fn view(running: &Running, path: &str) -> (u16, Value) {
    read(&raw(running, "GET", path, b"", false).await)
}

/// Whether the state holds a customer of this external id.
async fn holds(running: &Running, customer: &str) -> bool {
    let (_, state) = view(running, "/_sandbox/state").await;
    state["data"]["customers"].as_array().unwrap().iter().any(|c| c["profile"]["external_id"] == customer)
}

#[tokio::test]
async fn changes_need_the_credentials_and_views_do_not() {
    let running = start().await;
    for (method, path, body) in [
        ("POST", "/_sandbox/reset", "{}"),
        ("POST", "/_sandbox/clock", r#"{"advance_seconds": 1}"#),
        ("PUT", "/_sandbox/balances", r#"{"customer": null, "code": "GBP", "balance": "1"}"#),
        ("POST", "/_sandbox/customers", r#"{"external_id": "C1"}"#),
        ("POST", "/_sandbox/baskets", r#"{"customer": "C1", "items": []}"#),
        ("PUT", "/_sandbox/state", "{}"),
        ("PUT", "/_sandbox/faults", r#"{"faults": []}"#),
    ] {
        let reply = raw(&running, method, path, body.as_bytes(), false).await;
        assert!(reply.contains("www-authenticate: Digest"), "{method} {path}: {reply}");
        let (status, envelope) = read(&reply);
        assert_eq!(status, 401, "{method} {path}: {reply}");
        assert_eq!(envelope, json!({"success": false, "code": 401, "message": "Unauthorized", "data": null}));
    }
    assert!(!holds(&running, "C1").await, "the refused change was not made");
    for path in ["/_sandbox/state", "/_sandbox/log", "/_sandbox/faults"] {
        let (status, envelope) = view(&running, path).await;
        assert_eq!((status, &envelope["success"]), (200, &json!(true)), "{path}: {envelope}");
    }
}

/// The attribute values and CSS `url(...)`s in a page: what a browser would load.
fn loaded(page: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for opener in ["src=\"", "href=\"", "src='", "href='", "url("] {
        let closer = if opener == "url(" { ')' } else { opener.chars().last().unwrap_or('"') };
        for (at, _) in page.match_indices(opener) {
            let rest = &page[at + opener.len()..];
            found.push(&rest[..rest.find(closer).unwrap_or(rest.len())]);
        }
    }
    found
}

#[tokio::test]
async fn the_dashboard_is_one_page_that_loads_nothing_from_elsewhere() {
    let running = start().await;
    for path in ["/_sandbox/", "/_sandbox"] {
        let reply = raw(&running, "GET", path, b"", false).await;
        let (head, page) = reply.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 200"), "{path}: {head}");
        assert!(head.contains("content-type: text/html; charset=utf-8"), "{head}");
        let policy = head.lines().find_map(|l| l.strip_prefix("content-security-policy: ")).unwrap();
        for directive in ["default-src 'self'", "script-src 'unsafe-inline'", "style-src 'unsafe-inline'"] {
            assert!(policy.contains(directive), "{policy}");
        }
        assert!(page.starts_with("<!doctype html>") && page.contains("/_sandbox/state"), "{page}");
        let loads = loaded(page);
        assert!(loads.contains(&"data:,"), "the check reads the page's attributes: {loads:?}");
        assert!(loads.iter().all(|url| !url.contains("http") && !url.starts_with("//")), "{loads:?}");
        // Every value goes in as text: nothing in the script parses markup.
        for markup in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"] {
            assert!(!page.contains(markup), "{markup}");
        }
    }
    let reply = raw(&running, "POST", "/_sandbox/", b"", false).await;
    assert!(reply.starts_with("HTTP/1.1 405") && reply.contains("allow: GET"), "{reply}");
}

#[tokio::test]
async fn unknown_paths_wrong_methods_and_bad_bodies_are_the_apis_refusals() {
    let running = start().await;
    let (status, envelope) = view(&running, "/_sandbox/nothing").await;
    assert_eq!((status, envelope["code"].as_u64()), (404, Some(404)), "{envelope}");
    let reply = raw(&running, "DELETE", "/_sandbox/state", b"", false).await;
    assert!(reply.contains("allow: GET, PUT"), "{reply}");
    assert_eq!(read(&reply).0, 405);

    let malformed = read(&raw(&running, "POST", "/_sandbox/customers", b"{not json", true).await);
    assert_eq!((malformed.0, malformed.1["code"].as_u64()), (400, Some(400)), "{malformed:?}");
    let not_an_object = signed(&running, "POST", "/_sandbox/customers", json!([1])).await;
    assert_eq!(not_an_object.0, 400);

    let too_large = vec![b' '; STATE_BODY_LIMIT + 1];
    let refused = read(&raw(&running, "PUT", "/_sandbox/state", &too_large, true).await);
    assert_eq!((refused.0, refused.1["code"].as_u64()), (413, Some(413)), "{refused:?}");
}

#[tokio::test]
async fn reset_forgets_a_customer_made_by_its_control() {
    let running = start().await;
    let (status, _) = signed(&running, "POST", "/_sandbox/customers", json!({"external_id": "C1"})).await;
    assert_eq!(status, 200);
    assert!(holds(&running, "C1").await);
    assert!(running.balance(Holder::Customer("C1"), "GBP").is_ok(), "the Rust control sees the same state");
    let (status, again) = signed(&running, "POST", "/_sandbox/customers", json!({"external_id": "C1"})).await;
    assert_eq!(status, 422, "{again}");
    assert!(again["errors"]["body.external_id"].is_array(), "{again}");

    assert_eq!(signed(&running, "POST", "/_sandbox/reset", Value::Null).await.0, 200);
    assert!(!holds(&running, "C1").await);
}

/// Moving the clock past a token's lifetime makes a buy quoting it refused as expired.
#[tokio::test]
async fn the_clock_control_expires_a_price_token() {
    let running = start().await;
    running.create_customer(&json!({"external_id": "C1", "firstname": "Ada"})).unwrap();
    running.set_balance(Holder::Customer("C1"), "GBP", Decimal::from(100_000)).unwrap();
    let fix = json!({"type": "digital", "customer_external_id": "C1"}).to_string();
    let (_, fixed) = read(&raw(&running, "POST", "/partner/pricefix", fix.as_bytes(), true).await);
    let token = fixed["data"]["token"].as_str().unwrap().to_string();

    for refused in [json!({"advance_seconds": -1}), json!({"advance_seconds": 400_000_000}), json!({})] {
        let (status, envelope) = signed(&running, "POST", "/_sandbox/clock", refused.clone()).await;
        assert_eq!(status, 422, "{refused}: {envelope}");
        assert!(envelope["errors"]["advance_seconds"].is_array(), "{envelope}");
    }
    let (status, moved) = signed(&running, "POST", "/_sandbox/clock", json!({"advance_seconds": 241})).await;
    assert_eq!(status, 200, "{moved}");
    assert!(moved["data"]["now_unix_ms"].is_u64());

    let buyer = json!({"external_id": "C1", "firstname": "Ada", "lastname": "Lovelace",
                       "email": "ada@example.org", "phone": "+440000000000", "identity_number": "000"});
    let buy = json!({"price_token": token, "external_id": "O1", "customer": buyer,
                     "items": [{"sku": "GAU", "amount": 1}]});
    let (status, refused) =
        read(&raw(&running, "POST", "/partner/order/digital/buy", buy.to_string().as_bytes(), true).await);
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["message"], "the price token has expired");
}

#[tokio::test]
async fn balances_are_set_exactly_for_a_customer_or_the_partner() {
    let running = start().await;
    running.create_customer(&json!({"external_id": "C1"})).unwrap();
    let set = |customer: Value, code: &str, balance: Value| json!({"customer": customer, "code": code, "balance": balance});
    let (status, _) =
        signed(&running, "PUT", "/_sandbox/balances", set(json!("C1"), "MAU", json!("5.1234"))).await;
    assert_eq!(status, 200);
    assert_eq!(running.balance(Holder::Customer("C1"), "MAU").unwrap(), Decimal::new(51234, 4));
    let (status, _) =
        signed(&running, "PUT", "/_sandbox/balances", set(Value::Null, "GBP", json!(0.1))).await;
    assert_eq!(status, 200);
    assert_eq!(
        running.balance(Holder::Partner, "GBP").unwrap(),
        Decimal::new(1, 1),
        "0.1 exactly, not a float"
    );

    for (body, field) in [
        (set(json!("C1"), "MAU", json!("-1")), "balance"),
        (set(json!("C1"), "MAU", json!("five")), "balance"),
        (set(json!("C1"), "XXX", json!("1")), "currency_code"),
        (set(json!("NOBODY"), "MAU", json!("1")), "external_id"),
    ] {
        let (status, envelope) = signed(&running, "PUT", "/_sandbox/balances", body.clone()).await;
        assert_eq!(status, 422, "{body}: {envelope}");
        assert!(envelope["errors"][field].is_array(), "{body}: {envelope}");
    }
    assert_eq!(running.balance(Holder::Customer("C1"), "MAU").unwrap(), Decimal::new(51234, 4));
}

#[tokio::test]
async fn a_basket_is_seeded_as_the_rust_control_seeds_it() {
    let running = start().await;
    running.create_customer(&json!({"external_id": "C1"})).unwrap();
    let basket = json!({"customer": "C1", "items": [{"sku": "GAU", "amount": "1.5"}]});
    let (status, seeded) = signed(&running, "POST", "/_sandbox/baskets", basket).await;
    assert_eq!(status, 200, "{seeded}");
    let token = seeded["data"]["cart_token"].as_str().unwrap();
    let state = running.state().unwrap();
    assert_eq!(state["baskets"][0]["token"], token);
    assert_eq!(state["baskets"][0]["items"][0]["amount"], "1.5");

    let unknown = json!({"customer": "C1", "items": [{"sku": "NOPE", "amount": 1}]});
    let (status, envelope) = signed(&running, "POST", "/_sandbox/baskets", unknown).await;
    assert_eq!(status, 422);
    assert!(envelope["errors"]["items.0.sku"].is_array(), "{envelope}");
}

/// What one sandbox's state gives, another's takes: the customer and their balance.
#[tokio::test]
async fn the_state_round_trips_into_a_fresh_sandbox() {
    let first = start().await;
    first.create_customer(&json!({"external_id": "C1", "firstname": "Ada"})).unwrap();
    first.set_balance(Holder::Customer("C1"), "MAU", Decimal::from(5)).unwrap();
    first.add_basket("C1", &[("GAU", Decimal::ONE)]).unwrap();
    let (status, state) = view(&first, "/_sandbox/state").await;
    assert_eq!(status, 200);
    let state = state["data"].clone();

    let second = start().await;
    assert!(second.balance(Holder::Customer("C1"), "MAU").is_err());
    let (status, put) = signed(&second, "PUT", "/_sandbox/state", state.clone()).await;
    assert_eq!(status, 200, "{put}");
    assert_eq!(second.balance(Holder::Customer("C1"), "MAU").unwrap(), Decimal::from(5));
    assert_eq!(second.state().unwrap(), state, "the same state, read back");

    // A refused snapshot changes nothing.
    let mut broken = state.clone();
    broken["customers"][0]["wallets"]["MAU"] = json!("-3");
    broken["customers"].as_array_mut().unwrap().push(json!({"profile": {"external_id": "C2"}}));
    let (status, refused) = signed(&second, "PUT", "/_sandbox/state", broken).await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused["errors"]["customers.0.wallets.MAU"].is_array(), "{refused}");
    assert_eq!(second.state().unwrap(), state);
    let (status, _) = signed(&second, "PUT", "/_sandbox/state", json!({"version": 99})).await;
    assert_eq!(status, 422);
    let mut not_text = state.clone();
    not_text["customers"][0]["profile"]["firstname"] = json!(5);
    let (status, refused) = signed(&second, "PUT", "/_sandbox/state", not_text).await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused["errors"]["customers.0.profile.firstname"].is_array(), "{refused}");
}

/// The log names each exchange's operation, status and source, and never a value a
/// request carried: a distinctive email sent to the API is nowhere in it.
#[tokio::test]
async fn the_log_shows_exchanges_without_their_values() {
    let running = start().await;
    let email = "zebra.quokka.7731@example.org";
    let customer =
        json!({"external_id": "LOGGED-7731", "firstname": "Ada", "email": email, "phone": "+440000000000"});
    let created =
        read(&raw(&running, "POST", "/partner/customer", customer.to_string().as_bytes(), true).await);
    assert_eq!(created.0, 200, "{:?}", created.1);
    let invalid = json!({"external_id": 7731, "email": email});
    assert_eq!(
        read(&raw(&running, "POST", "/partner/customer", invalid.to_string().as_bytes(), true).await).0,
        422
    );

    let reply = raw(&running, "GET", "/_sandbox/log", b"", false).await;
    assert!(!reply.contains(email) && !reply.contains("7731"), "{reply}");
    let (_, log) = read(&reply);
    let exchanges = log["data"]["exchanges"].as_array().unwrap();
    let answered: Vec<(&str, u64, &str)> = exchanges
        .iter()
        .map(|e| {
            (
                e["operation"].as_str().unwrap(),
                e["status"].as_u64().unwrap(),
                e["answered_by"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(answered.contains(&("create_customer", 200, "state")), "{answered:?}");
    assert!(answered.contains(&("create_customer", 401, "refusal")), "{answered:?}");
    let refused = exchanges.iter().find(|e| e["status"] == 422).unwrap();
    assert_eq!(refused["findings"][0]["kind"], "wrong-type", "{refused}");
    assert!(refused["at_unix_ms"].is_u64() && refused["path"] == "/partner/customer", "{refused}");
    assert_eq!(running.exchanges(), *exchanges, "the Rust control reads the same log");
    // The sandbox's clock, which the dashboard counts a price fix's time left from.
    let (_, clock) = signed(&running, "POST", "/_sandbox/clock", json!({"advance_seconds": 3600})).await;
    let (_, log) = view(&running, "/_sandbox/log").await;
    let (moved, read) = (clock["data"]["now_unix_ms"].as_u64().unwrap(), log["data"]["now_unix_ms"].as_u64());
    assert!(read.is_some_and(|read| read >= moved && read < moved + 60_000), "{moved} {log}");
}

/// A request with more violations than an entry keeps: the first ones and a count.
#[tokio::test]
async fn an_exchange_keeps_a_bounded_number_of_findings() {
    let running = start().await;
    let items: Vec<Value> = (0..40).map(|_| json!({"sku": 1, "amount": "many"})).collect();
    let buy = json!({"price_token": 1, "external_id": 2, "customer": 3, "items": items});
    let path = "/partner/order/digital/buy";
    assert_eq!(read(&raw(&running, "POST", path, buy.to_string().as_bytes(), true).await).0, 422);
    let exchanges = running.exchanges();
    let refused = exchanges.iter().find(|e| e["status"] == 422).unwrap();
    assert_eq!(refused["findings"].as_array().unwrap().len(), FINDINGS_KEPT_PER_EXCHANGE, "{refused}");
    assert!(refused["more_findings"].as_u64().unwrap() > 40, "{refused}");
}

#[tokio::test]
async fn faults_are_read_and_armed_in_the_command_lines_syntax() {
    let running = start().await;
    let armed = json!({"faults": ["buy:lose:0.3", "sell:delay:0.2:5s"]});
    assert_eq!(signed(&running, "PUT", "/_sandbox/faults", armed).await.0, 200);
    let (status, read_back) = view(&running, "/_sandbox/faults").await;
    assert_eq!(status, 200);
    assert_eq!(read_back["data"]["faults"], json!(["buy:lose:0.3", "sell:delay:0.2:5s"]));
    assert_eq!(running.faults().len(), 2, "the Rust control sees them");

    for (body, field) in [
        (json!({"faults": ["buy:explode:0.1"]}), "faults.0"),
        (json!({"faults": ["buy:lose:0.6", "buy:reset:0.6"]}), "faults"),
        (json!({"faults": "buy:lose:0.1"}), "faults"),
    ] {
        let (status, envelope) = signed(&running, "PUT", "/_sandbox/faults", body.clone()).await;
        assert_eq!(status, 422, "{body}: {envelope}");
        assert!(envelope["errors"][field].is_array(), "{body}: {envelope}");
    }
    assert_eq!(view(&running, "/_sandbox/faults").await.1["data"]["faults"].as_array().unwrap().len(), 2);
}
