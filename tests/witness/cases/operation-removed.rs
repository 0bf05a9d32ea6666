//! breaks operation-removed (`get_balances`): its method is gone.
pub fn witness(client: &api::Client) {
    let _ = <api::Client as api::ClientPricingExt>::get_balances(client);
}
