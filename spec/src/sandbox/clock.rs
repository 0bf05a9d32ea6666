//! The sandbox's time, which a test can hold still or move forward, so that "the
//! price token has expired" is testable without waiting.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

/// The time the sandbox reads for price tokens and order dates. Clones share it.
#[derive(Clone, Debug)]
pub struct Clock(Arc<Mutex<Kind>>);

/// What a clock is and where it stands, as the state file keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// The system's time, moved forward by what [`Clock::advance`] added.
    System { ahead: Duration },
    /// A time that moves only by [`Clock::advance`].
    Manual { now: SystemTime },
}

/// Where a manual clock starts unless told otherwise: 2026-01-01T00:00:00Z.
pub const MANUAL_START: Duration = Duration::from_secs(1_767_225_600);

impl Clock {
    /// The system's time (the default).
    pub fn system() -> Clock {
        Clock(Arc::new(Mutex::new(Kind::System { ahead: Duration::ZERO })))
    }

    /// A clock that stands at `start` until [`Clock::advance`] moves it.
    pub fn manual(start: SystemTime) -> Clock {
        Clock(Arc::new(Mutex::new(Kind::Manual { now: start })))
    }

    /// A manual clock at [`MANUAL_START`], so that two runs print the same dates.
    pub fn fixed() -> Clock {
        Clock::manual(SystemTime::UNIX_EPOCH + MANUAL_START)
    }

    /// Moves the clock forward (a system clock then runs that far ahead).
    pub fn advance(&self, by: Duration) {
        match &mut *self.0.lock().unwrap_or_else(PoisonError::into_inner) {
            Kind::System { ahead } => *ahead = ahead.saturating_add(by),
            Kind::Manual { now } => *now = now.checked_add(by).unwrap_or(*now),
        }
    }

    /// The time now.
    pub fn now(&self) -> SystemTime {
        match &*self.0.lock().unwrap_or_else(PoisonError::into_inner) {
            Kind::System { ahead } => SystemTime::now().checked_add(*ahead).unwrap_or_else(SystemTime::now),
            Kind::Manual { now } => *now,
        }
    }
}

impl Clock {
    /// What it is and where it stands now.
    pub(super) fn kind(&self) -> Kind {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Puts it where `kind` stood, when it is of the same kind (a manual clock is not
    /// made a system one, nor the other way).
    pub(super) fn resume(&self, kind: Kind) {
        let mut current = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if std::mem::discriminant(&*current) == std::mem::discriminant(&kind) {
            *current = kind;
        }
    }
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::system()
    }
}
