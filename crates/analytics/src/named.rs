//! The named, parameterised queries: what the server offers instead of arbitrary SQL.
//!
//! Every query reads one New York trade day of `flow_v` (see [`crate::tables`]): the `date`
//! parameter becomes equality filters on the partition columns, so DataFusion lists and reads only
//! that day's directory, and `from`/`to` (New York wall-clock times, converted to UTC nanoseconds
//! with the bundled tz database) bound `ts_event`. Prints the engine excluded from flow
//! (`excluded`: cancelled, compression, ...) are left out. Optional filters: `root` and
//! `underlying`.
//!
//! Parameters are parsed into typed values first ([`ParamSpec`]) and reach DataFusion as
//! placeholder values (`$1`, `$2`, ...); the SQL text is assembled only from constant fragments,
//! plus the `limit` of `top-trades` written from its parsed integer. An empty value of an optional
//! parameter counts as absent.
//!
//! Times in the results are `TIMESTAMP`s in the America/New_York zone (text and JSON:
//! `2025-06-09T09:30:00-04:00`); premiums are US$ as DOUBLE, summed exactly as decimals first.

use std::collections::BTreeMap;

use datafusion::scalar::ScalarValue;
use serde::Serialize;

use crate::error::{AnalyticsError, Result};
use crate::params::{
    BUCKET, DATE, FROM, LIMIT, ParamSpec, ParamValue, ROOT, TO, UNDERLYING, new_york_instant,
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

/// The filter every query applies (the placeholders `$1`–`$5` are bound by [`NamedQuery::bind`]).
const DAY_FILTER: &str = "year = $1 AND month = $2 AND day = $3 \
     AND ts_event >= $4 AND ts_event < $5 AND NOT excluded";

/// `ts` as a New York timestamp.
const NEW_YORK: &str = "AT TIME ZONE 'America/New_York'";

impl NamedQuery {
    /// Every named query.
    pub const ALL: [NamedQuery; 4] = [
        NamedQuery::NetDeltaByStrike,
        NamedQuery::FlowSeries,
        NamedQuery::PremiumBySide,
        NamedQuery::TopTrades,
    ];

    /// The query's documentation.
    pub const fn spec(self) -> &'static QuerySpec {
        match self {
            Self::NetDeltaByStrike => &NET_DELTA,
            Self::FlowSeries => &SERIES,
            Self::PremiumBySide => &SIDE,
            Self::TopTrades => &TOP,
        }
    }

    /// The query's name (`net-delta-by-strike`, `flow-series`, `premium-by-side`, `top-trades`).
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
        let mut values = BTreeMap::new();
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
        let integer = |p: &ParamSpec| match values.get(p.name).copied() {
            Some((_, ParamValue::Integer(n))) => n,
            _ => 0,
        };

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
        let sql = match self {
            Self::NetDeltaByStrike => format!(
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
            Self::FlowSeries => {
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
                binds.push(ScalarValue::Int64(Some(integer(&BUCKET) * 1_000_000_000)));
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
            Self::PremiumBySide => format!(
                "SELECT CASE aggressor WHEN 'B' THEN 'buy' WHEN 'S' THEN 'sell' ELSE 'unknown' END AS side,
                    COUNT(*) AS trades,
                    SUM(size) AS volume,
                    CAST(SUM(premium) AS DOUBLE) AS premium,
                    CAST(COALESCE(SUM(CASE WHEN option_right = 'C' THEN premium END), 0) AS DOUBLE) AS call_premium,
                    CAST(COALESCE(SUM(CASE WHEN option_right = 'P' THEN premium END), 0) AS DOUBLE) AS put_premium
                 FROM flow_v WHERE {filter}
                 GROUP BY 1 ORDER BY 1"
            ),
            Self::TopTrades => format!(
                "SELECT ts_event {NEW_YORK} AS ts_event, option_symbol, root, expiry, option_right,
                    strike, price, size, CAST(premium AS DOUBLE) AS premium, aggressor, exchange,
                    conditions, iv, delta, net_delta_impact, sweep, seq
                 FROM flow_v WHERE {filter}
                 ORDER BY premium DESC, seq ASC LIMIT {}",
                integer(&LIMIT)
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
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn names_round_trip() {
        for q in NamedQuery::ALL {
            assert_eq!(NamedQuery::from_name(q.name()).unwrap(), q);
        }
        let e = NamedQuery::from_name("drop-table").unwrap_err().to_string();
        assert!(e.contains("drop-table") && e.contains("top-trades"), "{e}");
        assert_eq!(NamedQuery::catalog().len(), 4);
    }

    #[test]
    fn values_are_bound_never_spliced() {
        let bound = NamedQuery::PremiumBySide
            .bind(&params(&[
                ("date", "2025-06-09"),
                ("root", "SPXW"),
                ("from", "09:30"),
            ]))
            .unwrap();
        assert!(
            !bound.sql.contains("SPXW") && !bound.sql.contains("2025"),
            "{}",
            bound.sql
        );
        assert!(bound.sql.contains("root = $6"), "{}", bound.sql);
        assert_eq!(bound.values[0], ScalarValue::Utf8(Some("2025".into())));
        assert_eq!(bound.values[1], ScalarValue::Utf8(Some("06".into())));
        assert_eq!(bound.values[2], ScalarValue::Utf8(Some("09".into())));
        assert_eq!(bound.values[3], utc_timestamp(1_749_475_800_000_000_000));
        assert_eq!(bound.values[5], ScalarValue::Utf8(Some("SPXW".into())));
    }

    #[test]
    fn bad_parameters_are_named() {
        let q = NamedQuery::TopTrades;
        let e = q.bind(&params(&[])).unwrap_err().to_string();
        assert!(e.contains("missing") && e.contains("\"date\""), "{e}");
        let e = q
            .bind(&params(&[("date", "2025-06-09"), ("limit", "5000")]))
            .unwrap_err();
        assert!(e.to_string().contains("\"limit\""), "{e}");
        let e = q
            .bind(&params(&[("date", "2025-06-09"), ("color", "red")]))
            .unwrap_err();
        assert!(
            e.to_string().contains("\"color\"") && e.to_string().contains("limit"),
            "{e}"
        );
        let e = q
            .bind(&params(&[
                ("date", "2025-06-09"),
                ("from", "10:00"),
                ("to", "09:00"),
            ]))
            .unwrap_err();
        assert!(e.to_string().contains("\"to\""), "{e}");
        // An empty optional value is absent.
        assert!(
            q.bind(&params(&[("date", "2025-06-09"), ("root", "")]))
                .is_ok()
        );
    }

    #[test]
    fn the_catalog_serialises() {
        let json = serde_json::to_value(NamedQuery::catalog()).unwrap();
        assert_eq!(json[1]["name"], "flow-series");
        assert_eq!(json[1]["params"][1]["name"], "bucket");
        assert_eq!(json[1]["params"][1]["kind"]["type"], "integer");
        assert_eq!(json[0]["params"][0]["required"], true);
    }
}
