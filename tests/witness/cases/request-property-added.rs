//! breaks request-property-added (missing field `promo`): request structs are exhaustive, so a literal lacks the new field.
pub fn witness() -> api::types::FindOrderRequest {
    api::types::FindOrderRequest { external_id: "A-1".into() }
}
