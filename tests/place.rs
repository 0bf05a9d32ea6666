//! Safe order placement against a scripted server that loses, refuses or answers each
//! buy and each lookup as the test says, on tokio's paused clock (the lookups' waits
//! pass in virtual time, and the time a placement took is exact). The property under
//! test: the server never sees a second buy unless the lookups said "not found" for
//! the policy's whole window. The script is `support/place.rs`; the clients send
//! through `support::untimed_http`, which says why; the sandbox runs a placement end
//! to end. The placement's tracing is `place_tracing.rs`.

mod support;

use minted_connect::place::{PlacedOrder, Resolution};
use minted_connect::prelude::*;
use minted_connect::{Error, IntoData, PlacementPolicy, RetryPolicy, TransportKind, types};
use rust_decimal::Decimal;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use support::place::{
    CUSTOMER, ORDER, Step, buy_request, calls, client, client_for, count, fresh_token, place, scripted,
};
use support::{Refusing, Reply, Server, untimed_http};
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn a_lost_answer_is_resolved_by_lookup() {
    let server = scripted(&[Step::Lost], &[Step::Found]).await;
    let started = Instant::now();
    let placed = place(&client(&server)).await.unwrap();
    assert_eq!(placed.resolution(), Resolution::ByLookup);
    assert!(matches!(&placed.order, PlacedOrder::ByLookup(order) if order.order_code == "FE9HURU6"));
    assert_eq!((placed.sends, placed.lookups, placed.external_id.as_str()), (1, 1, ORDER));
    assert_eq!(calls(&server), ["buy", "lookup"]);
    assert_eq!(started.elapsed(), Duration::ZERO, "the first lookup is made at once");
}

/// The buy's timeout runs out (at once in virtual time, the server never answering);
/// the lookup, answered at once, is made through the same timeout.
#[tokio::test(start_paused = true)]
async fn a_timed_out_buy_is_resolved_by_lookup() {
    let server = scripted(&[Step::Unanswered], &[Step::Found]).await;
    let client = client(&server).with_timeout(Duration::from_secs(10));
    let started = Instant::now();
    let placed = place(&client).await.unwrap();
    assert_eq!((placed.resolution(), placed.sends, placed.lookups), (Resolution::ByLookup, 1, 1));
    assert_eq!(calls(&server), ["buy", "lookup"]);
    assert_eq!(started.elapsed(), Duration::from_secs(10));
}

#[tokio::test(start_paused = true)]
async fn not_found_twice_then_found() {
    let server = scripted(&[Step::Lost], &[Step::Missing, Step::Missing, Step::Found]).await;
    let started = Instant::now();
    let placed = place(&client(&server)).await.unwrap();
    assert_eq!(placed.resolution(), Resolution::ByLookup);
    assert_eq!((placed.sends, placed.lookups), (1, 3));
    assert_eq!(calls(&server), ["buy", "lookup", "lookup", "lookup"]);
    assert_eq!(started.elapsed(), Duration::from_secs(60), "two waits of the default 30 s");
}

#[tokio::test(start_paused = true)]
async fn never_found_so_resent_and_the_resend_answered() {
    let server = scripted(&[Step::Lost, Step::Placed], &[Step::Missing; 3]).await;
    let started = Instant::now();
    let placed = place(&client(&server)).await.unwrap();
    assert_eq!(placed.resolution(), Resolution::Answered);
    assert!(matches!(&placed.order, PlacedOrder::Answered(bought) if !bought.order_code.is_empty()));
    assert_eq!((placed.sends, placed.lookups), (2, 3));
    assert!(placed.resent());
    assert_eq!(calls(&server), ["buy", "lookup", "lookup", "lookup", "buy"], "resent only after 3 not found");
    assert_eq!(started.elapsed(), PlacementPolicy::default().lookup_window());
}

/// A lost buy, three "not found", a resend that ends in `resend`, then a lookup that
/// finds the order: resolved by that lookup.
async fn resent_then_found(resend: Step) {
    let server =
        scripted(&[Step::Lost, resend], &[Step::Missing, Step::Missing, Step::Missing, Step::Found]).await;
    let placed = place(&client(&server)).await.unwrap();
    assert_eq!(placed.resolution(), Resolution::ByLookup, "after a resend that ended {resend:?}");
    assert_eq!((placed.sends, placed.lookups), (2, 4));
    assert_eq!(calls(&server), ["buy", "lookup", "lookup", "lookup", "buy", "lookup"]);
}

#[tokio::test(start_paused = true)]
async fn a_resend_that_is_lost_too_is_found_by_lookup() {
    resent_then_found(Step::Lost).await;
}

/// The refusal hides no order: the lookup after it finds the first.
#[tokio::test(start_paused = true)]
async fn a_resend_refused_as_a_duplicate_is_then_found() {
    resent_then_found(Step::Duplicate).await;
}

#[tokio::test(start_paused = true)]
async fn a_resend_refused_and_still_not_found_is_unknown_not_a_refusal() {
    let server = scripted(&[Step::Lost, Step::Duplicate], &[Step::Missing; 4]).await;
    let error = place(&client(&server)).await.unwrap_err();
    assert_eq!(error.outcome_unknown(), Some(ORDER), "{error:?}");
    let Error::OutcomeUnknown { sends, lookups, last, .. } = &error else { unreachable!() };
    assert_eq!((*sends, *lookups), (2, 4));
    assert_eq!(last.status(), Some(422), "the refusal of the resend: {last:?}");
    assert_eq!(count(&server, "buy"), 2);
}

#[tokio::test(start_paused = true)]
async fn a_token_expired_before_it_could_be_resent_ends_unknown() {
    let server = scripted(&[Step::Lost, Step::Placed], &[Step::Missing; 3]).await;
    let client = client(&server);
    // 62 s of life: after the 60 s of lookups, 2 s are left, less than the 5 s needed.
    let expires = Instant::now() + Duration::from_secs(62);
    let error = client.place_buy(buy_request(Some(ORDER)), expires).send().await.unwrap_err();
    let Error::OutcomeUnknown { external_id, sends, lookups, last, .. } = &error else { panic!("{error:?}") };
    assert_eq!((external_id.as_str(), *sends, *lookups), (ORDER, 1, 3));
    assert!(matches!(**last, Error::Transport { kind: TransportKind::Interrupted, .. }), "{last:?}");
    assert_eq!(calls(&server), ["buy", "lookup", "lookup", "lookup"], "never resent");
    assert!(error.to_string().contains(ORDER), "{error}");

    // With 66 s, 6 s are left: it is resent.
    let server = scripted(&[Step::Lost, Step::Placed], &[Step::Missing; 3]).await;
    let expires = Instant::now() + Duration::from_secs(66);
    let placed = self::client(&server).place_buy(buy_request(Some(ORDER)), expires).send().await.unwrap();
    assert_eq!((placed.resolution(), placed.sends), (Resolution::Answered, 2));
}

#[tokio::test(start_paused = true)]
async fn a_token_too_short_for_the_first_send_sends_nothing() {
    let server = scripted(&[Step::Placed], &[]).await;
    let expires = Instant::now() + Duration::from_secs(4);
    let error = client(&server).place_buy(buy_request(Some(ORDER)), expires).send().await.unwrap_err();
    assert!(matches!(&error, Error::InvalidRequest(m) if m.contains("fix a new price")), "{error:?}");
    assert_eq!(server.requests(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_definite_422_is_returned_as_it_is_without_lookup() {
    let server = scripted(&[Step::Invalid], &[Step::Found]).await;
    let error = place(&client(&server)).await.unwrap_err();
    assert!(matches!(&error, Error::Api { status: 422, .. }), "{error:?}");
    assert!(error.field_errors().is_some());
    assert_eq!(calls(&server), ["buy"], "no lookup");
}

#[tokio::test(start_paused = true)]
async fn an_order_without_external_id_is_refused_before_anything_is_sent() {
    let server = scripted(&[Step::Placed], &[Step::Found]).await;
    let client = client(&server);
    for missing in [None, Some(""), Some("  ")] {
        let error = client.place_buy(buy_request(missing), fresh_token()).send().await.unwrap_err();
        assert!(matches!(&error, Error::InvalidRequest(m) if m.contains("external_id")), "{error:?}");
    }
    let sell = types::SellRequest::builder()
        .price_token("token")
        .external_id("")
        .items(vec![types::SellItem { sku: "GAU".into(), amount: Decimal::ONE }]);
    let error = client.place_sell(sell, fresh_token()).send().await.unwrap_err();
    assert!(matches!(&error, Error::InvalidRequest(m) if m.contains("external_id")), "{error:?}");
    // A request the spec refuses is refused as the generated builder would.
    let incomplete = types::SellRequest::builder().external_id(ORDER);
    let error = client.place_sell(incomplete, fresh_token()).send().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert_eq!(server.requests(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_503_without_the_envelope_is_ambiguous_with_it_definite() {
    let server = scripted(&[Step::Unavailable], &[Step::Found]).await;
    let placed = place(&client(&server)).await.unwrap();
    assert_eq!((placed.resolution(), placed.sends, placed.lookups), (Resolution::ByLookup, 1, 1));
    assert_eq!(calls(&server), ["buy", "lookup"]);

    let refusal = r#"{"success":false,"code":503,"message":"Maintenance","data":null}"#;
    let server = Server::open(Box::new(move |_| Reply::Json(503, refusal.into()))).await;
    let error = place(&client(&server)).await.unwrap_err();
    assert!(matches!(error, Error::Api { status: 503, .. }), "{error:?}");
    assert_eq!(calls(&server), ["buy"], "the API answered: no lookup");
}

/// A 200 the client cannot read says the server took the order: it is looked up, and
/// never sent again.
#[tokio::test(start_paused = true)]
async fn an_unreadable_answer_is_looked_up_and_never_resent() {
    let server = scripted(&[Step::Unreadable], &[Step::Missing, Step::Found]).await;
    let placed = place(&client(&server)).await.unwrap();
    assert_eq!((placed.resolution(), placed.sends, placed.lookups), (Resolution::ByLookup, 1, 2));

    let server = scripted(&[Step::Unreadable, Step::Placed], &[Step::Missing; 3]).await;
    let error = place(&client(&server)).await.unwrap_err();
    let Error::OutcomeUnknown { sends, lookups, last, .. } = &error else { panic!("{error:?}") };
    assert_eq!((*sends, *lookups), (1, 3));
    assert!(matches!(**last, Error::Decode { .. }), "{last:?}");
    assert_eq!(calls(&server), ["buy", "lookup", "lookup", "lookup"], "never resent");
}

#[tokio::test(start_paused = true)]
async fn a_connect_failure_is_resent_without_lookup() {
    let server = scripted(&[Step::Placed], &[Step::Found]).await;
    let addr: SocketAddr = server.url.trim_start_matches("http://").parse().unwrap();
    let refusing = |refusals| {
        let resolver = Arc::new(Refusing::new(addr, refusals, false));
        let http = untimed_http().dns_resolver(resolver).build().unwrap();
        // No retries of the transport's own: each refused connection is one send.
        client_for(&format!("http://minted.test:{}", addr.port()), http, RetryPolicy::none())
    };
    let placed = place(&refusing(1)).await.unwrap();
    assert_eq!((placed.resolution(), placed.sends, placed.lookups), (Resolution::Answered, 2, 0));
    assert_eq!(calls(&server), ["buy"], "the one buy that connected, and no lookup");

    // No send ever connects: nothing was placed, and the error says so.
    let error = place(&refusing(3)).await.unwrap_err();
    assert!(error.is_connect(), "{error:?}");
    assert_eq!(calls(&server), ["buy"]);
}

#[tokio::test(start_paused = true)]
async fn sends_stop_at_the_policys_maximum() {
    let server = scripted(&[Step::Lost; 3], &[Step::Missing; 9]).await;
    let error = place(&client(&server)).await.unwrap_err();
    let Error::OutcomeUnknown { sends, lookups, .. } = &error else { panic!("{error:?}") };
    assert_eq!((*sends, *lookups), (3, 9));
    assert_eq!(count(&server, "buy"), 3);

    let server = scripted(&[Step::Lost; 2], &[Step::Missing; 6]).await;
    let policy = PlacementPolicy::default().max_sends(1);
    let error =
        client(&server).place_buy(buy_request(Some(ORDER)), fresh_token()).policy(policy).send().await;
    assert_eq!(error.unwrap_err().outcome_unknown(), Some(ORDER));
    assert_eq!(calls(&server), ["buy", "lookup", "lookup", "lookup"], "one send, then only lookups");
}

/// Lookups that fail themselves say nothing: never a resend, whatever their number.
#[tokio::test(start_paused = true)]
async fn inconclusive_lookups_never_lead_to_a_resend() {
    let server = scripted(
        &[Step::Lost, Step::Placed],
        &[Step::Missing, Step::Missing, Step::Unavailable, Step::Missing, Step::Missing, Step::Unavailable],
    )
    .await;
    let client = client_for(&server.url, untimed_http().build().unwrap(), RetryPolicy::none());
    let error = place(&client).await.unwrap_err();
    let Error::OutcomeUnknown { sends, lookups, .. } = &error else { panic!("{error:?}") };
    assert_eq!((*sends, *lookups), (1, 6), "twice the run of 3, never 3 in a row");
    assert_eq!(count(&server, "buy"), 1);
}

/// The client's policy applies unless the call gives its own.
#[tokio::test(start_paused = true)]
async fn the_clients_policy_is_the_default_of_its_placements() {
    let server = scripted(&[Step::Lost, Step::Placed], &[Step::Missing; 2]).await;
    let quick = PlacementPolicy::default().lookups(2).lookup_interval(Duration::from_secs(5));
    let client = Client::builder()
        .base_url(&server.url)
        .http_client(untimed_http().build().unwrap())
        .placement(quick)
        .build()
        .unwrap();
    let started = Instant::now();
    let placed = place(&client).await.unwrap();
    assert_eq!((placed.sends, placed.lookups), (2, 2));
    assert_eq!(started.elapsed(), Duration::from_secs(5));
}

/// End to end against the sandbox: a buy and a sell placed and answered, and the
/// sandbox's answer to a lookup of an order it does not have is the refusal the
/// placement reads as "not found".
#[tokio::test]
async fn against_the_sandbox_orders_are_placed_and_answered() {
    let (_running, client, fix) = sandbox_with_customer(minted_spec::sandbox::Sandbox::default()).await;
    let expires = minted_connect::place::token_expiry(&fix);

    let mut buy = buy_request(Some(ORDER));
    buy.price_token = Some(fix.token.clone());
    let bought = client.place_buy(buy.clone(), expires).send().await.unwrap();
    assert_eq!((bought.resolution(), bought.sends, bought.lookups), (Resolution::Answered, 1, 0));

    let sell = types::SellRequest::builder()
        .price_token(fix.token.clone())
        .external_id("ORDER-8")
        .items(vec![types::SellItem { sku: "GAU".into(), amount: Decimal::new(5, 1) }]);
    let sold = client.place_sell(sell, expires).send().await.unwrap();
    assert!(matches!(&sold.order, PlacedOrder::Answered(response) if response.order_code.len() == 1));

    // The same external_id again: the sandbox refuses it, and the first send's
    // refusal is returned as it is.
    let error = client.place_buy(buy, expires).send().await.unwrap_err();
    assert!(matches!(&error, Error::Api { status: 422, .. }), "{error:?}");

    let missing = client.get_order().external_order_id("NO-SUCH-ORDER").send().await.into_data().unwrap_err();
    assert!(matches!(missing, Error::Api { status: 422, .. }), "{missing:?}");
}

/// 200 placements against a sandbox that loses 30% of buys' answers after placing
/// them, resets 10% before doing anything and answers 10% with a proxy's 503: every
/// order is placed exactly once. The sandbox agrees: each id reads back as one order,
/// and the customer's gold is the amount times the orders (a second order under any
/// id would add to it; the sandbox refuses a reused id). Its clock is held, so no
/// token expires; the lookups come a millisecond apart, as the sandbox shows an order at once.
#[tokio::test]
async fn two_hundred_placements_through_faults_are_each_placed_once() {
    use minted_spec::sandbox::{Fault, FaultKind, Holder, Sandbox};
    const ORDERS: u32 = 200;
    let faults = [(FaultKind::Lose, 0.3), (FaultKind::Reset, 0.1), (FaultKind::Unavailable, 0.1)]
        .map(|(kind, probability)| Fault::new("buy", kind, probability).unwrap());
    let (running, client, fix) = sandbox_with_customer(Sandbox::default().seed(7).faults(faults)).await;
    let policy = PlacementPolicy::default().max_sends(5).lookup_interval(Duration::from_millis(1));

    let (mut by_lookup, mut resent) = (0, 0);
    for n in 0..ORDERS {
        let mut buy = buy_request(Some(&format!("P-{n}")));
        buy.price_token = Some(fix.token.clone());
        buy.items[0].amount = Some(Decimal::new(1, 2));
        let placed = client.place_buy(buy, fresh_token()).policy(policy.clone()).send().await;
        let placed = placed.unwrap_or_else(|e| panic!("P-{n}: {e}"));
        by_lookup += u32::from(placed.resolution() == Resolution::ByLookup);
        resent += u32::from(placed.resent());
    }
    assert!(by_lookup > 0 && resent > 0, "the faults were not met: {by_lookup} by lookup, {resent} resent");

    for n in 0..ORDERS {
        let order = client.get_order().external_order_id(format!("P-{n}")).send().await.into_data().unwrap();
        assert_eq!(order.external_id.as_deref(), Some(format!("P-{n}").as_str()));
    }
    let gold = running.balance(Holder::Customer(CUSTOMER), "MAU").unwrap();
    assert_eq!(gold, Decimal::new(1, 2) * Decimal::from(ORDERS), "gold after {ORDERS} orders of 0.01 g");
}

/// The sandbox started on a held clock (no token expires), quiet, with the test's
/// customer created, a client of it, and a price fix for the customer.
async fn sandbox_with_customer(
    sandbox: minted_spec::sandbox::Sandbox,
) -> (minted_spec::sandbox::Running, minted_connect::Client, types::PriceFix) {
    let running = sandbox
        .clock(minted_spec::sandbox::Clock::fixed())
        .log(|_| {})
        .start(([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let client = support::sandbox_client(&running);
    let created = types::CreateCustomerRequest::builder().external_id(CUSTOMER);
    client.create_customer().body(created).send().await.into_data().unwrap();
    let fix_request =
        types::PriceFixRequest::builder().type_("digital").customer_external_id(Some(CUSTOMER.into()));
    let fix = client.price_fix().body(fix_request).send().await.into_data().unwrap();
    (running, client, fix)
}
