//! The faults armed on a running sandbox and the seeded draws that pick them: one
//! uniform draw per request of an armed operation, from that operation's own ChaCha8
//! stream, so that the same seed and the same requests to an operation meet the same
//! faults, and arming faults moves neither the price feed nor another operation's draws.

use super::fault::{Fault, FaultError, FaultKind};
use crate::sandbox::limits::MAX_FAULTS;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

/// A sum of probabilities this far over 1 is taken as 1: `0.34 + 0.56 + 0.1` is
/// `1.0000000000000002` in floating point.
const SUM_TOLERANCE: f64 = 1e-9;

/// The faults armed on one sandbox; requests of each armed operation draw from it.
pub struct Armed {
    seed: u64,
    /// The spec's operation ids, which a fault must name.
    operations: Vec<String>,
    plan: Mutex<BTreeMap<String, Draws>>,
    /// The faults as given, for reading back.
    given: Mutex<Vec<Fault>>,
}

/// One operation's faults, as cumulative probabilities, and its stream of draws.
struct Draws {
    faults: Vec<(f64, FaultKind)>,
    stream: ChaCha8Rng,
}

impl Armed {
    /// Arms `faults` on a sandbox of this seed serving these operations.
    pub fn new(seed: u64, operations: Vec<String>, faults: Vec<Fault>) -> Result<Armed, FaultError> {
        let armed = Armed { seed, operations, plan: Mutex::default(), given: Mutex::default() };
        armed.set(faults)?;
        Ok(armed)
    }

    /// Replaces the armed faults; every armed operation's draws start again from the
    /// beginning of its stream. Nothing changes when they are refused.
    pub fn set(&self, faults: Vec<Fault>) -> Result<(), FaultError> {
        if faults.len() > MAX_FAULTS {
            return Err(FaultError::TooMany(faults.len()));
        }
        let mut plan: BTreeMap<String, Draws> = BTreeMap::new();
        for fault in &faults {
            if !self.operations.iter().any(|id| id == fault.operation()) {
                return Err(FaultError::UnknownOperation(fault.operation().into()));
            }
            let draws = plan.entry(fault.operation().into()).or_insert_with(|| Draws {
                faults: Vec::new(),
                stream: stream(self.seed, fault.operation()),
            });
            let sum = draws.faults.last().map_or(0.0, |(cumulative, _)| *cumulative) + fault.probability();
            if sum > 1.0 + SUM_TOLERANCE {
                return Err(FaultError::OverOne { operation: fault.operation().into(), sum });
            }
            draws.faults.push((sum, fault.kind()));
        }
        // Both under the plan's lock, so that a reader never sees one without the other.
        let mut armed = self.plan.lock().unwrap_or_else(PoisonError::into_inner);
        *armed = plan;
        *self.given.lock().unwrap_or_else(PoisonError::into_inner) = faults;
        Ok(())
    }

    /// The faults armed, as given.
    pub fn armed(&self) -> Vec<Fault> {
        let _plan = self.plan.lock().unwrap_or_else(PoisonError::into_inner);
        self.given.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The fault a request of `operation` gets, if any: the next number of the
    /// operation's stream, uniform in [0, 1), picks the first fault whose cumulative
    /// probability is above it. An operation with no faults armed draws nothing.
    pub fn draw(&self, operation: &str) -> Option<FaultKind> {
        let mut plan = self.plan.lock().unwrap_or_else(PoisonError::into_inner);
        let draws = plan.get_mut(operation)?;
        // The top 53 bits: every such number is exact in an f64.
        let uniform = (draws.stream.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        draws.faults.iter().find(|(cumulative, _)| uniform < *cumulative).map(|(_, kind)| *kind)
    }
}

/// The operation's stream: the sandbox's seed (the feed's key) with a stream number
/// of its own, from the FNV-1a hash of its id; odd, so never the feed's stream 0.
fn stream(seed: u64, operation: &str) -> ChaCha8Rng {
    let hash = operation.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut stream = ChaCha8Rng::seed_from_u64(seed);
    stream.set_stream(hash | 1);
    stream
}

#[cfg(test)]
mod tests {
    use super::{Armed, stream};
    use crate::sandbox::faults::fault::{Fault, FaultError, FaultKind};
    use crate::sandbox::limits::MAX_FAULTS;
    use rand_chacha::ChaCha8Rng;
    use rand_chacha::rand_core::{RngCore, SeedableRng};

    fn operations() -> Vec<String> {
        ["buy", "sell", "price_fix"].map(String::from).to_vec()
    }

    fn fault(text: &str) -> Fault {
        text.parse().unwrap()
    }

    fn outcomes(armed: &Armed, operation: &str, n: usize) -> Vec<Option<FaultKind>> {
        (0..n).map(|_| armed.draw(operation)).collect()
    }

    #[test]
    fn draws_follow_the_seed_and_each_operation_has_its_own() {
        let plan = || vec![fault("buy:lose:0.3"), fault("buy:reset:0.3"), fault("sell:503:0.5")];
        let (a, b) =
            (Armed::new(7, operations(), plan()).unwrap(), Armed::new(7, operations(), plan()).unwrap());
        let other = Armed::new(8, operations(), plan()).unwrap();
        let first = outcomes(&a, "buy", 50);
        // Draws of another operation in between do not move buy's.
        outcomes(&b, "sell", 17);
        assert_eq!(outcomes(&b, "buy", 50), first);
        assert_ne!(outcomes(&other, "buy", 50), first);
        assert!(first.contains(&Some(FaultKind::Lose)) && first.contains(&Some(FaultKind::Reset)));
        assert!(first.contains(&None));
        assert_eq!(a.draw("price_fix"), None, "an operation with no faults draws none");
    }

    #[test]
    fn probabilities_are_kept_over_many_draws() {
        let armed = Armed::new(1, operations(), vec![fault("buy:lose:0.25"), fault("buy:503:0.5")]).unwrap();
        let drawn = outcomes(&armed, "buy", 10_000);
        let share = |kind| drawn.iter().filter(|drawn| **drawn == kind).count() as f64 / 10_000.0;
        assert!((share(Some(FaultKind::Lose)) - 0.25).abs() < 0.02);
        assert!((share(Some(FaultKind::Unavailable)) - 0.5).abs() < 0.02);
        let always = Armed::new(1, operations(), vec![fault("buy:reset:1")]).unwrap();
        assert!(outcomes(&always, "buy", 1000).iter().all(|drawn| *drawn == Some(FaultKind::Reset)));
        let never = Armed::new(1, operations(), vec![fault("buy:reset:0")]).unwrap();
        assert!(outcomes(&never, "buy", 1000).iter().all(Option::is_none));
    }

    #[test]
    fn setting_again_starts_the_draws_again() {
        let armed = Armed::new(3, operations(), vec![fault("buy:lose:0.5")]).unwrap();
        let first = outcomes(&armed, "buy", 20);
        armed.set(vec![fault("buy:lose:0.5")]).unwrap();
        assert_eq!(outcomes(&armed, "buy", 20), first);
        armed.set(Vec::new()).unwrap();
        assert_eq!(armed.draw("buy"), None);
    }

    #[test]
    fn a_plan_is_refused_whole_when_it_cannot_be_drawn() {
        let armed = Armed::new(0, operations(), vec![fault("buy:lose:1")]).unwrap();
        let over = armed.set(vec![fault("buy:lose:0.6"), fault("buy:reset:0.5")]);
        assert!(
            matches!(over, Err(FaultError::OverOne { ref operation, .. }) if operation == "buy"),
            "{over:?}"
        );
        // The spec served has no `get_order` here.
        let unknown = armed.set(vec![fault("get_order:lose:0.1")]);
        assert_eq!(unknown, Err(FaultError::UnknownOperation("get_order".into())));
        let many = vec![fault("sell:lose:0"); MAX_FAULTS + 1];
        assert_eq!(armed.set(many), Err(FaultError::TooMany(MAX_FAULTS + 1)));
        assert_eq!(armed.draw("buy"), Some(FaultKind::Lose), "the plan before is kept");
        // Exactly 1, in floating point a little over.
        armed.set(vec![fault("buy:lose:0.34"), fault("buy:reset:0.56"), fault("buy:503:0.1")]).unwrap();
    }

    #[test]
    fn fault_draws_are_not_the_feeds_numbers() {
        let mut feed = ChaCha8Rng::seed_from_u64(5);
        let mut faults = stream(5, "price_fix");
        let feed: Vec<u64> = (0..4).map(|_| feed.next_u64()).collect();
        assert!((0..4).all(|_| !feed.contains(&faults.next_u64())));
    }
}
