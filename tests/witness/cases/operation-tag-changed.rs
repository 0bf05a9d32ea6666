//! breaks operation-tag-changed (`list_orders` in trait `api::ClientOrdersExt`): the method is on its first tag's trait.
pub fn witness(client: &api::Client) {
    let _ = <api::Client as api::ClientOrdersExt>::list_orders(client);
}
