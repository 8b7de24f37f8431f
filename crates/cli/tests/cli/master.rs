//! `gammaflow master build` / `describe` end to end on a simulated three-day history written by
//! `gammaflow sim`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::support::{gammaflow, temp_path};
use gammaflow_testkit::make_writable;

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn find(dir: &Path, prefix: &str, ext: &str) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with(prefix) && n.ends_with(ext)
        })
        .unwrap()
}

#[test]
fn master_build_on_simulated_days_is_reproducible_and_described() {
    let dir = temp_path("master-sim");
    make_writable(&dir).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.display().to_string();
    let sim = gammaflow(&[
        "sim",
        "--date",
        "2025-06-09",
        "--days",
        "3",
        "--out",
        &d,
        "--activity",
        "0.01",
        "--format",
        "dbn",
        "--products",
        "es,spxw-options",
        "--spxw-strikes",
        "4",
        "--expiries",
        "1",
    ]);
    assert!(sim.ok, "{}", sim.stderr);
    let config = dir.join("config.yaml");
    std::fs::write(
        &config,
        "paths:\n  es: ./GLBX.MDP3\n  opra: ./OPRA.PILLAR\n  output: ./out\n",
    )
    .unwrap();
    let c = config.display().to_string();

    let run = gammaflow(&["master", "build", "--config", &c]);
    assert!(run.ok, "{}", run.stderr);
    let summary = run.stdout.lines().last().unwrap();
    // The simulated days pass every validator: ES prints in each minute of the Globex night,
    // the SPXW quotes are current at every IV instant.
    assert!(
        summary.starts_with("SUMMARY days_built=3 skipped=0 flagged=0 "),
        "{summary}\n{}",
        run.stderr
    );
    assert!(summary.contains(" rows=3 seconds="), "{summary}");
    assert!(
        run.stderr.contains("[1/3] 2025-06-09 built (trades,"),
        "{}",
        run.stderr
    );

    let out = dir.join("out");
    let csv_path = find(&out, "MASTER_OUTPUT_RANGE_ENGINE_v1_", ".csv");
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 3);
    // OPRA wired in: the SPX open (put-call parity), the ATM IV and with them the bands.
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for r in &rows {
        // 20:15 ET the evening before to the 16:00 close: every minute has a bar.
        assert_eq!(&r[col("es_bars")], "1185");
        assert!(r[col("quality_flags")].is_empty());
        for name in [
            "spx_open",
            "basis_at_open",
            "iv_atm_full",
            "oi_calls",
            "afternoon_half_width_1s",
            "morning_half_width_1s",
        ] {
            assert!(!r[col(name)].is_empty(), "{name} empty in {r:?}");
        }
        // No GEXBot files in the simulated inputs: the vendor's level and the difference stay
        // empty. (Our own level needs a chain wide enough for the gamma profile to cross zero
        // near spot; this 9-strike chain is not, so it may be empty here:
        // `master::build::gex_columns_are_filled_from_opra_and_gexbot` covers the filled case.)
        assert!(r[col("gex_zero_gamma_gexbot")].is_empty());
        assert!(r[col("gex_zero_gamma_diff")].is_empty());
    }
    assert!(!find(&out, "OI_STRIKES_", ".csv").as_os_str().is_empty());

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(find(&out, "MANIFEST_", ".json")).unwrap()).unwrap();
    assert_eq!(manifest["model_version"], "RANGE_ENGINE_v1");
    assert_eq!(manifest["config_hash"].as_str().unwrap().len(), 64);
    assert_eq!(manifest["row_count"], 3);
    assert!(!manifest["program_version"].as_str().unwrap().is_empty());
    assert!(!manifest["inputs"].as_array().unwrap().is_empty());

    // Past dates: finalized, read-only; a rebuild is byte-identical.
    let before = files(&out);
    for name in before.keys() {
        assert!(
            std::fs::metadata(out.join(name))
                .unwrap()
                .permissions()
                .readonly(),
            "{name}"
        );
    }
    let again = gammaflow(&["master", "build", "--config", &c]);
    assert!(again.ok, "{}", again.stderr);
    assert_eq!(files(&out), before);

    // describe: JSON listing every CSV column.
    let desc = gammaflow(&["master", "describe", "--config", &c]);
    assert!(desc.ok, "{}", desc.stderr);
    let doc: serde_json::Value = serde_json::from_str(&desc.stdout).unwrap();
    assert!(doc["description"].is_string() && doc["input_schema"].is_object());
    let master = doc["output_schema"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["table"] == "MASTER_OUTPUT" && f["format"] == "csv")
        .unwrap();
    assert_eq!(
        master["file"].as_str().unwrap(),
        csv_path.file_name().unwrap().to_string_lossy()
    );
    let names: Vec<&str> = master["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, header);
    for c in master["columns"].as_array().unwrap() {
        assert!(c["type"].is_string() && c["description"].is_string());
    }
    make_writable(&dir).unwrap();
}

#[test]
fn master_build_names_the_missing_config() {
    let run = gammaflow(&["master", "build", "--config", "/nonexistent/config.yaml"]);
    assert!(!run.ok);
    assert!(
        run.stderr.contains("/nonexistent/config.yaml"),
        "{}",
        run.stderr
    );
}
