//! breaks enum-value-removed (no variant or associated item named): the variant is gone, from a request enum and a response one.
pub fn witness() -> (api::types::Gender, api::types::Status) {
    (api::types::Gender::F, api::types::Status::Closed)
}
