//! [`EsBars`]: the front-month ES one-minute bars of a list of files, streamed.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gammaflow_model::event::{Event, FutureSymbol, Instrument};
use gammaflow_model::futures::{FuturesContract, FuturesRoot, RollRule, front_month};
use gammaflow_model::{Price, UnixNanos};
use gammaflow_sources::databento::{self, FileEvents};
use jiff::civil::Date;

use super::clock::{DayClock, DayRule, MINUTE_NS};
use super::ib::{self, IbReader, IbRecord};
use super::trades::{BuiltBar, TradeBars};
use crate::MasterError;

/// Which reader a file needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputKind {
    /// Databento DBN or CSV (`ohlcv-1m`, `trades`, `mbp-1`).
    Databento,
    /// An IB daily file ([`ib`]).
    IbDaily,
}

impl InputKind {
    /// [`InputKind::IbDaily`] for names like `ES_2025-06-10.csv[.zst]`, else Databento.
    pub fn detect(path: &Path) -> Self {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if ib::parse_file_name(name).is_some() {
            Self::IbDaily
        } else {
            Self::Databento
        }
    }
}

/// Which ES contract is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractRule {
    /// The front quarterly of each bar's trade date under the roll rule.
    Front(RollRule),
    /// One contract, whatever the date.
    Fixed(FutureSymbol),
}

impl Default for ContractRule {
    fn default() -> Self {
        Self::Front(RollRule::default())
    }
}

/// One ES one-minute bar of the front month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EsBar {
    /// The trade date (America/New_York) under the loader's [`DayRule`].
    pub trade_date: Date,
    /// Start of the minute (UTC ns, a whole minute).
    pub ts: UnixNanos,
    /// Open, index points.
    pub open: Price,
    /// High, index points.
    pub high: Price,
    /// Low, index points.
    pub low: Price,
    /// Close, index points.
    pub close: Price,
    /// Contracts traded in the minute.
    pub volume: u64,
    /// The contract (e.g. `ESU24`).
    pub contract: FutureSymbol,
    /// IB's day VWAP (RTVolume) at the minute's end, index points: the last RTVolume VWAP with a
    /// trade time before the minute's end. `None` for Databento input.
    pub vendor_vwap: Option<Price>,
    /// The file the bar came from.
    pub source: Arc<str>,
    /// Where in the file: the record index (0-based) of the bar or of the minute's first trade
    /// for Databento files, the line number (1-based, header = line 1) for IB daily files.
    pub record: u64,
}

/// What one file gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStats {
    /// The file.
    pub path: String,
    /// Its reader.
    pub kind: InputKind,
    /// The trade date in the file name (`…YYYY-MM-DD…`), if any.
    pub name_date: Option<Date>,
    /// Events (Databento) or records (IB) read.
    pub records: u64,
    /// Bars emitted.
    pub bars: u64,
    /// Front-month bars or trades outside every trade date of the [`DayRule`].
    pub outside_window: u64,
    /// ES bars or trades of other months (back month in a roll week).
    pub other_contracts: u64,
    /// Bars or trades of other instruments.
    pub other_instruments: u64,
    /// Events of no use here (quotes, definitions, bars of other intervals, trades in a bar file).
    pub ignored: u64,
    /// Trades dropped because their minute was already emitted.
    pub late_trades: u64,
    /// Torn last lines skipped (IB files).
    pub torn_tail: u64,
}

/// The bars of one trade date (consecutive in the stream).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EsDay {
    /// The trade date.
    pub trade_date: Date,
    /// Its bars, in stream order.
    pub bars: Vec<EsBar>,
}

/// How bars are taken from an IB file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IbMode {
    Bars,
    Trades,
    RtVolume,
}

/// How a Databento file is read (decided by its first ES bar or trade).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DbMode {
    Unknown,
    Bars,
    Trades,
}

enum Reader {
    Databento(Box<FileEvents>, DbMode),
    Ib(Box<IbReader>, IbMode),
}

struct Current {
    reader: Reader,
    stats: FileStats,
    source: Arc<str>,
    builder: TradeBars,
    /// RTVolume VWAPs not yet needed by an emitted bar: (trade time, VWAP).
    vwaps: VecDeque<(UnixNanos, Price)>,
}

/// A candidate from one record.
enum Item {
    Bar(FutureSymbol, BuiltBar),
    Trade(FutureSymbol, UnixNanos, Price, u64, u64),
    None,
}

/// The front-month ES one-minute bars of several files, in file order; see the
/// [module documentation](super).
pub struct EsBars {
    files: VecDeque<(PathBuf, InputKind)>,
    contract_rule: ContractRule,
    clock: DayClock,
    front: Option<(Date, FuturesContract)>,
    current: Option<Current>,
    out: VecDeque<EsBar>,
    built: Vec<BuiltBar>,
    done: Vec<FileStats>,
    failed: bool,
}

impl std::fmt::Debug for EsBars {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EsBars")
            .field("files_left", &self.files.len())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl EsBars {
    /// Bars of `paths` (read in this order, kinds detected from the names) under `day_rule` and
    /// `contract_rule`. Files are opened lazily.
    pub fn new<P: AsRef<Path>>(
        paths: impl IntoIterator<Item = P>,
        day_rule: DayRule,
        contract_rule: ContractRule,
    ) -> Self {
        let files = paths
            .into_iter()
            .map(|p| (p.as_ref().to_path_buf(), InputKind::detect(p.as_ref())))
            .collect();
        Self {
            files,
            contract_rule,
            clock: DayClock::new(day_rule),
            front: None,
            current: None,
            out: VecDeque::new(),
            built: Vec::new(),
            done: Vec::new(),
            failed: false,
        }
    }

    /// Bars of `paths` with the default rules (dashboard window, front month by the default roll).
    pub fn open<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Self {
        Self::new(paths, DayRule::default(), ContractRule::default())
    }

    /// The counts of the files finished so far.
    pub fn files(&self) -> &[FileStats] {
        &self.done
    }

    /// The bars of the next trade date: consecutive bars with one trade date. `None` at the end.
    pub fn next_day(&mut self) -> Option<Result<EsDay, MasterError>> {
        let first = match self.next()? {
            Ok(b) => b,
            Err(e) => return Some(Err(e)),
        };
        let trade_date = first.trade_date;
        let mut bars = vec![first];
        loop {
            if let Some(b) = self.out.front() {
                if b.trade_date != trade_date {
                    break;
                }
                bars.extend(self.out.pop_front());
                continue;
            }
            if self.current.is_none() && self.files.is_empty() {
                break;
            }
            if let Err(e) = self.fill() {
                self.failed = true;
                return Some(Err(e));
            }
        }
        Some(Ok(EsDay { trade_date, bars }))
    }

    /// Reads until at least one bar is queued or the input ends.
    fn fill(&mut self) -> Result<(), MasterError> {
        while self.out.is_empty() {
            if self.current.is_none() {
                let Some((path, kind)) = self.files.pop_front() else {
                    return Ok(());
                };
                self.current = Some(open_file(&path, kind)?);
            }
            let Some(cur) = self.current.as_mut() else {
                continue;
            };
            let item = next_item(cur)?;
            let Some(item) = item else {
                // End of file: flush the builder and close.
                cur.builder.finish(&mut self.built);
                self.emit_built()?;
                if let Some(mut cur) = self.current.take() {
                    cur.stats.late_trades = cur.builder.late();
                    if let Reader::Ib(r, _) = &cur.reader {
                        cur.stats.torn_tail = r.torn_tail();
                    }
                    self.done.push(cur.stats);
                }
                continue;
            };
            match item {
                Item::None => {}
                Item::Bar(contract, bar) => {
                    if let Some(date) = self.accept(contract, bar.ts)? {
                        self.emit(date, contract, bar);
                    }
                }
                Item::Trade(contract, ts, price, size, record) => {
                    if self.accept(contract, ts)?.is_some() {
                        if let Some(cur) = self.current.as_mut() {
                            cur.builder.push(ts, price, size, record, &mut self.built);
                        }
                        self.emit_built()?;
                    }
                }
            }
        }
        Ok(())
    }

    /// The trade date of a front-month ES record at `ts`, counting the rejects.
    fn accept(
        &mut self,
        contract: FutureSymbol,
        ts: UnixNanos,
    ) -> Result<Option<Date>, MasterError> {
        let path = self
            .current
            .as_ref()
            .map(|c| c.stats.path.clone())
            .unwrap_or_default();
        let model = |e| MasterError::Model {
            context: format!("{path}: record at {ts}"),
            source: e,
        };
        if contract.root().as_str() != "ES" {
            self.count(|s| s.other_instruments += 1);
            return Ok(None);
        }
        let Some(date) = self.clock.trade_date(ts).map_err(model)? else {
            self.count(|s| s.outside_window += 1);
            return Ok(None);
        };
        let wanted = self.wanted(date).map_err(model)?;
        if contract != wanted {
            self.count(|s| s.other_contracts += 1);
            return Ok(None);
        }
        Ok(Some(date))
    }

    fn count(&mut self, f: impl FnOnce(&mut FileStats)) {
        if let Some(cur) = self.current.as_mut() {
            f(&mut cur.stats);
        }
    }

    /// Emits the bars the builder completed (all of the front month of their date).
    fn emit_built(&mut self) -> Result<(), MasterError> {
        let built = std::mem::take(&mut self.built);
        for bar in &built {
            let path = self
                .current
                .as_ref()
                .map(|c| c.stats.path.clone())
                .unwrap_or_default();
            let date = self
                .clock
                .trade_date(bar.ts)
                .map_err(|e| MasterError::Model {
                    context: format!("{path}: bar at {}", bar.ts),
                    source: e,
                })?;
            if let Some(date) = date {
                let contract = self.wanted(date).map_err(|e| MasterError::Model {
                    context: format!("{path}: bar at {}", bar.ts),
                    source: e,
                })?;
                self.emit(date, contract, *bar);
            }
        }
        self.built = built;
        self.built.clear();
        Ok(())
    }

    /// The contract kept on trade date `date`.
    fn wanted(&mut self, date: Date) -> Result<FutureSymbol, gammaflow_model::ModelError> {
        match self.contract_rule {
            ContractRule::Fixed(c) => Ok(c),
            ContractRule::Front(rule) => {
                let front = match self.front {
                    Some((d, c)) if d == date => c,
                    _ => {
                        let c = front_month(FuturesRoot::ES, date, rule)?;
                        self.front = Some((date, c));
                        c
                    }
                };
                FutureSymbol::new("ES", front.year as u16, front.month)
            }
        }
    }

    fn emit(&mut self, trade_date: Date, contract: FutureSymbol, bar: BuiltBar) {
        let Some(cur) = self.current.as_mut() else {
            return;
        };
        let end = UnixNanos(bar.ts.0.saturating_add(MINUTE_NS));
        let vendor_vwap = take_vwap(&mut cur.vwaps, end);
        cur.stats.bars += 1;
        self.out.push_back(EsBar {
            trade_date,
            ts: bar.ts,
            open: bar.open,
            high: bar.high,
            low: bar.low,
            close: bar.close,
            volume: bar.volume,
            contract,
            vendor_vwap,
            source: cur.source.clone(),
            record: bar.record,
        });
    }
}

impl Iterator for EsBars {
    type Item = Result<EsBar, MasterError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(b) = self.out.pop_front() {
            return Some(Ok(b));
        }
        if self.failed {
            return None;
        }
        if let Err(e) = self.fill() {
            self.failed = true;
            return Some(Err(e));
        }
        self.out.pop_front().map(Ok)
    }
}

/// The last VWAP with a trade time before `end`; older entries are dropped.
fn take_vwap(vwaps: &mut VecDeque<(UnixNanos, Price)>, end: UnixNanos) -> Option<Price> {
    while vwaps.len() > 1 && vwaps.get(1).is_some_and(|(t, _)| *t < end) {
        vwaps.pop_front();
    }
    vwaps.front().filter(|(t, _)| *t < end).map(|(_, v)| *v)
}

/// The first `YYYY-MM-DD` or `YYYYMMDD` date in a file name (digits not part of a longer run).
pub fn name_date(path: &Path) -> Option<Date> {
    let name = path.file_name()?.to_str()?;
    let b = name.as_bytes();
    for len in [10usize, 8] {
        for start in 0..b.len().saturating_sub(len - 1) {
            let Some(text) = name.get(start..start + len) else {
                continue;
            };
            let digits_ok = text.bytes().enumerate().all(|(i, c)| {
                if len == 10 && (i == 4 || i == 7) {
                    c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            });
            let before_ok = start == 0 || !b[start - 1].is_ascii_digit();
            let after_ok = b.get(start + len).is_none_or(|c| !c.is_ascii_digit());
            if digits_ok && before_ok && after_ok {
                let iso = if len == 8 {
                    format!("{}-{}-{}", &text[..4], &text[4..6], &text[6..])
                } else {
                    text.to_owned()
                };
                if let Ok(d) = iso.parse() {
                    return Some(d);
                }
            }
        }
    }
    None
}

fn open_file(path: &Path, kind: InputKind) -> Result<Current, MasterError> {
    let name = path.display().to_string();
    let reader = match kind {
        InputKind::Databento => {
            Reader::Databento(Box::new(databento::open(path)?), DbMode::Unknown)
        }
        InputKind::IbDaily => {
            // One streaming pass to see which kinds the file has.
            let mut has = (false, false, false);
            for r in IbReader::open(path)? {
                match r?.1 {
                    IbRecord::Bar(_) => has.0 = true,
                    IbRecord::Trade(_) => has.1 = true,
                    IbRecord::RtVolume(v) => has.2 |= v.price.is_some() && v.size.is_some(),
                }
            }
            let mode = match has {
                (true, _, _) => IbMode::Bars,
                (false, true, _) => IbMode::Trades,
                _ => IbMode::RtVolume,
            };
            Reader::Ib(Box::new(IbReader::open(path)?), mode)
        }
    };
    Ok(Current {
        reader,
        stats: FileStats {
            path: name.clone(),
            kind,
            name_date: name_date(path),
            records: 0,
            bars: 0,
            outside_window: 0,
            other_contracts: 0,
            other_instruments: 0,
            ignored: 0,
            late_trades: 0,
            torn_tail: 0,
        },
        source: Arc::from(name.as_str()),
        builder: TradeBars::new(),
        vwaps: VecDeque::new(),
    })
}

/// The next record of the current file as a candidate; `None` at the end of the file.
fn next_item(cur: &mut Current) -> Result<Option<Item>, MasterError> {
    match &mut cur.reader {
        Reader::Databento(events, mode) => {
            let Some(event) = events.next() else {
                return Ok(None);
            };
            let event = event?;
            cur.stats.records += 1;
            let record = events.stats().records.saturating_sub(1);
            let future = |i: Instrument| match i {
                Instrument::Future(f) => Some(f),
                _ => None,
            };
            let item = match event {
                Event::Bar(b) if b.interval_ns == MINUTE_NS && *mode != DbMode::Trades => {
                    match future(b.instrument) {
                        Some(f) => {
                            if f.root().as_str() == "ES" {
                                *mode = DbMode::Bars;
                            }
                            Item::Bar(
                                f,
                                BuiltBar {
                                    ts: b.ts_event,
                                    open: b.open,
                                    high: b.high,
                                    low: b.low,
                                    close: b.close,
                                    volume: u64::from(b.volume.get()),
                                    record,
                                },
                            )
                        }
                        None => {
                            cur.stats.other_instruments += 1;
                            Item::None
                        }
                    }
                }
                Event::Trade(t) if *mode != DbMode::Bars => match future(t.instrument) {
                    Some(f) => {
                        if f.root().as_str() == "ES" {
                            *mode = DbMode::Trades;
                        }
                        Item::Trade(f, t.ts_event, t.price, u64::from(t.size.get()), record)
                    }
                    None => {
                        cur.stats.other_instruments += 1;
                        Item::None
                    }
                },
                _ => {
                    cur.stats.ignored += 1;
                    Item::None
                }
            };
            Ok(Some(item))
        }
        Reader::Ib(reader, mode) => {
            let Some(r) = reader.next() else {
                return Ok(None);
            };
            let (line, record) = r?;
            cur.stats.records += 1;
            let item = match (record, *mode) {
                (IbRecord::Bar(b), IbMode::Bars) => Item::Bar(
                    b.contract,
                    BuiltBar {
                        ts: UnixNanos(b.ts_event.0 / MINUTE_NS * MINUTE_NS),
                        open: b.open,
                        high: b.high,
                        low: b.low,
                        close: b.close,
                        volume: b.volume,
                        record: line,
                    },
                ),
                (IbRecord::Trade(t), IbMode::Trades) => {
                    Item::Trade(t.contract, t.ts_event, t.price, t.size, line)
                }
                (IbRecord::RtVolume(v), mode) => {
                    if let Some(vwap) = v.vwap
                        && v.contract.root().as_str() == "ES"
                    {
                        cur.vwaps.push_back((v.ts_event, vwap));
                    }
                    match (mode, v.price, v.size) {
                        (IbMode::RtVolume, Some(p), Some(s)) => {
                            Item::Trade(v.contract, v.ts_event, p, s, line)
                        }
                        _ => Item::None,
                    }
                }
                _ => {
                    cur.stats.ignored += 1;
                    Item::None
                }
            };
            Ok(Some(item))
        }
    }
}

#[cfg(test)]
mod tests;
