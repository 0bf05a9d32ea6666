//! builds enum-value-added: generated enums are non-exhaustive, so every match already has a wildcard.
pub fn witness(gender: api::types::Gender) -> u8 {
    match gender {
        api::types::Gender::M => 1,
        _ => 0,
    }
}
