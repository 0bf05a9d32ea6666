//! The names the generated code takes from this crate, and the only ones it may:
//! `build.rs` writes `crate::for_generated::<name>` and no other path of ours, so that
//! renaming one of these breaks the build here, in a line a person reads, and not
//! inside generated code. The build script stops, saying so, when the code names one
//! that is not lent here; `tests/spec.rs` checks that it names nothing else of ours.

pub(crate) use crate::envelope::Envelope;
pub(crate) use crate::received::{Received, WireValue};
pub(crate) use crate::redact::Masked;
pub(crate) use crate::transport::{ClientState, response_value};
