//! The exporter: tables as CSV and Parquet, the data dictionary, the manifest, versioned file
//! names and read-only ("finalized") outputs, all **byte-identical** for the same inputs and
//! configuration.
//!
//! # Files (in the output directory)
//! With `<v>` = the model version (characters other than `A-Z a-z 0-9 . _ -` replaced by `_`)
//! and `<h>` = the first 12 hex digits of `config_hash` ([`file_stem`]):
//!
//! | file | content |
//! |---|---|
//! | `MASTER_OUTPUT_<v>_<h>.csv` | one row per trade date, sorted by date ([`Table::to_csv`]) |
//! | `MASTER_OUTPUT_<v>_<h>.parquet` | the same rows ([`Table::to_parquet`]) |
//! | `DATA_DICTIONARY_<v>_<h>.csv` | every column of every table: `table,name,type,unit,time_zone,description` |
//! | `RANGE_TOUCHES_<v>_<h>.csv`, `RV_WINDOWS_<v>_<h>.csv`, `OI_STRIKES_<v>_<h>.csv` | intraday detail tables |
//! | `VALIDATION_REPORT_<v>_<h>.csv` | the validators' findings |
//! | `MANIFEST_<v>_<h>.json` | [`Manifest`]: model version, config hash, program version, inputs with SHA-256, outputs with SHA-256 and rows |
//!
//! A build limited by `--from`/`--to` appends `_<from>_<to>` to `<v>_<h>` (see `crate::build`).
//! Every file name carries the version and the hash (also the dictionary's and the manifest's:
//! the columns depend on the configuration's windows), so builds of two configurations share a
//! directory without touching each other's files.
//!
//! # Determinism
//! No build time, host or absolute output path is written anywhere. Rows are sorted by the
//! caller (trade date, then the table's key); floats are written with Rust's `{}` (the shortest
//! decimal that reads back to the same `f64`, deterministic on every platform), non-finite
//! floats as empty; instants as RFC 3339 UTC with nanoseconds (`2024-07-02T00:00:00Z`), dates as
//! `YYYY-MM-DD`. CSV: `\n` line ends, RFC 4180 quoting only where needed. Parquet (parquet crate,
//! low-level writer): one row group, every column `OPTIONAL`, uncompressed, `created_by` =
//! `gammaflow-master` (no version, so that the writer string is fixed), statistics, page index
//! and bloom filters off, key-value metadata `model_version` and `config_hash` only. The manifest
//! is `serde_json` of structs (fixed key order), pretty-printed, input paths relative to the
//! configuration's directory when under it.
//!
//! # Finalized outputs ([`place_outputs`])
//! A build whose trade dates have all closed (their cash close is before the build's clock) is
//! **finalized**: its files are made read-only (mode `0444` on Unix, the read-only attribute
//! elsewhere). A later build writing the same file name: identical bytes → nothing is written
//! and it is not an error (a rebuild verifies a finalized output); different bytes over a
//! read-only file → [`MasterError::Finalized`] **before anything is written**, unless `force`
//! (then the file is replaced). Writable files are replaced by writing a temporary file in the
//! same directory and renaming it.

mod parquet_out;

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};

use gammaflow_model::UnixNanos;
use jiff::civil::Date;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::MasterError;

/// A column's type (CSV rendering / Parquet physical and logical type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// A civil date, `YYYY-MM-DD` / Parquet `INT32 (DATE)`.
    Date,
    /// Text / `BYTE_ARRAY (STRING)`.
    String,
    /// A 64-bit float / `DOUBLE`.
    Float,
    /// A 64-bit integer / `INT64`.
    Int,
    /// `true`/`false` / `BOOLEAN`.
    Bool,
    /// An instant, RFC 3339 UTC / `INT64 (TIMESTAMP(NANOS, UTC))`.
    Timestamp,
}

impl ColumnType {
    /// The dictionary's spelling: `date`, `string`, `float64`, `int64`, `bool`, `timestamp_ns`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Date => "date",
            Self::String => "string",
            Self::Float => "float64",
            Self::Int => "int64",
            Self::Bool => "bool",
            Self::Timestamp => "timestamp_ns",
        }
    }
}

/// One column of a table, as the data dictionary lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnSpec {
    /// Column name (`[a-z0-9_]`).
    pub name: String,
    /// Its type.
    #[serde(rename = "type", serialize_with = "ser_type")]
    pub ty: ColumnType,
    /// Unit (`points`, `per 1.00 annualised`, `percent`, `contracts`, …; empty when none).
    pub unit: String,
    /// Time zone of dates and instants (`America/New_York` for trade dates, `UTC` for instants;
    /// empty when not a time).
    pub time_zone: String,
    /// What it is.
    pub description: String,
}

fn ser_type<S: serde::Serializer>(t: &ColumnType, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(t.name())
}

impl ColumnSpec {
    /// A column.
    pub fn new(
        name: impl Into<String>,
        ty: ColumnType,
        unit: &str,
        time_zone: &str,
        description: impl Into<String>,
    ) -> Self {
        Self {
            name: name.into(),
            ty,
            unit: unit.to_owned(),
            time_zone: time_zone.to_owned(),
            description: description.into(),
        }
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Empty (CSV) / null (Parquet).
    Null,
    /// A date.
    Date(Date),
    /// Text.
    Str(String),
    /// A float (non-finite is written as null).
    Float(f64),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// An instant.
    Ts(UnixNanos),
}

impl Value {
    /// `Some(x)` → `Float(x)`, `None` → `Null`.
    pub fn float(x: Option<f64>) -> Self {
        x.map_or(Self::Null, Self::Float)
    }
    /// `Some(t)` → `Ts(t)`, `None` → `Null`.
    pub fn ts(t: Option<UnixNanos>) -> Self {
        t.map_or(Self::Null, Self::Ts)
    }
    /// `Some(s)` → `Str(s)`, `None` → `Null`.
    pub fn str(s: Option<&str>) -> Self {
        s.map_or(Self::Null, |s| Self::Str(s.to_owned()))
    }
    /// `Some(b)` → `Bool(b)`, `None` → `Null`.
    pub fn bool(b: Option<bool>) -> Self {
        b.map_or(Self::Null, Self::Bool)
    }

    /// The CSV text of the cell (unquoted).
    pub fn render(&self) -> String {
        match self {
            Self::Null => String::new(),
            Self::Date(d) => d.to_string(),
            Self::Str(s) => s.clone(),
            Self::Float(x) if x.is_finite() => format!("{x}"),
            Self::Float(_) => String::new(),
            Self::Int(i) => i.to_string(),
            Self::Bool(b) => b.to_string(),
            Self::Ts(t) => t.to_string(),
        }
    }
}

/// A table: columns and rows (rows in output order).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The table's name in the dictionary and its file stem prefix (`MASTER_OUTPUT`).
    pub name: String,
    /// The columns.
    pub columns: Vec<ColumnSpec>,
    /// The rows, each with one value per column.
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    /// An empty table.
    pub fn new(name: impl Into<String>, columns: Vec<ColumnSpec>) -> Self {
        Self {
            name: name.into(),
            columns,
            rows: Vec::new(),
        }
    }

    /// Adds a row; errors when its length differs from the columns'.
    pub fn push(&mut self, row: Vec<Value>) -> Result<(), MasterError> {
        if row.len() != self.columns.len() {
            return Err(MasterError::Export {
                file: self.name.clone(),
                reason: format!(
                    "row {} has {} values for {} columns",
                    self.rows.len() + 1,
                    row.len(),
                    self.columns.len()
                ),
            });
        }
        self.rows.push(row);
        Ok(())
    }

    /// The table as CSV: a header of the column names, then one line per row.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let header: Vec<&str> = self.columns.iter().map(|c| c.name.as_str()).collect();
        push_csv_line(&mut out, header.iter().copied());
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(Value::render).collect();
            push_csv_line(&mut out, cells.iter().map(String::as_str));
        }
        out
    }

    /// The table as a Parquet file (see the [module documentation](self)); `metadata` goes to
    /// the file's key-value metadata in the order given.
    pub fn to_parquet(&self, metadata: &[(&str, &str)]) -> Result<Vec<u8>, MasterError> {
        parquet_out::write(self, metadata).map_err(|e| MasterError::Export {
            file: format!("{}.parquet", self.name),
            reason: e.to_string(),
        })
    }
}

/// Appends one CSV line (RFC 4180 quoting where needed, `\n`).
pub fn push_csv_line<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if cell.contains([',', '"', '\n', '\r']) {
            let _ = write!(out, "\"{}\"", cell.replace('"', "\"\""));
        } else {
            out.push_str(cell);
        }
    }
    out.push('\n');
}

/// The data dictionary of `tables` as CSV: `table,name,type,unit,time_zone,description`.
pub fn dictionary_csv(tables: &[(&str, &[ColumnSpec])]) -> String {
    let mut out = String::new();
    push_csv_line(
        &mut out,
        ["table", "name", "type", "unit", "time_zone", "description"].into_iter(),
    );
    for (table, columns) in tables {
        for c in *columns {
            push_csv_line(
                &mut out,
                [
                    *table,
                    c.name.as_str(),
                    c.ty.name(),
                    c.unit.as_str(),
                    c.time_zone.as_str(),
                    c.description.as_str(),
                ]
                .into_iter(),
            );
        }
    }
    out
}

/// `<model_version>_<config_hash[..12]>` with unsafe file-name characters replaced by `_`.
pub fn file_stem(model_version: &str, config_hash: &str) -> String {
    let v: String = model_version
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let h: String = config_hash.chars().take(12).collect();
    format!("{v}_{h}")
}

/// Lowercase hex SHA-256 of a file, read in 64 KiB blocks.
pub fn sha256_file(path: &Path) -> Result<(String, u64), MasterError> {
    let io = |e: std::io::Error| MasterError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((hex(&hasher.finalize()), bytes))
}

/// Lowercase hex SHA-256 of bytes.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// One input file in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputFile {
    /// What it was used for (`es_bars`, `es_trades`, `ib`, …).
    pub role: String,
    /// Path relative to the configuration's directory when under it, else as configured.
    pub path: String,
    /// Size, bytes.
    pub bytes: u64,
    /// Lowercase hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// One output file in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutputFile {
    /// File name (in the output directory).
    pub file: String,
    /// Data rows (CSV lines after the header; Parquet rows); `None` for the dictionary's own kind.
    pub rows: usize,
    /// Lowercase hex SHA-256.
    pub sha256: String,
}

/// A trade date that was not built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedDay {
    /// The trade date (America/New_York), or empty when the failing file names none.
    pub trade_date: String,
    /// Why, naming the file and record.
    pub reason: String,
}

/// `MANIFEST_<v>_<h>.json` (see the [module documentation](self)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Manifest {
    /// `versioning.model_version`.
    pub model_version: String,
    /// SHA-256 of the canonical configuration.
    pub config_hash: String,
    /// `gammaflow-master`.
    pub program: String,
    /// The crate version (`CARGO_PKG_VERSION`).
    pub program_version: String,
    /// The loaders' trade-date rule (`dashboard`, `attributed`, `globex`).
    pub day_rule: String,
    /// `--from` (or empty).
    pub from: String,
    /// `--to` (or empty).
    pub to: String,
    /// Rows of `MASTER_OUTPUT` (one per trade date built).
    pub row_count: usize,
    /// Trade dates not built, with the reason.
    pub skipped: Vec<SkippedDay>,
    /// Columns that are empty in this version because their engine is not wired in yet.
    pub pending_columns: Vec<String>,
    /// Every input file read, sorted by path.
    pub inputs: Vec<InputFile>,
    /// Every other output file, sorted by name.
    pub outputs: Vec<OutputFile>,
}

impl Manifest {
    /// Pretty JSON with a final newline.
    pub fn to_json(&self) -> Result<String, MasterError> {
        serde_json::to_string_pretty(self)
            .map(|s| s + "\n")
            .map_err(|e| MasterError::Export {
                file: "manifest".into(),
                reason: e.to_string(),
            })
    }
}

/// What [`place_outputs`] did with one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    /// It did not exist and was written.
    Created,
    /// It existed with other bytes and was replaced (writable, or `force`).
    Replaced,
    /// It existed with the same bytes; left as it was.
    Unchanged,
}

/// Writes `files` (name, bytes) into `dir` by the finalization rule of the
/// [module documentation](self): checks every file first, then writes; with `finalize` every
/// file ends read-only.
pub fn place_outputs(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    force: bool,
    finalize: bool,
) -> Result<Vec<Placed>, MasterError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |e: std::io::Error| MasterError::Io {
            path: path.clone(),
            reason: e.to_string(),
        }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut plan = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        let path = dir.join(name);
        let placed = match std::fs::metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Placed::Created,
            Err(e) => return Err(io(&path)(e)),
            Ok(meta) => {
                let same = meta.len() == bytes.len() as u64
                    && std::fs::read(&path).map_err(io(&path))? == *bytes;
                if same {
                    Placed::Unchanged
                } else if meta.permissions().readonly() && !force {
                    return Err(MasterError::Finalized {
                        path: path.display().to_string(),
                    });
                } else {
                    Placed::Replaced
                }
            }
        };
        plan.push((path, bytes, placed));
    }
    for (path, bytes, placed) in &plan {
        if *placed != Placed::Unchanged {
            write_atomic(path, bytes)?;
        }
        if finalize {
            set_read_only(path, true)?;
        }
    }
    Ok(plan.into_iter().map(|(_, _, p)| p).collect())
}

/// Writes `bytes` to a temporary sibling and renames it over `path` (replacing a read-only file).
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), MasterError> {
    let io = |p: &Path, e: std::io::Error| MasterError::Io {
        path: p.display().to_string(),
        reason: e.to_string(),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp: PathBuf = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes).map_err(|e| io(&tmp, e))?;
    if path.exists() {
        set_read_only(path, false)?;
    }
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))
}

/// Sets or clears the read-only permission (`0444` / `0644` on Unix).
pub fn set_read_only(path: &Path, read_only: bool) -> Result<(), MasterError> {
    let io = |e: std::io::Error| MasterError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let mut perm = std::fs::metadata(path).map_err(io)?.permissions();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        perm.set_mode(if read_only { 0o444 } else { 0o644 });
    }
    #[cfg(not(unix))]
    {
        perm.set_readonly(read_only);
    }
    std::fs::set_permissions(path, perm).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut t = Table::new(
            "T",
            vec![
                ColumnSpec::new("d", ColumnType::Date, "", "America/New_York", "date"),
                ColumnSpec::new("s", ColumnType::String, "", "", "text"),
                ColumnSpec::new("x", ColumnType::Float, "points", "", "float"),
                ColumnSpec::new("i", ColumnType::Int, "", "", "int"),
                ColumnSpec::new("b", ColumnType::Bool, "", "", "bool"),
                ColumnSpec::new("t", ColumnType::Timestamp, "", "UTC", "instant"),
            ],
        );
        t.push(vec![
            Value::Date(jiff::civil::date(2025, 6, 10)),
            Value::Str("a,\"b\"".into()),
            Value::Float(0.1 + 0.2),
            Value::Int(-3),
            Value::Bool(true),
            Value::Ts(UnixNanos(1_749_562_200_000_000_001)),
        ])
        .unwrap();
        t.push(vec![
            Value::Null,
            Value::Null,
            Value::Float(f64::NAN),
            Value::Null,
            Value::Null,
            Value::Null,
        ])
        .unwrap();
        t
    }

    #[test]
    fn csv_renders_shortest_floats_and_quotes() {
        assert_eq!(
            table().to_csv(),
            "d,s,x,i,b,t\n2025-06-10,\"a,\"\"b\"\"\",0.30000000000000004,-3,true,\
             2025-06-10T13:30:00.000000001Z\n,,,,,\n"
        );
    }

    #[test]
    fn parquet_is_deterministic_and_has_no_version() {
        let t = table();
        let a = t.to_parquet(&[("k", "v")]).unwrap();
        let b = t.to_parquet(&[("k", "v")]).unwrap();
        assert!(a.starts_with(b"PAR1") && a.ends_with(b"PAR1"));
        assert_eq!(a, b);
        let text = String::from_utf8_lossy(&a);
        assert!(text.contains("gammaflow-master"));
    }

    #[test]
    fn rows_of_wrong_length_are_rejected() {
        let mut t = table();
        assert!(t.push(vec![Value::Null]).is_err());
    }

    proptest::proptest! {
        /// CSV floats read back to the same `f64` (the shortest round-trip rendering).
        #[test]
        fn floats_round_trip(x in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO) {
            let text = Value::Float(x).render();
            proptest::prop_assert_eq!(text.parse::<f64>().ok(), Some(x));
        }
    }

    #[test]
    fn file_stems_are_safe() {
        assert_eq!(
            file_stem("RANGE ENGINE/v1", "0123456789abcdef"),
            "RANGE_ENGINE_v1_0123456789ab"
        );
    }
}
