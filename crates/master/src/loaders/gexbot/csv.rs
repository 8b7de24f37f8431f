//! GEXBot CSV exports: the configurable column mapping ([`GexCsvMapping`]) and a streaming reader.

use std::io::Read;

use gammaflow_model::UnixNanos;
use serde::{Deserialize, Serialize};

use super::{Fields, ParseError, Parsed, RecordPos, epoch_to_nanos};

/// The header the default [`GexCsvMapping`] matches: GEXBot's `basic_response` flattened, in the
/// spec's field order, without the per-strike arrays. Columns `min_dte`, `sec_min_dte`,
/// `delta_risk_reversal` and the `sum_gex_*` may be left out; order does not matter.
pub const DEFAULT_CSV_HEADER: &str = "timestamp,ticker,min_dte,sec_min_dte,spot,zero_gamma,major_pos_vol,major_pos_oi,major_neg_vol,major_neg_oi,sum_gex_vol,sum_gex_oi,delta_risk_reversal";

/// How the timestamp column is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum TimestampFormat {
    /// `epoch_s`: seconds since 1970-01-01 UTC (GEXBot's own unit; decimals allowed).
    #[default]
    #[serde(rename = "epoch_s")]
    EpochSeconds,
    /// `epoch_ms`: milliseconds since 1970-01-01 UTC.
    #[serde(rename = "epoch_ms")]
    EpochMillis,
    /// `iso`: RFC 3339 / ISO 8601 with a UTC offset or `Z` (`2025-06-10T09:30:00-04:00`,
    /// `2025-06-10T13:30:00Z`, optionally followed by `[America/New_York]`); a time without an
    /// offset is an error.
    #[serde(rename = "iso")]
    Iso,
}

impl TimestampFormat {
    /// Every format.
    pub const ALL: [Self; 3] = [Self::EpochSeconds, Self::EpochMillis, Self::Iso];

    /// The spelling in the configuration: `epoch_s`, `epoch_ms` or `iso`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::EpochSeconds => "epoch_s",
            Self::EpochMillis => "epoch_ms",
            Self::Iso => "iso",
        }
    }

    /// The format spelled `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// A timestamp cell in this format → UTC ns; the error quotes the cell.
    pub fn read(self, cell: &str) -> Result<UnixNanos, String> {
        let bad = |why: &str| format!("expected {why}, got {cell:?}");
        match self {
            Self::EpochSeconds | Self::EpochMillis => {
                let v: f64 = cell
                    .parse()
                    .map_err(|_| bad(&format!("a number ({})", self.name())))?;
                epoch_to_nanos(v, self == Self::EpochMillis)
                    .ok_or_else(|| bad(&format!("a time since 1970 ({})", self.name())))
            }
            Self::Iso => {
                let ts: jiff::Timestamp = cell
                    .parse()
                    .map_err(|_| bad("an ISO 8601 time with an offset (iso)"))?;
                u64::try_from(ts.as_nanosecond())
                    .map(UnixNanos)
                    .map_err(|_| bad("a time after 1970 (iso)"))
            }
        }
    }
}

/// One of our GEXBot fields (the keys of [`GexCsvMapping`] and of `gex.csv_columns`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GexField {
    /// `timestamp`.
    Timestamp,
    /// `ticker` (optional column).
    Ticker,
    /// `spot`.
    Spot,
    /// `zero_gamma`.
    ZeroGamma,
    /// `major_pos_vol`.
    MajorPosVol,
    /// `major_pos_oi`.
    MajorPosOi,
    /// `major_neg_vol`.
    MajorNegVol,
    /// `major_neg_oi`.
    MajorNegOi,
    /// `sum_gex_vol` (optional column).
    SumGexVol,
    /// `sum_gex_oi` (optional column).
    SumGexOi,
    /// `delta_risk_reversal` (optional column).
    DeltaRiskReversal,
    /// `min_dte` (optional column).
    MinDte,
}

impl GexField {
    /// Every field, in this order.
    pub const ALL: [Self; 12] = [
        Self::Timestamp,
        Self::Ticker,
        Self::Spot,
        Self::ZeroGamma,
        Self::MajorPosVol,
        Self::MajorPosOi,
        Self::MajorNegVol,
        Self::MajorNegOi,
        Self::SumGexVol,
        Self::SumGexOi,
        Self::DeltaRiskReversal,
        Self::MinDte,
    ];

    /// Our name (the GEXBot JSON name).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Timestamp => "timestamp",
            Self::Ticker => "ticker",
            Self::Spot => "spot",
            Self::ZeroGamma => "zero_gamma",
            Self::MajorPosVol => "major_pos_vol",
            Self::MajorPosOi => "major_pos_oi",
            Self::MajorNegVol => "major_neg_vol",
            Self::MajorNegOi => "major_neg_oi",
            Self::SumGexVol => "sum_gex_vol",
            Self::SumGexOi => "sum_gex_oi",
            Self::DeltaRiskReversal => "delta_risk_reversal",
            Self::MinDte => "min_dte",
        }
    }

    /// The field named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether a CSV file must have this field's column.
    pub const fn required(self) -> bool {
        !matches!(
            self,
            Self::Ticker
                | Self::SumGexVol
                | Self::SumGexOi
                | Self::DeltaRiskReversal
                | Self::MinDte
        )
    }
}

/// Which column of a CSV export holds each field, and how its timestamps are written. Missing
/// keys take the default: the column named like the field ([`DEFAULT_CSV_HEADER`]), `epoch_s`.
/// Unknown keys are errors.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GexCsvMapping {
    /// Column of the snapshot time.
    pub timestamp: String,
    /// Column of the ticker (optional: without it every row is of the configured ticker).
    pub ticker: String,
    /// Column of the underlying price.
    pub spot: String,
    /// Column of the zero-gamma level.
    pub zero_gamma: String,
    /// Column of the major positive strike by volume.
    pub major_pos_vol: String,
    /// Column of the major positive strike by open interest.
    pub major_pos_oi: String,
    /// Column of the major negative strike by volume.
    pub major_neg_vol: String,
    /// Column of the major negative strike by open interest.
    pub major_neg_oi: String,
    /// Column of the net GEX by volume (optional).
    pub sum_gex_vol: String,
    /// Column of the net GEX by open interest (optional).
    pub sum_gex_oi: String,
    /// Column of the delta risk reversal (optional).
    pub delta_risk_reversal: String,
    /// Column of the days to the nearest expiry (optional).
    pub min_dte: String,
    /// How the timestamp column is written.
    pub timestamp_format: TimestampFormat,
}

impl Default for GexCsvMapping {
    /// Every column named like its field; `epoch_s`.
    fn default() -> Self {
        let name = |f: GexField| f.name().to_owned();
        Self {
            timestamp: name(GexField::Timestamp),
            ticker: name(GexField::Ticker),
            spot: name(GexField::Spot),
            zero_gamma: name(GexField::ZeroGamma),
            major_pos_vol: name(GexField::MajorPosVol),
            major_pos_oi: name(GexField::MajorPosOi),
            major_neg_vol: name(GexField::MajorNegVol),
            major_neg_oi: name(GexField::MajorNegOi),
            sum_gex_vol: name(GexField::SumGexVol),
            sum_gex_oi: name(GexField::SumGexOi),
            delta_risk_reversal: name(GexField::DeltaRiskReversal),
            min_dte: name(GexField::MinDte),
            timestamp_format: TimestampFormat::EpochSeconds,
        }
    }
}

impl GexCsvMapping {
    /// The column name of `field`.
    pub fn column(&self, field: GexField) -> &str {
        match field {
            GexField::Timestamp => &self.timestamp,
            GexField::Ticker => &self.ticker,
            GexField::Spot => &self.spot,
            GexField::ZeroGamma => &self.zero_gamma,
            GexField::MajorPosVol => &self.major_pos_vol,
            GexField::MajorPosOi => &self.major_pos_oi,
            GexField::MajorNegVol => &self.major_neg_vol,
            GexField::MajorNegOi => &self.major_neg_oi,
            GexField::SumGexVol => &self.sum_gex_vol,
            GexField::SumGexOi => &self.sum_gex_oi,
            GexField::DeltaRiskReversal => &self.delta_risk_reversal,
            GexField::MinDte => &self.min_dte,
        }
    }

    /// The column name of `field`, to change.
    pub fn column_mut(&mut self, field: GexField) -> &mut String {
        match field {
            GexField::Timestamp => &mut self.timestamp,
            GexField::Ticker => &mut self.ticker,
            GexField::Spot => &mut self.spot,
            GexField::ZeroGamma => &mut self.zero_gamma,
            GexField::MajorPosVol => &mut self.major_pos_vol,
            GexField::MajorPosOi => &mut self.major_pos_oi,
            GexField::MajorNegVol => &mut self.major_neg_vol,
            GexField::MajorNegOi => &mut self.major_neg_oi,
            GexField::SumGexVol => &mut self.sum_gex_vol,
            GexField::SumGexOi => &mut self.sum_gex_oi,
            GexField::DeltaRiskReversal => &mut self.delta_risk_reversal,
            GexField::MinDte => &mut self.min_dte,
        }
    }

    /// The mapping with `field` read from column `column` (builder style, for tests and callers).
    pub fn with(mut self, field: GexField, column: impl Into<String>) -> Self {
        *self.column_mut(field) = column.into();
        self
    }
}

/// Streams the rows of one CSV export.
pub(crate) struct CsvRecords<R> {
    reader: ::csv::Reader<R>,
    /// Column index per field of [`GexField::ALL`] (`None`: optional column absent).
    index: [Option<usize>; 12],
    mapping: GexCsvMapping,
    row: ::csv::StringRecord,
    done: bool,
}

impl<R: Read> CsvRecords<R> {
    /// Reads the header and finds every mapped column (the error names the field and column).
    pub(crate) fn new(input: R, mapping: &GexCsvMapping) -> Result<Self, ParseError> {
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(::csv::Trim::All)
            .from_reader(input);
        let header = reader
            .headers()
            .map_err(|e| (RecordPos::Line(1), format!("header: {e}")))?
            .clone();
        if header.is_empty() || (header.len() == 1 && header.get(0) == Some("")) {
            return Err((RecordPos::Line(1), "header: empty file".to_owned()));
        }
        let mut index = [None; 12];
        for (slot, field) in index.iter_mut().zip(GexField::ALL) {
            let column = mapping.column(field);
            *slot = header.iter().position(|h| h == column);
            if slot.is_none() && field.required() {
                let found: Vec<&str> = header.iter().take(30).collect();
                return Err((
                    RecordPos::Line(1),
                    format!(
                        "header: no column {column:?} for field `{}` (columns: {})",
                        field.name(),
                        found.join(",")
                    ),
                ));
            }
        }
        Ok(Self {
            reader,
            index,
            mapping: mapping.clone(),
            row: ::csv::StringRecord::new(),
            done: false,
        })
    }

    /// The next row; `None` at the end and after a fatal error.
    pub(crate) fn next(&mut self, default_ticker: &str) -> Option<Result<Parsed, ParseError>> {
        if self.done {
            return None;
        }
        match self.reader.read_record(&mut self.row) {
            Ok(false) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                let line = e.position().map_or(0, |p| p.line());
                Some(Err((RecordPos::Line(line), e.to_string())))
            }
            Ok(true) => {
                let line = self.row.position().map_or(0, |p| p.line());
                Some(Ok((RecordPos::Line(line), self.fields(default_ticker))))
            }
        }
    }

    fn cell(&self, field: GexField) -> Option<&str> {
        let i = self.index[GexField::ALL.iter().position(|f| *f == field)?]?;
        self.row.get(i).filter(|c| !c.is_empty())
    }

    fn number(&self, field: GexField) -> Result<Option<f64>, String> {
        match self.cell(field) {
            None => Ok(None),
            Some(c) => match c.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(Some(x)),
                _ => Err(format!(
                    "field `{}` (column {:?}): expected a number, got {c:?}",
                    field.name(),
                    self.mapping.column(field)
                )),
            },
        }
    }

    fn fields(&self, default_ticker: &str) -> Result<super::Snapshot, String> {
        let ts = match self.cell(GexField::Timestamp) {
            None => None,
            Some(c) => Some(self.mapping.timestamp_format.read(c).map_err(|e| {
                format!(
                    "field `timestamp` (column {:?}): {e}",
                    self.mapping.timestamp
                )
            })?),
        };
        let min_dte = match self.number(GexField::MinDte)? {
            Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Some(x as i64),
            Some(x) => {
                return Err(format!(
                    "field `min_dte` (column {:?}): expected a whole number, got {x}",
                    self.mapping.min_dte
                ));
            }
            None => None,
        };
        let fields = Fields {
            ts,
            ticker: self.cell(GexField::Ticker).map(str::to_owned),
            spot: self.number(GexField::Spot)?,
            zero_gamma: self.number(GexField::ZeroGamma)?,
            major_pos_vol: self.number(GexField::MajorPosVol)?,
            major_pos_oi: self.number(GexField::MajorPosOi)?,
            major_neg_vol: self.number(GexField::MajorNegVol)?,
            major_neg_oi: self.number(GexField::MajorNegOi)?,
            sum_gex_vol: self.number(GexField::SumGexVol)?,
            sum_gex_oi: self.number(GexField::SumGexOi)?,
            delta_risk_reversal: self.number(GexField::DeltaRiskReversal)?,
            min_dte,
        };
        // Without a ticker column every row is of the configured ticker.
        let default = self.index[1].is_none().then_some(default_ticker);
        fields.finish(default)
    }
}
