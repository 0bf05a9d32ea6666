//! builds operation-added: code that names the other operations is untouched.
pub fn witness(client: &api::Client) {
    let _ = <api::Client as api::ClientPricingExt>::price_fix(client);
}
