//! breaks request-property-removed (no field `legacy`): the struct field is gone.
pub fn witness(request: &api::types::PriceFixRequest) -> Option<&String> {
    request.legacy.as_ref()
}
