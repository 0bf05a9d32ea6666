//! breaks property-added (missing field `b`): a type no operation uses is exhaustive, so a literal lacks the new field.
pub fn witness() -> api::types::Spare {
    api::types::Spare { a: None }
}
