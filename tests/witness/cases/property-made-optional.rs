//! breaks property-made-optional (mismatched types): `String` became `Option<String>`.
pub fn witness(fix: &api::types::PriceFix) -> &String {
    &fix.code
}
