//! How persistent a placement is: how many sends, how many lookups before an order is
//! believed missing, how far apart, and how much life a price token must have left.

use std::time::Duration;

/// How [`Client::place_buy`](crate::Client::place_buy), `place_sell` and
/// `place_delivery` settle a send that may have reached the server; set on the client
/// with [`ClientBuilder::placement`](crate::ClientBuilder::placement), or per call with
/// [`Place::policy`](crate::place::Place::policy).
///
/// The defaults, and why:
///
/// - **3 sends** at most (`max_sends`): the first, and two more only after the lookups
///   said "not found" (or the connection was never made). With a price token of about
///   240 s, three sends with their lookups fit in one token's life.
/// - **3 "not found" in a row** before the order is believed missing (`lookups`), as
///   Hummingbot does before it gives up on an order it cannot see.
/// - **30 s between lookups** (`lookup_interval`); the first lookup is made at once, so
///   an order is believed missing 60 s after the failure, counted from when the send
///   failed (itself after the send began). Binance has shown real orders as missing
///   for 22 to 62 s: a shorter window resends sooner but risks a second order for one
///   that was only slow to show; a longer one is safer and leaves less of the token
///   for a resend. Widen it with more lookups or a longer interval when the platform
///   is known to be slower.
/// - **5 s of token life left** at least before a buy or sell is sent
///   (`min_token_left`): a token that runs out on the way gets the order refused, and
///   the client's clock and the server's differ by the answer's latency.
///
/// A lookup that fails itself (a network failure, a 5xx, an answer the client cannot
/// read) says nothing and breaks the run of "not found"; after twice `lookups` lookups
/// for one failed send without that run, the outcome is unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct PlacementPolicy {
    pub(crate) max_sends: u32,
    pub(crate) lookups: u32,
    pub(crate) lookup_interval: Duration,
    pub(crate) min_token_left: Duration,
}

impl Default for PlacementPolicy {
    fn default() -> Self {
        PlacementPolicy {
            max_sends: 3,
            lookups: 3,
            lookup_interval: Duration::from_secs(30),
            min_token_left: Duration::from_secs(5),
        }
    }
}

impl PlacementPolicy {
    /// At most this many sends of the order, the first included (default 3; at least 1).
    pub fn max_sends(mut self, sends: u32) -> Self {
        self.max_sends = sends.max(1);
        self
    }

    /// How many lookups in a row must answer "no such order" before it is believed
    /// missing and sent again (default 3; at least 1).
    pub fn lookups(mut self, lookups: u32) -> Self {
        self.lookups = lookups.max(1);
        self
    }

    /// The wait between two lookups (default 30 s); the first is made at once.
    pub fn lookup_interval(mut self, interval: Duration) -> Self {
        self.lookup_interval = interval;
        self
    }

    /// The least life a price token must have left for a buy or sell to be sent
    /// (default 5 s).
    pub fn min_token_left(mut self, left: Duration) -> Self {
        self.min_token_left = left;
        self
    }

    /// How long after a failed send the order is believed missing, when every lookup
    /// answers at once: `(lookups - 1) × lookup_interval`.
    pub fn lookup_window(&self) -> Duration {
        self.lookup_interval.saturating_mul(self.lookups - 1)
    }

    /// The most lookups made for one failed send: twice the run of "not found" needed.
    pub(crate) fn lookup_cap(&self) -> u32 {
        self.lookups.saturating_mul(2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_documented_ones() {
        let policy = PlacementPolicy::default();
        assert_eq!((policy.max_sends, policy.lookups), (3, 3));
        assert_eq!(policy.lookup_window(), Duration::from_secs(60));
        assert_eq!(policy.min_token_left, Duration::from_secs(5));
        assert_eq!(policy.lookup_cap(), 6);
    }

    #[test]
    fn counts_are_at_least_one() {
        let policy = PlacementPolicy::default().max_sends(0).lookups(0);
        assert_eq!((policy.max_sends, policy.lookups), (1, 1));
        assert_eq!(policy.lookup_window(), Duration::ZERO);
    }
}
