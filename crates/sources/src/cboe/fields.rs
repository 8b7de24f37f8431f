//! Splitting one line of comma-separated text into fields, and the small field parsers shared by
//! the header and row decoders.

use std::borrow::Cow;

use crate::SourcesError;

/// At most this many characters of a line are quoted in an error.
const MAX_QUOTED: usize = 200;

/// `text`, cut to [`MAX_QUOTED`] characters, for an error message.
pub(super) fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(MAX_QUOTED).collect();
    if text.chars().nth(MAX_QUOTED).is_some() {
        out.push('…');
    }
    out
}

/// Splits one line into trimmed fields. A field that starts with `"` runs to the matching
/// closing quote (`""` inside is a literal quote) and may contain commas; anything else runs to
/// the next comma. Fields are trimmed of surrounding whitespace. Trailing empty fields are kept.
pub(super) fn split(line_no: usize, line: &str) -> Result<Vec<Cow<'_, str>>, SourcesError> {
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        let trimmed = rest.trim_start();
        if let Some(quoted) = trimmed.strip_prefix('"') {
            let (value, after) = quoted_field(quoted).ok_or_else(|| SourcesError::Malformed {
                line: line_no,
                reason: "unterminated quoted field".to_owned(),
                text: excerpt(line),
            })?;
            out.push(value);
            let after = after.trim_start();
            if after.is_empty() {
                return Ok(out);
            }
            match after.strip_prefix(',') {
                Some(next) => rest = next,
                None => {
                    return Err(SourcesError::Malformed {
                        line: line_no,
                        reason: "text after the closing quote of a field".to_owned(),
                        text: excerpt(line),
                    });
                }
            }
        } else {
            match rest.split_once(',') {
                Some((field, next)) => {
                    out.push(Cow::Borrowed(field.trim()));
                    rest = next;
                }
                None => {
                    out.push(Cow::Borrowed(rest.trim()));
                    return Ok(out);
                }
            }
        }
    }
}

/// The value of a quoted field (after its opening quote) and the text after its closing quote, or
/// `None` if the quote is not closed.
fn quoted_field(s: &str) -> Option<(Cow<'_, str>, &str)> {
    let mut owned: Option<String> = None;
    let mut start = 0;
    let mut search = 0;
    loop {
        let pos = search + s.get(search..)?.find('"')?;
        if s.get(pos + 1..pos + 2) == Some("\"") {
            // A doubled quote: keep one, continue after both.
            let buf = owned.get_or_insert_with(String::new);
            buf.push_str(s.get(start..=pos)?);
            start = pos + 2;
            search = pos + 2;
            continue;
        }
        let tail = s.get(pos + 1..)?;
        let value = match owned {
            Some(mut buf) => {
                buf.push_str(s.get(start..pos)?);
                Cow::Owned(buf.trim().to_owned())
            }
            None => Cow::Borrowed(s.get(start..pos)?.trim()),
        };
        return Some((value, tail));
    }
}

/// Drops trailing empty fields beyond `keep` (a trailing comma on a line).
pub(super) fn drop_trailing_empty(fields: &mut Vec<Cow<'_, str>>, keep: usize) {
    while fields.len() > keep && fields.last().is_some_and(|f| f.is_empty()) {
        fields.pop();
    }
}

/// A whole number written with digits only, optionally with `,` thousands separators
/// (`51,676,756`).
pub(super) fn whole_number(text: &str) -> Result<u64, String> {
    if text.is_empty() {
        return Err("expected a whole number, found nothing".to_owned());
    }
    let mut value: u64 = 0;
    let mut digits = 0usize;
    for c in text.chars() {
        match c {
            '0'..='9' => {
                value = value
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(u64::from(c as u8 - b'0')))
                    .ok_or_else(|| "whole number out of range".to_owned())?;
                digits += 1;
            }
            ',' if digits > 0 => {}
            _ => return Err("expected a whole number (digits only)".to_owned()),
        }
    }
    if text.ends_with(',') {
        return Err("expected a whole number (digits only)".to_owned());
    }
    Ok(value)
}

/// A finite decimal number (vendor IV, delta, gamma).
pub(super) fn finite(text: &str) -> Result<f64, String> {
    // Rust's parser also accepts `inf`, `NaN` and `1e5`; only plain decimals are expected here.
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    match text.parse::<f64>() {
        Ok(v) if plain && v.is_finite() => Ok(v),
        _ => Err("expected a finite decimal number".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(line: &str) -> Vec<String> {
        split(1, line)
            .unwrap()
            .into_iter()
            .map(|c| c.into_owned())
            .collect()
    }

    #[test]
    fn splits_plain_and_quoted_fields() {
        assert_eq!(fields("a, b ,c"), ["a", "b", "c"]);
        assert_eq!(fields("a,,"), ["a", "", ""]);
        assert_eq!(
            fields("\"Date: June 9, 2025 at 4:52 PM EDT\",Bid: 1,\"Volume: 51,676,756\""),
            [
                "Date: June 9, 2025 at 4:52 PM EDT",
                "Bid: 1",
                "Volume: 51,676,756"
            ]
        );
        assert_eq!(fields("\"say \"\"hi\"\"\",x"), ["say \"hi\"", "x"]);
        assert_eq!(fields(""), [""]);
    }

    #[test]
    fn rejects_broken_quotes() {
        assert!(matches!(
            split(7, "a,\"open"),
            Err(SourcesError::Malformed { line: 7, .. })
        ));
        assert!(split(7, "\"x\"y,z").is_err());
    }

    #[test]
    fn numbers() {
        assert_eq!(whole_number("51,676,756"), Ok(51_676_756));
        assert_eq!(whole_number("0"), Ok(0));
        assert!(whole_number("").is_err());
        assert!(whole_number("-1").is_err());
        assert!(whole_number("1.5").is_err());
        assert!(whole_number(",1").is_err());
        assert!(whole_number("1,").is_err());
        assert!(whole_number("99999999999999999999999").is_err());
        assert_eq!(finite("0.1532"), Ok(0.1532));
        assert_eq!(finite("-1"), Ok(-1.0));
        assert!(finite("NaN").is_err());
        assert!(finite("inf").is_err());
        assert!(finite("").is_err());
        assert!(finite("1e999").is_err());
    }
}
