//! breaks constraint-tightened (mismatched types): a bound on a decimal leaves the client's `Decimal` conversion (`f64` instead), and a length on a plain string makes it a validated newtype.
pub fn witness(request: &mut api::types::PriceFixRequest) {
    request.total = Some(Decimal::ONE);
    request.note = Some(String::from("a note"));
}
