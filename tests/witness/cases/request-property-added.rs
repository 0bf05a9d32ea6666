//! breaks request-property-added (missing field `promo`): request structs are exhaustive, so a literal lacks the new field.
pub fn witness() -> api::types::PriceFixRequest {
    api::types::PriceFixRequest {
        type_: "digital".into(),
        currency: None,
        customer: None,
        total: None,
        note: None,
        gender: None,
        legacy: None,
        count: None,
    }
}
