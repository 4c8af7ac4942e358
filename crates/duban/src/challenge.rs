//! A self-hosted challenge for the public form (no outside service): a sum of two small numbers
//! written in Chinese numerals, answered in digits. Each challenge is kept in memory under a random
//! token, answered once, and expires; the memory is bounded. It stops generic form spam, not a bot
//! written for this form: the per-address filing limit is the second line. The clock is passed in.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const NUMERALS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
const MAX_OPEN: usize = 50_000;

/// A question and the token its answer is kept under.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub question: String,
    pub token: String,
}

#[derive(Debug)]
pub struct Challenges {
    ttl: Duration,
    open: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Challenges {
    pub fn new(ttl: Duration) -> Challenges {
        Challenges { ttl, open: Mutex::new(HashMap::new()) }
    }

    /// A new question, its answer kept until `ttl` from `now`.
    pub fn issue(&self, now: Instant) -> Challenge {
        use argon2::password_hash::rand_core::{OsRng, RngCore};
        let mut b = [0u8; 2];
        OsRng.fill_bytes(&mut b);
        let (x, y) = (u32::from(b[0] % 9) + 1, u32::from(b[1] % 9) + 1);
        let token = crate::accounts::random_token();
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.len() >= MAX_OPEN {
            open.retain(|_, (_, until)| *until > now);
            // Still full: the oldest question goes, not everyone's.
            if open.len() >= MAX_OPEN
                && let Some(oldest) = open.iter().min_by_key(|(_, (_, until))| *until).map(|(k, _)| k.clone())
            {
                open.remove(&oldest);
            }
        }
        open.insert(token.clone(), (x + y, now + self.ttl));
        Challenge { question: format!("{} 加 {} 等于几？", NUMERALS[x as usize], NUMERALS[y as usize]), token }
    }

    /// Whether `answer` answers the challenge under `token`; a challenge is answered once, right or
    /// wrong, and not after it expires.
    pub fn check(&self, token: &str, answer: &str, now: Instant) -> bool {
        let taken = self.open.lock().unwrap_or_else(|e| e.into_inner()).remove(token);
        match taken {
            Some((sum, until)) => until > now && answer.trim().parse::<u32>().ok() == Some(sum),
            None => false,
        }
    }
}

/// The sum a question asks for (for tests and for clients that read the question out).
pub fn solve(question: &str) -> Option<u32> {
    let mut parts = question.split(' ');
    let digit = |s: &str| NUMERALS.iter().position(|n| *n == s).map(|d| d as u32);
    let x = digit(parts.next()?)?;
    let _plus = parts.next()?;
    let y = digit(parts.next()?)?;
    Some(x + y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answered_once_right_and_in_time() {
        let c = Challenges::new(Duration::from_secs(600));
        let t = Instant::now();
        let q = c.issue(t);
        let answer = solve(&q.question).expect("a sum").to_string();
        assert!(!c.check(&q.token, "99", t), "wrong");
        assert!(!c.check(&q.token, &answer, t), "a challenge is answered once");
        let q = c.issue(t);
        let answer = solve(&q.question).expect("a sum").to_string();
        assert!(!c.check(&q.token, &answer, t + Duration::from_secs(601)), "expired");
        let q = c.issue(t);
        let answer = solve(&q.question).expect("a sum").to_string();
        assert!(c.check(&q.token, &format!(" {answer} "), t));
        assert!(!c.check("made-up", "3", t));
        assert!(q.question.chars().all(|ch| !ch.is_ascii_digit()), "{}", q.question);
    }
}
