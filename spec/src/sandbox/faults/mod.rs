//! Faults injected into a sandbox's answers, deterministic by its seed: what a fault
//! is and how it is written (`fault`), and the armed faults with their draws (`armed`).

mod armed;
mod fault;

pub use fault::{Fault, FaultError, FaultKind};

pub(super) use armed::Armed;
pub(super) use fault::duration_text;
