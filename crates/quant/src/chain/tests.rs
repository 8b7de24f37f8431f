//! Unit tests of the chain analyser. The IV-dependent ones need the real solver behind
//! [`crate::iv::implied_vol_batch`].

use super::*;
use crate::OptionInputs;

/// A synthetic 0DTE SPX chain priced at a smile: `(kind, strike, bid, ask, oi, smile vol)`.
struct Synthetic {
    kind: Vec<OptionKind>,
    strike: Vec<f64>,
    bid: Vec<f64>,
    ask: Vec<f64>,
    oi: Vec<f64>,
    vol: Vec<f64>,
}

const S: f64 = 5000.0;
const T: f64 = 0.5 / 365.0;
const R: f64 = 0.05;
const Q: f64 = 0.013;

fn synthetic() -> Synthetic {
    let mut c = Synthetic {
        kind: vec![],
        strike: vec![],
        bid: vec![],
        ask: vec![],
        oi: vec![],
        vol: vec![],
    };
    for j in 0..41 {
        let k = 4900.0 + 5.0 * f64::from(j);
        let x = (k / S).ln();
        let vol = 0.14 - 0.9 * x + 6.0 * x * x;
        for kind in [OptionKind::Call, OptionKind::Put] {
            let inputs = OptionInputs {
                model: Model::Bsm,
                kind,
                s: S,
                k,
                t: T,
                r: R,
                q: Q,
            };
            let p = black::price(&inputs, vol);
            c.kind.push(kind);
            c.strike.push(k);
            // Bid = ask = model price: the mid is the model price exactly.
            c.bid.push(p);
            c.ask.push(p);
            // More put open interest below spot, more call open interest above.
            let base = 100.0 + f64::from((j * 37) % 23) * 50.0;
            let tilt = if (kind == OptionKind::Put) == (k < S) {
                3.0
            } else {
                1.0
            };
            c.oi.push(base * tilt);
            c.vol.push(vol);
        }
    }
    c
}

impl Synthetic {
    fn quotes(&self) -> ChainQuotes<'_> {
        ChainQuotes {
            expiry: ExpiryInputs {
                model: Model::Bsm,
                s: S,
                t: T,
                r: R,
                q: Q,
                multiplier: 100.0,
            },
            kind: &self.kind,
            strike: &self.strike,
            bid: &self.bid,
            ask: &self.ask,
            open_interest: &self.oi,
            dealer: DealerSign::Classic,
        }
    }
}

#[test]
fn bad_quotes_are_reported_not_dropped() {
    let kind = [OptionKind::Call; 6];
    let strike = [5000.0; 6];
    let bid = [f64::NAN, 0.0, 3.0, 1.0, -1.0, 0.0];
    let ask = [1.0, 1.0, 2.0, 1.2, 1.0, 0.0];
    let oi = [1.0; 6];
    let quotes = ChainQuotes {
        expiry: ExpiryInputs {
            model: Model::Bsm,
            s: S,
            t: T,
            r: R,
            q: Q,
            multiplier: 100.0,
        },
        kind: &kind,
        strike: &strike,
        bid: &bid,
        ask: &ask,
        open_interest: &oi,
        dealer: DealerSign::Classic,
    };
    let mut a = ChainAnalyzer::new(ChainConfig::default());
    let out = a.analyze(&quotes).unwrap();
    assert_eq!(out.status.len(), 6);
    use ContractStatus::*;
    assert_eq!(&out.status[..3], &[MissingQuote, ZeroQuote, Crossed]);
    assert_eq!(out.status[4], MissingQuote);
    assert_eq!(out.status[5], ZeroQuote);
    assert!((out.mid[3] - 1.1).abs() < 1e-15);
    assert!(out.mid[0].is_nan() && out.gex[0].is_nan());
    assert_eq!(out.position, vec![1.0; 6]);
    assert_eq!(ContractStatus::Crossed.as_str(), "crossed");

    let mut lenient = ChainAnalyzer::new(ChainConfig {
        allow_zero_bid: true,
        ..ChainConfig::default()
    });
    let out = lenient.analyze(&quotes).unwrap();
    assert_ne!(out.status[1], ZeroQuote);
    assert_eq!(out.mid[1], 0.5);
    assert_eq!(out.status[5], ZeroQuote);

    let short = [1.0; 2];
    let bad = ChainQuotes {
        ask: &short,
        ..quotes
    };
    assert!(matches!(
        a.analyze(&bad),
        Err(QuantError::LengthMismatch { name: "ask", .. })
    ));
}

#[test]
fn synthetic_chain_round_trip() {
    let c = synthetic();
    let mut a = ChainAnalyzer::new(ChainConfig::default());
    let out = a.analyze(&c.quotes()).unwrap();
    assert_eq!(out.priced, c.kind.len(), "statuses {:?}", out.status);
    let mut total = 0.0;
    let mut gross = 0.0;
    for i in 0..c.kind.len() {
        assert!(
            (out.iv[i] - c.vol[i]).abs() < 1e-9,
            "row {i}: {} vs {}",
            out.iv[i],
            c.vol[i]
        );
        let inputs = OptionInputs {
            model: Model::Bsm,
            kind: c.kind[i],
            s: S,
            k: c.strike[i],
            t: T,
            r: R,
            q: Q,
        };
        let g = black::greeks(&inputs, c.vol[i]);
        let gex = exposure::gex_per_pct(g.gamma, c.kind[i].sign() * c.oi[i], 100.0, S);
        assert!((out.gex[i] - gex).abs() <= 1e-7 * gex.abs() + 1e-9);
        total += gex;
        gross += gex.abs();
    }
    assert!((out.total_gex - total).abs() <= 1e-7 * gross);
    assert!((out.strikes.total_gex() - out.total_gex).abs() <= 1e-12 * gross);
    assert_eq!(out.strikes.len(), 41);
    // Zero gamma agrees with the profile built from the true smile.
    let chain = ExposureChain {
        expiry: ExpiryInputs {
            model: Model::Bsm,
            s: S,
            t: T,
            r: R,
            q: Q,
            multiplier: 100.0,
        },
        kind: &c.kind,
        strike: &c.strike,
        iv: &c.vol,
        open_interest: &c.oi,
        dealer: DealerSign::Classic,
    };
    let profile = GammaProfile::from_chain(&chain).unwrap();
    let want = profile.zero_gamma_nearest(0.97 * S, 1.03 * S, 201);
    let (x, y) = (out.zero_gamma.unwrap(), want.unwrap());
    assert!((x - y).abs() < 1e-6 * S, "{x} vs {y}");
    assert!(out.call_wall.is_some() && out.put_wall.is_some());
    assert_eq!(out.largest_abs_gamma.len(), 5);
    // ATM: the strike nearest the forward 5000·e^((r−q)t) ≈ 5000.25.
    assert_eq!(out.atm_strike, Some(5000.0));
    let straddle = out.straddle.map_or(f64::NAN, |m| m.straddle);
    assert!(straddle > 0.0 && (out.iv_move - S * out.atm_iv * T.sqrt()).abs() < 1e-9);
}

#[test]
fn no_allocation_after_warm_up() {
    let c = synthetic();
    let mut a = ChainAnalyzer::new(ChainConfig::default());
    a.analyze(&c.quotes()).unwrap();
    let before = (
        a.last().gex.as_ptr(),
        a.last().iv.as_ptr(),
        a.last().strikes.strike.as_ptr(),
        a.s.as_ptr(),
    );
    a.analyze(&c.quotes()).unwrap();
    let after = (
        a.last().gex.as_ptr(),
        a.last().iv.as_ptr(),
        a.last().strikes.strike.as_ptr(),
        a.s.as_ptr(),
    );
    assert_eq!(before, after);
}
