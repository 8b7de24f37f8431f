//! The two real 2025 Cboe downloads in `../shared/data/cboe/`.

use std::collections::BTreeMap;

use gammaflow_model::{OptionRight, Price};
use gammaflow_sources::cboe::{self, Chain, Layout};
use jiff::civil::date;

fn load(name: &str) -> (String, Chain) {
    let path = gammaflow_testkit::shared_data(&format!("cboe/{name}"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let chain = cboe::parse(&text).unwrap();
    (text, chain)
}

/// Lines of the file that hold option rows: non-blank lines after the column header.
fn data_lines(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .skip_while(|(_, l)| !l.starts_with("Expiration Date,"))
        .skip(1)
        .filter(|(_, l)| !l.trim().is_empty())
        .collect()
}

/// The shortest decimal of a price text (`400.00` → `400`, `0.10` → `0.1`), for exactness checks.
fn canonical(text: &str) -> String {
    if !text.contains('.') {
        return text.to_owned();
    }
    let t = text.trim_end_matches('0').trim_end_matches('.');
    if t.is_empty() || t == "-" {
        "0".to_owned()
    } else {
        t.to_owned()
    }
}

/// Every parsed price prints back to the file's text exactly (no float rounding anywhere).
fn check_exact(text: &str, chain: &Chain) {
    let lines = data_lines(text);
    assert_eq!(lines.len(), chain.rows.len());
    for ((line_no, line), row) in lines.iter().zip(&chain.rows) {
        assert_eq!(*line_no, row.line);
        let f: Vec<&str> = line.split(',').collect();
        let got = [
            row.call.last,
            row.call.net,
            row.call.bid,
            row.call.ask,
            row.strike,
            row.put.last,
            row.put.net,
            row.put.bid,
            row.put.ask,
        ];
        let cols = [2, 3, 4, 5, 11, 13, 14, 15, 16];
        for (p, c) in got.iter().zip(cols) {
            assert_eq!(
                p.to_string(),
                canonical(f[c]),
                "line {line_no} column {}",
                c + 1
            );
        }
        assert_eq!(row.call.open_interest.to_string(), f[10]);
        assert_eq!(row.put.open_interest.to_string(), f[21]);
        assert_eq!(row.call.contract.to_compact().unwrap(), f[1]);
        assert_eq!(row.put.contract.to_compact().unwrap(), f[12]);
    }
}

#[test]
fn chain_of_2025_06_09_with_0dte() {
    let (text, chain) = load("SPY_quotedata_2025-06-09_close_with_0DTE.csv");
    assert_eq!(chain.layout, Layout::Current2025);
    // 1,607 lines: a blank line, two header lines, the column header, then 1,603 option rows
    // (3,206 contracts).
    assert_eq!(text.lines().count(), 1607);
    assert_eq!(chain.rows.len(), 1603);
    assert_eq!(chain.contract_count(), 3206);
    assert!(
        chain.row_errors.is_empty(),
        "{:?}",
        chain.row_errors.first()
    );
    assert_eq!(chain.rows[0].line, 5);
    assert_eq!(chain.rows.last().map(|r| r.line), Some(1607));

    assert_eq!(chain.underlying.last, "599.48".parse::<Price>().unwrap());
    assert_eq!(chain.underlying.volume, Some(51_676_756));
    assert_eq!(
        chain.quote_time.instant.to_timestamp().unwrap().to_string(),
        "2025-06-09T20:52:00Z"
    );

    let per_expiry: BTreeMap<_, usize> = chain.rows.iter().fold(BTreeMap::new(), |mut m, r| {
        *m.entry(r.expiry).or_default() += 1;
        m
    });
    assert_eq!(per_expiry.len(), 12);
    assert_eq!(per_expiry[&date(2025, 6, 9)], 141, "0DTE rows");
    assert_eq!(per_expiry[&date(2025, 6, 20)], 223);
    assert_eq!(chain.expiries().first(), Some(&date(2025, 6, 9)));

    let first = &chain.rows[0];
    assert_eq!(first.call.contract.to_string(), "SPY 2025-06-09 C 400");
    assert_eq!(first.call.bid.raw(), 198_680_000_000);
    assert_eq!(first.call.net.to_string(), "-0.175");
    assert_eq!(first.call.iv, None, "IV 0 means not computed");
    assert_eq!(first.put.open_interest, 217);
    assert_eq!(first.put.contract.right, OptionRight::Put);
    check_exact(&text, &chain);
}

#[test]
fn chain_of_2025_09_25() {
    let (text, chain) = load("SPY_quotedata_2025-09-25.csv");
    assert_eq!(chain.layout, Layout::Current2025);
    assert_eq!(text.lines().count(), 1862);
    assert_eq!(chain.rows.len(), 1858);
    assert!(
        chain.row_errors.is_empty(),
        "{:?}",
        chain.row_errors.first()
    );
    assert_eq!(chain.underlying.last.to_string(), "658.05");
    assert_eq!(
        chain.underlying.change.map(|c| c.to_string()).as_deref(),
        Some("-3.05")
    );
    assert_eq!(
        chain.underlying.bid.map(|c| c.to_string()).as_deref(),
        Some("657.81")
    );
    assert_eq!(chain.underlying.size, Some((1, 4)));
    assert_eq!(chain.quote_time.new_york.to_string(), "2025-09-25T21:05:00");
    assert_eq!(
        chain.quote_time.instant.to_timestamp().unwrap().to_string(),
        "2025-09-26T01:05:00Z"
    );
    let expiries = chain.expiries();
    assert_eq!(expiries.len(), 11);
    assert_eq!(expiries.first(), Some(&date(2025, 10, 1)));
    assert_eq!(expiries.last(), Some(&date(2025, 10, 31)));
    let last = chain.rows.last().unwrap();
    assert_eq!(last.put.contract.to_string(), "SPY 2025-10-31 P 780");
    assert_eq!(last.put.iv, None);
    assert_eq!(last.put.delta, -1.0);
    assert_eq!(last.call.iv, Some(0.1844));
    // Vendor IVs are decimals (per 1.00), never percentages.
    for r in &chain.rows {
        for iv in [r.call.iv, r.put.iv].into_iter().flatten() {
            assert!(iv > 0.0 && iv < 10.0, "line {}: {iv}", r.line);
        }
    }
    check_exact(&text, &chain);
}
