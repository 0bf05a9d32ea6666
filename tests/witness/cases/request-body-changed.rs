//! breaks request-body-changed (NoteRequestV2): the builder's body takes the new schema's type.
pub fn witness(client: &api::Client) {
    let _ = client.add_note().body(api::types::NoteRequest { text: "a".into() });
}
