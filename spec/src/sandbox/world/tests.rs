//! The rules across areas, called as the server calls them: by operation id, through
//! [`answer`].

use super::feed::tests::gold;
use super::genesis::Genesis;
use super::operations::{SIMULATED, answer};
use super::refusal::Refusal;
use super::state::World;
use super::values::decimal;
use crate::sandbox::limits::{MAX_ADDRESS_BYTES, MAX_CUSTOMERS, MAX_ITEMS, MAX_ORDER_ID_CHARS};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};
use std::time::{Duration, SystemTime};

#[test]
fn the_simulated_operations_are_the_ones_answered_from_state() {
    let mut world = World::new(Genesis {
        seed: 0,
        token_ttl: Duration::from_secs(1),
        products: Vec::new(),
        customers: Vec::new(),
        orders: Vec::new(),
    });
    for operation in SIMULATED {
        assert!(
            answer(&mut world, operation, &[], &[], None, SystemTime::UNIX_EPOCH).is_some(),
            "{operation}"
        );
    }
    assert!(answer(&mut world, "list_products", &[], &[], None, SystemTime::UNIX_EPOCH).is_none());
}

fn world() -> World {
    let genesis = Genesis {
        seed: 0,
        token_ttl: Duration::from_secs(240),
        products: gold(),
        customers: Vec::new(),
        orders: Vec::new(),
    };
    let mut world = World::new(genesis);
    world.create_customer(&json!({"external_id": "C"})).unwrap();
    world
}

/// Answers a simulated operation that takes no path or query parameter.
fn call(world: &mut World, operation: &str, body: &Value, now: SystemTime) -> Result<Value, Refusal> {
    answer(world, operation, &[], &[], Some(body), now).expect("simulated")
}

fn token(world: &mut World, body: Value) -> String {
    let fixed = call(world, "price_fix", &body, SystemTime::UNIX_EPOCH).unwrap();
    fixed["token"].as_str().unwrap().to_string()
}

fn buy_body(token: &str, order: &str, items: Value) -> Value {
    json!({"price_token": token, "external_id": order, "customer": {"external_id": "C"}, "items": items})
}

#[test]
fn the_state_holds_at_most_its_limits() {
    let mut world = world();
    for i in 1..MAX_CUSTOMERS {
        world.create_customer(&json!({"external_id": format!("C{i}")})).unwrap();
    }
    let refused = world.create_customer(&json!({"external_id": "ONE-TOO-MANY"})).unwrap_err();
    assert_eq!(refused.message, format!("the sandbox holds at most {MAX_CUSTOMERS} customers"));
    let token = token(&mut world, json!({"customer_external_id": "C"}));
    let items: Vec<Value> = (0..=MAX_ITEMS).map(|_| json!({"sku": "GAU", "amount": 1})).collect();
    let refused = call(&mut world, "buy", &buy_body(&token, "O", Value::from(items)), SystemTime::UNIX_EPOCH)
        .unwrap_err();
    assert_eq!(refused.field, "body.items");
}

/// A clock moved past what a date can show (a test's `advance`) is refused, not a
/// panic, and the fix is not kept.
#[test]
fn a_clock_past_the_dates_is_a_refusal() {
    let mut world = world();
    let far = SystemTime::UNIX_EPOCH + Duration::from_secs(100_000_000_000_000);
    let refused = call(&mut world, "price_fix", &json!({"customer_external_id": "C"}), far).unwrap_err();
    assert_eq!(refused.message, "the sandbox's clock is past the dates it can show");
    assert!(world.fixes.is_empty());
}

#[test]
fn every_stored_string_is_bounded() {
    let mut world = world();
    let now = SystemTime::UNIX_EPOCH;
    let token = token(&mut world, json!({"customer_external_id": "C"}));
    let long_id = "O".repeat(MAX_ORDER_ID_CHARS + 1);
    let items: Vec<Value> = (0..MAX_ITEMS).map(|_| json!({"sku": "GAU", "amount": 1})).collect();
    let refused = call(&mut world, "buy", &buy_body(&token, &long_id, Value::from(items)), now);
    assert_eq!(refused.unwrap_err().field, "body.external_id");
    let longest = "O".repeat(MAX_ORDER_ID_CHARS);
    let bought =
        call(&mut world, "buy", &buy_body(&token, &longest, json!([{"sku": "GAU", "amount": 1}])), now);
    assert!(bought.is_ok());

    let address = |bytes: usize| json!({"external_customer_id": "C", "address": "a".repeat(bytes)});
    assert!(call(&mut world, "create_customer_address", &address(MAX_ADDRESS_BYTES), now).is_err());
    assert!(call(&mut world, "create_customer_address", &address(100), now).is_ok());
    let token = world.add_basket("C", &[("GAU", Decimal::ONE)], now).unwrap();
    let pair = |bytes: usize| json!({"external_customer_id": "C", "cart_token": token, "shipping": {"address": "a".repeat(bytes)}});
    assert!(call(&mut world, "set_basket_address", &pair(MAX_ADDRESS_BYTES), now).is_err());
    assert!(call(&mut world, "set_basket_address", &pair(100), now).is_ok());
}

#[test]
fn amounts_are_exact_and_order_ids_are_not_reused() {
    let mut world = world();
    let token = token(&mut world, json!({"customer_external_id": "C"}));
    let now = SystemTime::UNIX_EPOCH;
    let too_precise = buy_body(&token, "O1", json!([{"sku": "GAU", "amount": 0.00001}]));
    assert_eq!(call(&mut world, "buy", &too_precise, now).unwrap_err().field, "body.items.0.amount");
    let tenth = buy_body(&token, "O1", json!([{"product_id": 3000001, "amount": 0.1}]));
    let bought = call(&mut world, "buy", &tenth, now).unwrap();
    let unit = decimal(&bought["orders"][0]["items"][0]["price"]).unwrap();
    // 0.1 × a 2-decimal price has 3 decimals: the total is rounded to 2, half away from zero.
    let total = (unit * Decimal::new(1, 1)).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    assert_eq!(decimal(&bought["total"]), Some(total));
    assert_eq!(
        call(&mut world, "buy", &tenth, now).unwrap_err().message,
        "an order with this external_id already exists"
    );
    let customer = [("external_customer_id".to_string(), "C".to_string())];
    let got = answer(&mut world, "get_customer", &customer, &[], None, now).unwrap().unwrap();
    assert_eq!(got["wallets"][0]["balance"], json!(0.1));
}

#[test]
fn a_fix_from_a_total_says_how_much_it_buys() {
    let mut world = world();
    let now = SystemTime::UNIX_EPOCH;
    let fixed = call(&mut world, "price_fix", &json!({"total": 1000, "currency": "GBP"}), now).unwrap();
    assert_eq!(fixed["is_total_price"], json!(true));
    let price = decimal(&fixed["prices"][0]["buy_price"]).unwrap();
    let expected = (Decimal::from(1000) / price).round_dp_with_strategy(4, RoundingStrategy::ToZero);
    assert_eq!(decimal(&fixed["prices"][0]["buy_amount"]), Some(expected));
    let refused = call(&mut world, "price_fix", &json!({"currency": "TRY"}), now).unwrap_err();
    assert_eq!(refused.field, "body.currency");
}
