//! breaks property-nullable-added (mismatched types): `String` became `Option<String>`.
pub fn witness(fix: &api::types::PriceFix) -> &String {
    &fix.token
}
