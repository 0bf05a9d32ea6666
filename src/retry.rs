//! When a failed call may be sent again, and how long to wait first.
//!
//! Safe by construction: a call is retried only when it cannot have taken effect
//! twice, that is a GET, or any call whose connection was never made. A POST,
//! PATCH, PUT or DELETE that may have reached the server is never sent again (a buy
//! order would be placed twice). The same rule answers [`crate::Error::is_retryable`],
//! so a caller who runs their own loop gets the same safety.

use rand::Rng;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::num::IntErrorKind;
use std::time::{Duration, SystemTime};

/// How a [`Client`](crate::Client) retries failed calls; set with
/// [`ClientBuilder::retry`](crate::ClientBuilder::retry).
///
/// The default retries up to 2 times, after a wait drawn at random between zero and
/// an exponential backoff (200 ms, then 400 ms, capped at 5 s: "full jitter"), or
/// after the server's `Retry-After` when it gives one of at most 30 s. A longer
/// `Retry-After` (or one of too many seconds to read) ends the call with the failure,
/// whose [`is_retryable`](crate::Error::is_retryable) is still true.
/// [`RetryPolicy::none`] turns retries off.
///
/// What is retried: a GET after a network failure (no connection, a timeout, a
/// connection cut mid-way) or an HTTP 429, 502, 503 or 504; any call whose
/// connection could not be made (refused, or a name that does not resolve). Nothing
/// else. Answering a Digest challenge is not a retry and happens either way.
/// Each attempt has the whole [`timeout`](crate::ClientBuilder::timeout).
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries: every failure is returned as it happens.
    pub fn none() -> Self {
        RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
    }

    /// At most this many retries after the first attempt (default 2).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The backoff before the first retry, doubling for each later one up to `max`
    /// (defaults 200 ms and 5 s); the wait is drawn at random below it.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// The longest `Retry-After` that is waited for (default 30 s).
    pub fn max_retry_after(mut self, limit: Duration) -> Self {
        self.max_retry_after = limit;
        self
    }

    pub(crate) fn retries(&self) -> u32 {
        self.max_retries
    }

    /// How long to wait before retry number `retry` (1 for the first) of a failure
    /// that [`retryable`] allows; `None` when the policy says not to retry.
    pub(crate) fn wait(&self, retry: u32, headers: Option<&HeaderMap>) -> Option<Duration> {
        if retry > self.max_retries {
            return None;
        }
        match headers.map_or(Asked::Nothing, retry_after) {
            Asked::After(asked) if asked <= self.max_retry_after => Some(asked),
            Asked::After(_) | Asked::TooLongToRead => None,
            Asked::Nothing => {
                let doubled = self.initial_backoff.saturating_mul(1 << (retry - 1).min(30));
                let ceiling = doubled.min(self.max_backoff);
                Some(ceiling.mul_f64(rand::thread_rng().r#gen::<f64>()))
            }
        }
    }
}

/// What ended an attempt, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ending {
    /// An HTTP status.
    Status(u16),
    /// No connection could be made: the request was never sent.
    NotConnected,
    /// The exchange failed after the connection was made: the request may have arrived.
    Interrupted,
}

impl Ending {
    /// How a network failure ended the attempt: reqwest's `is_connect()` is a
    /// connection never made (refused, unresolved, connect timeout).
    pub(crate) fn of(error: &reqwest::Error) -> Ending {
        if error.is_connect() { Ending::NotConnected } else { Ending::Interrupted }
    }
}

/// Whether a call ended so may be sent again: the one rule for the retry loop and
/// for [`crate::Error::is_retryable`].
pub(crate) fn retryable(get: bool, ending: Ending) -> bool {
    match ending {
        Ending::NotConnected => true,
        Ending::Interrupted => get,
        Ending::Status(status) => get && matches!(status, 429 | 502 | 503 | 504),
    }
}

/// What a response's `Retry-After` asks for.
enum Asked {
    /// No `Retry-After`, or one that cannot be read: the backoff applies.
    Nothing,
    After(Duration),
    /// More seconds than a `u64` holds: longer than any limit.
    TooLongToRead,
}

/// The `Retry-After` of a response, in seconds or as an HTTP date.
///
/// A value that is neither (`soon`, `-1`, `1.5`) is ignored, as RFC 9110 has a
/// recipient do with an invalid field: it says nothing about how long the server
/// wants, while the status alone (429, 503) still asks for a retry, and the backoff
/// keeps that retry within the policy. An all-digit value too large to read does say
/// how long: longer than any limit.
fn retry_after(headers: &HeaderMap) -> Asked {
    let Some(value) = headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::trim) else {
        return Asked::Nothing;
    };
    match value.parse::<u64>() {
        Ok(seconds) => return Asked::After(Duration::from_secs(seconds)),
        Err(e) if *e.kind() == IntErrorKind::PosOverflow => return Asked::TooLongToRead,
        Err(_) => {}
    }
    match httpdate::parse_http_date(value) {
        Ok(at) => Asked::After(at.duration_since(SystemTime::now()).unwrap_or_default()),
        Err(_) => Asked::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn asking(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn only_calls_that_cannot_have_taken_effect_twice_are_retryable() {
        for status in [429, 502, 503, 504] {
            assert!(retryable(true, Ending::Status(status)));
            assert!(!retryable(false, Ending::Status(status)), "a POST meeting {status}");
        }
        for status in [200, 400, 401, 404, 422, 500] {
            assert!(!retryable(true, Ending::Status(status)), "a GET meeting {status}");
        }
        assert!(retryable(true, Ending::Interrupted));
        assert!(!retryable(false, Ending::Interrupted));
        assert!(retryable(false, Ending::NotConnected));
    }

    #[test]
    fn backoff_is_full_jitter_below_a_doubling_capped_ceiling() {
        let policy = RetryPolicy::default()
            .max_retries(5)
            .backoff(Duration::from_millis(100), Duration::from_millis(300));
        for _ in 0..200 {
            assert!(policy.wait(1, None).unwrap() <= Duration::from_millis(100));
            assert!(policy.wait(2, None).unwrap() <= Duration::from_millis(200));
            assert!(policy.wait(5, None).unwrap() <= Duration::from_millis(300));
        }
        assert_eq!(policy.wait(6, None), None);
        assert_eq!(RetryPolicy::none().wait(1, None), None);
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_limit() {
        let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(10));
        assert_eq!(policy.wait(1, Some(&asking("2"))), Some(Duration::from_secs(2)));
        assert_eq!(policy.wait(1, Some(&asking("10"))), Some(Duration::from_secs(10)));
        assert_eq!(policy.wait(1, Some(&asking("11"))), None, "longer than the limit: not retried");
        let past = httpdate::fmt_http_date(SystemTime::UNIX_EPOCH);
        assert_eq!(policy.wait(1, Some(&asking(&past))), Some(Duration::ZERO));
        // Unreadable: the backoff applies.
        assert!(policy.wait(1, Some(&asking("soon"))).unwrap() <= Duration::from_millis(200));
    }

    #[test]
    fn a_retry_after_too_large_to_read_is_beyond_any_limit() {
        let huge = asking("99999999999999999999");
        assert_eq!(RetryPolicy::default().wait(1, Some(&huge)), None);
        let patient = RetryPolicy::default().max_retry_after(Duration::MAX);
        assert_eq!(patient.wait(1, Some(&huge)), None, "even without a limit");
        assert_eq!(patient.wait(1, Some(&asking(" 99999999999999999999 "))), None);
    }
}
