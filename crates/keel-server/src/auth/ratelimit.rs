//! The login rate limit: at most `max` failed sign-ins per key (an account name, or a client address) in a
//! fixed window that starts at the key's first failure; once reached, every attempt on that key is refused
//! (without checking the password) until the window ends, and the refusal says when. A successful sign-in clears
//! the account's count, not the address's.
//!
//! Counts are kept in memory: a restart forgets them, which costs an attacker a restart they cannot cause.
//!
//! # Complexity
//! O(1) expected per check or failure; the table is pruned of expired windows when it passes 10 000 keys, O(keys).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub(crate) struct Limiter {
    max: u32,
    window: Duration,
    keys: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Limiter {
    pub(crate) fn new(max: u32, window: Duration) -> Self {
        Limiter {
            max,
            window,
            keys: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds to wait)` when `key` has used up its failures in the current window.
    pub(crate) fn check(&self, key: &str, now: Instant) -> Result<(), u64> {
        let keys = self
            .keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match keys.get(key) {
            Some(&(start, n)) if n >= self.max => {
                let elapsed = now.saturating_duration_since(start);
                if elapsed < self.window {
                    // Round up: "retry in 0 s" would invite an immediate, refused retry.
                    let left = self.window - elapsed;
                    Err(left.as_secs() + u64::from(left.subsec_nanos() > 0))
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }

    pub(crate) fn fail(&self, key: &str, now: Instant) {
        let mut keys = self
            .keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if keys.len() > 10_000 {
            let window = self.window;
            keys.retain(|_, (start, _)| now.saturating_duration_since(*start) < window);
        }
        let e = keys.entry(key.to_owned()).or_insert((now, 0));
        if now.saturating_duration_since(e.0) >= self.window {
            *e = (now, 0);
        }
        e.1 += 1;
    }

    pub(crate) fn clear(&self, key: &str) {
        self.keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn third_failure_locks_until_the_window_ends() {
        let l = Limiter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(l.check("a", t0), Ok(()));
            l.fail("a", t0 + Duration::from_secs(i));
        }
        // Window started at t0: at t0 + 10.5 s, 49.5 s are left, rounded up to 50.
        assert_eq!(l.check("a", t0 + Duration::from_millis(10_500)), Err(50));
        assert_eq!(l.check("b", t0), Ok(()));
        assert_eq!(l.check("a", t0 + Duration::from_secs(60)), Ok(()));
        // A failure after the window starts a new one with a count of 1.
        l.fail("a", t0 + Duration::from_secs(61));
        assert_eq!(l.check("a", t0 + Duration::from_secs(62)), Ok(()));
        l.clear("a");
        assert!(l.keys.lock().unwrap().is_empty());
    }
}
