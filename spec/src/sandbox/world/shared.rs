//! The world behind its one lock, never used half-changed.
//!
//! Every rule works out its change, checked, before it applies any of it, so a
//! refusal moves nothing. A panic part-way (a bug) would still leave the world
//! half-changed, so a call that panics is caught, the world is rebuilt from its
//! genesis, and the call gets [`Fault`]. A lock poisoned elsewhere is treated alike:
//! the world behind it is rebuilt before anyone reads it.

use super::refusal::Refusal;
use super::state::World;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, MutexGuard};

/// A call on the world panicked; the world was rebuilt from its genesis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault;

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the sandbox failed part-way through this call; its state was reset to the start")
    }
}

impl std::error::Error for Fault {}

/// For the test controls, which answer a [`Refusal`]: the fault, at no field.
impl From<Fault> for Refusal {
    fn from(fault: Fault) -> Refusal {
        Refusal { field: String::new(), message: fault.to_string() }
    }
}

pub struct Shared(Mutex<World>);

impl Shared {
    pub fn new(world: World) -> Shared {
        Shared(Mutex::new(world))
    }

    /// Runs `call` on the world under the lock; a panic in it resets the world.
    pub fn with<T>(&self, call: impl FnOnce(&mut World) -> T) -> Result<T, Fault> {
        let mut world = self.lock();
        match catch_unwind(AssertUnwindSafe(|| call(&mut world))) {
            Ok(answer) => Ok(answer),
            Err(_) => {
                world.reset();
                Err(Fault)
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, World> {
        match self.0.lock() {
            Ok(world) => world,
            Err(poisoned) => {
                let mut world = poisoned.into_inner();
                world.reset();
                self.0.clear_poison();
                world
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Fault, Shared};
    use crate::sandbox::world::customers::Holder;
    use crate::sandbox::world::genesis::Genesis;
    use crate::sandbox::world::state::World;
    use crate::sandbox::world::values::CASH;
    use serde_json::json;
    use std::time::Duration;

    /// Whether the world holds the customer: only a customer has a cash balance to read.
    fn holds(shared: &Shared, customer: &str) -> bool {
        shared.with(|world| world.balance(Holder::Customer(customer), CASH).is_ok()).unwrap()
    }

    fn shared() -> Shared {
        let genesis = Genesis {
            seed: 0,
            token_ttl: Duration::from_secs(240),
            products: Vec::new(),
            customers: Vec::new(),
            orders: Vec::new(),
        };
        Shared::new(World::new(genesis))
    }

    #[test]
    fn a_call_that_panics_part_way_leaves_no_change_behind() {
        let shared = shared();
        shared.with(|world| world.create_customer(&json!({"external_id": "KEPT"}))).unwrap().unwrap();
        let panicked = shared.with(|world| {
            world.create_customer(&json!({"external_id": "HALF"})).unwrap();
            panic!("a bug part-way through a change");
        });
        assert_eq!(panicked.unwrap_err(), Fault);
        assert!(!holds(&shared, "HALF"), "the half-made change is gone");
        // Rebuilt from genesis: the earlier, complete change went with it.
        assert!(!holds(&shared, "KEPT"));
        assert!(!shared.0.is_poisoned());
    }

    #[test]
    fn a_poisoned_lock_is_rebuilt_before_it_is_read() {
        let shared = std::sync::Arc::new(shared());
        let poisoner = std::sync::Arc::clone(&shared);
        let _ = std::thread::spawn(move || {
            let mut world = poisoner.0.lock().unwrap();
            world.create_customer(&json!({"external_id": "HALF"})).unwrap();
            panic!("poisons the lock");
        })
        .join();
        assert!(shared.0.is_poisoned());
        assert!(!holds(&shared, "HALF"));
        assert!(!shared.0.is_poisoned());
    }
}
