//! The world as JSON and back: a snapshot of every customer with their wallets and
//! addresses, the partner's wallets, the live price fixes, the orders and the baskets,
//! for a test or a person to read (`GET /_sandbox/state`) and to put back (`PUT`). A
//! snapshot put back is checked whole against the same limits the calls are held to,
//! and refused whole: a refused one changes nothing. The price feed and the clock are
//! not state here: they stay where they are.
//!
//! A durable snapshot ([`World::durable`], what `--state` keeps on disk) is that
//! snapshot with the feed's position too (its seed, today's prices and how far its
//! seeded stream has been read), so that a restart quotes, and draws tokens, as the
//! run before would have gone on to.

use super::baskets::{Basket, Baskets};
use super::customers::{Customer, Customers, Wallets, wallet_code, wallet_currency};
use super::feed::Product;
use super::orders::Orders;
use super::refusal::{Refusal, check_bytes, refuse};
use super::state::World;
use super::trading::{Fix, Fixes};
use super::values::{CASH, CASH_CURRENCY_ID, decimal};
use crate::sandbox::limits::{
    MAX_ADDRESS_BYTES, MAX_ADDRESSES, MAX_BASKETS, MAX_CUSTOMERS, MAX_ITEMS, MAX_LIVE_FIXES, MAX_ORDERS,
    MAX_PROFILE_BYTES,
};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};
use std::time::{Duration, SystemTime};

/// The snapshot's form; a snapshot of another is refused.
const VERSION: u64 = 1;

impl World {
    /// The whole state as JSON (see `spec/SANDBOX.md` for its form).
    pub fn snapshot(&self) -> Value {
        let products = self.feed.recorded();
        let customers: Vec<Value> = self
            .customers
            .by_id
            .values()
            .map(|customer| {
                json!({
                    "profile": customer.profile,
                    "wallets": wallets_json(&customer.wallets, products),
                    "addresses": customer.addresses,
                })
            })
            .collect();
        let mut fixes: Vec<(&String, &Fix)> = self.fixes.live.iter().collect();
        // The map's order is random; a snapshot reads the same twice.
        fixes.sort_by(|a, b| a.0.cmp(b.0));
        let fixes: Vec<Value> = fixes
            .into_iter()
            .map(|(token, fix)| {
                json!({
                    "token": token,
                    "customer": fix.customer,
                    "expires_at_unix_ms": unix_ms(fix.expires),
                    "prices": fix.prices.iter().map(product_json).collect::<Vec<_>>(),
                })
            })
            .collect();
        let orders: Vec<Value> = self
            .orders
            .kept
            .iter()
            .map(|kept| json!({"order": kept.order, "customer": kept.customer}))
            .collect();
        let baskets: Vec<Value> = self.baskets.all.iter().map(basket_json).collect();
        json!({
            "version": VERSION,
            "customers": customers,
            "partner": {"wallets": wallets_json(&self.customers.partner, products)},
            "fixes": fixes,
            "orders": orders,
            "baskets": baskets,
        })
    }

    /// The snapshot with the feed's position: everything a restart resumes from.
    pub fn durable(&self) -> Value {
        let (current, word_pos) = self.feed.position();
        let mut snapshot = self.snapshot();
        snapshot["feed"] = json!({
            "seed": self.genesis.seed,
            "word_pos": word_pos.to_string(),
            "prices": current.iter().map(product_json).collect::<Vec<_>>(),
        });
        snapshot
    }

    /// Replaces the state and the feed's position with a [`World::durable`] snapshot,
    /// or refuses it whole and changes nothing. One of another seed, or of other
    /// products, is refused: its stream and walk are not this sandbox's.
    pub fn resume(&mut self, durable: &Value) -> Result<(), Refusal> {
        let feed = durable.get("feed").unwrap_or(&Value::Null);
        if feed.get("seed").and_then(Value::as_u64) != Some(self.genesis.seed) {
            let message =
                format!("the state was saved with another seed; this sandbox's is {}", self.genesis.seed);
            return refuse("feed.seed", message);
        }
        let Some(word_pos) =
            feed.get("word_pos").and_then(Value::as_str).and_then(|w| w.parse::<u128>().ok())
        else {
            return refuse("feed.word_pos", "a whole number, as text");
        };
        let prices = products_from(feed.get("prices"), "feed.prices")?;
        let skus = |products: &[Product]| products.iter().map(|p| p.sku.clone()).collect::<Vec<_>>();
        if skus(&prices) != skus(self.feed.recorded()) {
            return refuse("feed.prices", "the state was saved with other products than this sandbox's");
        }
        self.restore(durable)?;
        self.feed.resume(prices, word_pos);
        Ok(())
    }

    /// Replaces the state with `snapshot`, or refuses it whole (naming the place at
    /// fault) and changes nothing.
    pub fn restore(&mut self, snapshot: &Value) -> Result<(), Refusal> {
        if snapshot.get("version").and_then(Value::as_u64) != Some(VERSION) {
            return refuse("version", format!("a snapshot of version {VERSION} is expected"));
        }
        let products = self.feed.recorded().to_vec();
        let mut customers = Customers::default();
        for (index, customer) in list(snapshot, "customers", MAX_CUSTOMERS)?.iter().enumerate() {
            let at = format!("customers.{index}");
            let Some(profile) = customer.get("profile").and_then(Value::as_object) else {
                return refuse(&format!("{at}.profile"), "a customer's profile is an object");
            };
            let Some(id) = profile.get("external_id").and_then(Value::as_str).filter(|id| !id.is_empty())
            else {
                return refuse(&format!("{at}.profile.external_id"), "a customer has an external_id");
            };
            check_bytes(&Value::Object(profile.clone()), MAX_PROFILE_BYTES, &at, "of a customer's fields")?;
            // As the calls store them: text or null, which Get Customer answers as the spec says.
            if let Some((field, _)) = profile.iter().find(|(_, v)| !(v.is_string() || v.is_null())) {
                return refuse(&format!("{at}.profile.{field}"), "a customer's field is text or null");
            }
            let wallets = wallets_from(customer.get("wallets"), &products, &format!("{at}.wallets"))?;
            let addresses = list(customer, "addresses", MAX_ADDRESSES).map_err(|r| at_place(&at, r))?;
            for (n, address) in addresses.iter().enumerate() {
                check_bytes(address, MAX_ADDRESS_BYTES, &format!("{at}.addresses.{n}"), "of an address")?;
            }
            let kept = Customer { profile: profile.clone(), wallets, addresses: addresses.to_vec() };
            if customers.by_id.insert(id.to_string(), kept).is_some() {
                return refuse(&format!("{at}.profile.external_id"), "two customers have this external_id");
            }
        }
        let partner = snapshot.get("partner").and_then(|p| p.get("wallets"));
        customers.partner = wallets_from(partner, &products, "partner.wallets")?;
        let customer_of = |value: Option<&Value>, field: &str| -> Result<Option<String>, Refusal> {
            match value {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(id)) if customers.by_id.contains_key(id) => Ok(Some(id.clone())),
                Some(_) => refuse(field, "no customer of the snapshot has this external id"),
            }
        };

        let mut fixes = Fixes::new(self.genesis.token_ttl);
        for (index, fix) in list(snapshot, "fixes", MAX_LIVE_FIXES)?.iter().enumerate() {
            let at = format!("fixes.{index}");
            let token = required_text(fix, "token", &at)?;
            let kept = Fix {
                customer: customer_of(fix.get("customer"), &format!("{at}.customer"))?,
                prices: products_from(fix.get("prices"), &format!("{at}.prices"))?,
                expires: time_from(fix.get("expires_at_unix_ms"), &format!("{at}.expires_at_unix_ms"))?,
            };
            if fixes.live.insert(token.to_string(), kept).is_some() {
                return refuse(&format!("{at}.token"), "two price fixes have this token");
            }
        }

        let mut orders = Orders::default();
        for (index, kept) in list(snapshot, "orders", MAX_ORDERS)?.iter().enumerate() {
            let at = format!("orders.{index}");
            let Some(order) = kept.get("order").filter(|order| order.is_object()) else {
                return refuse(&format!("{at}.order"), "an order is an object");
            };
            let customer = customer_of(kept.get("customer"), &format!("{at}.customer"))?;
            orders.keep(order.clone(), customer.as_deref());
        }

        let mut baskets = Baskets::new(self.genesis.token_ttl);
        for (index, basket) in list(snapshot, "baskets", MAX_BASKETS)?.iter().enumerate() {
            let at = format!("baskets.{index}");
            let Some(customer) = customer_of(basket.get("customer"), &format!("{at}.customer"))? else {
                return refuse(&format!("{at}.customer"), "a basket is a customer's");
            };
            let addresses = basket.get("addresses").filter(|a| !a.is_null()).cloned();
            if let Some(addresses) = &addresses {
                check_bytes(addresses, MAX_ADDRESS_BYTES, &format!("{at}.addresses"), "of an address")?;
            }
            let Some(id) = basket.get("id").and_then(Value::as_u64) else {
                return refuse(&format!("{at}.id"), "a basket's id is a whole number");
            };
            let items = list(basket, "items", MAX_ITEMS).map_err(|r| at_place(&at, r))?;
            let mut lines = Vec::new();
            for (n, item) in items.iter().enumerate() {
                let place = format!("{at}.items.{n}");
                let product = product_from(item.get("product"), &format!("{place}.product"))?;
                let amount = decimal_from(item.get("amount"), &format!("{place}.amount"))?;
                lines.push((product, amount));
            }
            baskets.all.push(Basket {
                customer,
                id,
                guid: required_text(basket, "guid", &at)?.into(),
                token: required_text(basket, "token", &at)?.into(),
                increment_id: required_text(basket, "increment_id", &at)?.into(),
                items: lines,
                fixed_until: time_from(
                    basket.get("fixed_until_unix_ms"),
                    &format!("{at}.fixed_until_unix_ms"),
                )?,
                ordered: basket.get("ordered").and_then(Value::as_bool).unwrap_or(false),
                addresses,
            });
        }
        // Every part checked: only now is anything replaced.
        (self.customers, self.fixes, self.orders, self.baskets) = (customers, fixes, orders, baskets);
        Ok(())
    }
}

fn basket_json(basket: &Basket) -> Value {
    let items: Vec<Value> = basket
        .items
        .iter()
        .map(|(product, amount)| json!({"product": product_json(product), "amount": amount.normalize().to_string()}))
        .collect();
    json!({
        "customer": basket.customer,
        "id": basket.id,
        "guid": basket.guid,
        "token": basket.token,
        "increment_id": basket.increment_id,
        "items": items,
        "fixed_until_unix_ms": unix_ms(basket.fixed_until),
        "ordered": basket.ordered,
        "addresses": basket.addresses,
    })
}

/// Balances by wallet code (`GBP`, `MAU`), as exact decimal text.
fn wallets_json(wallets: &Wallets, products: &[Product]) -> Value {
    let mut by_code = Map::new();
    for (currency_id, balance) in wallets {
        let code = if *currency_id == CASH_CURRENCY_ID {
            CASH.to_string()
        } else {
            match products.iter().find(|p| p.currency_id == *currency_id) {
                Some(product) => wallet_code(&product.sku),
                None => currency_id.to_string(),
            }
        };
        by_code.insert(code, Value::from(balance.normalize().to_string()));
    }
    Value::Object(by_code)
}

fn wallets_from(value: Option<&Value>, products: &[Product], at: &str) -> Result<Wallets, Refusal> {
    let mut wallets = Wallets::new();
    let Some(by_code) = value else { return Ok(wallets) };
    let Some(by_code) = by_code.as_object() else {
        return refuse(at, "wallets are an object of balances by wallet code");
    };
    for (code, balance) in by_code {
        let field = format!("{at}.{code}");
        let Some(currency_id) = wallet_currency(code, products) else {
            return refuse(&field, "the sandbox has no such wallet");
        };
        let balance = decimal_from(Some(balance), &field)?;
        wallets.insert(currency_id, balance);
    }
    Ok(wallets)
}

fn product_json(product: &Product) -> Value {
    json!({
        "sku": product.sku,
        "product_id": product.product_id,
        "currency_id": product.currency_id,
        "spot": product.spot.normalize().to_string(),
        "buy": product.buy.normalize().to_string(),
        "sell": product.sell.normalize().to_string(),
    })
}

fn products_from(value: Option<&Value>, at: &str) -> Result<Vec<Product>, Refusal> {
    let Some(Value::Array(products)) = value else { return refuse(at, "a list of products is expected") };
    if products.len() > MAX_ITEMS {
        return refuse(at, format!("the sandbox keeps at most {MAX_ITEMS} products here"));
    }
    products.iter().enumerate().map(|(n, p)| product_from(Some(p), &format!("{at}.{n}"))).collect()
}

fn product_from(value: Option<&Value>, at: &str) -> Result<Product, Refusal> {
    let Some(product) = value else { return refuse(at, "a product is expected") };
    let id = |field: &str| {
        product.get(field).and_then(Value::as_i64).ok_or_else(|| Refusal {
            field: format!("{at}.{field}"),
            message: "a whole number is expected".into(),
        })
    };
    let price = |field: &str| decimal_from(product.get(field), &format!("{at}.{field}"));
    Ok(Product {
        sku: required_text(product, "sku", at)?.into(),
        product_id: id("product_id")?,
        currency_id: id("currency_id")?,
        spot: price("spot")?,
        buy: price("buy")?,
        sell: price("sell")?,
    })
}

/// A non-negative exact decimal, from decimal text or a JSON number.
pub fn decimal_from(value: Option<&Value>, at: &str) -> Result<Decimal, Refusal> {
    let parsed = match value {
        Some(Value::String(text)) => text.trim().parse::<Decimal>().ok(),
        Some(number @ Value::Number(_)) => decimal(number),
        _ => None,
    };
    match parsed {
        Some(amount) if !amount.is_sign_negative() => Ok(amount),
        Some(_) => refuse(at, "an amount cannot be negative"),
        None => refuse(at, "an amount is a decimal, as text (\"5.25\") or a number"),
    }
}

fn unix_ms(time: SystemTime) -> u64 {
    let after = time.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    u64::try_from(after.as_millis()).unwrap_or(u64::MAX)
}

fn time_from(value: Option<&Value>, at: &str) -> Result<SystemTime, Refusal> {
    value
        .and_then(Value::as_u64)
        .and_then(|ms| SystemTime::UNIX_EPOCH.checked_add(Duration::from_millis(ms)))
        .ok_or_else(|| Refusal { field: at.into(), message: "a time in milliseconds since 1970".into() })
}

/// `value[field]`, a list of at most `most` entries; none when it is absent.
fn list<'v>(value: &'v Value, field: &str, most: usize) -> Result<&'v [Value], Refusal> {
    match value.get(field) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(entries)) if entries.len() <= most => Ok(entries),
        Some(Value::Array(_)) => refuse(field, format!("the sandbox holds at most {most} of these")),
        Some(_) => refuse(field, "a list is expected"),
    }
}

fn required_text<'v>(value: &'v Value, field: &str, at: &str) -> Result<&'v str, Refusal> {
    match value.get(field).and_then(Value::as_str) {
        Some(text) => Ok(text),
        None => refuse(&format!("{at}.{field}"), "text is expected"),
    }
}

/// A refusal about a field of the entry at `at`.
fn at_place(at: &str, refusal: Refusal) -> Refusal {
    Refusal { field: format!("{at}.{}", refusal.field), ..refusal }
}
