//! breaks operation-tag-changed (no function or associated item named `list_orders`): the method is on its first tag's trait.
pub fn witness(client: &api::Client) {
    let _ = api::ClientOrdersExt::list_orders(client);
}
