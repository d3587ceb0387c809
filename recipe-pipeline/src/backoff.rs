//! How long to wait before trying again: doubling delays with a ceiling,
//! shared by the watcher and the sender.

use std::time::Duration;

/// Delays that double with each attempt, from `first` up to `ceiling`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The delay after the first failure.
    pub first: Duration,
    /// No delay is longer.
    pub ceiling: Duration,
}

impl Backoff {
    /// Where a backend that failed is asked again: 1 s, doubling to a
    /// minute, so an outage costs few requests and a blip little time.
    pub const BACKEND: Backoff = Backoff {
        first: Duration::from_secs(1),
        ceiling: Duration::from_secs(60),
    };

    /// The delay after `attempt` attempts failed (the first is 1): `first`
    /// doubled `attempt - 1` times, at most `ceiling`. Never overflows.
    pub fn after(&self, attempt: u32) -> Duration {
        // 2^20 times any delay worth waiting is past any ceiling.
        let doublings = attempt.saturating_sub(1).min(20);
        self.first.saturating_mul(1 << doublings).min(self.ceiling)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_to_its_ceiling() {
        let backoff = Backoff::BACKEND;
        assert_eq!(backoff.after(0), Duration::from_secs(1));
        assert_eq!(backoff.after(1), Duration::from_secs(1));
        assert_eq!(backoff.after(2), Duration::from_secs(2));
        assert_eq!(backoff.after(7), Duration::from_secs(60));
        assert_eq!(backoff.after(u32::MAX), Duration::from_secs(60));
        let long = Backoff {
            first: Duration::from_secs(10),
            ceiling: Duration::from_secs(900),
        };
        assert_eq!(long.after(5), Duration::from_secs(160));
        assert_eq!(long.after(12), Duration::from_secs(900));
    }
}
