//! Counters and gauges of the desk, rendered in the Prometheus text exposition format
//! (`GET /metrics`, version 0.0.4).
//!
//! Every figure is an atomic written by the task that owns it (the desk loop, the WebSocket
//! handlers, the lake's writer thread through its own counters) and read without locks by the
//! renderer, so scraping never slows the pipeline. Floating-point gauges are stored as `f64` bits.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

/// An `f64` gauge in an `AtomicU64`.
#[derive(Debug, Default)]
pub struct GaugeF64(AtomicU64);

impl GaugeF64 {
    /// Sets the value.
    pub fn set(&self, value: f64) {
        self.0.store(value.to_bits(), Ordering::Relaxed);
    }
    /// The value.
    pub fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Ordering::Relaxed))
    }
}

/// The desk's metrics. Names are those of the exposition (prefix `gammaflow_`).
#[derive(Debug, Default)]
pub struct Metrics {
    /// `source_events_total`: events received from the source.
    pub source_events: AtomicU64,
    /// `source_events_per_second`: over the last second of wall time.
    pub source_events_per_second: GaugeF64,
    /// `source_errors_total`: malformed events and source errors (the stream goes on).
    pub source_errors: AtomicU64,
    /// `source_out_of_order_total`: events older than the last one (processed, counted).
    pub source_out_of_order: AtomicU64,
    /// `source_up`: 1 while the source streams, 0 once it ended or failed.
    pub source_up: AtomicU64,
    /// `engine_prints_total`: option prints enriched.
    pub engine_prints: AtomicU64,
    /// `engine_excluded_prints_total`: prints excluded from flow by their condition codes.
    pub engine_excluded_prints: AtomicU64,
    /// `engine_ignored_events_total`: option events for no followed chain.
    pub engine_ignored: AtomicU64,
    /// `engine_errors_total`: events the engine refused (the desk goes on).
    pub engine_errors: AtomicU64,
    /// `engine_greeks_recomputes_total`.
    pub engine_recomputes: AtomicU64,
    /// `engine_greeks_staleness_seconds`: age of the price behind the last print's Greeks.
    pub greeks_staleness_seconds: GaugeF64,
    /// `engine_greeks_staleness_max_seconds`.
    pub greeks_staleness_max_seconds: GaugeF64,
    /// `lake_rows_accepted_total`: rows handed to the writer thread.
    pub lake_rows_accepted: AtomicU64,
    /// `lake_rows_logged_total`: rows in the write-ahead log (safe from a process crash).
    pub lake_rows_logged: AtomicU64,
    /// `lake_rows_persisted_total`: rows in Parquet files.
    pub lake_rows_persisted: AtomicU64,
    /// `lake_rows_skipped_total`: rows already in the lake before a restart (resumed replay).
    pub lake_rows_skipped: AtomicU64,
    /// `lake_writer_lag_rows`: accepted but not yet in Parquet.
    pub lake_writer_lag: AtomicU64,
    /// `lake_wal_bytes`.
    pub lake_wal_bytes: AtomicU64,
    /// `lake_files_total`: Parquet files written.
    pub lake_files: AtomicU64,
    /// `lake_errors_total`.
    pub lake_errors: AtomicU64,
    /// `lake_last_flush_timestamp_seconds`: event time of the last flush that wrote rows.
    pub lake_last_flush: GaugeF64,
    /// `ws_clients`: connected WebSocket clients.
    pub ws_clients: AtomicU64,
    /// `ws_messages_total`: messages sent to WebSocket clients.
    pub ws_messages: AtomicU64,
    /// `ws_skipped_states_total`: published states a client never saw because a newer one
    /// replaced it before its next send (slow client or throttle).
    pub ws_skipped_states: AtomicU64,
    /// `http_requests_total`.
    pub http_requests: AtomicU64,
    /// `http_unauthorized_total`: requests refused for a missing or wrong token.
    pub http_unauthorized: AtomicU64,
    /// `desk_published_states_total`.
    pub desk_published: AtomicU64,
}

/// Adds one to a counter.
pub fn inc(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Metrics {
    /// The exposition text. `source` labels the source metrics (`sim`, `polygon`, `replay`).
    pub fn render(&self, source: &str) -> String {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let mut out = String::with_capacity(4096);
        let label = format!("{{source=\"{source}\"}}");
        let mut metric = |name: &str, kind: &str, help: &str, labels: &str, value: f64| {
            let _ = writeln!(out, "# HELP gammaflow_{name} {help}");
            let _ = writeln!(out, "# TYPE gammaflow_{name} {kind}");
            let _ = writeln!(out, "gammaflow_{name}{labels} {}", number(value));
        };
        let counters: [(&str, &str, &AtomicU64, bool); 20] = [
            (
                "source_events_total",
                "Events received from the source.",
                &self.source_events,
                true,
            ),
            (
                "source_errors_total",
                "Malformed events and source errors; the stream goes on.",
                &self.source_errors,
                true,
            ),
            (
                "source_out_of_order_total",
                "Events with an event time before the previous event's.",
                &self.source_out_of_order,
                true,
            ),
            (
                "engine_prints_total",
                "Option prints enriched.",
                &self.engine_prints,
                false,
            ),
            (
                "engine_excluded_prints_total",
                "Prints excluded from flow by their condition codes.",
                &self.engine_excluded_prints,
                false,
            ),
            (
                "engine_ignored_events_total",
                "Option events for no followed chain.",
                &self.engine_ignored,
                false,
            ),
            (
                "engine_errors_total",
                "Events the engine refused.",
                &self.engine_errors,
                false,
            ),
            (
                "engine_greeks_recomputes_total",
                "Greeks recomputations.",
                &self.engine_recomputes,
                false,
            ),
            (
                "lake_rows_accepted_total",
                "Rows handed to the lake writer.",
                &self.lake_rows_accepted,
                false,
            ),
            (
                "lake_rows_logged_total",
                "Rows in the write-ahead log.",
                &self.lake_rows_logged,
                false,
            ),
            (
                "lake_rows_persisted_total",
                "Rows in Parquet files.",
                &self.lake_rows_persisted,
                false,
            ),
            (
                "lake_rows_skipped_total",
                "Rows already in the lake before a restart.",
                &self.lake_rows_skipped,
                false,
            ),
            (
                "lake_files_total",
                "Parquet files written.",
                &self.lake_files,
                false,
            ),
            (
                "lake_errors_total",
                "Lake write errors.",
                &self.lake_errors,
                false,
            ),
            (
                "ws_messages_total",
                "Messages sent to WebSocket clients.",
                &self.ws_messages,
                false,
            ),
            (
                "ws_skipped_states_total",
                "Published states replaced before a client's next send.",
                &self.ws_skipped_states,
                false,
            ),
            (
                "http_requests_total",
                "HTTP requests served.",
                &self.http_requests,
                false,
            ),
            (
                "http_unauthorized_total",
                "Requests refused for a missing or wrong token.",
                &self.http_unauthorized,
                false,
            ),
            (
                "desk_published_states_total",
                "Desk states published.",
                &self.desk_published,
                false,
            ),
            (
                "source_up",
                "1 while the source streams.",
                &self.source_up,
                true,
            ),
        ];
        for (name, help, value, labelled) in counters {
            let kind = if name.ends_with("_total") {
                "counter"
            } else {
                "gauge"
            };
            metric(
                name,
                kind,
                help,
                if labelled { &label } else { "" },
                get(value) as f64,
            );
        }
        let gauges: [(&str, &str, f64, bool); 7] = [
            (
                "source_events_per_second",
                "Events per second over the last second.",
                self.source_events_per_second.get(),
                true,
            ),
            (
                "engine_greeks_staleness_seconds",
                "Age of the underlying price behind the last print's Greeks.",
                self.greeks_staleness_seconds.get(),
                false,
            ),
            (
                "engine_greeks_staleness_max_seconds",
                "Largest Greeks staleness seen.",
                self.greeks_staleness_max_seconds.get(),
                false,
            ),
            (
                "lake_writer_lag_rows",
                "Rows accepted but not yet in Parquet.",
                get(&self.lake_writer_lag) as f64,
                false,
            ),
            (
                "lake_wal_bytes",
                "Bytes in the write-ahead log.",
                get(&self.lake_wal_bytes) as f64,
                false,
            ),
            (
                "lake_last_flush_timestamp_seconds",
                "Event time of the last flush, seconds since the epoch.",
                self.lake_last_flush.get(),
                false,
            ),
            (
                "ws_clients",
                "Connected WebSocket clients.",
                get(&self.ws_clients) as f64,
                false,
            ),
        ];
        for (name, help, value, labelled) in gauges {
            metric(
                name,
                "gauge",
                help,
                if labelled { &label } else { "" },
                value,
            );
        }
        out
    }
}

/// A sample value: integers without a fraction, NaN and infinities as Prometheus spells them.
fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_help_type_and_labelled_samples() {
        let m = Metrics::default();
        inc(&m.source_events);
        inc(&m.source_events);
        m.greeks_staleness_seconds.set(0.25);
        let text = m.render("sim");
        assert!(text.contains("# TYPE gammaflow_source_events_total counter\n"));
        assert!(text.contains("gammaflow_source_events_total{source=\"sim\"} 2\n"));
        assert!(text.contains("gammaflow_engine_greeks_staleness_seconds 0.25\n"));
        assert!(text.contains("# TYPE gammaflow_ws_clients gauge\n"));
        // Every sample line is `name[{labels}] value`.
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (name, value) = line.rsplit_once(' ').unwrap_or(("", ""));
            assert!(name.starts_with("gammaflow_"), "{line}");
            assert!(value.parse::<f64>().is_ok() || value == "NaN", "{line}");
        }
    }

    #[test]
    fn numbers_follow_the_exposition_format() {
        assert_eq!(number(3.0), "3");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::INFINITY), "+Inf");
    }
}
