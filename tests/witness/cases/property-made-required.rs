//! breaks property-made-required (mismatched types): `Option<String>` became `String`.
pub fn witness(request: &mut api::types::PriceFixRequest) {
    request.customer = None;
}
