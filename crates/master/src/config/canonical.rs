//! The canonical text of a validated configuration and its SHA-256.
//!
//! One `key=value` line per setting, keys sorted bytewise, a first line naming the format version,
//! `\n` line ends (also after the last line). Numbers are Rust's shortest round-trip decimal
//! (`0.25`, `5`, `100`), times `HH:MM` (`HH:MM:SS` with seconds), lists comma-separated in the
//! config's canonical order. Paths and `versioning.config_hash` are left out. The GEXBot CSV
//! settings (`gex.csv_columns.<field>` with the column name quoted, `gex.csv_timestamp`) are
//! written only when `gex.format` is `csv`.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::MasterConfig;
use crate::loaders::gexbot::{GexField, GexFormat};

/// First line of the canonical text; bump when the format changes (every hash changes with it).
/// v2: the `gex.*` keys were added.
pub(super) const HEADER: &str = "gammaflow-master config v2";

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The canonical text (see the module documentation).
pub(super) fn canonical(c: &MasterConfig) -> String {
    let mut lines: Vec<(&str, String)> = vec![
        ("timezone", c.timezone.name().to_owned()),
        ("trade_date.start", c.trade_date.start.to_string()),
        ("trade_date.end", c.trade_date.end.to_string()),
        (
            "trade_date.previous_session",
            c.trade_date.previous_session.to_string(),
        ),
        (
            "ranges.morning.reference",
            c.ranges.morning.reference.name().to_owned(),
        ),
        (
            "ranges.morning.start_time",
            c.ranges.morning.window.start.to_string(),
        ),
        (
            "ranges.morning.end_time",
            c.ranges.morning.window.end.to_string(),
        ),
        (
            "ranges.afternoon.reference",
            c.ranges.afternoon.reference.name().to_owned(),
        ),
        (
            "ranges.afternoon.start_time",
            c.ranges.afternoon.window.start.to_string(),
        ),
        (
            "ranges.afternoon.end_time",
            c.ranges.afternoon.window.end.to_string(),
        ),
        ("touch.buffer", c.touch.buffer.to_string()),
        (
            "touch.cooldown_seconds",
            c.touch.cooldown_seconds.to_string(),
        ),
        (
            "touch.breakout_minutes",
            c.touch.breakout_minutes.to_string(),
        ),
        ("atm.step", c.atm.step.to_string()),
        ("atm.reselect_trigger", "price_move".to_owned()),
        ("oi.strike_range", c.oi.strike_range.to_string()),
        (
            "oi.expirations",
            join(
                &c.oi
                    .expirations
                    .iter()
                    .map(|n| format!("{n}DTE"))
                    .collect::<Vec<_>>(),
            ),
        ),
        ("oi.snapshots", join(&c.oi.snapshots)),
        ("iv_rv.iv_source", "opra".to_owned()),
        ("iv_rv.rv_bars", "1m_external".to_owned()),
        (
            "iv_rv.windows",
            join(
                &c.iv_rv
                    .windows
                    .iter()
                    .map(|w| format!("{}:{}", w.name, w.range))
                    .collect::<Vec<_>>(),
            ),
        ),
        ("iv_rv.percentiles", join(&c.iv_rv.percentiles)),
        (
            "versioning.model_version",
            c.versioning.model_version.clone(),
        ),
    ];
    let gex = &c.gex;
    lines.push(("gex.format", gex.format.name().to_owned()));
    lines.push(("gex.ticker", gex.ticker.clone()));
    // The CSV settings only matter, and only count, when the input is CSV.
    let mut columns: Vec<(String, String)> = Vec::new();
    if gex.format == GexFormat::Csv {
        columns.extend(GexField::ALL.iter().map(|f| {
            (
                format!("gex.csv_columns.{}", f.name()),
                format!("{:?}", gex.csv.column(*f)),
            )
        }));
        columns.push((
            "gex.csv_timestamp".to_owned(),
            gex.csv.timestamp_format.name().to_owned(),
        ));
    }
    lines.extend(columns.iter().map(|(k, v)| (k.as_str(), v.clone())));
    lines.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = String::with_capacity(1024);
    out.push_str(HEADER);
    out.push('\n');
    for (key, value) in lines {
        let _ = writeln!(out, "{key}={value}");
    }
    out
}

/// Lowercase hex SHA-256 of `bytes` (64 characters), e.g. of an input file's contents.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest.iter() {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_texts() {
        // FIPS 180-2 examples.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
