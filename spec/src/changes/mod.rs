//! What an edit of the spec does, to the wire and to the generated Rust: each change
//! located, read by a named check, with the generated items it touches, and the
//! release the whole edit calls for. `cargo xtask changes` prints it.

mod edit;
mod found;
mod items;
mod model;
pub mod names;
mod operations;
mod schemas;
mod shape;
mod uses;
mod words;

pub use edit::report;
pub use items::{generated_items, generated_structs};
pub use model::{Bump, CHECKS, Change, Check, DOCS, Report, Rust, Side, Wire};
