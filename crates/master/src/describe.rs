//! `gammaflow master describe`: the builder's input and output schema as JSON, by the
//! `--describe` convention of the platform specs (an object with `description`, `input_schema`
//! and `output_schema`).
//!
//! * `input_schema`: the configuration file and one entry per input kind with its config key,
//!   the file globs looked for under it, the formats and what is read;
//! * `output_schema`: one entry per output file (name pattern, format, table) with the data
//!   dictionary's columns (`name`, `type`, `unit`, `time_zone`, `description`) for the
//!   configuration given (window names and percentile histories make columns).

use serde_json::{Value, json};

use crate::build::{
    MASTER_OUTPUT, OI_STRIKES, RANGE_TOUCHES, RV_WINDOWS, VALIDATION_REPORT, master_columns,
    oi_strike_columns, pending_columns, report_columns, rv_columns, touch_columns,
};
use crate::config::MasterConfig;
use crate::export::{ColumnSpec, file_stem};

fn columns(cols: &[ColumnSpec]) -> Value {
    serde_json::to_value(cols).unwrap_or(Value::Null)
}

/// The schema document for `config`.
pub fn describe(config: &MasterConfig) -> Value {
    let stem = file_stem(&config.versioning.model_version, &config.config_hash());
    let table = |name: &str, fmt: &str, cols: &[ColumnSpec], what: &str| {
        json!({
            "file": format!("{name}_{stem}.{fmt}"),
            "pattern": format!("{name}_<model_version>_<config_hash[..12]>[_<from>_<to>].{fmt}"),
            "format": fmt,
            "table": name,
            "description": what,
            "columns": columns(cols),
        })
    };
    let master = master_columns(config);
    json!({
        "name": "gammaflow master build",
        "description": "Historical ES/SPX dataset builder: one MASTER_OUTPUT row per trade date (ranges, VWAP, RV, 0DTE ATM IV and skew, OI, quality flags; GEX columns pending) plus intraday detail tables, reproducible byte for byte from the same inputs and config.",
        "version": env!("CARGO_PKG_VERSION"),
        "model_version": config.versioning.model_version,
        "config_hash": config.config_hash(),
        "input_schema": {
            "config": {
                "file": "config.yaml",
                "description": "the builder's configuration (spec 4.1); see crates/master/src/config.rs",
            },
            "inputs": [
                {
                    "kind": "es_databento",
                    "config_key": "paths.es",
                    "globs": ["**/*ohlcv-1m*/**/*.{dbn,dbn.zst,csv,csv.zst}", "**/*ohlcv-1m*.{dbn,dbn.zst,csv,csv.zst}",
                              "**/*trades*/**/*.{dbn,dbn.zst,csv,csv.zst}", "**/*trades*.{dbn,dbn.zst,csv,csv.zst}",
                              "**/*mbp-1*/**/*.{dbn,dbn.zst,csv,csv.zst}", "**/*mbp-1*.{dbn,dbn.zst,csv,csv.zst}"],
                    "formats": ["Databento DBN (v1-v3, plain or zstd)", "Databento CSV (plain or zstd)"],
                    "description": "ES futures: ohlcv-1m bars (RV, validators; trades or mbp-1 when no bars), trades / mbp-1 `T` records (range touches). The schema is taken from the file name or a directory name; the trade date from the first YYYY-MM-DD in the name. `gammaflow sim --out DIR` writes DIR/GLBX.MDP3/{trades,mbp-1,ohlcv-1m}/YYYY-MM-DD.dbn.zst.",
                },
                {
                    "kind": "ib_daily",
                    "config_key": "paths.ib (or paths.es)",
                    "globs": ["**/ES_YYYY-MM-DD.csv", "**/ES_YYYY-MM-DD.csv.zst"],
                    "formats": ["IB daily file v1 (crates/master/README.md)"],
                    "description": "IB-recorded ES: bar_1m / trade / rtvolume rows; RTVolume VWAP becomes vwap_source=rtvolume. Used for dates without Databento ES files.",
                },
                {
                    "kind": "opra",
                    "config_key": "paths.opra",
                    "globs": ["**/OPRA.PILLAR/{trades,cbbo,statistics,definition}/YYYY-MM-DD.{dbn.zst,csv.zst}"],
                    "formats": ["Databento DBN", "Databento CSV"],
                    "description": "SPX/SPXW options: 0DTE ATM IV, 25-delta skew and the put-call-parity SPX level (SPX open, band widths), open interest by strike. One directory per schema, one file per trade date.",
                },
                {
                    "kind": "gexbot",
                    "config_key": "paths.gex",
                    "globs": ["**/*.json", "**/*.csv"],
                    "formats": ["GEXBot history JSON", "CSV with configurable mapping"],
                    "description": "GEXBot levels for the gex_* columns (pending: not read by this version of the build).",
                },
            ],
        },
        "output_schema": {
            "directory": "--out, default paths.output",
            "files": [
                table(MASTER_OUTPUT, "csv", &master, "one row per trade date, sorted by trade_date"),
                table(MASTER_OUTPUT, "parquet", &master, "the same rows as Parquet (one row group, OPTIONAL columns)"),
                table(RANGE_TOUCHES, "csv", &touch_columns(), "every counted band touch"),
                table(RV_WINDOWS, "csv", &rv_columns(config), "realized volatility per trade date and window"),
                table(OI_STRIKES, "csv", &oi_strike_columns(), "open interest and volume by strike at the oi.snapshots"),
                table(VALIDATION_REPORT, "csv", &report_columns(), "validators' findings and skipped days"),
                {
                    "file": format!("DATA_DICTIONARY_{stem}.csv"),
                    "format": "csv",
                    "description": "every column of every table: table,name,type,unit,time_zone,description",
                },
                {
                    "file": format!("MANIFEST_{stem}.json"),
                    "format": "json",
                    "description": "model_version, config_hash, program_version, day_rule, from, to, row_count, skipped, pending_columns, inputs (role, path, bytes, sha256), outputs (file, rows, sha256)",
                },
            ],
            "pending_columns": pending_columns(config).into_iter().map(|c| c.name).collect::<Vec<_>>(),
        },
    })
}
