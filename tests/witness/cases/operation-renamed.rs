//! breaks operation-renamed (`find_order`): the method and its builder carry the operationId.
pub fn witness(client: &api::Client) -> api::builder::FindOrder<'_> {
    api::ClientOrdersExt::find_order(client)
}
