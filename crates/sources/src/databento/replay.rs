//! Replay of several Databento files as one stream: [`Replay`] (a synchronous iterator, for the
//! historical builder) and [`ReplaySource`] (the async [`Source`], paced on the tokio clock).

use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use gammaflow_model::event::Event;
use gammaflow_model::{OptionContract, UnixNanos};
use tokio::time::{Instant, Sleep};

use super::convert::DecodeStats;
use super::file::{FileEvents, open, open_with};
use super::merge::Merge;
use super::symbology::InstrumentMap;
use crate::pacing::{Pacer, Pacing};
use crate::{Source, SourcesError, Subscriptions};

/// Several Databento files merged into one stream ordered by `ts_recv` (stable: ties keep the
/// order of the paths). Files are read streaming, one 64 KiB piece at a time each.
#[derive(Debug)]
pub struct Replay {
    merge: Merge<FileEvents>,
    paths: Vec<String>,
}

impl Replay {
    /// Opens every file (DBN or CSV, plain or zstd; see [`super::open`]). Fails on the first file
    /// that cannot be opened; decoding errors come later, from the iterator.
    ///
    /// Files whose name or directory name contains `definition` are also read once up front, and their definitions
    /// seed the instrument map of every file: instruments that only a definition can describe
    /// (CME options on futures) then map in the quote and trade files too. A decoding error in
    /// that first reading fails `open`.
    pub fn open<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<Self, SourcesError> {
        let paths: Vec<P> = paths.into_iter().collect();
        let mut seed = InstrumentMap::new();
        for path in &paths {
            // The file itself or its directory (gammaflow's own layout:
            // `GLBX.MDP3/definition/YYYY-MM-DD.dbn.zst`).
            let names_definition = |n: Option<&std::ffi::OsStr>| {
                n.and_then(|n| n.to_str())
                    .is_some_and(|n| n.to_ascii_lowercase().contains("definition"))
            };
            let path_ref = path.as_ref();
            let is_definition = names_definition(path_ref.file_name())
                || names_definition(path_ref.parent().and_then(Path::file_name));
            if is_definition {
                let mut file = open(path)?;
                for event in file.by_ref() {
                    event?;
                }
                seed.absorb_definitions(file.instruments());
            }
        }
        let files = paths
            .iter()
            .map(|p| open_with(p.as_ref(), Some(&seed)))
            .collect::<Result<Vec<_>, _>>()?;
        let paths = files.iter().map(|f| f.path().to_owned()).collect();
        Ok(Self {
            merge: Merge::new(files),
            paths,
        })
    }

    /// The paths, in tie-break order.
    pub fn paths(&self) -> &[String] {
        &self.paths
    }

    /// Counts summed over the files still being read (a finished file's counts are dropped with
    /// it).
    pub fn stats(&self) -> DecodeStats {
        self.merge
            .inputs()
            .map(FileEvents::stats)
            .fold(DecodeStats::default(), |mut acc, s| {
                acc.records += s.records;
                acc.events += s.events;
                acc.undefined += s.undefined;
                acc.unmapped += s.unmapped;
                acc.unsupported_instrument += s.unsupported_instrument;
                acc.duplicate_open_interest += s.duplicate_open_interest;
                acc.other += s.other;
                acc
            })
    }
}

impl Iterator for Replay {
    type Item = Result<Event, SourcesError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.merge.next()
    }
}

/// A [`Replay`] as an async [`Source`] named `replay`, released per [`Pacing`] on the tokio clock.
///
/// Subscriptions: until the first [`Source::subscribe`] call every option event passes (a replay
/// holds only what was downloaded, so "everything" is the useful default); from the first call
/// on, option events pass only for subscribed contracts, as on a live feed (unsubscribing all of
/// them then means no option events). Underlyings (futures, equities, indices) always pass.
/// Filtered events are dropped before pacing, so they never delay the stream.
///
/// File reads happen inside `poll_next` (64 KiB at a time): fine for replay, but do not share a
/// latency-critical runtime thread with a very fast replay.
pub struct ReplaySource {
    replay: Replay,
    pacer: Pacer,
    subscriptions: Subscriptions,
    filtering: bool,
    sleep: Option<Pin<Box<Sleep>>>,
    held: Option<Event>,
}

impl std::fmt::Debug for ReplaySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplaySource")
            .field("replay", &self.replay)
            .field("subscriptions", &self.subscriptions)
            .field("filtering", &self.filtering)
            .field("held", &self.held)
            .finish_non_exhaustive()
    }
}

impl ReplaySource {
    /// Opens the files (see [`Replay::open`]) for release at `pacing`.
    pub fn open<P: AsRef<Path>>(
        paths: impl IntoIterator<Item = P>,
        pacing: Pacing,
    ) -> Result<Self, SourcesError> {
        Ok(Self::new(Replay::open(paths)?, pacing))
    }

    /// Wraps an opened [`Replay`].
    pub fn new(replay: Replay, pacing: Pacing) -> Self {
        Self {
            replay,
            pacer: Pacer::new(pacing),
            subscriptions: Subscriptions::new(),
            filtering: false,
            sleep: None,
            held: None,
        }
    }

    /// Releases events stamped before `start` at once and paces from there
    /// ([`crate::pacing::Pacer::starting_at`]).
    pub fn pace_from(mut self, start: UnixNanos) -> Self {
        self.pacer = self.pacer.starting_at(start);
        self
    }

    /// The underlying replay (paths, counts).
    pub fn replay(&self) -> &Replay {
        &self.replay
    }

    /// `true` if the event passes the subscription filter.
    fn admits(&self, event: &Event) -> bool {
        !self.filtering || self.subscriptions.admits(event)
    }
}

impl Stream for ReplaySource {
    type Item = Result<Event, SourcesError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(sleep) = this.sleep.as_mut() {
                if sleep.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                this.sleep = None;
                if let Some(event) = this.held.take() {
                    return Poll::Ready(Some(Ok(event)));
                }
            }
            let event = match this.replay.next() {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                Some(Ok(event)) => event,
            };
            if !this.admits(&event) {
                continue;
            }
            let now = Instant::now();
            match this.pacer.due(event.ts_recv(), now) {
                Some(at) if at > now => {
                    this.sleep = Some(Box::pin(tokio::time::sleep_until(at)));
                    this.held = Some(event);
                }
                _ => return Poll::Ready(Some(Ok(event))),
            }
        }
    }
}

impl Source for ReplaySource {
    fn name(&self) -> &'static str {
        "replay"
    }

    fn subscribe(&mut self, contracts: &[OptionContract]) -> Result<(), SourcesError> {
        self.subscriptions.add(contracts)?;
        self.filtering = true;
        Ok(())
    }

    fn unsubscribe(&mut self, contracts: &[OptionContract]) -> Result<(), SourcesError> {
        self.subscriptions.remove(contracts);
        Ok(())
    }

    fn subscriptions(&self) -> &Subscriptions {
        &self.subscriptions
    }
}
