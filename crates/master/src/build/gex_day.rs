//! The GEX columns of a day: GEXBot's zero gamma, ours from the OPRA 0DTE chain by open interest,
//! the offset between the two price terms and their difference, all at one instant (see
//! [`gex_instant`] and the build's module documentation).

use std::path::{Path, PathBuf};

use gammaflow_model::{OptionRight, UnixNanos};
use jiff::civil::Date;

use crate::MasterError;
use crate::config::MasterConfig;
use crate::gex::{GexContract, GexEngine, GexParams, GexSnapshot, OptionKind};
use crate::iv;
use crate::loaders::DayRule;
use crate::loaders::gexbot::{GexBotReader, GexFormat, GexRecord};
use crate::opra::{OpraDay, OpraFiles, Roots, spxw_expiries};

/// The GEX values of a row.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GexValues {
    /// GEXBot's zero gamma (record at or before the instant), in the vendor's price terms.
    pub gexbot: Option<f64>,
    /// Ours, by OI, SPX points.
    pub own: Option<f64>,
    /// Points added to ours to put it in the vendor's terms (see [`vendor_offset`]).
    pub offset: Option<f64>,
    /// `gexbot − (own + offset)`.
    pub diff: Option<f64>,
}

impl GexValues {
    /// The values, with the difference in the vendor's terms (the rule of
    /// [`crate::gex::compare`], for the zero-gamma level alone).
    pub fn new(gexbot: Option<f64>, own: Option<f64>, offset: Option<f64>) -> Self {
        let diff = match (gexbot, own, offset) {
            (Some(v), Some(o), Some(x)) => Some(v - (o + x)),
            _ => None,
        };
        Self {
            gexbot,
            own,
            offset,
            diff,
        }
    }
}

/// Our zero gamma at the GEX instant with the implied SPX used for it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OwnGex {
    /// The instant (UTC ns).
    pub at: UnixNanos,
    /// The implied SPX (put-call parity) at the instant, index points.
    pub spot: f64,
    /// Our zero gamma by OI, SPX points (`None` when the profile does not cross zero).
    pub zero_gamma: Option<f64>,
}

/// The ES front month's last price before `at`: the close of the last bar that ended by then.
pub fn es_before(bars: &[crate::loaders::EsBar], at: UnixNanos) -> Option<f64> {
    bars.iter()
        .rev()
        .find(|b| b.ts.0 + 60 * UnixNanos::NANOS_PER_SECOND <= at.0)
        .map(|b| b.close.to_f64())
}

/// The offset from our SPX levels to the terms of GEXBot's `ticker`: for an ES ticker
/// (`ES_SPX`: SPX gamma quoted at ES prices) the ES − SPX basis at the instant, `es` being the
/// ES front month's last price before it; 0 for `SPX`; `None` for another underlying (no
/// difference is given) or without an ES price.
pub fn vendor_offset(ticker: &str, own: Option<&OwnGex>, es: Option<f64>) -> Option<f64> {
    match ticker {
        "SPX" => Some(0.0),
        t if t.starts_with("ES_") => Some(es? - own?.spot),
        _ => None,
    }
}

/// The GEX instant of `date`: the last `oi.snapshots` instant at or after [`GEX_EARLIEST`]
/// (10:00 ET) and strictly before the cash close (16:00 ET, 13:00 on early closes); when none
/// qualifies (the spec's defaults 02:15, 10:00, 15:30 and 22:00 Zurich are 20:15, 04:00, 09:30 and
/// 16:00 New York), 10:00 ET itself. At 09:30 the session's 0DTE quotes are not in yet.
pub fn gex_instant(config: &MasterConfig, date: Date) -> Option<UnixNanos> {
    let close = gammaflow_model::session::trade_date_window(date)
        .ok()?
        .close;
    let earliest = gammaflow_model::session::from_new_york(date, GEX_EARLIEST).ok()?;
    let snapshot = config
        .snapshot_instants(date)
        .ok()?
        .into_iter()
        .filter(|t| *t >= earliest && *t < close)
        .max();
    Some(snapshot.unwrap_or(earliest))
}

/// The earliest GEX instant, New York time: half an hour after the cash open (a time of the IV
/// sampling grid, so an implied spot exists there).
pub const GEX_EARLIEST: jiff::civil::Time = jiff::civil::Time::constant(10, 0, 0, 0);

/// The GEXBot files under `dir` (the configured format's extensions, optionally `.zst`), sorted
/// by (name date, path).
pub fn gexbot_files(dir: &Path, format: GexFormat) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.retain(|p| {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let name = name.strip_suffix(".zst").unwrap_or(&name);
        match format {
            GexFormat::Json => name.ends_with(".json") || name.ends_with(".jsonl"),
            GexFormat::Csv => name.ends_with(".csv"),
        }
    });
    out.sort_by_cached_key(|p| (super::name_date(p), p.clone()));
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    if dir.is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'))
        {
            continue;
        }
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// GEXBot records streamed trade date by trade date (dates asked in ascending order): holds one
/// look-ahead record.
pub struct GexBotDays {
    reader: GexBotReader,
    ahead: Option<GexRecord>,
}

impl GexBotDays {
    /// A cursor over `files` read with the configuration's `gex.*` settings.
    pub fn new(config: &MasterConfig, files: Vec<PathBuf>, day_rule: DayRule) -> Self {
        Self {
            reader: GexBotReader::open(files, config.gex.read_options(day_rule)),
            ahead: None,
        }
    }

    /// The zero gamma of the latest record of trade date `date` at or before `at`, and the
    /// errors met on the way (bad records, unreadable files; reading goes on after them).
    pub fn zero_gamma(&mut self, date: Date, at: UnixNanos) -> (Option<f64>, Vec<String>) {
        let mut kept: Option<GexRecord> = None;
        let mut errors = Vec::new();
        loop {
            let r = match self.ahead.take() {
                Some(r) => r,
                None => match self.reader.next() {
                    None => break,
                    Some(Err(e)) => {
                        errors.push(e.to_string());
                        continue;
                    }
                    Some(Ok(r)) => r,
                },
            };
            if r.trade_date > date {
                self.ahead = Some(r);
                break;
            }
            if r.trade_date == date && r.ts <= at && kept.as_ref().is_none_or(|k| k.ts <= r.ts) {
                kept = Some(r);
            }
        }
        (kept.map(|r| r.zero_gamma), errors)
    }
}

/// Our zero gamma by OI at `at` from the 0DTE PM-settled SPXW chain of `date` (spot: the
/// put-call-parity level `spot`), `None` when the profile does not cross zero near spot.
pub fn own_zero_gamma(
    config: &MasterConfig,
    files: &OpraFiles,
    date: Date,
    at: UnixNanos,
    spot: f64,
) -> Result<Option<f64>, MasterError> {
    let model = |context: String| move |source| MasterError::Model { context, source };
    let window = config
        .trade_date_bounds(date)
        .map_err(model(format!("trade date {date}")))?;
    let Some((_, expiry)) = spxw_expiries(date, &[0])?.first().copied() else {
        return Ok(None);
    };
    let Some(settle) = iv::expiration(expiry) else {
        return Ok(None);
    };
    let t = settle.0.saturating_sub(at.0) as f64 / 1e9 / (365.0 * 86_400.0);
    let mut day = OpraDay::open(files, date, window, Roots::Spx)?;
    let chain = day.snapshot_at(at, Some(expiry))?;
    let contracts: Vec<GexContract> = chain
        .contracts
        .iter()
        .filter(|c| c.contract.root.as_str() != "SPX")
        .map(|c| GexContract {
            strike: c.strike,
            right: match c.right {
                OptionRight::Call => OptionKind::Call,
                OptionRight::Put => OptionKind::Put,
            },
            open_interest: f64::from(c.oi.unwrap_or(0)),
            volume: c.volume as f64,
            iv: None,
            mid: c.mid,
            t,
        })
        .collect();
    let levels = GexEngine::new(GexParams::default()).levels(&GexSnapshot {
        ts: at,
        spot,
        contracts: &contracts,
    })?;
    Ok(levels.zero_gamma_oi)
}

/// Our zero gamma of a day whose OPRA files gave `out`: at [`gex_instant`], with the spot of the
/// IV sample of that instant (`Ok(None)` without an instant or a spot).
pub fn own_of_day(
    config: &MasterConfig,
    files: &OpraFiles,
    date: Date,
    out: &crate::opra::OpraDayOutput,
) -> Result<Option<OwnGex>, MasterError> {
    let Some(at) = gex_instant(config, date) else {
        return Ok(None);
    };
    // The spot of the snapshot at that instant, else of the IV sample taken there (the IV
    // engine samples every snapshot, every window bound and a 30-minute grid).
    let spot = out
        .snapshot_spots
        .iter()
        .find(|(t, _)| *t == at)
        .and_then(|(_, s)| *s)
        .map(|(_, v)| v)
        .or_else(|| {
            out.iv_points
                .iter()
                .filter(|p| p.at == at)
                .find_map(|p| p.spot)
        });
    let Some(spot) = spot else { return Ok(None) };
    let zero_gamma = own_zero_gamma(config, files, date, at, spot)?;
    Ok(Some(OwnGex {
        at,
        spot,
        zero_gamma,
    }))
}
