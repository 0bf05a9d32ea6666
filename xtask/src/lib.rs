//! The tasks behind `cargo xtask`, over the contract crate `minted-spec`; a library so
//! that its own tests call them directly. Nothing depends on it.

pub mod bundle;
pub mod changes;
pub mod inventory;
pub mod report;
pub mod verify;
