//! builds response-property-added: response structs are non-exhaustive and read, never built as literals outside the crate.
pub fn witness(fix: &api::types::PriceFix) -> &String {
    &fix.currency
}
