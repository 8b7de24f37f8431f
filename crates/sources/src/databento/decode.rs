//! The sans-I/O DBN decoder: decompressed bytes in (all at once or in pieces), events out.
//!
//! Framing, metadata and the v1/v2 → v3 record upgrade come from the `dbn` crate's state machine
//! ([`dbn::decode::dbn::fsm::DbnFsm`]); this module checks the prelude itself (so that a bad
//! signature or version gets a precise error), numbers the records, converts them with
//! [`super::convert`] and reports an input that ends inside the metadata or a record.

use dbn::decode::dbn::fsm::{DbnFsm, ProcessResult};
use dbn::{Metadata, Schema};
use gammaflow_model::event::Event;

use super::DatabentoError;
use super::convert::{Converter, DecodeStats, Mbp1Order};
use super::symbology::InstrumentMap;
use crate::SourcesError;

/// Size of the DBN prelude: `DBN`, the version byte and the metadata length.
const PRELUDE_LEN: usize = 8;
/// Size of a record header.
const HEADER_LEN: usize = 16;
/// Largest metadata header accepted (a whole OPRA chain's mappings take a few MB).
const MAX_METADATA_LEN: u32 = 256 << 20;
/// The zstd frame signature.
pub(crate) const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

/// `true` if `bytes` start with a zstd skippable frame (legacy DBZ metadata).
pub(crate) fn is_skippable_frame(bytes: &[u8]) -> bool {
    bytes.len() >= 4 && bytes[0] & 0xF0 == 0x50 && bytes[1..4] == [0x2A, 0x4D, 0x18]
}

/// Where the decoder is in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Expecting the prelude (not yet checked).
    Prelude,
    /// Prelude checked, metadata being read by the state machine.
    Metadata,
    /// Reading records.
    Records,
    /// A fatal error was returned; nothing more is decoded.
    Failed,
}

/// A sans-I/O decoder of one DBN stream (versions 1–3, upgraded to 3) into `model` events.
///
/// Feed decompressed bytes with [`DbnDecoder::push`], drain events with
/// [`DbnDecoder::next_event`] (`Ok(None)` means "give me more bytes"; [`DbnDecoder::next_ref`]
/// lends each event instead of moving it out), and call
/// [`DbnDecoder::finish`] at the end of the input to detect a truncated stream. Errors name the
/// stream (`name`, usually the file path) and the 0-based record index. After an error the decoder
/// returns no more events.
///
/// ```
/// use gammaflow_sources::databento::DbnDecoder;
/// let mut dec = DbnDecoder::new("empty.dbn");
/// dec.push(b"XYZ\x01");
/// let err = dec.next_event().unwrap_err();
/// assert!(err.to_string().contains("empty.dbn: not a DBN stream"));
/// ```
#[derive(Debug)]
pub struct DbnDecoder {
    fsm: DbnFsm,
    name: String,
    stage: Stage,
    conv: Converter,
    /// Events kept by `finish` (the second event of a record waits in the converter).
    pending: std::collections::VecDeque<Event>,
    metadata: Option<Metadata>,
    record: u64,
}

impl DbnDecoder {
    /// A decoder of a stream that starts with the `DBN` prelude and metadata. `name` (the file
    /// path, usually) appears in every error.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            fsm: DbnFsm::default(),
            name: name.into(),
            stage: Stage::Prelude,
            conv: Converter::default(),
            pending: std::collections::VecDeque::new(),
            metadata: None,
            record: 0,
        }
    }

    /// A decoder of a **fragment** (`.dbn.frag`: records only, no prelude or metadata) of DBN
    /// `version` (1–3); `None` lets the decoder infer old versions from record sizes (definitions,
    /// statistics), which is exact for every record type whose layout changed.
    pub fn fragment(name: impl Into<String>, version: Option<u8>) -> Result<Self, SourcesError> {
        let name = name.into();
        if let Some(v) = version
            && !(1..=3).contains(&v)
        {
            return Err(DatabentoError::UnsupportedVersion {
                file: name,
                version: v,
            }
            .into());
        }
        let fsm = DbnFsm::builder()
            .skip_metadata(true)
            .input_dbn_version(version)
            .and_then(|b| b.build())
            .map_err(|e| DatabentoError::Fragment {
                file: name.clone(),
                reason: e.to_string(),
            })?;
        let mut dec = Self::new(name);
        dec.fsm = fsm;
        dec.stage = Stage::Records;
        Ok(dec)
    }

    /// Decodes a whole in-memory stream (with metadata) into events.
    pub fn decode_all(name: impl Into<String>, bytes: &[u8]) -> Result<Vec<Event>, SourcesError> {
        let mut dec = Self::new(name);
        dec.push(bytes);
        let mut events = Vec::new();
        while let Some(e) = dec.next_event()? {
            events.push(e);
        }
        dec.finish()?;
        Ok(events)
    }

    /// Seeds the instrument map (e.g. with the definitions of another file of the same day).
    pub fn with_instruments(mut self, map: InstrumentMap) -> Self {
        self.conv.map = map;
        self
    }

    /// Declares the order of trade and quote for rtype-1 records (see [`Mbp1Order`]); by default it
    /// follows the metadata's schema (`tbbo` → quote first).
    pub fn with_mbp1_order(mut self, order: Mbp1Order) -> Self {
        self.conv.mbp1_order = order;
        self
    }

    /// The stream's name, as used in errors.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The metadata, once decoded (`None` for fragments).
    pub fn metadata(&self) -> Option<&Metadata> {
        self.metadata.as_ref()
    }

    /// What was decoded and skipped so far.
    pub fn stats(&self) -> &DecodeStats {
        &self.conv.stats
    }

    /// The instrument map built so far (metadata mappings and definitions).
    pub fn instruments(&self) -> &InstrumentMap {
        &self.conv.map
    }

    /// Number of records decoded so far.
    pub fn records(&self) -> u64 {
        self.record
    }

    /// Appends decompressed bytes.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.stage != Stage::Failed {
            self.fsm.write_all(bytes);
        }
    }

    /// Free space of the internal buffer, for I/O without an intermediate copy: write into it,
    /// then call [`DbnDecoder::filled`] with the number of bytes written.
    pub fn space(&mut self) -> &mut [u8] {
        self.fsm.space()
    }

    /// Declares `n` bytes written into [`DbnDecoder::space`].
    pub fn filled(&mut self, n: usize) {
        self.fsm.fill(n);
    }

    /// The next event: `Ok(Some)`, `Ok(None)` when more input is needed, or an error naming the
    /// stream and the record.
    #[inline]
    pub fn next_event(&mut self) -> Result<Option<Event>, SourcesError> {
        if self.advance()? {
            Ok(self.conv.out.take())
        } else {
            Ok(None)
        }
    }

    /// As [`DbnDecoder::next_event`], but lends the event, which stays in the decoder until the
    /// next call: no move of the event at all, like the `dbn` crate's `decode_record_ref`.
    ///
    /// ```
    /// use gammaflow_sources::databento::DbnDecoder;
    /// let mut dec = DbnDecoder::new("empty.dbn");
    /// assert!(dec.next_ref().unwrap().is_none());
    /// ```
    #[inline]
    pub fn next_ref(&mut self) -> Result<Option<&Event>, SourcesError> {
        if self.advance()? {
            Ok(self.conv.out.as_ref())
        } else {
            Ok(None)
        }
    }

    /// Decodes up to the next event, which the converter builds in place in its `out` slot (the
    /// second event of a record and events kept by `finish` are moved there): `Ok(true)`, or
    /// `Ok(false)` when more input is needed.
    #[inline(always)]
    fn advance(&mut self) -> Result<bool, SourcesError> {
        if self.conv.second.is_some() {
            self.conv.out = self.conv.second.take();
            return Ok(true);
        }
        if !self.pending.is_empty() {
            self.conv.out = self.pending.pop_front();
            return Ok(true);
        }
        loop {
            match self.stage {
                Stage::Failed => return Ok(false),
                Stage::Prelude => {
                    if !self.check_prelude()? {
                        return Ok(false);
                    }
                    continue;
                }
                Stage::Metadata | Stage::Records => {}
            }
            match self.fsm.process() {
                ProcessResult::ReadMore(_) => return Ok(false),
                ProcessResult::Metadata(m) => {
                    self.conv.map.load_metadata(&m);
                    if m.schema == Some(Schema::Tbbo) {
                        self.conv.mbp1_order = Mbp1Order::QuoteFirst;
                    }
                    self.metadata = Some(m);
                    self.stage = Stage::Records;
                }
                ProcessResult::Record(()) => {
                    let index = self.record;
                    self.record += 1;
                    let Some(rec) = self.fsm.last_record() else {
                        continue;
                    };
                    match self.conv.convert(rec, None) {
                        Ok(false) => {}
                        Ok(true) => return Ok(true),
                        Err(reason) => {
                            return Err(self.fail(DatabentoError::Record {
                                file: self.name.clone(),
                                record: index,
                                reason,
                            }));
                        }
                    }
                }
                ProcessResult::Err(e) => {
                    let err = if self.stage == Stage::Metadata {
                        DatabentoError::Metadata {
                            file: self.name.clone(),
                            reason: e.to_string(),
                        }
                    } else {
                        DatabentoError::Record {
                            file: self.name.clone(),
                            record: self.record,
                            reason: e.to_string(),
                        }
                    };
                    return Err(self.fail(err));
                }
            }
        }
    }

    /// Marks the decoder failed and returns the error.
    fn fail(&mut self, err: DatabentoError) -> SourcesError {
        self.stage = Stage::Failed;
        self.pending.clear();
        self.conv.out = None;
        self.conv.second = None;
        err.into()
    }

    /// Checks the prelude once 8 bytes are buffered; `Ok(false)` if more bytes are needed.
    fn check_prelude(&mut self) -> Result<bool, SourcesError> {
        let data = self.fsm.data();
        if data.len() >= 4 && data[..4] == ZSTD_MAGIC {
            return Err(self.fail(DatabentoError::Compressed {
                file: self.name.clone(),
            }));
        }
        if is_skippable_frame(data) {
            return Err(self.fail(DatabentoError::LegacyDbz {
                file: self.name.clone(),
            }));
        }
        if data.len() < 4 {
            let n = data.len();
            let maybe_skippable = n == 0 || data[0] & 0xF0 == 0x50;
            if data[..n] == ZSTD_MAGIC[..n]
                || maybe_skippable
                || data[..n.min(3)] == b"DBN"[..n.min(3)]
            {
                return Ok(false);
            }
        }
        let shown = data.len().min(3);
        if data[..shown] != b"DBN"[..shown] {
            let found = hex(&data[..data.len().min(8)]);
            return Err(self.fail(DatabentoError::BadMagic {
                file: self.name.clone(),
                found,
            }));
        }
        if data.len() < PRELUDE_LEN {
            return Ok(false);
        }
        let version = data[3];
        if !(1..=3).contains(&version) {
            return Err(self.fail(DatabentoError::UnsupportedVersion {
                file: self.name.clone(),
                version,
            }));
        }
        let length = u32::from_le_bytes([data[4], data[5], data[6], data[7]]);
        if length > MAX_METADATA_LEN {
            return Err(self.fail(DatabentoError::Metadata {
                file: self.name.clone(),
                reason: format!(
                    "metadata length {length} bytes exceeds the limit of {MAX_METADATA_LEN}"
                ),
            }));
        }
        self.stage = Stage::Metadata;
        Ok(true)
    }

    /// Declares the end of the input: an error if it ended inside the prelude, the metadata or a
    /// record. Call it once [`DbnDecoder::next_event`] returned `Ok(None)` after the last bytes;
    /// events still decodable are kept for `next_event`.
    pub fn finish(&mut self) -> Result<(), SourcesError> {
        if self.stage == Stage::Failed {
            return Ok(());
        }
        let mut pending = std::collections::VecDeque::new();
        while let Some(e) = self.next_event()? {
            pending.push_back(e);
        }
        let data = self.fsm.data();
        let have = data.len();
        let err = match self.stage {
            Stage::Prelude => Some(DatabentoError::Metadata {
                file: self.name.clone(),
                reason: format!(
                    "the input ends after {have} bytes, inside the {PRELUDE_LEN}-byte prelude"
                ),
            }),
            Stage::Metadata => Some(DatabentoError::Metadata {
                file: self.name.clone(),
                reason: "the input ends inside the metadata header".to_owned(),
            }),
            Stage::Records if have > 0 => {
                let declared = data.first().map_or(0, |len| usize::from(*len) * 4);
                Some(DatabentoError::TruncatedRecord {
                    file: self.name.clone(),
                    record: self.record,
                    have,
                    need: declared.max(HEADER_LEN),
                })
            }
            Stage::Records | Stage::Failed => None,
        };
        let result = match err {
            Some(e) => Err(self.fail(e)),
            None => Ok(()),
        };
        self.pending = pending;
        result
    }
}

/// Lower-case hex of a few bytes, space-separated.
fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `bytes` fed in `chunk`-byte pieces, with `next_ref` or `next_event`.
    fn decode(bytes: &[u8], chunk: usize, by_ref: bool) -> (Vec<Event>, DecodeStats) {
        let mut dec = DbnDecoder::new("test");
        let mut out = Vec::new();
        let mut drain = |dec: &mut DbnDecoder| {
            if by_ref {
                while let Some(e) = dec.next_ref().unwrap() {
                    out.push(*e);
                }
            } else {
                while let Some(e) = dec.next_event().unwrap() {
                    out.push(e);
                }
            }
        };
        for piece in bytes.chunks(chunk) {
            dec.push(piece);
            drain(&mut dec);
        }
        dec.finish().unwrap();
        drain(&mut dec);
        (out, *dec.stats())
    }

    #[test]
    fn next_ref_and_next_event_agree_on_a_real_mbp1_file() {
        let path = gammaflow_testkit::shared_data(
            "databento/nautilus/historical_bars_catalog/databento/futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst",
        );
        let bytes = zstd::decode_all(std::fs::File::open(path).unwrap()).unwrap();
        let (owned, stats) = decode(&bytes, 1 << 20, false);
        // 2288 records, 120 of them trades (a trade then the book after it).
        assert_eq!((stats.records, stats.events), (2288, 2408));
        assert_eq!(owned.len(), 2408);
        let trades = owned
            .windows(2)
            .filter(|w| matches!((&w[0], &w[1]), (Event::Trade(_), Event::Quote(_))))
            .count();
        assert_eq!(trades, 120);
        for chunk in [1 << 20, 4096, 77] {
            let (lent, lent_stats) = decode(&bytes, chunk, true);
            assert_eq!(lent, owned);
            assert_eq!(lent_stats, stats);
        }
    }
}
