//! breaks constraint-loosened (TryFrom<&str>): a component whose last bound goes is a plain newtype, which no longer converts from `&str`.
pub fn witness() -> Option<api::types::Code> {
    api::types::Code::try_from("ABC").ok()
}
