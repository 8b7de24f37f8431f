//! The eight schema files of a day: which events feed each, in what order, with what metadata.

use std::collections::BTreeSet;
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};

use dbn::encode::DbnEncodable;
use dbn::{Metadata, SType, StatMsg, v2};
use gammaflow_model::event::{Definition, Event, Instrument};

use super::definition::{self, DefSpec};
use super::output::{SchemaFiles, write_schema};
use super::records::{self, MinuteBars, QuoteSides, unwritable};
use super::symbology::{DaySymbology, Feed, is_glbx_option, range_ns, routed};
use super::{DayFile, DbnVersion, FileFormat, MINUTE_NS, WriteOptions};
use crate::databento::DatabentoError;

/// The symbol Databento's metadata lists when every symbol of the dataset was requested.
const ALL_SYMBOLS: &str = "ALL_SYMBOLS";

/// Indices of the events `keep` selects, in `ts_recv` order (stable: ties keep the events'
/// order). No index vector is built when the selected events are already in order.
fn ordered<'e>(
    events: &'e [Event],
    keep: impl Fn(&Event) -> bool + Copy + 'e,
) -> Box<dyn Iterator<Item = usize> + 'e> {
    let selected = move || {
        events
            .iter()
            .enumerate()
            .filter(move |(_, e)| keep(e))
            .map(|(i, _)| i)
    };
    let in_order = selected().map(|i| events[i].ts_recv()).is_sorted();
    if in_order {
        Box::new(selected())
    } else {
        let mut indices: Vec<usize> = selected().collect();
        indices.sort_by_key(|i| events[*i].ts_recv());
        Box::new(indices.into_iter())
    }
}

/// An option written to OPRA (not an option on futures).
fn is_option(i: &Instrument) -> bool {
    matches!(i, Instrument::Option(c) if !is_glbx_option(c.root))
}

/// A futures contract.
fn is_future(i: &Instrument) -> bool {
    matches!(i, Instrument::Future(_))
}

/// A futures contract or an option on futures: the GLBX trades and top of book.
fn is_glbx(i: &Instrument) -> bool {
    match i {
        Instrument::Future(_) => true,
        Instrument::Option(c) => is_glbx_option(c.root),
        _ => false,
    }
}

/// Everything one dataset's files share.
struct Day<'a> {
    dir: &'a Path,
    sym: &'a DaySymbology,
    events: &'a [Event],
    options: &'a WriteOptions,
    /// Metadata `start` and `end`, ns (midnight UTC of the first date and after the last).
    start: u64,
    end: u64,
    mappings: Vec<dbn::SymbolMapping>,
}

impl Day<'_> {
    /// Writes one schema's files of the day (see [`write_schema`]).
    fn write<'s, R: DbnEncodable>(
        &self,
        file: DayFile,
        finals: &mut Vec<PathBuf>,
        records: impl Iterator<Item = Result<(R, &'s str), DatabentoError>>,
        created: &mut Vec<PathBuf>,
    ) -> Result<(), DatabentoError> {
        write_schema(
            &self.files(file, finals),
            &self.metadata(file),
            records,
            created,
        )
    }

    fn files(&self, file: DayFile, finals: &mut Vec<PathBuf>) -> SchemaFiles {
        let date = self.sym.date();
        let path = |format| file.path(self.dir, date, format);
        let dbn = self.options.dbn.then(|| path(FileFormat::Dbn));
        let csv = self.options.csv.then(|| path(FileFormat::Csv));
        finals.extend(dbn.iter().chain(csv.iter()).cloned());
        SchemaFiles {
            dbn,
            csv,
            level: self.options.zstd_level,
        }
    }

    fn metadata(&self, file: DayFile) -> Metadata {
        Metadata::builder()
            .version(self.options.dbn_version.number())
            .dataset(file.dataset())
            .schema(Some(file.schema()))
            .start(self.start)
            .end(NonZeroU64::new(self.end))
            .stype_in(Some(SType::RawSymbol))
            .stype_out(SType::InstrumentId)
            .symbols(vec![ALL_SYMBOLS.to_owned()])
            .mappings(self.mappings.clone())
            .build()
    }
}

/// Writes every file of the day under temporary names (recorded in `created`) and returns the
/// final paths.
pub(super) fn write_all(
    dir: &Path,
    sym: &DaySymbology,
    events: &[Event],
    options: &WriteOptions,
    created: &mut Vec<PathBuf>,
) -> Result<Vec<PathBuf>, DatabentoError> {
    let mut finals = Vec::new();
    for feed in [Feed::Opra, Feed::Glbx] {
        if !sym.has(feed) {
            continue;
        }
        let range = sym.date_range(feed)?;
        let (start, end) = range_ns(range)?;
        let day = Day {
            dir,
            sym,
            events,
            options,
            start,
            end,
            mappings: sym.mappings(feed, range)?,
        };
        match feed {
            Feed::Opra => write_opra(&day, &mut finals, created)?,
            Feed::Glbx => write_glbx(&day, &mut finals, created)?,
        }
    }
    Ok(finals)
}

fn write_opra(
    day: &Day<'_>,
    finals: &mut Vec<PathBuf>,
    created: &mut Vec<PathBuf>,
) -> Result<(), DatabentoError> {
    let (sym, events, ids) = (day.sym, day.events, day.options.exchange_ids);

    let file = DayFile::OpraTrades;
    let keep = |e: &Event| matches!(e, Event::Trade(t) if is_option(&t.instrument));
    let records = ordered(events, keep).filter_map(|i| match &events[i] {
        Event::Trade(t) => Some(records::trade(sym, ids, i, t)),
        _ => None,
    });
    day.write(file, finals, records, created)?;

    let file = DayFile::OpraCbbo;
    let keep = |e: &Event| matches!(e, Event::Quote(q) if is_option(&q.instrument));
    let mut sides = QuoteSides::default();
    let records = ordered(events, keep).filter_map(|i| match &events[i] {
        Event::Quote(q) => Some(records::option_quote(sym, ids, &mut sides, i, q)),
        _ => None,
    });
    day.write(file, finals, records, created)?;

    let file = DayFile::OpraStatistics;
    let keep = |e: &Event| matches!(e, Event::OpenInterest(o) if is_option(&o.instrument));
    let mut sequence = 0u32;
    let publishers = &day.options.oi_publishers;
    let stats = ordered(events, keep).flat_map(|i| match &events[i] {
        Event::OpenInterest(oi) => {
            match records::open_interest(sym, publishers, &mut sequence, i, oi) {
                Ok((msgs, raw)) => msgs.into_iter().map(|m| Ok((m, raw, i))).collect(),
                Err(e) => vec![Err(e)],
            }
        }
        _ => Vec::new(),
    });
    let (files, metadata) = (day.files(file, finals), day.metadata(file));
    match day.options.dbn_version {
        DbnVersion::V3 => {
            let records = stats.map(|r| r.map(|(m, raw, _)| (m, raw)));
            write_schema(&files, &metadata, records, created)?;
        }
        DbnVersion::V2 => {
            let records = stats.map(|r| {
                r.and_then(|(m, raw, i)| Ok((stat_v2(i, &events[i].instrument(), &m)?, raw)))
            });
            write_schema(&files, &metadata, records, created)?;
        }
    }

    write_definitions(day, Feed::Opra, DayFile::OpraDefinition, finals, created)
}

fn write_glbx(
    day: &Day<'_>,
    finals: &mut Vec<PathBuf>,
    created: &mut Vec<PathBuf>,
) -> Result<(), DatabentoError> {
    let (sym, events, ids) = (day.sym, day.events, day.options.exchange_ids);
    let has_bars = events.iter().any(
        |e| matches!(e, Event::Bar(b) if is_future(&b.instrument) && b.interval_ns == MINUTE_NS),
    );
    let mut built = MinuteBars::default();

    let file = DayFile::GlbxTrades;
    let keep = |e: &Event| matches!(e, Event::Trade(t) if is_glbx(&t.instrument));
    let records = ordered(events, keep).filter_map(|i| match &events[i] {
        Event::Trade(t) => {
            let r = records::trade(sym, ids, i, t);
            // Bars are built for futures only.
            if let (Ok((msg, _)), false, true) = (&r, has_bars, is_future(&t.instrument)) {
                built.add(i, msg.hd.instrument_id, t);
            }
            Some(r)
        }
        _ => None,
    });
    day.write(file, finals, records, created)?;

    let file = DayFile::GlbxMbp1;
    let keep = |e: &Event| matches!(e, Event::Quote(q) if is_glbx(&q.instrument));
    let mut sides = QuoteSides::default();
    let records = ordered(events, keep).filter_map(|i| match &events[i] {
        Event::Quote(q) => Some(records::future_quote(sym, &mut sides, i, q)),
        _ => None,
    });
    day.write(file, finals, records, created)?;

    let file = DayFile::GlbxOhlcv1m;
    let (files, metadata) = (day.files(file, finals), day.metadata(file));
    if has_bars {
        let keep = |e: &Event| matches!(e, Event::Bar(b) if is_future(&b.instrument) && b.interval_ns == MINUTE_NS);
        let mut bars: Vec<usize> = ordered(events, keep).collect();
        // Bars are ordered by their start, then instrument id, as Databento's.
        bars.sort_by_key(|i| {
            let e = &events[*i];
            (e.ts_event(), sym.instrument_id(&e.instrument()))
        });
        let records = bars.into_iter().filter_map(|i| match &events[i] {
            Event::Bar(b) => Some(records::bar(sym, i, b)),
            _ => None,
        });
        write_schema(&files, &metadata, records, created)?;
    } else {
        let records = built.into_records().map(|m| {
            let raw = sym
                .futures()
                .find(|f| sym.instrument_id(&Instrument::Future(**f)) == Some(m.hd.instrument_id))
                .and_then(|f| sym.raw_symbol(&Instrument::Future(*f)))
                .unwrap_or_default();
            Ok((m, raw))
        });
        write_schema(&files, &metadata, records, created)?;
    }

    write_definitions(day, Feed::Glbx, DayFile::GlbxDefinition, finals, created)
}

/// The statistics record in the DBN version 2 layout (32-bit quantity).
fn stat_v2(
    index: usize,
    instrument: &Instrument,
    m: &StatMsg,
) -> Result<v2::StatMsg, DatabentoError> {
    let quantity = i32::try_from(m.quantity).map_err(|_| {
        unwritable(
            index,
            instrument,
            format!(
                "open interest {} does not fit DBN version 2's 32-bit quantity",
                m.quantity
            ),
        )
    })?;
    Ok(v2::StatMsg {
        hd: dbn::RecordHeader::new::<v2::StatMsg>(
            m.hd.rtype,
            m.hd.publisher_id,
            m.hd.instrument_id,
            m.hd.ts_event,
        ),
        ts_recv: m.ts_recv,
        ts_ref: m.ts_ref,
        price: m.price,
        quantity,
        sequence: m.sequence,
        ts_in_delta: m.ts_in_delta,
        stat_type: m.stat_type,
        channel_id: m.channel_id,
        update_action: m.update_action,
        stat_flags: m.stat_flags,
        ..Default::default()
    })
}

/// The definitions of a dataset: one per `Definition` event of its instruments, plus one
/// synthesized (at the metadata start) for each instrument without; ordered by `ts_recv`, then id.
fn definition_specs(day: &Day<'_>, feed: Feed) -> Result<Vec<DefSpec>, DatabentoError> {
    let sym = day.sym;
    let mut specs: Vec<DefSpec> = Vec::new();
    let mut defined: BTreeSet<Instrument> = BTreeSet::new();
    // `index` is the Definition event's, or None for a synthesized definition.
    let spec = |index: Option<usize>, instrument: &Instrument, def: Option<&Definition>| {
        let fail = |reason: String| match index {
            Some(i) => unwritable(i, instrument, reason),
            None => DatabentoError::WriteSetup {
                reason: format!("definition of {instrument}: {reason}"),
            },
        };
        let entry = sym
            .entry(instrument)
            .ok_or_else(|| fail("not in the day's symbology".to_owned()))?;
        let made = match instrument {
            Instrument::Option(c) if is_glbx_option(c.root) => {
                definition::future_option_spec(c, entry.id, &entry.raw, def, day.start)
            }
            Instrument::Option(c) => {
                definition::option_spec(c, entry.id, &entry.raw, def, day.start)
            }
            Instrument::Future(f) => {
                definition::future_spec(f, entry.id, &entry.raw, def, day.start)
            }
            _ => Err("only options and futures have definitions".to_owned()),
        };
        made.map_err(fail)
    };
    for (index, event) in day.events.iter().enumerate() {
        if let (Event::Definition(def), Some((f, instrument))) = (event, routed(event))
            && f == feed
        {
            specs.push(spec(Some(index), &instrument, Some(def))?);
            defined.insert(instrument);
        }
    }
    let instruments: Vec<Instrument> = match feed {
        Feed::Opra => sym.options().map(|c| Instrument::Option(*c)).collect(),
        Feed::Glbx => sym
            .futures()
            .map(|f| Instrument::Future(*f))
            .chain(sym.futures_options().map(|c| Instrument::Option(*c)))
            .collect(),
    };
    for instrument in instruments.iter().filter(|i| !defined.contains(i)) {
        specs.push(spec(None, instrument, None)?);
    }
    specs.sort_by_key(|s| (s.ts_recv, s.id));
    Ok(specs)
}

fn write_definitions(
    day: &Day<'_>,
    feed: Feed,
    file: DayFile,
    finals: &mut Vec<PathBuf>,
    created: &mut Vec<PathBuf>,
) -> Result<(), DatabentoError> {
    let specs = definition_specs(day, feed)?;
    let (files, metadata) = (day.files(file, finals), day.metadata(file));
    let setup = |s: &DefSpec, reason: String| DatabentoError::WriteSetup {
        reason: format!("definition of {}: {reason}", s.raw),
    };
    match day.options.dbn_version {
        DbnVersion::V3 => {
            let records = specs.iter().map(|s| {
                definition::to_v3(s)
                    .map(|m| (m, s.raw.as_str()))
                    .map_err(|r| setup(s, r))
            });
            write_schema(&files, &metadata, records, created)
        }
        DbnVersion::V2 => {
            let records = specs.iter().map(|s| {
                definition::to_v2(s)
                    .map(|m| (m, s.raw.as_str()))
                    .map_err(|r| setup(s, r))
            });
            write_schema(&files, &metadata, records, created)
        }
    }
}
