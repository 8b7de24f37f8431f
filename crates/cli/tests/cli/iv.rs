//! `gammaflow iv` on the 50-digit oracle and on bad rows.

use super::support::*;

fn read(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

#[test]
fn oracle_statuses_and_ivs() {
    let out = temp_path("oracle-iv.csv");
    let run = gammaflow(&[
        "iv",
        "--input",
        &oracle(),
        "--output",
        &out.display().to_string(),
    ]);
    assert!(run.ok, "{}", run.stderr);
    // The oracle already has iv, iv_status, delta, ... columns: ours get the `calc_` prefix.
    assert!(run.stderr.contains("calc_iv"), "{}", run.stderr);
    let (header, rows) = read(&out);
    assert_eq!(rows.len(), 5000);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (status, ours, iv, tol) = (
        col("iv_status"),
        col("calc_iv_status"),
        col("iv"),
        col("iv_tol"),
    );
    let calc_iv = col("calc_iv");
    let mut ok = 0;
    for row in &rows {
        assert_eq!(row[ours], row[status], "{}", row[0]);
        if row[status] == "ok" {
            ok += 1;
            let err =
                (row[calc_iv].parse::<f64>().unwrap() - row[iv].parse::<f64>().unwrap()).abs();
            assert!(err <= row[tol].parse::<f64>().unwrap(), "{}", row[0]);
            for g in [
                "calc_delta",
                "calc_gamma",
                "calc_vega",
                "calc_theta",
                "calc_rho",
            ] {
                assert!(row[col(g)].parse::<f64>().unwrap().is_finite());
            }
        } else if row[status] != "zero_time_value" {
            assert!(row[calc_iv].is_empty());
        }
    }
    assert_eq!(ok, 4500);
    // The input columns pass through unchanged.
    let input = std::fs::read_to_string(oracle()).unwrap();
    let first_in = input.lines().nth(1).unwrap();
    let first_out = std::fs::read_to_string(&out).unwrap();
    assert!(first_out.lines().nth(1).unwrap().starts_with(first_in));
}

#[test]
fn bad_rows_get_a_status_and_extra_columns_pass_through() {
    let input = temp_path("iv-bad-rows.csv");
    std::fs::write(
        &input,
        "tag,price,model,flag,S,K,T,r,q\n\
         a,5,bs,c,100,100,0.5,0.01,0\n\
         b,5,heston,c,100,100,0.5,0.01,0\n\
         c,5,bs,c,-100,100,0.5,0.01,0\n\
         d,5,bs,c,100,100,abc,0.01,0\n\
         \"e, quoted\",0.5,bs,c,100,90,0.5,0,0\n\
         f,200,black76,p,100,110,0.5,0,\n\
         g,0,bs,c,100,110,0.5,0,0\n\
         h,5,bs,x\n",
    )
    .unwrap();
    let output = temp_path("iv-bad-rows-out.csv");
    let run = gammaflow(&[
        "iv",
        "--input",
        &input.display().to_string(),
        "--output",
        &output.display().to_string(),
    ]);
    assert!(run.ok, "{}", run.stderr);
    let (header, rows) = read(&output);
    assert_eq!(
        header,
        [
            "tag",
            "price",
            "model",
            "flag",
            "S",
            "K",
            "T",
            "r",
            "q",
            "iv",
            "iv_status",
            "delta",
            "gamma",
            "vega",
            "theta",
            "rho"
        ]
    );
    let status: Vec<&str> = rows.iter().map(|r| r[10].as_str()).collect();
    assert_eq!(
        status,
        [
            "ok",
            "invalid_input: model",
            "invalid_input: S",
            "invalid_input: T",
            "below_intrinsic",
            "above_max",
            "zero_time_value",
            "invalid_input: flag"
        ]
    );
    assert_eq!(rows[4][0], "e, quoted");
    assert!(rows[0][9].parse::<f64>().unwrap() > 0.0);
    assert_eq!(rows[6][9], "0");
    assert!(rows[1][9].is_empty() && rows[1][11].is_empty());
    assert_eq!(rows[7].len(), 16, "short rows are padded");
}

#[test]
fn missing_column_aborts_naming_file_and_column() {
    let input = temp_path("iv-missing-column.csv");
    std::fs::write(
        &input,
        "model,flag,S,K,T,r,price\nbs,c,100,100,0.5,0.01,5\n",
    )
    .unwrap();
    let output = temp_path("iv-missing-column-out.csv");
    let run = gammaflow(&[
        "iv",
        "--input",
        &input.display().to_string(),
        "--output",
        &output.display().to_string(),
    ]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .contains("iv-missing-column.csv: missing column `q`"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_input_file() {
    let run = gammaflow(&["iv", "--input", "nope.csv", "--output", "/dev/null"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("cannot read nope.csv"),
        "{}",
        run.stderr
    );
}
