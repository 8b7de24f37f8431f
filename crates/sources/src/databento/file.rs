//! The thin file layer: open a path, undo zstd, stream the bytes or lines through the sans-I/O
//! decoders. Files are read in 64 KiB pieces, never whole.
//!
//! The format comes from the name: `*.csv` / `*.csv.zst` are Databento CSV; `*.dbn.frag` /
//! `*.dbn.frag.zst` are DBN fragments (version from a `.v1.`/`.v2.`/`.v3.` in the name, else
//! inferred); `*.dbz` is legacy DBZ (an error); everything else is DBN. Compression is detected from
//! the content (the zstd signature), so `.dbn` holding zstd data still opens; several concatenated
//! zstd frames are read as one stream.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use gammaflow_model::event::Event;

use super::DatabentoError;
use super::convert::DecodeStats;
use super::csv::CsvDecoder;
use super::decode::{DbnDecoder, ZSTD_MAGIC, is_skippable_frame};
use super::symbology::InstrumentMap;
use crate::SourcesError;

/// Bytes read per call.
const CHUNK: usize = 64 * 1024;

/// The decoder behind a file.
enum Inner {
    /// DBN (or fragment).
    Dbn(Box<DbnDecoder>),
    /// CSV, with its line buffer.
    Csv(Box<CsvDecoder>, Vec<u8>),
}

/// The events of one Databento file, in file order: an iterator of `Result<Event, _>` that stops
/// after the first error. Open with [`open`].
pub struct FileEvents {
    path: String,
    reader: Box<dyn BufRead + Send>,
    inner: Inner,
    eof: bool,
    done: bool,
}

impl std::fmt::Debug for FileEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileEvents")
            .field("path", &self.path)
            .field("eof", &self.eof)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// Opens a Databento DBN or CSV file (plain or zstd) as a stream of events; see the module
/// documentation for how the format is chosen. Errors name the path.
pub fn open(path: impl AsRef<Path>) -> Result<FileEvents, SourcesError> {
    open_with(path.as_ref(), None)
}

/// [`open`] with an instrument map to start from (see [`InstrumentMap::absorb_definitions`]).
pub(crate) fn open_with(
    path: &Path,
    seed: Option<&InstrumentMap>,
) -> Result<FileEvents, SourcesError> {
    let name = path.display().to_string();
    let io_err = |e: std::io::Error| DatabentoError::Io {
        path: name.clone(),
        reason: e.to_string(),
    };
    let file = File::open(path).map_err(io_err)?;
    let mut raw = BufReader::with_capacity(CHUNK, file);
    let head = raw.fill_buf().map_err(io_err)?;
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".dbz") || is_skippable_frame(head) {
        return Err(DatabentoError::LegacyDbz { file: name }.into());
    }
    let compressed = head.len() >= 4 && head[..4] == ZSTD_MAGIC;
    let reader: Box<dyn BufRead + Send> = if compressed {
        let dec =
            zstd::stream::read::Decoder::with_buffer(raw).map_err(|e| DatabentoError::Zstd {
                file: name.clone(),
                reason: e.to_string(),
            })?;
        Box::new(BufReader::with_capacity(CHUNK, dec))
    } else {
        Box::new(raw)
    };
    let stem = lower.strip_suffix(".zst").unwrap_or(&lower);
    let seed = seed.cloned().unwrap_or_default();
    let inner = if stem.ends_with(".csv") {
        let dec = CsvDecoder::new(name.clone()).with_instruments(seed);
        Inner::Csv(Box::new(dec), Vec::new())
    } else if stem.ends_with(".frag") {
        let version = (1..=3u8).find(|v| stem.contains(&format!(".v{v}.")));
        let dec = DbnDecoder::fragment(name.clone(), version)?.with_instruments(seed);
        Inner::Dbn(Box::new(dec))
    } else {
        Inner::Dbn(Box::new(
            DbnDecoder::new(name.clone()).with_instruments(seed),
        ))
    };
    Ok(FileEvents {
        path: name,
        reader,
        inner,
        eof: false,
        done: false,
    })
}

impl FileEvents {
    /// The path, as shown in errors.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was decoded and skipped so far.
    pub fn stats(&self) -> DecodeStats {
        match &self.inner {
            Inner::Dbn(d) => *d.stats(),
            Inner::Csv(d, _) => *d.stats(),
        }
    }

    /// The instrument map built so far (metadata mappings and definitions).
    pub fn instruments(&self) -> &InstrumentMap {
        match &self.inner {
            Inner::Dbn(d) => d.instruments(),
            Inner::Csv(d, _) => d.instruments(),
        }
    }

    /// The DBN metadata, once read (`None` for CSV and fragments).
    pub fn metadata(&self) -> Option<&dbn::Metadata> {
        match &self.inner {
            Inner::Dbn(d) => d.metadata(),
            Inner::Csv(..) => None,
        }
    }

    /// A read error, as zstd or I/O.
    fn read_error(&self, e: &std::io::Error) -> SourcesError {
        let reason = e.to_string();
        if matches!(
            e.kind(),
            std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied
        ) {
            DatabentoError::Io {
                path: self.path.clone(),
                reason,
            }
            .into()
        } else {
            DatabentoError::Zstd {
                file: self.path.clone(),
                reason,
            }
            .into()
        }
    }

    /// Stops the iterator with `err`.
    fn stop(&mut self, err: SourcesError) -> Option<Result<Event, SourcesError>> {
        self.done = true;
        Some(Err(err))
    }

    /// Next event of a DBN file.
    fn next_dbn(&mut self) -> Option<Result<Event, SourcesError>> {
        loop {
            let Inner::Dbn(dec) = &mut self.inner else {
                return None;
            };
            match dec.next_event() {
                Ok(Some(e)) => return Some(Ok(e)),
                Ok(None) => {}
                Err(e) => return self.stop(e),
            }
            if self.eof {
                if let Err(e) = dec.finish() {
                    return self.stop(e);
                }
                match dec.next_event() {
                    Ok(Some(e)) => return Some(Ok(e)),
                    Ok(None) => {
                        self.done = true;
                        return None;
                    }
                    Err(e) => return self.stop(e),
                }
            }
            let space = dec.space();
            match self.reader.read(space) {
                Ok(0) => self.eof = true,
                Ok(n) => dec.filled(n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let err = self.read_error(&e);
                    return self.stop(err);
                }
            }
        }
    }

    /// Next event of a CSV file.
    fn next_csv(&mut self) -> Option<Result<Event, SourcesError>> {
        loop {
            let Inner::Csv(dec, buf) = &mut self.inner else {
                return None;
            };
            if let Some(e) = dec.next_event() {
                return Some(Ok(e));
            }
            if self.eof {
                self.done = true;
                return dec.finish().err().map(Err);
            }
            buf.clear();
            match self.reader.read_until(b'\n', buf) {
                Ok(0) => self.eof = true,
                Ok(_) => {
                    let bytes = buf.strip_suffix(b"\n").unwrap_or(buf);
                    let result = match std::str::from_utf8(bytes) {
                        Ok(line) => dec.push_line(line),
                        Err(e) => {
                            let text = String::from_utf8_lossy(bytes).into_owned();
                            Err(DatabentoError::CsvField {
                                file: self.path.clone(),
                                line: dec.line() + 1,
                                column: String::new(),
                                text: text.chars().take(200).collect(),
                                reason: format!("not UTF-8 text ({e})"),
                            }
                            .into())
                        }
                    };
                    if let Err(e) = result {
                        return self.stop(e);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let err = self.read_error(&e);
                    return self.stop(err);
                }
            }
        }
    }
}

impl Iterator for FileEvents {
    type Item = Result<Event, SourcesError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.inner {
            Inner::Dbn(_) => self.next_dbn(),
            Inner::Csv(..) => self.next_csv(),
        }
    }
}
