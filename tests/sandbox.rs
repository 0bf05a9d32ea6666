//! Every operation of the spec, called through the generated client against the
//! sandbox (`cargo xtask sandbox`, started here on port 0), with its parsed `data`
//! checked against what the sandbox answers from: its state (which starts with the
//! recordings' customers and orders), a recording, or for operations the docs showed
//! no response for, the spec's schema filled with recorded values. The sandbox checks
//! each of its answers against the spec as it gives them.

mod support;

use minted_connect::prelude::*;
use minted_connect::{AuthFailure, Client, Error, IntoData, types};
use minted_spec::sandbox::{self, Holder, Sandbox};
use rust_decimal::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use support::recorded;

/// A sandbox whose log lines are kept, and a client for it.
async fn sandbox() -> (sandbox::Running, Client, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&lines);
    let running = Sandbox::default()
        .check_answers()
        .log(move |line| kept.lock().unwrap().push(line.to_string()))
        .start(([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let client = support::sandbox_client(&running);
    (running, client, lines)
}

/// A recording's request body as the generated type.
fn request<T: DeserializeOwned>(file: &str) -> T {
    serde_json::from_value(recorded(file, "/request/body")).unwrap()
}

/// A JSON body as the generated type.
fn request_of<T: DeserializeOwned>(body: &Value) -> T {
    serde_json::from_value(body.clone()).unwrap()
}

/// `data` as JSON, for comparing with what was recorded.
fn json_of(data: &impl Serialize) -> Value {
    serde_json::to_value(data).unwrap()
}

/// Whether every field of `expected` is in `actual` with the same value (the typed
/// data leaves out fields the spec does not declare and absent optional ones).
fn contains(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(actual), Value::Object(expected)) => expected.iter().all(|(key, value)| {
            value.is_null() && actual.get(key).is_none_or(Value::is_null)
                || actual.get(key).is_some_and(|a| contains(a, value))
        }),
        (Value::Array(actual), Value::Array(expected)) => {
            actual.len() == expected.len() && actual.iter().zip(expected).all(|(a, e)| contains(a, e))
        }
        (Value::Number(a), Value::Number(e)) => a.as_f64() == e.as_f64() || a.to_string() == e.to_string(),
        (actual, expected) => actual == expected,
    }
}

#[track_caller]
fn assert_recorded(data: &impl Serialize, file: &str) {
    let expected = recorded(file, "/response/body/data");
    let actual = json_of(data);
    assert!(
        contains(&actual, &expected),
        "{file}: parsed data\n{actual:#}\ndiffers from the recording\n{expected:#}"
    );
}

#[tokio::test]
async fn every_operation_answers_through_the_generated_client() {
    let (running, client, lines) = sandbox().await;

    // Customers: kept by the sandbox, starting with the recordings' own.
    let mut business = recorded("create_customer/create-business-customer.json", "/request/body");
    let created =
        client.create_customer().body(request_of::<types::CreateCustomerRequest>(&business)).send().await;
    assert!(created.is_err(), "the recorded customer is there already");
    business["external_id"] = json!("QS-BUSINESS");
    let created = client
        .create_customer()
        .body(request_of::<types::CreateCustomerRequest>(&business))
        .send()
        .await
        .into_data()
        .unwrap();
    let mut expected = recorded("create_customer/create-business-customer.json", "/response/body/data");
    expected["external_id"] = json!("QS-BUSINESS");
    assert!(contains(&json_of(&created), &expected), "{created:?}");
    let customer =
        client.get_customer().external_customer_id("test0101010").send().await.into_data().unwrap();
    let mut profile = recorded("get_customer/get-customer.json", "/response/body/data");
    let recorded_wallets = profile.as_object_mut().unwrap().remove("wallets").unwrap();
    assert!(contains(&json_of(&customer), &profile), "{customer:?}");
    let names: Vec<&str> = customer.wallets.iter().filter_map(|w| w.name.as_deref()).collect();
    for wallet in recorded_wallets.as_array().unwrap() {
        assert!(names.contains(&wallet["name"].as_str().unwrap()), "{names:?}");
    }
    let updated = client
        .update_customer()
        .external_customer_id("MTD0018232")
        .body(request::<types::UpdateCustomerRequest>("update_customer/update-customer.json"))
        .send()
        .await
        .into_data()
        .unwrap();
    let update = recorded("update_customer/update-customer.json", "/request/body");
    assert_eq!(updated["lastname"], update["lastname"]);
    let read_back =
        client.get_customer().external_customer_id("MTD0018232").send().await.into_data().unwrap();
    assert_eq!(json_of(&read_back.lastname), update["lastname"], "an update changes what Get returns");
    let balances =
        client.get_customer_balance().customer_external_id("MTD0018232").send().await.into_data().unwrap();
    assert_eq!(balances.len(), customer.wallets.len());
    assert!(balances.iter().all(|b| b.customer_external_id == "MTD0018232"));
    // An id only a recorded request names (Customer Balance's) answers too, with nothing held.
    let named =
        client.get_customer_balance().customer_external_id("1710174559").send().await.into_data().unwrap();
    assert!(named.iter().all(|b| b.balance.is_zero()) && !named.is_empty());
    for data in [
        client
            .create_customer_address()
            .body(request::<types::CustomerAddressRequest>("create_customer_address/create-billing.json"))
            .send()
            .await
            .into_data()
            .unwrap(),
        client
            .create_customer_addresses()
            .body(types::OpenBody(serde_json::Map::new()))
            .send()
            .await
            .into_data()
            .unwrap(),
    ] {
        assert_eq!(data, json!({}));
    }

    // Trading: with a live token, on the recordings' customer.
    let fix = client
        .price_fix()
        .body(request::<types::PriceFixRequest>("price_fix/from-amount.json"))
        .send()
        .await
        .into_data()
        .unwrap();
    assert_eq!(fix.expire_ttl, 240);
    assert_eq!(
        fix.prices.len(),
        recorded("price_fix/from-amount.json", "/response/body/data/prices").as_array().unwrap().len()
    );
    let mut buy = recorded("buy/buy-silver.json", "/request/body");
    buy["price_token"] = json!(fix.token);
    buy["external_id"] = json!("QS-BUY-SILVER");
    let bought = client.buy().body(request_of::<types::BuyRequest>(&buy)).send().await.into_data().unwrap();
    assert_eq!(bought.orders.len(), 1);
    let mut sell = recorded("sell/sell-silver.json", "/request/body");
    sell["price_token"] = json!(fix.token);
    sell["external_id"] = json!("QS-SELL-SILVER");
    let sold = client.sell().body(request_of::<types::SellRequest>(&sell)).send().await.into_data().unwrap();
    assert_eq!(sold.order_code.len(), 1);

    // Orders: the recorded ones answer by their ids, and so do the new ones.
    let card_order = client.get_order().external_order_id("HYAQA01714rqz").send().await.into_data().unwrap();
    assert_recorded(&card_order, "get_order/card-payment-get-order.json");
    let order = client.get_order().external_order_id("HYAQA01373").send().await.into_data().unwrap();
    assert_recorded(&order, "get_order/get-order.json");
    let found_guid = recorded("find_order/get-order-alternative.json", "/response/body/data/guid");
    let found = client
        .find_order()
        .body(types::FindOrderRequest::builder().guid(Some(found_guid.as_str().unwrap().to_string())))
        .send()
        .await
        .into_data()
        .unwrap();
    assert_recorded(&found, "find_order/get-order-alternative.json");
    let sold_order = client.get_order().external_order_id("QS-SELL-SILVER").send().await.into_data().unwrap();
    assert_eq!(json_of(&sold_order.order_code), json!(sold.order_code[0]));
    let invoice =
        client.get_order_invoice().external_order_id("HYAQA01373").send().await.into_data().unwrap();
    assert_eq!(json_of(&invoice), json!({}), "an Invoice declares no required field");
    // The recorded delivery ships 3 g of gold the customer must hold, paid from cash.
    running.set_balance(Holder::Customer("MTD0018232"), "MAU", Decimal::from(5)).unwrap();
    running.set_balance(Holder::Customer("MTD0018232"), "GBP", Decimal::from(100)).unwrap();
    let delivery = client
        .create_delivery()
        .body(request::<types::DeliveryRequest>("create_delivery/delivery-create-pay-with-cash.json"))
        .send()
        .await
        .into_data()
        .unwrap();
    assert_eq!(delivery.type_, Some(types::OrderType::Delivery.into()));
    assert_eq!(delivery.total, Decimal::new(7001, 2));

    // E-commerce catalog and baskets
    let products =
        client.list_products().page(std::num::NonZeroU64::MIN).total(10).send().await.into_data().unwrap();
    assert_eq!(products.data.len(), 1);
    assert_eq!(products.data[0].product_images.len(), 1);
    let product = client.get_product().id(10).send().await.into_data().unwrap();
    assert_eq!(product.sku, products.data[0].sku);
    // Baskets come from Minted's web view: the test seeds one, with the recorded customer.
    let owner = "MTD0018232";
    let token = running.add_basket(owner, &[("GAU", Decimal::ONE), ("GAG", Decimal::from(2))]).unwrap();
    let baskets =
        client.list_incomplete_baskets().customer_external_id(owner).send().await.into_data().unwrap();
    assert_eq!(baskets.data.len(), 1);
    let basket = baskets.data[0].clone();
    assert_eq!((basket.token.as_str(), basket.items.len()), (token.as_str(), 2));
    let cart: types::CartRef =
        serde_json::from_value(json!({"external_customer_id": owner, "cart_token": token})).unwrap();
    // Set Custom Address's page requires phone and tax number in both addresses.
    let address = json!({"city": "İstanbul", "county": "Kadıköy", "district": "Moda", "address": "Street 1",
                         "phone": "+900000000000", "tax_number": "1111111111"});
    let mut shipping = address.clone();
    shipping["fullname"] = json!("Ada Lovelace");
    let set_address: types::SetBasketAddressRequest = serde_json::from_value(json!({
        "external_customer_id": owner,
        "cart_token": token,
        "shipping": shipping,
        "billing": address,
    }))
    .unwrap();
    let with_address = client.set_basket_address().body(set_address).send().await.into_data().unwrap();
    assert_eq!(with_address, json!({}));
    let completed = client
        .complete_basket()
        .body(types::OpenBody(serde_json::Map::new()))
        .send()
        .await
        .into_data()
        .unwrap();
    assert_eq!(completed, json!({}));
    let ecom_orders =
        client.list_ecom_orders().page(std::num::NonZeroU64::MIN).total(10).send().await.into_data().unwrap();
    assert_eq!(ecom_orders, json!({}));
    let ecom_order = client
        .get_ecom_order()
        .body(
            serde_json::from_value::<types::GetEcomOrderRequest>(
                json!({"customer_external_id": owner, "cart_token": token}),
            )
            .unwrap(),
        )
        .send()
        .await
        .into_data()
        .unwrap();
    assert_eq!(ecom_order.guid, basket.guid);

    // Walletable
    let holdings = client
        .get_walletable_balance()
        .external_customer_id("MTD0018232")
        .metal_type("gold,silver")
        .send()
        .await
        .into_data()
        .unwrap();
    // The gold left after the delivery, and the silver bought above.
    let names: Vec<_> = holdings.iter().filter_map(|h| h.product_name.as_deref()).collect();
    assert_eq!(names, ["Gold - Digital storage", "Silver - Digital storage"]);
    let walletable_orders =
        client.list_walletable_orders().page(1).total(10).send().await.into_data().unwrap();
    assert_eq!(walletable_orders, json!({}));
    let mut removal = recorded("remove_basket_item/delete-basket-item.json", "/request/body");
    (removal["external_customer_id"], removal["cart_token"], removal["sku"]) =
        (json!(owner), json!(token), json!("GAG"));
    let removed =
        client.remove_basket_item().body(request_of::<types::BasketItemRemoval>(&removal)).send().await;
    let mut update = recorded("update_basket_item/update-basket-item.json", "/request/body");
    (update["external_customer_id"], update["cart_token"], update["sku"]) =
        (json!(owner), json!(token), json!("GAU"));
    let changed =
        client.update_basket_item().body(request_of::<types::BasketItemUpdate>(&update)).send().await;
    let bought_basket = client.complete_buy().body(cart.clone()).send().await;
    for data in [removed, changed, bought_basket] {
        assert_eq!(data.into_data().unwrap(), json!({}));
    }
    let refused = client.clear_basket().body(cart.clone()).send().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(422), "a completed basket cannot be cleared");
    let second = running.add_basket(owner, &[("GAU", Decimal::ONE)]).unwrap();
    let cart = types::CartRef { cart_token: second.parse().unwrap(), ..cart };
    let cleared = client.clear_basket().body(cart).send().await.into_data().unwrap();
    assert!(cleared.items.is_empty());
    let delivered = client
        .complete_delivery()
        .body(types::OpenBody(serde_json::Map::new()))
        .send()
        .await
        .into_data()
        .unwrap();
    assert_eq!(delivered.order_creation_status, types::BasketFieldsOrderCreationStatus::Basket);

    // The sandbox's own account: each operation answered 200 once it was authenticated.
    let answered: BTreeSet<String> = lines
        .lock()
        .unwrap()
        .iter()
        .filter(|line| line.contains(" -> 200 "))
        .filter_map(|line| line.split(' ').nth(2).map(str::to_string))
        .collect();
    let all: BTreeSet<String> = support::operation_ids().into_iter().collect();
    assert_eq!(answered, all);
    assert_eq!(running.answer_findings(), Vec::<String>::new());
}

#[tokio::test]
async fn an_invalid_request_gets_a_422_naming_the_field() {
    let (_running, client, lines) = sandbox().await;
    let body =
        types::CreateCustomerRequest::builder().external_id("QS-1").email(Some("not an address".to_string()));
    let error = client.create_customer().body(body).send().await.unwrap_err();
    let error = Error::from(error);
    let Error::Api { status, field_errors, .. } = &error else { panic!("{error:?}") };
    assert_eq!(*status, 422);
    let messages = &field_errors["body.email"];
    assert!(messages[0].starts_with("bad-format"), "{messages:?}");
    assert!(!messages[0].contains("not an address"), "the value stays out: {messages:?}");
    assert!(lines.lock().unwrap().iter().any(|line| line.contains(" create_customer -> 422 1 violation ")));
}

#[tokio::test]
async fn the_sandbox_demands_digest() {
    let (running, _client, lines) = sandbox().await;
    let wrong =
        Client::builder().base_url(running.url()).credentials(sandbox::USERNAME, "wrong").build().unwrap();
    let error = wrong.get_customer().external_customer_id("MTD0018232").send().await.unwrap_err();
    assert!(matches!(Error::from(error), Error::Unauthorized { reason: AuthFailure::Rejected, .. }));
    let lines = lines.lock().unwrap();
    let notes: Vec<&str> = lines.iter().map(|line| line.split(" -> ").nth(1).unwrap()).collect();
    assert!(notes[0].starts_with("401 challenge"), "{notes:?}");
    assert!(notes[1].starts_with("401 refused"), "{notes:?}");
    assert_eq!(notes.len(), 2);
    // The log names the path template, not the customer's id.
    assert!(lines.iter().all(|line| !line.contains("MTD0018232")));
}

#[tokio::test]
async fn boxed_failures_are_the_crates_error_without_the_url() {
    let (running, _client, _lines) = sandbox().await;
    let wrong =
        Client::builder().base_url(running.url()).credentials(sandbox::USERNAME, "wrong").build().unwrap();
    let call = async {
        let customer = wrong.get_customer().external_customer_id("MTD0018232").send().await.into_data()?;
        Ok::<_, Box<dyn std::error::Error>>(customer)
    };
    let boxed = call.await.unwrap_err();
    assert!(boxed.downcast_ref::<Error>().is_some(), "{boxed}");
    assert!(!boxed.to_string().contains("MTD0018232"), "{boxed}");
}

/// The sandbox's refusals are statuses the spec declares, in the declared envelope:
/// verify, strictly, finds nothing in a 401 challenge or a 422.
#[tokio::test]
async fn the_sandboxs_401_and_422_conform_to_the_spec() {
    use minted_spec::check::Checker;
    use minted_spec::contract::{Contract, Spec};
    use minted_spec::exchange::{Body, Exchange, Request, Response};

    let (running, _, _) = sandbox().await;
    let http = reqwest::Client::new();
    let url = format!("{}/partner/customer", running.url());
    let unauthenticated = http.post(&url).json(&json!({"external_id": "X"})).send().await.unwrap();
    assert_eq!(unauthenticated.status(), 401);
    assert!(unauthenticated.headers().get("www-authenticate").is_some());
    let challenge: Value = unauthenticated.json().await.unwrap();

    let client = Client::builder()
        .base_url(running.url())
        .credentials(sandbox::USERNAME, sandbox::PASSWORD)
        .build()
        .unwrap();
    let invalid = types::CreateCustomerRequest::builder()
        .external_id("QS-422")
        .email(Some("not-an-address".to_string()));
    let refused = client.create_customer().body(invalid).send().await.unwrap_err();
    let status = refused.status().map(|s| s.as_u16());
    assert_eq!(status, Some(422));
    let progenitor_client::Error::UnexpectedResponse(response) = refused else { panic!("{refused:?}") };
    let parameter_error: Value = response.json().await.unwrap();

    let contract = Contract::compile(&Spec::embedded().unwrap()).unwrap();
    let checker = Checker { contract: &contract, strict: true };
    for (status, body) in [(401, challenge), (422, parameter_error)] {
        let exchange = Exchange {
            file: format!("sandbox {status}"),
            entry: None,
            operation: None,
            request: Some(Request {
                method: "POST".into(),
                path: "/partner/customer".into(),
                query: Vec::new(),
                headers: Vec::new(),
                body: Body::NotShown,
            }),
            response: Some(Response { status, body: Body::Json(body) }),
        };
        let (operation, findings) = checker.check(&exchange);
        assert_eq!(operation.as_deref(), Some("create_customer"));
        assert!(findings.is_empty(), "{status}: {findings:#?}");
    }
}
