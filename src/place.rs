//! Placing a buy, a sell or a delivery safely: the call ends with the order, or with
//! [`Error::OutcomeUnknown`] naming its `external_id`, and never with a second order.
//!
//! The API has no idempotency key, but every order carries the partner's own
//! `external_id`, and `get_order` reads an order by it. A placement
//! ([`Client::place_buy`], [`Client::place_sell`], [`Client::place_delivery`]):
//!
//! 1. refuses an order without an `external_id` before anything is sent;
//! 2. sends it; an answer (the order, or a refusal) is returned as it is;
//! 3. after a failure that may have reached the server (a timeout, a connection cut
//!    after sending, a 5xx without the API's envelope), looks the order up by its
//!    `external_id`: found, it is returned, marked [`Resolution::ByLookup`];
//! 4. believes it missing only after [`PlacementPolicy`]'s run of "not found"
//!    lookups spread over its window, and only then sends it again (a connection
//!    never made is sent again at once: nothing reached the server);
//! 5. stops sending after the policy's number of sends, or when the price token has
//!    too little life left, and ends with [`Error::OutcomeUnknown`];
//! 6. after a resend that the server refuses, looks the order up once more, and
//!    returns it if found.
//!
//! What each failure means is the table in `verdict.rs` (README, "Placing orders
//! safely"). The rule that follows: a plain error means this call placed nothing;
//! once a send may have reached the server, the call ends with the order or with
//! [`Error::OutcomeUnknown`], never with an error that would hide a placed order.
//!
//! # What the client assumes of the server about a reused `external_id`
//!
//! The docs do not say what the server answers to an order whose `external_id` is
//! already used (the sandbox refuses it with a 422). Either way is safe:
//!
//! - **If the server refuses a duplicate**, the refusal of a resend triggers a lookup,
//!   which finds the first order; if even that lookup cannot, the outcome is unknown.
//! - **If the server silently accepts a duplicate as a second order**, the client still
//!   never resends before the lookups have said "not found" for the policy's whole
//!   window. A second order can then only arise if the first stays invisible to
//!   `get_order` for longer than that window (60 s by default). Widen it with
//!   [`PlacementPolicy::lookups`] or [`PlacementPolicy::lookup_interval`], or set
//!   [`PlacementPolicy::max_sends`] to 1 to never resend.
//!
//! The client also assumes `external_id`s are unique per order, as the API asks: an
//! older order with the same id would be found and returned as this one.
//!
//! Every step is a `tracing` event in the call's span, `place`, which holds the
//! operation, the `external_id` (the partner's, not the customer's), the sends, the
//! lookups and how it ended; no customer id or body is logged.

mod order;
mod outcome;
mod policy;
mod verdict;

pub use order::Placeable;
pub use outcome::{Placed, PlacedOrder, Resolution};
pub use policy::PlacementPolicy;

use crate::error::Error;
use crate::{Client, ClientOrdersExt, IntoData, types};
use std::fmt::Display;
use std::time::Duration;
use tokio::time::Instant;
use tracing::Instrument;
use verdict::{LookupFailure, SendFailure};

/// The longest token life [`token_expiry`] counts: a day (a larger `expire_ttl` is a
/// server's mistake, and an `Instant` that far may not exist).
const LONGEST_TTL: u64 = 24 * 60 * 60;

/// When the token of `fix` runs out, on tokio's clock: `expire_ttl` seconds from now.
/// Call it as soon as the price fix is answered: `expire_ttl` counts from the response.
pub fn token_expiry(fix: &types::PriceFix) -> Instant {
    let ttl = u64::try_from(fix.expire_ttl).unwrap_or(0).min(LONGEST_TTL);
    Instant::now() + Duration::from_secs(ttl)
}

impl Client {
    /// Places a buy safely (see [`crate::place`]): `token_expires` is when its
    /// `price_token` runs out ([`token_expiry`] of the price fix).
    ///
    /// ```no_run
    /// # async fn run(client: minted_connect::Client, request: minted_connect::types::BuyRequest, fix: minted_connect::types::PriceFix) -> Result<(), minted_connect::Error> {
    /// use minted_connect::place::{PlacedOrder, token_expiry};
    ///
    /// let placed = client.place_buy(request, token_expiry(&fix)).send().await?;
    /// match &placed.order {
    ///     PlacedOrder::Answered(bought) => println!("orders {}", bought.order_code.join(", ")),
    ///     PlacedOrder::ByLookup(order) => println!("order {} (its answer was lost)", order.order_code),
    ///     _ => {}
    /// }
    /// # Ok(()) }
    /// ```
    pub fn place_buy<R>(&self, request: R, token_expires: Instant) -> Place<'_, types::BuyRequest>
    where
        R: TryInto<types::BuyRequest>,
        R::Error: Display,
    {
        Place::new(self, request, Some(token_expires))
    }

    /// Places a sell safely (see [`crate::place`]): `token_expires` is when its
    /// `price_token` runs out ([`token_expiry`] of the price fix).
    pub fn place_sell<R>(&self, request: R, token_expires: Instant) -> Place<'_, types::SellRequest>
    where
        R: TryInto<types::SellRequest>,
        R::Error: Display,
    {
        Place::new(self, request, Some(token_expires))
    }

    /// Places a delivery safely (see [`crate::place`]); it quotes no price token.
    pub fn place_delivery<R>(&self, request: R) -> Place<'_, types::DeliveryRequest>
    where
        R: TryInto<types::DeliveryRequest>,
        R::Error: Display,
    {
        Place::new(self, request, None)
    }
}

/// One placement, made by [`Client::place_buy`], `place_sell` or `place_delivery`;
/// nothing is sent until [`send`](Self::send).
#[must_use = "a placement does nothing until `send()`"]
pub struct Place<'a, O> {
    client: &'a Client,
    /// The request, or why it could not be made.
    request: Result<O, String>,
    token_expires: Option<Instant>,
    policy: PlacementPolicy,
}

impl<'a, O: Placeable> Place<'a, O> {
    fn new<R>(client: &'a Client, request: R, token_expires: Option<Instant>) -> Self
    where
        R: TryInto<O>,
        R::Error: Display,
    {
        Place {
            client,
            request: request.try_into().map_err(|e| e.to_string()),
            token_expires,
            policy: client.inner.placement.clone(),
        }
    }

    /// This placement's policy instead of the client's.
    pub fn policy(mut self, policy: PlacementPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Places the order.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidRequest`] before anything is sent: no `external_id`, a value
    ///   the spec refuses, or a price token with less life left than the policy's
    ///   minimum (fix a new price);
    /// - the server's refusal of the first send (`Api`, `Unauthorized`, ...), or the
    ///   connection failure when no send could connect: this call placed nothing;
    /// - [`Error::OutcomeUnknown`] when a send may have reached the server and the
    ///   order could not be found, nor sent again: read it later with `get_order`
    ///   before placing it again.
    pub async fn send(self) -> Result<Placed<O::Answer>, Error> {
        let request = self.request.map_err(Error::InvalidRequest)?;
        let Some(external_id) = request.external_id().filter(|id| !id.trim().is_empty()) else {
            return Err(Error::InvalidRequest(format!(
                "{}: set the order's external_id: a placement finds an order whose answer was \
                 lost by it, and never sends an order without one",
                O::OPERATION
            )));
        };
        let span = tracing::info_span!(
            "place",
            operation = O::OPERATION,
            external_id = %external_id,
            sends = tracing::field::Empty,
            lookups = tracing::field::Empty,
            resolution = tracing::field::Empty,
        );
        let run = Run {
            client: self.client,
            policy: self.policy,
            token_expires: self.token_expires,
            external_id: external_id.to_string(),
            sends: 0,
            lookups: 0,
        };
        let placing = run.place(&request, span.clone());
        placing.instrument(span).await
    }
}

/// A placement under way: what it has done so far.
struct Run<'a> {
    client: &'a Client,
    policy: PlacementPolicy,
    token_expires: Option<Instant>,
    external_id: String,
    sends: u32,
    lookups: u32,
}

/// What the lookups for one failed send concluded.
enum Found {
    Order(Box<types::Order>),
    /// The policy's run of "not found" in a row.
    Missing,
    /// Neither, within the policy's lookups.
    Unsure,
}

impl Run<'_> {
    async fn place<O: Placeable>(
        mut self,
        request: &O,
        span: tracing::Span,
    ) -> Result<Placed<O::Answer>, Error> {
        let ended = self.sends_until_settled(request).await;
        span.record("sends", self.sends);
        span.record("lookups", self.lookups);
        match &ended {
            Ok(placed) => {
                span.record("resolution", tracing::field::debug(placed.resolution()));
                tracing::info!(resolution = ?placed.resolution(), "resolved");
            }
            Err(Error::OutcomeUnknown { .. }) => {
                span.record("resolution", "unknown");
                tracing::warn!(
                    "outcome unknown: read the order later with get_order before placing it again"
                );
            }
            Err(_) => {
                span.record("resolution", "not placed");
            }
        }
        ended
    }

    async fn sends_until_settled<O: Placeable>(&mut self, request: &O) -> Result<Placed<O::Answer>, Error> {
        // The last failure of a send that may have reached the server: while there is
        // none, nothing was placed; once there is one, only the order or "unknown" may end the call.
        let mut reached: Option<Error> = None;
        // The last send that never connected, when no send may have reached the server.
        let mut unconnected: Option<Error> = None;
        loop {
            if self.sends >= self.policy.max_sends {
                tracing::warn!(sends = self.sends, "no sends left");
                return Err(self.stopped(reached, unconnected));
            }
            if let Some(left) = self.token_too_short() {
                tracing::warn!(left_ms = left.as_millis() as u64, "price token too short to send");
                return Err(match (reached, unconnected) {
                    (None, None) => Error::InvalidRequest(format!(
                        "the price token has {} ms left, less than the placement policy's {} ms: fix a new price",
                        left.as_millis(),
                        self.policy.min_token_left.as_millis()
                    )),
                    (reached, unconnected) => self.stopped(reached, unconnected),
                });
            }
            self.sends += 1;
            tracing::info!(send = self.sends, "sent");
            let failure = match request.send(self.client).await {
                Ok(answer) => return Ok(self.placed(PlacedOrder::Answered(answer))),
                Err(failure) => failure,
            };
            match SendFailure::of(&failure) {
                SendFailure::NotSent => {
                    tracing::info!(send = self.sends, "not sent: no connection was made; sending again");
                    unconnected = Some(failure);
                }
                SendFailure::Refused if reached.is_none() => {
                    tracing::info!(send = self.sends, status = failure.status(), "refused");
                    return Err(failure);
                }
                SendFailure::Refused => {
                    // A refusal of a resend may be the server's answer to a used `external_id`.
                    tracing::warn!(
                        send = self.sends,
                        status = failure.status(),
                        "resend refused; looking up once more"
                    );
                    return match self.look_up().await {
                        Ok(order) => Ok(self.placed(PlacedOrder::ByLookup(Box::new(order)))),
                        Err(_) => Err(self.unknown(failure)),
                    };
                }
                SendFailure::Unreadable => {
                    tracing::warn!(send = self.sends, "answered but unreadable; looking up, never resending");
                    return match self.look_up_for_a_while().await {
                        Found::Order(order) => Ok(self.placed(PlacedOrder::ByLookup(order))),
                        Found::Missing | Found::Unsure => Err(self.unknown(failure)),
                    };
                }
                SendFailure::Ambiguous => {
                    tracing::warn!(
                        send = self.sends,
                        kind = %Ambiguity(&failure),
                        "ambiguous: may have reached the server; looking up"
                    );
                    match self.look_up_for_a_while().await {
                        Found::Order(order) => return Ok(self.placed(PlacedOrder::ByLookup(order))),
                        Found::Missing => {
                            tracing::info!(lookups = self.lookups, "believed not placed; resending")
                        }
                        Found::Unsure => return Err(self.unknown(failure)),
                    }
                    reached = Some(failure);
                }
            }
        }
    }

    /// Lookups until the order is found, or the policy's run of "not found" says it
    /// is missing, or the policy's lookups for one send are spent.
    async fn look_up_for_a_while(&mut self) -> Found {
        let mut missing_in_a_row = 0;
        for attempt in 1..=self.policy.lookup_cap() {
            if attempt > 1 {
                tokio::time::sleep(self.policy.lookup_interval).await;
            }
            match self.look_up().await {
                Ok(order) => return Found::Order(Box::new(order)),
                Err(LookupFailure::NotFound) => missing_in_a_row += 1,
                Err(LookupFailure::Inconclusive) => missing_in_a_row = 0,
            }
            if missing_in_a_row >= self.policy.lookups {
                return Found::Missing;
            }
        }
        Found::Unsure
    }

    /// One lookup by `external_id`.
    async fn look_up(&mut self) -> Result<types::Order, LookupFailure> {
        self.lookups += 1;
        let lookup = self.lookups;
        let looked = self.client.get_order().external_order_id(self.external_id.as_str()).send().await;
        match looked.into_data() {
            Ok(order) => {
                tracing::info!(lookup, "lookup: found");
                Ok(order)
            }
            Err(failure) => {
                let verdict = LookupFailure::of(&failure);
                match verdict {
                    LookupFailure::NotFound => {
                        tracing::info!(lookup, status = failure.status(), "lookup: not found")
                    }
                    LookupFailure::Inconclusive => {
                        tracing::warn!(lookup, status = failure.status(), "lookup: inconclusive")
                    }
                }
                Err(verdict)
            }
        }
    }

    /// The token's life left, when it is less than the policy's minimum.
    fn token_too_short(&self) -> Option<Duration> {
        let left = self.token_expires?.saturating_duration_since(Instant::now());
        (left < self.policy.min_token_left).then_some(left)
    }

    fn placed<T>(&self, order: PlacedOrder<T>) -> Placed<T> {
        Placed { order, external_id: self.external_id.clone(), sends: self.sends, lookups: self.lookups }
    }

    fn unknown(&self, last: Error) -> Error {
        Error::OutcomeUnknown {
            external_id: self.external_id.clone(),
            sends: self.sends,
            lookups: self.lookups,
            last: Box::new(last),
        }
    }

    /// Why sending stopped: unknown once a send may have reached the server; else the
    /// last connection failure (nothing was sent).
    fn stopped(&self, reached: Option<Error>, unconnected: Option<Error>) -> Error {
        match (reached, unconnected) {
            (Some(reached), _) => self.unknown(reached),
            (None, Some(unconnected)) => unconnected,
            // Unreachable: a policy sends at least once, and the token is checked before.
            (None, None) => Error::InvalidRequest("the placement policy allows no send".into()),
        }
    }
}

/// How an ambiguous send failed, for its event: the transport's kind or the status.
struct Ambiguity<'a>(&'a Error);

impl Display for Ambiguity<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Error::Transport { kind, .. } => write!(f, "{kind}"),
            other => match other.status() {
                Some(status) => write!(f, "HTTP {status}"),
                None => f.write_str("other"),
            },
        }
    }
}
