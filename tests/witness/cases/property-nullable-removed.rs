//! breaks property-nullable-removed (mismatched types): required and no longer null, `Option<Decimal>` became `Decimal`.
pub fn witness(fix: &api::types::PriceFix) -> Option<Decimal> {
    fix.total
}
