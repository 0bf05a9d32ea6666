//! A server newer than the spec: the sandbox, with a value no enum of the spec lists
//! in every enum field of the responses, and a field the spec does not declare.

use minted_spec::sandbox::{Running, Sandbox};
use serde_json::Value;

/// What the newer server sends: the operation, where in its response body, the value.
/// Together they reach every enum field the client reads as `Received`
/// ([`received_fields`]), `BillingAddress` through an order's and a basket's address.
pub const UNLISTED: &[(&str, &str, &str)] = &[
    ("price_fix", "/data/currency", "XAU"),
    ("get_order", "/data/status_name", "On Hold"),
    ("get_order", "/data/payment_type", "wallet"),
    ("get_order", "/data/type", "Swap"),
    ("get_order", "/data/address/billing/invoice_type", "Government"),
    ("find_order", "/data/status_name", "Disputed"),
    ("find_order", "/data/payment_type", "voucher"),
    ("find_order", "/data/type", "Gift"),
    ("create_delivery", "/data/status_name", "In Transit"),
    ("create_delivery", "/data/payment_type", "bank-transfer"),
    ("create_delivery", "/data/type", "Collection"),
    ("get_ecom_order", "/data/order_creation_status", "abandoned"),
    ("get_ecom_order", "/data/billingaddress/invoice_type", "Charity"),
    ("complete_delivery", "/data/order_creation_status", "returned"),
];

/// The field the newer server adds to the `data` of each answer above.
pub const ADDED_FIELD: &str = "loyalty_tier";

/// Every `Struct.field` of the generated types that `build.rs` reads as `Received`.
pub fn received_fields() -> Vec<&'static str> {
    include_str!(concat!(env!("OUT_DIR"), "/received_fields.txt")).lines().collect()
}

/// The values [`UNLISTED`] has for `operation`: where in the body, and what.
pub fn unlisted_in(operation: &str) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
    UNLISTED.iter().filter(move |(op, _, _)| *op == operation).map(|(_, pointer, value)| (*pointer, *value))
}

/// The sandbox with its answers changed as [`UNLISTED`] and [`ADDED_FIELD`] say.
pub async fn sandbox() -> Running {
    Sandbox::default()
        .log(|_| {})
        .transform(|operation, body| {
            for (pointer, value) in unlisted_in(operation) {
                set(body, pointer, value.into());
            }
            if UNLISTED.iter().any(|(op, _, _)| *op == operation) {
                set(body, &format!("/data/{ADDED_FIELD}"), "gold".into());
            }
        })
        .start(([127, 0, 0, 1], 0).into())
        .await
        .unwrap()
}

/// Puts `value` at `pointer`, making the objects on the way where there are none.
fn set(body: &mut Value, pointer: &str, value: Value) {
    let mut at = body;
    for key in pointer.split('/').skip(1) {
        if !at.is_object() {
            *at = Value::Object(Default::default());
        }
        at = at.as_object_mut().unwrap().entry(key).or_insert(Value::Null);
    }
    *at = value;
}
