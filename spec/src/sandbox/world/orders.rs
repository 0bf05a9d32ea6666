//! Orders, kept and found by any of their ids, and deliveries, which make one. Trades
//! and completed baskets keep their orders here too.

use super::call::{Call, Outcome};
use super::customers::{Customers, Holder};
use super::feed::{Feed, metal_name, product_name};
use super::refusal::{Refusal, refuse, utc};
use super::values::{CASH, CASH_CURRENCY_ID, decimal, number, text, valid_amount};
use crate::sandbox::limits::{MAX_ORDER_ID_CHARS, MAX_ORDERS};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::HashMap;

/// What one delivery costs, from the customer's cash: the docs' one example (3 g of
/// gold shipped for 70.01).
pub const DELIVERY_CHARGE: Decimal = Decimal::from_parts(7001, 0, 0, false, 2);

/// An order as kept: without its customer, who is one id here rather than a copy of
/// their fields per order, and is shown as they are when the order is read.
pub(super) struct Kept {
    pub(super) order: Value,
    pub(super) customer: Option<String>,
}

/// Every order, in the order made, and where each of its ids points.
#[derive(Default)]
pub struct Orders {
    pub(super) kept: Vec<Kept>,
    /// guid, order code and external id → the first order that carries it.
    index: HashMap<String, usize>,
}

impl Orders {
    /// Ships metal the customer holds: the metal leaves the wallet, and the delivery
    /// charge leaves the cash wallet; either short is refused before anything moves.
    pub fn create_delivery(&mut self, customers: &mut Customers, feed: &mut Feed, call: Call<'_>) -> Outcome {
        let Call { body, now } = call;
        let customer = text(body.get("customer").unwrap_or(&Value::Null), "external_id");
        customers.check(customer, "body.customer.external_id")?;
        let external_id = text(body, "external_id");
        self.check_new_id(Some(external_id))?;
        self.check_room(1, "body")?;
        let sku = text(body, "sku");
        let Some(product) = feed.recorded().iter().find(|p| p.sku == sku).cloned() else {
            return refuse("body.sku", "the sandbox has no product with this sku");
        };
        let amount = valid_amount(body.get("amount").and_then(decimal).unwrap_or_default(), "body.amount")?;
        let holder = Holder::Customer(customer);
        let wallets = customers.wallets(holder);
        let held = wallets.get(&product.currency_id).copied().unwrap_or_default();
        if amount > held {
            let message = format!("cannot deliver more {sku} than is held ({})", held.normalize());
            return refuse("body.amount", message);
        }
        let cash = wallets.get(&CASH_CURRENCY_ID).copied().unwrap_or_default();
        if cash < DELIVERY_CHARGE {
            let message = format!(
                "the cash wallet ({}) cannot pay the delivery charge ({DELIVERY_CHARGE})",
                cash.normalize()
            );
            return refuse("body.customer.external_id", message);
        }
        let order_at = utc(now)?.format("%d-%m-%Y %H:%M").to_string();
        // Both balances were checked to cover what leaves them: these cannot fail.
        let (metal_left, cash_left) = (held - amount, cash - DELIVERY_CHARGE);
        let wallets = customers.wallets_mut(holder);
        wallets.insert(product.currency_id, metal_left);
        wallets.insert(CASH_CURRENCY_ID, cash_left);
        let product_name = product_name(sku);
        let mut order = json!({
            "guid": feed.guid(),
            "order_code": self.new_code(feed),
            "external_id": external_id,
            "channel": "partner",
            "type": "Delivery",
            "tx_type": "delivery",
            "price_token": null,
            "price": number(DELIVERY_CHARGE),
            "tax": 0,
            "total": number(DELIVERY_CHARGE),
            "currency_code": CASH,
            "status_id": 1,
            "status_name": "Created",
            "order_at": order_at,
            "items": [{
                "item_currency_id": product.currency_id,
                "item_currency_name": metal_name(sku),
                "product_id": product.product_id,
                "sku": sku,
                "product_name": product_name,
                "spot_price": 0,
                "price": 0,
                "tax_rate": 0,
                "tax": 0,
                "amount": number(amount),
                "total": 0,
            }],
            "delivery": {
                "status_id": 1,
                "status_name": "Created",
                "products": [{"product_id": product.product_id, "sku": sku, "product_name": product_name, "amount": number(amount)}],
            },
        });
        self.keep(order.clone(), Some(customer));
        if let Some(profile) = customers.profile(customer) {
            order["customer"] = Value::Object(profile.clone());
        }
        Ok(order)
    }

    /// The order that carries `id` (its guid, order code or external id), with its
    /// customer as they are now; `field` is where the request gave the id.
    pub fn get(&self, id: &str, field: &str, customers: &Customers) -> Outcome {
        match self.index.get(id) {
            Some(&at) => {
                let Kept { order, customer } = &self.kept[at];
                let mut order = order.clone();
                if let Some(profile) = customer.as_deref().and_then(|id| customers.profile(id)) {
                    order["customer"] = Value::Object(profile.clone());
                }
                Ok(order)
            }
            None => refuse(field, "no order has this id"),
        }
    }

    pub fn find(&self, body: &Value, customers: &Customers) -> Outcome {
        for field in ["guid", "order_code", "external_id"] {
            if let Some(id) = body.get(field).and_then(Value::as_str) {
                return self.get(id, &format!("body.{field}"), customers);
            }
        }
        refuse("body", "give the order's guid, order_code or external_id")
    }

    /// An order's `external_id` is new, and short enough to keep on each of its lines.
    pub fn check_new_id(&self, id: Option<&str>) -> Result<(), Refusal> {
        let Some(id) = id else { return Ok(()) };
        if id.chars().count() > MAX_ORDER_ID_CHARS {
            let message = format!("an order's external_id has at most {MAX_ORDER_ID_CHARS} characters");
            return refuse("body.external_id", message);
        }
        if self.carries(id) {
            return refuse("body.external_id", "an order with this external_id already exists");
        }
        Ok(())
    }

    /// Refuses, at `field`, `new` orders more than [`MAX_ORDERS`] leaves room for.
    pub fn check_room(&self, new: usize, field: &str) -> Result<(), Refusal> {
        if self.kept.len() + new > MAX_ORDERS {
            return refuse(field, format!("the sandbox holds at most {MAX_ORDERS} orders"));
        }
        Ok(())
    }

    /// Whether an order carries `id` as its guid, order code or external id.
    pub fn carries(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    /// Keeps an order (without a `customer` field when it names one by `customer`).
    pub fn keep(&mut self, order: Value, customer: Option<&str>) {
        let at = self.kept.len();
        for field in ["guid", "order_code", "external_id"] {
            if let Some(id) = order.get(field).and_then(Value::as_str) {
                self.index.entry(id.to_string()).or_insert(at);
            }
        }
        self.kept.push(Kept { order, customer: customer.map(String::from) });
    }

    /// Eight uppercase letters and digits, as the recorded order codes are, that no
    /// order carries yet.
    pub fn new_code(&self, feed: &mut Feed) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        loop {
            let code: String = (0..8)
                .map(|_| ALPHABET[(feed.next_u64() % ALPHABET.len() as u64) as usize] as char)
                .collect();
            if !self.carries(&code) {
                return code;
            }
        }
    }
}
