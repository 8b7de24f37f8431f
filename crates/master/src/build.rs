//! The orchestrator behind `gammaflow master build`: discovers the inputs of the configuration,
//! streams the ES bars trade date by trade date, runs the engines and the validators, and exports
//! `MASTER_OUTPUT` with its detail tables, dictionary and manifest ([`crate::export`]).
//!
//! # Per trade date
//! 1. **ES bars** ([`EsBars`], one stream over the bar files of [`Inputs::bar_files`]: per file
//!    date the Databento `ohlcv-1m` files, else `trades`, else `mbp-1`, else the IB daily files).
//!    Every bar goes to the RV engine (also bars of dates outside `--from..--to`, so that the
//!    percentile histories do not depend on the range asked for).
//! 2. **Validators** ([`SeriesValidator`]) over the bars of the dates built.
//! 3. **IV and OI** (when `paths.opra` has files for the date, [`OpraFiles::find`]):
//!    [`crate::opra::build_day`] samples the 0DTE SPXW chain (snapshots, window bounds, a 30-minute
//!    grid) for the ATM IV, the put-call-parity SPX level and the 25-delta skew
//!    ([`crate::iv`]), and the open interest by strike at the snapshots ([`crate::oi`]). The
//!    **SPX open** is the implied level of the first sample from 09:31 ET on
//!    ([`crate::iv::OPEN_SAMPLE_SECS`]: at 09:30:00 the at-the-money quotes are still the 09:15
//!    GTH book; the spec's "first SPX print at or after 09:30" needs an index feed, which OPRA
//!    files do not carry), and the basis is measured from ES at that instant; every sample's ATM
//!    IV goes to the range windows.
//!    Values from the caller's hook ([`build_with`]) take precedence.
//! 4. **Ranges** ([`RangeDay`]): the Databento trades of the date ([`Inputs::trade_files`],
//!    [`EsTicks`]) when a `trades`/`mbp-1` file exists, else the day's bars, with the day's
//!    [`DayInputs`].
//! 5. **RV** ([`RvEngine`]): joined to the row by trade date.
//! 6. **GEX** (`gex_day`): one instant per date, the last `oi.snapshots` instant from 10:00 ET and before
//!    the close, else 10:00 ET ([`gex_day::gex_instant`]). GEXBot files under `paths.gex` (the `gex.format`
//!    extensions, `.zst` too) are streamed in (name date, path) order with one look-ahead record;
//!    `gex_zero_gamma_gexbot` is the zero gamma of the date's latest record at or before the
//!    instant. `gex_zero_gamma_own` is ours by OI ([`crate::gex`]) from the 0DTE PM-settled SPXW
//!    chain at the instant (the OPRA quotes are read a second time up to it), spot = the IV
//!    sample's parity level. `gex_offset` puts ours in GEXBot's terms: for an ES ticker
//!    (`ES_SPX`, the default) the ES − SPX basis at the instant (ES: the close of the last bar
//!    ending by then), 0 for `SPX`, empty for other tickers; `gex_zero_gamma_diff` = GEXBot −
//!    (ours + offset).
//!    Bad GEXBot records and OPRA GEX failures are `unreadable` report rows.
//!
//! # Failures
//! An unreadable or corrupt file never aborts the build: the error (naming file and record) is
//! recorded as a skipped day in the manifest and as an `unreadable` row of the validation
//! report; the bar stream restarts after the failing file, and a day whose trades file fails is
//! skipped. An OPRA failure keeps the ES row: an `unreadable` report row, IV/OI columns empty. The date of a skipped day is the date being read, else the failing file's name date.
//! A trading day in range (`--from`, else the first date read, to `--to`, else the last) with no
//! ES bars in any file is skipped as missing: a `missing_day` report row. Only configuration,
//! discovery and output errors abort.
//!
//! # Output and finalization
//! See [`crate::export`]: the files go to `--out` (default `paths.output`), named
//! `<TABLE>_<model_version>_<config_hash[..12]>.<ext>`, with `_<from>_<to>` appended when
//! `--from`/`--to` limit the build (`start`/`end` for an open side), so that a partial build
//! never collides with the full one; when every trade date
//! built has closed before the build's clock ([`BuildOptions::now`]) the outputs are finalized
//! (read-only) and a differing rebuild needs `force`.

mod columns;
mod discover;
mod gex_day;
mod options;
mod report;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use gammaflow_model::UnixNanos;
use gammaflow_model::calendar;
use gammaflow_model::session::trade_date_window;
use jiff::civil::Date;

pub use columns::{
    MASTER_OUTPUT, OI_STRIKES, OptionValues, RANGE_TOUCHES, RV_WINDOWS, VALIDATION_REPORT,
    level_name, master_columns, oi_strike_columns, option_columns, pending_columns, report_columns,
    rv_columns, touch_columns,
};
pub use discover::{EsFileKind, InputFile, Inputs, name_date};
pub use options::{BuildOptions, BuildSummary, DayStatus, Progress};

use crate::MasterError;
use crate::config::MasterConfig;
use crate::export::{self, Manifest, OutputFile, SkippedDay, Table, Value};
use crate::iv::IvParams;
use crate::loaders::{ContractRule, EsBar, EsBars, EsDay};
use crate::opra::{OpraFiles, build_day};
use crate::ranges::SpxOpen;
use crate::ranges::{DayInputs, EsTicks, RangeDay, RangeSummary, RangesInput};
use crate::rv::{Bar1m, RvDay, RvEngine};
use crate::validate::Finding;
use crate::validate::{SeriesValidator, ValidationConfig};
use columns::BarStats;
use report::{MISSING_DAY, SkipKind, Skipped};

/// The per-day inputs hook: SPX open and ATM IV of a trade date.
pub type InputsHook<'a> = dyn FnMut(Date) -> Result<DayInputs, MasterError> + 'a;

/// Builds with the SPX open and ATM IV from OPRA only (see the [module documentation](self)).
pub fn build(
    config: &MasterConfig,
    options: &BuildOptions,
    progress: &mut dyn FnMut(&Progress),
) -> Result<BuildSummary, MasterError> {
    build_with(config, options, &mut |_| Ok(DayInputs::default()), progress)
}

/// A built day, before the validators' flags are known.
struct Built {
    bars: BarStats,
    ranges: RangeSummary,
    options: Option<OptionValues>,
    oi_rows: Vec<Vec<Value>>,
    gex: gex_day::GexValues,
}

/// What OPRA gives a day: the ranges' inputs, the IV/OI columns and detail rows.
struct OptionDay {
    inputs: DayInputs,
    values: OptionValues,
    oi_rows: Vec<Vec<Value>>,
    findings: Vec<Finding>,
    gex_own: Option<gex_day::OwnGex>,
}

struct State<'c> {
    config: &'c MasterConfig,
    options: &'c BuildOptions,
    inputs: Inputs,
    rv: RvEngine,
    rv_days: BTreeMap<Date, RvDay>,
    validator: SeriesValidator,
    built: BTreeMap<Date, Built>,
    skipped: BTreeMap<String, Skipped>,
    seen: BTreeSet<Date>,
    used: BTreeSet<(String, PathBuf)>,
    /// Report rows that are not validator findings (OPRA failures).
    notes: Vec<[String; 5]>,
    /// Findings of the OPRA engines.
    option_findings: Vec<Finding>,
    done: usize,
    total_hint: usize,
    gexbot: Option<gex_day::GexBotDays>,
}

/// Builds, asking `inputs` for each trade date's SPX open and ATM IV.
pub fn build_with(
    config: &MasterConfig,
    options: &BuildOptions,
    inputs: &mut InputsHook<'_>,
    progress: &mut dyn FnMut(&Progress),
) -> Result<BuildSummary, MasterError> {
    let started = Instant::now();
    let found = Inputs::discover(config)?;
    let bar_files = found.bar_files(options.to);
    let total_hint = found.dates_within(options.from, options.to);
    let mut st = State {
        config,
        options,
        inputs: found,
        rv: RvEngine::new(config),
        rv_days: BTreeMap::new(),
        validator: SeriesValidator::new(ValidationConfig {
            day_rule: options.day_rule,
            ..ValidationConfig::default()
        }),
        built: BTreeMap::new(),
        skipped: BTreeMap::new(),
        seen: BTreeSet::new(),
        used: BTreeSet::new(),
        notes: Vec::new(),
        option_findings: Vec::new(),
        done: 0,
        total_hint,
        gexbot: None,
    };
    if let Some(dir) = &config.paths.gex {
        let files = gex_day::gexbot_files(dir, config.gex.format);
        for f in &files {
            st.used.insert(("gexbot".to_owned(), f.clone()));
        }
        if !files.is_empty() {
            st.gexbot = Some(gex_day::GexBotDays::new(config, files, options.day_rule));
        }
    }
    let mut remaining: Vec<InputFile> = bar_files;
    let mut stats = Vec::new();
    while !remaining.is_empty() {
        let paths: Vec<&Path> = remaining.iter().map(|f| f.path.as_path()).collect();
        let mut es = EsBars::new(paths, options.day_rule, ContractRule::default());
        let mut failure = None;
        // Bars are grouped here rather than by `EsBars::next_day`, so that the day being
        // completed when the next file fails is kept when that file cannot hold its bars.
        let mut current: Option<EsDay> = None;
        loop {
            match es.next() {
                Some(Ok(bar)) => {
                    if current
                        .as_ref()
                        .is_some_and(|d| d.trade_date != bar.trade_date)
                        && let Some(done) = current.take()
                    {
                        st.day(done, inputs, progress);
                    }
                    current
                        .get_or_insert_with(|| EsDay {
                            trade_date: bar.trade_date,
                            bars: Vec::new(),
                        })
                        .bars
                        .push(bar);
                }
                Some(Err(e)) => {
                    failure = Some(e);
                    break;
                }
                None => break,
            }
        }
        let read = es.files().len();
        stats.extend(es.files().iter().cloned());
        for f in remaining.iter().take(read + usize::from(failure.is_some())) {
            st.used.insert((f.kind.role().to_owned(), f.path.clone()));
        }
        match failure {
            None => {
                if let Some(done) = current.take() {
                    st.day(done, inputs, progress);
                }
                break;
            }
            Some(e) => {
                // The failing file's day is skipped; the day being completed is kept unless it
                // is that day (or the file names no date).
                let failed_date = remaining.get(read).and_then(|f| f.date);
                let current_date = current.as_ref().map(|d| d.trade_date);
                match current.take() {
                    Some(day) if failed_date.is_some_and(|d| d != day.trade_date) => {
                        st.day(day, inputs, progress);
                    }
                    Some(day) => {
                        // Its bars still go to the RV history.
                        st.rv_only(&day);
                    }
                    None => {}
                }
                let date = failed_date.or(current_date);
                st.skip(date, e.to_string(), progress);
                remaining = remaining.split_off((read + 1).min(remaining.len()));
            }
        }
    }
    if let Some(d) = st.rv.finish() {
        st.rv_days.insert(d.trade_date, d);
    }
    st.skip_missing_days(progress);
    let State {
        mut validator,
        built,
        skipped,
        rv_days,
        used,
        notes,
        option_findings,
        ..
    } = st;
    validator.check_files(&stats);
    let mut report = validator.finish();
    for f in option_findings {
        report.push(f);
    }
    let flags = report.flags();
    let config_hash = config.config_hash();
    let mut stem = export::file_stem(&config.versioning.model_version, &config_hash);
    if options.from.is_some() || options.to.is_some() {
        // A partial build has its own files: `…_<from>_<to>` (`start`/`end` when open).
        let d = |x: Option<Date>, open: &str| x.map_or_else(|| open.to_owned(), |d| d.to_string());
        stem = format!(
            "{stem}_{}_{}",
            d(options.from, "start"),
            d(options.to, "end")
        );
    }

    // Tables.
    let mut master = Table::new(MASTER_OUTPUT, master_columns(config));
    let mut touches = Table::new(RANGE_TOUCHES, touch_columns());
    let mut rv_table = Table::new(RV_WINDOWS, rv_columns(config));
    let mut oi_table = Table::new(OI_STRIKES, oi_strike_columns());
    let mut findings_per_day: BTreeMap<Date, usize> = BTreeMap::new();
    for f in report.findings() {
        *findings_per_day.entry(f.trade_date).or_default() += 1;
    }
    let mut flagged = 0;
    for (date, day) in &built {
        let f = flags.get(date).copied().unwrap_or_default();
        if !f.is_empty() {
            flagged += 1;
        }
        let n = findings_per_day.get(date).copied().unwrap_or(0);
        master.push(columns::master_row(
            config,
            &config_hash,
            *date,
            &day.bars,
            &day.ranges,
            rv_days.get(date),
            day.options.as_ref(),
            &day.gex,
            f.to_string(),
            n,
        ))?;
        for row in &day.oi_rows {
            oi_table.push(row.clone())?;
        }
        for row in columns::touch_rows(&day.ranges) {
            touches.push(row)?;
        }
        if let Some(rv) = rv_days.get(date) {
            for row in columns::rv_rows(config, rv) {
                rv_table.push(row)?;
            }
        }
    }
    // The validation report: the validators' findings of the days in range, plus skipped days.
    let in_range =
        |d: &Date| options.from.is_none_or(|f| *d >= f) && options.to.is_none_or(|t| *d <= t);
    let (report_csv, report_rows) =
        report::report_csv(report.findings(), in_range, &skipped, notes);

    let dict = export::dictionary_csv(&[
        (MASTER_OUTPUT, &master.columns),
        (RANGE_TOUCHES, &touches.columns),
        (RV_WINDOWS, &rv_table.columns),
        (OI_STRIKES, &oi_table.columns),
        (VALIDATION_REPORT, &report_columns()),
    ]);
    let meta = [
        ("model_version", config.versioning.model_version.as_str()),
        ("config_hash", config_hash.as_str()),
    ];
    let mut files: Vec<(String, Vec<u8>, usize)> = vec![
        (
            format!("{MASTER_OUTPUT}_{stem}.csv"),
            master.to_csv().into_bytes(),
            master.rows.len(),
        ),
        (
            format!("{MASTER_OUTPUT}_{stem}.parquet"),
            master.to_parquet(&meta)?,
            master.rows.len(),
        ),
        (
            format!("DATA_DICTIONARY_{stem}.csv"),
            dict.into_bytes(),
            master.columns.len()
                + touches.columns.len()
                + rv_table.columns.len()
                + oi_table.columns.len()
                + report_columns().len(),
        ),
        (
            format!("{OI_STRIKES}_{stem}.csv"),
            oi_table.to_csv().into_bytes(),
            oi_table.rows.len(),
        ),
        (
            format!("{RANGE_TOUCHES}_{stem}.csv"),
            touches.to_csv().into_bytes(),
            touches.rows.len(),
        ),
        (
            format!("{RV_WINDOWS}_{stem}.csv"),
            rv_table.to_csv().into_bytes(),
            rv_table.rows.len(),
        ),
        (
            format!("{VALIDATION_REPORT}_{stem}.csv"),
            report_csv.into_bytes(),
            report_rows,
        ),
    ];
    files.sort_by(|a, b| a.0.cmp(&b.0));

    // Manifest.
    let mut inputs_list = Vec::new();
    for (role, path) in &used {
        let (sha256, bytes) = export::sha256_file(path)?;
        inputs_list.push(export::InputFile {
            role: role.clone(),
            path: relative(path, &config.paths.base),
            bytes,
            sha256,
        });
    }
    inputs_list.sort_by(|a, b| (&a.path, &a.role).cmp(&(&b.path, &b.role)));
    let manifest = Manifest {
        model_version: config.versioning.model_version.clone(),
        config_hash: config_hash.clone(),
        program: "gammaflow-master".into(),
        program_version: env!("CARGO_PKG_VERSION").into(),
        day_rule: options.day_rule.name().into(),
        from: options.from.map(|d| d.to_string()).unwrap_or_default(),
        to: options.to.map(|d| d.to_string()).unwrap_or_default(),
        row_count: master.rows.len(),
        skipped: skipped
            .iter()
            .map(|(d, s)| SkippedDay {
                trade_date: d.clone(),
                reason: s.reason.clone(),
            })
            .collect(),
        pending_columns: pending_columns(config)
            .into_iter()
            .map(|c| c.name)
            .collect(),
        inputs: inputs_list,
        outputs: files
            .iter()
            .map(|(name, bytes, rows)| OutputFile {
                file: name.clone(),
                rows: *rows,
                sha256: export::sha256_bytes(bytes),
            })
            .collect(),
    };
    let mut placed: Vec<(String, Vec<u8>)> = files.into_iter().map(|(n, b, _)| (n, b)).collect();
    placed.push((
        format!("MANIFEST_{stem}.json"),
        manifest.to_json()?.into_bytes(),
    ));

    let now = options.now.unwrap_or_else(system_now);
    let finalized = !built.is_empty()
        && built
            .keys()
            .all(|d| trade_date_window(*d).is_ok_and(|w| w.close <= now));
    let out_dir = options
        .out
        .clone()
        .unwrap_or_else(|| config.paths.output.clone());
    export::place_outputs(&out_dir, &placed, options.force, finalized)?;
    Ok(BuildSummary {
        days_built: built.len(),
        skipped: skipped.len(),
        flagged,
        rows: master.rows.len(),
        seconds: started.elapsed().as_secs_f64(),
        out_dir,
        files: placed.into_iter().map(|(n, _)| n).collect(),
        finalized,
    })
}

fn system_now() -> UnixNanos {
    let ns = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    UnixNanos(u64::try_from(ns).unwrap_or(u64::MAX))
}

/// `path` relative to `base` when under it (with `/` separators), else as given.
fn relative(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

impl State<'_> {
    fn in_range(&self, d: Date) -> bool {
        self.options.from.is_none_or(|f| d >= f) && self.options.to.is_none_or(|t| d <= t)
    }

    fn skip(&mut self, date: Option<Date>, reason: String, progress: &mut dyn FnMut(&Progress)) {
        self.skip_as(SkipKind::Unreadable, date, reason, progress);
    }

    fn skip_as(
        &mut self,
        kind: SkipKind,
        date: Option<Date>,
        reason: String,
        progress: &mut dyn FnMut(&Progress),
    ) {
        if let Some(d) = date
            && !self.in_range(d)
        {
            return;
        }
        if let Some(d) = date {
            self.built.remove(&d);
            self.seen.insert(d);
        }
        let key = date.map(|d| d.to_string()).unwrap_or_default();
        if self.skipped.contains_key(&key) {
            return;
        }
        self.done += 1;
        progress(&Progress {
            trade_date: date,
            done: self.done,
            total_hint: self.total_hint,
            status: DayStatus::Skipped(reason.clone()),
        });
        self.skipped.insert(key, Skipped { kind, reason });
    }

    fn day(
        &mut self,
        day: EsDay,
        inputs: &mut InputsHook<'_>,
        progress: &mut dyn FnMut(&Progress),
    ) {
        let date = day.trade_date;
        self.rv_only(&day);
        if !self.in_range(date) {
            return;
        }
        for bar in &day.bars {
            self.validator.push(bar);
        }
        if !self.seen.insert(date) {
            let reason = format!(
                "trade date {date} appears again after another trade date in {} (input files out of order)",
                day.bars.first().map_or("", |b| &b.source)
            );
            self.skip(Some(date), reason, progress);
            return;
        }
        let mut extra = match inputs(date) {
            Ok(x) => x,
            Err(e) => {
                self.skip(Some(date), e.to_string(), progress);
                return;
            }
        };
        let option_day = self.option_day(date);
        if let Some(o) = &option_day {
            if extra.spx_open.is_none() {
                extra.spx_open = o.inputs.spx_open;
            }
            if extra.atm_iv.is_empty() {
                extra.atm_iv = o.inputs.atm_iv.clone();
            }
        }
        match self.ranges(date, &day.bars, extra) {
            Ok(ranges) => {
                let input = ranges.input;
                let bars = bar_stats(&day.bars);
                let n = bars.bars;
                let (options, oi_rows, own) = match option_day {
                    Some(o) => {
                        self.option_findings.extend(o.findings);
                        (Some(o.values), o.oi_rows, o.gex_own)
                    }
                    None => (None, Vec::new(), None),
                };
                let es = own
                    .as_ref()
                    .and_then(|o| gex_day::es_before(&day.bars, o.at));
                let offset = gex_day::vendor_offset(&self.config.gex.ticker, own.as_ref(), es);
                let gex = gex_day::GexValues::new(
                    self.gexbot_zero(date),
                    own.and_then(|o| o.zero_gamma),
                    offset,
                );
                self.built.insert(
                    date,
                    Built {
                        bars,
                        ranges,
                        options,
                        oi_rows,
                        gex,
                    },
                );
                self.done += 1;
                progress(&Progress {
                    trade_date: Some(date),
                    done: self.done,
                    total_hint: self.total_hint,
                    status: DayStatus::Built { input, bars: n },
                });
            }
            Err(e) => self.skip(Some(date), e.to_string(), progress),
        }
    }

    /// The OPRA engines of a day (`None` without `paths.opra` or files for the date; a failure is
    /// noted in the report and leaves the IV/OI columns empty).
    fn option_day(&mut self, date: Date) -> Option<OptionDay> {
        let dir = self.config.paths.opra.as_ref()?;
        let files = OpraFiles::find(dir, date);
        if files.is_empty() {
            return None;
        }
        for (role, list) in [
            ("opra_quotes", &files.quotes),
            ("opra_trades", &files.trades),
            ("opra_statistics", &files.statistics),
            ("opra_definitions", &files.definitions),
        ] {
            for p in list {
                self.used.insert((role.to_owned(), p.clone()));
            }
        }
        let params = IvParams {
            band_points: self.config.oi.strike_range,
            ..IvParams::default()
        };
        let out = match build_day(self.config, &files, date, None, &params) {
            Ok(out) => out,
            Err(e) => {
                self.notes.push([
                    date.to_string(),
                    "unreadable".into(),
                    String::new(),
                    String::new(),
                    format!("OPRA: {e}; IV and OI columns left empty"),
                ]);
                return None;
            }
        };
        let gex_own = gex_day::own_of_day(self.config, &files, date, &out)
            .inspect_err(|e| self.note(date, format!("OPRA GEX: {e}; own zero gamma left empty")))
            .ok()
            .flatten();
        let cash_open =
            gammaflow_model::session::from_new_york(date, gammaflow_model::session::CASH_OPEN).ok();
        // The SPX open: the implied (put-call parity) level of the first IV sample from the
        // opening sample on (regular-session quotes); the basis is measured from ES there.
        let spx_open = cash_open.and_then(|open| {
            let opening = open.0 + crate::iv::OPEN_SAMPLE_SECS * UnixNanos::NANOS_PER_SECOND;
            out.iv_points
                .iter()
                .filter(|p| p.at.0 >= opening)
                .find_map(|p| {
                    p.spot.map(|v| SpxOpen {
                        ts: p.at,
                        value: v,
                        basis: None,
                    })
                })
        });
        let atm_iv = out
            .iv_points
            .iter()
            .filter_map(|p| p.atm_iv.map(|v| (p.at, v)))
            .collect();
        let iv = self
            .config
            .iv_rv
            .windows
            .iter()
            .map(|w| {
                out.iv_windows
                    .iter()
                    .find(|v| v.name == w.name)
                    .map_or((None, None), |v| (v.iv_mean, v.iv_end))
            })
            .collect();
        let skew = out
            .iv_windows
            .iter()
            .find(|v| v.name == crate::config::FULL_WINDOW)
            .and_then(|v| v.skew25_end);
        let oi = out.oi_summaries.first();
        let mut oi_rows: Vec<Vec<Value>> = out.oi_rows.iter().map(columns::oi_strike_row).collect();
        oi_rows.sort_by(|a, b| {
            let key = |r: &Vec<Value>| [r.get(1).map(Value::render), r.get(2).map(Value::render)];
            key(a).cmp(&key(b))
        });
        Some(OptionDay {
            inputs: DayInputs { spx_open, atm_iv },
            values: OptionValues {
                iv,
                skew,
                oi_expiry: oi.map(|s| s.expiry),
                oi_calls: oi.map(|s| s.call_oi),
                oi_puts: oi.map(|s| s.put_oi),
                oi_ratio: oi.and_then(|s| s.put_call_oi_ratio),
            },
            oi_rows,
            findings: out.findings,
            gex_own,
        })
    }

    /// Skips as missing every trading day of the build's range that no input file had bars for
    /// (see [`report::missing_trading_days`]).
    fn skip_missing_days(&mut self, progress: &mut dyn FnMut(&Progress)) {
        let days = report::missing_trading_days(&self.seen, self.options.from, self.options.to);
        for d in days {
            self.skip_as(
                SkipKind::MissingDay,
                Some(d),
                MISSING_DAY.to_owned(),
                progress,
            );
        }
    }

    fn note(&mut self, date: Date, detail: String) {
        let (d, u) = (date.to_string(), "unreadable".to_owned());
        self.notes
            .push([d, u, String::new(), String::new(), detail]);
    }

    /// GEXBot's zero gamma of `date` at the GEX instant (bad records are noted).
    fn gexbot_zero(&mut self, date: Date) -> Option<f64> {
        let at = gex_day::gex_instant(self.config, date)?;
        let (zero, errors) = self.gexbot.as_mut()?.zero_gamma(date, at);
        for e in errors {
            self.note(date, format!("GEXBot: {e}"));
        }
        zero
    }

    /// Feeds a day's bars to the RV engine only (its percentile histories).
    fn rv_only(&mut self, day: &EsDay) {
        for bar in &day.bars {
            let b = Bar1m {
                ts: bar.ts,
                open: bar.open.to_f64(),
                high: bar.high.to_f64(),
                low: bar.low.to_f64(),
                close: bar.close.to_f64(),
                volume: bar.volume,
            };
            // A rejected bar (duplicate, out of order, invalid) leaves the engine unchanged;
            // the validators report it.
            if let Ok(Some(done)) = self.rv.push(b) {
                self.rv_days.insert(done.trade_date, done);
            }
        }
    }

    fn ranges(
        &mut self,
        date: Date,
        bars: &[EsBar],
        extra: DayInputs,
    ) -> Result<RangeSummary, MasterError> {
        let previous =
            calendar::previous_trading_day(date).map_err(|source| MasterError::Model {
                context: format!("trade date {date}"),
                source,
            })?;
        let trade_files = self.inputs.trade_files(date, previous);
        if trade_files.is_empty() {
            let mut r = RangeDay::new(self.config, date, RangesInput::Bars, extra)?;
            for b in bars {
                r.push_bar(b);
            }
            return Ok(r.finish());
        }
        for f in &trade_files {
            self.used.insert((f.kind.role().to_owned(), f.path.clone()));
        }
        let mut r = RangeDay::new(self.config, date, RangesInput::Trades, extra)?;
        let ticks = EsTicks::new(
            trade_files.iter().map(|f| f.path.as_path()),
            date,
            self.options.day_rule,
        )?;
        for t in ticks {
            r.push(&t?);
        }
        Ok(r.finish())
    }
}

fn bar_stats(bars: &[EsBar]) -> BarStats {
    let f = |p: gammaflow_model::Price| p.to_f64();
    let high = bars.iter().map(|b| f(b.high)).fold(f64::NAN, f64::max);
    let low = bars.iter().map(|b| f(b.low)).fold(f64::NAN, f64::min);
    BarStats {
        contract: bars
            .first()
            .map(|b| b.contract.to_string())
            .unwrap_or_default(),
        bars: bars.len(),
        ohlc: [
            bars.first().map_or(f64::NAN, |b| f(b.open)),
            high,
            low,
            bars.last().map_or(f64::NAN, |b| f(b.close)),
        ],
        volume: bars.iter().map(|b| b.volume).sum(),
    }
}
