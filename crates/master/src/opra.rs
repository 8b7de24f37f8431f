//! The streaming OPRA loader: SPX/SPXW options of **one trade date at a time** from Databento
//! files, with a small per-contract state (last quote, cumulative volume, open interest) and chain
//! snapshots at any instant.
//!
//! # Inputs ([`OpraFiles`])
//! Databento `OPRA.PILLAR` files, DBN (`.dbn`, `.dbn.zst`) or Databento CSV (`.csv`, `.csv.zst`),
//! read through [`gammaflow_sources::databento::open`] (so every schema the decoders know works):
//! * **quotes**: `cmbp-1` (gammaflow's `cbbo/` directory), `cbbo-1s`/`cbbo-1m`, `tbbo`, `mbp-1`;
//! * **trades**: `trades`. When at least one trades file is given, the trades that `tbbo` and
//!   `mbp-1` files also carry are ignored (they are the same prints); otherwise they count;
//! * **statistics**: open interest (`stat_type` 9), read **up front** (see below);
//! * **definitions**: read up front and counted (OPRA files carry their symbology in the DBN
//!   metadata or the CSV `symbol` column, so definitions are not needed to map ids).
//!
//! [`OpraFiles::find`] finds a day's files in gammaflow's layout
//! (`DIR/OPRA.PILLAR/<schema>/YYYY-MM-DD.<ext>`, as `gammaflow sim` and
//! [`gammaflow_sources::databento::write::write_day`] write them; `DIR/<schema>/…` also works),
//! preferring `.dbn.zst`, then `.dbn`, `.csv.zst`, `.csv` for each schema.
//!
//! # Time order and state ([`OpraDay`])
//! Quote and trade files are merged by `ts_recv` (UTC ns; ties keep the file order: quotes before
//! trades) and read streaming, one 64 KiB piece per file. Only options of the selected roots
//! ([`Roots`], default SPX and SPXW) are kept. Each event updates the contract's
//! [`ContractState`]: a quote replaces the last bid/ask (its `ts_recv` is the quote time; a quote
//! with one side missing keeps that side undefined), a trade whose `ts_recv` lies in the trade-date
//! window `[start, end)` adds its size to the cumulative volume (trades outside the window are
//! counted in [`OpraStats::trades_outside_window`]). [`OpraDay::advance_to`] applies every event
//! with `ts_recv ≤ at`; [`OpraDay::snapshot`] then gives the [`ChainState`] at that instant.
//!
//! # Open interest: once per day, de-duplicated
//! OPRA publishes each contract's open interest **once per exchange** (16 records with the same
//! value, around 06:30 ET, `as_of` = the previous session). The figure is the same all day, so it
//! is loaded before the quotes and every snapshot of the day carries it, even one taken before the
//! publication (the 02:15 Zurich snapshot is 20:15 ET the evening before). Per contract the figure
//! with the latest `as_of` not after the trade date is kept, one per (contract, `as_of`):
//! * the decoders already keep the first record of each (contract, `as_of`) of a file and count
//!   the others ([`OpraStats::oi_duplicates`]);
//! * a raw pass over the statistics records ([`audit_statistics`]) compares the quantities of all
//!   publishers: records equal to the first are **exact duplicates**
//!   ([`OiAudit::exact_duplicates`]); a different value is an **OI conflict**, reported as a
//!   [`Finding`] of [`Check::OiConflict`] naming the file, the first conflicting record, the
//!   contract and every publisher's value; the first publisher's value (the one the decoder kept)
//!   is used;
//! * the same (contract, `as_of`) in two files with different values is a conflict too.
//!
//! # One day through the engines
//! [`build_day`] opens a day, samples the chain for [`crate::iv`] and [`crate::oi`] and returns
//! their values with the loading counts and findings ([`OpraDayOutput`]).
//!
//! # Memory
//! One event per input file, one [`ContractState`] (about 64 bytes) per contract of the selected
//! roots, and the open-interest audit's table (one small entry per contract of the statistics
//! file).

mod audit;
mod book;
mod day;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use gammaflow_model::event::Event;
use gammaflow_model::{OptionContract, OptionRoot, UnixNanos};
use gammaflow_sources::SourcesError;
use gammaflow_sources::databento::{self, FileEvents, Merge};
use jiff::civil::Date;

pub use audit::{OiAudit, OiConflictRecord, audit_statistics};
pub use book::{ChainBook, ChainState, ContractSnapshot, ContractState};
pub use day::{OpraDayOutput, build_day, spxw_expiries};

use crate::MasterError;
use crate::validate::{Check, Finding, RecordRef};

/// Which option roots are kept.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Roots {
    /// `SPX` and `SPXW` (the default).
    #[default]
    Spx,
    /// These roots only.
    Only(Vec<OptionRoot>),
    /// Every option (for tests on other underlyings).
    Any,
}

impl Roots {
    /// Whether `root` is kept.
    pub fn keeps(&self, root: &OptionRoot) -> bool {
        match self {
            Self::Spx => matches!(root.as_str(), "SPX" | "SPXW"),
            Self::Only(roots) => roots.contains(root),
            Self::Any => true,
        }
    }
}

/// The OPRA files of one trade date, by role (see the [module documentation](self)).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpraFiles {
    /// Quote files (`cmbp-1`, `cbbo-1s/1m`, `tbbo`, `mbp-1`).
    pub quotes: Vec<PathBuf>,
    /// Trade files (`trades`).
    pub trades: Vec<PathBuf>,
    /// Statistics files (open interest).
    pub statistics: Vec<PathBuf>,
    /// Definition files.
    pub definitions: Vec<PathBuf>,
}

/// Quote schema directories looked for by [`OpraFiles::find`], in preference order.
const QUOTE_DIRS: [&str; 6] = ["cbbo", "cmbp-1", "cbbo-1s", "cbbo-1m", "tbbo", "mbp-1"];
/// File extensions, in preference order.
const EXTENSIONS: [&str; 4] = ["dbn.zst", "dbn", "csv.zst", "csv"];

impl OpraFiles {
    /// The files of trade date `date` under `dir` in gammaflow's layout:
    /// `dir/OPRA.PILLAR/<schema>/YYYY-MM-DD.<ext>` (or `dir/<schema>/…` when `dir` is the
    /// dataset directory itself). For each schema the first existing extension of `.dbn.zst`,
    /// `.dbn`, `.csv.zst`, `.csv` is taken; for quotes, the first schema of `cbbo` (cmbp-1),
    /// `cmbp-1`, `cbbo-1s`, `cbbo-1m`, `tbbo`, `mbp-1` that has a file.
    pub fn find(dir: &Path, date: Date) -> Self {
        let base = if dir.join("OPRA.PILLAR").is_dir() {
            dir.join("OPRA.PILLAR")
        } else {
            dir.to_path_buf()
        };
        let pick = |schema: &str| -> Option<PathBuf> {
            EXTENSIONS
                .iter()
                .map(|ext| base.join(schema).join(format!("{date}.{ext}")))
                .find(|p| p.is_file())
        };
        Self {
            quotes: QUOTE_DIRS
                .iter()
                .find_map(|s| pick(s))
                .into_iter()
                .collect(),
            trades: pick("trades").into_iter().collect(),
            statistics: pick("statistics").into_iter().collect(),
            definitions: pick("definition").into_iter().collect(),
        }
    }

    /// Whether no file at all was found.
    pub fn is_empty(&self) -> bool {
        self.quotes.is_empty()
            && self.trades.is_empty()
            && self.statistics.is_empty()
            && self.definitions.is_empty()
    }
}

/// Counts of one trade date's loading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpraStats {
    /// Quote events applied (selected roots).
    pub quotes: u64,
    /// Trade events applied to the volume (selected roots, inside the window).
    pub trades: u64,
    /// Trades of the selected roots outside the trade-date window (not in the volume).
    pub trades_outside_window: u64,
    /// Option events of other roots, skipped.
    pub other_roots: u64,
    /// Events that are not options, or kinds the loader does not use (bars, Greeks), skipped.
    pub other_events: u64,
    /// Events whose `ts_recv` is older than the previous event's (an input not sorted by
    /// `ts_recv`); they are applied anyway.
    pub out_of_order: u64,
    /// Definitions of the selected roots read.
    pub definitions: u64,
    /// Open-interest figures kept (one per contract).
    pub oi_contracts: u64,
    /// Open-interest records dropped by the decoders as repeats of one (contract, `as_of`).
    pub oi_duplicates: u64,
    /// Open-interest records whose `as_of` is after the trade date (ignored).
    pub oi_future: u64,
    /// Records the decoders skipped as undefined, unmapped or unsupported (all files).
    pub skipped_records: u64,
}

/// One input of the merge: a file with the event kinds it contributes.
struct Input {
    events: FileEvents,
    trades: bool,
    quotes: bool,
}

impl Iterator for Input {
    type Item = Result<Event, SourcesError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.events.next()? {
                Ok(Event::Trade(_)) if !self.trades => {}
                Ok(Event::Quote(_)) if !self.quotes => {}
                other => return Some(other),
            }
        }
    }
}

/// One trade date of OPRA data: the merged quote and trade stream and the chain state; see the
/// [module documentation](self).
///
/// Iterate it for the events in time order (each already applied to the state), or call
/// [`OpraDay::advance_to`] / [`OpraDay::snapshot`] for the state at given instants.
pub struct OpraDay {
    trade_date: Date,
    window: (UnixNanos, UnixNanos),
    roots: Roots,
    merge: Merge<Input>,
    paths: Vec<String>,
    pending: Option<Event>,
    book: ChainBook,
    stats: OpraStats,
    last_recv: u64,
    audits: Vec<(String, OiAudit)>,
    findings: Vec<Finding>,
    done: bool,
}

impl std::fmt::Debug for OpraDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpraDay")
            .field("trade_date", &self.trade_date)
            .field("window", &self.window)
            .field("paths", &self.paths)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl OpraDay {
    /// Opens trade date `trade_date` (America/New_York) whose window is `[window.0, window.1)`
    /// (UTC ns, e.g. [`crate::config::MasterConfig::trade_date_bounds`]): reads the definitions
    /// and the statistics (open interest, with the audit) in full, then opens the quote and trade
    /// files for streaming. Errors name the file and record.
    pub fn open(
        files: &OpraFiles,
        trade_date: Date,
        window: (UnixNanos, UnixNanos),
        roots: Roots,
    ) -> Result<Self, MasterError> {
        let mut day = Self {
            trade_date,
            window,
            roots,
            merge: Merge::new(Vec::new()),
            paths: Vec::new(),
            pending: None,
            book: ChainBook::default(),
            stats: OpraStats::default(),
            last_recv: 0,
            audits: Vec::new(),
            findings: Vec::new(),
            done: false,
        };
        for path in &files.definitions {
            day.read_definitions(path)?;
        }
        let mut seen: HashMap<(OptionContract, Date), (u32, String)> = HashMap::new();
        for path in &files.statistics {
            day.read_statistics(path, &mut seen)?;
        }
        let has_trades = !files.trades.is_empty();
        let mut inputs = Vec::new();
        for path in &files.quotes {
            inputs.push(Input {
                events: databento::open(path)?,
                trades: !has_trades,
                quotes: true,
            });
        }
        for path in &files.trades {
            inputs.push(Input {
                events: databento::open(path)?,
                trades: true,
                quotes: false,
            });
        }
        day.paths = inputs.iter().map(|i| i.events.path().to_owned()).collect();
        day.merge = Merge::new(inputs);
        Ok(day)
    }

    /// Reads a definition file, counting the definitions of the selected roots.
    fn read_definitions(&mut self, path: &Path) -> Result<(), MasterError> {
        for event in databento::open(path)? {
            if let Event::Definition(d) = event?
                && let gammaflow_model::event::Instrument::Option(c) = d.instrument
                && self.roots.keeps(&c.root)
            {
                self.stats.definitions += 1;
            }
        }
        Ok(())
    }

    /// Reads a statistics file's open interest into the book and audits its raw records.
    fn read_statistics(
        &mut self,
        path: &Path,
        seen: &mut HashMap<(OptionContract, Date), (u32, String)>,
    ) -> Result<(), MasterError> {
        let name = path.display().to_string();
        let mut file = databento::open(path)?;
        for event in file.by_ref() {
            let Event::OpenInterest(oi) = event? else {
                continue;
            };
            let gammaflow_model::event::Instrument::Option(c) = oi.instrument else {
                continue;
            };
            if !self.roots.keeps(&c.root) {
                continue;
            }
            if oi.as_of > self.trade_date {
                self.stats.oi_future += 1;
                continue;
            }
            let value = oi.contracts.get();
            match seen.get(&(c, oi.as_of)) {
                Some((v, _)) if *v == value => {
                    self.stats.oi_duplicates += 1;
                    continue;
                }
                Some((v, other)) => {
                    let detail = format!(
                        "{c} as of {}: {v} contracts in {other}, {value} in this file; the first is kept",
                        oi.as_of
                    );
                    self.findings.push(Finding {
                        trade_date: self.trade_date,
                        check: Check::OiConflict,
                        source_file: name.clone(),
                        record: RecordRef::Ts(oi.ts_recv),
                        detail,
                    });
                    continue;
                }
                None => {
                    seen.insert((c, oi.as_of), (value, name.clone()));
                }
            }
            if self.book.set_oi(c, value, oi.as_of) {
                self.stats.oi_contracts += 1;
            }
        }
        let s = file.stats();
        self.stats.oi_duplicates += s.duplicate_open_interest;
        self.stats.skipped_records += s.undefined + s.unmapped + s.unsupported_instrument;
        let audit = audit_statistics(path, &self.roots)?;
        for c in &audit.conflicts {
            self.findings.push(Finding {
                trade_date: self.trade_date,
                check: Check::OiConflict,
                source_file: name.clone(),
                record: RecordRef::Index(c.record),
                detail: c.detail(),
            });
        }
        self.audits.push((name, audit));
        Ok(())
    }

    /// The trade date.
    pub fn trade_date(&self) -> Date {
        self.trade_date
    }

    /// The trade-date window `[start, end)`, UTC ns.
    pub fn window(&self) -> (UnixNanos, UnixNanos) {
        self.window
    }

    /// The streamed files (quotes, then trades), as shown in errors.
    pub fn paths(&self) -> &[String] {
        &self.paths
    }

    /// Counts so far.
    pub fn stats(&self) -> OpraStats {
        self.stats
    }

    /// The raw open-interest audits, per statistics file.
    pub fn oi_audits(&self) -> &[(String, OiAudit)] {
        &self.audits
    }

    /// The findings so far ([`Check::OiConflict`]).
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Takes the findings gathered so far.
    pub fn take_findings(&mut self) -> Vec<Finding> {
        std::mem::take(&mut self.findings)
    }

    /// The per-contract state.
    pub fn book(&self) -> &ChainBook {
        &self.book
    }

    /// The `ts_recv` of the last event applied (UTC ns; 0 before the first).
    pub fn last_ts(&self) -> UnixNanos {
        UnixNanos(self.last_recv)
    }

    /// The next event of the merge, read ahead into `pending`.
    fn peek(&mut self) -> Result<Option<&Event>, MasterError> {
        if self.pending.is_none() && !self.done {
            match self.merge.next() {
                Some(Ok(e)) => self.pending = Some(e),
                Some(Err(e)) => {
                    self.done = true;
                    return Err(e.into());
                }
                None => self.done = true,
            }
        }
        Ok(self.pending.as_ref())
    }

    /// Applies one event to the state; `true` if it was kept (an option of the selected roots).
    fn apply(&mut self, event: &Event) -> bool {
        let recv = event.ts_recv().0;
        if recv < self.last_recv {
            self.stats.out_of_order += 1;
        } else {
            self.last_recv = recv;
        }
        match event {
            Event::Quote(q) => {
                let gammaflow_model::event::Instrument::Option(c) = q.instrument else {
                    self.stats.other_events += 1;
                    return false;
                };
                if !self.roots.keeps(&c.root) {
                    self.stats.other_roots += 1;
                    return false;
                }
                self.book.quote(c, q);
                self.stats.quotes += 1;
                true
            }
            Event::Trade(t) => {
                let gammaflow_model::event::Instrument::Option(c) = t.instrument else {
                    self.stats.other_events += 1;
                    return false;
                };
                if !self.roots.keeps(&c.root) {
                    self.stats.other_roots += 1;
                    return false;
                }
                if t.ts_recv < self.window.0 || t.ts_recv >= self.window.1 {
                    self.stats.trades_outside_window += 1;
                    return true;
                }
                self.book.trade(c, t.size.get());
                self.stats.trades += 1;
                true
            }
            _ => {
                self.stats.other_events += 1;
                false
            }
        }
    }

    /// Applies every remaining event with `ts_recv ≤ at` (UTC ns).
    pub fn advance_to(&mut self, at: UnixNanos) -> Result<(), MasterError> {
        while let Some(e) = self.peek()? {
            if e.ts_recv() > at {
                break;
            }
            if let Some(e) = self.pending.take() {
                self.apply(&e);
            }
        }
        Ok(())
    }

    /// The chain state now (after [`Self::advance_to`]`(at)`), stamped `at`, of the contracts
    /// expiring on `expiry` (every contract when `None`).
    pub fn snapshot(&self, at: UnixNanos, expiry: Option<Date>) -> ChainState {
        self.book.snapshot(at, expiry)
    }

    /// [`Self::advance_to`] then [`Self::snapshot`].
    pub fn snapshot_at(
        &mut self,
        at: UnixNanos,
        expiry: Option<Date>,
    ) -> Result<ChainState, MasterError> {
        self.advance_to(at)?;
        Ok(self.snapshot(at, expiry))
    }

    /// Reads the rest of the stream into the state (for end-of-day totals).
    pub fn drain(&mut self) -> Result<(), MasterError> {
        self.advance_to(UnixNanos(u64::MAX))
    }
}

impl Iterator for OpraDay {
    type Item = Result<Event, MasterError>;

    /// The next option event of the selected roots, in `ts_recv` order, after applying it to the
    /// state.
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.peek() {
                Err(e) => return Some(Err(e)),
                Ok(None) => return None,
                Ok(Some(_)) => {}
            }
            let e = self.pending.take()?;
            if self.apply(&e) {
                return Some(Ok(e));
            }
        }
    }
}

#[cfg(test)]
mod tests;
