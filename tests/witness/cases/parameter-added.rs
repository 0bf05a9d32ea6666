//! builds parameter-added: an optional parameter is one more builder method, unset unless called.
pub fn witness(client: &api::Client) {
    let _ = client.list_orders();
}
