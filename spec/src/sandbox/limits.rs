//! Every bound the sandbox keeps, in one place: what a client can make it hold, read
//! or wait for is limited here, so that no caller, careless or hostile, can make it
//! grow without bound or hang. `spec/SANDBOX.md` states each one as a rule.

use std::time::Duration;

// The state: the simulated world's collections and what each entry may store.

/// The most customers the sandbox holds, so that no client can make it grow without bound.
pub const MAX_CUSTOMERS: usize = 10_000;
/// The most orders it holds.
pub const MAX_ORDERS: usize = 100_000;
/// The most unexpired price fixes it holds.
pub const MAX_LIVE_FIXES: usize = 10_000;
/// The most baskets the sandbox holds.
pub const MAX_BASKETS: usize = 10_000;
/// The most bytes of JSON one customer's stored fields may take.
pub const MAX_PROFILE_BYTES: usize = 4096;
/// The most bytes of JSON one stored address (or a basket's pair of them) may take.
pub const MAX_ADDRESS_BYTES: usize = 4096;
/// The most addresses one customer may have.
pub const MAX_ADDRESSES: usize = 20;
/// The most characters of an order's `external_id`, which every line of it repeats.
pub const MAX_ORDER_ID_CHARS: usize = 255;
/// The most items one trade may have.
pub const MAX_ITEMS: usize = 100;

/// The longest a price token may live: ten 365-day years. A token's expiry is a date
/// the API prints; a lifetime past what the clock and the calendar hold (`u64::MAX`
/// seconds) would fail on every price fix, so [`Sandbox::start`](crate::sandbox::Sandbox::start)
/// refuses it.
pub const MAX_TOKEN_TTL: Duration = Duration::from_secs(10 * 365 * 24 * 60 * 60);

/// The furthest one control moves the sandbox's clock (`POST /_sandbox/clock`): ten
/// 365-day years, as for a token's lifetime, so that a date stays printable.
pub const MAX_CLOCK_ADVANCE: Duration = MAX_TOKEN_TTL;

// The server: connections, requests and the checks of them.

/// How many connections the sandbox serves at once. Past it a new connection waits,
/// unaccepted, in the listen backlog until one ends (or the client gives up): a queue
/// that costs the sandbox nothing, where accepting and closing it would look to the
/// client like a broken server.
pub const MAX_CONNECTIONS: usize = 256;

/// The largest request body the sandbox reads; a larger one gets a 413.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// How long a connection may take to send a request's headers, or stay idle between
/// requests, before the sandbox closes it.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a request's body may take to arrive, from the end of its headers; past it
/// the request gets a 408 and the connection is closed.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A body at most this large is checked on the async worker; a larger one, whose
/// validation can take long, on tokio's blocking pool.
pub const INLINE_CHECK_LIMIT: usize = 16 * 1024;

/// How many findings about its own answers the sandbox keeps
/// ([`Sandbox::check_answers`](crate::sandbox::Sandbox::check_answers)).
pub const ANSWER_FINDINGS_KEPT: usize = 1000;

/// How many nonces may be outstanding; past it the oldest is forgotten (its next use
/// gets `stale=true` and a fresh challenge), so unauthenticated requests cannot make
/// the sandbox hold more.
pub const MAX_NONCES: usize = 10_000;

/// The largest body `PUT /_sandbox/state` reads: a snapshot of a full sandbox is
/// larger than any request of the API, and the state it holds is bounded by the
/// limits above; past this it gets a 413.
pub const STATE_BODY_LIMIT: usize = 32 * 1024 * 1024;

/// How many exchanges the sandbox keeps for `GET /_sandbox/log`, the oldest forgotten first.
pub const EXCHANGES_KEPT: usize = 500;

/// How many of one exchange's findings are kept with it (a megabyte body can hold
/// thousands of violations); past it the entry says how many more there were.
pub const FINDINGS_KEPT_PER_EXCHANGE: usize = 20;

// Injected faults ([`Fault`](crate::sandbox::Fault)).

/// The most faults armed at once. A plan is a test's or a command line's, a handful of
/// lines; a request walks its operation's faults on every draw, so this bounds that walk.
pub const MAX_FAULTS: usize = 64;

/// The longest a delay fault holds an answer: longer than any client's sensible
/// timeout, and a held answer keeps one of the [`MAX_CONNECTIONS`] busy, so a longer
/// delay would only look like a hang.
pub const MAX_FAULT_DELAY: Duration = Duration::from_secs(60);
