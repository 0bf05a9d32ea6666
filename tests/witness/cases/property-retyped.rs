//! breaks property-retyped (mismatched types): the field's Rust type changed.
pub fn witness(request: &mut api::types::PriceFixRequest) {
    request.count = Some(5_i64);
}
