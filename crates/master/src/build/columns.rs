//! The columns of `MASTER_OUTPUT` and of the detail tables (the data dictionary), and the
//! rendering of a built day into them.

use jiff::civil::Date;

use crate::config::MasterConfig;
use crate::export::{ColumnSpec, ColumnType as T, Value};
use crate::ranges::{RangeSummary, WindowSummary};
use crate::rv::RvDay;

const NY: &str = "America/New_York";
const UTC: &str = "UTC";
const PTS: &str = "index points";
const VOL: &str = "per 1.00, annualised";
const PCT: &str = "percent (0-100)";

/// Table names.
pub const MASTER_OUTPUT: &str = "MASTER_OUTPUT";
/// Counted touches, one row each.
pub const RANGE_TOUCHES: &str = "RANGE_TOUCHES";
/// Realized volatility per trade date and window.
pub const RV_WINDOWS: &str = "RV_WINDOWS";
/// The validators' findings.
pub const VALIDATION_REPORT: &str = "VALIDATION_REPORT";
/// Open interest by strike at the snapshots.
pub const OI_STRIKES: &str = "OI_STRIKES";

/// Columns that stay empty until their engine is wired into the build (none in this version).
pub fn pending_columns(_config: &MasterConfig) -> Vec<ColumnSpec> {
    Vec::new()
}

/// The GEX columns (see `crate::build`'s module documentation for the instant).
pub fn gex_columns() -> Vec<ColumnSpec> {
    vec![
        ColumnSpec::new(
            "gex_zero_gamma_gexbot",
            T::Float,
            PTS,
            "",
            "GEXBot zero-gamma level of the latest record at or before the GEX instant (the \
             vendor's price terms: ES points for ES_SPX); empty without GEXBot files",
        ),
        ColumnSpec::new(
            "gex_zero_gamma_own",
            T::Float,
            PTS,
            "",
            "gammaflow's zero-gamma level by OI from the OPRA 0DTE SPXW chain at the GEX instant \
             (SPX points)",
        ),
        ColumnSpec::new(
            "gex_offset",
            T::Float,
            PTS,
            "",
            "points added to gex_zero_gamma_own to put it in GEXBot's terms: the ES - SPX basis \
             at the GEX instant for an ES ticker (ES_SPX), 0 for SPX; empty for other tickers or \
             without an ES price or own level",
        ),
        ColumnSpec::new(
            "gex_zero_gamma_diff",
            T::Float,
            PTS,
            "",
            "gex_zero_gamma_gexbot - (gex_zero_gamma_own + gex_offset)",
        ),
    ]
}

/// The IV and OI columns (from OPRA, `crate::opra::build_day`; empty without `paths.opra` or
/// without files for the date).
pub fn option_columns(config: &MasterConfig) -> Vec<ColumnSpec> {
    let mut cols = Vec::new();
    for w in &config.iv_rv.windows {
        cols.push(ColumnSpec::new(
            format!("iv_atm_{}", w.name),
            T::Float,
            VOL,
            "",
            format!(
                "mean 0DTE SPXW ATM implied volatility of the IV samples in the `{}` window ({}; snapshots, window bounds, a 30-minute grid), from OPRA quote mids (Black-76 on the put-call-parity forward)",
                w.name, w.range
            ),
        ));
        cols.push(ColumnSpec::new(
            format!("iv_atm_{}_end", w.name),
            T::Float,
            VOL,
            "",
            format!(
                "0DTE ATM implied volatility of the last sample in the `{}` window",
                w.name
            ),
        ));
    }
    cols.extend([
        ColumnSpec::new(
            "iv_skew_25d",
            T::Float,
            VOL,
            "",
            "0DTE 25-delta put IV minus 25-delta call IV, last sample of the full window",
        ),
        ColumnSpec::new(
            "oi_expiry",
            T::Date,
            "",
            NY,
            "the SPXW expiry of the OI columns (the first of oi.expirations, normally 0DTE)",
        ),
        ColumnSpec::new(
            "oi_calls",
            T::Int,
            "contracts",
            "",
            "call open interest of oi_expiry, all strikes, at the last oi.snapshots instant",
        ),
        ColumnSpec::new(
            "oi_puts",
            T::Int,
            "contracts",
            "",
            "put open interest of oi_expiry, all strikes, at the last oi.snapshots instant",
        ),
        ColumnSpec::new(
            "oi_put_call_ratio",
            T::Float,
            "ratio",
            "",
            "oi_puts / oi_calls",
        ),
    ]);
    cols
}

/// The IV/OI values of a day (see [`option_columns`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OptionValues {
    /// Per configured window: (mean, last) ATM IV.
    pub iv: Vec<(Option<f64>, Option<f64>)>,
    /// 25-delta skew.
    pub skew: Option<f64>,
    /// The OI expiry.
    pub oi_expiry: Option<Date>,
    /// Call OI.
    pub oi_calls: Option<u64>,
    /// Put OI.
    pub oi_puts: Option<u64>,
    /// Put/call OI ratio.
    pub oi_ratio: Option<f64>,
}

/// Columns of `OI_STRIKES`.
pub fn oi_strike_columns() -> Vec<ColumnSpec> {
    vec![
        ColumnSpec::new("trade_date", T::Date, "", NY, "the trade date"),
        ColumnSpec::new(
            "snapshot",
            T::Timestamp,
            "",
            UTC,
            "the oi.snapshots instant",
        ),
        ColumnSpec::new(
            "dte",
            T::Int,
            "trading days",
            "",
            "days to expiry (0 = 0DTE)",
        ),
        ColumnSpec::new("expiry", T::Date, "", NY, "the SPXW expiry"),
        ColumnSpec::new(
            "strike",
            T::Float,
            PTS,
            "",
            "strike within oi.strike_range of the spot",
        ),
        ColumnSpec::new(
            "call_oi",
            T::Int,
            "contracts",
            "",
            "call open interest (published once a day)",
        ),
        ColumnSpec::new("put_oi", T::Int, "contracts", "", "put open interest"),
        ColumnSpec::new(
            "call_volume",
            T::Int,
            "contracts",
            "",
            "call volume of the day up to the snapshot",
        ),
        ColumnSpec::new(
            "put_volume",
            T::Int,
            "contracts",
            "",
            "put volume of the day up to the snapshot",
        ),
    ]
}

/// One `OI_STRIKES` row.
pub fn oi_strike_row(r: &crate::oi::OiRow) -> Vec<Value> {
    vec![
        Value::Date(r.trade_date),
        Value::Ts(r.snapshot),
        Value::Int(i64::from(r.dte)),
        Value::Date(r.expiry),
        Value::Float(r.strike),
        r.call_oi.map_or(Value::Null, |v| Value::Int(i64::from(v))),
        r.put_oi.map_or(Value::Null, |v| Value::Int(i64::from(v))),
        int(r.call_volume),
        int(r.put_volume),
    ]
}

fn window_columns(name: &str, cols: &mut Vec<ColumnSpec>) {
    let c = |suffix: &str, ty, unit: &str, tz: &str, d: String| {
        ColumnSpec::new(format!("{name}_{suffix}"), ty, unit, tz, d)
    };
    let w = format!("{name} range window");
    cols.extend([
        c(
            "reference",
            T::String,
            "",
            "",
            format!("{w}: centre rule, vwap_es or spx_open_projected"),
        ),
        c("start", T::Timestamp, "", UTC, format!("{w}: first instant")),
        c(
            "end",
            T::Timestamp,
            "",
            UTC,
            format!("{w}: first instant after it"),
        ),
        c(
            "centre",
            T::Float,
            PTS,
            "",
            format!("{w}: band centre at the window's end (ES)"),
        ),
        c(
            "sigma",
            T::Float,
            VOL,
            "",
            format!("{w}: ATM implied volatility the band width was set from"),
        ),
        c(
            "half_width_1s",
            T::Float,
            PTS,
            "",
            format!("{w}: 1-sigma half width = centre x sigma x sqrt(tau), tau = ACT/365 years to the window's end"),
        ),
        c(
            "width_set_ts",
            T::Timestamp,
            "",
            UTC,
            format!("{w}: when the width was set (first instant with centre and sigma)"),
        ),
        c("upper_2s", T::Float, PTS, "", format!("{w}: centre + 2 x half_width_1s")),
        c("upper_1s", T::Float, PTS, "", format!("{w}: centre + half_width_1s")),
        c("lower_1s", T::Float, PTS, "", format!("{w}: centre - half_width_1s")),
        c("lower_2s", T::Float, PTS, "", format!("{w}: centre - 2 x half_width_1s")),
        c(
            "first_touch_ts",
            T::Timestamp,
            "",
            UTC,
            format!("{w}: first counted touch of a band"),
        ),
        c(
            "touches",
            T::Int,
            "count",
            "",
            format!("{w}: touches of the four bands (within touch.buffer, one per touch.cooldown_seconds per band; a lower bound when ranges_input = bars); 0 when the bands are unknown"),
        ),
        c(
            "breakout_side",
            T::String,
            "",
            "",
            format!("{w}: up or down: ES stayed beyond the 1-sigma band for touch.breakout_minutes"),
        ),
        c(
            "breakout_ts",
            T::Timestamp,
            "",
            UTC,
            format!("{w}: when the first breakout completed"),
        ),
        c(
            "close_position",
            T::String,
            "",
            "",
            format!("{w}: last ES price against the 1-sigma band: inside, above, below"),
        ),
        c(
            "closed_inside",
            T::Bool,
            "",
            "",
            format!("{w}: whether the window closed inside its 1-sigma band"),
        ),
    ]);
}

/// The columns of `MASTER_OUTPUT` for `config`, in order.
pub fn master_columns(config: &MasterConfig) -> Vec<ColumnSpec> {
    let mut cols = vec![
        ColumnSpec::new(
            "trade_date",
            T::Date,
            "",
            NY,
            "the trade date (NYSE trading day)",
        ),
        ColumnSpec::new(
            "model_version",
            T::String,
            "",
            "",
            "versioning.model_version",
        ),
        ColumnSpec::new(
            "config_hash",
            T::String,
            "",
            "",
            "SHA-256 of the canonical configuration",
        ),
        ColumnSpec::new(
            "es_contract",
            T::String,
            "",
            "",
            "ES front month of the trade date (e.g. ESU24)",
        ),
        ColumnSpec::new(
            "es_bars",
            T::Int,
            "count",
            "",
            "ES one-minute bars of the trade date",
        ),
        ColumnSpec::new(
            "es_open",
            T::Float,
            PTS,
            "",
            "open of the trade date's first ES bar",
        ),
        ColumnSpec::new(
            "es_high",
            T::Float,
            PTS,
            "",
            "highest ES bar high of the trade date",
        ),
        ColumnSpec::new(
            "es_low",
            T::Float,
            PTS,
            "",
            "lowest ES bar low of the trade date",
        ),
        ColumnSpec::new(
            "es_close",
            T::Float,
            PTS,
            "",
            "close of the trade date's last ES bar",
        ),
        ColumnSpec::new(
            "es_volume",
            T::Int,
            "contracts",
            "",
            "ES contracts traded in the bars",
        ),
        ColumnSpec::new(
            "vwap",
            T::Float,
            PTS,
            "",
            "ES VWAP of the trade date from vwap_source",
        ),
        ColumnSpec::new(
            "vwap_source",
            T::String,
            "",
            "",
            "rtvolume (IB RTVolume VWAP) or computed (from trades; from bars: typical price x volume)",
        ),
        ColumnSpec::new(
            "vwap_computed",
            T::Float,
            PTS,
            "",
            "ES VWAP computed from the trade date's trades (or bars)",
        ),
        ColumnSpec::new(
            "vwap_rtvolume",
            T::Float,
            PTS,
            "",
            "IB RTVolume VWAP at the last bar",
        ),
        ColumnSpec::new(
            "vwap_diff",
            T::Float,
            PTS,
            "",
            "vwap_rtvolume - vwap_computed",
        ),
        ColumnSpec::new(
            "ranges_input",
            T::String,
            "",
            "",
            "trades or bars: what the range windows were fed",
        ),
        ColumnSpec::new(
            "ranges_ticks",
            T::Int,
            "count",
            "",
            "ES prices fed to the range windows (four per bar)",
        ),
        ColumnSpec::new(
            "spx_open",
            T::Float,
            PTS,
            "",
            "first SPX value at or after 09:30 ET (input)",
        ),
        ColumnSpec::new("spx_open_ts", T::Timestamp, "", UTC, "instant of spx_open"),
        ColumnSpec::new(
            "basis_at_open",
            T::Float,
            PTS,
            "",
            "ES - SPX at the SPX open",
        ),
    ];
    window_columns("morning", &mut cols);
    window_columns("afternoon", &mut cols);
    for w in &config.iv_rv.windows {
        let n = &w.name;
        cols.push(ColumnSpec::new(
            format!("rv_{n}_bars"),
            T::Int,
            "count",
            "",
            format!("ES one-minute bars in the `{n}` window ({})", w.range),
        ));
        cols.push(ColumnSpec::new(
            format!("rv_{n}_c2c"),
            T::Float,
            VOL,
            "",
            format!(
                "close-to-close realized volatility of the `{n}` window (252 x 1380 periods/year)"
            ),
        ));
        cols.push(ColumnSpec::new(
            format!("rv_{n}_parkinson"),
            T::Float,
            VOL,
            "",
            format!("Parkinson realized volatility of the `{n}` window"),
        ));
        for p in &config.iv_rv.percentiles {
            for est in ["c2c", "parkinson"] {
                cols.push(ColumnSpec::new(
                    format!("rv_{n}_{est}_rank_{p}"),
                    T::Float,
                    PCT,
                    "",
                    format!("percentile rank of rv_{n}_{est} against the previous {p} trade dates (ties half)"),
                ));
            }
        }
    }
    cols.extend(option_columns(config));
    cols.extend(gex_columns());
    cols.extend(pending_columns(config));
    cols.push(ColumnSpec::new(
        "quality_flags",
        T::String,
        "",
        "",
        "checks that found something on the trade date, e.g. missing_minutes|outlier (see VALIDATION_REPORT)",
    ));
    cols.push(ColumnSpec::new(
        "findings",
        T::Int,
        "count",
        "",
        "findings of the trade date in VALIDATION_REPORT",
    ));
    cols
}

/// Columns of `RANGE_TOUCHES`.
pub fn touch_columns() -> Vec<ColumnSpec> {
    vec![
        ColumnSpec::new("trade_date", T::Date, "", NY, "the trade date"),
        ColumnSpec::new("window", T::String, "", "", "morning or afternoon"),
        ColumnSpec::new("level", T::String, "", "", "+2s, +1s, -1s or -2s"),
        ColumnSpec::new("ts", T::Timestamp, "", UTC, "when the touch was counted"),
        ColumnSpec::new("price", T::Float, PTS, "", "the ES price that touched"),
        ColumnSpec::new(
            "level_price",
            T::Float,
            PTS,
            "",
            "the band's level at that moment",
        ),
    ]
}

/// Columns of `RV_WINDOWS`.
pub fn rv_columns(config: &MasterConfig) -> Vec<ColumnSpec> {
    let mut cols = vec![
        ColumnSpec::new("trade_date", T::Date, "", NY, "the trade date"),
        ColumnSpec::new("window", T::String, "", "", "iv_rv.windows name"),
        ColumnSpec::new("from", T::Timestamp, "", UTC, "first instant of the window"),
        ColumnSpec::new(
            "to",
            T::Timestamp,
            "",
            UTC,
            "first instant after the window",
        ),
        ColumnSpec::new(
            "bars",
            T::Int,
            "count",
            "",
            "ES one-minute bars starting in the window",
        ),
        ColumnSpec::new(
            "c2c",
            T::Float,
            VOL,
            "",
            "close-to-close realized volatility",
        ),
        ColumnSpec::new(
            "parkinson",
            T::Float,
            VOL,
            "",
            "Parkinson realized volatility",
        ),
    ];
    for p in &config.iv_rv.percentiles {
        for est in ["c2c", "parkinson"] {
            cols.push(ColumnSpec::new(
                format!("{est}_rank_{p}"),
                T::Float,
                PCT,
                "",
                format!("percentile rank of {est} against the previous {p} trade dates"),
            ));
        }
    }
    cols
}

/// Columns of `VALIDATION_REPORT`.
pub fn report_columns() -> Vec<ColumnSpec> {
    vec![
        ColumnSpec::new(
            "trade_date",
            T::Date,
            "",
            NY,
            "the trade date (empty when unknown)",
        ),
        ColumnSpec::new(
            "check",
            T::String,
            "",
            "",
            "missing_minutes, duplicate, out_of_order, invalid_bar, outlier, stale, holiday, early_close, basis_out_of_bounds, oi_conflict, stale_quote, unreadable (day skipped or a value left empty) or missing_day (a trading day in range without ES input, skipped)",
        ),
        ColumnSpec::new("source_file", T::String, "", "", "the input file"),
        ColumnSpec::new(
            "record",
            T::String,
            "",
            "",
            "#record index or line, or an instant",
        ),
        ColumnSpec::new(
            "detail",
            T::String,
            "",
            "",
            "what was found, with values and New York times",
        ),
    ]
}

/// What the bars of a built day give the row.
#[derive(Debug, Clone, PartialEq)]
pub struct BarStats {
    /// Front-month symbol.
    pub contract: String,
    /// Bars.
    pub bars: usize,
    /// OHLC of the day, points.
    pub ohlc: [f64; 4],
    /// Contracts.
    pub volume: u64,
}

fn window_values(w: &WindowSummary, row: &mut Vec<Value>) {
    let lv = |i: usize| Value::float(w.levels.map(|l| l[i]));
    row.extend([
        Value::Str(w.reference.name().to_owned()),
        Value::Ts(w.start),
        Value::Ts(w.end),
        Value::float(w.centre),
        Value::float(w.sigma),
        Value::float(w.half_width_1s),
        Value::ts(w.width_set_at),
        lv(0),
        lv(1),
        lv(2),
        lv(3),
        Value::ts(w.first_touch),
        Value::Int(i64::from(w.touches)),
        Value::str(w.breakout.map(|b| b.0)),
        Value::ts(w.breakout.map(|b| b.1)),
        Value::str(w.position),
        Value::bool(w.closed_inside),
    ]);
}

fn int(x: u64) -> Value {
    i64::try_from(x).map_or(Value::Null, Value::Int)
}

/// One `MASTER_OUTPUT` row (same order as [`master_columns`]).
#[allow(clippy::too_many_arguments)]
pub fn master_row(
    config: &MasterConfig,
    config_hash: &str,
    date: Date,
    bars: &BarStats,
    ranges: &RangeSummary,
    rv: Option<&RvDay>,
    options: Option<&OptionValues>,
    gex: &super::gex_day::GexValues,
    flags: String,
    findings: usize,
) -> Vec<Value> {
    let mut row = vec![
        Value::Date(date),
        Value::Str(config.versioning.model_version.clone()),
        Value::Str(config_hash.to_owned()),
        Value::Str(bars.contract.clone()),
        int(bars.bars as u64),
        Value::Float(bars.ohlc[0]),
        Value::Float(bars.ohlc[1]),
        Value::Float(bars.ohlc[2]),
        Value::Float(bars.ohlc[3]),
        int(bars.volume),
        Value::float(ranges.vwap),
        Value::Str(ranges.vwap_source.to_owned()),
        Value::float(ranges.vwap_computed),
        Value::float(ranges.vwap_rtvolume),
        Value::float(ranges.vwap_diff),
        Value::Str(ranges.input.as_str().to_owned()),
        int(ranges.ticks),
        Value::float(ranges.spx_open),
        Value::ts(ranges.spx_open_ts),
        Value::float(ranges.basis_at_open),
    ];
    window_values(&ranges.morning, &mut row);
    window_values(&ranges.afternoon, &mut row);
    let n_pct = config.iv_rv.percentiles.len();
    for w in &config.iv_rv.windows {
        match rv.and_then(|d| d.window(&w.name)) {
            Some(r) => {
                row.push(int(r.bars as u64));
                row.push(Value::float(r.close_to_close));
                row.push(Value::float(r.parkinson));
                for i in 0..n_pct {
                    row.push(Value::float(
                        r.close_to_close_rank.get(i).copied().flatten(),
                    ));
                    row.push(Value::float(r.parkinson_rank.get(i).copied().flatten()));
                }
            }
            None => row.extend(std::iter::repeat_n(Value::Null, 3 + 2 * n_pct)),
        }
    }
    let none = OptionValues::default();
    let o = options.unwrap_or(&none);
    for i in 0..config.iv_rv.windows.len() {
        let (mean, end) = o.iv.get(i).copied().unwrap_or((None, None));
        row.push(Value::float(mean));
        row.push(Value::float(end));
    }
    row.extend([
        Value::float(o.skew),
        o.oi_expiry.map_or(Value::Null, Value::Date),
        o.oi_calls.map_or(Value::Null, int),
        o.oi_puts.map_or(Value::Null, int),
        Value::float(o.oi_ratio),
    ]);
    row.extend([
        Value::float(gex.gexbot),
        Value::float(gex.own),
        Value::float(gex.offset),
        Value::float(gex.diff),
    ]);
    row.extend(std::iter::repeat_n(
        Value::Null,
        pending_columns(config).len(),
    ));
    row.push(Value::Str(flags));
    row.push(int(findings as u64));
    row
}

/// The `RV_WINDOWS` rows of a day.
pub fn rv_rows(config: &MasterConfig, day: &RvDay) -> Vec<Vec<Value>> {
    let n_pct = config.iv_rv.percentiles.len();
    day.windows
        .iter()
        .map(|w| {
            let mut row = vec![
                Value::Date(day.trade_date),
                Value::Str(w.name.clone()),
                Value::Ts(w.from),
                Value::Ts(w.to),
                int(w.bars as u64),
                Value::float(w.close_to_close),
                Value::float(w.parkinson),
            ];
            for i in 0..n_pct {
                row.push(Value::float(
                    w.close_to_close_rank.get(i).copied().flatten(),
                ));
                row.push(Value::float(w.parkinson_rank.get(i).copied().flatten()));
            }
            row
        })
        .collect()
}

/// The `RANGE_TOUCHES` rows of a day.
pub fn touch_rows(day: &RangeSummary) -> Vec<Vec<Value>> {
    day.touches
        .iter()
        .map(|t| {
            vec![
                Value::Date(day.trade_date),
                Value::Str(t.window.to_owned()),
                Value::Str(level_name(t.level).to_owned()),
                Value::Ts(t.ts),
                Value::Float(t.price),
                Value::Float(t.level_price),
            ]
        })
        .collect()
}

/// ASCII names of the engine's level labels (`+2σ` → `+2s`, `−1σ` → `-1s`).
pub fn level_name(label: &str) -> &'static str {
    match label {
        "+2σ" => "+2s",
        "+1σ" => "+1s",
        "−1σ" => "-1s",
        "−2σ" => "-2s",
        _ => "ref",
    }
}
