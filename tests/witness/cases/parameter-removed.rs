//! breaks parameter-removed (no method named `sku`): its builder method is gone.
pub fn witness(client: &api::Client) {
    let _ = client.list_orders().sku("GAU");
}
