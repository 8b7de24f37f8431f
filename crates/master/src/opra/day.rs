//! One trade date of OPRA data through the IV and OI engines: [`build_day`].

use gammaflow_model::UnixNanos;
use gammaflow_model::expiry::{self, OptionProduct};
use gammaflow_model::session::{self, SessionKind};
use jiff::ToSpan;
use jiff::civil::Date;

use super::{ChainState, OiAudit, OpraDay, OpraFiles, OpraStats, Roots};
use crate::MasterError;
use crate::config::MasterConfig;
use crate::iv::{self, IvParams, IvPoint, IvWindowValue, SpxSeries};
use crate::oi::{self, OiDaySummary, OiRow};
use crate::validate::{Check, Finding, RecordRef};

/// Everything [`build_day`] computes for one trade date.
#[derive(Debug, Clone, PartialEq)]
pub struct OpraDayOutput {
    /// The trade date (America/New_York).
    pub trade_date: Date,
    /// The expiries of `oi.expirations` as (trading days to expiry, SPXW expiry date).
    pub expiries: Vec<(u32, Date)>,
    /// IV samples of the first configured expiry (normally 0DTE), by instant (see
    /// [`iv::sample_instants`]).
    pub iv_points: Vec<IvPoint>,
    /// Per-window IV values (`iv_rv.windows`, canonical order).
    pub iv_windows: Vec<IvWindowValue>,
    /// The spot used for each `oi.snapshots` instant, and the instant of the sample it came from.
    pub snapshot_spots: Vec<(UnixNanos, Option<(UnixNanos, f64)>)>,
    /// Open interest and volume by strike, per snapshot and expiry.
    pub oi_rows: Vec<OiRow>,
    /// Per-expiry daily summary at the last snapshot.
    pub oi_summaries: Vec<OiDaySummary>,
    /// Loading counts.
    pub stats: OpraStats,
    /// The open-interest audits, per statistics file.
    pub oi_audits: Vec<(String, OiAudit)>,
    /// `oi_conflict` and `stale_quote` findings (and `missing_minutes`-free: no other check).
    pub findings: Vec<Finding>,
}

fn model_err(context: String) -> impl FnOnce(gammaflow_model::ModelError) -> MasterError {
    move |source| MasterError::Model { context, source }
}

/// The SPXW expiries `dtes` trading days (expiry dates) after `date`: 0 is the first expiry on or
/// after `date`.
pub fn spxw_expiries(date: Date, dtes: &[u32]) -> Result<Vec<(u32, Date)>, MasterError> {
    let mut out = Vec::new();
    let max = dtes.iter().copied().max().unwrap_or(0);
    let mut e = expiry::next_expiry(OptionProduct::Spxw, date)
        .map_err(model_err(format!("SPXW expiry on or after {date}")))?;
    for n in 0..=max {
        if n > 0 {
            let next = e.checked_add(1.day()).map_err(|err| MasterError::Model {
                context: format!("the day after {e}"),
                source: gammaflow_model::ModelError::TimeConversion {
                    input: e.to_string(),
                    reason: err.to_string(),
                },
            })?;
            e = expiry::next_expiry(OptionProduct::Spxw, next)
                .map_err(model_err(format!("SPXW expiry after {e}")))?;
        }
        if dtes.contains(&n) {
            out.push((n, e));
        }
    }
    Ok(out)
}

/// Runs one trade date: opens the OPRA files ([`OpraDay`], SPX/SPXW), samples the 0DTE chain at
/// the IV instants ([`iv::sample_instants`]: snapshots, window bounds, a grid, plus the opening
/// sample [`iv::OPEN_SAMPLE_SECS`] after the cash open) and computes
/// [`iv::iv_point`] on the PM-settled contracts (root `SPX`, AM-settled, is left out), the
/// window values, and at each `oi.snapshots` instant the open-interest rows of every configured
/// expiry around the spot. When an explicit SPX series is given (UTC ns, index points, ascending),
/// its last value no older than the quote age limit is the spot. A snapshot without a spot takes
/// the nearest IV sample's in time; with none at all in the day, it has no rows.
pub fn build_day(
    cfg: &MasterConfig,
    files: &OpraFiles,
    date: Date,
    spx: Option<&[(UnixNanos, f64)]>,
    params: &IvParams,
) -> Result<OpraDayOutput, MasterError> {
    let window = cfg
        .trade_date_bounds(date)
        .map_err(model_err(format!("trade date {date}")))?;
    let snapshots = cfg
        .snapshot_instants(date)
        .map_err(model_err(format!("oi.snapshots of {date}")))?;
    let mut windows = Vec::new();
    for w in &cfg.iv_rv.windows {
        let (s, e) = w
            .range
            .bounds(cfg.timezone, date)
            .map_err(model_err(format!("iv_rv.windows.{} of {date}", w.name)))?;
        windows.push((w.name.clone(), s, e));
    }
    let full = cfg
        .iv_rv
        .full()
        .bounds(cfg.timezone, date)
        .map_err(model_err(format!("iv_rv.windows.full of {date}")))?;
    let mut samples = iv::sample_instants(full, &snapshots, &windows, params.grid_minutes);
    if let Ok(Some(cash)) = session::session(SessionKind::Cash, date) {
        let opening = UnixNanos(cash.open.0 + iv::OPEN_SAMPLE_SECS * UnixNanos::NANOS_PER_SECOND);
        if let Err(i) = samples.binary_search(&opening) {
            samples.insert(i, opening);
        }
    }
    let expiries = spxw_expiries(date, &cfg.oi.expirations)?;
    let iv_expiry = expiries.first().map(|e| e.1);
    let expiration = iv_expiry.and_then(iv::expiration);

    let mut day = OpraDay::open(files, date, window, Roots::Spx)?;
    let source = day.paths().first().cloned().unwrap_or_default();
    let mut findings = day.take_findings();
    let mut points = Vec::new();
    let mut snaps: Vec<(UnixNanos, Vec<ChainState>)> = Vec::new();
    let max_age_ns = (params.max_quote_age_secs * 1e9) as u64;
    for at in samples {
        day.advance_to(at)?;
        if let (Some(e), Some(exp)) = (iv_expiry, expiration) {
            let mut chain = day.snapshot(at, Some(e));
            chain
                .contracts
                .retain(|c| c.contract.root.as_str() != "SPX");
            let explicit = spx
                .and_then(|s| s.at_or_before(at))
                .filter(|(t, _)| at.0.saturating_sub(t.0) <= max_age_ns)
                .map(|(_, v)| v);
            let point = iv::iv_point(&chain, e, exp, explicit, params);
            if let Some(f) = point.finding(date, &source) {
                findings.push(f);
            }
            points.push(point);
        }
        if snapshots.contains(&at) {
            let states = expiries
                .iter()
                .map(|(_, e)| day.snapshot(at, Some(*e)))
                .collect();
            snaps.push((at, states));
        }
    }
    let nearest_spot = |at: UnixNanos| -> Option<(UnixNanos, f64)> {
        points
            .iter()
            .filter_map(|p| p.spot.map(|s| (p.at, s)))
            .min_by_key(|(t, _)| (t.0.abs_diff(at.0), t.0))
    };
    let mut oi_rows = Vec::new();
    let mut snapshot_spots = Vec::new();
    for (at, states) in &snaps {
        let spot = nearest_spot(*at);
        snapshot_spots.push((*at, spot));
        let Some((_, s)) = spot else {
            findings.push(Finding {
                trade_date: date,
                check: Check::StaleQuote,
                source_file: source.clone(),
                record: RecordRef::Ts(*at),
                detail: "no usable quotes in the whole day: no spot, no open-interest rows"
                    .to_owned(),
            });
            continue;
        };
        for ((dte, e), chain) in expiries.iter().zip(states) {
            oi_rows.extend(oi::strike_rows(
                date,
                *dte,
                chain,
                *e,
                s,
                cfg.oi.strike_range,
            ));
        }
    }
    let oi_summaries = match snaps.last() {
        Some((_, states)) => expiries
            .iter()
            .zip(states)
            .map(|((dte, e), chain)| oi::day_summary(date, *dte, chain, *e))
            .collect(),
        None => Vec::new(),
    };
    let iv_windows = iv::window_values(&points, &windows);
    findings.extend(day.take_findings());
    Ok(OpraDayOutput {
        trade_date: date,
        expiries,
        iv_points: points,
        iv_windows,
        snapshot_spots,
        oi_rows,
        oi_summaries,
        stats: day.stats(),
        oi_audits: day.oi_audits().to_vec(),
        findings,
    })
}
