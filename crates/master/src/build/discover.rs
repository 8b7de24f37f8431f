//! Input discovery: which files under the configured `paths` are ES bars, ES trades and IB
//! daily files, and which of them a build reads.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::MasterError;
use crate::config::MasterConfig;
use crate::loaders::ib;

/// The kind of an ES input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EsFileKind {
    /// Databento `ohlcv-1m`.
    Ohlcv1m,
    /// Databento `trades`.
    Trades,
    /// Databento `mbp-1` (its `T` records are trades).
    Mbp1,
    /// An IB daily file `ES_YYYY-MM-DD.csv[.zst]`.
    IbDaily,
}

impl EsFileKind {
    /// `es_ohlcv_1m`, `es_trades`, `es_mbp_1`, `ib_daily` (the manifest's `role`).
    pub const fn role(self) -> &'static str {
        match self {
            Self::Ohlcv1m => "es_ohlcv_1m",
            Self::Trades => "es_trades",
            Self::Mbp1 => "es_mbp_1",
            Self::IbDaily => "ib_daily",
        }
    }
}

/// One discovered file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputFile {
    /// The date in its name (`YYYY-MM-DD` or `YYYYMMDD`), if any.
    pub date: Option<Date>,
    /// Its kind.
    pub kind: EsFileKind,
    /// Its path.
    pub path: PathBuf,
}

/// Every ES input found under `paths.es` and `paths.ib`, sorted by (date, kind, path).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    /// The files.
    pub files: Vec<InputFile>,
}

/// Databento file extensions read (`.dbn`, `.dbn.zst`, `.csv`, `.csv.zst`).
fn is_databento(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let n = n.strip_suffix(".zst").unwrap_or(&n);
    n.ends_with(".dbn") || n.ends_with(".csv")
}

/// Whether a Databento file is CSV (`.csv`, `.csv.zst`).
fn is_csv(path: &Path) -> bool {
    let n = path.to_string_lossy().to_ascii_lowercase();
    n.ends_with(".csv") || n.ends_with(".csv.zst")
}

/// The path without its `.dbn`/`.csv` (and `.zst`) extension.
fn stem(path: &Path) -> PathBuf {
    let s = path.to_string_lossy();
    let lower = s.to_ascii_lowercase();
    for ext in [".dbn.zst", ".csv.zst", ".dbn", ".csv"] {
        if lower.ends_with(ext) {
            return PathBuf::from(&s[..s.len() - ext.len()]);
        }
    }
    path.to_path_buf()
}

/// The schema of a Databento file from its name, else its directories (`…/ohlcv-1m/D.dbn.zst`).
fn schema_of(path: &Path) -> Option<EsFileKind> {
    let classify = |s: &str| {
        let s = s.to_ascii_lowercase();
        if s.contains("definition") || s.contains("statistics") || s.contains("ohlcv-1d") {
            Some(None)
        } else if s.contains("ohlcv-1m") {
            Some(Some(EsFileKind::Ohlcv1m))
        } else if s.contains("mbp-1") && !s.contains("mbp-10") && !s.contains("cmbp") {
            Some(Some(EsFileKind::Mbp1))
        } else if s.contains("trades") {
            Some(Some(EsFileKind::Trades))
        } else {
            None
        }
    };
    for part in path.iter().rev() {
        if let Some(found) = part.to_str().and_then(classify) {
            return found;
        }
    }
    None
}

/// The first `YYYY-MM-DD` or `YYYYMMDD` date in a file name (the loaders' rule, shared).
pub use crate::loaders::name_date;

/// Files under `root` (a directory, walked recursively in name order, or one file).
fn walk(root: &Path, out: &mut Vec<PathBuf>) -> Result<(), MasterError> {
    let io = |e: std::io::Error| MasterError::Io {
        path: root.display().to_string(),
        reason: e.to_string(),
    };
    let meta = std::fs::metadata(root).map_err(io)?;
    if meta.is_file() {
        out.push(root.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(root)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort();
    for e in entries {
        let hidden = e
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if e.is_dir() {
            walk(&e, out)?;
        } else {
            out.push(e);
        }
    }
    Ok(())
}

impl Inputs {
    /// Finds the ES inputs of `config` (`paths.es`: Databento files, `paths.ib`: IB daily
    /// files of root `ES`). Errors when neither is configured or a configured path is missing.
    pub fn discover(config: &MasterConfig) -> Result<Self, MasterError> {
        let mut files = Vec::new();
        if config.paths.es.is_none() && config.paths.ib.is_none() {
            return Err(MasterError::Config {
                file: config.paths.base.display().to_string(),
                problems: "paths.es / paths.ib: no ES input configured".into(),
            });
        }
        if let Some(es) = &config.paths.es {
            let mut found = Vec::new();
            walk(es, &mut found)?;
            for path in found {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if ib::parse_file_name(name).is_some_and(|(root, _)| root == "ES") {
                    files.push(InputFile {
                        date: name_date(&path),
                        kind: EsFileKind::IbDaily,
                        path,
                    });
                } else if is_databento(name)
                    && let Some(kind) = schema_of(&path)
                {
                    files.push(InputFile {
                        date: name_date(&path),
                        kind,
                        path,
                    });
                }
            }
        }
        if let Some(dir) = &config.paths.ib {
            let mut found = Vec::new();
            walk(dir, &mut found)?;
            for path in found {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if let Some((root, date)) = ib::parse_file_name(name)
                    && root == "ES"
                {
                    files.push(InputFile {
                        date: Some(date),
                        kind: EsFileKind::IbDaily,
                        path,
                    });
                }
            }
        }
        files.sort();
        files.dedup();
        // The same data as DBN and as CSV (`gammaflow sim --format both`): keep the DBN file.
        let stems: std::collections::BTreeSet<(EsFileKind, PathBuf)> = files
            .iter()
            .filter(|f| !is_csv(&f.path))
            .map(|f| (f.kind, stem(&f.path)))
            .collect();
        files.retain(|f| !(is_csv(&f.path) && stems.contains(&(f.kind, stem(&f.path)))));
        // An IB file both live (`.csv`) and compressed after the close (`.csv.zst`): keep the
        // compressed one.
        let compressed: std::collections::BTreeSet<PathBuf> = files
            .iter()
            .filter(|f| f.kind == EsFileKind::IbDaily)
            .filter_map(|f| f.path.to_str()?.strip_suffix(".zst").map(PathBuf::from))
            .collect();
        files.retain(|f| !(f.kind == EsFileKind::IbDaily && compressed.contains(&f.path)));
        Ok(Self { files })
    }

    /// The files the bar stream reads, in (date, path) order: per name date the Databento
    /// `ohlcv-1m` files, else `trades`, else `mbp-1`, else the IB daily files; files dated after
    /// `to` + 7 days are left out.
    pub fn bar_files(&self, to: Option<Date>) -> Vec<InputFile> {
        let mut by_date: BTreeMap<Option<Date>, Vec<&InputFile>> = BTreeMap::new();
        for f in &self.files {
            by_date.entry(f.date).or_default().push(f);
        }
        let limit = to.and_then(|d| d.checked_add(jiff::ToSpan::days(7)).ok());
        let mut out = Vec::new();
        for (date, group) in by_date {
            if let (Some(d), Some(l)) = (date, limit)
                && d > l
            {
                continue;
            }
            let best = [
                EsFileKind::Ohlcv1m,
                EsFileKind::Trades,
                EsFileKind::Mbp1,
                EsFileKind::IbDaily,
            ]
            .into_iter()
            .find(|k| group.iter().any(|f| f.kind == *k));
            if let Some(k) = best {
                let mut chosen: Vec<InputFile> =
                    group.into_iter().filter(|f| f.kind == k).cloned().collect();
                chosen.sort_by(|a, b| a.path.cmp(&b.path));
                out.extend(chosen);
            }
        }
        out
    }

    /// The Databento trade files (`trades`, else `mbp-1`) that can hold trades of trade date
    /// `date`: named for a date from `previous` (the previous trading day) to `date`, or
    /// undated; in (date, path) order.
    pub fn trade_files(&self, date: Date, previous: Date) -> Vec<InputFile> {
        let in_range = |f: &&InputFile| f.date.is_none_or(|d| previous <= d && d <= date);
        for kind in [EsFileKind::Trades, EsFileKind::Mbp1] {
            let found: Vec<InputFile> = self
                .files
                .iter()
                .filter(|f| f.kind == kind)
                .filter(in_range)
                .cloned()
                .collect();
            if !found.is_empty() {
                return found;
            }
        }
        Vec::new()
    }

    /// The distinct name dates of the bar files within `[from, to]` (a progress total).
    pub fn dates_within(&self, from: Option<Date>, to: Option<Date>) -> usize {
        let mut dates: Vec<Date> = self
            .files
            .iter()
            .filter_map(|f| f.date)
            .filter(|d| from.is_none_or(|f| *d >= f) && to.is_none_or(|t| *d <= t))
            .collect();
        dates.sort();
        dates.dedup();
        dates.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_come_from_names_or_directories() {
        let k = |p: &str| schema_of(Path::new(p));
        assert_eq!(
            k("sim/GLBX.MDP3/ohlcv-1m/2025-06-10.dbn.zst"),
            Some(EsFileKind::Ohlcv1m)
        );
        assert_eq!(
            k("sim/GLBX.MDP3/trades/2025-06-10.csv.zst"),
            Some(EsFileKind::Trades)
        );
        assert_eq!(
            k("x/futures_mbp-1_2024-07-01T23-58.dbn.zst"),
            Some(EsFileKind::Mbp1)
        );
        assert_eq!(k("sim/GLBX.MDP3/definition/2025-06-10.dbn.zst"), None);
        assert_eq!(k("x/test_data.mbp-10.dbn"), None);
        assert_eq!(
            name_date(Path::new(
                "futures_trades_2024-07-01T23-58_2024-07-02T00-02.dbn.zst"
            )),
            Some(jiff::civil::date(2024, 7, 1))
        );
        assert_eq!(
            name_date(Path::new("x20250610.dbn")),
            Some(jiff::civil::date(2025, 6, 10))
        );
    }

    #[test]
    fn dbn_is_preferred_to_the_same_csv_and_ib_zst_to_live_csv() {
        let dir = std::env::temp_dir().join(format!("gammaflow-discover-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for f in [
            "GLBX.MDP3/ohlcv-1m/2025-06-10.dbn.zst",
            "GLBX.MDP3/ohlcv-1m/2025-06-10.csv.zst",
            "GLBX.MDP3/ohlcv-1m/2025-06-11.csv.zst",
            "GLBX.MDP3/trades/2025-06-10.dbn.zst",
            "GLBX.MDP3/definition/2025-06-10.dbn.zst",
            "ib/ES_2025-06-12.csv",
            "ib/ES_2025-06-12.csv.zst",
            "ib/NQ_2025-06-12.csv",
        ] {
            let p = dir.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, b"").unwrap();
        }
        let yaml = format!("paths:\n  es: \"{}\"\n", dir.display());
        let config = MasterConfig::from_yaml(&yaml, Path::new("c.yaml")).unwrap();
        let found = Inputs::discover(&config).unwrap();
        let names: Vec<String> = found
            .files
            .iter()
            .map(|f| f.path.strip_prefix(&dir).unwrap().display().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "GLBX.MDP3/ohlcv-1m/2025-06-10.dbn.zst",
                "GLBX.MDP3/trades/2025-06-10.dbn.zst",
                "GLBX.MDP3/ohlcv-1m/2025-06-11.csv.zst",
                "ib/ES_2025-06-12.csv.zst",
            ]
        );
        let bars = found.bar_files(None);
        assert_eq!(bars.len(), 3);
        assert_eq!(bars[0].kind, EsFileKind::Ohlcv1m);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
