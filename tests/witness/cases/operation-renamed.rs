//! breaks operation-renamed (`find_order`): the method and its builder carry the operationId.
pub fn witness(client: &api::Client) {
    let _ = <api::Client as api::ClientOrdersExt>::find_order(client);
}
