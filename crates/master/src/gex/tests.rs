//! Unit tests of the GEX engine: closed-form zero gamma, hand-checked walls and majors, IV from
//! mids, skips and errors, scaling laws.

use proptest::prelude::*;

use super::*;

const DAY: f64 = 1.0 / 365.0;

fn c(strike: f64, right: OptionKind, oi: f64, volume: f64, iv: f64) -> GexContract {
    GexContract {
        strike,
        right,
        open_interest: oi,
        volume,
        iv: Some(iv),
        mid: None,
        t: DAY,
    }
}

fn snap(spot: f64, contracts: &[GexContract]) -> GexSnapshot<'_> {
    GexSnapshot {
        ts: UnixNanos(1_749_562_200_000_000_000),
        spot,
        contracts,
    }
}

/// Standard normal density (independent of `gammaflow_quant`).
fn phi(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// GEX of one contract at level `x` (BSM, r = q = 0, multiplier 100), written out by hand:
/// ±n · φ(d1)/(x σ √t) · 100 · x² · 0.01.
fn gex_by_hand(k: GexContract, x: f64, n: f64) -> f64 {
    let sigma = k.iv.unwrap_or(f64::NAN);
    let vt = sigma * k.t.sqrt();
    let d1 = ((x / k.strike).ln() + 0.5 * sigma * sigma * k.t) / vt;
    let gamma = phi(d1) / (x * vt);
    k.right.sign() * n * gamma * 100.0 * x * x * 0.01
}

fn total_by_hand(chain: &[GexContract], x: f64) -> f64 {
    chain
        .iter()
        .map(|k| gex_by_hand(*k, x, k.open_interest))
        .sum()
}

#[test]
fn zero_gamma_of_a_strangle_is_the_closed_form() {
    // Dealers long 1,000 calls at 5050, short 1,000 puts at 4950, σ = 20 %, one day: the profile
    // n·(φ(d1c) − φ(d1p)) vanishes where d1c = −d1p, i.e. x = √(Kc·Kp)·e^(−σ²t/2).
    let chain = [
        c(5050.0, OptionKind::Call, 1000.0, 300.0, 0.2),
        c(4950.0, OptionKind::Put, 1000.0, 300.0, 0.2),
    ];
    let expected = (5050.0f64 * 4950.0).sqrt() * (-0.5 * 0.04 * DAY).exp();
    assert!((expected - 4999.476).abs() < 1e-3);
    let mut engine = GexEngine::new(GexParams::default());
    let l = engine.levels(&snap(5000.0, &chain)).unwrap();
    let zg = l.zero_gamma_oi.unwrap();
    assert!((zg - expected).abs() < 1e-6, "{zg} vs {expected}");
    let zv = l.zero_gamma_vol.unwrap();
    assert!((zv - expected).abs() < 1e-6, "{zv} vs {expected}");
    assert_eq!((l.call_wall, l.put_wall), (Some(5050.0), Some(4950.0)));
    assert_eq!(
        (l.major_pos_oi, l.major_neg_oi),
        (Some(5050.0), Some(4950.0))
    );
    assert_eq!((l.used, l.skipped), (2, 0));
}

/// Spot 5000, σ = 15 %, one day (σ√t ≈ 0.00785):
///
/// | strike | right | OI | φ(d1) | GEX by OI ∝ | volume | by volume ∝ |
/// |---|---|---|---|---|---|---|
/// | 4900 | put | 2,500 | 0.0144 | −36 | 5,000 | −72 |
/// | 4950 | put | 1,000 | 0.175 | −175 | 100 | −17.5 |
/// | 5000 | put | 400 | 0.399 | −160 | 1,000 | −399 |
/// | 5000 | call | 500 | 0.399 | +199 | 3,000 | +1,197 |
/// | 5050 | call | 2,000 | 0.179 | +358 | 100 | +17.9 |
/// | 5100 | call | 3,000 | 0.0167 | +50 | 0 | 0 |
///
/// Call wall 5050, put wall 4950; net by OI: 5000 → +39, so majors 5050 (+358) and 4950
/// (−175); by volume: 5000 → +798, 4900 → −72: majors 5000 and 4900.
fn hand_chain() -> Vec<GexContract> {
    vec![
        c(4900.0, OptionKind::Put, 2500.0, 5000.0, 0.15),
        c(4950.0, OptionKind::Put, 1000.0, 100.0, 0.15),
        c(5000.0, OptionKind::Put, 400.0, 1000.0, 0.15),
        c(5000.0, OptionKind::Call, 500.0, 3000.0, 0.15),
        c(5050.0, OptionKind::Call, 2000.0, 100.0, 0.15),
        c(5100.0, OptionKind::Call, 3000.0, 0.0, 0.15),
    ]
}

#[test]
fn walls_majors_and_totals_by_hand() {
    let chain = hand_chain();
    let mut engine = GexEngine::new(GexParams::default());
    let l = engine.levels(&snap(5000.0, &chain)).unwrap();
    assert_eq!(l.call_wall, Some(5050.0));
    assert_eq!(l.put_wall, Some(4950.0));
    assert_eq!(l.major_pos_oi, Some(5050.0));
    assert_eq!(l.major_neg_oi, Some(4950.0));
    assert_eq!(l.major_pos_vol, Some(5000.0));
    assert_eq!(l.major_neg_vol, Some(4900.0));
    let total = total_by_hand(&chain, 5000.0);
    assert!(
        (l.total_gex_oi - total).abs() <= 1e-9 * total.abs(),
        "{} vs {total}",
        l.total_gex_oi
    );
    let by_vol: f64 = chain
        .iter()
        .map(|k| gex_by_hand(*k, 5000.0, k.volume))
        .sum();
    assert!((l.total_gex_vol - by_vol).abs() <= 1e-9 * by_vol.abs());
    // The strike table of 5000 nets the call and the put.
    let t = engine.strikes_by_oi();
    assert_eq!(t.strike, [4900.0, 4950.0, 5000.0, 5050.0, 5100.0]);
    let at_5000 = gex_by_hand(chain[2], 5000.0, 400.0) + gex_by_hand(chain[3], 5000.0, 500.0);
    assert!((t.net_gex[2] - at_5000).abs() <= 1e-9 * at_5000.abs());
    // Zero gamma: a sign change of the hand-written profile, nearest to spot.
    let zg = l.zero_gamma_oi.unwrap();
    assert!(total_by_hand(&chain, zg - 0.01) * total_by_hand(&chain, zg + 0.01) < 0.0);
    assert!(total_by_hand(&chain, zg).abs() < 1e-6 * total.abs().max(1.0));
}

#[test]
fn iv_from_mid_and_skips() {
    let chain = hand_chain();
    let mut from_mid = chain.clone();
    for k in &mut from_mid {
        let inputs = gammaflow_quant::OptionInputs {
            model: Model::Bsm,
            kind: k.right,
            s: 5000.0,
            k: k.strike,
            t: k.t,
            r: 0.0,
            q: 0.0,
        };
        k.mid = Some(black::price(&inputs, 0.15));
        k.iv = None;
    }
    let mut extra = from_mid.clone();
    // No IV and no mid; expired; no OI nor volume; a mid below intrinsic.
    extra.push(GexContract {
        iv: None,
        mid: None,
        ..chain[0]
    });
    extra.push(GexContract { t: 0.0, ..chain[1] });
    extra.push(GexContract {
        open_interest: 0.0,
        volume: 0.0,
        ..chain[2]
    });
    extra.push(GexContract {
        iv: None,
        mid: Some(0.0001),
        strike: 5200.0,
        right: OptionKind::Put,
        ..chain[0]
    });
    let mut engine = GexEngine::new(GexParams::default());
    let a = engine.levels(&snap(5000.0, &chain)).unwrap();
    let b = engine.levels(&snap(5000.0, &extra)).unwrap();
    assert_eq!(b.skipped, 4);
    assert_eq!(b.used, 6);
    assert_eq!(
        (a.call_wall, a.put_wall, a.major_pos_vol),
        (b.call_wall, b.put_wall, b.major_pos_vol)
    );
    assert!((a.total_gex_oi - b.total_gex_oi).abs() < 1e-6 * a.total_gex_oi.abs());
    let (za, zb) = (a.zero_gamma_oi.unwrap(), b.zero_gamma_oi.unwrap());
    assert!((za - zb).abs() < 1e-6, "{za} {zb}");
}

#[test]
fn empty_chain_and_bad_input() {
    let mut engine = GexEngine::new(GexParams::default());
    let l = engine.levels(&snap(5000.0, &[])).unwrap();
    assert_eq!(
        (
            l.zero_gamma_oi,
            l.call_wall,
            l.major_pos_vol,
            l.total_gex_oi
        ),
        (None, None, None, 0.0)
    );
    let err = engine.levels(&snap(f64::NAN, &[])).unwrap_err().to_string();
    assert!(err.contains("spot must be a price > 0"), "{err}");
    let bad = [c(5000.0, OptionKind::Put, -1.0, 0.0, 0.2)];
    let err = engine.levels(&snap(5000.0, &bad)).unwrap_err().to_string();
    assert_eq!(
        err,
        "GEX snapshot 2025-06-10T13:30:00Z: contract 0 (Put 5000): open_interest must be ≥ 0, got -1"
    );
    let mut bad_params = GexEngine::new(GexParams {
        grid_points: 1,
        ..GexParams::default()
    });
    assert!(bad_params.levels(&snap(5000.0, &[])).is_err());
}

#[test]
fn expiries_are_summed_for_zero_gamma() {
    let mut chain = hand_chain();
    chain.extend(hand_chain().into_iter().map(|k| GexContract {
        t: 3.0 * DAY,
        iv: Some(0.18),
        open_interest: k.open_interest * 0.5,
        strike: k.strike + 25.0,
        ..k
    }));
    let mut engine = GexEngine::new(GexParams::default());
    let l = engine.levels(&snap(5000.0, &chain)).unwrap();
    let zg = l.zero_gamma_oi.unwrap();
    assert!(total_by_hand(&chain, zg - 0.01) * total_by_hand(&chain, zg + 0.01) < 0.0);
    let total = total_by_hand(&chain, 5000.0);
    assert!((l.total_gex_oi - total).abs() <= 1e-9 * total.abs());
}

proptest! {
    /// Scaling every open interest and volume by k scales the totals by k and moves no level.
    #[test]
    fn scaling_positions_moves_no_level(k in 0.01f64..100.0, spot in 4950.0f64..5050.0) {
        let chain = hand_chain();
        let scaled: Vec<GexContract> = chain
            .iter()
            .map(|c| GexContract { open_interest: c.open_interest * k, volume: c.volume * k, ..*c })
            .collect();
        let mut engine = GexEngine::new(GexParams::default());
        let a = engine.levels(&snap(spot, &chain)).unwrap();
        let b = engine.levels(&snap(spot, &scaled)).unwrap();
        prop_assert!((b.total_gex_oi - k * a.total_gex_oi).abs() <= 1e-9 * (k * a.total_gex_oi).abs() + 1e-9);
        prop_assert_eq!((a.call_wall, a.put_wall), (b.call_wall, b.put_wall));
        prop_assert_eq!((a.major_pos_oi, a.major_neg_vol), (b.major_pos_oi, b.major_neg_vol));
        match (a.zero_gamma_oi, b.zero_gamma_oi) {
            (Some(x), Some(y)) => prop_assert!((x - y).abs() < 1e-6 * x),
            (x, y) => prop_assert_eq!(x, y),
        }
    }
}
