//! The named, parameterised queries: what the server offers instead of arbitrary SQL.
//!
//! The flow queries (`net-delta-by-strike`, `flow-series`, `premium-by-side`, `top-trades`) read
//! one New York trade day of `flow_v` (see [`crate::tables`]): the `date` parameter becomes
//! equality filters on the partition columns, so DataFusion lists and reads only that day's
//! directory, and `from`/`to` (New York wall-clock times, converted to UTC nanoseconds with the
//! bundled tz database) bound `ts_event`. Prints the engine excluded from flow (`excluded`:
//! cancelled, compression, ...) are left out. Optional filters: `root` and `underlying`.
//!
//! The lake queries serve a history browser: `lake-dates` lists the trade dates of `flow` and
//! `chain`; `chain-minutes` the one-minute snapshots of one root on one day; `chain-at` the strike
//! grid of the last snapshot at or before a New York time (calls and puts pivoted to one row per
//! strike, the window of `strikes` strikes on each side of the underlying price). Rows that a
//! compaction interrupted between writing and removing files shows twice count once in the chain
//! queries (maxima and distinct counts).
//!
//! Parameters are parsed into typed values first ([`ParamSpec`]) and reach DataFusion as
//! placeholder values (`$1`, `$2`, ...); the SQL text is assembled only from constant fragments,
//! plus the `limit` of `top-trades` and `lake-dates` written from its parsed integer. An empty
//! value of an optional parameter counts as absent.
//!
//! Times in the results are `TIMESTAMP`s in the America/New_York zone (text and JSON:
//! `2025-06-09T09:30:00-04:00`); premiums are US$ as DOUBLE, summed exactly as decimals first.

use std::collections::BTreeMap;

use datafusion::scalar::ScalarValue;
use serde::Serialize;

use crate::error::{AnalyticsError, Result};
use crate::params::{
    AT, BUCKET, DATE, DAYS, EXPIRY, FROM, LIMIT, ParamSpec, ParamValue, ROOT, ROOT_REQUIRED,
    STRIKES, TO, UNDERLYING, new_york_instant,
};

/// One column of a named query's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ColumnSpec {
    /// Its name.
    pub name: &'static str,
    /// Its SQL type (`DOUBLE`, `BIGINT`, `VARCHAR`, `TIMESTAMP`, `BOOLEAN`, `DATE`).
    pub sql_type: &'static str,
    /// What it holds.
    pub description: &'static str,
}

/// A named query's documentation: the catalog entry served in the OpenAPI document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QuerySpec {
    /// The name (`net-delta-by-strike`, ...).
    pub name: &'static str,
    /// One line on what it returns.
    pub summary: &'static str,
    /// Its parameters.
    pub params: &'static [ParamSpec],
    /// The columns of its rows, in order.
    pub columns: &'static [ColumnSpec],
    /// The row order.
    pub order: &'static str,
}

/// The named queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NamedQuery {
    /// Volume, signed delta notional and premium per (underlying, strike).
    NetDeltaByStrike,
    /// Flow per time bucket.
    FlowSeries,
    /// Premium per aggressor side.
    PremiumBySide,
    /// The largest prints by premium.
    TopTrades,
    /// The trade dates in the lake, newest first.
    LakeDates,
    /// The chain snapshot minutes of one root on one day.
    ChainMinutes,
    /// One chain snapshot as a strike grid.
    ChainAt,
}

/// The filter parameters every query takes.
const COMMON: [ParamSpec; 5] = [DATE, FROM, TO, ROOT, UNDERLYING];

const fn col(name: &'static str, sql_type: &'static str, description: &'static str) -> ColumnSpec {
    ColumnSpec {
        name,
        sql_type,
        description,
    }
}

const NET_DELTA_COLUMNS: &[ColumnSpec] = &[
    col("underlying", "VARCHAR", "underlying (I:SPX, SPY, ...)"),
    col("strike", "DOUBLE", "strike, underlying units"),
    col("call_volume", "BIGINT", "call contracts traded"),
    col("put_volume", "BIGINT", "put contracts traded"),
    col(
        "call_net_delta",
        "DOUBLE",
        "sum of the calls' signed size × delta × multiplier",
    ),
    col(
        "put_net_delta",
        "DOUBLE",
        "sum of the puts' signed size × delta × multiplier",
    ),
    col(
        "net_delta",
        "DOUBLE",
        "call_net_delta + put_net_delta (unknown deltas count 0)",
    ),
    col("premium", "DOUBLE", "premium traded, US$"),
    col("trades", "BIGINT", "prints"),
];

const SERIES_COLUMNS: &[ColumnSpec] = &[
    col(
        "bucket_start",
        "TIMESTAMP",
        "start of the bucket, New York time",
    ),
    col("trades", "BIGINT", "prints"),
    col("volume", "BIGINT", "contracts"),
    col("call_volume", "BIGINT", "call contracts"),
    col("put_volume", "BIGINT", "put contracts"),
    col("buy_volume", "BIGINT", "contracts bought (aggressor B)"),
    col("sell_volume", "BIGINT", "contracts sold (aggressor S)"),
    col("premium", "DOUBLE", "premium, US$"),
    col("call_premium", "DOUBLE", "call premium, US$"),
    col("put_premium", "DOUBLE", "put premium, US$"),
    col(
        "net_delta",
        "DOUBLE",
        "sum of signed size × delta × multiplier",
    ),
];

const SIDE_COLUMNS: &[ColumnSpec] = &[
    col(
        "side",
        "VARCHAR",
        "buy, sell or unknown (the inferred aggressor)",
    ),
    col("trades", "BIGINT", "prints"),
    col("volume", "BIGINT", "contracts"),
    col("premium", "DOUBLE", "premium, US$"),
    col("call_premium", "DOUBLE", "call premium, US$"),
    col("put_premium", "DOUBLE", "put premium, US$"),
];

const TOP_COLUMNS: &[ColumnSpec] = &[
    col("ts_event", "TIMESTAMP", "exchange time, New York"),
    col(
        "option_symbol",
        "VARCHAR",
        "Polygon form, O:SPXW250609C06000000",
    ),
    col("root", "VARCHAR", "option root"),
    col("expiry", "DATE", "expiration date"),
    col("option_right", "VARCHAR", "C or P"),
    col("strike", "DOUBLE", "strike"),
    col("price", "DOUBLE", "premium per unit"),
    col("size", "BIGINT", "contracts"),
    col("premium", "DOUBLE", "price × size × multiplier, US$"),
    col("aggressor", "VARCHAR", "B buy, S sell, N unknown"),
    col("exchange", "INT", "vendor venue id"),
    col(
        "conditions",
        "VARCHAR",
        "vendor condition codes, comma-joined",
    ),
    col("iv", "DOUBLE", "implied volatility (null if unknown)"),
    col("delta", "DOUBLE", "delta (null if unknown)"),
    col(
        "net_delta_impact",
        "DOUBLE",
        "signed size × delta × multiplier",
    ),
    col("sweep", "BOOLEAN", "intermarket sweep"),
    col("seq", "BIGINT", "the lake's sequence number"),
];

const LAKE_DATES_COLUMNS: &[ColumnSpec] = &[
    col(
        "date",
        "DATE",
        "New York trade date (a day partition of flow or chain)",
    ),
    col(
        "prints",
        "BIGINT",
        "prints stored that day (excluded prints are not counted)",
    ),
    col(
        "chain_minutes",
        "BIGINT",
        "distinct one-minute chain snapshot times that day (all roots)",
    ),
];

const CHAIN_MINUTES_COLUMNS: &[ColumnSpec] = &[
    col(
        "time_new_york",
        "VARCHAR",
        "snapshot minute, New York HH:MM",
    ),
    col("ts", "TIMESTAMP", "snapshot time, New York"),
    col("contracts", "BIGINT", "contracts in the snapshot"),
    col(
        "underlying_price",
        "DOUBLE",
        "underlying price at the snapshot (null if unknown)",
    ),
];

const CHAIN_AT_COLUMNS: &[ColumnSpec] = &[
    col(
        "time_new_york",
        "VARCHAR",
        "snapshot minute, New York HH:MM",
    ),
    col("ts", "TIMESTAMP", "snapshot time, New York"),
    col("expiry", "DATE", "expiration date"),
    col("strike", "DOUBLE", "strike, underlying units"),
    col(
        "underlying_price",
        "DOUBLE",
        "underlying price at the snapshot (null if unknown)",
    ),
    col(
        "call_volume",
        "BIGINT",
        "call contracts traded since the session start (null: no call in the snapshot)",
    ),
    col(
        "put_volume",
        "BIGINT",
        "put contracts traded since the session start",
    ),
    col(
        "call_premium",
        "DOUBLE",
        "call premium traded since the session start, US$",
    ),
    col(
        "put_premium",
        "DOUBLE",
        "put premium traded since the session start, US$",
    ),
    col(
        "call_net_delta",
        "DOUBLE",
        "signed size × delta × multiplier of the day's directional call prints",
    ),
    col(
        "put_net_delta",
        "DOUBLE",
        "signed size × delta × multiplier of the day's directional put prints",
    ),
    col(
        "call_iv",
        "DOUBLE",
        "call implied volatility of the mid (null if unknown)",
    ),
    col(
        "put_iv",
        "DOUBLE",
        "put implied volatility of the mid (null if unknown)",
    ),
    col("call_oi", "BIGINT", "call open interest"),
    col("put_oi", "BIGINT", "put open interest"),
    col(
        "call_gex",
        "DOUBLE",
        "call GEX from open interest, US$ per 1 % move",
    ),
    col(
        "put_gex",
        "DOUBLE",
        "put GEX from open interest, US$ per 1 % move",
    ),
    col(
        "gex",
        "DOUBLE",
        "call_gex + put_gex (an unknown side counts 0; null if both are)",
    ),
    col(
        "gex_flow",
        "DOUBLE",
        "GEX from the day's signed flow, calls + puts, US$ per 1 % move",
    ),
];

const NET_DELTA: QuerySpec = QuerySpec {
    name: "net-delta-by-strike",
    summary: "Volume, signed delta notional and premium per strike over a New York time range",
    params: &COMMON,
    columns: NET_DELTA_COLUMNS,
    order: "underlying, strike ascending",
};

const SERIES_PARAMS: [ParamSpec; 6] = [DATE, BUCKET, FROM, TO, ROOT, UNDERLYING];
const SERIES: QuerySpec = QuerySpec {
    name: "flow-series",
    summary: "Flow per time bucket: prints, volume by right and side, premium, net delta",
    params: &SERIES_PARAMS,
    columns: SERIES_COLUMNS,
    order: "bucket_start ascending; buckets without prints are absent",
};

const SIDE: QuerySpec = QuerySpec {
    name: "premium-by-side",
    summary: "Premium and volume per inferred aggressor side",
    params: &COMMON,
    columns: SIDE_COLUMNS,
    order: "buy, sell, unknown (sides without prints are absent)",
};

const TOP_PARAMS: [ParamSpec; 6] = [DATE, LIMIT, FROM, TO, ROOT, UNDERLYING];
const TOP: QuerySpec = QuerySpec {
    name: "top-trades",
    summary: "The largest prints by premium",
    params: &TOP_PARAMS,
    columns: TOP_COLUMNS,
    order: "premium descending, then sequence number ascending",
};

const LAKE_DATES_PARAMS: [ParamSpec; 1] = [DAYS];
const LAKE_DATES: QuerySpec = QuerySpec {
    name: "lake-dates",
    summary: "The trade dates in the lake (flow or chain), with the prints and chain snapshot minutes of each",
    params: &LAKE_DATES_PARAMS,
    columns: LAKE_DATES_COLUMNS,
    order: "date descending (newest first)",
};

const CHAIN_MINUTES_PARAMS: [ParamSpec; 3] = [DATE, ROOT_REQUIRED, EXPIRY];
const CHAIN_MINUTES: QuerySpec = QuerySpec {
    name: "chain-minutes",
    summary: "The one-minute chain snapshots of a root on a trade date",
    params: &CHAIN_MINUTES_PARAMS,
    columns: CHAIN_MINUTES_COLUMNS,
    order: "ts ascending",
};

const CHAIN_AT_PARAMS: [ParamSpec; 5] = [DATE, ROOT_REQUIRED, AT, STRIKES, EXPIRY];
const CHAIN_AT: QuerySpec = QuerySpec {
    name: "chain-at",
    summary: "The strike grid of the last chain snapshot at or before a New York time: cumulative volume, premium, net delta, IV, OI and GEX of calls and puts per strike",
    params: &CHAIN_AT_PARAMS,
    columns: CHAIN_AT_COLUMNS,
    order: "strike descending (high to low)",
};

/// The filter every flow query applies (the placeholders `$1`–`$5` are bound by
/// [`NamedQuery::bind`]).
const DAY_FILTER: &str = "year = $1 AND month = $2 AND day = $3 \
     AND ts_event >= $4 AND ts_event < $5 AND NOT excluded";

/// `ts` as a New York timestamp.
const NEW_YORK: &str = "AT TIME ZONE 'America/New_York'";

impl NamedQuery {
    /// Every named query.
    pub const ALL: [NamedQuery; 7] = [
        NamedQuery::NetDeltaByStrike,
        NamedQuery::FlowSeries,
        NamedQuery::PremiumBySide,
        NamedQuery::TopTrades,
        NamedQuery::LakeDates,
        NamedQuery::ChainMinutes,
        NamedQuery::ChainAt,
    ];

    /// The query's documentation.
    pub const fn spec(self) -> &'static QuerySpec {
        match self {
            Self::NetDeltaByStrike => &NET_DELTA,
            Self::FlowSeries => &SERIES,
            Self::PremiumBySide => &SIDE,
            Self::TopTrades => &TOP,
            Self::LakeDates => &LAKE_DATES,
            Self::ChainMinutes => &CHAIN_MINUTES,
            Self::ChainAt => &CHAIN_AT,
        }
    }

    /// The query's name (`net-delta-by-strike`, `flow-series`, `premium-by-side`, `top-trades`,
    /// `lake-dates`, `chain-minutes`, `chain-at`).
    pub const fn name(self) -> &'static str {
        self.spec().name
    }

    /// Every query's documentation, in [`NamedQuery::ALL`] order.
    pub fn catalog() -> Vec<&'static QuerySpec> {
        Self::ALL.iter().map(|q| q.spec()).collect()
    }

    /// The query named `name`.
    pub fn from_name(name: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|q| q.name() == name)
            .ok_or_else(|| AnalyticsError::UnknownQuery {
                name: name.to_owned(),
                known: Self::ALL.map(Self::name).join(", "),
            })
    }

    /// Checks and parses `params`, and returns the SQL with its placeholder values.
    pub fn bind(self, params: &BTreeMap<String, String>) -> Result<BoundQuery> {
        let spec = self.spec();
        let query = spec.name;
        if let Some(unknown) = params
            .keys()
            .find(|k| !spec.params.iter().any(|p| p.name == *k))
        {
            return Err(AnalyticsError::UnknownParameter {
                query,
                parameter: unknown.clone(),
                known: spec
                    .params
                    .iter()
                    .map(|p| p.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        // The text of each parameter: given (non-empty), else its default.
        let text = |p: &ParamSpec| -> Option<&str> {
            params
                .get(p.name)
                .map(String::as_str)
                .filter(|t| !t.is_empty())
                .or(p.default)
        };
        let mut values: Values<'_> = BTreeMap::new();
        for p in spec.params {
            match text(p) {
                Some(t) => {
                    values.insert(p.name, (t, p.parse(query, t)?));
                }
                None if p.required => {
                    return Err(AnalyticsError::MissingParameter {
                        query,
                        parameter: p.name,
                    });
                }
                None => {}
            }
        }
        let flow = match self {
            Self::LakeDates => return Ok(lake_dates(integer(&values, &DAYS))),
            Self::ChainMinutes | Self::ChainAt => return self.bind_chain(&values),
            Self::NetDeltaByStrike => FlowQuery::NetDeltaByStrike,
            Self::FlowSeries => FlowQuery::FlowSeries,
            Self::PremiumBySide => FlowQuery::PremiumBySide,
            Self::TopTrades => FlowQuery::TopTrades,
        };
        let Some((_, ParamValue::Date(date))) = values.get(DATE.name).copied() else {
            return Err(AnalyticsError::MissingParameter {
                query,
                parameter: DATE.name,
            });
        };
        let instant = |p: &ParamSpec| -> Result<i64> {
            match values.get(p.name).copied() {
                Some((t, ParamValue::TimeOfDay(time))) => new_york_instant(query, p, t, date, time),
                _ => Err(AnalyticsError::MissingParameter {
                    query,
                    parameter: p.name,
                }),
            }
        };
        let (start, end) = (instant(&FROM)?, instant(&TO)?);
        if start >= end {
            return Err(AnalyticsError::InvalidParameter {
                query,
                parameter: TO.name,
                value: params.get(TO.name).cloned().unwrap_or_default(),
                expected: "a time after `from`".to_owned(),
            });
        }

        let mut binds = vec![
            ScalarValue::Utf8(Some(format!("{:04}", date.year()))),
            ScalarValue::Utf8(Some(format!("{:02}", date.month()))),
            ScalarValue::Utf8(Some(format!("{:02}", date.day()))),
            utc_timestamp(start),
            utc_timestamp(end),
        ];
        let mut filter = DAY_FILTER.to_owned();
        if let Some((_, ParamValue::Root(root))) = values.get(ROOT.name).copied() {
            binds.push(ScalarValue::Utf8(Some(root.as_str().to_owned())));
            filter.push_str(&format!(" AND root = ${}", binds.len()));
        }
        if let Some((_, ParamValue::Underlying(u))) = values.get(UNDERLYING.name).copied() {
            binds.push(ScalarValue::Utf8(Some(u.to_string())));
            filter.push_str(&format!(" AND underlying = ${}", binds.len()));
        }
        let sql = match flow {
            FlowQuery::NetDeltaByStrike => format!(
                "SELECT underlying, strike,
                    SUM(CASE WHEN option_right = 'C' THEN size ELSE 0 END) AS call_volume,
                    SUM(CASE WHEN option_right = 'P' THEN size ELSE 0 END) AS put_volume,
                    COALESCE(SUM(CASE WHEN option_right = 'C' THEN net_delta_impact END), 0.0) AS call_net_delta,
                    COALESCE(SUM(CASE WHEN option_right = 'P' THEN net_delta_impact END), 0.0) AS put_net_delta,
                    COALESCE(SUM(net_delta_impact), 0.0) AS net_delta,
                    CAST(SUM(premium) AS DOUBLE) AS premium,
                    COUNT(*) AS trades
                 FROM flow_v WHERE {filter}
                 GROUP BY underlying, strike ORDER BY underlying, strike"
            ),
            FlowQuery::FlowSeries => {
                // Bucket k starts at New York midnight + k × bucket.
                let midnight = new_york_instant(
                    query,
                    &DATE,
                    &date.to_string(),
                    date,
                    Some(jiff::civil::Time::midnight()),
                )?;
                binds.push(ScalarValue::Int64(Some(midnight)));
                let origin = binds.len();
                binds.push(ScalarValue::Int64(Some(integer(&values, &BUCKET) * 1_000_000_000)));
                let width = binds.len();
                format!(
                    "SELECT to_timestamp_nanos(${origin} + (CAST(ts_event AS BIGINT) - ${origin}) / ${width} * ${width})
                        AT TIME ZONE 'UTC' {NEW_YORK} AS bucket_start,
                        COUNT(*) AS trades,
                        SUM(size) AS volume,
                        SUM(CASE WHEN option_right = 'C' THEN size ELSE 0 END) AS call_volume,
                        SUM(CASE WHEN option_right = 'P' THEN size ELSE 0 END) AS put_volume,
                        SUM(CASE WHEN aggressor = 'B' THEN size ELSE 0 END) AS buy_volume,
                        SUM(CASE WHEN aggressor = 'S' THEN size ELSE 0 END) AS sell_volume,
                        CAST(SUM(premium) AS DOUBLE) AS premium,
                        CAST(COALESCE(SUM(CASE WHEN option_right = 'C' THEN premium END), 0) AS DOUBLE) AS call_premium,
                        CAST(COALESCE(SUM(CASE WHEN option_right = 'P' THEN premium END), 0) AS DOUBLE) AS put_premium,
                        COALESCE(SUM(net_delta_impact), 0.0) AS net_delta
                     FROM flow_v WHERE {filter}
                     GROUP BY 1 ORDER BY 1"
                )
            }
            FlowQuery::PremiumBySide => format!(
                "SELECT CASE aggressor WHEN 'B' THEN 'buy' WHEN 'S' THEN 'sell' ELSE 'unknown' END AS side,
                    COUNT(*) AS trades,
                    SUM(size) AS volume,
                    CAST(SUM(premium) AS DOUBLE) AS premium,
                    CAST(COALESCE(SUM(CASE WHEN option_right = 'C' THEN premium END), 0) AS DOUBLE) AS call_premium,
                    CAST(COALESCE(SUM(CASE WHEN option_right = 'P' THEN premium END), 0) AS DOUBLE) AS put_premium
                 FROM flow_v WHERE {filter}
                 GROUP BY 1 ORDER BY 1"
            ),
            FlowQuery::TopTrades => format!(
                "SELECT ts_event {NEW_YORK} AS ts_event, option_symbol, root, expiry, option_right,
                    strike, price, size, CAST(premium AS DOUBLE) AS premium, aggressor, exchange,
                    conditions, iv, delta, net_delta_impact, sweep, seq
                 FROM flow_v WHERE {filter}
                 ORDER BY premium DESC, seq ASC LIMIT {}",
                integer(&values, &LIMIT)
            ),
        };
        Ok(BoundQuery {
            query: self,
            sql,
            values: binds,
        })
    }
}

/// The queries over `flow_v` (one day, `from`/`to`).
#[derive(Debug, Clone, Copy)]
enum FlowQuery {
    NetDeltaByStrike,
    FlowSeries,
    PremiumBySide,
    TopTrades,
}

/// The parsed parameters of one query: name → (text, value).
type Values<'a> = BTreeMap<&'static str, (&'a str, ParamValue)>;

/// The integer value of `p` (0 when absent: integer parameters have defaults).
fn integer(values: &Values<'_>, p: &ParamSpec) -> i64 {
    match values.get(p.name).copied() {
        Some((_, ParamValue::Integer(n))) => n,
        _ => 0,
    }
}

/// `lake-dates`: the day partitions of `flow` and `chain`, newest first (the limit is written
/// from its parsed integer).
fn lake_dates(limit: i64) -> BoundQuery {
    let sql = format!(
        "WITH f AS (
            SELECT year, month, day, SUM(CASE WHEN excluded THEN 0 ELSE 1 END) AS prints
            FROM flow GROUP BY year, month, day
         ), c AS (
            SELECT year, month, day, COUNT(DISTINCT ts) AS chain_minutes
            FROM chain GROUP BY year, month, day
         )
         SELECT CAST(COALESCE(f.year, c.year) || '-' || COALESCE(f.month, c.month) || '-'
                || COALESCE(f.day, c.day) AS DATE) AS date,
            CAST(COALESCE(f.prints, 0) AS BIGINT) AS prints,
            CAST(COALESCE(c.chain_minutes, 0) AS BIGINT) AS chain_minutes
         FROM f FULL OUTER JOIN c ON f.year = c.year AND f.month = c.month AND f.day = c.day
         ORDER BY date DESC LIMIT {limit}"
    );
    BoundQuery {
        query: NamedQuery::LakeDates,
        sql,
        values: Vec::new(),
    }
}

impl NamedQuery {
    /// `chain-minutes` and `chain-at`: one root's snapshots on one New York day.
    fn bind_chain(self, values: &Values<'_>) -> Result<BoundQuery> {
        let query = self.name();
        let (Some((_, ParamValue::Date(date))), Some((_, ParamValue::Root(root)))) = (
            values.get(DATE.name).copied(),
            values.get(ROOT_REQUIRED.name).copied(),
        ) else {
            return Err(AnalyticsError::MissingParameter {
                query,
                parameter: if values.contains_key(DATE.name) {
                    ROOT_REQUIRED.name
                } else {
                    DATE.name
                },
            });
        };
        let mut binds = vec![
            ScalarValue::Utf8(Some(format!("{:04}", date.year()))),
            ScalarValue::Utf8(Some(format!("{:02}", date.month()))),
            ScalarValue::Utf8(Some(format!("{:02}", date.day()))),
            ScalarValue::Utf8(Some(root.as_str().to_owned())),
        ];
        let mut filter = "year = $1 AND month = $2 AND day = $3 AND root = $4".to_owned();
        if let Some((text, ParamValue::Date(expiry))) = values.get(EXPIRY.name).copied() {
            let days = expiry
                .duration_since(jiff::civil::date(1970, 1, 1))
                .as_secs()
                / 86_400;
            let days = i32::try_from(days).map_err(|_| AnalyticsError::InvalidParameter {
                query,
                parameter: EXPIRY.name,
                value: text.to_owned(),
                expected: "a date within the DATE column's range".to_owned(),
            })?;
            binds.push(ScalarValue::Date32(Some(days)));
            filter.push_str(&format!(" AND expiry = ${}", binds.len()));
        }
        let sql = match self {
            Self::ChainAt => {
                let at = match values.get(AT.name).copied() {
                    Some((text, ParamValue::TimeOfDay(time))) => {
                        new_york_instant(query, &AT, text, date, time)?
                    }
                    _ => {
                        return Err(AnalyticsError::MissingParameter {
                            query,
                            parameter: AT.name,
                        });
                    }
                };
                binds.push(utc_timestamp(at));
                let at = binds.len();
                let strikes = integer(values, &STRIKES);
                let window = if strikes > 0 {
                    binds.push(ScalarValue::Int64(Some(strikes)));
                    format!("WHERE u_raw IS NULL OR side_rank <= ${}", binds.len())
                } else {
                    String::new()
                };
                let call = |column: &str| {
                    format!("MAX(CASE WHEN a.option_right = 'C' THEN a.{column} END)")
                };
                let put = |column: &str| {
                    format!("MAX(CASE WHEN a.option_right = 'P' THEN a.{column} END)")
                };
                format!(
                    "WITH day_rows AS (SELECT * FROM chain WHERE {filter}),
                     snap AS (SELECT MAX(ts) AS ts FROM day_rows WHERE ts <= ${at}),
                     at_rows AS (SELECT d.* FROM day_rows d JOIN snap ON d.ts = snap.ts),
                     pick AS (SELECT MIN(expiry) AS expiry, MAX(underlying_price_raw) AS u_raw
                              FROM at_rows),
                     grid AS (
                        SELECT a.ts AS snap_ts, a.expiry AS expiry, a.strike_raw AS strike_raw,
                            pick.u_raw AS u_raw,
                            {cv} AS call_volume, {pv} AS put_volume,
                            {cp} AS call_premium, {pp} AS put_premium,
                            {cd} AS call_net_delta, {pd} AS put_net_delta,
                            {ci} AS call_iv, {pi} AS put_iv,
                            {co} AS call_oi, {po} AS put_oi,
                            {cg} AS call_gex, {pg} AS put_gex,
                            {cf} AS call_gex_flow, {pf} AS put_gex_flow
                        FROM at_rows a JOIN pick ON a.expiry = pick.expiry
                        GROUP BY a.ts, a.expiry, a.strike_raw, pick.u_raw
                     ),
                     ranked AS (
                        SELECT *, ROW_NUMBER() OVER (
                            PARTITION BY strike_raw <= u_raw
                            ORDER BY abs(strike_raw - u_raw), strike_raw) AS side_rank
                        FROM grid
                     )
                     SELECT to_char(snap_ts {NEW_YORK}, '%H:%M') AS time_new_york,
                        snap_ts {NEW_YORK} AS ts,
                        expiry,
                        CAST(strike_raw AS DOUBLE) / 1e9 AS strike,
                        CAST(u_raw AS DOUBLE) / 1e9 AS underlying_price,
                        call_volume, put_volume,
                        CAST(call_premium AS DOUBLE) AS call_premium,
                        CAST(put_premium AS DOUBLE) AS put_premium,
                        call_net_delta, put_net_delta, call_iv, put_iv, call_oi, put_oi,
                        call_gex, put_gex,
                        CASE WHEN call_gex IS NULL AND put_gex IS NULL THEN NULL
                             ELSE COALESCE(call_gex, 0.0) + COALESCE(put_gex, 0.0) END AS gex,
                        CASE WHEN call_gex_flow IS NULL AND put_gex_flow IS NULL THEN NULL
                             ELSE COALESCE(call_gex_flow, 0.0) + COALESCE(put_gex_flow, 0.0)
                        END AS gex_flow
                     FROM ranked {window}
                     ORDER BY strike_raw DESC",
                    cv = call("volume"),
                    pv = put("volume"),
                    cp = call("premium"),
                    pp = put("premium"),
                    cd = call("net_delta_notional"),
                    pd = put("net_delta_notional"),
                    ci = call("iv"),
                    pi = put("iv"),
                    co = call("open_interest"),
                    po = put("open_interest"),
                    cg = call("gex_oi"),
                    pg = put("gex_oi"),
                    cf = call("gex_flow"),
                    pf = put("gex_flow"),
                )
            }
            _ => format!(
                "SELECT to_char(snap_ts {NEW_YORK}, '%H:%M') AS time_new_york,
                    snap_ts {NEW_YORK} AS ts, contracts, underlying_price
                 FROM (
                    SELECT ts AS snap_ts, COUNT(DISTINCT option_symbol) AS contracts,
                        CAST(MAX(underlying_price_raw) AS DOUBLE) / 1e9 AS underlying_price
                    FROM chain WHERE {filter} GROUP BY ts
                 ) ORDER BY snap_ts"
            ),
        };
        Ok(BoundQuery {
            query: self,
            sql,
            values: binds,
        })
    }
}

/// A UTC timestamp literal of `ns` nanoseconds since the epoch (the type of `ts_event`).
fn utc_timestamp(ns: i64) -> ScalarValue {
    ScalarValue::TimestampNanosecond(Some(ns), Some("UTC".into()))
}

/// A named query with checked parameters: SQL text with placeholders and their values.
#[derive(Debug, Clone, PartialEq)]
pub struct BoundQuery {
    /// The query.
    pub query: NamedQuery,
    /// The SQL text (constant fragments and `$n` placeholders only).
    pub sql: String,
    /// The placeholder values, `$1` first.
    pub values: Vec<ScalarValue>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
