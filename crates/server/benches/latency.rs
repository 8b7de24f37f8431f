//! Tick-to-client latency on loopback: the time from an event entering the desk to the first
//! WebSocket message that contains it, as a client on `127.0.0.1` receives it.
//!
//! A real desk and HTTP server (throttle 250 ms) are fed by a channel source; the bench sends
//! the events of a simulated morning one at a time at pseudo-random wall-clock gaps (0–300 ms,
//! so ticks fall at every phase of the client's throttle), and for each one waits for the first
//! message whose `ts_event` reaches the event's time. The latency therefore includes the
//! throttle wait (up to 250 ms by design) plus what the desk, serialisation and the socket add;
//! the target is p99 ≤ throttle + 5 ms. Prints p50, p90, p99 and max.
//!
//! Not a criterion bench (percentiles of single events, not a throughput). Run:
//! `cargo bench -p gammaflow-server --bench latency`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_util::{Stream, StreamExt};
use gammaflow_engine::pipeline::{EngineConfig, ProductConfig};
use gammaflow_model::OptionContract;
use gammaflow_model::event::Event;
use gammaflow_server::desk::{Desk, DeskConfig};
use gammaflow_server::metrics::Metrics;
use gammaflow_server::{AppState, HttpConfig};
use gammaflow_sources::sim::{SimConfig, Simulator};
use gammaflow_sources::{Source, SourcesError, Subscriptions};
use jiff::civil::Date;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;

/// Events sent through a channel.
struct ChannelSource {
    rx: mpsc::UnboundedReceiver<Event>,
    subscriptions: Subscriptions,
}

impl Stream for ChannelSource {
    type Item = Result<Event, SourcesError>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx).map(|e| e.map(Ok))
    }
}

impl Source for ChannelSource {
    fn name(&self) -> &'static str {
        "bench"
    }
    fn subscribe(&mut self, contracts: &[OptionContract]) -> Result<(), SourcesError> {
        self.subscriptions.add(contracts).map(|_| ())
    }
    fn unsubscribe(&mut self, contracts: &[OptionContract]) -> Result<(), SourcesError> {
        self.subscriptions.remove(contracts);
        Ok(())
    }
    fn subscriptions(&self) -> &Subscriptions {
        &self.subscriptions
    }
}

const THROTTLE_MS: u64 = 250;
const SAMPLES: usize = 400;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // A simulated morning: the warm-up events go in at once, then one event per sample.
    let day = Date::constant(2025, 6, 9);
    let sim = Simulator::new(SimConfig {
        start: day,
        ..SimConfig::default()
    })
    .unwrap();
    let end =
        gammaflow_model::session::from_new_york(day, jiff::civil::Time::constant(9, 40, 0, 0))
            .unwrap();
    let events: Vec<Event> = sim.take_while(|e| e.ts_event() < end).collect();
    let (tx, rx) = mpsc::unbounded_channel();
    let source = ChannelSource {
        rx,
        subscriptions: Subscriptions::new(),
    };
    let metrics = Arc::new(Metrics::default());
    let config = DeskConfig::new(EngineConfig {
        products: vec![ProductConfig::spxw(), ProductConfig::spy()],
        ..EngineConfig::default()
    });
    let (desk, channels) = Desk::new(config, Box::new(source), Arc::clone(&metrics)).unwrap();
    let (stop, stop_rx) = watch::channel(false);
    let desk_task = tokio::spawn(desk.run(stop_rx.clone()));
    let http = HttpConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        throttle_ms: THROTTLE_MS,
        ..HttpConfig::default()
    };
    let listener = tokio::net::TcpListener::bind(http.bind).await.unwrap();
    let address = listener.local_addr().unwrap();
    let state = AppState {
        desk: channels.view,
        metrics,
        requests: channels.requests,
        history: None,
        events: Arc::default(),
        http: Arc::new(http),
        source_name: "bench",
        shutdown: stop_rx.clone(),
    };
    let mut http_stop = stop_rx.clone();
    let server = tokio::spawn(gammaflow_server::http::serve(listener, state, async move {
        let _ = http_stop.wait_for(|s| *s).await;
    }));

    let warm_up = events.len() - SAMPLES;
    for e in &events[..warm_up] {
        tx.send(*e).unwrap();
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{address}/ws/stream"))
        .await
        .unwrap();
    // Wait until the warm-up is through.
    let warm_ts = events[warm_up - 1].ts_event().0;
    loop {
        let Some(Ok(Message::Text(text))) = ws.next().await else {
            continue;
        };
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        if v["desk"]["ts_event"].as_u64().unwrap_or(0) >= warm_ts {
            break;
        }
    }
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut latencies = Vec::with_capacity(SAMPLES);
    for e in &events[warm_up..] {
        // xorshift gaps of 0–300 ms between ticks.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        tokio::time::sleep(Duration::from_millis(state % 300)).await;
        let ts = e.ts_event().0;
        let sent = Instant::now();
        tx.send(*e).unwrap();
        loop {
            let Some(Ok(Message::Text(text))) = ws.next().await else {
                continue;
            };
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            if v["desk"]["ts_event"].as_u64().unwrap_or(0) >= ts {
                latencies.push(sent.elapsed());
                break;
            }
        }
    }
    latencies.sort();
    println!(
        "tick-to-client latency over {} ticks, throttle {THROTTLE_MS} ms: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms (target p99 <= {} ms)",
        latencies.len(),
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.90).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies[latencies.len() - 1].as_secs_f64() * 1e3,
        THROTTLE_MS + 5
    );
    stop.send(true).unwrap();
    let _ = desk_task.await;
    let _ = server.await;
}
