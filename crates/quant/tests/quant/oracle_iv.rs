//! Implied volatility against every row of the 50-digit oracle (`options-oracle/oracle_public.csv`):
//! `ok` rows within a quarter of `iv_tol`, invalid prices with the right error, `zero_time_value`
//! rows exactly 0; the portable (no-FMA) kernel and the batch API give the same verdicts.

use gammaflow_quant::iv::{self, IvBatch, IvStatus};
use gammaflow_quant::{Model, OptionInputs, OptionKind, QuantError};

struct Row {
    id: String,
    inputs: OptionInputs,
    price: f64,
    iv: f64,
    status: String,
    iv_tol: f64,
}

fn rows() -> Vec<Row> {
    let path = gammaflow_testkit::shared_data("options-oracle/oracle_public.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (id, model, flag, s, k, t, r, q) = (
        col("id"),
        col("model"),
        col("flag"),
        col("S"),
        col("K"),
        col("T"),
        col("r"),
        col("q"),
    );
    let (price, ivc, status, tol) = (col("price"), col("iv"), col("iv_status"), col("iv_tol"));
    let num = |f: &str| {
        if f.is_empty() {
            f64::NAN
        } else {
            f.parse::<f64>().unwrap()
        }
    };
    lines
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            Row {
                id: f[id].to_string(),
                inputs: OptionInputs {
                    model: if f[model] == "bs" {
                        Model::Bsm
                    } else {
                        Model::Black76
                    },
                    kind: if f[flag] == "c" {
                        OptionKind::Call
                    } else {
                        OptionKind::Put
                    },
                    s: num(f[s]),
                    k: num(f[k]),
                    t: num(f[t]),
                    r: num(f[r]),
                    q: num(f[q]),
                },
                price: num(f[price]),
                iv: num(f[ivc]),
                status: f[status].to_string(),
                iv_tol: num(f[tol]),
            }
        })
        .collect()
}

fn check(solver: fn(&OptionInputs, f64) -> Result<f64, QuantError>, label: &str) {
    let rows = rows();
    assert_eq!(rows.len(), 5000);
    let mut failures = Vec::new();
    let mut worst = 0.0f64;
    for row in &rows {
        let got = solver(&row.inputs, row.price);
        let ok = match (row.status.as_str(), got) {
            ("ok", Ok(v)) => {
                let err = (v - row.iv).abs();
                worst = worst.max(err / row.iv_tol);
                err <= row.iv_tol / 4.0
            }
            ("zero_time_value", Ok(v)) => v == 0.0,
            ("below_intrinsic", Err(QuantError::BelowIntrinsic { .. })) => true,
            ("above_max", Err(QuantError::AboveMaximum { .. })) => true,
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{} {} {:?}: got {got:?}, want {}",
                row.id, row.status, row.inputs, row.iv
            ));
        }
    }
    eprintln!("{label}: worst |iv − ref| / iv_tol = {worst:.3}");
    assert!(
        failures.is_empty(),
        "{label}: {} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_oracle_row_dispatched_kernel() {
    check(iv::implied_vol, "dispatched");
}

#[test]
fn every_oracle_row_portable_kernel() {
    check(iv::implied_vol_portable, "portable");
}

#[test]
fn batch_matches_scalar_on_the_oracle() {
    let rows = rows();
    for model in [Model::Bsm, Model::Black76] {
        let chosen: Vec<&Row> = rows.iter().filter(|r| r.inputs.model == model).collect();
        let col = |f: fn(&Row) -> f64| chosen.iter().map(|r| f(r)).collect::<Vec<f64>>();
        let kind: Vec<OptionKind> = chosen.iter().map(|r| r.inputs.kind).collect();
        let (s, k, t) = (
            col(|r| r.inputs.s),
            col(|r| r.inputs.k),
            col(|r| r.inputs.t),
        );
        let (r, q, price) = (col(|r| r.inputs.r), col(|r| r.inputs.q), col(|r| r.price));
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
        let mut vol = vec![0.0; chosen.len()];
        let mut status = vec![IvStatus::Ok; chosen.len()];
        iv::implied_vol_batch(&batch, &mut vol, &mut status).unwrap();
        for (i, row) in chosen.iter().enumerate() {
            let scalar = iv::implied_vol(&row.inputs, row.price);
            assert_eq!(status[i], IvStatus::of(&scalar), "{}", row.id);
            assert_eq!(status[i].as_str(), row.status, "{}", row.id);
            if let Ok(v) = scalar {
                assert_eq!(vol[i].to_bits(), v.to_bits(), "{}", row.id);
            } else {
                assert!(vol[i].is_nan());
            }
        }
    }
}

#[test]
fn batch_rejects_mismatched_lengths() {
    let kind = [OptionKind::Call; 2];
    let two = [1.0, 1.0];
    let one = [1.0];
    let batch = IvBatch {
        model: Model::Bsm,
        kind: &kind,
        s: &two,
        k: &two,
        t: &two,
        r: &two,
        q: &one,
        price: &two,
    };
    let err = iv::implied_vol_batch(&batch, &mut [0.0; 2], &mut [IvStatus::Ok; 2]).unwrap_err();
    assert_eq!(
        err,
        QuantError::LengthMismatch {
            name: "q",
            len: 1,
            expected: 2
        }
    );
}
