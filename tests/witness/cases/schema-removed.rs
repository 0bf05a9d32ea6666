//! breaks schema-removed (cannot find type `Gone`): its type is gone.
pub fn witness(gone: &api::types::Gone) -> Option<&String> {
    gone.a.as_ref()
}
