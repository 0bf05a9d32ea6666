//! Baskets. No call creates one (a customer fills it in Minted's own web view), so a
//! test seeds them ([`World::add_basket`]); the basket calls read and change them,
//! and completing one buys its metal as a buy order would.

use super::trading::{Line, Side};
use super::*;

pub(super) struct Basket {
    customer: String,
    id: u64,
    guid: String,
    token: String,
    increment_id: String,
    /// Each product with its grams, priced when the basket's prices were last fixed.
    items: Vec<(Product, Decimal)>,
    fixed_until: SystemTime,
    ordered: bool,
    /// As Set Custom Address sent them; not echoed (see `spec/SANDBOX.md`).
    addresses: Option<Value>,
}

impl World {
    /// Seeds an open basket for a customer, with grams of products of the recorded
    /// price fix; returns its cart token.
    pub fn add_basket(
        &mut self,
        customer: &str,
        items: &[(&str, Decimal)],
        now: SystemTime,
    ) -> Result<String, Refusal> {
        self.customer(customer, "external_customer_id")?;
        if self.baskets.len() >= MAX_BASKETS {
            return refuse(
                "external_customer_id",
                format!("the sandbox holds at most {MAX_BASKETS} baskets"),
            );
        }
        let prices = self.feed.step().to_vec();
        let mut lines = Vec::new();
        for (index, (sku, grams)) in items.iter().enumerate() {
            let Some(product) = prices.iter().find(|p| p.sku == *sku) else {
                return refuse(&format!("items.{index}.sku"), "the sandbox has no product with this sku");
            };
            lines.push((product.clone(), valid_amount(*grams, &format!("items.{index}.amount"))?));
        }
        let basket = Basket {
            customer: customer.into(),
            id: self.baskets.len() as u64 + 1,
            guid: self.guid(),
            token: self.token(),
            increment_id: format!("{:011}", self.feed.next_u64() % 100_000_000_000),
            items: lines,
            fixed_until: now.checked_add(self.genesis.token_ttl).unwrap_or(now),
            ordered: false,
            addresses: None,
        };
        let token = basket.token.clone();
        self.baskets.push(basket);
        Ok(token)
    }

    /// A page of the customer's baskets not yet completed.
    pub fn list_baskets(&mut self, query: &[(String, String)], now: SystemTime) -> Result<Value, Refusal> {
        let value = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let customer = value("customer_external_id").unwrap_or("");
        self.customer(customer, "query.customer_external_id")?;
        let number = |name: &str, default: u64| value(name).and_then(|v| v.parse().ok()).unwrap_or(default);
        let (page, per_page) = (number("page", 1).max(1), number("total", 10).clamp(1, 100));
        let open: Vec<usize> = (0..self.baskets.len())
            .filter(|&i| !self.baskets[i].ordered && self.baskets[i].customer == customer)
            .collect();
        let skipped = (page - 1).saturating_mul(per_page).min(open.len() as u64) as usize;
        let shown: Vec<usize> = open.iter().copied().skip(skipped).take(per_page as usize).collect();
        let data =
            shown.iter().map(|&i| self.basket_json(i, now)).collect::<Result<Vec<Value>, Refusal>>()?;
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
    fn basket_at(&self, body: &Value, customer_field: &str, open: bool) -> Result<usize, Refusal> {
        let customer = text(body, customer_field);
        self.customer(customer, &format!("body.{customer_field}"))?;
        let token = text(body, "cart_token");
        let Some(at) = self.baskets.iter().position(|b| b.token == token && b.customer == customer) else {
            return refuse("body.cart_token", "the customer has no basket with this cart token");
        };
        if open && self.baskets[at].ordered {
            return refuse("body.cart_token", "the basket is already completed");
        }
        Ok(at)
    }

    pub fn get_basket(&mut self, body: &Value, now: SystemTime) -> Result<Value, Refusal> {
        let at = self.basket_at(body, "customer_external_id", false)?;
        self.basket_json(at, now)
    }

    pub fn clear_basket(&mut self, body: &Value, now: SystemTime) -> Result<Value, Refusal> {
        let at = self.basket_at(body, "external_customer_id", true)?;
        self.baskets[at].items.clear();
        self.basket_json(at, now)
    }

    pub fn set_basket_address(&mut self, body: &Value) -> Result<Value, Refusal> {
        let at = self.basket_at(body, "external_customer_id", true)?;
        let addresses = json!({"shipping": body.get("shipping"), "billing": body.get("billing")});
        check_bytes(&addresses, MAX_ADDRESS_BYTES, "body", "of a basket's addresses")?;
        self.baskets[at].addresses = Some(addresses);
        Ok(json!({}))
    }

    pub fn remove_basket_item(&mut self, body: &Value) -> Result<Value, Refusal> {
        let at = self.basket_at(body, "external_customer_id", true)?;
        let position = self.item_at(at, body)?;
        self.baskets[at].items.remove(position);
        Ok(json!({}))
    }

    /// Sets an item's grams; a quantity of 0 removes it.
    pub fn update_basket_item(&mut self, body: &Value) -> Result<Value, Refusal> {
        let at = self.basket_at(body, "external_customer_id", true)?;
        let position = self.item_at(at, body)?;
        match body.get("qty").and_then(Value::as_u64) {
            Some(0) => drop(self.baskets[at].items.remove(position)),
            Some(qty) => self.baskets[at].items[position].1 = Decimal::from(qty),
            None => return refuse("body.qty", "a quantity is a whole number of 0 or more"),
        }
        Ok(json!({}))
    }

    fn item_at(&self, at: usize, body: &Value) -> Result<usize, Refusal> {
        let sku = text(body, "sku");
        match self.baskets[at].items.iter().position(|(product, _)| product.sku == sku) {
            Some(position) => Ok(position),
            None => refuse("body.sku", "the basket has no item with this sku"),
        }
    }

    /// Buys the basket's metal at its prices (fixed again if they lapsed): one buy
    /// order per item, under the basket's `increment_id`, and the basket becomes an order.
    pub fn complete_buy(&mut self, body: &Value, now: SystemTime) -> Result<Value, Refusal> {
        let at = self.basket_at(body, "external_customer_id", true)?;
        if self.baskets[at].items.is_empty() {
            return refuse("body.cart_token", "the basket is empty");
        }
        if self.index.contains_key(&self.baskets[at].increment_id) {
            return refuse("body.cart_token", "an order with this basket's increment_id already exists");
        }
        if self.orders.len() + self.baskets[at].items.len() > MAX_ORDERS {
            return refuse("body.cart_token", format!("the sandbox holds at most {MAX_ORDERS} orders"));
        }
        self.refix(at, now);
        let lines = self.baskets[at]
            .items
            .iter()
            .enumerate()
            .map(|(index, (product, grams))| Line::priced(index, product.clone(), *grams, product.buy))
            .collect::<Result<Vec<Line>, Refusal>>()?;
        let basket = &self.baskets[at];
        let (customer, order) = (basket.customer.clone(), json!({"external_id": basket.increment_id}));
        self.place(&order, Holder::Customer(&customer), lines, Side::Buy, now)?;
        self.baskets[at].ordered = true;
        Ok(json!({}))
    }

    /// Lapsed prices are fixed again from the feed, as the basket's `pricefix` says.
    fn refix(&mut self, at: usize, now: SystemTime) -> bool {
        if self.baskets[at].fixed_until > now {
            return false;
        }
        let prices = self.feed.step().to_vec();
        let basket = &mut self.baskets[at];
        for (product, _) in &mut basket.items {
            if let Some(fresh) = prices.iter().find(|p| p.sku == product.sku) {
                *product = fresh.clone();
            }
        }
        basket.fixed_until = now.checked_add(self.genesis.token_ttl).unwrap_or(now);
        true
    }

    /// The basket as its calls answer it; a total too large to sum is refused.
    fn basket_json(&mut self, at: usize, now: SystemTime) -> Result<Value, Refusal> {
        let updated = !self.baskets[at].ordered && self.refix(at, now);
        let basket = &self.baskets[at];
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
                    "product_name": format!("{} - Digital storage", metal_name(&product.sku)),
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
            "customer": self.customers.get(&basket.customer).map(|c| Value::Object(c.profile.clone())),
            "items": items,
        }))
    }
}
