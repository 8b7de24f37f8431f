//! `gammaflow serve` end to end: the real binary on the simulator at full speed, a WebSocket
//! client, the metrics endpoint, the lake after a graceful stop and after a `kill -9`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use gammaflow_sources::conditions::ConditionTable;
use jiff::civil::Date;
use tokio_tungstenite::tungstenite::Message;

use super::support::{gammaflow, temp_path};

const DAY: Date = Date::constant(2025, 6, 9);

/// A running `gammaflow serve`; killed when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(lake: &Path, until: &str) -> Self {
        let lake = lake.display().to_string();
        let mut child = Command::new(env!("CARGO_BIN_EXE_gammaflow"))
            .args([
                "serve",
                "--speed",
                "max",
                "--date",
                "2025-06-09",
                "--until",
                until,
                "--activity",
                "0.1",
                "--products",
                "spxw",
                "--window",
                "3",
                "--bind",
                "127.0.0.1:0",
                "--lake",
                &lake,
                "--web-dir",
                "none",
                "--log-level",
                "warn",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let address = line
            .trim()
            .strip_prefix("gammaflow: serving http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Server { child, address }
    }

    fn get(&self, path: &str) -> String {
        let url = format!("http://{}{path}", self.address);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async { reqwest::get(&url).await.unwrap().text().await.unwrap() })
    }

    /// A metric's value (the first sample with that name).
    fn metric(&self, name: &str) -> f64 {
        let text = self.get("/metrics");
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .find(|l| l.split(['{', ' ']).next() == Some(name))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {text}"))
    }

    fn wait_until(&self, what: &str, condition: impl Fn(&Server) -> bool) {
        let start = Instant::now();
        while !condition(self) {
            assert!(
                start.elapsed() < Duration::from_secs(600),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn source_ended(&self) -> bool {
        self.metric("gammaflow_source_up") == 0.0
    }

    /// SIGTERM, then the exit status must be success.
    fn stop(mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = self.child.wait().unwrap();
        assert!(exit.success(), "serve exited with {exit}");
    }

    /// SIGKILL: no flush, no goodbye.
    fn kill_9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `(ts_recv, contract, price, size, exchange) → count` of the lake's rows of the day.
fn lake_prints(lake: &Path) -> BTreeMap<String, u32> {
    let mut out = BTreeMap::new();
    for r in gammaflow_store::read_day(lake, DAY).unwrap() {
        let row = r.row;
        let key = format!(
            "{} {} {} {} {:?}",
            row.ts_recv.0, row.contract, row.price, row.size, row.exchange
        );
        *out.entry(key).or_insert(0) += 1;
    }
    out
}

/// Contracts of the lake's prints that count for volume.
fn lake_volume(lake: &Path) -> u64 {
    let table = ConditionTable::builtin();
    gammaflow_store::read_day(lake, DAY)
        .unwrap()
        .iter()
        .filter(|r| {
            let t = table.treatment(&r.row.conditions);
            t.counts_volume && !t.excluded
        })
        .map(|r| r.row.size.as_u64())
        .sum()
}

#[test]
fn the_stream_shows_the_window_and_its_volume_equals_the_lake() {
    let lake = temp_path("serve-e2e");
    let server = Server::start(&lake, "10:00");
    let url = format!("ws://{}/ws/stream", server.address);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let messages: Vec<serde_json::Value> = runtime.block_on(async {
        let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
        let mut messages = Vec::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(600);
        loop {
            let next = tokio::time::timeout_at(deadline, ws.next())
                .await
                .expect("the source did not end in time");
            let Some(Ok(Message::Text(text))) = next else {
                assert!(next.is_some(), "the server closed the stream");
                continue;
            };
            let message: serde_json::Value = serde_json::from_str(&text).unwrap();
            let ended = message["desk"]["source"]["state"] == "ended";
            messages.push(message);
            if ended {
                break;
            }
        }
        messages
    });
    assert_eq!(messages[0]["kind"], "snapshot");
    assert_eq!(messages[0]["schema"], 1);
    assert!(messages[1..].iter().all(|m| m["kind"] == "update"));
    let seqs: Vec<u64> = messages
        .iter()
        .map(|m| m["desk"]["seq"].as_u64().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");

    // The last state: 2N+1 = 7 strikes, high to low, one ATM row within a step of spot.
    let last = &messages[messages.len() - 1]["desk"]["products"][0];
    let strikes = last["strikes"].as_array().unwrap();
    assert_eq!(strikes.len(), 7, "{last}");
    let k: Vec<f64> = strikes
        .iter()
        .map(|s| s["strike"].as_f64().unwrap())
        .collect();
    assert!(k.windows(2).all(|w| w[0] - w[1] == 5.0), "{k:?}");
    let atm: Vec<&serde_json::Value> = strikes.iter().filter(|s| s["atm"] == true).collect();
    assert_eq!(atm.len(), 1);
    assert_eq!(atm[0]["strike"], strikes[3]["strike"]);
    let spot = last["spot"].as_f64().unwrap();
    assert!((spot - k[3]).abs() <= 5.0, "spot {spot}, centre {}", k[3]);

    // The metrics agree, and the lake was flushed when the source ended.
    assert!(server.metric("gammaflow_source_events_total") > 0.0);
    assert_eq!(server.metric("gammaflow_lake_writer_lag_rows"), 0.0);
    let wire_volume = last["totals"]["call_volume"].as_u64().unwrap()
        + last["totals"]["put_volume"].as_u64().unwrap();
    assert!(wire_volume > 0);
    assert_eq!(wire_volume, lake_volume(&lake));
    // The history API answers from the same lake (DataFusion over the Parquet files).
    let history: serde_json::Value =
        serde_json::from_str(&server.get("/api/history/net-delta-by-strike?date=2025-06-09"))
            .unwrap();
    let trades: u64 = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["trades"].as_u64().unwrap())
        .sum();
    let not_excluded = gammaflow_store::read_day(&lake, DAY)
        .unwrap()
        .iter()
        .filter(|r| !r.row.excluded)
        .count() as u64;
    assert_eq!(trades, not_excluded, "{history}");
    let bad = server.get("/api/history/net-delta-by-strike?date=yesterday");
    assert!(bad.contains("date"), "{bad}");
    // The history page's queries: the day, its chain snapshot minutes, one snapshot's grid.
    let json = |path: &str| -> serde_json::Value {
        let body = server.get(path);
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
    };
    let catalog = json("/api/history");
    assert!(
        catalog
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["description"].is_string()),
        "{catalog}"
    );
    let dates = json("/api/history/lake-dates");
    assert_eq!(dates[0]["date"], "2025-06-09", "{dates}");
    assert_eq!(dates[0]["prints"], not_excluded, "{dates}");
    let minutes = json("/api/history/chain-minutes?date=2025-06-09&root=SPXW");
    let minutes = minutes.as_array().unwrap();
    assert!(!minutes.is_empty());
    // Every root's snapshot minutes (SPXW and SPY).
    assert!(
        dates[0]["chain_minutes"].as_u64().unwrap() >= minutes.len() as u64,
        "{dates}"
    );
    let first = minutes[0]["time_new_york"].as_str().unwrap().to_owned();
    let grid = json(&format!(
        "/api/history/chain-at?date=2025-06-09&root=SPXW&at={first}&strikes=3"
    ));
    let grid = grid.as_array().unwrap();
    assert!(!grid.is_empty() && grid.len() <= 6, "{grid:?}");
    assert!(grid.iter().all(|r| r["time_new_york"] == first.as_str()));
    let k: Vec<f64> = grid.iter().map(|r| r["strike"].as_f64().unwrap()).collect();
    assert!(k.windows(2).all(|w| w[0] > w[1]), "{k:?}");
    // The macro calendar (built in).
    let events = json("/api/events?from=2026-12-01&days=31");
    assert_eq!(events["source"], "built-in");
    assert_eq!(events["events"].as_array().unwrap().len(), 3, "{events}");
    server.stop();
    // After the graceful stop (flush, compaction) the lake holds the same prints.
    assert_eq!(wire_volume, lake_volume(&lake));
    let _ = std::fs::remove_dir_all(&lake);
}

#[test]
fn a_killed_server_keeps_every_accepted_print_exactly_once() {
    // The reference: an uninterrupted run.
    let reference_lake = temp_path("serve-reference");
    let reference = Server::start(&reference_lake, "10:30");
    reference.wait_until("the reference run", Server::source_ended);
    reference.stop();
    let expected = lake_prints(&reference_lake);
    let total: u32 = expected.values().sum();
    assert!(total > 1_000, "{total} prints");

    // The same run, killed with SIGKILL once some prints are in the write-ahead log.
    let lake = temp_path("serve-crash");
    let first = Server::start(&lake, "10:30");
    first.wait_until("prints in the WAL", |s| {
        s.metric("gammaflow_lake_rows_logged_total") >= f64::from(total / 3)
    });
    let accepted = first.metric("gammaflow_lake_rows_logged_total") as u64;
    first.kill_9();

    // Restarted: the log is recovered, the replayed day skips what the lake already holds.
    let second = Server::start(&lake, "10:30");
    second.wait_until("the restarted run", Server::source_ended);
    let skipped = second.metric("gammaflow_lake_rows_skipped_total") as u64;
    second.stop();
    assert!(
        skipped >= accepted,
        "only {skipped} prints survived the kill, {accepted} had been accepted"
    );
    assert_eq!(
        lake_prints(&lake),
        expected,
        "the lake differs from the uninterrupted run"
    );
    let _ = std::fs::remove_dir_all(&lake);
    let _ = std::fs::remove_dir_all(&reference_lake);
}

#[test]
fn a_bad_configuration_lists_every_problem() {
    let run = gammaflow(&[
        "serve",
        "--bind",
        "0.0.0.0:8000",
        "--speed=-1",
        "--throttle-ms",
        "5",
        "--products",
        "spxw,ndx",
        "--events-file",
        "/nonexistent/events.yaml",
    ]);
    assert!(!run.ok);
    for needle in [
        "http.bind: 0.0.0.0:8000 is not a loopback address",
        "source.speed",
        "http.throttle_ms",
        "\"ndx\"",
        "events.file: cannot read /nonexistent/events.yaml",
    ] {
        assert!(
            run.stderr.contains(needle),
            "{needle} missing from {}",
            run.stderr
        );
    }
}
