//! The sandbox's controls, one set for a Rust test ([`Running`](crate::sandbox::Running)'s
//! methods) and for HTTP (`/_sandbox/...` beside the API): the `controls` themselves,
//! the `exchanges` kept for reading back, and the `routes` that answer them over HTTP.

mod controls;
mod exchanges;
mod routes;

pub(super) use controls::Controls;
pub(super) use exchanges::Answered;
pub(super) use routes::{Route, Unrouted};
