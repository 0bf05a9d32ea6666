//! builds response-status-added: a status other than success leaves the return type as it was.
pub async fn witness(client: &api::Client, request: api::types::PriceFixRequest) {
    let _ = api::ClientPricingExt::price_fix(client).body(request).send().await;
}
