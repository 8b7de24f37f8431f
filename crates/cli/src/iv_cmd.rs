//! `gammaflow iv`: batch implied volatility and Greeks over a CSV file.
//!
//! The input is streamed in chunks of [`CHUNK_ROWS`] rows; each chunk's valid rows go through
//! `quant::iv::implied_vol_batch` (one batch per model), then `quant::black::first_order` at the
//! IV found. Every input row gives exactly one output row: a row that cannot be read gets the
//! status `invalid_input: <column>` and empty results, never an abort. Only an unreadable file, a
//! missing column or a write error stops the run.

use std::path::Path;

use anyhow::{Context, Result, bail};
use csv::ByteRecord;
use gammaflow_quant::iv::{self, IvBatch, IvStatus};
use gammaflow_quant::{Model, OptionInputs, OptionKind, QuantError, black};

/// Rows per batch.
pub const CHUNK_ROWS: usize = 65_536;
/// Required input columns, in the order they are checked.
pub const INPUT_COLUMNS: [&str; 8] = ["model", "flag", "S", "K", "T", "r", "q", "price"];
/// Output columns appended to the input's.
pub const OUTPUT_COLUMNS: [&str; 7] = ["iv", "iv_status", "delta", "gamma", "vega", "theta", "rho"];
/// Prefix of the output columns when the input already has one of their names.
pub const CLASH_PREFIX: &str = "calc_";

/// Positions of the required columns in the input.
struct Positions([usize; 8]);

/// One row after parsing: the inputs and price, or the column that is invalid.
type Parsed = Result<(OptionInputs, f64), &'static str>;

/// The output of one row: IV (NaN if none), status text and the five Greeks.
struct Outcome {
    iv: f64,
    status: String,
    greeks: Option<[f64; 5]>,
}

/// Runs the command.
pub fn run(input: &Path, output: &Path) -> Result<()> {
    let in_name = input.display().to_string();
    let out_name = output.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(input)
        .with_context(|| format!("cannot read {in_name}"))?;
    let headers = reader
        .byte_headers()
        .with_context(|| format!("{in_name}: cannot read the header line"))?
        .clone();
    let names: Vec<String> = headers
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_owned())
        .collect();
    let mut pos = [0usize; 8];
    for (slot, want) in pos.iter_mut().zip(INPUT_COLUMNS) {
        *slot = names.iter().position(|n| n == want).with_context(|| {
            format!(
                "{in_name}: missing column `{want}` (the header must name model, flag, S, K, T, \
                 r, q and price; found: {})",
                names.join(",")
            )
        })?;
    }
    let positions = Positions(pos);
    let clash = OUTPUT_COLUMNS.iter().any(|o| names.iter().any(|n| n == o));
    let prefix = if clash {
        eprintln!(
            "note: {in_name} already has a column named like an output column; writing ours as \
             {CLASH_PREFIX}iv, {CLASH_PREFIX}iv_status, ..."
        );
        CLASH_PREFIX
    } else {
        ""
    };

    let mut writer =
        csv::Writer::from_path(output).with_context(|| format!("cannot create {out_name}"))?;
    let mut header = headers.clone();
    for o in OUTPUT_COLUMNS {
        header.push_field(format!("{prefix}{o}").as_bytes());
    }
    writer
        .write_byte_record(&header)
        .with_context(|| format!("writing {out_name}"))?;

    let width = headers.len();
    let mut counts: std::collections::BTreeMap<String, u64> = Default::default();
    let mut chunk: Vec<ByteRecord> = Vec::with_capacity(CHUNK_ROWS);
    let mut records = reader.byte_records();
    loop {
        chunk.clear();
        for record in records.by_ref().take(CHUNK_ROWS) {
            chunk.push(record.with_context(|| format!("{in_name}: cannot read a row"))?);
        }
        if chunk.is_empty() {
            break;
        }
        let parsed: Vec<Parsed> = chunk.iter().map(|r| parse_row(r, &positions)).collect();
        for (record, outcome) in chunk.iter().zip(solve(&parsed)) {
            let mut row = ByteRecord::new();
            for i in 0..width {
                row.push_field(record.get(i).unwrap_or_default());
            }
            let iv = if outcome.iv.is_finite() {
                outcome.iv.to_string()
            } else {
                String::new()
            };
            row.push_field(iv.as_bytes());
            row.push_field(outcome.status.as_bytes());
            for g in outcome.greeks.unwrap_or([f64::NAN; 5]) {
                let text = if g.is_finite() {
                    g.to_string()
                } else {
                    String::new()
                };
                row.push_field(text.as_bytes());
            }
            writer
                .write_byte_record(&row)
                .with_context(|| format!("writing {out_name}"))?;
            *counts.entry(outcome.status).or_default() += 1;
        }
    }
    writer
        .flush()
        .with_context(|| format!("writing {out_name}"))?;
    let total: u64 = counts.values().sum();
    let summary: Vec<String> = counts.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    eprintln!("{out_name}: {total} rows ({})", summary.join(", "));
    if total == 0 {
        bail!("{in_name}: no data rows");
    }
    Ok(())
}

fn field(record: &ByteRecord, i: usize) -> &str {
    record
        .get(i)
        .and_then(|b| std::str::from_utf8(b).ok())
        .map_or("", str::trim)
}

fn number(record: &ByteRecord, i: usize, name: &'static str) -> Result<f64, &'static str> {
    match field(record, i).parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(name),
    }
}

/// Parses and validates one row, naming the first invalid column.
fn parse_row(record: &ByteRecord, pos: &Positions) -> Parsed {
    let p = &pos.0;
    let model = match field(record, p[0]).to_ascii_lowercase().as_str() {
        "bs" | "bsm" => Model::Bsm,
        "black76" | "b76" => Model::Black76,
        _ => return Err("model"),
    };
    let kind = match field(record, p[1]).to_ascii_lowercase().as_str() {
        "c" | "call" => OptionKind::Call,
        "p" | "put" => OptionKind::Put,
        _ => return Err("flag"),
    };
    let s = number(record, p[2], "S")?;
    let k = number(record, p[3], "K")?;
    let t = number(record, p[4], "T")?;
    let r = number(record, p[5], "r")?;
    let q = if model == Model::Black76 && field(record, p[6]).is_empty() {
        0.0
    } else {
        number(record, p[6], "q")?
    };
    let price = number(record, p[7], "price")?;
    let inputs = OptionInputs {
        model,
        kind,
        s,
        k,
        t,
        r,
        q,
    };
    match inputs.validate() {
        Ok(()) => Ok((inputs, price)),
        Err(QuantError::InvalidInput { name, .. }) => Err(column_of(name)),
        Err(_) => Err("price"),
    }
}

/// The CSV column of a `quant` input name.
fn column_of(name: &str) -> &'static str {
    match name {
        "s" => "S",
        "k" => "K",
        "t" => "T",
        "r" => "r",
        "q" => "q",
        _ => "price",
    }
}

/// IVs (one batch per model) and Greeks of a chunk.
fn solve(parsed: &[Parsed]) -> Vec<Outcome> {
    let mut out: Vec<Outcome> = parsed
        .iter()
        .map(|p| Outcome {
            iv: f64::NAN,
            status: match p {
                Ok(_) => String::new(),
                Err(column) => format!("invalid_input: {column}"),
            },
            greeks: None,
        })
        .collect();
    for model in [Model::Bsm, Model::Black76] {
        let rows: Vec<(usize, &OptionInputs, f64)> = parsed
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.as_ref().ok().map(|(inp, price)| (i, inp, *price)))
            .filter(|(_, inp, _)| inp.model == model)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let col = |f: fn(&OptionInputs) -> f64| -> Vec<f64> {
            rows.iter().map(|(_, x, _)| f(x)).collect()
        };
        let s = col(|x| x.s);
        let k = col(|x| x.k);
        let t = col(|x| x.t);
        let r = col(|x| x.r);
        let q = col(|x| x.q);
        let kind: Vec<OptionKind> = rows.iter().map(|(_, x, _)| x.kind).collect();
        let price: Vec<f64> = rows.iter().map(|(_, _, p)| *p).collect();
        let mut vol = vec![f64::NAN; rows.len()];
        let mut status = vec![IvStatus::InvalidInput; rows.len()];
        let batch = IvBatch {
            model,
            kind: &kind,
            s: &s,
            k: &k,
            t: &t,
            r: &r,
            q: &q,
            price: &price,
        };
        if iv::implied_vol_batch(&batch, &mut vol, &mut status).is_err() {
            // Lengths are equal by construction; fall back to the scalar solver all the same.
            for (j, (_, inputs, p)) in rows.iter().enumerate() {
                let result = iv::implied_vol(inputs, *p);
                status[j] = IvStatus::of(&result);
                vol[j] = result.unwrap_or(f64::NAN);
            }
        }
        for (j, (i, inputs, _)) in rows.iter().enumerate() {
            let o = &mut out[*i];
            o.status = match status[j] {
                IvStatus::InvalidInput => "invalid_input: price".to_owned(),
                s => s.as_str().to_owned(),
            };
            if matches!(status[j], IvStatus::Ok | IvStatus::ZeroTimeValue) && vol[j].is_finite() {
                o.iv = vol[j];
                let g = black::first_order(inputs, vol[j]);
                o.greeks = Some([g.delta, g.gamma, g.vega, g.theta, g.rho]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(fields: &[&str]) -> ByteRecord {
        ByteRecord::from(fields.to_vec())
    }

    const POS: Positions = Positions([0, 1, 2, 3, 4, 5, 6, 7]);

    #[test]
    fn invalid_fields_are_named() {
        let bad = |f: &[&str]| parse_row(&rec(f), &POS).err();
        assert_eq!(
            bad(&["bs", "c", "100", "100", "0.5", "0.01", "0", "5"]),
            None
        );
        assert_eq!(
            bad(&["heston", "c", "100", "100", "0.5", "0.01", "0", "5"]),
            Some("model")
        );
        assert_eq!(
            bad(&["bs", "x", "100", "100", "0.5", "0.01", "0", "5"]),
            Some("flag")
        );
        assert_eq!(
            bad(&["bs", "c", "-1", "100", "0.5", "0.01", "0", "5"]),
            Some("S")
        );
        assert_eq!(
            bad(&["bs", "c", "100", "abc", "0.5", "0.01", "0", "5"]),
            Some("K")
        );
        assert_eq!(
            bad(&["bs", "c", "100", "100", "-0.5", "0.01", "0", "5"]),
            Some("T")
        );
        assert_eq!(
            bad(&["bs", "c", "100", "100", "0.5", "inf", "0", "5"]),
            Some("r")
        );
        assert_eq!(
            bad(&["bs", "c", "100", "100", "0.5", "0.01", "", "5"]),
            Some("q")
        );
        assert_eq!(
            bad(&["black76", "p", "100", "100", "0.5", "0.01", "", "5"]),
            None
        );
        assert_eq!(
            bad(&["bs", "c", "100", "100", "0.5", "0.01", "0", "NaN"]),
            Some("price")
        );
        assert_eq!(bad(&["bs", "c", "100"]), Some("K"));
    }

    #[test]
    fn statuses_of_a_chunk() {
        let rows: Vec<Parsed> = [
            ["bs", "c", "100", "100", "0.5", "0.01", "0", "5"],
            ["bs", "c", "100", "90", "0.5", "0", "0", "1"],
            ["black76", "p", "100", "110", "0.5", "0", "0", "200"],
            ["bs", "c", "100", "110", "0.5", "0", "0", "0"],
            ["bs", "q", "100", "110", "0.5", "0", "0", "0"],
        ]
        .iter()
        .map(|f| parse_row(&rec(f), &POS))
        .collect();
        let out = solve(&rows);
        let status: Vec<&str> = out.iter().map(|o| o.status.as_str()).collect();
        assert_eq!(
            status,
            [
                "ok",
                "below_intrinsic",
                "above_max",
                "zero_time_value",
                "invalid_input: flag"
            ]
        );
        assert!(out[0].iv > 0.1 && out[0].iv < 0.3);
        assert!(out[0].greeks.is_some() && out[1].greeks.is_none());
        assert_eq!(out[3].iv, 0.0);
    }
}
