//! breaks operation-removed (no function or associated item named `get_balances`): its method is gone.
pub fn witness(client: &api::Client) {
    let _ = api::ClientPricingExt::get_balances(client);
}
