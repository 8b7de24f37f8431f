//! Writing one schema's records to its `.dbn.zst` and/or `.csv.zst` file.
//!
//! Files are written under a temporary name (`<name>.partial`) and renamed by the caller once
//! every file of the day is complete, so a failed run never leaves a file that looks finished.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use dbn::Metadata;
use dbn::encode::{CsvEncoder, DbnEncodable, DbnEncoder, EncodeRecord, EncodeRecordTextExt};

use crate::databento::DatabentoError;

/// Buffer between the zstd encoder and the file.
const FILE_BUFFER: usize = 1 << 16;

/// The temporary name a file is written under.
pub(super) fn partial(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// An I/O error about `path`.
pub(super) fn io_error(path: &Path, e: impl std::fmt::Display) -> DatabentoError {
    DatabentoError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// A `dbn` encoder error about `path`: I/O failures become [`DatabentoError::Io`].
fn dbn_error(path: &Path, e: dbn::Error) -> DatabentoError {
    match e {
        dbn::Error::Io { source, context } => io_error(path, format!("{context}: {source}")),
        other => DatabentoError::Encode {
            path: path.display().to_string(),
            reason: other.to_string(),
        },
    }
}

/// The files of one schema and how to encode them.
#[derive(Debug, Clone)]
pub(super) struct SchemaFiles {
    /// Final path of the DBN file, if DBN is written.
    pub dbn: Option<PathBuf>,
    /// Final path of the CSV file, if CSV is written.
    pub csv: Option<PathBuf>,
    /// zstd compression level.
    pub level: i32,
}

/// A zstd stream into a buffered, newly created file.
type Zst = zstd::stream::write::Encoder<'static, BufWriter<File>>;

/// Creates `path` (and its directory) and a zstd stream into it; `created` records the path.
fn create(path: &Path, level: i32, created: &mut Vec<PathBuf>) -> Result<Zst, DatabentoError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    }
    let file = File::create(path).map_err(|e| io_error(path, e))?;
    created.push(path.to_owned());
    zstd::stream::write::Encoder::new(BufWriter::with_capacity(FILE_BUFFER, file), level)
        .map_err(|e| io_error(path, e))
}

/// Ends the zstd frame and flushes the file.
fn finish(path: &Path, zst: Zst) -> Result<(), DatabentoError> {
    let mut inner = zst.finish().map_err(|e| io_error(path, e))?;
    inner.flush().map_err(|e| io_error(path, e))?;
    inner
        .into_inner()
        .map_err(|e| io_error(path, e.error()))?
        .sync_all()
        .map_err(|e| io_error(path, e))
}

/// Writes `records` (each with its raw symbol, for the CSV `symbol` column) to the schema's
/// files under their temporary names (pushed to `created` as they are made). The DBN file starts
/// with `metadata`; the CSV file with Databento's header for `metadata.schema` and version, plus
/// `symbol`. Records are encoded as they come: nothing is buffered here.
pub(super) fn write_schema<'s, R: DbnEncodable>(
    files: &SchemaFiles,
    metadata: &Metadata,
    records: impl Iterator<Item = Result<(R, &'s str), DatabentoError>>,
    created: &mut Vec<PathBuf>,
) -> Result<(), DatabentoError> {
    let dbn_path = files.dbn.as_deref().map(partial);
    let csv_path = files.csv.as_deref().map(partial);
    let mut dbn_zst = match &dbn_path {
        Some(p) => Some((p.as_path(), create(p, files.level, created)?)),
        None => None,
    };
    let mut csv_zst = match &csv_path {
        Some(p) => Some((p.as_path(), create(p, files.level, created)?)),
        None => None,
    };
    {
        let mut dbn_enc = match dbn_zst.as_mut() {
            Some((p, zst)) => Some((
                *p,
                DbnEncoder::new(zst, metadata).map_err(|e| dbn_error(p, e))?,
            )),
            None => None,
        };
        let mut csv_enc = match csv_zst.as_mut() {
            Some((p, zst)) => Some((
                *p,
                CsvEncoder::builder(zst)
                    .version(metadata.version)
                    .schema(metadata.schema)
                    .with_symbol(true)
                    .build()
                    .map_err(|e| dbn_error(p, e))?,
            )),
            None => None,
        };
        for item in records {
            let (record, symbol) = item?;
            if let Some((p, enc)) = dbn_enc.as_mut() {
                enc.encode_record(&record).map_err(|e| dbn_error(p, e))?;
            }
            if let Some((p, enc)) = csv_enc.as_mut() {
                enc.encode_record_with_sym(&record, Some(symbol))
                    .map_err(|e| dbn_error(p, e))?;
            }
        }
        if let Some((p, mut enc)) = dbn_enc {
            enc.flush().map_err(|e| dbn_error(p, e))?;
        }
        if let Some((p, enc)) = csv_enc {
            enc.into_inner().map_err(|e| dbn_error(p, e))?;
        }
    }
    for (p, zst) in [dbn_zst, csv_zst].into_iter().flatten() {
        finish(p, zst)?;
    }
    Ok(())
}
