//! Orders, kept and found by any of their ids, and deliveries, which make one.

use super::*;

impl World {
    /// Ships metal the customer holds: the metal leaves the wallet, and the delivery
    /// charge leaves the cash wallet; either short is refused before anything moves.
    pub fn create_delivery(&mut self, body: &Value, now: SystemTime) -> Result<Value, Refusal> {
        let customer = text(body.get("customer").unwrap_or(&Value::Null), "external_id");
        self.customer(customer, "body.customer.external_id")?;
        let external_id = text(body, "external_id");
        self.check_new_order_id(Some(external_id))?;
        if self.orders.len() >= MAX_ORDERS {
            return refuse("body", format!("the sandbox holds at most {MAX_ORDERS} orders"));
        }
        let sku = text(body, "sku");
        let Some(product) = self.feed.recorded().iter().find(|p| p.sku == sku).cloned() else {
            return refuse("body.sku", "the sandbox has no product with this sku");
        };
        let amount = valid_amount(body.get("amount").and_then(decimal).unwrap_or_default(), "body.amount")?;
        let holder = Holder::Customer(customer);
        let wallets = self.wallets(holder);
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
        let wallets = self.wallets_mut(holder);
        wallets.insert(product.currency_id, metal_left);
        wallets.insert(CASH_CURRENCY_ID, cash_left);
        let product_name = format!("{} - Digital storage", metal_name(sku));
        let mut order = json!({
            "guid": self.guid(),
            "order_code": self.order_code(),
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
        self.keep_order(order.clone(), Some(customer));
        if let Some(customer) = self.customers.get(customer) {
            order["customer"] = Value::Object(customer.profile.clone());
        }
        Ok(order)
    }

    pub fn order(&self, id: &str, field: &str) -> Result<Value, Refusal> {
        match self.index.get(id) {
            Some(&at) => {
                let Kept { order, customer } = &self.orders[at];
                let mut order = order.clone();
                if let Some(customer) = customer.as_ref().and_then(|id| self.customers.get(id)) {
                    order["customer"] = Value::Object(customer.profile.clone());
                }
                Ok(order)
            }
            None => refuse(field, "no order has this id"),
        }
    }

    pub fn find_order(&self, body: &Value) -> Result<Value, Refusal> {
        for field in ["guid", "order_code", "external_id"] {
            if let Some(id) = body.get(field).and_then(Value::as_str) {
                return self.order(id, &format!("body.{field}"));
            }
        }
        refuse("body", "give the order's guid, order_code or external_id")
    }

    /// An order's `external_id` is new, and short enough to keep on each of its lines.
    pub(super) fn check_new_order_id(&self, id: Option<&str>) -> Result<(), Refusal> {
        let Some(id) = id else { return Ok(()) };
        if id.chars().count() > MAX_ORDER_ID_CHARS {
            let message = format!("an order's external_id has at most {MAX_ORDER_ID_CHARS} characters");
            return refuse("body.external_id", message);
        }
        if self.index.contains_key(id) {
            return refuse("body.external_id", "an order with this external_id already exists");
        }
        Ok(())
    }

    /// Keeps an order (without a `customer` field when it names one by `customer`).
    pub(super) fn keep_order(&mut self, order: Value, customer: Option<&str>) {
        let at = self.orders.len();
        for field in ["guid", "order_code", "external_id"] {
            if let Some(id) = order.get(field).and_then(Value::as_str) {
                self.index.entry(id.to_string()).or_insert(at);
            }
        }
        self.orders.push(Kept { order, customer: customer.map(String::from) });
    }

    /// An uppercase UUID-shaped id, as the recorded orders' guids are.
    pub(super) fn guid(&mut self) -> String {
        let (high, low) = (self.feed.next_u64(), self.feed.next_u64());
        let hex = format!("{high:016X}{low:016X}");
        format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
    }

    /// Eight uppercase letters and digits, as the recorded order codes are.
    pub(super) fn order_code(&mut self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        loop {
            let code: String = (0..8)
                .map(|_| ALPHABET[(self.feed.next_u64() % ALPHABET.len() as u64) as usize] as char)
                .collect();
            if !self.index.contains_key(&code) {
                return code;
            }
        }
    }
}
