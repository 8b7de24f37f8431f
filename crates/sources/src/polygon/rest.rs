//! The REST client: option-chain snapshots (all pages), and the condition and exchange reference
//! lists (fetched once, then cached), behind a token-bucket rate limiter with retries.
//!
//! Requests carry the key as the `apiKey` query parameter. Pagination follows the vendor's
//! `next_url` as given, with any `apiKey` in it replaced by ours. Every URL shown in an error is
//! the request URL **without** `apiKey`, and transport messages are scrubbed of the key.
//!
//! Retries: a 429 or 5xx response, or a network failure, is retried up to
//! [`RestConfig::max_attempts`] attempts in all. The wait is the response's `Retry-After` (whole
//! seconds) when present, capped at [`RestConfig::retry_after_cap`], else the next delay of the
//! exponential [`BackoffConfig`]. After the last attempt the error names the URL, the last status
//! and the number of attempts. Other statuses (401, 403, 404, …) fail at once.

use std::sync::Arc;
use std::time::Duration;

use gammaflow_model::Underlying;
use reqwest::{StatusCode, Url};
use tokio::sync::{Mutex, OnceCell};

use super::PolygonError;
use super::config::{ApiKey, Backoff, BackoffConfig, Clock, DEFAULT_REST_BASE, SystemClock};
use super::json;
use crate::conditions::{ConditionInfo, ConditionOverride, ConditionTable};

mod filter;
mod limit;
mod reference;
mod snapshot;

pub use filter::SnapshotFilter;
pub use limit::RateLimit;
use limit::TokenBucket;
pub use reference::ExchangeInfo;
use reference::parse_list_page;
pub use snapshot::{SnapshotContract, SnapshotPage, parse_snapshot_page};

/// Query parameter that carries the key.
const KEY_PARAM: &str = "apiKey";

/// Most pages followed for one listing (a guard against a server that loops its `next_url`).
const MAX_PAGES: usize = 10_000;

/// Settings of the [`RestClient`].
#[derive(Clone)]
pub struct RestConfig {
    /// The API key.
    pub api_key: ApiKey,
    /// Base URL, e.g. `https://api.massive.com`.
    pub base: String,
    /// Client-side request rate limit.
    pub rate_limit: RateLimit,
    /// Attempts per request (first try included) on 429, 5xx and network errors.
    pub max_attempts: u32,
    /// Delays between attempts when the server gives no `Retry-After`.
    pub backoff: BackoffConfig,
    /// Longest wait honoured from a `Retry-After` header.
    pub retry_after_cap: Duration,
    /// Timeout of one request (connect to end of body).
    pub timeout: Duration,
    /// `limit` of snapshot pages (the vendor's maximum is 250).
    pub page_limit: u32,
    /// The clock that stamps `ts_recv` of snapshot events.
    pub clock: Arc<dyn Clock>,
}

impl RestConfig {
    /// Defaults: [`DEFAULT_REST_BASE`], [`RateLimit::default`], 5 attempts, `Retry-After` honoured
    /// up to 60 s, 30 s request timeout, 250 results per page, the system clock.
    pub fn new(api_key: ApiKey) -> Self {
        Self {
            api_key,
            base: DEFAULT_REST_BASE.to_owned(),
            rate_limit: RateLimit::default(),
            max_attempts: 5,
            backoff: BackoffConfig::default(),
            retry_after_cap: Duration::from_secs(60),
            timeout: Duration::from_secs(30),
            page_limit: 250,
            clock: Arc::new(SystemClock),
        }
    }
}

impl std::fmt::Debug for RestConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestConfig")
            .field("api_key", &self.api_key)
            .field("base", &self.base)
            .field("rate_limit", &self.rate_limit)
            .field("max_attempts", &self.max_attempts)
            .field("backoff", &self.backoff)
            .field("retry_after_cap", &self.retry_after_cap)
            .field("timeout", &self.timeout)
            .field("page_limit", &self.page_limit)
            .finish_non_exhaustive()
    }
}

/// A whole option chain: every page of `/v3/snapshot/options/{underlying}`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChainSnapshot {
    /// The contracts, in the vendor's order.
    pub contracts: Vec<SnapshotContract>,
    /// Errors of malformed results or sections (the rest is kept).
    pub errors: Vec<PolygonError>,
    /// Pages fetched.
    pub pages: usize,
}

impl ChainSnapshot {
    /// The underlying's price or value from the first result that has it.
    pub fn underlying_price(&self) -> Option<gammaflow_model::Price> {
        self.contracts.iter().find_map(|c| c.underlying_price)
    }
}

/// The Polygon/Massive REST client. Cheap to share behind an `Arc`; requests from several tasks
/// take turns at the rate limiter.
pub struct RestClient {
    config: RestConfig,
    http: reqwest::Client,
    bucket: Mutex<TokenBucket>,
    conditions: OnceCell<Arc<Vec<ConditionInfo>>>,
    exchanges: OnceCell<Arc<Vec<ExchangeInfo>>>,
}

impl std::fmt::Debug for RestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl RestClient {
    /// A client; fails if the base URL is not an http(s) URL.
    pub fn new(config: RestConfig) -> Result<Self, PolygonError> {
        let base = Url::parse(&config.base).map_err(|e| PolygonError::InvalidUrl {
            url: config.base.clone(),
            reason: e.to_string(),
        })?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(PolygonError::InvalidUrl {
                url: config.base.clone(),
                reason: "expected an http:// or https:// URL".to_owned(),
            });
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| PolygonError::Request {
                url: config.base.clone(),
                reason: e.without_url().to_string(),
            })?;
        Ok(Self {
            bucket: Mutex::new(TokenBucket::new(config.rate_limit)),
            config,
            http,
            conditions: OnceCell::new(),
            exchanges: OnceCell::new(),
        })
    }

    /// `{base}{path}` with query pairs (no key).
    fn url(&self, segments: &[&str], query: &[(&str, String)]) -> Result<Url, PolygonError> {
        let invalid = |reason: String| PolygonError::InvalidUrl {
            url: self.config.base.clone(),
            reason,
        };
        let mut url = Url::parse(&self.config.base).map_err(|e| invalid(e.to_string()))?;
        url.path_segments_mut()
            .map_err(|()| invalid("cannot be a base URL".to_owned()))?
            .pop_if_empty()
            .extend(segments);
        for (k, v) in query {
            url.query_pairs_mut().append_pair(k, v);
        }
        Ok(url)
    }

    /// Every page of the option chain of `underlying` (`I:SPX` for the index: its contracts are
    /// `O:SPXW…` and `O:SPX…`; `SPY` for the ETF).
    pub async fn chain_snapshot(
        &self,
        underlying: &Underlying,
    ) -> Result<ChainSnapshot, PolygonError> {
        self.chain_snapshot_filtered(underlying, &SnapshotFilter::default())
            .await
    }

    /// Every page of the part of `underlying`'s option chain that passes `filter` (sent as the
    /// vendor's `expiration_date`, `strike_price` and `contract_type` query parameters, before
    /// `limit`). The vendor's `next_url` carries the filter on to the following pages.
    pub async fn chain_snapshot_filtered(
        &self,
        underlying: &Underlying,
        filter: &SnapshotFilter,
    ) -> Result<ChainSnapshot, PolygonError> {
        let mut query = filter.query();
        query.push(("limit", self.config.page_limit.to_string()));
        let first = self.url(
            &["v3", "snapshot", "options", &underlying.to_string()],
            &query,
        )?;
        let mut chain = ChainSnapshot::default();
        let mut next = Some(first);
        while let Some(url) = next.take() {
            let public = public_url(&url);
            let body = self.get(&url).await?;
            let page = parse_snapshot_page(&body, &public, self.config.clock.now())?;
            chain.pages += 1;
            chain.contracts.extend(page.contracts);
            chain.errors.extend(page.errors);
            next = self.next_page(page.next_url.as_deref(), &public, chain.pages)?;
        }
        Ok(chain)
    }

    /// The vendor's options trade conditions (`/v3/reference/conditions?asset_class=options`),
    /// fetched on first use and cached (a failed fetch is not cached).
    pub async fn conditions(&self) -> Result<Arc<Vec<ConditionInfo>>, PolygonError> {
        self.conditions
            .get_or_try_init(|| async {
                let url = self.url(
                    &["v3", "reference", "conditions"],
                    &[
                        ("asset_class", "options".to_owned()),
                        ("limit", "1000".to_owned()),
                    ],
                )?;
                self.list::<ConditionInfo>(url).await.map(Arc::new)
            })
            .await
            .cloned()
    }

    /// The built-in condition table overridden by [`RestClient::conditions`], with the differences.
    pub async fn condition_table(
        &self,
    ) -> Result<(ConditionTable, Vec<ConditionOverride>), PolygonError> {
        let reference = self.conditions().await?;
        Ok(ConditionTable::from_reference(&reference))
    }

    /// The options exchanges (`/v3/reference/exchanges?asset_class=options`), cached like
    /// [`RestClient::conditions`].
    pub async fn exchanges(&self) -> Result<Arc<Vec<ExchangeInfo>>, PolygonError> {
        self.exchanges
            .get_or_try_init(|| async {
                let url = self.url(
                    &["v3", "reference", "exchanges"],
                    &[("asset_class", "options".to_owned())],
                )?;
                self.list::<ExchangeInfo>(url).await.map(Arc::new)
            })
            .await
            .cloned()
    }

    /// All pages of a reference list. A malformed entry fails the list (reference data must be
    /// complete to be trusted).
    async fn list<T: serde::de::DeserializeOwned>(
        &self,
        first: Url,
    ) -> Result<Vec<T>, PolygonError> {
        let mut items = Vec::new();
        let mut next = Some(first);
        let mut pages = 0;
        while let Some(url) = next.take() {
            let public = public_url(&url);
            let body = self.get(&url).await?;
            let page = parse_list_page::<T>(&body, &public)?;
            if let Some(e) = page.errors.into_iter().next() {
                return Err(e);
            }
            items.extend(page.items);
            pages += 1;
            next = self.next_page(page.next_url.as_deref(), &public, pages)?;
        }
        Ok(items)
    }

    /// The URL of the next page, if any.
    fn next_page(
        &self,
        next: Option<&str>,
        current: &str,
        pages: usize,
    ) -> Result<Option<Url>, PolygonError> {
        let Some(next) = next else { return Ok(None) };
        if pages >= MAX_PAGES {
            return Err(PolygonError::Response {
                url: current.to_owned(),
                reason: format!("more than {MAX_PAGES} pages; stopping"),
            });
        }
        Url::parse(next)
            .map(Some)
            .map_err(|e| PolygonError::Response {
                url: current.to_owned(),
                reason: format!(
                    "invalid next_url {:?}: {e}",
                    self.config.api_key.redact(next)
                ),
            })
    }

    /// GET with the key, rate limit and retries; the body text of a 2xx response.
    async fn get(&self, url: &Url) -> Result<String, PolygonError> {
        let public = public_url(url);
        let mut request_url = url.clone();
        set_key(&mut request_url, self.config.api_key.expose());
        let mut backoff = Backoff::new(self.config.backoff);
        let attempts = self.config.max_attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.bucket.lock().await.acquire().await;
            let (error, retry_after) = match self.http.get(request_url.clone()).send().await {
                Err(e) => {
                    let reason = self.config.api_key.redact(&e.without_url().to_string());
                    (
                        PolygonError::Request {
                            url: public.clone(),
                            reason,
                        },
                        None,
                    )
                }
                Ok(response) => {
                    let status = response.status();
                    let retry_after = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    let body = response.text().await.map_err(|e| PolygonError::Request {
                        url: public.clone(),
                        reason: self.config.api_key.redact(&e.without_url().to_string()),
                    });
                    if status.is_success() {
                        return body;
                    }
                    let error = PolygonError::Http {
                        url: public.clone(),
                        status: status.as_u16(),
                        attempts: attempt,
                        body: self
                            .config
                            .api_key
                            .redact(&json::excerpt(body.as_deref().unwrap_or_default(), 200)),
                    };
                    if !retryable(status) {
                        return Err(error);
                    }
                    (error, retry_after)
                }
            };
            if attempt >= attempts {
                return Err(error);
            }
            let delay = retry_delay(
                retry_after.as_deref(),
                self.config.retry_after_cap,
                &mut backoff,
            );
            tokio::time::sleep(delay).await;
        }
    }
}

/// The wait before the next attempt: `Retry-After` in whole seconds capped at `cap`, else (absent
/// or not a number of seconds, e.g. an HTTP date) the backoff's next delay.
fn retry_delay(retry_after: Option<&str>, cap: Duration, backoff: &mut Backoff) -> Duration {
    match retry_after.and_then(|v| v.trim().parse::<u64>().ok()) {
        Some(secs) => Duration::from_secs(secs).min(cap),
        None => backoff.next_delay(),
    }
}

/// 429 and 5xx are worth retrying.
fn retryable(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

/// `url` with every `apiKey` pair replaced by one with `key`.
fn set_key(url: &mut Url, key: &str) {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != KEY_PARAM)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut query = url.query_pairs_mut();
    query.clear();
    for (k, v) in &pairs {
        query.append_pair(k, v);
    }
    query.append_pair(KEY_PARAM, key);
}

/// `url` without any `apiKey` pair, as text for errors.
fn public_url(url: &Url) -> String {
    let mut public = url.clone();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != KEY_PARAM)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if pairs.is_empty() {
        public.set_query(None);
    } else {
        public.query_pairs_mut().clear().extend_pairs(&pairs);
    }
    public.to_string()
}

#[cfg(test)]
mod tests;
