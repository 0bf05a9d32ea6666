//! The sandbox as a simulation, driven through the generated client: a customer buys
//! and sells gold with a price token, the wallets and orders add up to the decimal,
//! and the rules' refusals come back as the spec's 422. Time moves only when the
//! test moves the sandbox's clock.

mod support;

use minted_connect::prelude::*;
use minted_connect::{Client, Error, IntoData, types};
use minted_spec::sandbox::{self, Clock, Holder, Running, Sandbox};
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::time::Duration;

const CUSTOMER: &str = "QS-TRADER";

async fn sandbox(seed: u64) -> (Running, Client) {
    let running = Sandbox::default()
        .seed(seed)
        .clock(Clock::fixed())
        .check_answers()
        .log(|_| {})
        .start(([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let client = support::sandbox_client(&running);
    (running, client)
}

fn order_customer(id: &str) -> types::builder::OrderCustomer {
    types::OrderCustomer::builder()
        .external_id(id)
        .firstname("Ada")
        .lastname("Lovelace")
        .email("customer@example.com")
        .phone("+440000000000")
        .identity_number("00000000000")
}

async fn fix(client: &Client, customer: Option<&str>) -> types::PriceFix {
    let body =
        types::PriceFixRequest::builder().type_("digital").customer_external_id(customer.map(String::from));
    client.price_fix().body(body).send().await.into_data().unwrap()
}

fn buy(token: &str, order: &str, customer: &str, grams: Decimal) -> types::builder::BuyRequest {
    types::BuyRequest::builder()
        .price_token(Some(token.to_string()))
        .external_id(Some(order.to_string()))
        .customer(order_customer(customer))
        .items(vec![types::BuyItem { sku: Some("GAU".into()), product_id: None, amount: Some(grams) }])
}

fn sell(token: &str, order: &str, grams: Decimal) -> types::builder::SellRequest {
    types::SellRequest::builder()
        .price_token(token)
        .external_id(order)
        .items(vec![types::SellItem { sku: "GAU".into(), amount: grams }])
}

/// Money as the sandbox rounds it: 2 decimals, half away from zero.
fn money(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

async fn balance(client: &Client, customer: &str, code: &str) -> Decimal {
    let balances =
        client.get_customer_balance().customer_external_id(customer).send().await.into_data().unwrap();
    balances.iter().find(|b| b.currency_code == code).map(|b| b.balance).unwrap()
}

/// The rule a 422 names, and the field it names.
#[track_caller]
fn refusal(error: progenitor_client::Error<()>) -> (String, Vec<String>) {
    match Error::from(error) {
        Error::Api { status: 422, message, field_errors, .. } => {
            (message, field_errors.into_keys().collect())
        }
        other => panic!("not a 422: {other:?}"),
    }
}

#[tokio::test]
async fn create_buy_sell_and_read_back_with_every_number_checked() {
    let (running, client) = sandbox(7).await;
    let created = client
        .create_customer()
        .body(
            types::CreateCustomerRequest::builder()
                .external_id(CUSTOMER)
                .firstname(Some("Ada".parse().unwrap()))
                .lastname(Some("Lovelace".parse().unwrap()))
                .email(Some("customer@example.com".to_string())),
        )
        .send()
        .await
        .into_data()
        .unwrap();
    assert_eq!((created.external_id.as_str(), created.fullname.as_deref()), (CUSTOMER, Some("Ada Lovelace")));
    let customer = client.get_customer().external_customer_id(CUSTOMER).send().await.into_data().unwrap();
    assert_eq!(customer.firstname.as_deref(), Some("Ada"));
    let codes: Vec<&str> = customer.wallets.iter().filter_map(|w| w.currency_code.as_deref()).collect();
    assert!(codes.contains(&"MAU") && codes.contains(&"MAG") && codes.contains(&"GBP"), "{codes:?}");
    assert!(customer.wallets.iter().all(|w| w.balance == Some(Decimal::ZERO)));

    let fixed = fix(&client, Some(CUSTOMER)).await;
    assert_eq!(fixed.expire_ttl, 240);
    let gold = fixed.prices.iter().find(|p| p.sku.as_deref() == Some("GAU")).unwrap();
    let (buy_price, sell_price) = (gold.buy_price.unwrap(), gold.sell_price.unwrap());

    let two = Decimal::from(2);
    let bought =
        client.buy().body(buy(&fixed.token, "T-BUY", CUSTOMER, two)).send().await.into_data().unwrap();
    assert_eq!(bought.total.round_dp(4), (buy_price * two).round_dp(4));
    assert_eq!(balance(&client, CUSTOMER, "MAU").await, two);

    let half = Decimal::new(5, 1);
    let sold = client.sell().body(sell(&fixed.token, "T-SELL", half)).send().await.into_data().unwrap();
    assert_eq!(sold.total, money(sell_price * half));
    assert_eq!(balance(&client, CUSTOMER, "MAU").await, Decimal::new(15, 1));
    assert_eq!(balance(&client, CUSTOMER, "GBP").await, sold.total, "a sell's proceeds go to cash");

    let order = client.get_order().external_order_id("T-BUY").send().await.into_data().unwrap();
    assert_eq!(order.total.unwrap().round_dp(4), (buy_price * two).round_dp(4));
    assert_eq!(order.items[0].amount, Some(two));
    assert_eq!(order.customer.as_ref().map(|c| c.external_id.as_str()), Some(CUSTOMER));
    let found = client
        .find_order()
        .body(types::FindOrderRequest::builder().order_code(Some(sold.order_code[0].clone())))
        .send()
        .await
        .into_data()
        .unwrap();
    assert_eq!(found.type_, types::OrderType::Sell);
    let by_external_id = client
        .find_order()
        .body(types::FindOrderRequest::builder().external_id(Some("T-BUY".to_string())))
        .send()
        .await
        .into_data()
        .unwrap();
    assert_eq!(by_external_id.order_code, order.order_code);

    // Refusals, each naming its rule and field; none of them moves a wallet.
    let oversell = client.sell().body(sell(&fixed.token, "T-OVER", two)).send().await.unwrap_err();
    let (message, fields) = refusal(oversell);
    assert!(message.starts_with("cannot sell more GAU than is held (1.5)"), "{message}");
    assert_eq!(fields, ["body.items.0.amount"]);
    let stranger = client.buy().body(buy(&fixed.token, "T-WHO", "NOBODY", two)).send().await.unwrap_err();
    assert_eq!(refusal(stranger).1, ["body.customer.external_id"]);
    let unknown = client.sell().body(sell("not-a-token", "T-UNKNOWN", half)).send().await.unwrap_err();
    assert_eq!(refusal(unknown).0, "no price fix has this token");
    running.clock().advance(Duration::from_secs(240));
    let late = client.buy().body(buy(&fixed.token, "T-LATE", CUSTOMER, two)).send().await.unwrap_err();
    assert_eq!(refusal(late), ("the price token has expired".into(), vec!["body.price_token".into()]));
    assert_eq!(balance(&client, CUSTOMER, "MAU").await, Decimal::new(15, 1));

    assert_eq!(running.answer_findings(), Vec::<String>::new());
}

#[tokio::test]
async fn the_same_seed_quotes_the_same_prices_and_reset_forgets() {
    let quotes =
        |fixed: types::PriceFix| fixed.prices.into_iter().map(|p| (p.sku, p.buy_price)).collect::<Vec<_>>();
    let (first, first_client) = sandbox(42).await;
    let (_second, second_client) = sandbox(42).await;
    let (a, b) = (fix(&first_client, None).await, fix(&second_client, None).await);
    assert_eq!(a.token, b.token);
    assert_eq!(quotes(a.clone()), quotes(b));
    let (_other, other_client) = sandbox(43).await;
    assert_ne!(quotes(fix(&other_client, None).await), quotes(a.clone()));

    first.create_customer(&serde_json::json!({"external_id": "SEEDED"})).unwrap();
    first.set_balance(Holder::Customer("SEEDED"), "MAU", Decimal::from(3)).unwrap();
    assert_eq!(balance(&first_client, "SEEDED", "MAU").await, Decimal::from(3));
    first.reset().unwrap();
    let gone = first_client.get_customer_balance().customer_external_id("SEEDED").send().await.unwrap_err();
    assert_eq!(refusal(gone).1, ["path.customer_external_id"]);
    assert_eq!(quotes(fix(&first_client, None).await), quotes(a), "the feed starts again at its seed");
}

/// A delivery ships metal the customer holds and takes its charge from cash; short of
/// either, it is refused and nothing moves. The order it makes reads back.
#[tokio::test]
async fn a_delivery_takes_metal_and_its_charge_and_reads_back() {
    let (running, client) = sandbox(5).await;
    running.create_customer(&serde_json::json!({"external_id": CUSTOMER})).unwrap();
    running.set_balance(Holder::Customer(CUSTOMER), "MAU", Decimal::from(3)).unwrap();
    let delivery = |grams: i64, order: &str| {
        let address = serde_json::json!({"fullname": "Ada Lovelace", "invoice_type": "Individual", "city": "London",
                                         "county": "Camden", "district": "Euston", "address": "1 Road"});
        let body = serde_json::json!({
            "customer": {"external_id": CUSTOMER, "firstname": "Ada", "lastname": "Lovelace",
                         "phone": "+440000000000", "email": "customer@example.com"},
            "external_id": order, "sku": "GAU", "amount": grams,
            "address": {"billing": address.clone(), "shipping": address},
        });
        client.create_delivery().body(serde_json::from_value::<types::DeliveryRequest>(body).unwrap()).send()
    };
    let (message, _) = refusal(delivery(2, "D-1").await.unwrap_err());
    assert_eq!(
        message,
        format!("the cash wallet (0) cannot pay the delivery charge ({})", sandbox::DELIVERY_CHARGE)
    );
    running.set_balance(Holder::Customer(CUSTOMER), "GBP", Decimal::from(100)).unwrap();
    let (message, fields) = refusal(delivery(4, "D-2").await.unwrap_err());
    assert_eq!(
        (message.as_str(), fields),
        ("cannot deliver more GAU than is held (3)", vec!["body.amount".into()])
    );
    let shipped = delivery(2, "D-3").await.into_data().unwrap();
    assert_eq!(shipped.total, sandbox::DELIVERY_CHARGE);
    assert_eq!(balance(&client, CUSTOMER, "MAU").await, Decimal::ONE);
    assert_eq!(balance(&client, CUSTOMER, "GBP").await, Decimal::from(100) - sandbox::DELIVERY_CHARGE);
    let order = client.get_order().external_order_id("D-3").send().await.into_data().unwrap();
    assert_eq!(
        (order.order_code, order.type_),
        (shipped.order_code, Some(types::OrderType::Delivery.into()))
    );
    assert_eq!(running.answer_findings(), Vec::<String>::new());
}

/// A seeded basket is read, changed and completed through the API: completing it buys
/// its metal at the basket's prices, makes an order under its increment id, and takes
/// it off the incomplete list. Lapsed prices are fixed again when it is read.
#[tokio::test]
async fn a_completed_basket_buys_its_metal_and_becomes_an_order() {
    let (running, client) = sandbox(9).await;
    running.create_customer(&serde_json::json!({"external_id": CUSTOMER})).unwrap();
    let token = running.add_basket(CUSTOMER, &[("GAU", Decimal::ONE), ("GAG", Decimal::from(2))]).unwrap();
    let cart = serde_json::json!({"external_customer_id": CUSTOMER, "cart_token": token});
    let read = || {
        let body = serde_json::json!({"customer_external_id": CUSTOMER, "cart_token": token});
        client
            .get_ecom_order()
            .body(serde_json::from_value::<types::GetEcomOrderRequest>(body).unwrap())
            .send()
    };
    let basket = read().await.into_data().unwrap();
    assert_eq!(basket.pricefix.remaining, Some(240));

    let mut update = cart.clone();
    (update["sku"], update["qty"]) = (serde_json::json!("GAU"), serde_json::json!(3));
    client
        .update_basket_item()
        .body(serde_json::from_value::<types::BasketItemUpdate>(update).unwrap())
        .send()
        .await
        .into_data()
        .unwrap();
    let mut removal = cart.clone();
    removal["sku"] = serde_json::json!("GAG");
    client
        .remove_basket_item()
        .body(serde_json::from_value::<types::BasketItemRemoval>(removal).unwrap())
        .send()
        .await
        .into_data()
        .unwrap();

    running.clock().advance(Duration::from_secs(300));
    let lapsed = read().await.into_data().unwrap();
    assert_eq!((lapsed.pricefix.updated, lapsed.pricefix.remaining), (Some(true), Some(240)));
    assert_eq!(lapsed.items.len(), 1);
    let price = lapsed.items[0].price.unwrap();
    assert_eq!(lapsed.total, Some(money(price * Decimal::from(3))));

    client
        .complete_buy()
        .body(serde_json::from_value::<types::CartRef>(cart).unwrap())
        .send()
        .await
        .into_data()
        .unwrap();
    assert_eq!(balance(&client, CUSTOMER, "MAU").await, Decimal::from(3));
    let order =
        client.get_order().external_order_id(lapsed.increment_id.as_str()).send().await.into_data().unwrap();
    assert_eq!(order.total, lapsed.total);
    let done = read().await.into_data().unwrap();
    assert_eq!(done.order_creation_status, types::BasketOrderCreationStatus::Order);
    let open =
        client.list_incomplete_baskets().customer_external_id(CUSTOMER).send().await.into_data().unwrap();
    assert!(open.data.is_empty());
    assert_eq!(running.answer_findings(), Vec::<String>::new());
}

/// A token fixed for no customer trades the partner's own holdings.
#[tokio::test]
async fn a_token_without_a_customer_sells_the_partners_holdings() {
    let (running, client) = sandbox(1).await;
    let fixed = fix(&client, None).await;
    let refused = client.sell().body(sell(&fixed.token, "P-1", Decimal::ONE)).send().await.unwrap_err();
    assert!(refusal(refused).0.starts_with("cannot sell more GAU than is held (0)"));
    running.set_balance(Holder::Partner, "MAU", Decimal::from(5)).unwrap();
    let sold = client.sell().body(sell(&fixed.token, "P-2", Decimal::ONE)).send().await.into_data().unwrap();
    assert_eq!(running.balance(Holder::Partner, "MAU").unwrap(), Decimal::from(4));
    assert_eq!(running.balance(Holder::Partner, "GBP").unwrap(), sold.total);
    assert!(sold.total > Decimal::ZERO);
}

/// Money is rounded half away from zero (SANDBOX.md): a total exactly between two
/// pennies goes up, where banker's rounding would go to the even penny.
#[tokio::test]
async fn a_total_on_a_half_penny_rounds_away_from_zero() {
    let (running, client) = sandbox(3).await;
    running.create_customer(&serde_json::json!({"external_id": CUSTOMER})).unwrap();
    // A price and an amount whose total ends in exactly half a penny after an even
    // penny, where the two roundings part (a price whose pennies are a multiple of 16
    // has none: the feed moves, so a later fix will do).
    let mut found = None;
    for _ in 0..50 {
        let fixed = fix(&client, Some(CUSTOMER)).await;
        found = fixed.prices.iter().find_map(|product| {
            let unit = product.buy_price?;
            let grams = (1..10_000).map(|tenths_of_mg| Decimal::new(tenths_of_mg, 4)).find(|grams| {
                let total = unit * grams;
                total.round_dp(2) != money(total)
            })?;
            Some((fixed.token.clone(), product.sku.clone()?, unit, grams))
        });
        if found.is_some() {
            break;
        }
    }
    let (token, sku, unit, grams) = found.expect("a fix with a price that lands on a half penny");
    let item = types::BuyItem { sku: Some(sku), product_id: None, amount: Some(grams) };
    let half = buy(&token, "HALF", CUSTOMER, grams).items(vec![item]);
    let bought = client.buy().body(half).send().await.into_data().unwrap();
    assert_eq!(bought.total, money(unit * grams));
    assert_eq!(bought.total - (unit * grams), Decimal::new(5, 3), "rounded up by half a penny");
}

/// A trade whose total or balances pass what an exact decimal holds is refused,
/// naming the rule, and nothing moves: not the wallets, nor the order id.
#[tokio::test]
async fn a_trade_too_large_to_price_is_refused_and_moves_nothing() {
    let (running, client) = sandbox(2).await;
    running.create_customer(&serde_json::json!({"external_id": CUSTOMER})).unwrap();
    let fixed = fix(&client, Some(CUSTOMER)).await;
    // Each line prices (about 5.8e28), their sum does not (past 7.9e28).
    let huge: Decimal = "20000000000000000000000000".parse().unwrap();
    let line = types::BuyItem { sku: Some("GAU".into()), product_id: None, amount: Some(huge) };
    let too_large = buy(&fixed.token, "HUGE", CUSTOMER, huge).items(vec![line.clone(), line]);
    let (message, fields) = refusal(client.buy().body(too_large).send().await.unwrap_err());
    assert_eq!(
        (message.as_str(), fields),
        ("the trade is too large for the sandbox to price or hold", vec!["body.items".to_string()])
    );
    assert_eq!(balance(&client, CUSTOMER, "MAU").await, Decimal::ZERO);
    assert!(client.get_order().external_order_id("HUGE").send().await.is_err(), "no order was kept");

    // A wallet that cannot take more: refused at the item, the balance as it was.
    let full = Decimal::MAX;
    running.set_balance(Holder::Customer(CUSTOMER), "MAU", full).unwrap();
    let (message, fields) = refusal(
        client.buy().body(buy(&fixed.token, "HUGE", CUSTOMER, Decimal::from(1000))).send().await.unwrap_err(),
    );
    assert_eq!(
        (message.as_str(), fields),
        ("the trade is too large for the sandbox to price or hold", vec!["body.items.0.amount".to_string()])
    );
    assert_eq!(balance(&client, CUSTOMER, "MAU").await, full);

    // The id the refusals never took is free for a trade that fits.
    running.set_balance(Holder::Customer(CUSTOMER), "MAU", Decimal::ZERO).unwrap();
    client.buy().body(buy(&fixed.token, "HUGE", CUSTOMER, Decimal::ONE)).send().await.into_data().unwrap();
    assert_eq!(balance(&client, CUSTOMER, "MAU").await, Decimal::ONE);
    assert_eq!(running.answer_findings(), Vec::<String>::new());
}

/// 200 trades at once for one customer: the wallet ends at exactly the start plus the
/// accepted buys minus the accepted sells, cash at the accepted sells' totals, and
/// every order has its own code and guid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_buys_and_sells_lose_no_update() {
    let (running, client) = sandbox(3).await;
    running.create_customer(&serde_json::json!({"external_id": CUSTOMER})).unwrap();
    let start = Decimal::from(10);
    running.set_balance(Holder::Customer(CUSTOMER), "MAU", start).unwrap();
    let token = fix(&client, Some(CUSTOMER)).await.token;

    let mut trades = tokio::task::JoinSet::new();
    for i in 0..200 {
        let (client, token) = (client.clone(), token.clone());
        trades.spawn(async move {
            let order = format!("C-{i}");
            // Sells outweigh buys, so that some are refused for want of metal.
            if i % 2 == 0 {
                let grams = Decimal::new(5, 1);
                let data = client.buy().body(buy(&token, &order, CUSTOMER, grams)).send().await.into_data();
                data.map(|d| (grams, d.total, d.order_code, d.guid)).map_err(|e| e.to_string())
            } else {
                let grams = Decimal::new(-7, 1);
                let data = client.sell().body(sell(&token, &order, -grams)).send().await.into_data();
                data.map(|d| (grams, d.total, d.order_code, d.guid)).map_err(|e| e.to_string())
            }
        });
    }
    let (mut metal, mut cash, mut refused) = (start, Decimal::ZERO, 0);
    let (mut codes, mut guids) = (HashSet::new(), HashSet::new());
    while let Some(result) = trades.join_next().await {
        match result.unwrap() {
            Ok((grams, total, order_codes, order_guids)) => {
                metal += grams;
                if grams.is_sign_negative() {
                    cash += total;
                }
                assert!(order_codes.into_iter().all(|code| codes.insert(code)), "an order code repeats");
                assert!(order_guids.into_iter().all(|guid| guids.insert(guid)), "a guid repeats");
            }
            Err(error) => {
                assert!(error.contains("cannot sell more GAU than is held"), "{error}");
                refused += 1;
            }
        }
    }
    assert_eq!(codes.len() + refused, 200);
    assert!(refused > 0 && refused < 100, "some sells are refused, not all: {refused}");
    assert_eq!(balance(&client, CUSTOMER, "MAU").await, metal);
    assert_eq!(balance(&client, CUSTOMER, "GBP").await, cash);
    assert_eq!(running.answer_findings(), Vec::<String>::new());
}
