//! The oracle's toy SPX 0DTE chain: per-contract GEX, total GEX at spot, the 201-point spot-shift
//! profile and the exact zero-gamma root.
#![allow(clippy::panic)]

use gammaflow_quant::exposure::{self, DealerSign, ExposureChain, GammaProfile};
use gammaflow_quant::{ExpiryInputs, Model, OptionInputs, OptionKind, black};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct ChainRow {
    flag: String,
    #[serde(rename = "K")]
    k: f64,
    iv: f64,
    open_interest: f64,
    gamma_at_spot: f64,
    gex_per_1pct_usd: f64,
}

#[derive(Debug, Deserialize)]
struct ProfileRow {
    spot_level: f64,
    total_gex_per_1pct_usd: f64,
}

#[derive(Debug, Deserialize)]
struct Result {
    spot: f64,
    #[serde(rename = "T_years")]
    t_years: f64,
    r: f64,
    q: f64,
    multiplier: f64,
    n_options: usize,
    total_gex_at_spot_per_1pct_usd: f64,
    zero_gamma_roots_exact: Vec<f64>,
}

fn read_csv<T: for<'de> Deserialize<'de>>(name: &str) -> Vec<T> {
    let path = gammaflow_testkit::shared_data(&format!("options-oracle/{name}"));
    let mut reader = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    reader
        .deserialize()
        .collect::<std::result::Result<Vec<T>, _>>()
        .unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

struct Example {
    result: Result,
    rows: Vec<ChainRow>,
    kind: Vec<OptionKind>,
    strike: Vec<f64>,
    iv: Vec<f64>,
    oi: Vec<f64>,
}

fn example() -> Example {
    let path = gammaflow_testkit::shared_data("options-oracle/gex_example_result.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let result: Result = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let rows: Vec<ChainRow> = read_csv("gex_example_chain.csv");
    assert_eq!(rows.len(), result.n_options);
    let kind = rows
        .iter()
        .map(|r| match r.flag.as_str() {
            "c" => OptionKind::Call,
            _ => OptionKind::Put,
        })
        .collect();
    let strike = rows.iter().map(|r| r.k).collect();
    let iv = rows.iter().map(|r| r.iv).collect();
    let oi = rows.iter().map(|r| r.open_interest).collect();
    Example {
        result,
        rows,
        kind,
        strike,
        iv,
        oi,
    }
}

impl Example {
    fn chain(&self) -> ExposureChain<'_> {
        ExposureChain {
            expiry: ExpiryInputs {
                model: Model::Bsm,
                s: self.result.spot,
                t: self.result.t_years,
                r: self.result.r,
                q: self.result.q,
                multiplier: self.result.multiplier,
            },
            kind: &self.kind,
            strike: &self.strike,
            iv: &self.iv,
            open_interest: &self.oi,
            dealer: DealerSign::Classic,
        }
    }
}

#[test]
fn per_contract_gamma_and_gex() {
    let ex = example();
    let res = &ex.result;
    let mut total = 0.0;
    for (i, row) in ex.rows.iter().enumerate() {
        let inputs = OptionInputs {
            model: Model::Bsm,
            kind: ex.kind[i],
            s: res.spot,
            k: row.k,
            t: res.t_years,
            r: res.r,
            q: res.q,
        };
        let gamma = black::gamma(&inputs, row.iv);
        assert!(
            (gamma - row.gamma_at_spot).abs() <= 1e-12 * row.gamma_at_spot + 1e-12 / res.spot,
            "K {}: {gamma:e} vs {:e}",
            row.k,
            row.gamma_at_spot
        );
        let position = DealerSign::Classic.position(i, ex.kind[i], row.open_interest);
        let gex = exposure::gex_per_pct(gamma, position, res.multiplier, res.spot);
        assert!(
            (gex - row.gex_per_1pct_usd).abs() <= 1e-11 * row.gex_per_1pct_usd.abs() + 1e-9,
            "K {}: {gex} vs {}",
            row.k,
            row.gex_per_1pct_usd
        );
        total += gex;
    }
    // Total to 1e-12 relative (≈ 0.15 US cents of 1.5e9; a few ulps of a sum with cancellation).
    let want = res.total_gex_at_spot_per_1pct_usd;
    assert!(
        (total - want).abs() < 1e-12 * want.abs(),
        "{total} vs {want}"
    );
    assert!((want - -1_535_318_218.88).abs() < 0.01);
}

#[test]
fn total_gex_profile_and_zero_gamma() {
    let ex = example();
    let res = &ex.result;
    let profile = GammaProfile::from_chain(&ex.chain()).unwrap_or_else(|e| panic!("{e}"));
    let at_spot = profile.total_gex_at(res.spot);
    let want = res.total_gex_at_spot_per_1pct_usd;
    assert!(
        (at_spot - want).abs() < 1e-12 * want.abs(),
        "{at_spot} vs {want}"
    );
    assert!((at_spot - -1_535_318_218.88).abs() < 0.005);

    let reference: Vec<ProfileRow> = read_csv("gex_example_profile.csv");
    assert_eq!(reference.len(), 201);
    let (lo, hi) = (0.97 * res.spot, 1.03 * res.spot);
    let (levels, gex) = profile.profile(lo, hi, 201);
    for ((level, g), r) in levels.iter().zip(&gex).zip(&reference) {
        assert!(
            (level - r.spot_level).abs() < 1e-9,
            "{level} vs {}",
            r.spot_level
        );
        let tol = 1e-11 * r.total_gex_per_1pct_usd.abs() + 1e-6;
        assert!(
            (g - r.total_gex_per_1pct_usd).abs() < tol,
            "at {level}: {g} vs {}",
            r.total_gex_per_1pct_usd
        );
    }

    let roots = profile.zero_gamma_roots(lo, hi, 201);
    assert_eq!(roots.len(), res.zero_gamma_roots_exact.len());
    for (got, want) in roots.iter().zip(&res.zero_gamma_roots_exact) {
        assert!((got - want).abs() < 1e-6, "root {got} vs {want}");
        assert!((got - 5_025.165_470_215_65).abs() < 1e-6);
    }
    // A coarse 7-point grid brackets the same root (the exact root does not depend on the grid).
    let coarse = profile.zero_gamma_nearest(lo, hi, 7);
    assert!(
        coarse.is_some_and(|x| (x - 5_025.165_470_215_65).abs() < 1e-6),
        "{coarse:?}"
    );
    // No crossing inside a range below the root.
    assert_eq!(profile.zero_gamma_nearest(lo, 5020.0, 50), None);
}

/// The same chain through the one-call analyser: quotes at the model price of each IV (bid = ask),
/// IVs recovered by the solver, then GEX, zero gamma and walls.
#[test]
fn chain_analyzer_reproduces_the_example() {
    use gammaflow_quant::chain::{ChainAnalyzer, ChainConfig, ChainQuotes};
    let ex = example();
    let res = &ex.result;
    let prices: Vec<f64> = (0..ex.rows.len())
        .map(|i| {
            let inputs = OptionInputs {
                model: Model::Bsm,
                kind: ex.kind[i],
                s: res.spot,
                k: ex.strike[i],
                t: res.t_years,
                r: res.r,
                q: res.q,
            };
            black::price(&inputs, ex.iv[i])
        })
        .collect();
    let quotes = ChainQuotes {
        expiry: ExpiryInputs {
            model: Model::Bsm,
            s: res.spot,
            t: res.t_years,
            r: res.r,
            q: res.q,
            multiplier: res.multiplier,
        },
        kind: &ex.kind,
        strike: &ex.strike,
        bid: &prices,
        ask: &prices,
        open_interest: &ex.oi,
        dealer: DealerSign::Classic,
    };
    let mut analyzer = ChainAnalyzer::new(ChainConfig::default());
    let out = analyzer.analyze(&quotes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.priced, ex.rows.len(), "{:?}", out.status);
    let want = res.total_gex_at_spot_per_1pct_usd;
    assert!(
        (out.total_gex - want).abs() < 1e-9 * want.abs(),
        "{} vs {want}",
        out.total_gex
    );
    let root = out.zero_gamma.unwrap_or(f64::NAN);
    assert!(
        (root - res.zero_gamma_roots_exact[0]).abs() < 1e-6,
        "{root}"
    );
    assert_eq!(out.strikes.len(), 41);
    let call_wall = out.call_wall.unwrap_or(f64::NAN);
    let best_call = ex
        .rows
        .iter()
        .filter(|r| r.flag == "c")
        .max_by(|a, b| a.gex_per_1pct_usd.total_cmp(&b.gex_per_1pct_usd))
        .map_or(f64::NAN, |r| r.k);
    assert_eq!(call_wall, best_call);
    let best_put = ex
        .rows
        .iter()
        .filter(|r| r.flag == "p")
        .min_by(|a, b| a.gex_per_1pct_usd.total_cmp(&b.gex_per_1pct_usd))
        .map_or(f64::NAN, |r| r.k);
    assert_eq!(out.put_wall, Some(best_put));
}
