//! What a failed send or lookup says about the order: the one table a placement
//! decides by.
//!
//! | a send ending in | means | so |
//! |---|---|---|
//! | `Transport` of kind `Connect` | never sent (no connection was made) | send again, no lookup |
//! | `Transport` of kind `Timeout` or `Interrupted` | may have reached the server | look it up |
//! | `UnexpectedResponse` with a 5xx (no API envelope: a proxy's page) | may have reached the server | look it up |
//! | `Decode` (a 200 the client cannot read) | answered, probably placed | look it up; never send again |
//! | `Api`, `Unauthorized`, `UnexpectedResponse` with a 4xx, `InvalidRequest`, `Config` | refused, or never sent | nothing placed by this send |
//!
//! A lookup (`get_order`) that the API's envelope refuses with a 200 or a 4xx other
//! than 401, 403, 408 or 429 says "no such order"; any other failure says nothing.

use crate::error::{Error, TransportKind};

/// What a failed send says about the order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SendFailure {
    /// No connection was made: the order was never sent.
    NotSent,
    /// It may have reached the server, unanswered.
    Ambiguous,
    /// The server answered 200 with a body the client cannot read: probably placed.
    Unreadable,
    /// Refused by the server, or before sending: this send placed nothing.
    Refused,
}

impl SendFailure {
    pub(crate) fn of(failure: &Error) -> SendFailure {
        // No wildcard: a new variant of `Error` must be placed in this table.
        match failure {
            Error::Transport { kind: TransportKind::Connect, .. } => SendFailure::NotSent,
            Error::Transport { kind: TransportKind::Timeout | TransportKind::Interrupted, .. } => {
                SendFailure::Ambiguous
            }
            // A gateway's or a crashed server's page: the order may be past the gateway.
            Error::UnexpectedResponse { status, .. } if *status >= 500 => SendFailure::Ambiguous,
            Error::Decode { .. } => SendFailure::Unreadable,
            Error::Api { .. }
            | Error::Unauthorized { .. }
            | Error::UnexpectedResponse { .. }
            | Error::InvalidRequest(_)
            | Error::Config(_) => SendFailure::Refused,
            // Not an answer to a send; the safe side if it ever were.
            Error::OutcomeUnknown { .. } => SendFailure::Ambiguous,
        }
    }
}

/// What a failed lookup says about the order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LookupFailure {
    /// The API refused the lookup in its envelope: no order has this `external_id`.
    NotFound,
    /// Nothing: a network failure, a 5xx, a refusal of the credentials or the rate,
    /// an answer the client cannot read.
    Inconclusive,
}

impl LookupFailure {
    pub(crate) fn of(failure: &Error) -> LookupFailure {
        match failure {
            Error::Api { status, .. }
                if *status == 200
                    || ((400..500).contains(status) && !matches!(status, 401 | 403 | 408 | 429)) =>
            {
                LookupFailure::NotFound
            }
            _ => LookupFailure::Inconclusive,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::BodyStart;

    fn api(status: u16) -> Error {
        Error::Api {
            status,
            code: None,
            message: String::new(),
            field_errors: Default::default(),
            retryable: false,
        }
    }

    fn unexpected(status: u16) -> Error {
        Error::UnexpectedResponse { status, body_start: BodyStart::default(), retryable: false }
    }

    #[test]
    fn a_send_is_ambiguous_only_when_it_may_have_arrived_unanswered() {
        for status in [500, 502, 503, 504] {
            assert_eq!(
                SendFailure::of(&unexpected(status)),
                SendFailure::Ambiguous,
                "{status} without the envelope"
            );
            assert_eq!(SendFailure::of(&api(status)), SendFailure::Refused, "{status} in the API's envelope");
        }
        for status in [400, 404, 408, 413, 429] {
            assert_eq!(SendFailure::of(&unexpected(status)), SendFailure::Refused, "{status}");
        }
        for status in [200, 401, 422] {
            assert_eq!(SendFailure::of(&api(status)), SendFailure::Refused, "{status}");
        }
        assert_eq!(SendFailure::of(&Error::InvalidRequest("x".into())), SendFailure::Refused);
        let unreadable = Error::Decode {
            operation: "buy".into(),
            status: 200,
            path: ".".into(),
            reason: String::new(),
            body_start: BodyStart::default(),
        };
        assert_eq!(SendFailure::of(&unreadable), SendFailure::Unreadable);
    }

    #[test]
    fn only_the_apis_refusal_says_no_such_order() {
        for status in [200, 400, 404, 410, 422] {
            assert_eq!(LookupFailure::of(&api(status)), LookupFailure::NotFound, "{status}");
        }
        for status in [401, 403, 408, 429, 500, 503] {
            assert_eq!(LookupFailure::of(&api(status)), LookupFailure::Inconclusive, "{status}");
        }
        assert_eq!(LookupFailure::of(&unexpected(404)), LookupFailure::Inconclusive, "a proxy's 404 page");
        assert_eq!(LookupFailure::of(&unexpected(503)), LookupFailure::Inconclusive);
    }
}
