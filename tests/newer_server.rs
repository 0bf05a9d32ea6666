//! A server newer than the spec (`support::newer`) sends values no enum of the spec
//! lists, in every enum field of the responses, and a field the spec does not declare:
//! the calls succeed, each value reads as `Received::Unlisted`, kept, printed and
//! written back as sent.

mod support;

use minted_connect::prelude::*;
use minted_connect::{IntoData, Received, types};
use minted_spec::sandbox::Holder;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeSet;
use std::fmt::Display;
use support::{newer, recorded};

/// How the client read one field: the unlisted value it kept, and how it prints.
#[derive(Debug, PartialEq)]
struct Read {
    unlisted: Option<String>,
    printed: Option<String>,
}

fn read<E: Display>(field: Option<&Received<E>>) -> Read {
    let unlisted = match field {
        Some(Received::Unlisted(unlisted)) => Some(unlisted.as_str().to_string()),
        _ => None,
    };
    Read { unlisted, printed: field.map(ToString::to_string) }
}

/// Checks what the client made of `operation`'s answer: each field (`Struct.field`,
/// where the server put it, how it was read) holds the unlisted value as sent, every
/// value sent is among them, and the typed `data` writes each back as sent, without
/// the added field. Notes the fields checked in `checked`.
#[track_caller]
fn assert_read_as_sent(
    checked: &mut BTreeSet<&'static str>,
    operation: &str,
    data: &impl Serialize,
    fields: Vec<(&'static str, &str, Read)>,
) {
    let sent: Vec<(&str, &str)> = newer::unlisted_in(operation).collect();
    let pointers: BTreeSet<&str> = fields.iter().map(|(_, pointer, _)| *pointer).collect();
    assert_eq!(pointers, sent.iter().map(|(pointer, _)| *pointer).collect(), "{operation}");
    let written = serde_json::to_value(data).unwrap();
    for (field, pointer, read) in fields {
        let value = sent.iter().find(|(at, _)| *at == pointer).map(|(_, value)| value.to_string());
        assert_eq!(read, Read { unlisted: value.clone(), printed: value.clone() }, "{field}");
        let at = pointer.strip_prefix("/data").unwrap();
        assert_eq!(written.pointer(at).and_then(|v| v.as_str()), value.as_deref(), "{field} written back");
        checked.insert(field);
    }
    assert_eq!(written.get(newer::ADDED_FIELD), None, "{operation}: the added field is not kept");
}

#[tokio::test]
async fn every_unlisted_enum_value_is_read_kept_printed_and_written_back_as_sent() {
    let running = newer::sandbox().await;
    let client = support::sandbox_client(&running);
    let mut checked = BTreeSet::new();

    let fix = types::PriceFixRequest::builder().type_("digital");
    let fix = client.price_fix().body(fix).send().await.into_data().unwrap();
    let fields = vec![("PriceFix.currency", "/data/currency", read(Some(&fix.currency)))];
    assert_read_as_sent(&mut checked, "price_fix", &fix, fields);

    let order = client.get_order().external_order_id("HYAQA01373").send().await.into_data().unwrap();
    let billing = order.address.as_ref().and_then(|address| address.billing.as_ref());
    let fields = vec![
        ("Order.status_name", "/data/status_name", read(order.status_name.as_ref())),
        ("Order.payment_type", "/data/payment_type", read(order.payment_type.as_ref())),
        ("Order.type_", "/data/type", read(order.type_.as_ref())),
        (
            "BillingAddress.invoice_type",
            "/data/address/billing/invoice_type",
            read(billing.and_then(|billing| billing.invoice_type.as_ref())),
        ),
    ];
    assert_read_as_sent(&mut checked, "get_order", &order, fields);

    let guid = recorded("find_order/get-order-alternative.json", "/response/body/data/guid");
    let find = types::FindOrderRequest::builder().guid(guid.as_str().map(str::to_string));
    let found = client.find_order().body(find).send().await.into_data().unwrap();
    let fields = vec![
        ("FoundOrder.status_name", "/data/status_name", read(found.status_name.as_ref())),
        ("FoundOrder.payment_type", "/data/payment_type", read(found.payment_type.as_ref())),
        ("FoundOrder.type_", "/data/type", read(Some(&found.type_))),
    ];
    assert_read_as_sent(&mut checked, "find_order", &found, fields);

    // The recorded delivery ships 3 g of gold the customer must hold, paid from cash.
    let owner = "MTD0018232";
    running.set_balance(Holder::Customer(owner), "MAU", Decimal::from(5)).unwrap();
    running.set_balance(Holder::Customer(owner), "GBP", Decimal::from(100)).unwrap();
    let delivery: types::DeliveryRequest = serde_json::from_value(recorded(
        "create_delivery/delivery-create-pay-with-cash.json",
        "/request/body",
    ))
    .unwrap();
    let delivery = client.create_delivery().body(delivery).send().await.into_data().unwrap();
    let fields = vec![
        ("DeliveryOrder.status_name", "/data/status_name", read(delivery.status_name.as_ref())),
        ("DeliveryOrder.payment_type", "/data/payment_type", read(delivery.payment_type.as_ref())),
        ("DeliveryOrder.type_", "/data/type", read(delivery.type_.as_ref())),
    ];
    assert_read_as_sent(&mut checked, "create_delivery", &delivery, fields);

    let token = running.add_basket(owner, &[("GAU", Decimal::ONE)]).unwrap();
    let basket = serde_json::from_value::<types::GetEcomOrderRequest>(
        json!({"customer_external_id": owner, "cart_token": token}),
    )
    .unwrap();
    let basket = client.get_ecom_order().body(basket).send().await.into_data().unwrap();
    let billing = basket.billingaddress.as_ref().and_then(|billing| billing.invoice_type.as_ref());
    let fields = vec![
        (
            "Basket.order_creation_status",
            "/data/order_creation_status",
            read(Some(&basket.order_creation_status)),
        ),
        ("BillingAddress.invoice_type", "/data/billingaddress/invoice_type", read(billing)),
    ];
    assert_read_as_sent(&mut checked, "get_ecom_order", &basket, fields);

    let empty = types::OpenBody(serde_json::Map::new());
    let delivered = client.complete_delivery().body(empty).send().await.into_data().unwrap();
    let status = read(Some(&delivered.order_creation_status));
    let fields = vec![("BasketFields.order_creation_status", "/data/order_creation_status", status)];
    assert_read_as_sent(&mut checked, "complete_delivery", &delivered, fields);

    assert_eq!(checked, newer::received_fields().into_iter().collect(), "every field read as Received");
}

/// What a partner's code does with such a value: match on it, print it, compare it.
#[tokio::test]
async fn an_unlisted_status_is_matched_and_printed_like_a_listed_one() {
    let running = newer::sandbox().await;
    let client = support::sandbox_client(&running);
    let order = client.get_order().external_order_id("HYAQA01373").send().await.into_data().unwrap();
    let status = order.status_name.expect("a status");
    let said = match &status {
        Received::Listed(types::OrderStatus::Completed) => "completed".to_string(),
        Received::Listed(listed) => format!("listed {listed}"),
        Received::Unlisted(new) => format!("new status {new}"),
    };
    assert_eq!(said, "new status On Hold");
    assert_eq!((status.as_str(), status.listed()), ("On Hold", None));
    assert_ne!(status, types::OrderStatus::Completed);
    assert_eq!(format!("{status:?}"), r#"Unlisted(Unlisted("On Hold"))"#);
}
