//! The sandbox's controls, one set for a Rust test ([`Running`](crate::sandbox::Running)'s
//! methods) and for HTTP (`/_sandbox/...` beside the API): the `controls` themselves,
//! the `exchanges` kept for reading back, the `routes` that answer them over HTTP, and
//! the `dashboard` page a person watches them on.

mod controls;
mod dashboard;
mod exchanges;
mod routes;

pub(super) use controls::Controls;
pub(super) use dashboard::page as dashboard_page;
pub(super) use exchanges::Answered;
pub(super) use routes::{Route, Unrouted};
