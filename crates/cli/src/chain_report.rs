//! The output tables of `chain analyze` (column names and units are documented in
//! `crates/cli/README.md`).

use std::collections::BTreeMap;

use gammaflow_model::OptionRight;

use crate::Per;
use crate::chain_cmd::{Analysis, ContractResult, ExpiryResult};
use crate::output::{Body, Cell, Column, Section, Table};

/// Columns: name and whether the terminal table shows it.
fn columns(spec: &[(&'static str, bool)]) -> Vec<Column> {
    spec.iter()
        .map(|&(name, in_table)| Column { name, in_table })
        .collect()
}

/// The sections for `per`.
pub fn sections(a: &Analysis, per: Per) -> Vec<Section> {
    let mut out = Vec::new();
    if matches!(per, Per::Summary | Per::All) {
        out.push(summary(a));
    }
    if matches!(per, Per::Expiry | Per::All) {
        out.push(expiries(a));
    }
    if matches!(per, Per::Strike | Per::All) {
        out.push(strikes(a));
    }
    if matches!(per, Per::Contract | Per::All) {
        out.push(contracts(a));
    }
    if per == Per::All && !a.skipped_rows.is_empty() {
        out.push(skipped(a));
    }
    out
}

/// The front expiry: the first unexpired group with an at-the-money strike.
fn front(a: &Analysis) -> Option<(&ExpiryResult, f64)> {
    a.expiries.iter().find_map(|e| {
        let atm = e.analysis.as_ref()?.atm_strike?;
        Some((e, atm))
    })
}

fn summary(a: &Analysis) -> Section {
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for c in &a.contracts {
        *counts.entry(c.status).or_default() += 1;
    }
    let status_text = counts
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ");
    let priced = a.contracts.iter().filter(|c| c.iv.is_finite()).count() as u64;
    let f = front(a);
    let fa = f.and_then(|(e, _)| e.analysis.as_ref());
    let straddle = fa.and_then(|x| x.straddle);
    let items = vec![
        ("file", Cell::text(&a.file), ""),
        ("layout", Cell::text(a.layout.name()), ""),
        ("underlying", Cell::text(&a.underlying), ""),
        ("quote_time", Cell::text(a.quote_time), "New York"),
        ("valuation_time", Cell::text(a.valuation_time), "New York"),
        ("spot", Cell::float(a.spot, 4), "US$"),
        ("spot_source", Cell::text(a.spot_source), ""),
        ("rate", Cell::float(a.rate, 4), "continuous, per year"),
        (
            "dividend_yield",
            Cell::float(a.dividend_yield, 4),
            "continuous, per year",
        ),
        ("expiries", Cell::Int(a.expiries.len() as u64), ""),
        ("contracts", Cell::Int(a.contracts.len() as u64), ""),
        ("priced", Cell::Int(priced), "contracts with an IV"),
        ("status_counts", Cell::Text(status_text), ""),
        (
            "skipped_rows",
            Cell::Int(a.skipped_rows.len() as u64),
            "rows of the file",
        ),
        ("total_gex", Cell::float(a.total_gex, 0), "US$ per 1% move"),
        ("zero_gamma", Cell::opt(a.zero_gamma, 2), "US$"),
        ("call_wall", Cell::opt(a.call_wall, 2), "strike"),
        ("put_wall", Cell::opt(a.put_wall, 2), "strike"),
        (
            "largest_gex_strikes",
            Cell::List(a.largest_abs_gamma.clone()),
            "by |net GEX|",
        ),
        (
            "front_expiry",
            Cell::text(f.map_or(String::new(), |(e, _)| e.expiry.to_string())),
            "",
        ),
        ("front_t_years", Cell::opt(f.map(|(e, _)| e.t), 6), "years"),
        (
            "front_atm_strike",
            Cell::opt(f.map(|(_, k)| k), 2),
            "strike",
        ),
        (
            "front_straddle",
            Cell::opt(straddle.map(|s| s.straddle), 2),
            "US$",
        ),
        (
            "front_straddle_move",
            Cell::opt(straddle.map(|s| s.scaled), 2),
            "US$ (0.85 x straddle)",
        ),
        (
            "front_atm_iv",
            Cell::opt(fa.map(|x| x.atm_iv), 4),
            "per 1.00",
        ),
        (
            "front_iv_move",
            Cell::opt(fa.map(|x| x.iv_move), 2),
            "US$ (1 sd to expiry)",
        ),
    ];
    Section {
        name: "summary",
        body: Body::KeyValue(items),
    }
}

fn expiries(a: &Analysis) -> Section {
    let cols = columns(&[
        ("expiry", true),
        ("root", true),
        ("expires_at", false),
        ("t_years", true),
        ("spot", true),
        ("status", true),
        ("contracts", true),
        ("priced", true),
        ("total_gex", true),
        ("zero_gamma", true),
        ("call_wall", true),
        ("put_wall", true),
        ("atm_strike", true),
        ("straddle", true),
        ("straddle_move", true),
        ("atm_iv", true),
        ("iv_move", true),
    ]);
    let rows = a
        .expiries
        .iter()
        .map(|e| {
            let x = e.analysis.as_ref();
            let straddle = x.and_then(|x| x.straddle);
            vec![
                Cell::text(e.expiry),
                Cell::text(e.root),
                Cell::text(e.expires_at),
                Cell::float(e.t, 6),
                Cell::float(e.spot, 4),
                Cell::text(if e.expired { "expired" } else { "ok" }),
                Cell::Int(e.contracts as u64),
                Cell::Int(e.priced as u64),
                Cell::opt(x.map(|x| x.total_gex), 0),
                Cell::opt(x.and_then(|x| x.zero_gamma), 2),
                Cell::opt(x.and_then(|x| x.call_wall), 2),
                Cell::opt(x.and_then(|x| x.put_wall), 2),
                Cell::opt(x.and_then(|x| x.atm_strike), 2),
                Cell::opt(straddle.map(|s| s.straddle), 2),
                Cell::opt(straddle.map(|s| s.scaled), 2),
                Cell::opt(x.map(|x| x.atm_iv), 4),
                Cell::opt(x.map(|x| x.iv_move), 2),
            ]
        })
        .collect();
    Section {
        name: "expiries",
        body: Body::Table(Table {
            columns: cols,
            rows,
        }),
    }
}

fn strikes(a: &Analysis) -> Section {
    let s = &a.strikes;
    let cols = columns(&[
        ("strike", true),
        ("call_oi", true),
        ("put_oi", true),
        ("call_gex", true),
        ("put_gex", true),
        ("net_gex", true),
        ("delta_exposure", true),
    ]);
    let rows = (0..s.len())
        .map(|j| {
            vec![
                Cell::float(s.strike[j], 2),
                Cell::float(s.call_oi[j], 0),
                Cell::float(s.put_oi[j], 0),
                Cell::float(s.call_gex[j], 0),
                Cell::float(s.put_gex[j], 0),
                Cell::float(s.net_gex[j], 0),
                Cell::float(s.delta[j], 0),
            ]
        })
        .collect();
    Section {
        name: "strikes",
        body: Body::Table(Table {
            columns: cols,
            rows,
        }),
    }
}

fn contract_row(c: &ContractResult) -> Vec<Cell> {
    let q = &c.quote;
    let [delta, gamma, vega, theta, rho] = c.greeks;
    let diff = match (c.iv > 0.0, q.iv) {
        (true, Some(cboe)) => Some(c.iv - cboe),
        _ => None,
    };
    let symbol = c
        .contract
        .to_compact()
        .unwrap_or_else(|_| c.contract.to_string());
    vec![
        Cell::Int(c.line as u64),
        Cell::Text(symbol),
        Cell::text(c.contract.expiry),
        Cell::text(match c.contract.right {
            OptionRight::Call => "C",
            OptionRight::Put => "P",
        }),
        Cell::Price(c.contract.strike),
        Cell::float(c.t, 6),
        Cell::Price(q.bid),
        Cell::Price(q.ask),
        Cell::float(c.mid, 3),
        Cell::Price(q.last),
        Cell::Int(q.volume),
        Cell::Int(q.open_interest),
        Cell::text(c.status),
        Cell::float(c.iv, 4),
        Cell::opt(q.iv, 4),
        Cell::opt(diff, 4),
        Cell::float(delta, 4),
        Cell::float(q.delta, 4),
        Cell::float(gamma, 5),
        Cell::float(q.gamma, 4),
        Cell::float(vega / 100.0, 4),
        Cell::float(theta / 365.0, 4),
        Cell::float(rho / 100.0, 4),
        Cell::float(c.gex, 0),
    ]
}

fn contracts(a: &Analysis) -> Section {
    let cols = columns(&[
        ("line", false),
        ("symbol", true),
        ("expiry", false),
        ("right", false),
        ("strike", false),
        ("t_years", false),
        ("bid", true),
        ("ask", true),
        ("mid", true),
        ("last", false),
        ("volume", false),
        ("open_interest", true),
        ("status", true),
        ("iv", true),
        ("cboe_iv", true),
        ("iv_minus_cboe", true),
        ("delta", true),
        ("cboe_delta", false),
        ("gamma", true),
        ("cboe_gamma", false),
        ("vega_1pct", true),
        ("theta_day", true),
        ("rho_1pct", false),
        ("gex", true),
    ]);
    Section {
        name: "contracts",
        body: Body::Table(Table {
            columns: cols,
            rows: a.contracts.iter().map(contract_row).collect(),
        }),
    }
}

fn skipped(a: &Analysis) -> Section {
    let rows = a
        .skipped_rows
        .iter()
        .map(|e| vec![Cell::Int(e.line().unwrap_or(0) as u64), Cell::text(e)])
        .collect();
    Section {
        name: "skipped_rows",
        body: Body::Table(Table {
            columns: columns(&[("line", true), ("error", true)]),
            rows,
        }),
    }
}
