//! breaks property-removed (no field `c`): the struct field of a type no operation uses is gone.
pub fn witness(legacy: &api::types::Legacy) -> Option<&String> {
    legacy.c.as_ref()
}
