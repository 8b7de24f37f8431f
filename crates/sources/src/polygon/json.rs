//! Reading typed fields out of vendor JSON objects, with errors that say what was expected and what
//! was found. Shared by the WebSocket decoder and the REST parsers.
//!
//! Prices from JSON numbers: see [`price_from_f64`]. (serde_json's `arbitrary_precision` feature,
//! which would keep the literal text, changes number handling for the whole workspace and is
//! deliberately not used.)

use std::fmt;

use gammaflow_model::Price;
use serde_json::{Map, Number, Value};

/// A JSON object.
pub(crate) type Object = Map<String, Value>;

/// Longest excerpt of a found value quoted in an error.
const FOUND_CHARS: usize = 40;

/// `text` cut to at most `max` characters (at a character boundary), with `…` when cut.
pub(crate) fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// How a found value is shown in an error: its JSON text, truncated.
pub(crate) fn found(value: &Value) -> String {
    excerpt(&value.to_string(), FOUND_CHARS)
}

/// Most characters of a price's decimal text (longer text is far outside the price range).
const PRICE_TEXT_MAX: usize = 48;

/// An exact [`Price`] from a JSON number held as `f64`: the number is written as the **shortest
/// decimal text that parses back to the same `f64`** (Rust's `Display`, which never uses an
/// exponent), and that text is parsed exactly. For the decimal literals vendors send (`1.54`,
/// `5800.25`) the text is the literal itself; no `f64` is ever scaled by 1e9. The text is built
/// in a stack buffer (no allocation).
pub(crate) fn price_from_f64(x: f64) -> Result<Price, String> {
    if !x.is_finite() {
        return Err(format!("{x} is not a price"));
    }
    let mut text = StackText::default();
    if fmt::Write::write_fmt(&mut text, format_args!("{x}")).is_err() {
        return Err(format!("{x} is out of the price range"));
    }
    text.as_str()
        .parse::<Price>()
        .map_err(|e| format!("not an exact price: {e}"))
}

/// A small text buffer on the stack; writing more than it holds fails.
struct StackText {
    bytes: [u8; PRICE_TEXT_MAX],
    len: usize,
}

impl Default for StackText {
    fn default() -> Self {
        Self {
            bytes: [0; PRICE_TEXT_MAX],
            len: 0,
        }
    }
}

impl StackText {
    /// The text written so far.
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let slot = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// An exact price from a JSON number.
pub(crate) fn price_from_number(n: &Number) -> Result<Price, String> {
    if let Some(i) = n.as_i64() {
        return Price::from_integer(i).ok_or_else(|| format!("{i} is out of the price range"));
    }
    match n.as_f64() {
        Some(x) => price_from_f64(x),
        None => Err(format!("{n} is not a price")),
    }
}

/// The value of `field`, or an error "missing".
pub(crate) fn required<'a>(obj: &'a Object, field: &str) -> Result<&'a Value, String> {
    match obj.get(field) {
        Some(Value::Null) | None => Err("missing".to_owned()),
        Some(v) => Ok(v),
    }
}

/// A price from a JSON number value.
pub(crate) fn price_value(value: &Value) -> Result<Price, String> {
    match value {
        Value::Number(n) => price_from_number(n),
        other => Err(format!("expected a number, found {}", found(other))),
    }
}

/// A required price field.
pub(crate) fn price(obj: &Object, field: &str) -> Result<Price, String> {
    price_value(required(obj, field)?)
}

/// An optional price field (`None` if absent or null).
pub(crate) fn opt_price(obj: &Object, field: &str) -> Result<Option<Price>, String> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => price_value(v).map(Some),
    }
}

/// A non-negative integer from a JSON value.
pub(crate) fn u64_value(value: &Value) -> Result<u64, String> {
    value
        .as_u64()
        .ok_or_else(|| format!("expected a non-negative integer, found {}", found(value)))
}

/// A required non-negative integer field.
pub(crate) fn u64_field(obj: &Object, field: &str) -> Result<u64, String> {
    u64_value(required(obj, field)?)
}

/// An optional non-negative integer field.
pub(crate) fn opt_u64(obj: &Object, field: &str) -> Result<Option<u64>, String> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => u64_value(v).map(Some),
    }
}

/// A required integer field that fits `u32`.
pub(crate) fn u32_field(obj: &Object, field: &str) -> Result<u32, String> {
    let n = u64_field(obj, field)?;
    u32::try_from(n).map_err(|_| format!("{n} does not fit 32 bits"))
}

/// An integer that fits `u16` (exchange and condition ids).
pub(crate) fn u16_value(value: &Value) -> Result<u16, String> {
    let n = u64_value(value)?;
    u16::try_from(n).map_err(|_| format!("{n} does not fit 16 bits"))
}

/// An optional `u16` field.
pub(crate) fn opt_u16(obj: &Object, field: &str) -> Result<Option<u16>, String> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => u16_value(v).map(Some),
    }
}

/// A required string field.
pub(crate) fn str_field<'a>(obj: &'a Object, field: &str) -> Result<&'a str, String> {
    match required(obj, field)? {
        Value::String(s) => Ok(s),
        other => Err(format!("expected a string, found {}", found(other))),
    }
}

/// An optional float field (vendor Greeks and IV); `None` if absent or null.
pub(crate) fn opt_f64(obj: &Object, field: &str) -> Result<Option<f64>, String> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_f64()
            .map(Some)
            .ok_or_else(|| format!("expected a number, found {}", found(v))),
    }
}

/// An optional nested object; an error if present but not an object.
pub(crate) fn opt_object<'a>(obj: &'a Object, field: &str) -> Result<Option<&'a Object>, String> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(other) => Err(format!("expected an object, found {}", found(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_parsed_exactly_from_their_shortest_text() {
        let p = |x: f64| price_from_f64(x).unwrap().to_string();
        assert_eq!(p(1.54), "1.54");
        assert_eq!(p(29.0), "29");
        assert_eq!(p(1e-7), "0.0000001");
        assert_eq!(p(-2.5e3), "-2500");
        assert_eq!(p(5800.25), "5800.25");
    }

    #[test]
    fn out_of_range_floats_are_errors() {
        assert!(price_from_f64(1e300).is_err());
        assert!(price_from_f64(1.5e16).is_err());
        assert!(price_from_f64(1e-300).is_err());
        assert!(price_from_f64(0.1234567891).is_err());
        assert!(price_from_f64(f64::NAN).is_err());
        // Float noise (0.30000000000000004) is not silently rounded to 9 decimals.
        assert!(price_from_f64(0.1 + 0.2).is_err());
        assert!(price_from_f64(f64::INFINITY).is_err());
    }

    #[test]
    fn json_numbers_to_prices() {
        let v: Value = serde_json::from_str("[1.54, 5800, 0.05, 9.71, 3988.5]").unwrap();
        let texts: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|x| price_value(x).unwrap().to_string())
            .collect();
        assert_eq!(texts, ["1.54", "5800", "0.05", "9.71", "3988.5"]);
        assert_eq!(excerpt("abcdef", 3), "abc…");
        assert_eq!(excerpt("ab", 3), "ab");
    }
}
