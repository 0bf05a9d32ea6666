//! breaks response-body-changed (mismatched types): the call answers the new schema's type.
pub async fn witness(client: &api::Client) -> Option<api::types::NoteEnvelope> {
    client.add_note().send().await.ok().map(|answer| answer.into_inner())
}
