//! The values every rule reads and writes: money and metal amounts as exact decimals
//! (never floats, so a total is the sum of its lines to the penny), how they are
//! rounded and bounded, the one cash currency, and a body's text fields.

use super::refusal::{Refusal, refuse};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;

/// The only cash currency the sandbox keeps (the docs' default).
pub const CASH: &str = "GBP";
/// The cash wallet's currency id.
pub(super) const CASH_CURRENCY_ID: i64 = 1_000_000;

/// Metal amounts are grams with at most 4 decimals.
pub const AMOUNT_PLACES: u32 = 4;
/// Money is rounded to 2 decimals, half away from zero.
pub const MONEY_PLACES: u32 = 2;

/// A metal amount as the rules take it: positive, with at most [`AMOUNT_PLACES`] decimals.
pub(super) fn valid_amount(amount: Decimal, field: &str) -> Result<Decimal, Refusal> {
    if amount > Decimal::ZERO && amount.normalize().scale() <= AMOUNT_PLACES {
        return Ok(amount);
    }
    refuse(field, format!("an amount is positive, with at most {AMOUNT_PLACES} decimals"))
}

/// Money rounded to [`MONEY_PLACES`], half away from zero.
pub(super) fn money(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(MONEY_PLACES, RoundingStrategy::MidpointAwayFromZero)
}

/// A JSON number as an exact decimal (serde_json keeps the number's text).
pub(super) fn decimal(value: &Value) -> Option<Decimal> {
    match value {
        Value::Number(number) => {
            let text = number.to_string();
            text.parse().ok().or_else(|| Decimal::from_scientific(&text).ok())
        }
        _ => None,
    }
}

/// An exact decimal as a JSON number, without trailing zeros.
pub(super) fn number(amount: Decimal) -> Value {
    serde_json::from_str(&amount.normalize().to_string()).unwrap_or(Value::Null)
}

/// A body's text field, or `""` when it is missing or not text.
pub(super) fn text<'v>(value: &'v Value, field: &str) -> &'v str {
    value.get(field).and_then(Value::as_str).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::{decimal, number};
    use rust_decimal::Decimal;
    use serde_json::Value;

    #[test]
    fn numbers_keep_their_exact_text() {
        let value: Value = serde_json::from_str("34.7041").unwrap();
        assert_eq!(decimal(&value), Some(Decimal::new(347041, 4)));
        assert_eq!(number(Decimal::new(15000, 4)).to_string(), "1.5");
        assert_eq!(decimal(&serde_json::from_str("1e400").unwrap()), None);
    }
}
