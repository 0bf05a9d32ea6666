//! Which operations the world answers, and the rule that answers each.

use super::baskets::Page;
use super::refusal::Refusal;
use super::state::World;
use serde_json::Value;
use std::time::SystemTime;

/// The operations answered from the state; the others answer from the recordings.
pub const SIMULATED: [&str; 19] = [
    "create_customer",
    "get_customer",
    "update_customer",
    "get_customer_balance",
    "create_customer_address",
    "price_fix",
    "buy",
    "sell",
    "get_order",
    "find_order",
    "create_delivery",
    "get_walletable_balance",
    "list_incomplete_baskets",
    "get_ecom_order",
    "clear_basket",
    "set_basket_address",
    "remove_basket_item",
    "update_basket_item",
    "complete_buy",
];

/// The `data` of the answer to `operation`, or `None` when it is not one of
/// [`SIMULATED`] (it is then answered from the recordings).
pub fn answer(
    world: &mut World,
    operation: &str,
    path: &[(String, String)],
    query: &[(String, String)],
    body: Option<&Value>,
    now: SystemTime,
) -> Option<Result<Value, Refusal>> {
    let empty = Value::Null;
    let body = body.unwrap_or(&empty);
    let path_value = |name: &str| path.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str());
    let query_value = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let World { feed, customers, fixes, orders, baskets, .. } = world;
    let products = feed.recorded();
    Some(match operation {
        "create_customer" => customers.create(body),
        "get_customer" => {
            customers.get(path_value("external_customer_id"), "path.external_customer_id", products)
        }
        "update_customer" => {
            customers.update(path_value("external_customer_id"), "path.external_customer_id", body)
        }
        "get_customer_balance" => {
            customers.balances(path_value("customer_external_id"), "path.customer_external_id", products)
        }
        "price_fix" => fixes.price_fix(customers, feed, body, now),
        "buy" => fixes.buy(customers, orders, feed, body, now),
        "sell" => fixes.sell(customers, orders, feed, body, now),
        "get_order" => orders.get(path_value("external_order_id"), "path.external_order_id", customers),
        "find_order" => orders.find(body, customers),
        "create_delivery" => orders.create_delivery(customers, feed, body, now),
        "create_customer_address" => customers.create_address(body),
        "list_incomplete_baskets" => baskets.list(
            customers,
            feed,
            query_value("customer_external_id").unwrap_or(""),
            "query.customer_external_id",
            Page::asked(query_value("page"), query_value("total")),
            now,
        ),
        "get_ecom_order" => baskets.get(customers, feed, body, now),
        "clear_basket" => baskets.clear(customers, feed, body, now),
        "set_basket_address" => baskets.set_address(customers, body),
        "remove_basket_item" => baskets.remove_item(customers, body),
        "update_basket_item" => baskets.update_item(customers, body),
        "complete_buy" => baskets.complete_buy(customers, orders, feed, body, now),
        "get_walletable_balance" => customers.holdings(
            query_value("external_customer_id"),
            "query.external_customer_id",
            query_value("metal_type"),
            products,
        ),
        _ => return None,
    })
}
