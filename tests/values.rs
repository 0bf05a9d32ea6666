//! What the generated types make of the recorded examples, value by value, and
//! what they refuse to build.

mod support;

use std::str::FromStr;

use minted_connect::types;
use rust_decimal::Decimal;
use support::recorded;

/// The recorded response body of `file`, parsed into `T`.
fn response<T: serde::de::DeserializeOwned>(file: &str) -> T {
    serde_json::from_value(recorded(file, "/response/body")).unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[test]
fn amounts_survive_a_parse_and_a_reserialization_digit_for_digit() {
    let fix: types::PriceFixEnvelope = response("price_fix/from-amount.json");
    let gold = &fix.data.prices[0];
    let silver = &fix.data.prices[1];
    assert_eq!(gold.buy_price, Some(dec("2889.71")));
    assert_eq!(silver.spot_price, Some(dec("34.7041")));
    let order: types::OrderEnvelope = response("find_order/get-order-alternative.json");
    assert_eq!(order.data.items[0].amount, Some(dec("0.1")));

    let written = serde_json::to_string(&fix).unwrap() + &serde_json::to_string(&order).unwrap();
    for number in [r#""buy_price":2889.71"#, r#""spot_price":34.7041"#, r#""amount":0.1"#] {
        assert!(written.contains(number), "{number} not written back as the same JSON number");
    }
}

#[test]
fn price_fix_gives_a_token_with_its_lifetime_and_six_products() {
    let fix = response::<types::PriceFixEnvelope>("price_fix/from-amount.json").data;
    assert_eq!(fix.token, "t85QBvvn1GHeOslKuiJm7CF0M0lpwU26");
    assert_eq!(fix.expire_ttl, 239);
    assert_eq!(fix.currency, types::Currency::Try);
    assert_eq!(fix.total, None);
    let skus: Vec<_> = fix.prices.iter().filter_map(|p| p.sku.as_deref()).collect();
    assert_eq!(skus, ["GAU", "GAG", "BGAU", "BGAG", "GPT", "GPD"]);
}

#[test]
fn get_customer_lists_metal_and_cash_wallets() {
    let customer = response::<types::CustomerWithWalletsEnvelope>("get_customer/get-customer.json").data;
    assert_eq!(customer.external_id, "test0101010");
    assert_eq!(customer.identity_number, None);
    let wallets: Vec<_> = customer
        .wallets
        .iter()
        .map(|w| (w.currency_code.as_deref().unwrap(), w.is_cash.unwrap(), w.balance.unwrap()))
        .collect();
    assert_eq!(
        wallets,
        [("MAU", false, Decimal::ZERO), ("MAG", false, Decimal::ZERO), ("GBP", true, Decimal::ZERO)]
    );
}

#[test]
fn a_card_paid_order_carries_its_payment_and_masked_card() {
    let order = response::<types::OrderEnvelope>("get_order/card-payment-get-order.json").data;
    assert_eq!(order.type_, Some(types::OrderType::Buy.into()));
    assert_eq!(order.status_name, Some(types::OrderStatus::Pending.into()));
    assert_eq!(order.payment_cost, Some(dec("10")));
    let payment = order.payment.unwrap();
    assert_eq!(payment.state.as_deref(), Some("success"));
    assert_eq!(payment.details.unwrap().card_number.as_deref(), Some("404809******7528"));
}

#[test]
fn an_order_may_carry_a_status_the_docs_do_not_list() {
    let order = response::<types::OrderEnvelope>("get_order/get-order.json").data;
    assert_eq!(order.status_name, Some(types::OrderStatus::New.into()));
    assert_eq!(order.items[0].sku, None);
    assert_eq!(order.items[0].total, Some(dec("543.5")));
}

#[test]
fn a_business_customer_is_created_with_its_company_fields() {
    let request: types::CreateCustomerRequest =
        serde_json::from_value(recorded("create_customer/create-business-customer.json", "/request/body"))
            .unwrap();
    assert_eq!(request.account_type.as_deref(), Some("company"));
    assert_eq!(request.tax_office.as_deref().map(String::as_str), Some("Ümraniye"));
    let created =
        response::<types::CreatedCustomerEnvelope>("create_customer/create-business-customer.json").data;
    assert_eq!(created.fullname.as_deref(), Some("Test AŞ"));
    assert_eq!(created.lastname, None);
}

#[test]
fn buy_requests_of_both_documented_shapes_parse() {
    let silver: types::BuyRequest =
        serde_json::from_value(recorded("buy/buy-silver.json", "/request/body")).unwrap();
    assert_eq!(silver.price_token, None);
    assert_eq!(silver.items[0].product_id, Some(3000002));
    assert_eq!(silver.customer.fullname.as_deref(), Some("Mehmet Gülbilge"));
    let card: types::BuyRequest =
        serde_json::from_value(recorded("buy/card-payment-buy-card-token.json", "/request/body")).unwrap();
    assert_eq!(card.payment_type, Some(types::BuyRequestPaymentType::Creditcard));
    assert_eq!(card.items[0].sku.as_deref(), Some("GAU"));
    assert_eq!(card.items[0].amount, Some(Decimal::ONE));
}

#[test]
fn a_sell_request_is_built_from_typed_parts() {
    let built: types::SellRequest = types::SellRequest::builder()
        .price_token("t85QBvvn1GHeOslKuiJm7CF0M0lpwU26")
        .external_id("HYAQA01373")
        .currency_code(types::Currency::Gbp)
        .items(vec![types::SellItem { sku: "GAG".into(), amount: dec("1.5") }])
        .try_into()
        .unwrap();
    let json = serde_json::to_value(&built).unwrap();
    assert_eq!(json["items"][0]["amount"].to_string(), "1.5");
    assert_eq!(json["currency_code"], "GBP");
}

#[test]
fn request_builders_refuse_values_the_docs_forbid() {
    let too_short = types::CreateCustomerRequest::builder().external_id("ab");
    assert!(types::CreateCustomerRequest::try_from(too_short).is_err());
    let bad_char = types::CreateCustomerRequest::builder().external_id("a b c");
    assert!(types::CreateCustomerRequest::try_from(bad_char).is_err());
    assert!("31/01/1970".parse::<types::BirthDate>().is_err());
    assert!("Al".parse::<types::CustomerName>().is_err());
    let no_items = types::SellRequest::builder().price_token("t").external_id("HYAQA01373");
    assert!(types::SellRequest::try_from(no_items).is_err());
    assert!(types::CartToken::try_from("too-short").is_err());

    let birthdate = "1970-01-31".parse::<types::BirthDate>().unwrap();
    let fine = types::CreateCustomerRequest::builder().external_id("MTD0018232").birthdate(Some(birthdate));
    assert!(types::CreateCustomerRequest::try_from(fine).is_ok());
}

#[test]
fn a_basket_envelope_reads_the_walletable_fee_fields() {
    // The walletable basket examples are cut off in the docs, so no recording holds one;
    // these are their leading fields, enough to show the fee breakdown parses exactly.
    let basket: types::Basket = serde_json::from_str(
        r#"{"pricefix":{"remaining":238,"nextUpdate":"2026-02-20T15:31:57+03:00"},"id":10984,
            "guid":"2695BF07-6963-40FD-9777-21670640745B","order_creation_status":"basket",
            "external_id":null,"increment_id":"59047701704","token":"SKTHzfR4HnKXmcM4XeHfFRUPq6n3jJGL",
            "total":592.34,"paid_total":617.54,"charge_fee":10.37,"charge_fee_rate":1.75,
            "minting_fee":11.85,"storage_fee":1.78,"charges_vat":1.2,"payment":null,"delivery":null}"#,
    )
    .unwrap();
    let fees = [basket.charge_fee, basket.minting_fee, basket.storage_fee, basket.charges_vat];
    let charged = basket.total.unwrap() + fees.iter().map(|f| f.unwrap()).sum::<Decimal>();
    assert_eq!(Some(charged), basket.paid_total);
    assert_eq!(basket.pricefix.remaining, Some(238));
}

/// `x-sensitive` fields print as `<masked>` in the generated types' `Debug`, their
/// builders' too; the field names and the other values still show.
#[test]
fn debug_never_shows_personal_or_card_data() {
    let customer: types::CustomerWithWalletsEnvelope = response("get_customer/get-customer.json");
    let order = response::<types::OrderEnvelope>("get_order/card-payment-get-order.json").data;
    let buy: types::BuyRequest =
        serde_json::from_value(recorded("buy/card-payment-buy-card-token.json", "/request/body")).unwrap();
    let builder = types::Customer::builder().email(Some("ada@example.com".to_string()));
    let shown = [
        format!("{customer:?}"),
        format!("{customer:#?}"),
        format!("{order:?}"),
        format!("{buy:?}"),
        format!("{builder:?}"),
    ];
    for (debug, secrets, names) in [
        (
            &shown[0],
            vec!["customer@example.com", "+905338383888"],
            vec!["email: <masked>", "phone: <masked>"],
        ),
        (&shown[1], vec!["customer@example.com", "+905338383888"], vec!["email: <masked>"]),
        (&shown[2], vec!["\"000\"", "John Due", "404809******7528", "05/28"], vec!["card_cvv: <masked>"]),
        (&shown[3], vec!["\"000\"", "token_HYAQA0171343asd"], vec!["card_token: <masked>"]),
        (&shown[4], vec!["ada@example.com"], vec!["email: <masked>"]),
    ] {
        for secret in secrets {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        for name in names {
            assert!(debug.contains(name), "{name} not in {debug}");
        }
    }
    // Not everything is masked: the customer's id and the card's association show.
    assert!(shown[0].contains(&customer.data.external_id), "{}", shown[0]);
    assert!(shown[2].contains("Visa"), "{}", shown[2]);
}

/// "X or null" (`anyOf: [{$ref: X}, {$ref: NullValue}]`): the generated type and verify
/// agree, on `null` (accepted) and on a value that is neither (refused).
#[test]
fn verify_and_the_generated_type_agree_on_a_nullable_reference() {
    use minted_spec::check::Checker;
    use minted_spec::contract::{Contract, Spec};
    use minted_spec::exchange::{Body, Exchange, Response};

    let contract = Contract::compile(&Spec::embedded().unwrap()).unwrap();
    let checker = Checker { contract: &contract, strict: true };
    let verify_finds = |body: &serde_json::Value| {
        let exchange = Exchange {
            file: "payment".into(),
            entry: None,
            operation: Some("get_order".into()),
            request: None,
            response: Some(Response { status: 200, body: Body::Json(body.clone()) }),
        };
        checker.check(&exchange).1
    };
    let mut order = recorded("get_order/card-payment-get-order.json", "/response/body");
    order["data"]["payment"] = serde_json::Value::Null;
    let typed: types::OrderEnvelope = serde_json::from_value(order.clone()).unwrap();
    assert!(typed.data.payment.is_none());
    assert!(verify_finds(&order).is_empty(), "{:?}", verify_finds(&order));

    order["data"]["payment"] = serde_json::json!("paid");
    assert!(serde_json::from_value::<types::OrderEnvelope>(order.clone()).is_err());
    let findings = verify_finds(&order);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].pointer, "/data/payment");
}
