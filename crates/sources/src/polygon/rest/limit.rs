//! A client-side token bucket on the Tokio clock (so tests can run it on paused virtual time).

use std::time::Duration;

use tokio::time::{Instant, sleep};

/// Request rate limit: a bucket of `burst` tokens refilled at `per_second` tokens per second; each
/// request takes one token and waits for it when the bucket is empty.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Bucket size: requests allowed back to back.
    pub burst: u32,
    /// Sustained requests per second (values ≤ 0 or not finite disable the limit).
    pub per_second: f64,
}

impl Default for RateLimit {
    /// 10 requests back to back, 5 per second sustained (well under the vendor's soft limit for
    /// paid plans; free plans allow 5 per **minute**: use `per_second: 5.0 / 60.0`).
    fn default() -> Self {
        Self {
            burst: 10,
            per_second: 5.0,
        }
    }
}

/// The bucket's state.
#[derive(Debug)]
pub(crate) struct TokenBucket {
    limit: RateLimit,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket.
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            tokens: f64::from(limit.burst.max(1)),
            last: Instant::now(),
        }
    }

    /// Takes one token, sleeping until one is available.
    pub(crate) async fn acquire(&mut self) {
        let rate = self.limit.per_second;
        if !(rate > 0.0) || !rate.is_finite() {
            return;
        }
        let capacity = f64::from(self.limit.burst.max(1));
        let now = Instant::now();
        let elapsed = now.duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate).min(capacity);
        self.last = now;
        if self.tokens < 1.0 {
            let wait = Duration::from_secs_f64((1.0 - self.tokens) / rate);
            sleep(wait).await;
            self.last = Instant::now();
            self.tokens = 1.0;
        }
        self.tokens -= 1.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn bursts_then_paces_on_virtual_time() {
        let mut bucket = TokenBucket::new(RateLimit {
            burst: 2,
            per_second: 10.0,
        });
        let start = Instant::now();
        bucket.acquire().await;
        bucket.acquire().await;
        assert_eq!(start.elapsed(), Duration::ZERO, "the burst is free");
        bucket.acquire().await;
        bucket.acquire().await;
        bucket.acquire().await;
        let waited = start.elapsed().as_secs_f64();
        assert!((waited - 0.3).abs() < 1e-6, "{waited}");
        let mut off = TokenBucket::new(RateLimit {
            burst: 1,
            per_second: 0.0,
        });
        for _ in 0..100 {
            off.acquire().await;
        }
        assert!((start.elapsed().as_secs_f64() - 0.3).abs() < 1e-6);
    }
}
