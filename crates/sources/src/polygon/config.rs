//! Configuration of the Polygon/Massive clients: the API key (redacted everywhere), the injected
//! clock, the reconnect/retry backoff and the WebSocket and REST settings.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use gammaflow_model::UnixNanos;

use super::PolygonError;

/// Environment variables searched for the key, in order (the pre- and post-rebrand names).
pub const API_KEY_VARS: [&str; 2] = ["POLYGON_API_KEY", "MASSIVE_API_KEY"];

/// Default real-time WebSocket base URL (the market, e.g. `/options`, is appended).
pub const DEFAULT_WS_BASE: &str = "wss://socket.massive.com";
/// The 15-minute delayed WebSocket base URL.
pub const DELAYED_WS_BASE: &str = "wss://delayed.massive.com";
/// Default REST base URL.
pub const DEFAULT_REST_BASE: &str = "https://api.massive.com";
/// Polygon/Massive's limit of quoted option contracts per WebSocket connection.
pub const MAX_CONTRACTS_PER_CONNECTION: usize = 1_000;

/// A Polygon/Massive API key. `Debug` prints `ApiKey(***)`; there is no `Display`, so the key
/// cannot end up in a log line or an error message by accident. [`ApiKey::expose`] is the only way
/// to read it (for the auth message and the `apiKey` query parameter).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself (to send it to the vendor, and nowhere else).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The key from the first non-empty variable of [`API_KEY_VARS`], read through `lookup` (pass
    /// `|name| std::env::var(name).ok()` for the process environment; tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, PolygonError> {
        API_KEY_VARS
            .iter()
            .filter_map(|name| lookup(name))
            .map(|value| value.trim().to_owned())
            .find(|value| !value.is_empty())
            .map(Self)
            .ok_or(PolygonError::MissingApiKey)
    }

    /// The key from the process environment ([`ApiKey::from_lookup`] on `std::env::var`).
    pub fn from_env() -> Result<Self, PolygonError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// `text` with every occurrence of the key replaced by `***` (for transport error messages).
    pub fn redact(&self, text: &str) -> String {
        if self.0.is_empty() {
            text.to_owned()
        } else {
            text.replace(&self.0, "***")
        }
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

/// Where `ts_recv` comes from. Library code never reads the wall clock except through this trait.
pub trait Clock: Send + Sync {
    /// The current time, ns since the Unix epoch.
    fn now(&self) -> UnixNanos;
}

/// The system wall clock: the **one** place the polygon client reads `SystemTime`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UnixNanos {
        // A clock set before 1970 reads as the epoch; one past 2554 saturates.
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        UnixNanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }
}

impl<F: Fn() -> UnixNanos + Send + Sync> Clock for F {
    fn now(&self) -> UnixNanos {
        self()
    }
}

/// Exponential backoff with deterministic jitter (reconnects and REST retries).
///
/// Attempt `n` (0-based) waits `min(max, initial × 2ⁿ) × (1 − jitter × u)`, where `u ∈ [0, 1)` comes
/// from a SplitMix64 generator seeded with `seed`, so a run is reproducible and tests can predict
/// every delay. A successful connection resets the attempt count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BackoffConfig {
    /// First delay.
    pub initial: Duration,
    /// Largest delay.
    pub max: Duration,
    /// Fraction of the delay that jitter may remove, 0 to 1.
    pub jitter: f64,
    /// Seed of the jitter generator.
    pub seed: u64,
}

impl Default for BackoffConfig {
    /// 250 ms doubling to 30 s, up to half of it removed by jitter.
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(250),
            max: Duration::from_secs(30),
            jitter: 0.5,
            seed: 0x5eed_9a44_f10e_0001,
        }
    }
}

/// The state of one backoff sequence.
#[derive(Debug, Clone)]
pub struct Backoff {
    config: BackoffConfig,
    attempt: u32,
    state: u64,
}

impl Backoff {
    /// A fresh sequence.
    pub fn new(config: BackoffConfig) -> Self {
        Self {
            config,
            attempt: 0,
            state: config.seed,
        }
    }

    /// The next delay (and advances the attempt count).
    pub fn next_delay(&mut self) -> Duration {
        let factor = 1u32.checked_shl(self.attempt.min(31)).unwrap_or(u32::MAX);
        let base = self
            .config
            .initial
            .checked_mul(factor)
            .unwrap_or(self.config.max)
            .min(self.config.max);
        self.attempt = self.attempt.saturating_add(1);
        let jitter = self.config.jitter.clamp(0.0, 1.0) * self.next_unit();
        base.mul_f64(1.0 - jitter)
    }

    /// Back to the first delay (after a success).
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// Attempts made since the last reset.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    /// A uniform number in `[0, 1)` (SplitMix64, top 53 bits).
    fn next_unit(&mut self) -> f64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Settings of the WebSocket source ([`super::PolygonSource`]).
#[derive(Clone)]
pub struct PolygonConfig {
    /// The API key.
    pub api_key: ApiKey,
    /// WebSocket base URL; `/options`, `/indices` and `/stocks` are appended.
    pub ws_base: String,
    /// Topics of the `indices` connection, e.g. `V.I:SPX`, `AM.I:SPX` (none: no connection).
    pub index_topics: Vec<String>,
    /// Topics of the `stocks` connection, e.g. `T.SPY`, `Q.SPY`, `AM.SPY` (none: no connection).
    pub stock_topics: Vec<String>,
    /// Most option contracts subscribed at once (each is a `T.` and a `Q.` topic).
    pub max_contracts: usize,
    /// Capacity of the queue between the connection tasks and the consumer, in items.
    pub queue_capacity: usize,
    /// Interval of the client's WebSocket pings.
    pub ping_interval: Duration,
    /// A connection with no frame (data, status, pong) for this long is dead and is reconnected.
    pub dead_after: Duration,
    /// Limit for the TCP/TLS/WebSocket connect and for each handshake step.
    pub connect_timeout: Duration,
    /// Reconnect backoff.
    pub backoff: BackoffConfig,
    /// Most topics per subscribe/unsubscribe message (longer lists are split).
    pub topics_per_message: usize,
    /// The clock that stamps `ts_recv`.
    pub clock: Arc<dyn Clock>,
}

impl PolygonConfig {
    /// Defaults for the real-time feed: options, `V.I:SPX` and SPY trades, quotes and minute bars,
    /// 1,000 contracts, a 65,536-item queue, pings every 10 s, dead after 30 s, the system clock.
    pub fn new(api_key: ApiKey) -> Self {
        Self {
            api_key,
            ws_base: DEFAULT_WS_BASE.to_owned(),
            index_topics: vec!["V.I:SPX".to_owned()],
            stock_topics: ["T.SPY", "Q.SPY", "AM.SPY"].map(str::to_owned).to_vec(),
            max_contracts: MAX_CONTRACTS_PER_CONNECTION,
            queue_capacity: 65_536,
            ping_interval: Duration::from_secs(10),
            dead_after: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            backoff: BackoffConfig::default(),
            topics_per_message: 200,
            clock: Arc::new(SystemClock),
        }
    }

    /// [`PolygonConfig::new`] with the key from the environment (see [`ApiKey::from_lookup`]).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, PolygonError> {
        ApiKey::from_lookup(lookup).map(Self::new)
    }

    /// Switches to the 15-minute delayed feed ([`DELAYED_WS_BASE`]).
    pub fn delayed(mut self) -> Self {
        DELAYED_WS_BASE.clone_into(&mut self.ws_base);
        self
    }
}

impl fmt::Debug for PolygonConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolygonConfig")
            .field("api_key", &self.api_key)
            .field("ws_base", &self.ws_base)
            .field("index_topics", &self.index_topics)
            .field("stock_topics", &self.stock_topics)
            .field("max_contracts", &self.max_contracts)
            .field("queue_capacity", &self.queue_capacity)
            .field("ping_interval", &self.ping_interval)
            .field("dead_after", &self.dead_after)
            .field("connect_timeout", &self.connect_timeout)
            .field("backoff", &self.backoff)
            .field("topics_per_message", &self.topics_per_message)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lookup_order_and_redaction() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let key = ApiKey::from_lookup(env(&[("MASSIVE_API_KEY", "m"), ("POLYGON_API_KEY", "p")]));
        assert_eq!(key.unwrap().expose(), "p");
        let key = ApiKey::from_lookup(env(&[("POLYGON_API_KEY", " "), ("MASSIVE_API_KEY", "m")]));
        assert_eq!(key.unwrap().expose(), "m");
        assert_eq!(
            ApiKey::from_lookup(env(&[])),
            Err(PolygonError::MissingApiKey)
        );
        let key = ApiKey::new("s3cr3t");
        assert_eq!(format!("{key:?}"), "ApiKey(***)");
        assert_eq!(key.redact("url?apiKey=s3cr3t&x=1"), "url?apiKey=***&x=1");
        let config = PolygonConfig::new(key).delayed();
        let debug = format!("{config:?}");
        assert!(!debug.contains("s3cr3t") && debug.contains("delayed.massive.com"));
    }

    #[test]
    fn backoff_doubles_caps_and_jitters_deterministically() {
        let config = BackoffConfig {
            initial: Duration::from_millis(100),
            max: Duration::from_millis(500),
            jitter: 0.0,
            seed: 1,
        };
        let mut b = Backoff::new(config);
        let delays: Vec<u128> = (0..5).map(|_| b.next_delay().as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 500, 500]);
        b.reset();
        assert_eq!(b.next_delay().as_millis(), 100);
        let jittered = BackoffConfig {
            jitter: 0.5,
            ..config
        };
        let run = |seed| {
            let mut b = Backoff::new(BackoffConfig { seed, ..jittered });
            (0..20).map(|_| b.next_delay()).collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        let mut b = Backoff::new(jittered);
        for n in 0..20 {
            let full = Duration::from_millis(100 * (1 << n.min(3))).min(config.max);
            let d = b.next_delay();
            assert!(d <= full && d >= full / 2, "{n}: {d:?}");
        }
    }
}
