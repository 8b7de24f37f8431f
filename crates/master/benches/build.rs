//! The dataset builder end to end: `gammaflow_master::build::build` over simulated Databento
//! history.
//!
//! Before timing, two trading days (2025-06-09 and 2025-06-10) are simulated with the simulator's
//! default activity, restricted to what the builder reads (ES futures and SPXW options; no SPY,
//! no ES options, no `I:SPX`, which Databento files cannot carry), and written as DBN (`.dbn.zst`,
//! no CSV) into a temporary directory: `OPRA.PILLAR/{trades,cbbo,statistics,definition}` and
//! `GLBX.MDP3/{ohlcv-1m,trades}` (the writer's `mbp-1` and GLBX `definition` files are deleted:
//! the builder would not read them next to `trades`). The DBN records of the remaining files
//! are counted once with the decoder.
//!
//! * `master_build/two_days`: criterion, one whole build per iteration (fresh output directory,
//!   `force`, the system clock, so the outputs are finalized as in a real rebuild), throughput in
//!   trade dates per second.
//! * Then one build, once, printing wall time, days per second and DBN records decoded per second
//!   end to end (records of the input files / wall time).
//!
//! Run: `cargo bench -p gammaflow-master --bench build` (quick check: `-- --test`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use dbn::decode::DecodeRecordRef;
use gammaflow_master::build::{BuildOptions, BuildSummary, build};
use gammaflow_master::config::MasterConfig;
use gammaflow_model::event::Event;
use gammaflow_model::session::to_new_york;
use gammaflow_sources::databento::write::{WriteOptions, write_day};
use gammaflow_sources::sim::{Products, SimConfig, Simulator};
use jiff::civil::{Date, date};

const START: Date = date(2025, 6, 9);
/// Calendar days simulated from `START` (both trading days).
const DAYS: u32 = 2;

/// The simulated history: its root, the configuration over it, and its size.
struct History {
    root: PathBuf,
    config: MasterConfig,
    days: u64,
    records: u64,
    files: usize,
    bytes: u64,
}

fn temp_root() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gammaflow-bench-master-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// DBN records in a `.dbn.zst` file.
fn count_records(path: &Path) -> u64 {
    let zst = zstd::stream::read::Decoder::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut dec = dbn::decode::DbnDecoder::new(zst).unwrap();
    let mut n = 0;
    while dec.decode_record_ref().unwrap().is_some() {
        n += 1;
    }
    n
}

/// Simulates the history, writes it and writes the configuration (see the module docs).
fn simulate() -> History {
    let started = Instant::now();
    let root = temp_root();
    let data = root.join("data");
    let sim = SimConfig {
        start: START,
        days: DAYS,
        products: Products {
            spx_index: false,
            es: true,
            spy: false,
            spxw_options: true,
            spy_options: false,
            es_options: false,
        },
        ..SimConfig::default()
    };
    let options = WriteOptions {
        csv: false,
        ..WriteOptions::default()
    };
    // One day in memory at a time, as `gammaflow sim` does.
    let mut day: Vec<Event> = Vec::new();
    let mut current: Option<Date> = None;
    let mut days = 0_u64;
    let mut events = 0_usize;
    let mut flush = |d: Option<Date>, day: &mut Vec<Event>| {
        if let Some(d) = d {
            events += day.len();
            write_day(&data, d, day, &options).unwrap();
            days += 1;
        }
        day.clear();
    };
    for e in Simulator::new(sim).unwrap() {
        let d = to_new_york(e.ts_event()).unwrap().date();
        if current.is_some_and(|c| c != d) {
            flush(current, &mut day);
        }
        current = Some(d);
        day.push(e);
    }
    flush(current, &mut day);
    for unread in ["mbp-1", "definition"] {
        std::fs::remove_dir_all(data.join("GLBX.MDP3").join(unread)).unwrap();
    }
    let mut files = Vec::new();
    files_under(&data, &mut files);
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut records = 0;
    let mut bytes = 0;
    for f in &files {
        let n = count_records(f);
        records += n;
        bytes += std::fs::metadata(f).unwrap().len();
        let parent = f.parent().unwrap();
        let kind = format!(
            "{}/{}",
            parent
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy(),
            parent.file_name().unwrap().to_string_lossy()
        );
        *by_kind.entry(kind).or_default() += n;
    }
    let path = root.join("config.yaml");
    std::fs::write(
        &path,
        "paths:\n  es: \"./data/GLBX.MDP3\"\n  opra: \"./data/OPRA.PILLAR\"\n  output: \"./out\"\n",
    )
    .unwrap();
    let config = MasterConfig::load(&path).unwrap();
    println!(
        "simulated {days} trading days ({events} events) in {:.1} s: {} DBN files, {:.1} MB, \
         {records} records {by_kind:?}",
        started.elapsed().as_secs_f64(),
        files.len(),
        bytes as f64 / 1e6,
    );
    History {
        root,
        config,
        days,
        records,
        files: files.len(),
        bytes,
    }
}

/// A fresh, not yet existing output directory.
fn fresh_out(history: &History) -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    history
        .root
        .join(format!("out-{}", N.fetch_add(1, Ordering::Relaxed)))
}

/// One build into `out` (outside the timing, the caller removes it).
fn run(history: &History, out: PathBuf) -> BuildSummary {
    let options = BuildOptions {
        out: Some(out),
        force: true,
        ..BuildOptions::default()
    };
    let summary = build(&history.config, &options, &mut |_| {}).unwrap();
    assert_eq!(
        summary.days_built as u64,
        history.days,
        "{}",
        summary.line()
    );
    assert_eq!(summary.skipped, 0, "{}", summary.line());
    summary
}

/// Removes an output directory (finalized outputs are read-only files; on Unix the directory's
/// permissions are what matter for removal).
fn remove(out: &Path) {
    let _ = std::fs::remove_dir_all(out);
}

fn bench_build(c: &mut Criterion) {
    let history = simulate();
    let mut group = c.benchmark_group("master_build");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(history.days));
    group.bench_function("two_days", |b| {
        b.iter_batched(
            || fresh_out(&history),
            |out| {
                let summary = run(&history, out);
                remove(&summary.out_dir);
                summary
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();

    // Records decoded per second end to end, from one build timed on its own.
    let out = fresh_out(&history);
    let started = Instant::now();
    let summary = run(&history, out);
    let wall = started.elapsed().as_secs_f64();
    println!(
        "master_build end to end: {} days, {} DBN files ({:.1} MB), {} records in {wall:.3} s: \
         {:.2} days/s, {:.0} records/s ({})",
        history.days,
        history.files,
        history.bytes as f64 / 1e6,
        history.records,
        history.days as f64 / wall,
        history.records as f64 / wall,
        summary.line(),
    );
    remove(&summary.out_dir);
    let _ = std::fs::remove_dir_all(&history.root);
}

criterion_group!(benches, bench_build);
criterion_main!(benches);
