//! The IB daily file: what the live IB collector writes for ES, one file per trade date, and what
//! the builder reads back.
//!
//! # Name
//! `<ROOT>_<YYYY-MM-DD>.csv` (plain, appended line by line during the day) or `.csv.zst` (the same
//! bytes zstd-compressed once the day is over), e.g. `ES_2025-06-10.csv.zst`. The date is the
//! dashboard trade date (America/New_York) of the records ([`file_name`]).
//!
//! # Content (format version 1)
//! UTF-8 text, `\n` line ends, no quoting (no field holds a comma). The first line is the header,
//! exactly [`HEADER`]:
//!
//! ```text
//! ts_event_ns,ts_recv_ns,kind,contract,price,size,open,high,low,close,volume,total_volume,vwap,single_trade
//! ```
//!
//! Lines starting with `#` and empty lines are ignored. Every record has 14 fields; fields a kind
//! does not use are empty. Times are integer ns since the Unix epoch (UTC); prices are decimal
//! text in index points, parsed exactly (`5527.25`); sizes and volumes are contracts; `contract` is
//! the future (`ESU24`, or IB's `localSymbol` `ESU4`, or `ESU2024`).
//!
//! | kind | meaning | fields used |
//! |---|---|---|
//! | `trade` | one trade print (IB tick-by-tick `AllLast`/`Last`) | `price`, `size` |
//! | `bar_1m` | a one-minute bar; `ts_event_ns` = minute start | `open`…`close`, `volume`, optional `vwap` (IB's bar WAP) |
//! | `rtvolume` | IB RTVolume, generic tick 233 (tickString 48): `price;size;time;total volume;VWAP;single trade` | `price`, `size` (both empty on volume-only updates), `total_volume`, `vwap` (IB's day VWAP), `single_trade` (`true`/`false`/empty); `ts_event_ns` = IB's trade time (ms × 10⁶) |
//!
//! `ts_recv_ns` is the collector's clock when the tick arrived. A last line without its `\n` that
//! does not parse (a torn write at a crash) is skipped and counted ([`IbReader::torn_tail`]);
//! anything else malformed is an error naming the file and line.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;

use gammaflow_model::event::FutureSymbol;
use gammaflow_model::futures::FuturesContract;
use gammaflow_model::{Price, UnixNanos};
use jiff::civil::Date;

use crate::MasterError;

/// The header line of format version 1.
pub const HEADER: &str = "ts_event_ns,ts_recv_ns,kind,contract,price,size,open,high,low,close,volume,total_volume,vwap,single_trade";
/// Fields per record.
const FIELDS: usize = 14;

/// The file name for `root` and trade date `date`: `ES_2025-06-10.csv`, plus `.zst` if
/// `compressed`.
pub fn file_name(root: &str, date: Date, compressed: bool) -> String {
    let zst = if compressed { ".zst" } else { "" };
    format!("{root}_{date}.csv{zst}")
}

/// The (root, trade date) of an IB daily file name, `None` if the name does not follow the pattern.
pub fn parse_file_name(name: &str) -> Option<(String, Date)> {
    let stem = name
        .strip_suffix(".csv.zst")
        .or_else(|| name.strip_suffix(".csv"))?;
    let (root, date) = stem.rsplit_once('_')?;
    let valid_root = !root.is_empty()
        && root
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !valid_root || date.len() != 10 {
        return None;
    }
    Some((root.to_owned(), date.parse().ok()?))
}

/// A trade print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IbTrade {
    /// Exchange time of the trade (UTC ns).
    pub ts_event: UnixNanos,
    /// Collector receive time (UTC ns).
    pub ts_recv: UnixNanos,
    /// The future.
    pub contract: FutureSymbol,
    /// Trade price, index points.
    pub price: Price,
    /// Contracts.
    pub size: u64,
}

/// A one-minute bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IbBar {
    /// Start of the minute (UTC ns).
    pub ts_event: UnixNanos,
    /// Collector receive time (UTC ns).
    pub ts_recv: UnixNanos,
    /// The future.
    pub contract: FutureSymbol,
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
    /// IB's volume-weighted average price of the bar ("WAP"), if given.
    pub vwap: Option<Price>,
}

/// An RTVolume (generic tick 233) update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtVolume {
    /// IB's trade time (UTC ns; IB sends ms).
    pub ts_event: UnixNanos,
    /// Collector receive time (UTC ns).
    pub ts_recv: UnixNanos,
    /// The future.
    pub contract: FutureSymbol,
    /// Last trade price (index points); `None` on volume-only updates.
    pub price: Option<Price>,
    /// Last trade size (contracts); `None` on volume-only updates.
    pub size: Option<u64>,
    /// Total volume of IB's day, contracts.
    pub total_volume: u64,
    /// IB's day VWAP, index points (the dashboard's VWAP source `rtvolume`).
    pub vwap: Option<Price>,
    /// Whether a single market maker filled the trade (`None` if not sent).
    pub single_trade: Option<bool>,
}

impl RtVolume {
    /// Parses IB's raw tickString value `price;size;time_ms;totalVolume;VWAP;singleTradeFlag` (e.g.
    /// `701.28;1;1348075471534;67854;701.46918464;true`), received at `ts_recv` for `contract`.
    /// Price and size may be empty; the error says which field is wrong.
    pub fn parse_tick(
        value: &str,
        ts_recv: UnixNanos,
        contract: FutureSymbol,
    ) -> Result<Self, String> {
        let f: Vec<&str> = value.split(';').collect();
        if f.len() != 6 {
            return Err(format!(
                "RTVolume needs 6 fields separated by ';', found {}",
                f.len()
            ));
        }
        let ms: u64 = f[2]
            .trim()
            .parse()
            .map_err(|_| format!("time {:?} is not integer ms", f[2]))?;
        let ts_event = ms
            .checked_mul(1_000_000)
            .map(UnixNanos)
            .ok_or_else(|| format!("time {ms} ms is out of range"))?;
        Ok(Self {
            ts_event,
            ts_recv,
            contract,
            price: opt_price("price", f[0])?,
            size: opt_u64("size", f[1])?,
            total_volume: opt_u64("total volume", f[3])?.unwrap_or(0),
            vwap: opt_price("VWAP", f[4])?,
            single_trade: opt_bool("single trade flag", f[5])?,
        })
    }
}

/// One record of an IB daily file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IbRecord {
    /// `trade`.
    Trade(IbTrade),
    /// `bar_1m`.
    Bar(IbBar),
    /// `rtvolume`.
    RtVolume(RtVolume),
}

impl IbRecord {
    /// The record's event time (UTC ns).
    pub fn ts_event(&self) -> UnixNanos {
        match self {
            Self::Trade(r) => r.ts_event,
            Self::Bar(r) => r.ts_event,
            Self::RtVolume(r) => r.ts_event,
        }
    }

    /// The future.
    pub fn contract(&self) -> FutureSymbol {
        match self {
            Self::Trade(r) => r.contract,
            Self::Bar(r) => r.contract,
            Self::RtVolume(r) => r.contract,
        }
    }

    /// The line of this record (without `\n`).
    pub fn to_line(&self) -> String {
        let p = |x: Option<Price>| x.map(|v| v.to_string()).unwrap_or_default();
        let n = |x: Option<u64>| x.map(|v| v.to_string()).unwrap_or_default();
        match self {
            Self::Trade(r) => format!(
                "{},{},trade,{},{},{},,,,,,,,",
                r.ts_event.0, r.ts_recv.0, r.contract, r.price, r.size
            ),
            Self::Bar(r) => format!(
                "{},{},bar_1m,{},,,{},{},{},{},{},,{},",
                r.ts_event.0,
                r.ts_recv.0,
                r.contract,
                r.open,
                r.high,
                r.low,
                r.close,
                r.volume,
                p(r.vwap)
            ),
            Self::RtVolume(r) => format!(
                "{},{},rtvolume,{},{},{},,,,,,{},{},{}",
                r.ts_event.0,
                r.ts_recv.0,
                r.contract,
                p(r.price),
                n(r.size),
                r.total_volume,
                p(r.vwap),
                r.single_trade.map(|b| b.to_string()).unwrap_or_default()
            ),
        }
    }

    /// Parses one record line (not the header); the error names the field.
    pub fn parse_line(line: &str) -> Result<Self, String> {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != FIELDS {
            return Err(format!("expected {FIELDS} fields, found {}", f.len()));
        }
        let ts_event = UnixNanos(req_u64("ts_event_ns", f[0])?);
        let ts_recv = UnixNanos(req_u64("ts_recv_ns", f[1])?);
        let contract = parse_contract(f[3], ts_event)?;
        let price = |name: &str, text: &str| {
            opt_price(name, text)?.ok_or_else(|| format!("{name} is empty"))
        };
        match f[2] {
            "trade" => Ok(Self::Trade(IbTrade {
                ts_event,
                ts_recv,
                contract,
                price: price("price", f[4])?,
                size: req_u64("size", f[5])?,
            })),
            "bar_1m" => Ok(Self::Bar(IbBar {
                ts_event,
                ts_recv,
                contract,
                open: price("open", f[6])?,
                high: price("high", f[7])?,
                low: price("low", f[8])?,
                close: price("close", f[9])?,
                volume: req_u64("volume", f[10])?,
                vwap: opt_price("vwap", f[12])?,
            })),
            "rtvolume" => Ok(Self::RtVolume(RtVolume {
                ts_event,
                ts_recv,
                contract,
                price: opt_price("price", f[4])?,
                size: opt_u64("size", f[5])?,
                total_volume: req_u64("total_volume", f[11])?,
                vwap: opt_price("vwap", f[12])?,
                single_trade: opt_bool("single_trade", f[13])?,
            })),
            other => Err(format!(
                "unknown kind {other:?} (expected trade, bar_1m or rtvolume)"
            )),
        }
    }
}

fn req_u64(name: &str, text: &str) -> Result<u64, String> {
    opt_u64(name, text)?.ok_or_else(|| format!("{name} is empty"))
}

fn opt_u64(name: &str, text: &str) -> Result<Option<u64>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| format!("{name} {text:?} is not a non-negative integer"))
}

fn opt_price(name: &str, text: &str) -> Result<Option<Price>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let p: Price = text
        .parse()
        .map_err(|e| format!("{name} {text:?} is not a price ({e})"))?;
    Ok(Some(p))
}

fn opt_bool(name: &str, text: &str) -> Result<Option<bool>, String> {
    match text {
        "" => Ok(None),
        "true" | "1" => Ok(Some(true)),
        "false" | "0" => Ok(Some(false)),
        _ => Err(format!("{name} {text:?} is not true/false")),
    }
}

/// Parses `ESU24`, `ESU2024` or IB's `ESU4` (the 1-digit year taken nearest the record's year).
fn parse_contract(text: &str, ts: UnixNanos) -> Result<FutureSymbol, String> {
    let bad = |e: String| format!("contract {text:?}: {e}");
    let digits = text.bytes().rev().take_while(u8::is_ascii_digit).count();
    let c: FuturesContract = if digits == 1 {
        let year = gammaflow_model::session::to_new_york(ts)
            .map_err(|e| bad(e.to_string()))?
            .year();
        FuturesContract::parse_with_reference(text, year)
    } else {
        text.parse()
    }
    .map_err(|e| bad(e.to_string()))?;
    FutureSymbol::new(c.root.as_str(), c.year as u16, c.month).map_err(|e| bad(e.to_string()))
}

/// Reads an IB daily file record by record (plain or zstd, by the `.zst` suffix): an iterator of
/// `(line number, record)` that stops after the first error.
pub struct IbReader {
    path: String,
    reader: Box<dyn BufRead + Send>,
    line: u64,
    buf: String,
    done: bool,
    torn_tail: u64,
}

impl std::fmt::Debug for IbReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IbReader")
            .field("path", &self.path)
            .field("line", &self.line)
            .finish_non_exhaustive()
    }
}

impl IbReader {
    /// Opens `path` and checks the header.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, MasterError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let io = |e: std::io::Error| MasterError::Io {
            path: name.clone(),
            reason: e.to_string(),
        };
        let file = File::open(path).map_err(io)?;
        let reader: Box<dyn BufRead + Send> = if name.ends_with(".zst") {
            let dec = zstd::stream::read::Decoder::new(file).map_err(io)?;
            Box::new(BufReader::new(dec))
        } else {
            Box::new(BufReader::new(file))
        };
        Self::from_reader(name, reader)
    }

    /// Reads from any reader (`name` is used in errors); checks the header.
    pub fn from_reader(
        name: impl Into<String>,
        reader: impl Read + Send + 'static,
    ) -> Result<Self, MasterError> {
        let mut me = Self {
            path: name.into(),
            reader: Box::new(BufReader::new(reader)),
            line: 0,
            buf: String::new(),
            done: false,
            torn_tail: 0,
        };
        match me.next_line()? {
            Some((text, _)) if text.trim_end_matches('\r') == HEADER => Ok(me),
            Some((text, _)) => Err(me.error(format!(
                "header is not the IB daily format v1: found {:?}",
                text.chars().take(200).collect::<String>()
            ))),
            None => Err(me.error("empty file (no header)".to_owned())),
        }
    }

    /// The path, as shown in errors.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Torn last lines skipped (0 or 1).
    pub fn torn_tail(&self) -> u64 {
        self.torn_tail
    }

    fn error(&self, reason: String) -> MasterError {
        MasterError::Record {
            file: self.path.clone(),
            record: format!("line {}", self.line),
            reason,
        }
    }

    /// The next line and whether it ended with `\n`.
    fn next_line(&mut self) -> Result<Option<(String, bool)>, MasterError> {
        self.buf.clear();
        let n = self.reader.read_line(&mut self.buf).map_err(|e| {
            let line = self.line + 1;
            MasterError::Record {
                file: self.path.clone(),
                record: format!("line {line}"),
                reason: format!("read failed: {e}"),
            }
        })?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        let complete = self.buf.ends_with('\n');
        Ok(Some((self.buf.trim_end_matches('\n').to_owned(), complete)))
    }
}

impl Iterator for IbReader {
    type Item = Result<(u64, IbRecord), MasterError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let (text, complete) = match self.next_line() {
                Ok(Some(x)) => x,
                Ok(None) => break,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            let text = text.trim_end_matches('\r');
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            match IbRecord::parse_line(text) {
                Ok(r) => return Some(Ok((self.line, r))),
                Err(_) if !complete => {
                    self.torn_tail += 1;
                    break;
                }
                Err(reason) => {
                    self.done = true;
                    return Some(Err(self.error(reason)));
                }
            }
        }
        self.done = true;
        None
    }
}

/// The sink behind an [`IbWriter`].
enum Sink {
    Plain(BufWriter<File>),
    Zstd(zstd::stream::write::Encoder<'static, BufWriter<File>>),
}

/// Writes an IB daily file (the live collector's side): plain text, or zstd when the path ends
/// in `.zst`. Call [`IbWriter::finish`] at the end (it completes the zstd frame).
pub struct IbWriter {
    path: String,
    sink: Sink,
}

impl std::fmt::Debug for IbWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IbWriter")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl IbWriter {
    /// Creates (truncates) `path` and writes the header.
    pub fn create(path: impl AsRef<Path>) -> Result<Self, MasterError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let file = File::create(path).map_err(|e| io_error(&name, &e))?;
        let out = BufWriter::new(file);
        let sink = if name.ends_with(".zst") {
            Sink::Zstd(zstd::stream::write::Encoder::new(out, 3).map_err(|e| io_error(&name, &e))?)
        } else {
            Sink::Plain(out)
        };
        let mut me = Self { path: name, sink };
        me.write_line(HEADER)?;
        Ok(me)
    }

    /// Opens a plain (not `.zst`) file to append to, writing the header if the file is empty; an
    /// existing file must start with [`HEADER`]. This is how the collector resumes after a restart.
    pub fn append(path: impl AsRef<Path>) -> Result<Self, MasterError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        if name.ends_with(".zst") {
            return Err(MasterError::Io {
                path: name,
                reason: "cannot append to a compressed file".to_owned(),
            });
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
            .map_err(|e| io_error(&name, &e))?;
        let len = file.metadata().map_err(|e| io_error(&name, &e))?.len();
        if len > 0 {
            let mut first = String::new();
            BufReader::new(&file)
                .read_line(&mut first)
                .map_err(|e| io_error(&name, &e))?;
            if first.trim_end() != HEADER {
                return Err(MasterError::Record {
                    file: name,
                    record: "line 1".to_owned(),
                    reason: "header is not the IB daily format v1".to_owned(),
                });
            }
        }
        let mut me = Self {
            path: name,
            sink: Sink::Plain(BufWriter::new(file)),
        };
        if len == 0 {
            me.write_line(HEADER)?;
        }
        Ok(me)
    }

    /// Appends one record.
    pub fn write(&mut self, record: &IbRecord) -> Result<(), MasterError> {
        self.write_line(&record.to_line())
    }

    fn write_line(&mut self, line: &str) -> Result<(), MasterError> {
        let result = match &mut self.sink {
            Sink::Plain(w) => w
                .write_all(line.as_bytes())
                .and_then(|()| w.write_all(b"\n")),
            Sink::Zstd(w) => w
                .write_all(line.as_bytes())
                .and_then(|()| w.write_all(b"\n")),
        };
        result.map_err(|e| io_error(&self.path, &e))
    }

    /// Pushes buffered lines to the operating system (plain files: whole lines only).
    pub fn flush(&mut self) -> Result<(), MasterError> {
        let result = match &mut self.sink {
            Sink::Plain(w) => w.flush(),
            Sink::Zstd(w) => w.flush(),
        };
        result.map_err(|e| io_error(&self.path, &e))
    }

    /// Completes the file (the zstd frame) and flushes it.
    pub fn finish(self) -> Result<(), MasterError> {
        let path = self.path;
        let result = match self.sink {
            Sink::Plain(mut w) => w.flush(),
            Sink::Zstd(w) => w.finish().and_then(|mut inner| inner.flush()),
        };
        result.map_err(|e| io_error(&path, &e))
    }
}

fn io_error(path: &str, e: &std::io::Error) -> MasterError {
    MasterError::Io {
        path: path.to_owned(),
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests;
