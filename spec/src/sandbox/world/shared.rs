//! The world behind its one lock, never used half-changed.
//!
//! Every rule works out its change, checked, before it applies any of it, so a
//! refusal moves nothing. A panic part-way (a bug) would still leave the world
//! half-changed, so a call that panics is caught, the world is rebuilt from its
//! genesis (or, when it is kept on disk, from its last saved state), and the call gets
//! [`Fault`]. A lock poisoned elsewhere is treated alike: the world behind it is
//! rebuilt before anyone reads it.
//!
//! With a [`Durable`] store, a call that changes the world ([`Shared::change`]) is
//! saved under the same lock before its answer leaves: one change, one durable step. A
//! save that fails puts the last saved state back, and the call gets [`Fault::Unsaved`].

use super::refusal::Refusal;
use super::state::World;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, MutexGuard};

/// Why a call on the world was not done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// It panicked (a bug); the world was rebuilt.
    Panicked,
    /// Its change could not be saved; the world was put back as last saved.
    Unsaved,
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Fault::Panicked => {
                "the sandbox failed part-way through this call; its state was reset to the start"
            }
            Fault::Unsaved => "the sandbox could not save this change to its state file; nothing was changed",
        })
    }
}

/// Where the world is kept between runs (implemented outside the world, which does no I/O).
pub trait Durable: Send {
    /// Saves the world whole, durably; an error leaves the last saved state in place.
    fn save(&mut self, world: &World) -> Result<(), String>;
    /// Puts the last saved state back into `world`.
    fn put_back(&mut self, world: &mut World);
}

impl std::error::Error for Fault {}

/// For the test controls, which answer a [`Refusal`]: the fault, at no field.
impl From<Fault> for Refusal {
    fn from(fault: Fault) -> Refusal {
        Refusal { field: String::new(), message: fault.to_string() }
    }
}

/// The world and, when it is kept on disk, its store: one lock for both, so that no
/// save can interleave with another change.
pub struct Held {
    world: World,
    store: Option<Box<dyn Durable>>,
}

impl Held {
    /// Back to the last saved state, or to the genesis when nothing is saved.
    fn recover(&mut self) {
        match &mut self.store {
            Some(store) => store.put_back(&mut self.world),
            None => self.world.reset(),
        }
    }
}

pub struct Shared(Mutex<Held>);

impl Shared {
    pub fn new(world: World) -> Shared {
        Shared(Mutex::new(Held { world, store: None }))
    }

    /// A world whose every change is saved to `store` (which already holds it).
    pub fn kept(world: World, store: Box<dyn Durable>) -> Shared {
        Shared(Mutex::new(Held { world, store: Some(store) }))
    }

    /// Runs `call` on the world under the lock, saving nothing: for a call that
    /// changes nothing a restart must see. A panic in it rebuilds the world.
    pub fn with<T>(&self, call: impl FnOnce(&mut World) -> T) -> Result<T, Fault> {
        self.change(call, |_| false)
    }

    /// Runs `call` on the world under the lock and, when `changed` says its answer
    /// changed the world, saves it before the lock is let go (and so before the answer
    /// is sent). A failed save puts the last saved state back: [`Fault::Unsaved`].
    pub fn change<T>(
        &self,
        call: impl FnOnce(&mut World) -> T,
        changed: impl Fn(&T) -> bool,
    ) -> Result<T, Fault> {
        let mut held = self.lock();
        let answer = match catch_unwind(AssertUnwindSafe(|| call(&mut held.world))) {
            Ok(answer) => answer,
            Err(_) => {
                held.recover();
                return Err(Fault::Panicked);
            }
        };
        let Held { world, store } = &mut *held;
        if let Some(store) = store
            && changed(&answer)
            && store.save(world).is_err()
        {
            store.put_back(world);
            return Err(Fault::Unsaved);
        }
        Ok(answer)
    }

    fn lock(&self) -> MutexGuard<'_, Held> {
        match self.0.lock() {
            Ok(held) => held,
            Err(poisoned) => {
                let mut held = poisoned.into_inner();
                held.recover();
                self.0.clear_poison();
                held
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
        assert_eq!(panicked.unwrap_err(), Fault::Panicked);
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
            let mut held = poisoner.0.lock().unwrap();
            held.world.create_customer(&json!({"external_id": "HALF"})).unwrap();
            panic!("poisons the lock");
        })
        .join();
        assert!(shared.0.is_poisoned());
        assert!(!holds(&shared, "HALF"));
        assert!(!shared.0.is_poisoned());
    }
}
