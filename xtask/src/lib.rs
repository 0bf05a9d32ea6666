//! The tasks behind `cargo xtask`, over the contract crate `minted-spec`; a library so
//! that its own tests call them directly. Nothing depends on it.

pub mod anchor;
pub mod annotations;
pub mod baseline;
pub mod bundle;
pub mod changes;
pub mod github;
pub mod inventory;
pub mod junit;
pub mod progress;
pub mod report;
pub mod sarif;
pub mod verify;
