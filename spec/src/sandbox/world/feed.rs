//! The sandbox's simulated price feed: the products and prices of the recorded price
//! fixes, each later fix moved by a small seeded step, and the tokens and ids drawn
//! from the same seeded stream, so that two runs with the same seed quote the same
//! prices and print the same tokens.

use super::values::decimal;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;

/// One product as the recorded price fixes show it.
#[derive(Clone, Debug)]
pub struct Product {
    pub sku: String,
    pub product_id: i64,
    pub currency_id: i64,
    pub spot: Decimal,
    pub buy: Decimal,
    pub sell: Decimal,
}

/// The largest move of one step, in basis points either way.
const STEP_BASIS_POINTS: u64 = 50;

pub struct Feed {
    /// As recorded: where every walk starts.
    recorded: Vec<Product>,
    current: Vec<Product>,
    rng: ChaCha8Rng,
}

impl Feed {
    pub fn new(recorded: Vec<Product>, seed: u64) -> Feed {
        Feed { current: recorded.clone(), recorded, rng: ChaCha8Rng::seed_from_u64(seed) }
    }

    /// The recorded products (those a wallet is opened for).
    pub fn recorded(&self) -> &[Product] {
        &self.recorded
    }

    /// Moves every price by its own step of at most ±0.5%, keeping the recorded
    /// precision: money to 2 decimals, the spot price to 4.
    pub fn step(&mut self) -> &[Product] {
        for product in &mut self.current {
            let span = 2 * STEP_BASIS_POINTS + 1;
            let basis_points = (self.rng.next_u64() % span) as i64 - STEP_BASIS_POINTS as i64;
            let factor = Decimal::ONE + Decimal::new(basis_points, 4);
            // A price that could not grow further (past 7.9e28, after thousands of
            // rises) stays where it is rather than overflow.
            let moved = |price: Decimal, places| match price.checked_mul(factor) {
                Some(moved) => moved.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero),
                None => price,
            };
            product.spot = moved(product.spot, 4);
            product.buy = moved(product.buy, 2);
            product.sell = moved(product.sell, 2);
        }
        &self.current
    }

    /// Where the walk stands: today's prices, and how far the seeded stream has been read
    /// (in 32-bit words), for a restart to go on from.
    pub fn position(&self) -> (&[Product], u128) {
        (&self.current, self.rng.get_word_pos())
    }

    /// Goes on from a [`Feed::position`]: these prices, the stream read this far.
    pub fn resume(&mut self, current: Vec<Product>, word_pos: u128) {
        self.current = current;
        self.rng.set_word_pos(word_pos);
    }

    /// Random bytes for tokens and ids, from the same seeded stream.
    pub fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// A token of 32 letters and digits, as a price fix's or a basket's.
    pub fn token(&mut self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..32).map(|_| ALPHABET[(self.next_u64() % ALPHABET.len() as u64) as usize] as char).collect()
    }

    /// An uppercase UUID-shaped id, as the recorded orders' guids are.
    pub fn guid(&mut self) -> String {
        let (high, low) = (self.next_u64(), self.next_u64());
        let hex = format!("{high:016X}{low:016X}");
        format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
    }
}

/// The products of a recorded price fix's `data.prices`; entries without a SKU,
/// ids or prices are skipped.
pub fn recorded_products(price_fix_data: &Value) -> Vec<Product> {
    let prices = price_fix_data.get("prices").and_then(Value::as_array).into_iter().flatten();
    prices
        .filter_map(|price| {
            Some(Product {
                sku: price.get("sku")?.as_str()?.to_string(),
                product_id: price.get("product_id")?.as_i64()?,
                currency_id: price.get("currency_id")?.as_i64()?,
                spot: decimal(price.get("spot_price")?)?,
                buy: decimal(price.get("buy_price")?)?,
                sell: decimal(price.get("sell_price")?)?,
            })
        })
        .collect()
}

/// The metal a SKU names: the recordings show GAU as gold and GAG as silver; GPT and
/// GPD are read as platinum and palladium; others keep their SKU.
pub fn metal_name(sku: &str) -> String {
    match sku {
        "GAU" => "Gold".into(),
        "GAG" => "Silver".into(),
        "GPT" => "Platinum".into(),
        "GPD" => "Palladium".into(),
        other => other.into(),
    }
}

/// A product's name as the recorded orders and holdings print it.
pub fn product_name(sku: &str) -> String {
    format!("{} - Digital storage", metal_name(sku))
}

#[cfg(test)]
pub(super) mod tests {
    use super::{Feed, Product};
    use rust_decimal::Decimal;

    /// Gold as the recorded price fix quotes it.
    pub fn gold() -> Vec<Product> {
        vec![Product {
            sku: "GAU".into(),
            product_id: 3000001,
            currency_id: 1000004,
            spot: Decimal::new(29397100, 4),
            buy: Decimal::new(288971, 2),
            sell: Decimal::new(285740, 2),
        }]
    }

    #[test]
    fn the_same_seed_walks_the_same_prices_and_another_seed_does_not() {
        let walk = |seed| {
            let mut feed = Feed::new(gold(), seed);
            (0..5).map(|_| feed.step()[0].buy).collect::<Vec<_>>()
        };
        assert_eq!(walk(7), walk(7));
        assert_ne!(walk(7), walk(8));
        let first = walk(7)[0];
        let recorded = Decimal::new(288971, 2);
        assert!((first - recorded).abs() <= recorded * Decimal::new(5, 3), "{first}");
        assert!(first.scale() <= 2);
    }
}
