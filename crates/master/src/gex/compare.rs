//! GEXBot's levels side by side with ours, per snapshot time.
//!
//! The GEXBot record matched to a snapshot at `t` is the latest one at or before `t`
//! ([`GexAsOf`], streaming: it holds one record), reported with its age. Our levels are converted
//! into the vendor's price terms by adding `offset` points before the differences are taken:
//! `0` when both are on the same underlying (ours from SPX options vs GEXBot `SPX`), the ES − SPX
//! basis at the snapshot when ours are on SPX and GEXBot's are `ES_SPX` (SPX options GEX expressed
//! in ES points). Every difference is **vendor − (ours + offset)**, in points; a difference is
//! `None` when either side has no level. Net GEX totals are shown side by side without a
//! difference: GEXBot does not document their unit.

use gammaflow_model::UnixNanos;

use super::GexLevels;
use crate::MasterError;
use crate::loaders::gexbot::GexRecord;

/// GEXBot's levels of the matched record (points, the vendor's price terms).
#[derive(Debug, Clone, PartialEq)]
pub struct VendorLevels {
    /// The record's time (UTC ns).
    pub ts: UnixNanos,
    /// Snapshot time − record time, seconds (≥ 0).
    pub age_secs: f64,
    /// GEXBot ticker.
    pub ticker: String,
    /// GEXBot's spot.
    pub spot: f64,
    /// Zero gamma.
    pub zero_gamma: f64,
    /// Major positive strike by volume.
    pub major_pos_vol: f64,
    /// Major positive strike by OI.
    pub major_pos_oi: f64,
    /// Major negative strike by volume.
    pub major_neg_vol: f64,
    /// Major negative strike by OI.
    pub major_neg_oi: f64,
    /// Net GEX by volume (GEXBot's unit).
    pub sum_gex_vol: Option<f64>,
    /// Net GEX by OI (GEXBot's unit).
    pub sum_gex_oi: Option<f64>,
}

/// `vendor − (ours + offset)` per level, points.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LevelDiffs {
    /// Spot (a check of the offset: ≈ 0 when the offset is the right basis).
    pub spot: Option<f64>,
    /// Zero gamma: GEXBot's vs ours by OI.
    pub zero_gamma: Option<f64>,
    /// Major positive by volume.
    pub major_pos_vol: Option<f64>,
    /// Major positive by OI.
    pub major_pos_oi: Option<f64>,
    /// Major negative by volume.
    pub major_neg_vol: Option<f64>,
    /// Major negative by OI.
    pub major_neg_oi: Option<f64>,
}

/// One comparison row: a snapshot's levels, the matched GEXBot record and the differences.
#[derive(Debug, Clone, PartialEq)]
pub struct GexComparison {
    /// Snapshot time (UTC ns).
    pub ts: UnixNanos,
    /// Points added to our levels to put them in the vendor's terms.
    pub offset: f64,
    /// Our levels (in our underlying's points, without the offset).
    pub ours: GexLevels,
    /// The matched GEXBot record, `None` when there is none at or before the snapshot.
    pub vendor: Option<VendorLevels>,
    /// The differences (all `None` without a vendor record).
    pub diff: LevelDiffs,
}

/// The comparison row of `ours` against `vendor` (the record matched to `ours.ts`, see
/// [`GexAsOf`]). `offset` (points) is added to our levels to put them in the vendor's terms: 0
/// on the same underlying, the ES − SPX basis at the snapshot for our SPX levels against
/// `ES_SPX`. Differences are `vendor − (ours + offset)`; `None` where a side has no level.
pub fn compare(ours: &GexLevels, vendor: Option<&GexRecord>, offset: f64) -> GexComparison {
    let vendor = vendor.map(|r| VendorLevels {
        ts: r.ts,
        age_secs: ours.ts.0.saturating_sub(r.ts.0) as f64 / 1e9,
        ticker: r.ticker.clone(),
        spot: r.spot,
        zero_gamma: r.zero_gamma,
        major_pos_vol: r.major_pos_vol,
        major_pos_oi: r.major_pos_oi,
        major_neg_vol: r.major_neg_vol,
        major_neg_oi: r.major_neg_oi,
        sum_gex_vol: r.sum_gex_vol,
        sum_gex_oi: r.sum_gex_oi,
    });
    let diff = match &vendor {
        None => LevelDiffs::default(),
        Some(v) => {
            let d = |theirs: f64, mine: Option<f64>| mine.map(|m| theirs - (m + offset));
            LevelDiffs {
                spot: d(v.spot, Some(ours.spot)),
                zero_gamma: d(v.zero_gamma, ours.zero_gamma_oi),
                major_pos_vol: d(v.major_pos_vol, ours.major_pos_vol),
                major_pos_oi: d(v.major_pos_oi, ours.major_pos_oi),
                major_neg_vol: d(v.major_neg_vol, ours.major_neg_vol),
                major_neg_oi: d(v.major_neg_oi, ours.major_neg_oi),
            }
        }
    };
    GexComparison {
        ts: ours.ts,
        offset,
        ours: ours.clone(),
        vendor,
        diff,
    }
}

/// The latest GEXBot record at or before each of a rising sequence of instants, read from a
/// stream of records in time order (e.g. a [`crate::loaders::gexbot::GexBotReader`]); holds one
/// record and one look-ahead.
#[derive(Debug)]
pub struct GexAsOf<I> {
    records: I,
    current: Option<GexRecord>,
    ahead: Option<GexRecord>,
    last_query: Option<UnixNanos>,
    exhausted: bool,
}

impl<I: Iterator<Item = Result<GexRecord, MasterError>>> GexAsOf<I> {
    /// A cursor over `records` (ascending `ts`; a record older than the current one is ignored).
    pub fn new(records: I) -> Self {
        Self {
            records,
            current: None,
            ahead: None,
            last_query: None,
            exhausted: false,
        }
    }

    /// The latest record with `ts ≤ t`, `None` before the first. Instants must not decrease
    /// ([`MasterError::Gex`] otherwise). An error of the underlying stream is returned as is;
    /// asking again goes on reading after it.
    pub fn at(&mut self, t: UnixNanos) -> Result<Option<&GexRecord>, MasterError> {
        if let Some(last) = self.last_query
            && t < last
        {
            return Err(MasterError::Gex {
                at: t.to_string(),
                reason: format!("snapshots must come in time order; the previous one was {last}"),
            });
        }
        self.last_query = Some(t);
        loop {
            if self.ahead.is_none() && !self.exhausted {
                match self.records.next() {
                    None => self.exhausted = true,
                    Some(Err(e)) => return Err(e),
                    Some(Ok(r)) => self.ahead = Some(r),
                }
            }
            match self.ahead.take() {
                Some(r) if r.ts <= t => {
                    if self.current.as_ref().is_none_or(|c| c.ts <= r.ts) {
                        self.current = Some(r);
                    }
                }
                Some(r) => {
                    self.ahead = Some(r);
                    break;
                }
                None => break,
            }
        }
        Ok(self.current.as_ref())
    }
}
