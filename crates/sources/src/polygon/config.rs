//! Configuration of the Polygon/Massive clients: the API key (redacted everywhere), the injected
//! clock, the reconnect/retry backoff, the WebSocket settings and the REST snapshot polling.
//!
//! Environment (read through a lookup closure, see [`PolygonConfig::from_lookup`]): the key from
//! [`API_KEY_VARS`], and the snapshot interval from [`SNAPSHOT_SECONDS_VARS`] (whole seconds, `0`
//! disables the polling).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use gammaflow_model::UnixNanos;

use super::PolygonError;
use super::rest::{RateLimit, RestConfig};

/// Environment variables searched for the key, in order (the pre- and post-rebrand names).
pub const API_KEY_VARS: [&str; 2] = ["POLYGON_API_KEY", "MASSIVE_API_KEY"];

/// Environment variables searched for the REST snapshot interval in whole seconds, in order
/// (`0` disables the polling; see [`PolygonConfig::snapshot_interval`]).
pub const SNAPSHOT_SECONDS_VARS: [&str; 2] =
    ["POLYGON_SNAPSHOT_SECONDS", "MASSIVE_SNAPSHOT_SECONDS"];
/// Default interval of the REST chain-snapshot polling (the vendor's Greeks), 60 s.
pub const DEFAULT_SNAPSHOT_INTERVAL: Duration = Duration::from_secs(60);

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
    /// The clock that stamps `ts_recv` (WebSocket events and snapshot Greeks alike).
    pub clock: Arc<dyn Clock>,
    /// Interval of the REST option-chain snapshot polling that brings the vendor's Greeks into
    /// the stream as [`gammaflow_model::event::Event::Greeks`] (a cross-check of locally computed
    /// Greeks; see [`super::PolygonSource`]). `None` or zero disables it: no REST request is made.
    /// Default [`DEFAULT_SNAPSHOT_INTERVAL`] (60 s); environment: [`SNAPSHOT_SECONDS_VARS`].
    pub snapshot_interval: Option<Duration>,
    /// REST base URL of the snapshot polling.
    pub rest_base: String,
    /// Client-side rate limit of the snapshot polling's REST requests.
    pub rest_rate_limit: RateLimit,
    /// Attempts per snapshot request (first try included) on 429, 5xx and network errors, with
    /// [`PolygonConfig::backoff`] between them. Fewer than [`RestConfig::new`]'s 5: a failed
    /// snapshot is tried again at the next interval anyway.
    pub rest_max_attempts: u32,
}

impl PolygonConfig {
    /// Defaults for the real-time feed: options, `V.I:SPX` and SPY trades, quotes and minute bars,
    /// 1,000 contracts, a 65,536-item queue, pings every 10 s, dead after 30 s, the system clock;
    /// the vendor's Greeks polled every 60 s from [`DEFAULT_REST_BASE`] at the default
    /// [`RateLimit`], 3 attempts per request.
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
            snapshot_interval: Some(DEFAULT_SNAPSHOT_INTERVAL),
            rest_base: DEFAULT_REST_BASE.to_owned(),
            rest_rate_limit: RateLimit::default(),
            rest_max_attempts: 3,
        }
    }

    /// [`PolygonConfig::new`] with the key from the environment (see [`ApiKey::from_lookup`]) and
    /// the snapshot interval from the first non-empty variable of [`SNAPSHOT_SECONDS_VARS`], if
    /// any (whole seconds; `0` disables the polling; anything else is
    /// [`PolygonError::InvalidSetting`]).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, PolygonError> {
        let mut config = Self::new(ApiKey::from_lookup(&lookup)?);
        let setting = SNAPSHOT_SECONDS_VARS.iter().find_map(|name| {
            lookup(name)
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
                .map(|value| (*name, value))
        });
        if let Some((name, value)) = setting {
            let seconds = value
                .parse::<u64>()
                .map_err(|_| PolygonError::InvalidSetting {
                    name: name.to_owned(),
                    value: value.clone(),
                    reason: "expected whole seconds (0 disables the snapshot polling)".to_owned(),
                })?;
            config.snapshot_interval = (seconds > 0).then(|| Duration::from_secs(seconds));
        }
        Ok(config)
    }

    /// The snapshot interval if the polling is enabled (set and non-zero).
    pub fn snapshot_period(&self) -> Option<Duration> {
        self.snapshot_interval.filter(|d| !d.is_zero())
    }

    /// The settings of the snapshot polling's [`super::RestClient`]: this configuration's key,
    /// clock, backoff, `rest_base`, `rest_rate_limit` and `rest_max_attempts`, the other fields
    /// as in [`RestConfig::new`].
    pub fn rest_config(&self) -> RestConfig {
        RestConfig {
            base: self.rest_base.clone(),
            rate_limit: self.rest_rate_limit,
            max_attempts: self.rest_max_attempts,
            backoff: self.backoff,
            clock: Arc::clone(&self.clock),
            ..RestConfig::new(self.api_key.clone())
        }
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
            .field("snapshot_interval", &self.snapshot_interval)
            .field("rest_base", &self.rest_base)
            .field("rest_rate_limit", &self.rest_rate_limit)
            .field("rest_max_attempts", &self.rest_max_attempts)
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
    fn the_snapshot_interval_comes_from_the_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let config = PolygonConfig::from_lookup(env(&[("POLYGON_API_KEY", "k")])).unwrap();
        assert_eq!(config.snapshot_interval, Some(Duration::from_secs(60)));
        assert_eq!(config.snapshot_period(), Some(Duration::from_secs(60)));
        let config = PolygonConfig::from_lookup(env(&[
            ("POLYGON_API_KEY", "k"),
            ("POLYGON_SNAPSHOT_SECONDS", " "),
            ("MASSIVE_SNAPSHOT_SECONDS", "15"),
        ]))
        .unwrap();
        assert_eq!(config.snapshot_period(), Some(Duration::from_secs(15)));
        let config = PolygonConfig::from_lookup(env(&[
            ("POLYGON_API_KEY", "k"),
            ("POLYGON_SNAPSHOT_SECONDS", "0"),
        ]))
        .unwrap();
        assert_eq!(
            (config.snapshot_interval, config.snapshot_period()),
            (None, None)
        );
        let zero = PolygonConfig {
            snapshot_interval: Some(Duration::ZERO),
            ..config
        };
        assert_eq!(zero.snapshot_period(), None);
        assert_eq!(
            PolygonConfig::from_lookup(env(&[
                ("POLYGON_API_KEY", "k"),
                ("POLYGON_SNAPSHOT_SECONDS", "1m"),
            ]))
            .unwrap_err(),
            PolygonError::InvalidSetting {
                name: "POLYGON_SNAPSHOT_SECONDS".into(),
                value: "1m".into(),
                reason: "expected whole seconds (0 disables the snapshot polling)".into(),
            }
        );
        let rest = PolygonConfig::new(ApiKey::new("k")).rest_config();
        assert_eq!(
            (rest.base.as_str(), rest.max_attempts),
            (DEFAULT_REST_BASE, 3)
        );
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
