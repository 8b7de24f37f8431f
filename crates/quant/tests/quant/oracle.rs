//! Prices and Greeks against every `ok` row of the 50-digit oracle, put-call parity on the pairs,
//! second-order Greeks against central differences, and property tests.

use gammaflow_quant::black::{self, FirstOrder};
use gammaflow_quant::{Model, OptionInputs, OptionKind};
use proptest::prelude::*;
use serde::Deserialize;

/// One row of `oracle_public.csv` (units in its README).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
struct Row {
    id: String,
    model: String,
    flag: String,
    #[serde(rename = "S")]
    s: f64,
    #[serde(rename = "K")]
    k: f64,
    #[serde(rename = "T")]
    t: f64,
    r: f64,
    q: f64,
    sigma: Option<f64>,
    price: f64,
    delta: Option<f64>,
    gamma: Option<f64>,
    vega: Option<f64>,
    theta: Option<f64>,
    rho: Option<f64>,
    iv: Option<f64>,
    iv_status: String,
    iv_tol: Option<f64>,
    case: String,
}

impl Row {
    fn inputs(&self) -> OptionInputs {
        OptionInputs {
            model: if self.model == "bs" {
                Model::Bsm
            } else {
                Model::Black76
            },
            kind: if self.flag == "c" {
                OptionKind::Call
            } else {
                OptionKind::Put
            },
            s: self.s,
            k: self.k,
            t: self.t,
            r: self.r,
            q: self.q,
        }
    }
}

fn rows() -> Vec<Row> {
    let path = gammaflow_testkit::shared_data("options-oracle/oracle_public.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    reader
        .deserialize()
        .collect::<Result<Vec<Row>, _>>()
        .unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

fn ok_rows() -> Vec<(Row, OptionInputs, f64)> {
    rows()
        .into_iter()
        .filter(|r| r.iv_status == "ok")
        .map(|r| {
            let x = r.inputs();
            let sigma = r.sigma.unwrap_or(f64::NAN);
            (r, x, sigma)
        })
        .collect()
}

/// `|x − ref| ≤ 1e-9·|ref| + atol`; returns the fraction of the tolerance used.
fn used(name: &str, id: &str, got: f64, want: Option<f64>, atol: f64) -> f64 {
    let want = want.unwrap_or_else(|| panic!("{id}: no reference {name}"));
    let tol = 1e-9 * want.abs() + atol;
    let err = (got - want).abs();
    assert!(
        err <= tol,
        "{id} {name}: got {got:e}, want {want:e} (err {err:e}, tol {tol:e})"
    );
    err / tol
}

#[test]
fn prices_and_first_order_greeks_on_every_ok_row() {
    let rows = ok_rows();
    assert_eq!(rows.len(), 4500);
    let mut worst = [0.0f64; 6];
    for (row, x, sigma) in &rows {
        let g: FirstOrder = black::first_order(x, *sigma);
        let big = 1e-12 * row.s.max(row.k);
        let id = row.id.as_str();
        let fractions = [
            used("price", id, g.price, Some(row.price), big),
            used("delta", id, g.delta, row.delta, 1e-12),
            used("gamma", id, g.gamma, row.gamma, 1e-12 / row.s),
            used("vega", id, g.vega, row.vega, big),
            used("theta", id, g.theta, row.theta, big),
            used("rho", id, g.rho, row.rho, big),
        ];
        for (w, f) in worst.iter_mut().zip(fractions) {
            *w = w.max(f);
        }
        // The scalar entry points agree with the one-pass versions exactly.
        assert_eq!(black::price(x, *sigma), g.price, "{id}");
        assert_eq!(black::gamma(x, *sigma), g.gamma, "{id}");
        let full = black::greeks(x, *sigma);
        assert_eq!(full.first_order(), g, "{id}");
        // Bounds hold strictly on every ok row.
        let (lo, hi) = black::price_bounds(x);
        assert!(lo < row.price && row.price < hi, "{id}: bounds {lo} {hi}");
    }
    println!("worst fraction of tolerance (price, delta, gamma, vega, theta, rho): {worst:?}");
}

#[test]
fn put_call_parity_on_every_pair() {
    let rows = ok_rows();
    let pairs: Vec<_> = rows
        .iter()
        .filter(|(r, _, _)| r.case.split('|').any(|c| c == "parity_pair"))
        .collect();
    assert!(pairs.len() > 1000, "{} pair rows", pairs.len());
    let mut checked = 0;
    for (row, x, sigma) in &pairs {
        if x.kind != OptionKind::Call {
            continue;
        }
        let put = OptionInputs {
            kind: OptionKind::Put,
            ..*x
        };
        let partner = pairs
            .iter()
            .find(|(_, p, _)| *p == put)
            .unwrap_or_else(|| panic!("{}: no put partner", row.id));
        let (sd, kd) = discounted(x);
        let c = black::price(x, *sigma);
        let p = black::price(&partner.1, partner.2);
        let tol = 1e-12 * x.s.max(x.k);
        assert!(
            (c - p - (sd - kd)).abs() <= tol,
            "{}: C − P = {} vs SD − KD = {}",
            row.id,
            c - p,
            sd - kd
        );
        // The reference prices obey it too (sanity of the pairing).
        assert!((row.price - partner.0.price - (sd - kd)).abs() <= tol);
        checked += 1;
    }
    assert!(
        checked * 2 == pairs.len(),
        "{checked} pairs of {}",
        pairs.len()
    );
}

fn discounted(x: &OptionInputs) -> (f64, f64) {
    let dfr = (-x.r * x.t).exp();
    let sd = match x.model {
        Model::Bsm => x.s * (-x.q * x.t).exp(),
        Model::Black76 => x.s * dfr,
    };
    (sd, x.k * dfr)
}

/// Second-order Greeks against central differences of the first-order ones at a few hundred rows
/// (every 12th `ok` row with a well-resolved gamma), with a loose tolerance.
#[test]
fn second_order_greeks_match_finite_differences() {
    let rows = ok_rows();
    let mut checked = 0;
    for (row, x, sigma) in rows.iter().step_by(12) {
        let vol_t = sigma * x.t.sqrt();
        let h_mag = ((x.s / x.k).ln().abs()) / vol_t;
        // Skip rows where the Greeks are pure tail noise (finite differences meaningless).
        if h_mag > 6.0 || vol_t < 1e-4 {
            continue;
        }
        let g = black::greeks(x, *sigma);
        let hs = 1e-4 * x.s * vol_t;
        let hv = 1e-5 * sigma;
        let ht = 1e-5 * x.t;
        let at = |y: OptionInputs, v: f64| black::first_order(&y, v);
        let (sp, sm) = (
            at(OptionInputs { s: x.s + hs, ..*x }, *sigma),
            at(OptionInputs { s: x.s - hs, ..*x }, *sigma),
        );
        let (vp, vm) = (at(*x, sigma + hv), at(*x, sigma - hv));
        let (tp, tm) = (
            at(OptionInputs { t: x.t + ht, ..*x }, *sigma),
            at(OptionInputs { t: x.t - ht, ..*x }, *sigma),
        );
        let check = |name: &str, got: f64, fd: f64, scale: f64| {
            let tol = 1e-5 * fd.abs() + 1e-7 * scale;
            assert!(
                (got - fd).abs() <= tol,
                "{} {name}: {got:e} vs fd {fd:e}",
                row.id
            );
        };
        let gamma_scale = g.gamma.abs() + 1e-300;
        check(
            "speed",
            g.speed,
            (sp.gamma - sm.gamma) / (2.0 * hs),
            gamma_scale / (x.s * vol_t),
        );
        check(
            "vanna",
            g.vanna,
            (vp.delta - vm.delta) / (2.0 * hv),
            1.0 / sigma,
        );
        check(
            "vomma",
            g.vomma,
            (vp.vega - vm.vega) / (2.0 * hv),
            g.vega.abs().max(x.s * vol_t * 1e-3) / sigma,
        );
        check(
            "zomma",
            g.zomma,
            (vp.gamma - vm.gamma) / (2.0 * hv),
            gamma_scale / sigma,
        );
        check(
            "charm",
            g.charm,
            -(tp.delta - tm.delta) / (2.0 * ht),
            1.0 / x.t,
        );
        check(
            "color",
            g.color,
            -(tp.gamma - tm.gamma) / (2.0 * ht),
            gamma_scale / x.t,
        );
        checked += 1;
    }
    assert!(checked >= 200, "only {checked} rows checked");
}

fn arb_inputs() -> impl Strategy<Value = OptionInputs> {
    (
        prop_oneof![Just(Model::Bsm), Just(Model::Black76)],
        prop_oneof![Just(OptionKind::Call), Just(OptionKind::Put)],
        10.0f64..10_000.0,
        -0.5f64..0.5,
        1e-5f64..3.0,
        -0.01f64..0.08,
        0.0f64..0.05,
    )
        .prop_map(|(model, kind, s, log_k, t, r, q)| OptionInputs {
            model,
            kind,
            s,
            k: s * log_k.exp(),
            t,
            r,
            q,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn parity_holds(x in arb_inputs(), sigma in 0.01f64..3.0) {
        let put = OptionInputs { kind: OptionKind::Put, ..x };
        let call = OptionInputs { kind: OptionKind::Call, ..x };
        let (sd, kd) = discounted(&x);
        let diff = black::price(&call, sigma) - black::price(&put, sigma);
        prop_assert!((diff - (sd - kd)).abs() <= 4e-15 * sd.max(kd) + 1e-300);
        // Delta parity: Δc − Δp = e^(−qt) (BSM) or e^(−rt) (Black-76).
        let dc = black::first_order(&call, sigma).delta;
        let dp = black::first_order(&put, sigma).delta;
        prop_assert!((dc - dp - sd / x.s).abs() <= 1e-15);
    }

    #[test]
    fn price_increases_with_sigma(x in arb_inputs(), a in 0.01f64..3.0, b in 0.01f64..3.0) {
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        prop_assert!(black::price(&x, lo) <= black::price(&x, hi));
    }

    #[test]
    fn greek_signs(x in arb_inputs(), sigma in 0.01f64..3.0) {
        let g = black::greeks(&x, sigma);
        prop_assert!(g.price >= 0.0);
        prop_assert!(g.gamma >= 0.0 && g.vega >= 0.0);
        match x.kind {
            OptionKind::Call => prop_assert!(g.delta >= 0.0),
            OptionKind::Put => prop_assert!(g.delta <= 0.0),
        }
        let all = [g.price, g.delta, g.gamma, g.vega, g.theta, g.rho, g.vanna, g.charm, g.vomma,
            g.speed, g.zomma, g.color];
        prop_assert!(all.iter().all(|v| v.is_finite()));
        if x.model == Model::Black76 {
            prop_assert!(g.rho <= 0.0);
        }
    }
}
