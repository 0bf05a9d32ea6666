//! builds operation-moved: the same method, now calling another path.
pub fn witness(client: &api::Client) {
    let _ = <api::Client as api::ClientOrdersExt>::get_order(client).external_order_id("A-1");
}
