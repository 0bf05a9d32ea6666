//! Baskets. No call creates one (a customer fills it in Minted's own web view), so a
//! test seeds them ([`Baskets::add`]); the basket calls read and change them, and
//! completing one buys its metal as a buy order would.

use super::call::{Call, Outcome};
use super::customers::{Customers, Holder};
use super::feed::{Feed, Product, metal_name, product_name};
use super::orders::Orders;
use super::refusal::{Refusal, check_bytes, refuse, too_large};
use super::trading::{Line, Side, Trade, place};
use super::values::{CASH, money, number, text, valid_amount};
use crate::sandbox::limits::{MAX_ADDRESS_BYTES, MAX_BASKETS};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::time::{Duration, SystemTime};

pub(super) struct Basket {
    pub(super) customer: String,
    pub(super) id: u64,
    pub(super) guid: String,
    pub(super) token: String,
    pub(super) increment_id: String,
    /// Each product with its grams, priced when the basket's prices were last fixed.
    pub(super) items: Vec<(Product, Decimal)>,
    pub(super) fixed_until: SystemTime,
    pub(super) ordered: bool,
    /// As Set Custom Address sent them; not echoed (see `spec/SANDBOX.md`).
    pub(super) addresses: Option<Value>,
}

/// Which page of baskets a list shows.
#[derive(Clone, Copy)]
pub struct Page {
    /// From 1.
    page: u64,
    per_page: u64,
}

impl Page {
    /// The page a request asks for: page 1 and 10 baskets a page unless it says, a
    /// page of 1 to 100 baskets, and any page text that is not a number read as unsaid.
    pub fn asked(page: Option<&str>, per_page: Option<&str>) -> Page {
        let number =
            |value: Option<&str>, default: u64| value.and_then(|v| v.parse().ok()).unwrap_or(default);
        Page { page: number(page, 1).max(1), per_page: number(per_page, 10).clamp(1, 100) }
    }
}

/// Every basket, open or completed, and how long a basket's prices stay fixed.
pub struct Baskets {
    token_ttl: Duration,
    pub(super) all: Vec<Basket>,
}

impl Baskets {
    pub fn new(token_ttl: Duration) -> Baskets {
        Baskets { token_ttl, all: Vec::new() }
    }

    /// Seeds an open basket for a customer, with grams of products of the recorded
    /// price fix; returns its cart token.
    pub fn add(
        &mut self,
        customers: &Customers,
        feed: &mut Feed,
        customer: &str,
        items: &[(&str, Decimal)],
        now: SystemTime,
    ) -> Result<String, Refusal> {
        customers.check(customer, "external_customer_id")?;
        if self.all.len() >= MAX_BASKETS {
            return refuse(
                "external_customer_id",
                format!("the sandbox holds at most {MAX_BASKETS} baskets"),
            );
        }
        let prices = feed.step().to_vec();
        let mut lines = Vec::new();
        for (index, (sku, grams)) in items.iter().enumerate() {
            let Some(product) = prices.iter().find(|p| p.sku == *sku) else {
                return refuse(&format!("items.{index}.sku"), "the sandbox has no product with this sku");
            };
            lines.push((product.clone(), valid_amount(*grams, &format!("items.{index}.amount"))?));
        }
        let basket = Basket {
            customer: customer.into(),
            id: self.all.len() as u64 + 1,
            guid: feed.guid(),
            token: feed.token(),
            increment_id: format!("{:011}", feed.next_u64() % 100_000_000_000),
            items: lines,
            fixed_until: now.checked_add(self.token_ttl).unwrap_or(now),
            ordered: false,
            addresses: None,
        };
        let token = basket.token.clone();
        self.all.push(basket);
        Ok(token)
    }

    /// A page of the customer's baskets not yet completed; `field` names the
    /// parameter that gave the customer.
    pub fn list(
        &mut self,
        customers: &Customers,
        feed: &mut Feed,
        customer: &str,
        field: &str,
        Page { page, per_page }: Page,
        now: SystemTime,
    ) -> Outcome {
        customers.check(customer, field)?;
        let open: Vec<usize> = (0..self.all.len())
            .filter(|&i| !self.all[i].ordered && self.all[i].customer == customer)
            .collect();
        let skipped = (page - 1).saturating_mul(per_page).min(open.len() as u64) as usize;
        let shown: Vec<usize> = open.iter().copied().skip(skipped).take(per_page as usize).collect();
        let data = shown
            .iter()
            .map(|&i| self.json(i, customers, feed, now))
            .collect::<Result<Vec<Value>, Refusal>>()?;
        let last_page = (open.len() as u64).div_ceil(per_page).max(1);
        let url = |page: u64| format!("/partner/ecom/baskets?page={page}");
        Ok(json!({
            "current_page": page,
            "data": data,
            "first_page_url": url(1),
            "from": if shown.is_empty() { 0 } else { skipped + 1 },
            "last_page": last_page,
            "last_page_url": url(last_page),
            "links": [],
            "next_page_url": (page < last_page).then(|| url(page + 1)),
            "path": "/partner/ecom/baskets",
            "per_page": per_page,
            "prev_page_url": (page > 1).then(|| url(page - 1)),
            "to": skipped + shown.len(),
            "total": open.len(),
        }))
    }

    /// The basket a call names by customer and cart token; `open` refuses a completed one.
    fn at(
        &self,
        customers: &Customers,
        body: &Value,
        customer_field: &str,
        open: bool,
    ) -> Result<usize, Refusal> {
        let customer = text(body, customer_field);
        customers.check(customer, &format!("body.{customer_field}"))?;
        let token = text(body, "cart_token");
        let Some(at) = self.all.iter().position(|b| b.token == token && b.customer == customer) else {
            return refuse("body.cart_token", "the customer has no basket with this cart token");
        };
        if open && self.all[at].ordered {
            return refuse("body.cart_token", "the basket is already completed");
        }
        Ok(at)
    }

    pub fn get(&mut self, customers: &Customers, feed: &mut Feed, call: Call<'_>) -> Outcome {
        let at = self.at(customers, call.body, "customer_external_id", false)?;
        self.json(at, customers, feed, call.now)
    }

    pub fn clear(&mut self, customers: &Customers, feed: &mut Feed, call: Call<'_>) -> Outcome {
        let at = self.at(customers, call.body, "external_customer_id", true)?;
        self.all[at].items.clear();
        self.json(at, customers, feed, call.now)
    }

    pub fn set_address(&mut self, customers: &Customers, body: &Value) -> Outcome {
        let at = self.at(customers, body, "external_customer_id", true)?;
        let addresses = json!({"shipping": body.get("shipping"), "billing": body.get("billing")});
        check_bytes(&addresses, MAX_ADDRESS_BYTES, "body", "of a basket's addresses")?;
        self.all[at].addresses = Some(addresses);
        Ok(json!({}))
    }

    pub fn remove_item(&mut self, customers: &Customers, body: &Value) -> Outcome {
        let at = self.at(customers, body, "external_customer_id", true)?;
        let position = self.item_at(at, body)?;
        self.all[at].items.remove(position);
        Ok(json!({}))
    }

    /// Sets an item's grams; a quantity of 0 removes it.
    pub fn update_item(&mut self, customers: &Customers, body: &Value) -> Outcome {
        let at = self.at(customers, body, "external_customer_id", true)?;
        let position = self.item_at(at, body)?;
        match body.get("qty").and_then(Value::as_u64) {
            Some(0) => drop(self.all[at].items.remove(position)),
            Some(qty) => self.all[at].items[position].1 = Decimal::from(qty),
            None => return refuse("body.qty", "a quantity is a whole number of 0 or more"),
        }
        Ok(json!({}))
    }

    fn item_at(&self, at: usize, body: &Value) -> Result<usize, Refusal> {
        let sku = text(body, "sku");
        match self.all[at].items.iter().position(|(product, _)| product.sku == sku) {
            Some(position) => Ok(position),
            None => refuse("body.sku", "the basket has no item with this sku"),
        }
    }

    /// Buys the basket's metal at its prices (fixed again if they lapsed): one buy
    /// order per item, under the basket's `increment_id`, and the basket becomes an order.
    pub fn complete_buy(
        &mut self,
        customers: &mut Customers,
        orders: &mut Orders,
        feed: &mut Feed,
        call: Call<'_>,
    ) -> Outcome {
        let Call { body, now } = call;
        let at = self.at(customers, body, "external_customer_id", true)?;
        if self.all[at].items.is_empty() {
            return refuse("body.cart_token", "the basket is empty");
        }
        if orders.carries(&self.all[at].increment_id) {
            return refuse("body.cart_token", "an order with this basket's increment_id already exists");
        }
        orders.check_room(self.all[at].items.len(), "body.cart_token")?;
        self.refix(at, feed, now);
        let lines = self.all[at]
            .items
            .iter()
            .enumerate()
            .map(|(index, (product, grams))| Line::priced(index, product.clone(), *grams, product.buy))
            .collect::<Result<Vec<Line>, Refusal>>()?;
        let basket = &self.all[at];
        let order = json!({"external_id": basket.increment_id});
        let trade = Trade { holder: Holder::Customer(&basket.customer), side: Side::Buy, lines };
        place(customers, orders, feed, Call { body: &order, now }, trade)?;
        self.all[at].ordered = true;
        Ok(json!({}))
    }

    /// Lapsed prices are fixed again from the feed, as the basket's `pricefix` says.
    fn refix(&mut self, at: usize, feed: &mut Feed, now: SystemTime) -> bool {
        if self.all[at].fixed_until > now {
            return false;
        }
        let prices = feed.step().to_vec();
        let basket = &mut self.all[at];
        for (product, _) in &mut basket.items {
            if let Some(fresh) = prices.iter().find(|p| p.sku == product.sku) {
                *product = fresh.clone();
            }
        }
        basket.fixed_until = now.checked_add(self.token_ttl).unwrap_or(now);
        true
    }

    /// The basket as its calls answer it; a total too large to sum is refused.
    fn json(&mut self, at: usize, customers: &Customers, feed: &mut Feed, now: SystemTime) -> Outcome {
        let updated = !self.all[at].ordered && self.refix(at, feed, now);
        let basket = &self.all[at];
        let remaining = match basket.fixed_until.duration_since(now) {
            Ok(left) => left.as_secs() as i64,
            Err(past) => -(past.duration().as_secs() as i64),
        };
        let mut total = Decimal::ZERO;
        let items = basket
            .items
            .iter()
            .map(|(product, grams)| {
                let line = product.buy.checked_mul(*grams).map(money);
                let sum = line.and_then(|line| total.checked_add(line));
                let (Some(line), Some(sum)) = (line, sum) else {
                    return Err(too_large("body.cart_token"));
                };
                total = sum;
                Ok(json!({
                    "item_currency_id": product.currency_id,
                    "item_currency_name": metal_name(&product.sku),
                    "product_id": product.product_id,
                    "sku": product.sku,
                    "product_name": product_name(&product.sku),
                    "spot_price": number(product.spot),
                    "price": number(product.buy),
                    "tax_rate": 0,
                    "tax": 0,
                    "amount": number(*grams),
                    "total": number(line),
                }))
            })
            .collect::<Result<Vec<Value>, Refusal>>()?;
        Ok(json!({
            "pricefix": {"remaining": remaining, "updated": updated},
            "id": basket.id,
            "guid": basket.guid,
            "order_creation_status": if basket.ordered { "order" } else { "basket" },
            "token": basket.token,
            "increment_id": basket.increment_id,
            "type": "buy",
            "price": number(total),
            "tax": 0,
            "total": number(total),
            "paid_total": number(total),
            "currency_code": CASH,
            "customer": customers.profile(&basket.customer).map(|profile| Value::Object(profile.clone())),
            "items": items,
        }))
    }
}
