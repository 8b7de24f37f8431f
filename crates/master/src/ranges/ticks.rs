//! [`EsTicks`]: the front-month ES trades of one trade date, streamed from Databento `trades` or
//! `mbp-1` files (the decoder turns an `mbp-1` record with action `T` into a trade).

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use gammaflow_model::UnixNanos;
use gammaflow_model::event::{Event, FutureSymbol, Instrument};
use gammaflow_model::futures::{FuturesRoot, RollRule, front_month};
use gammaflow_sources::databento::{self, FileEvents};
use jiff::civil::Date;

use super::Tick;
use crate::MasterError;
use crate::loaders::DayRule;

/// The front-month ES trades of trade date `date` in a list of files, in file order (files in
/// the order given). Kept: [`Event::Trade`]s of the ES contract that is front on `date` under the
/// default [`RollRule`], with a defined price, size > 0 and `ts_event` inside the day's interval
/// of the [`DayRule`]. One file is open at a time; nothing else is buffered.
pub struct EsTicks {
    files: VecDeque<PathBuf>,
    current: Option<FileEvents>,
    contract: FutureSymbol,
    from: UnixNanos,
    to: UnixNanos,
    records: u64,
    kept: u64,
}

impl std::fmt::Debug for EsTicks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EsTicks")
            .field("files_left", &self.files.len())
            .field("contract", &self.contract)
            .field("records", &self.records)
            .field("kept", &self.kept)
            .finish_non_exhaustive()
    }
}

impl EsTicks {
    /// Trades of `date` under `rule` in `paths`. Errors when `date` has no front month or no
    /// interval (outside the calendar).
    pub fn new<P: AsRef<Path>>(
        paths: impl IntoIterator<Item = P>,
        date: Date,
        rule: DayRule,
    ) -> Result<Self, MasterError> {
        let model = |source| MasterError::Model {
            context: format!("ES trades of trade date {date}"),
            source,
        };
        let c = front_month(FuturesRoot::ES, date, RollRule::default()).map_err(model)?;
        let contract = FutureSymbol::new("ES", c.year as u16, c.month).map_err(model)?;
        let (from, to) = rule.day_interval(date).map_err(model)?;
        Ok(Self {
            files: paths
                .into_iter()
                .map(|p| p.as_ref().to_path_buf())
                .collect(),
            current: None,
            contract,
            from,
            to,
            records: 0,
            kept: 0,
        })
    }

    /// Events read so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Trades kept so far.
    pub fn kept(&self) -> u64 {
        self.kept
    }
}

impl Iterator for EsTicks {
    type Item = Result<Tick, MasterError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let Some(events) = self.current.as_mut() else {
                let path = self.files.pop_front()?;
                match databento::open(&path) {
                    Ok(events) => self.current = Some(events),
                    Err(e) => return Some(Err(e.into())),
                }
                continue;
            };
            let event = match events.next() {
                None => {
                    self.current = None;
                    continue;
                }
                Some(Err(e)) => {
                    self.current = None;
                    self.files.clear();
                    return Some(Err(e.into()));
                }
                Some(Ok(event)) => event,
            };
            self.records += 1;
            let Event::Trade(t) = event else { continue };
            if t.instrument != Instrument::Future(self.contract)
                || !t.price.is_defined()
                || t.size.is_zero()
                || t.ts_event < self.from
                || t.ts_event >= self.to
            {
                continue;
            }
            self.kept += 1;
            return Some(Ok(Tick {
                ts: t.ts_event,
                price: t.price.to_f64(),
                size: t.size.as_u64(),
            }));
        }
    }
}
