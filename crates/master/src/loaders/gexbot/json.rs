//! GEXBot history JSON: the response type ([`HistoryResponse`]) and a streaming reader of a file
//! holding one array of responses, one response, or JSON lines.

use std::fmt;
use std::io::{self, BufRead, Read};

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::{Fields, ParseError, Parsed, RecordPos, Snapshot, epoch_to_nanos};

/// Timestamps at or above this many units are milliseconds, below it seconds (10¹¹ s is the year
/// 5138; 10¹¹ ms is March 1973).
const MILLIS_FROM: f64 = 1e11;

/// A JSON value read without failing on its type, so that a wrong type becomes an error naming the
/// field ("field `spot`: expected a number, got text \"abc\"") instead of serde's positional one.
/// Arrays and objects are skipped (not stored).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub enum Loose {
    /// The field is absent.
    #[default]
    Missing,
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits `i64`.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    Text(String),
    /// An array (contents skipped).
    Array,
    /// An object (contents skipped).
    Object,
}

impl fmt::Display for Loose {
    /// How the value is quoted in errors: `text "abc"`, `an array`, `null`, `12`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => f.write_str("nothing"),
            Self::Null => f.write_str("null"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Int(i) => write!(f, "{i}"),
            Self::Float(x) => write!(f, "{x}"),
            Self::Text(t) => {
                let short: String = t.chars().take(40).collect();
                write!(f, "text {short:?}")
            }
            Self::Array => f.write_str("an array"),
            Self::Object => f.write_str("an object"),
        }
    }
}

impl Loose {
    /// A finite number, `None` when missing or `null`; the error names `field`.
    pub fn number(&self, field: &str) -> Result<Option<f64>, String> {
        match self {
            Self::Missing | Self::Null => Ok(None),
            Self::Int(i) => Ok(Some(*i as f64)),
            Self::Float(x) if x.is_finite() => Ok(Some(*x)),
            other => Err(format!("field `{field}`: expected a number, got {other}")),
        }
    }

    /// A whole number, `None` when missing or `null`; the error names `field`.
    pub fn integer(&self, field: &str) -> Result<Option<i64>, String> {
        match self {
            Self::Missing | Self::Null => Ok(None),
            Self::Int(i) => Ok(Some(*i)),
            Self::Float(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Ok(Some(*x as i64)),
            other => Err(format!(
                "field `{field}`: expected a whole number, got {other}"
            )),
        }
    }

    /// A string, `None` when missing or `null`; the error names `field`.
    pub fn text(&self, field: &str) -> Result<Option<String>, String> {
        match self {
            Self::Missing | Self::Null => Ok(None),
            Self::Text(t) => Ok(Some(t.clone())),
            other => Err(format!("field `{field}`: expected text, got {other}")),
        }
    }
}

struct LooseVisitor;

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Loose;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Loose, E> {
        Ok(Loose::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Loose, E> {
        Ok(Loose::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Loose, E> {
        Ok(i64::try_from(v).map_or(Loose::Float(v as f64), Loose::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Loose, E> {
        Ok(Loose::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Loose, E> {
        Ok(Loose::Text(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Loose, E> {
        Ok(Loose::Text(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Loose, E> {
        Ok(Loose::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Loose, E> {
        Ok(Loose::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Loose, D::Error> {
        Loose::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Loose::Array)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loose, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Loose::Object)
    }
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LooseVisitor)
    }
}

/// One GEXBot chart response (`basic_response` of the OpenAPI spec 2.3.0, the element of a
/// history file), reduced to the fields this crate reads; every other field (`strikes`,
/// `max_priors`, `sec_min_dte`, …) is skipped. Values are [`Loose`] so that validation
/// can name a field of the wrong type. The `/majors` spellings
/// (`mpos_vol`, `net_gex_oi`, …) are accepted as aliases.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HistoryResponse {
    /// Unix seconds (UTC), int64.
    pub timestamp: Loose,
    /// `ES_SPX`, `SPX`, …
    pub ticker: Loose,
    /// Days to the nearest expiry included.
    pub min_dte: Loose,
    /// Underlying price.
    pub spot: Loose,
    /// Zero-gamma level.
    pub zero_gamma: Loose,
    /// Major positive strike by volume.
    #[serde(alias = "mpos_vol")]
    pub major_pos_vol: Loose,
    /// Major positive strike by open interest.
    #[serde(alias = "mpos_oi")]
    pub major_pos_oi: Loose,
    /// Major negative strike by volume.
    #[serde(alias = "mneg_vol")]
    pub major_neg_vol: Loose,
    /// Major negative strike by open interest.
    #[serde(alias = "mneg_oi")]
    pub major_neg_oi: Loose,
    /// Net GEX by volume.
    #[serde(alias = "net_gex_vol")]
    pub sum_gex_vol: Loose,
    /// Net GEX by open interest.
    #[serde(alias = "net_gex_oi")]
    pub sum_gex_oi: Loose,
    /// Delta risk reversal.
    pub delta_risk_reversal: Loose,
}

impl HistoryResponse {
    /// Type-checks every field (the error names the first bad one); presence and ranges are
    /// checked afterwards by the reader.
    pub(crate) fn fields(&self) -> Result<Fields, String> {
        let ts = match self.timestamp.number("timestamp")? {
            None => None,
            Some(v) => Some(epoch_to_nanos(v, v >= MILLIS_FROM).ok_or_else(|| {
                format!(
                    "field `timestamp`: {v} is not a time since 1970 in seconds or milliseconds"
                )
            })?),
        };
        Ok(Fields {
            ts,
            ticker: self.ticker.text("ticker")?,
            spot: self.spot.number("spot")?,
            zero_gamma: self.zero_gamma.number("zero_gamma")?,
            major_pos_vol: self.major_pos_vol.number("major_pos_vol")?,
            major_pos_oi: self.major_pos_oi.number("major_pos_oi")?,
            major_neg_vol: self.major_neg_vol.number("major_neg_vol")?,
            major_neg_oi: self.major_neg_oi.number("major_neg_oi")?,
            sum_gex_vol: self.sum_gex_vol.number("sum_gex_vol")?,
            sum_gex_oi: self.sum_gex_oi.number("sum_gex_oi")?,
            delta_risk_reversal: self.delta_risk_reversal.number("delta_risk_reversal")?,
            min_dte: self.min_dte.integer("min_dte")?,
        })
    }

    /// Parses one response from JSON text (for tests and single saved responses).
    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }
}

/// A `BufRead` that counts the newlines consumed (for line numbers in errors).
struct Counting<R> {
    inner: R,
    newlines: u64,
}

impl<R: BufRead> Counting<R> {
    /// 1-based line of the next byte.
    fn line(&self) -> u64 {
        self.newlines + 1
    }

    fn peek(&mut self) -> io::Result<Option<u8>> {
        Ok(self.inner.fill_buf()?.first().copied())
    }

    fn bump(&mut self) {
        if let Ok(Some(b)) = self.peek() {
            if b == b'\n' {
                self.newlines += 1;
            }
            self.inner.consume(1);
        }
    }

    /// The next byte that is not JSON whitespace (not consumed).
    fn peek_non_ws(&mut self) -> io::Result<Option<u8>> {
        loop {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                return Ok(None);
            }
            let ws = buf
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                .count();
            if ws < buf.len() {
                let next = buf[ws];
                let nl = buf[..ws].iter().filter(|&&b| b == b'\n').count() as u64;
                self.newlines += nl;
                self.inner.consume(ws);
                return Ok(Some(next));
            }
            let nl = buf.iter().filter(|&&b| b == b'\n').count() as u64;
            self.newlines += nl;
            self.inner.consume(ws);
        }
    }
}

impl<R: BufRead> Read for Counting<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let buf = self.inner.fill_buf()?;
        let n = buf.len().min(out.len());
        out[..n].copy_from_slice(&buf[..n]);
        self.newlines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        self.inner.consume(n);
        Ok(n)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Nothing read yet.
    Start,
    /// Inside the top-level array; `next` elements read so far.
    Array { next: u64 },
    /// After the closing `]`.
    AfterArray,
    /// A sequence of top-level objects (one object, or JSON lines).
    Objects,
    /// End of file or after an error.
    Done,
}

/// Streams the responses of one JSON file (see the [module documentation](super)).
pub(crate) struct JsonRecords<R> {
    input: Counting<R>,
    state: State,
}

fn show(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("`{}`", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}

impl<R: BufRead> JsonRecords<R> {
    /// A reader of `input` (nothing is read yet).
    pub(crate) fn new(input: R) -> Self {
        Self {
            input: Counting {
                inner: input,
                newlines: 0,
            },
            state: State::Start,
        }
    }

    /// The next record; `None` at the end and after an error.
    pub(crate) fn next(&mut self) -> Option<Result<Parsed, ParseError>> {
        match self.step() {
            Ok(Some(r)) => Some(Ok(r)),
            Ok(None) => {
                self.state = State::Done;
                None
            }
            Err(e) => {
                self.state = State::Done;
                Some(Err(e))
            }
        }
    }

    fn here(&self) -> RecordPos {
        RecordPos::Line(self.input.line())
    }

    fn peek(&mut self) -> Result<Option<u8>, ParseError> {
        let pos = self.here();
        self.input
            .peek_non_ws()
            .map_err(|e| (pos, format!("read failed: {e}")))
    }

    fn step(&mut self) -> Result<Option<Parsed>, ParseError> {
        loop {
            match self.state {
                State::Done => return Ok(None),
                State::Start => {
                    // A UTF-8 byte-order mark (EF BB BF) is skipped.
                    if self.input.peek().ok().flatten() == Some(0xEF) {
                        for expected in [0xEF, 0xBB, 0xBF] {
                            if self.input.peek().ok().flatten() != Some(expected) {
                                return Err((self.here(), "invalid byte-order mark".to_owned()));
                            }
                            self.input.bump();
                        }
                    }
                    match self.peek()? {
                        None => return Ok(None),
                        Some(b'[') => {
                            self.input.bump();
                            self.state = State::Array { next: 0 };
                        }
                        Some(b'{') => self.state = State::Objects,
                        Some(b) => {
                            return Err((
                                self.here(),
                                format!("expected a JSON array or object, got {}", show(b)),
                            ));
                        }
                    }
                }
                State::Array { next } => {
                    let b = self.peek()?;
                    match (next, b) {
                        (_, Some(b']')) => {
                            self.input.bump();
                            self.state = State::AfterArray;
                            continue;
                        }
                        (0, _) => {}
                        (_, Some(b',')) => self.input.bump(),
                        (_, Some(other)) => {
                            return Err((
                                self.here(),
                                format!(
                                    "expected `,` or `]` after element {}, got {}",
                                    next - 1,
                                    show(other)
                                ),
                            ));
                        }
                        (_, None) => {
                            return Err((
                                self.here(),
                                format!(
                                    "the file ends inside the array (after element {})",
                                    next - 1
                                ),
                            ));
                        }
                    }
                    let b = self.peek()?;
                    let pos = RecordPos::Element {
                        index: next,
                        line: self.input.line(),
                    };
                    match b {
                        Some(b'{') => {
                            let snap = self.object(pos)?;
                            self.state = State::Array { next: next + 1 };
                            return Ok(Some((pos, snap)));
                        }
                        Some(other) => {
                            return Err((pos, format!("expected an object, got {}", show(other))));
                        }
                        None => {
                            return Err((pos, "the file ends inside the array".to_owned()));
                        }
                    }
                }
                State::AfterArray => match self.peek()? {
                    None => return Ok(None),
                    Some(b) => {
                        return Err((
                            self.here(),
                            format!("unexpected {} after the closing `]`", show(b)),
                        ));
                    }
                },
                State::Objects => match self.peek()? {
                    None => return Ok(None),
                    Some(b'{') => {
                        let pos = self.here();
                        let snap = self.object(pos)?;
                        return Ok(Some((pos, snap)));
                    }
                    Some(b) => {
                        return Err((
                            self.here(),
                            format!("expected a JSON object, got {}", show(b)),
                        ));
                    }
                },
            }
        }
    }

    /// Parses the object starting at the next byte (`{`) (a syntax error is fatal) and validates
    /// it (a validation error is not: the next object can still be read).
    fn object(&mut self, pos: RecordPos) -> Result<Result<Snapshot, String>, ParseError> {
        let start_line = self.input.line();
        let mut de = serde_json::Deserializer::from_reader(&mut self.input);
        let response = HistoryResponse::deserialize(&mut de).map_err(|e| {
            let line = start_line + (e.line() as u64).saturating_sub(1);
            let mut text = e.to_string();
            if let Some(cut) = text.find(" at line ") {
                text.truncate(cut);
            }
            (pos, format!("invalid JSON at line {line}: {text}"))
        })?;
        Ok(response.fields().and_then(|f| f.finish(None)))
    }
}
