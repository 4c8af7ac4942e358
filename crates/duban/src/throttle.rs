//! Guessing and flooding, slowed down: what is limited (failed sign-ins, failed lookups, filings) is
//! counted per key (a login, a request number, an address) within a window; a key that reaches its
//! limit is locked until the lockout expires. Held in memory by the one server
//! process (a restart forgets it, as an expiry would); bounded, so a flood of keys cannot grow it
//! without end. The clock is passed in, so the rules are tested without waiting.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The most keys remembered; beyond it, the entries whose window has passed are forgotten first,
/// then the oldest.
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    first: Instant,
    locked_until: Option<Instant>,
}

/// Failures per key, with a limit, a window and a lockout.
#[derive(Debug)]
pub struct Lockout {
    limit: u32,
    window: Duration,
    lock_for: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

impl Lockout {
    pub fn new(limit: u32, window: Duration, lock_for: Duration) -> Lockout {
        Lockout { limit: limit.max(1), window, lock_for, entries: Mutex::new(HashMap::new()) }
    }

    /// How long `key` stays locked, if it is.
    pub fn locked(&self, key: &str, now: Instant) -> Option<Duration> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.get(key)?.locked_until.filter(|u| *u > now).map(|u| u - now)
    }

    /// Counts one more of what is limited for `key` (a failed sign-in or lookup, a filing); true
    /// when it locks the key.
    pub fn count(&self, key: &str, now: Instant) -> bool {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_KEYS && !entries.contains_key(key) {
            let (window, lock_for) = (self.window, self.lock_for);
            entries.retain(|_, e| now.duration_since(e.first) < window.max(lock_for));
            if entries.len() >= MAX_KEYS
                && let Some(oldest) = entries.iter().min_by_key(|(_, e)| e.first).map(|(k, _)| k.clone())
            {
                entries.remove(&oldest);
            }
        }
        let e = entries.entry(key.to_string()).or_insert(Entry { failures: 0, first: now, locked_until: None });
        // A lockout that has run out, or a window that has passed, starts the count again.
        if e.locked_until.is_some_and(|u| u <= now) || now.duration_since(e.first) >= self.window {
            *e = Entry { failures: 0, first: now, locked_until: None };
        }
        e.failures += 1;
        if e.failures >= self.limit && e.locked_until.is_none() {
            e.locked_until = Some(now + self.lock_for);
            return true;
        }
        false
    }

    /// Starts an attempt of `key`: refused (with the time left) while it is locked; otherwise the
    /// attempt is counted at once, as a failure until `undo` says it was not, so that attempts made
    /// at the same moment cannot all pass the check before any is counted.
    pub fn begin(&self, key: &str, now: Instant) -> Result<(), Duration> {
        if let Some(left) = self.locked(key, now) {
            return Err(left);
        }
        self.count(key, now);
        Ok(())
    }

    /// Takes back one attempt of `key` begun with `begin` (it succeeded, or it was not a guess).
    pub fn undo(&self, key: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = entries.get_mut(key)
            && e.locked_until.is_none()
        {
            e.failures = e.failures.saturating_sub(1);
        }
    }

    /// Forgets the failures of `key` (after a success).
    pub fn clear(&self, key: &str) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_at_the_limit_and_expires() {
        let l = Lockout::new(3, Duration::from_secs(60), Duration::from_secs(300));
        let t = Instant::now();
        assert!(!l.count("a", t));
        assert!(!l.count("a", t + Duration::from_secs(1)));
        assert!(l.locked("a", t).is_none());
        assert!(l.count("a", t + Duration::from_secs(2)), "the third failure locks");
        assert!(l.locked("a", t + Duration::from_secs(3)).is_some());
        assert!(l.locked("b", t + Duration::from_secs(3)).is_none(), "keys are counted apart");
        assert!(l.locked("a", t + Duration::from_secs(302)).is_none(), "the lockout expires");
        // After it, the count starts again.
        assert!(!l.count("a", t + Duration::from_secs(303)));
    }

    #[test]
    fn failures_outside_the_window_do_not_add_up() {
        let l = Lockout::new(2, Duration::from_secs(60), Duration::from_secs(300));
        let t = Instant::now();
        assert!(!l.count("a", t));
        assert!(!l.count("a", t + Duration::from_secs(61)));
        assert!(l.count("a", t + Duration::from_secs(62)));
        l.clear("a");
        assert!(l.locked("a", t + Duration::from_secs(63)).is_none(), "a success clears the key");
    }

    #[test]
    fn attempts_count_as_they_begin() {
        let l = Lockout::new(3, Duration::from_secs(60), Duration::from_secs(300));
        let t = Instant::now();
        // Three begun at once: the third locks; a fourth is refused before it is tried.
        assert!(l.begin("a", t).is_ok() && l.begin("a", t).is_ok() && l.begin("a", t).is_ok());
        assert!(l.begin("a", t).is_err());
        // A success taken back does not count.
        let l = Lockout::new(3, Duration::from_secs(60), Duration::from_secs(300));
        for _ in 0..10 {
            assert!(l.begin("b", t).is_ok());
            l.undo("b");
        }
    }

    #[test]
    fn the_memory_is_bounded() {
        let l = Lockout::new(5, Duration::from_secs(60), Duration::from_secs(60));
        let t = Instant::now();
        for i in 0..MAX_KEYS + 10 {
            l.count(&i.to_string(), t);
        }
        assert!(l.entries.lock().unwrap().len() <= MAX_KEYS);
    }
}
