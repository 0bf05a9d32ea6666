//! Price fixes with their tokens, and the buys and sells that quote them. A trade is
//! worked out on a copy of the holder's wallets and applied only once every sum is
//! checked, so a refused trade moves nothing.

use super::call::{Call, Outcome};
use super::customers::{Customers, Holder};
use super::feed::{Feed, Product, product_name};
use super::orders::Orders;
use super::refusal::{Refusal, out_of_dates, refuse, too_large, utc};
use super::values::{AMOUNT_PLACES, CASH, CASH_CURRENCY_ID, decimal, money, number, text, valid_amount};
use crate::sandbox::limits::{MAX_ITEMS, MAX_LIVE_FIXES};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::{Duration, SystemTime};

pub(super) struct Fix {
    pub(super) customer: Option<String>,
    pub(super) prices: Vec<Product>,
    pub(super) expires: SystemTime,
}

/// The price fixes by token, and how long a new one lives.
pub struct Fixes {
    token_ttl: Duration,
    pub(super) live: HashMap<String, Fix>,
}

impl Fixes {
    pub fn new(token_ttl: Duration) -> Fixes {
        Fixes { token_ttl, live: HashMap::new() }
    }

    pub fn price_fix(&mut self, customers: &Customers, feed: &mut Feed, call: Call<'_>) -> Outcome {
        let Call { body, now } = call;
        let customer = body.get("customer_external_id").and_then(Value::as_str);
        if let Some(id) = customer {
            customers.check(id, "body.customer_external_id")?;
        }
        if body.get("currency").and_then(Value::as_str).is_some_and(|c| c != CASH) {
            return refuse("body.currency", format!("the sandbox prices in {CASH} only"));
        }
        let total = match body.get("total") {
            None | Some(Value::Null) => None,
            Some(value) => match decimal(value) {
                Some(total) if total > Decimal::ZERO => Some(total),
                _ => return refuse("body.total", "a total must be a positive amount"),
            },
        };
        // Dated before anything is kept: a clock past what a date can show refuses here.
        let expires = now.checked_add(self.token_ttl).ok_or_else(out_of_dates)?;
        let expires_at = utc(expires)?.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        self.live.retain(|_, fix| fix.expires > now);
        if self.live.len() >= MAX_LIVE_FIXES {
            return refuse("body", format!("the sandbox holds at most {MAX_LIVE_FIXES} live price fixes"));
        }
        let prices = feed.step().to_vec();
        let token = feed.token();
        let rows: Vec<Value> = prices
            .iter()
            .map(|p| {
                let buy_amount = total.map(|total| {
                    number((total / p.buy).round_dp_with_strategy(AMOUNT_PLACES, RoundingStrategy::ToZero))
                });
                json!({
                    "currency_id": p.currency_id,
                    "product_id": p.product_id,
                    "spot_price": number(p.spot),
                    "buy_price": number(p.buy),
                    "sell_price": number(p.sell),
                    "buy_amount": buy_amount,
                    "sku": p.sku,
                })
            })
            .collect();
        self.live.insert(token.clone(), Fix { customer: customer.map(String::from), prices, expires });
        Ok(json!({
            "token": token,
            "total": total.map(number),
            "expires_at": expires_at,
            "expire_ttl": self.token_ttl.as_secs(),
            "is_total_price": total.is_some(),
            "prices": rows,
            "currency": CASH,
        }))
    }

    /// Whether no fix is kept (expired ones are forgotten only at the next price fix).
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    fn live_fix(&self, token: Option<&str>, now: SystemTime) -> Result<&Fix, Refusal> {
        let Some(token) = token else {
            return refuse("body.price_token", "a trade needs the token of a live price fix");
        };
        match self.live.get(token) {
            None => refuse("body.price_token", "no price fix has this token"),
            Some(fix) if fix.expires <= now => refuse("body.price_token", "the price token has expired"),
            Some(fix) => Ok(fix),
        }
    }

    /// A buy, for the customer the body names with a token fixed for them or for no
    /// one; or a sell, from the wallets of whom the token was fixed for (a customer,
    /// or with none the partner).
    pub fn trade(
        &self,
        side: Side,
        customers: &mut Customers,
        orders: &mut Orders,
        feed: &mut Feed,
        call: Call<'_>,
    ) -> Outcome {
        let body = call.body;
        let fix = self.live_fix(body.get("price_token").and_then(Value::as_str), call.now)?;
        let holder = match side {
            Side::Buy => {
                let customer = text(body.get("customer").unwrap_or(&Value::Null), "external_id");
                customers.check(customer, "body.customer.external_id")?;
                if fix.customer.as_deref().is_some_and(|fixed_for| fixed_for != customer) {
                    return refuse("body.price_token", "the price token was fixed for another customer");
                }
                Holder::Customer(customer)
            }
            Side::Sell => match &fix.customer {
                Some(id) => Holder::Customer(id),
                None => Holder::Partner,
            },
        };
        let trade = Trade { holder, side, lines: lines(orders, body, fix, side)? };
        place(customers, orders, feed, call, trade)
    }
}

/// The order lines of a trade, each priced by the fix; refuses before anything moves.
fn lines(orders: &Orders, body: &Value, fix: &Fix, side: Side) -> Result<Vec<Line>, Refusal> {
    if body.get("currency_code").and_then(Value::as_str).is_some_and(|c| c != CASH) {
        return refuse("body.currency_code", format!("the sandbox trades in {CASH} only"));
    }
    orders.check_new_id(body.get("external_id").and_then(Value::as_str))?;
    let items = body.get("items").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    if items.is_empty() || items.len() > MAX_ITEMS {
        return refuse("body.items", format!("a trade has 1 to {MAX_ITEMS} items"));
    }
    orders.check_room(items.len(), "body.items")?;
    let mut lines = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let at = |field: &str| format!("body.items.{index}.{field}");
        let sku = item.get("sku").and_then(Value::as_str);
        let product_id = item.get("product_id").and_then(Value::as_i64);
        let product =
            fix.prices.iter().find(|p| Some(p.sku.as_str()) == sku || Some(p.product_id) == product_id);
        let Some(product) = product else {
            return refuse(
                &at("sku"),
                "the price fix has no such product (give a sku or product_id it lists)",
            );
        };
        let amount = item.get("amount").and_then(decimal).unwrap_or_default();
        let amount = valid_amount(amount, &at("amount"))?;
        let unit = match side {
            Side::Buy => product.buy,
            Side::Sell => product.sell,
        };
        lines.push(Line::priced(index, product.clone(), amount, unit)?);
    }
    Ok(lines)
}

/// A trade priced and not yet placed: whose wallets, which way, and its lines.
pub struct Trade<'a> {
    pub holder: Holder<'a>,
    pub side: Side,
    pub lines: Vec<Line>,
}

/// Moves the metal and cash of a trade's priced lines and keeps one order per line;
/// the call's body gives the orders' `external_id` and `price_token`.
///
/// Every sum and balance is worked out, checked, on a copy of the holder's wallets
/// before anything changes, so a refused trade moves nothing; what follows the
/// checks cannot fail. A sell of more than is held is refused at the item where
/// the running total passes the balance.
pub fn place(
    customers: &mut Customers,
    orders: &mut Orders,
    feed: &mut Feed,
    call: Call<'_>,
    trade: Trade<'_>,
) -> Outcome {
    let (Call { body, now }, Trade { holder, side, lines }) = (call, trade);
    let order_at = utc(now)?.format("%d-%m-%Y %H:%M").to_string();
    let held = customers.wallets(holder);
    let mut wallets = held.clone();
    let mut sum = Decimal::ZERO;
    for line in &lines {
        let at = format!("body.items.{}.amount", line.index);
        sum = sum.checked_add(line.total).ok_or_else(|| too_large("body.items"))?;
        let metal = wallets.entry(line.product.currency_id).or_default();
        *metal = match side {
            Side::Buy => metal.checked_add(line.amount).ok_or_else(|| too_large(&at))?,
            Side::Sell => match metal.checked_sub(line.amount) {
                Some(left) if !left.is_sign_negative() => left,
                _ => {
                    let before = held.get(&line.product.currency_id).copied().unwrap_or_default();
                    let message = format!(
                        "cannot sell more {} than is held ({})",
                        line.product.sku,
                        before.normalize()
                    );
                    return refuse(&at, message);
                }
            },
        };
        if let Side::Sell = side {
            let cash = wallets.entry(CASH_CURRENCY_ID).or_default();
            *cash = cash.checked_add(line.total).ok_or_else(|| too_large(&at))?;
        }
    }
    let customer = match holder {
        Holder::Customer(id) => Some((id, customers.check(id, "body.customer.external_id")?.clone())),
        Holder::Partner => None,
    };

    // Checked: from here on nothing can refuse.
    *customers.wallets_mut(holder) = wallets;
    let (mut codes, mut guids, mut kept) = (Vec::new(), Vec::new(), Vec::new());
    for line in lines {
        let (guid, code) = (feed.guid(), orders.new_code(feed));
        let mut order = json!({
            "guid": guid,
            "order_code": code,
            "external_id": body.get("external_id").cloned().unwrap_or(Value::Null),
            "channel": "partner",
            "type": side.name(),
            "tx_type": side.tx_type(),
            "price_token": body.get("price_token").cloned().unwrap_or(Value::Null),
            "price": number(line.total),
            "tax": 0,
            "total": number(line.total),
            "currency_code": CASH,
            "status_name": "Completed",
            "order_at": order_at,
            "items": [{
                "product_id": line.product.product_id,
                "sku": line.product.sku,
                "product_name": product_name(&line.product.sku),
                "spot_price": number(line.product.spot),
                "price": number(line.unit),
                "tax_rate": 0,
                "tax": 0,
                "amount": number(line.amount),
                "total": number(line.total),
            }],
        });
        codes.push(Value::from(code));
        guids.push(Value::from(guid));
        orders.keep(order.clone(), customer.as_ref().map(|(id, _)| *id));
        if let Some((_, profile)) = &customer {
            order["customer"] = Value::Object(profile.clone());
        }
        kept.push(order);
    }
    Ok(json!({
        "order_code": codes,
        "guid": guids,
        "price": number(sum),
        "tax": 0,
        "total": number(sum),
        "order_at": order_at,
        "orders": kept,
    }))
}

#[derive(Clone, Copy)]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Buy => "Buy",
            Side::Sell => "Sell",
        }
    }

    /// The recorded buys say `oneoffpurchase`; no recording shows a sell's.
    fn tx_type(self) -> &'static str {
        match self {
            Side::Buy => "oneoffpurchase",
            Side::Sell => "sell",
        }
    }
}

/// One item of a trade, priced.
pub struct Line {
    index: usize,
    product: Product,
    amount: Decimal,
    unit: Decimal,
    total: Decimal,
}

impl Line {
    /// Item `index` of a trade: `amount` at `unit`, its total rounded as money.
    pub fn priced(index: usize, product: Product, amount: Decimal, unit: Decimal) -> Result<Line, Refusal> {
        match unit.checked_mul(amount) {
            Some(total) => Ok(Line { index, product, amount, unit, total: money(total) }),
            None => refuse(&format!("body.items.{index}.amount"), "the amount is too large to price"),
        }
    }
}
