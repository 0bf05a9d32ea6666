//! The first state: what the recordings hold (their products, customers and orders)
//! with the seed and the tokens' lifetime, and each area's state made from it. A reset
//! and a fault's recovery start again from the same genesis, so it is kept whole.

use super::customers::{Balances, Customers};
use super::feed::{Feed, Product, recorded_products};
use super::orders::Orders;
use super::trading::Side;
use super::values::{CASH, decimal};
use serde_json::{Map, Value, json};
use std::time::Duration;

/// How a world starts: its seed, token lifetime, and what the recordings hold.
#[derive(Clone)]
pub struct Genesis {
    pub seed: u64,
    pub token_ttl: Duration,
    pub products: Vec<Product>,
    /// Recorded customers: the profile, and balances by currency id.
    pub customers: Vec<(Map<String, Value>, Balances)>,
    pub orders: Vec<Value>,
}

impl Genesis {
    /// The products of the first recorded price fix, and the customers and orders the
    /// recordings show or their requests name, so that their ids answer. A recorded order that does not say
    /// its type or currency (Get Order's examples) is taken as a buy in GBP, as Find
    /// Order must say both.
    pub fn recorded(
        seed: u64,
        token_ttl: Duration,
        recorded: impl Fn(&str) -> Vec<Value>,
        named_customers: Vec<String>,
    ) -> Genesis {
        let products = recorded("price_fix").iter().map(recorded_products).find(|p| !p.is_empty());
        let mut customers = Vec::new();
        let profile = |data: &Value| data.as_object().cloned().filter(|c| c.contains_key("external_id"));
        for data in recorded("get_customer").iter().chain(&recorded("create_customer")) {
            let Some(mut customer) = profile(data) else { continue };
            let wallets = customer.remove("wallets").and_then(|w| w.as_array().cloned()).unwrap_or_default();
            let balances = wallets
                .iter()
                .filter_map(|w| Some((w.get("currency_id")?.as_i64()?, decimal(w.get("balance")?)?)))
                .collect();
            customers.push((customer, balances));
        }
        let mut orders = Vec::new();
        for mut order in recorded("get_order").into_iter().chain(recorded("find_order")) {
            if let Some(customer) = order.get("customer").and_then(profile) {
                customers.push((customer, Vec::new()));
            }
            if let Some(order) = order.as_object_mut() {
                order.entry("type").or_insert_with(|| Value::from(Side::Buy.name()));
                order.entry("currency_code").or_insert_with(|| Value::from(CASH));
                orders.push(Value::Object(order.clone()));
            }
        }
        // A customer a recorded request names but no recording shows: the id alone,
        // with the fields a customer's answers require, empty.
        for id in named_customers {
            let profile =
                json!({"external_id": id, "firstname": "", "email": "", "phone": "", "fullname": ""});
            if let Value::Object(profile) = profile {
                customers.push((profile, Vec::new()));
            }
        }
        Genesis { seed, token_ttl, products: products.unwrap_or_default(), customers, orders }
    }

    /// The feed at the recorded prices, its seeded stream at its start.
    pub fn feed(&self) -> Feed {
        Feed::new(self.products.clone(), self.seed)
    }

    /// The recorded customers with their balances (the first recording of an id wins).
    pub fn customers(&self) -> Customers {
        let mut customers = Customers::default();
        for (profile, balances) in &self.customers {
            customers.keep_recorded(profile.clone(), balances.iter().copied().collect());
        }
        customers
    }

    /// The recorded orders, each kept as the recording shows it: its customer is the
    /// recorded copy, not a link to a kept customer.
    pub fn orders(&self) -> Orders {
        let mut orders = Orders::default();
        for order in &self.orders {
            orders.keep(order.clone(), None);
        }
        orders
    }
}
