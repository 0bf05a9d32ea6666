//! breaks parameter-retyped (the trait bound): the builder method takes another type.
pub fn witness(client: &api::Client) {
    let _ = client.list_orders().total(5_i64);
}
