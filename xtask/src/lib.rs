//! The tasks behind `cargo xtask`, as a library so that tests and benchmarks call them directly.

pub mod sandbox;
pub mod verify;
