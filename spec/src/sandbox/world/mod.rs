//! The sandbox's state and business rules: customers, their wallets and addresses
//! (here), price fixes and trades (`trading`), orders and deliveries (`orders`), and
//! baskets (`baskets`).
//! Every rule where the docs are silent is the sandbox's own choice, listed in
//! `spec/SANDBOX.md`; a refusal names its rule.
//!
//! Plain data behind one lock held for a whole call, so concurrent trades never lose
//! an update; no I/O here.

mod baskets;
mod orders;
mod shared;
mod trading;

pub use shared::Shared;

use super::feed::{Feed, Product, decimal, number};
use super::limits::{
    MAX_ADDRESS_BYTES, MAX_ADDRESSES, MAX_BASKETS, MAX_CUSTOMERS, MAX_ITEMS, MAX_LIVE_FIXES,
    MAX_ORDER_ID_CHARS, MAX_ORDERS, MAX_PROFILE_BYTES,
};
use chrono::{DateTime, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime};

/// The only cash currency the sandbox keeps (the docs' default).
pub const CASH: &str = "GBP";
const CASH_CURRENCY_ID: i64 = 1_000_000;
const COMPANY_ID: i64 = 2_000_000;
const COMPANY_NAME: &str = "The Minted App Ltd";

/// Metal amounts are grams with at most 4 decimals.
pub const AMOUNT_PLACES: u32 = 4;
/// Money is rounded to 2 decimals, half away from zero.
pub const MONEY_PLACES: u32 = 2;

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

/// What one delivery costs, from the customer's cash: the docs' one example (3 g of
/// gold shipped for 70.01).
pub const DELIVERY_CHARGE: Decimal = Decimal::from_parts(7001, 0, 0, false, 2);

/// The fields of a customer the sandbox stores, as the create and update calls send them.
const PROFILE: [&str; 10] = [
    "firstname",
    "middlename",
    "lastname",
    "email",
    "phone",
    "gender",
    "identity_number",
    "birthdate",
    "tax_office",
    "account_type",
];

/// A call the sandbox's rules refuse: the field at fault and the rule, for a 422.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The request field the rule is about (`body.items.0.amount`, `path.external_customer_id`).
    pub field: String,
    /// The rule, in words.
    pub message: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.field)
    }
}

impl std::error::Error for Refusal {}

fn refuse<T>(field: &str, message: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal { field: field.into(), message: message.into() })
}

fn no_customer(field: &str) -> Refusal {
    Refusal { field: field.into(), message: "no customer has this external id; create it first".into() }
}

/// A sum or balance past what an exact decimal holds (about 7.9e28).
fn too_large(field: &str) -> Refusal {
    Refusal { field: field.into(), message: "the trade is too large for the sandbox to price or hold".into() }
}

/// A clock moved past the dates the answers can show (the year 262143).
fn out_of_dates() -> Refusal {
    Refusal { field: "body".into(), message: "the sandbox's clock is past the dates it can show".into() }
}

/// A time as a UTC date, refused rather than a panic when it cannot be one.
fn utc(time: SystemTime) -> Result<DateTime<Utc>, Refusal> {
    let date = match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).ok().and_then(|s| DateTime::from_timestamp(s, 0)),
        Err(before) => {
            i64::try_from(before.duration().as_secs()).ok().and_then(|s| DateTime::from_timestamp(-s, 0))
        }
    };
    date.ok_or_else(out_of_dates)
}

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

type Wallets = BTreeMap<i64, Decimal>;

/// Balances by currency id, as a recording lists them.
pub type Balances = Vec<(i64, Decimal)>;

struct Customer {
    profile: Map<String, Value>,
    wallets: Wallets,
    /// As Create Customer Address sent them (no call reads them back).
    addresses: Vec<Value>,
}

/// An order as kept: without its customer, who is one id here rather than a copy of
/// their fields per order, and is shown as they are when the order is read.
struct Kept {
    order: Value,
    customer: Option<String>,
}

struct Fix {
    customer: Option<String>,
    prices: Vec<Product>,
    expires: SystemTime,
}

/// Whose wallets a trade or a seeded balance acts on.
#[derive(Clone, Copy, Debug)]
pub enum Holder<'a> {
    /// A customer, by the partner's id.
    Customer(&'a str),
    /// The partner's own holdings (a sell with a token fixed for no customer).
    Partner,
}

pub struct World {
    genesis: Genesis,
    feed: Feed,
    customers: BTreeMap<String, Customer>,
    partner: Wallets,
    fixes: HashMap<String, Fix>,
    orders: Vec<Kept>,
    /// guid, order code and external id → the first order that carries it.
    index: HashMap<String, usize>,
    baskets: Vec<baskets::Basket>,
}

impl World {
    pub fn new(genesis: Genesis) -> World {
        let mut world = World {
            feed: Feed::new(genesis.products.clone(), genesis.seed),
            genesis,
            customers: BTreeMap::new(),
            partner: Wallets::new(),
            fixes: HashMap::new(),
            orders: Vec::new(),
            index: HashMap::new(),
            baskets: Vec::new(),
        };
        for (profile, balances) in world.genesis.customers.clone() {
            let Some(id) = profile.get("external_id").and_then(Value::as_str).map(String::from) else {
                continue;
            };
            let wallets = balances.into_iter().collect();
            world.customers.entry(id).or_insert(Customer { profile, wallets, addresses: Vec::new() });
        }
        for order in world.genesis.orders.clone() {
            world.keep_order(order, None);
        }
        world
    }

    /// Back to how it started: the recordings' customers and orders, the feed at its seed.
    pub fn reset(&mut self) {
        *self = World::new(self.genesis.clone());
    }

    /// The `data` of the answer to `operation`, or `None` when it is not one of
    /// [`SIMULATED`] (it is then answered from the recordings).
    pub fn answer(
        &mut self,
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
        Some(match operation {
            "create_customer" => self.create_customer(body),
            "get_customer" => self.get_customer(path_value("external_customer_id")),
            "update_customer" => self.update_customer(path_value("external_customer_id"), body),
            "get_customer_balance" => self.balances(path_value("customer_external_id")),
            "price_fix" => self.price_fix(body, now),
            "buy" => self.buy(body, now),
            "sell" => self.sell(body, now),
            "get_order" => self.order(path_value("external_order_id"), "path.external_order_id"),
            "find_order" => self.find_order(body),
            "create_delivery" => self.create_delivery(body, now),
            "create_customer_address" => self.create_address(body),
            "list_incomplete_baskets" => self.list_baskets(query, now),
            "get_ecom_order" => self.get_basket(body, now),
            "clear_basket" => self.clear_basket(body, now),
            "set_basket_address" => self.set_basket_address(body),
            "remove_basket_item" => self.remove_basket_item(body),
            "update_basket_item" => self.update_basket_item(body),
            "complete_buy" => self.complete_buy(body, now),
            "get_walletable_balance" => {
                self.holdings(query_value("external_customer_id"), query_value("metal_type"))
            }
            _ => return None,
        })
    }

    pub fn create_customer(&mut self, body: &Value) -> Result<Value, Refusal> {
        let id = text(body, "external_id");
        if self.customers.contains_key(id) {
            return refuse("body.external_id", "a customer with this external_id already exists");
        }
        if self.customers.len() >= MAX_CUSTOMERS {
            return refuse(
                "body.external_id",
                format!("the sandbox holds at most {MAX_CUSTOMERS} customers"),
            );
        }
        let mut profile = Map::new();
        profile.insert("external_id".into(), Value::from(id));
        // The response requires these as strings; a field not sent reads back empty.
        for field in ["firstname", "email", "phone"] {
            profile.insert(field.into(), Value::from(""));
        }
        merge_profile(&mut profile, body);
        check_size(&profile)?;
        let customer = Customer { profile, wallets: Wallets::new(), addresses: Vec::new() };
        let data = customer.profile.clone();
        self.customers.insert(id.to_string(), customer);
        Ok(Value::Object(data))
    }

    fn customer(&self, id: &str, field: &str) -> Result<&Customer, Refusal> {
        self.customers.get(id).ok_or_else(|| no_customer(field))
    }

    fn customer_mut(&mut self, id: &str, field: &str) -> Result<&mut Customer, Refusal> {
        self.customers.get_mut(id).ok_or_else(|| no_customer(field))
    }

    pub fn get_customer(&self, id: &str) -> Result<Value, Refusal> {
        let customer = self.customer(id, "path.external_customer_id")?;
        let mut data = customer.profile.clone();
        let wallets = self.wallet_rows(&customer.wallets).into_iter().map(|row| {
            let mut wallet = row.fields();
            wallet.insert(
                "customer_name".into(),
                customer.profile.get("fullname").cloned().unwrap_or_default(),
            );
            wallet.insert("type".into(), Value::from("regular"));
            wallet.insert("company_id".into(), Value::from(COMPANY_ID));
            wallet.insert("company_name".into(), Value::from(COMPANY_NAME));
            Value::Object(wallet)
        });
        data.insert("wallets".into(), Value::Array(wallets.collect()));
        Ok(Value::Object(data))
    }

    pub fn update_customer(&mut self, id: &str, body: &Value) -> Result<Value, Refusal> {
        // The path names the customer; an `external_id` in the body (the docs' own
        // example sends another one) changes nothing.
        let mut profile = self.customer(id, "path.external_customer_id")?.profile.clone();
        merge_profile(&mut profile, body);
        check_size(&profile)?;
        if let Some(customer) = self.customers.get_mut(id) {
            customer.profile = profile.clone();
        }
        Ok(Value::Object(profile))
    }

    pub fn balances(&self, id: &str) -> Result<Value, Refusal> {
        let customer = self.customer(id, "path.customer_external_id")?;
        let rows = self.wallet_rows(&customer.wallets).into_iter().map(|row| {
            let mut balance = row.fields();
            balance.insert("customer_external_id".into(), Value::from(id));
            balance.insert("soft_blocked_amount".into(), Value::from(0));
            balance.insert("stats".into(), json!({}));
            balance.insert("prices".into(), json!({}));
            Value::Object(balance)
        });
        Ok(Value::Array(rows.collect()))
    }

    /// Sets one wallet's balance (for tests that need a customer who already holds metal).
    pub fn set_balance(&mut self, holder: Holder<'_>, code: &str, amount: Decimal) -> Result<(), Refusal> {
        let Some(currency_id) = self.wallet_currency(code) else {
            return refuse("currency_code", format!("the sandbox has no wallet {code}"));
        };
        if amount.is_sign_negative() {
            return refuse("amount", "a balance cannot be negative");
        }
        let wallets = match holder {
            Holder::Partner => &mut self.partner,
            Holder::Customer(id) => &mut self.customer_mut(id, "external_id")?.wallets,
        };
        wallets.insert(currency_id, amount);
        Ok(())
    }

    /// One wallet's balance (for tests that check the partner's holdings, which no
    /// call of the API reads back).
    pub fn balance(&self, holder: Holder<'_>, code: &str) -> Result<Decimal, Refusal> {
        let Some(currency_id) = self.wallet_currency(code) else {
            return refuse("currency_code", format!("the sandbox has no wallet {code}"));
        };
        if let Holder::Customer(id) = holder {
            self.customer(id, "external_id")?;
        }
        Ok(self.wallets(holder).get(&currency_id).copied().unwrap_or_default())
    }

    /// Keeps an address for an existing customer. The docs never show what the call
    /// answers, so `data` is an empty object.
    pub fn create_address(&mut self, body: &Value) -> Result<Value, Refusal> {
        let id = text(body, "external_customer_id");
        let customer = self.customer_mut(id, "body.external_customer_id")?;
        let address = body.clone();
        check_bytes(&address, MAX_ADDRESS_BYTES, "body", "of an address")?;
        if customer.addresses.len() >= MAX_ADDRESSES {
            return refuse(
                "body.external_customer_id",
                format!("the sandbox keeps at most {MAX_ADDRESSES} addresses a customer"),
            );
        }
        customer.addresses.push(address);
        Ok(json!({}))
    }

    /// The metal products held (balance above 0), by name, of the customer or, with
    /// no customer, of the partner; `metal_type` (`gold,silver`) keeps only those metals.
    pub fn holdings(&self, customer: Option<&str>, metals: Option<&str>) -> Result<Value, Refusal> {
        let holder = match customer {
            Some(id) => {
                self.customer(id, "query.external_customer_id")?;
                Holder::Customer(id)
            }
            None => Holder::Partner,
        };
        let wanted: Option<Vec<String>> =
            metals.map(|m| m.split(',').map(|metal| metal.trim().to_lowercase()).collect());
        let wallets = self.wallets(holder);
        let held = self.feed.recorded().iter().filter(|p| {
            let name = metal_name(&p.sku).to_lowercase();
            wallets.get(&p.currency_id).is_some_and(|b| *b > Decimal::ZERO)
                && wanted.as_ref().is_none_or(|wanted| wanted.contains(&name))
        });
        let rows = held.map(
            |p| json!({"productName": format!("{} - Digital storage", metal_name(&p.sku)), "images": []}),
        );
        Ok(Value::Array(rows.collect()))
    }

    fn wallets(&self, holder: Holder<'_>) -> &Wallets {
        static NONE: Wallets = Wallets::new();
        match holder {
            Holder::Partner => &self.partner,
            Holder::Customer(id) => self.customers.get(id).map_or(&NONE, |c| &c.wallets),
        }
    }

    fn wallets_mut(&mut self, holder: Holder<'_>) -> &mut Wallets {
        match holder {
            Holder::Customer(id) if self.customers.contains_key(id) => {
                &mut self.customers.get_mut(id).expect("checked").wallets
            }
            _ => &mut self.partner,
        }
    }

    /// One row per recorded metal product, then cash, each with its balance.
    fn wallet_rows(&self, wallets: &Wallets) -> Vec<WalletRow> {
        let balance = |id: &i64| wallets.get(id).copied().unwrap_or_default();
        let metals = self.feed.recorded().iter().map(|p| WalletRow {
            name: format!("{} Wallet", metal_name(&p.sku)),
            code: wallet_code(&p.sku),
            symbol: "",
            currency_id: p.currency_id,
            is_cash: false,
            balance: balance(&p.currency_id),
        });
        let cash = WalletRow {
            name: "Cash Wallet".into(),
            code: CASH.into(),
            symbol: "£",
            currency_id: CASH_CURRENCY_ID,
            is_cash: true,
            balance: balance(&CASH_CURRENCY_ID),
        };
        metals.chain(std::iter::once(cash)).collect()
    }

    fn wallet_currency(&self, code: &str) -> Option<i64> {
        if code == CASH {
            return Some(CASH_CURRENCY_ID);
        }
        self.feed.recorded().iter().find(|p| wallet_code(&p.sku) == code).map(|p| p.currency_id)
    }
}

struct WalletRow {
    name: String,
    code: String,
    symbol: &'static str,
    currency_id: i64,
    is_cash: bool,
    balance: Decimal,
}

impl WalletRow {
    /// The fields a wallet and a balance share; nothing is ever blocked.
    fn fields(&self) -> Map<String, Value> {
        let fields = json!({
            "name": self.name,
            "currency_id": self.currency_id,
            "currency_symbol": self.symbol,
            "currency_code": self.code,
            "is_cash": self.is_cash,
            "balance": number(self.balance),
            "blocked": 0,
            "real_balance": number(self.balance),
        });
        match fields {
            Value::Object(fields) => fields,
            _ => Map::new(),
        }
    }
}

/// The metal a SKU names: the recordings show GAU as gold and GAG as silver; GPT and
/// GPD are read as platinum and palladium; others keep their SKU.
fn metal_name(sku: &str) -> String {
    match sku {
        "GAU" => "Gold".into(),
        "GAG" => "Silver".into(),
        "GPT" => "Platinum".into(),
        "GPD" => "Palladium".into(),
        other => other.into(),
    }
}

/// A metal wallet's currency code: `M` and the SKU without its first letter (GAU →
/// MAU and GAG → MAG, as recorded).
fn wallet_code(sku: &str) -> String {
    format!("M{}", sku.get(1..).unwrap_or(""))
}

fn text<'v>(value: &'v Value, field: &str) -> &'v str {
    value.get(field).and_then(Value::as_str).unwrap_or("")
}

/// A metal amount as the rules take it: positive, with at most [`AMOUNT_PLACES`] decimals.
fn valid_amount(amount: Decimal, field: &str) -> Result<Decimal, Refusal> {
    if amount > Decimal::ZERO && amount.normalize().scale() <= AMOUNT_PLACES {
        return Ok(amount);
    }
    refuse(field, format!("an amount is positive, with at most {AMOUNT_PLACES} decimals"))
}

/// Money rounded to [`MONEY_PLACES`], half away from zero.
fn money(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(MONEY_PLACES, RoundingStrategy::MidpointAwayFromZero)
}

fn check_size(profile: &Map<String, Value>) -> Result<(), Refusal> {
    let what = "of a customer's fields";
    check_bytes(&Value::Object(profile.clone()), MAX_PROFILE_BYTES, "body", what)
}

/// Refuses to keep `value` when its JSON is longer than `limit` bytes.
fn check_bytes(value: &Value, limit: usize, field: &str, what: &str) -> Result<(), Refusal> {
    if value.to_string().len() > limit {
        return refuse(field, format!("the sandbox keeps at most {limit} bytes {what}"));
    }
    Ok(())
}

/// Copies the profile fields a request sends; the phone is kept without spaces, as
/// the recorded create answers it, and the full name follows the names.
fn merge_profile(profile: &mut Map<String, Value>, body: &Value) {
    for field in PROFILE {
        if let Some(value) = body.get(field) {
            let value = match (field, value) {
                ("phone", Value::String(phone)) => Value::from(phone.replace(' ', "")),
                _ => value.clone(),
            };
            profile.insert(field.into(), value);
        }
    }
    let names: Vec<&str> = ["firstname", "middlename", "lastname"]
        .iter()
        .filter_map(|field| profile.get(*field)?.as_str())
        .filter(|name| !name.is_empty())
        .collect();
    profile.insert("fullname".into(), Value::from(names.join(" ")));
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
        let products =
            recorded("price_fix").iter().map(super::feed::recorded_products).find(|p| !p.is_empty());
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
                order.entry("type").or_insert_with(|| Value::from(trading::Side::Buy.name()));
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simulated_operations_are_the_ones_answered_from_state() {
        let mut world = World::new(Genesis {
            seed: 0,
            token_ttl: Duration::from_secs(1),
            products: Vec::new(),
            customers: Vec::new(),
            orders: Vec::new(),
        });
        for operation in SIMULATED {
            assert!(world.answer(operation, &[], &[], None, SystemTime::UNIX_EPOCH).is_some(), "{operation}");
        }
        assert!(world.answer("list_products", &[], &[], None, SystemTime::UNIX_EPOCH).is_none());
    }

    fn world() -> World {
        let genesis = Genesis {
            seed: 0,
            token_ttl: Duration::from_secs(240),
            products: crate::sandbox::feed::tests::gold(),
            customers: Vec::new(),
            orders: Vec::new(),
        };
        let mut world = World::new(genesis);
        world.create_customer(&json!({"external_id": "C"})).unwrap();
        world
    }

    fn token(world: &mut World, body: Value) -> String {
        world.price_fix(&body, SystemTime::UNIX_EPOCH).unwrap()["token"].as_str().unwrap().to_string()
    }

    fn buy_body(token: &str, order: &str, items: Value) -> Value {
        json!({"price_token": token, "external_id": order, "customer": {"external_id": "C"}, "items": items})
    }

    #[test]
    fn the_state_holds_at_most_its_limits() {
        let mut world = world();
        for i in 1..MAX_CUSTOMERS {
            world.create_customer(&json!({"external_id": format!("C{i}")})).unwrap();
        }
        let refused = world.create_customer(&json!({"external_id": "ONE-TOO-MANY"})).unwrap_err();
        assert_eq!(refused.message, format!("the sandbox holds at most {MAX_CUSTOMERS} customers"));
        let token = token(&mut world, json!({"customer_external_id": "C"}));
        let items: Vec<Value> = (0..=MAX_ITEMS).map(|_| json!({"sku": "GAU", "amount": 1})).collect();
        let refused =
            world.buy(&buy_body(&token, "O", Value::from(items)), SystemTime::UNIX_EPOCH).unwrap_err();
        assert_eq!(refused.field, "body.items");
    }

    /// A clock moved past what a date can show (a test's `advance`) is refused, not a
    /// panic, and the fix is not kept.
    #[test]
    fn a_clock_past_the_dates_is_a_refusal() {
        let mut world = world();
        let far = SystemTime::UNIX_EPOCH + Duration::from_secs(100_000_000_000_000);
        let refused = world.price_fix(&json!({"customer_external_id": "C"}), far).unwrap_err();
        assert_eq!(refused.message, "the sandbox's clock is past the dates it can show");
        assert!(world.fixes.is_empty());
    }

    #[test]
    fn every_stored_string_is_bounded() {
        let mut world = world();
        let token = token(&mut world, json!({"customer_external_id": "C"}));
        let long_id = "O".repeat(MAX_ORDER_ID_CHARS + 1);
        let items: Vec<Value> = (0..MAX_ITEMS).map(|_| json!({"sku": "GAU", "amount": 1})).collect();
        let refused = world.buy(&buy_body(&token, &long_id, Value::from(items)), SystemTime::UNIX_EPOCH);
        assert_eq!(refused.unwrap_err().field, "body.external_id");
        let longest = "O".repeat(MAX_ORDER_ID_CHARS);
        let bought = world
            .buy(&buy_body(&token, &longest, json!([{"sku": "GAU", "amount": 1}])), SystemTime::UNIX_EPOCH);
        assert!(bought.is_ok());

        let address = |bytes: usize| json!({"external_customer_id": "C", "address": "a".repeat(bytes)});
        assert!(world.create_address(&address(MAX_ADDRESS_BYTES)).is_err());
        assert!(world.create_address(&address(100)).is_ok());
        let token = world.add_basket("C", &[("GAU", Decimal::ONE)], SystemTime::UNIX_EPOCH).unwrap();
        let pair = |bytes: usize| json!({"external_customer_id": "C", "cart_token": token, "shipping": {"address": "a".repeat(bytes)}});
        assert!(world.set_basket_address(&pair(MAX_ADDRESS_BYTES)).is_err());
        assert!(world.set_basket_address(&pair(100)).is_ok());
    }

    #[test]
    fn amounts_are_exact_and_order_ids_are_not_reused() {
        let mut world = world();
        let token = token(&mut world, json!({"customer_external_id": "C"}));
        let now = SystemTime::UNIX_EPOCH;
        let too_precise = buy_body(&token, "O1", json!([{"sku": "GAU", "amount": 0.00001}]));
        assert_eq!(world.buy(&too_precise, now).unwrap_err().field, "body.items.0.amount");
        let tenth = buy_body(&token, "O1", json!([{"product_id": 3000001, "amount": 0.1}]));
        let bought = world.buy(&tenth, now).unwrap();
        let unit = decimal(&bought["orders"][0]["items"][0]["price"]).unwrap();
        // 0.1 × a 2-decimal price has 3 decimals: the total is rounded to 2, half away from zero.
        let total =
            (unit * Decimal::new(1, 1)).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        assert_eq!(decimal(&bought["total"]), Some(total));
        assert_eq!(
            world.buy(&tenth, now).unwrap_err().message,
            "an order with this external_id already exists"
        );
        assert_eq!(world.get_customer("C").unwrap()["wallets"][0]["balance"], json!(0.1));
    }

    #[test]
    fn a_fix_from_a_total_says_how_much_it_buys() {
        let mut world = world();
        let fixed =
            world.price_fix(&json!({"total": 1000, "currency": "GBP"}), SystemTime::UNIX_EPOCH).unwrap();
        assert_eq!(fixed["is_total_price"], json!(true));
        let price = decimal(&fixed["prices"][0]["buy_price"]).unwrap();
        let expected = (Decimal::from(1000) / price).round_dp_with_strategy(4, RoundingStrategy::ToZero);
        assert_eq!(decimal(&fixed["prices"][0]["buy_amount"]), Some(expected));
        let refused = world.price_fix(&json!({"currency": "TRY"}), SystemTime::UNIX_EPOCH).unwrap_err();
        assert_eq!(refused.field, "body.currency");
    }
}
