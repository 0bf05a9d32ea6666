//! Customers: their fields, their wallets (one per recorded metal, and cash) and
//! their addresses; and the partner's own wallets, which a sell fixed for no customer
//! draws on. The other areas find a customer, and move their metal and cash, here.

use super::call::Outcome;
use super::feed::{Product, metal_name, product_name};
use super::refusal::{Refusal, check_bytes, refuse};
use super::values::{CASH, CASH_CURRENCY_ID, number, text};
use crate::sandbox::limits::{MAX_ADDRESS_BYTES, MAX_ADDRESSES, MAX_CUSTOMERS, MAX_PROFILE_BYTES};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The company every wallet belongs to, as the recordings show it.
const COMPANY_ID: i64 = 2_000_000;
const COMPANY_NAME: &str = "The Minted App Ltd";

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

/// Whose wallets a trade or a seeded balance acts on.
#[derive(Clone, Copy, Debug)]
pub enum Holder<'a> {
    /// A customer, by the partner's id.
    Customer(&'a str),
    /// The partner's own holdings (a sell with a token fixed for no customer).
    Partner,
}

/// Balances by currency id.
pub type Wallets = BTreeMap<i64, Decimal>;

/// Balances by currency id, as a recording lists them.
pub type Balances = Vec<(i64, Decimal)>;

pub(super) struct Customer {
    pub(super) profile: Map<String, Value>,
    pub(super) wallets: Wallets,
    /// As Create Customer Address sent them (no call reads them back).
    pub(super) addresses: Vec<Value>,
}

/// Every customer by the partner's id, and the partner's own wallets.
#[derive(Default)]
pub struct Customers {
    pub(super) by_id: BTreeMap<String, Customer>,
    pub(super) partner: Wallets,
}

impl Customers {
    /// Keeps a recorded customer (the first recording of an id wins), without the
    /// limits a call is held to: the recordings are what the sandbox starts with.
    pub fn keep_recorded(&mut self, profile: Map<String, Value>, wallets: Wallets) {
        let Some(id) = profile.get("external_id").and_then(Value::as_str).map(String::from) else {
            return;
        };
        self.by_id.entry(id).or_insert(Customer { profile, wallets, addresses: Vec::new() });
    }

    pub fn create(&mut self, body: &Value) -> Outcome {
        let id = text(body, "external_id");
        if self.by_id.contains_key(id) {
            return refuse("body.external_id", "a customer with this external_id already exists");
        }
        if self.by_id.len() >= MAX_CUSTOMERS {
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
        self.by_id.insert(id.to_string(), customer);
        Ok(Value::Object(data))
    }

    /// The customer's stored fields; refuses, at `field`, an id no customer has.
    pub fn check(&self, id: &str, field: &str) -> Result<&Map<String, Value>, Refusal> {
        self.customer(id, field).map(|customer| &customer.profile)
    }

    /// The customer's stored fields, as an order or a basket shows its customer.
    pub fn profile(&self, id: &str) -> Option<&Map<String, Value>> {
        self.by_id.get(id).map(|customer| &customer.profile)
    }

    fn customer(&self, id: &str, field: &str) -> Result<&Customer, Refusal> {
        self.by_id.get(id).ok_or_else(|| no_customer(field))
    }

    fn customer_mut(&mut self, id: &str, field: &str) -> Result<&mut Customer, Refusal> {
        self.by_id.get_mut(id).ok_or_else(|| no_customer(field))
    }

    /// The customer with one wallet per product of `products`, and cash.
    pub fn get(&self, id: &str, field: &str, products: &[Product]) -> Outcome {
        let customer = self.customer(id, field)?;
        let mut data = customer.profile.clone();
        let wallets = wallet_rows(&customer.wallets, products).into_iter().map(|row| {
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

    pub fn update(&mut self, id: &str, field: &str, body: &Value) -> Outcome {
        // The path names the customer; an `external_id` in the body (the docs' own
        // example sends another one) changes nothing.
        let mut profile = self.customer(id, field)?.profile.clone();
        merge_profile(&mut profile, body);
        check_size(&profile)?;
        if let Some(customer) = self.by_id.get_mut(id) {
            customer.profile = profile.clone();
        }
        Ok(Value::Object(profile))
    }

    pub fn balances(&self, id: &str, field: &str, products: &[Product]) -> Outcome {
        let customer = self.customer(id, field)?;
        let rows = wallet_rows(&customer.wallets, products).into_iter().map(|row| {
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
    pub fn set_balance(
        &mut self,
        holder: Holder<'_>,
        code: &str,
        amount: Decimal,
        products: &[Product],
    ) -> Result<(), Refusal> {
        let Some(currency_id) = wallet_currency(code, products) else {
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
    pub fn balance(&self, holder: Holder<'_>, code: &str, products: &[Product]) -> Result<Decimal, Refusal> {
        let Some(currency_id) = wallet_currency(code, products) else {
            return refuse("currency_code", format!("the sandbox has no wallet {code}"));
        };
        if let Holder::Customer(id) = holder {
            self.check(id, "external_id")?;
        }
        Ok(self.wallets(holder).get(&currency_id).copied().unwrap_or_default())
    }

    /// Keeps an address for an existing customer. The docs never show what the call
    /// answers, so `data` is an empty object.
    pub fn create_address(&mut self, body: &Value) -> Outcome {
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

    /// The metal products held (balance above 0), by name, of the customer (`field`
    /// names the parameter that gave the id) or, with no customer, of the partner;
    /// `metals` (`gold,silver`) keeps only those metals.
    pub fn holdings(
        &self,
        customer: Option<&str>,
        field: &str,
        metals: Option<&str>,
        products: &[Product],
    ) -> Outcome {
        let holder = match customer {
            Some(id) => {
                self.check(id, field)?;
                Holder::Customer(id)
            }
            None => Holder::Partner,
        };
        let wanted: Option<Vec<String>> =
            metals.map(|m| m.split(',').map(|metal| metal.trim().to_lowercase()).collect());
        let wallets = self.wallets(holder);
        let held = products.iter().filter(|p| {
            let name = metal_name(&p.sku).to_lowercase();
            wallets.get(&p.currency_id).is_some_and(|b| *b > Decimal::ZERO)
                && wanted.as_ref().is_none_or(|wanted| wanted.contains(&name))
        });
        let rows = held.map(|p| json!({"productName": product_name(&p.sku), "images": []}));
        Ok(Value::Array(rows.collect()))
    }

    /// The holder's wallets; none for a customer who does not exist.
    pub fn wallets(&self, holder: Holder<'_>) -> &Wallets {
        static NONE: Wallets = Wallets::new();
        match holder {
            Holder::Partner => &self.partner,
            Holder::Customer(id) => self.by_id.get(id).map_or(&NONE, |c| &c.wallets),
        }
    }

    /// The holder's wallets to change; callers have checked that the customer exists.
    pub fn wallets_mut(&mut self, holder: Holder<'_>) -> &mut Wallets {
        match holder {
            Holder::Customer(id) if self.by_id.contains_key(id) => {
                &mut self.by_id.get_mut(id).expect("checked").wallets
            }
            _ => &mut self.partner,
        }
    }
}

fn no_customer(field: &str) -> Refusal {
    Refusal { field: field.into(), message: "no customer has this external id; create it first".into() }
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

/// One row per recorded metal product, then cash, each with its balance.
fn wallet_rows(wallets: &Wallets, products: &[Product]) -> Vec<WalletRow> {
    let balance = |id: &i64| wallets.get(id).copied().unwrap_or_default();
    let metals = products.iter().map(|p| WalletRow {
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

pub(super) fn wallet_currency(code: &str, products: &[Product]) -> Option<i64> {
    if code == CASH {
        return Some(CASH_CURRENCY_ID);
    }
    products.iter().find(|p| wallet_code(&p.sku) == code).map(|p| p.currency_id)
}

/// A metal wallet's currency code: `M` and the SKU without its first letter (GAU →
/// MAU and GAG → MAG, as recorded).
pub(super) fn wallet_code(sku: &str) -> String {
    format!("M{}", sku.get(1..).unwrap_or(""))
}

fn check_size(profile: &Map<String, Value>) -> Result<(), Refusal> {
    let what = "of a customer's fields";
    check_bytes(&Value::Object(profile.clone()), MAX_PROFILE_BYTES, "body", what)
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
