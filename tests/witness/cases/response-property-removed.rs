//! breaks response-property-removed (no field `expire_ttl`): the struct field is gone.
pub fn witness(fix: &api::types::PriceFix) -> i64 {
    fix.expire_ttl
}
