//! A session's budget of messages from its client (see [`ServerConfig::max_events_per_second`]
//! (super::ServerConfig::max_events_per_second)): what keeps one flooding client from slowing the
//! others.

use std::time::Duration;

/// A session's budget of messages: a token bucket of `burst` tokens refilled at `rate` a second.
/// A message that finds it empty waits for the next token, and the session's socket is not read
/// meanwhile, so the excess stays in the client's socket and costs the server nothing.
///
/// A session is flooding when, for `flood_timeout`, its bucket never refilled to half and at
/// least half the messages the budget allows in that time had to wait. (Not "every message
/// waited": a flooder whose messages are handled late, on a busy machine, finds a token now and
/// then, and a client that only bursts refills its bucket when it pauses.)
pub(super) struct Budget {
    rate: f64,
    burst: f64,
    tokens: f64,
    at: tokio::time::Instant,
    flood_timeout: Duration,
    /// Since when the bucket has stayed below half, with a message waiting.
    held_since: Option<tokio::time::Instant>,
    /// Messages that waited since then.
    waits: u32,
}

impl Budget {
    pub(super) fn new(rate: u32, burst: u32, flood_timeout: Duration, now: tokio::time::Instant) -> Budget {
        let burst = f64::from(burst.max(1));
        Budget { rate: f64::from(rate), burst, tokens: burst, at: now, flood_timeout, held_since: None, waits: 0 }
    }

    /// Takes a token for one message: `Ok(None)` at once, `Ok(Some(t))` when it is there at `t`
    /// (the caller waits), `Err(())` when the session is flooding.
    pub(super) fn take(&mut self, now: tokio::time::Instant) -> Result<Option<tokio::time::Instant>, ()> {
        if self.rate <= 0.0 {
            return Ok(None); // no budget configured
        }
        self.tokens = (now - self.at).as_secs_f64().mul_add(self.rate, self.tokens).min(self.burst);
        self.at = now;
        if self.tokens >= self.burst / 2.0 {
            // The client paused long enough to refill half its bucket: not a flood.
            self.held_since = None;
            self.waits = 0;
        }
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            return Ok(None);
        }
        let since = *self.held_since.get_or_insert(now);
        self.waits = self.waits.saturating_add(1);
        let held = (now - since).as_secs_f64();
        if held >= self.flood_timeout.as_secs_f64() && f64::from(self.waits) >= held * self.rate / 2.0 {
            return Err(());
        }
        // The token this message takes is there once the deficit has refilled.
        let wait = Duration::from_secs_f64(-self.tokens / self.rate);
        Ok(Some(now + wait))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::Budget;

    /// Messages at `per_second` for `seconds` (times advanced by hand, waits honoured): how many
    /// passed at once, how many waited, and whether the budget called it a flood.
    fn run(budget: &mut Budget, start: tokio::time::Instant, per_second: f64, seconds: f64) -> (u32, u32, bool) {
        let (mut at_once, mut waited) = (0, 0);
        let mut now = start;
        let step = Duration::from_secs_f64(1.0 / per_second);
        while now - start < Duration::from_secs_f64(seconds) {
            match budget.take(now) {
                Ok(None) => at_once += 1,
                Ok(Some(until)) => {
                    waited += 1;
                    now = now.max(until); // the socket is not read meanwhile
                }
                Err(()) => return (at_once, waited, true),
            }
            now += step;
        }
        (at_once, waited, false)
    }

    #[test]
    fn a_burst_passes_and_a_flood_waits_then_is_closed() {
        let start = tokio::time::Instant::now();
        let mut budget = Budget::new(100, 50, Duration::from_secs(2), start);
        // Within the rate: nothing waits, ever.
        assert_eq!(run(&mut budget, start, 50.0, 5.0), (250, 0, false));
        // A burst of the bucket's size at once passes; a pause refills it.
        let later = start + Duration::from_secs(10);
        let (at_once, waited, flood) = run(&mut budget, later, 100_000.0, 0.000_5);
        assert_eq!((at_once, waited, flood), (50, 0, false));
        // A flood: the rate passes, the rest waits, and after the flood timeout it is closed.
        let flood_start = later + Duration::from_secs(10);
        let (at_once, waited, flood) = run(&mut budget, flood_start, 100_000.0, 10.0);
        assert!(flood, "{at_once} at once, {waited} waited");
        assert!((190..=210).contains(&waited), "about the flood timeout's worth of tokens waited: {waited}");
        // A client just over its rate for a moment, then under it, is never closed.
        let mut budget = Budget::new(100, 50, Duration::from_secs(2), start);
        assert!(!run(&mut budget, start, 150.0, 1.0).2);
        assert!(!run(&mut budget, start + Duration::from_secs(2), 60.0, 10.0).2);
    }
}
