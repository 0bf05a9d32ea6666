//! breaks schema-renamed (cannot find type `Order`): the type carries the schema's name.
pub fn witness(order: &api::types::Order) -> &str {
    &order.external_id
}
