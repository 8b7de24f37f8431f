use super::*;

#[test]
fn kinds_and_name_dates() {
    assert_eq!(
        InputKind::detect(Path::new("/d/ES_2025-06-10.csv.zst")),
        InputKind::IbDaily
    );
    assert_eq!(
        InputKind::detect(Path::new("/d/GLBX.MDP3/ohlcv-1m/2025-06-10.dbn.zst")),
        InputKind::Databento
    );
    let d = |s: &str| name_date(Path::new(s));
    assert_eq!(
        d("x/2025-06-10.dbn.zst"),
        Some(jiff::civil::date(2025, 6, 10))
    );
    assert_eq!(
        d("glbx-mdp3-20231224.mbo.dbn.zst"),
        Some(jiff::civil::date(2023, 12, 24))
    );
    assert_eq!(
        d("futures_ohlcv-1m_2024-07-01T23-40_2024-07-02T00-10.dbn.zst"),
        Some(jiff::civil::date(2024, 7, 1))
    );
    assert_eq!(d("test_data.ohlcv-1m.dbn.zst"), None);
    assert_eq!(d("123456789.dbn"), None);
}

#[test]
fn vwap_lookup_drops_what_is_no_longer_needed() {
    let p = |x: i64| Price::from_integer(x).unwrap();
    let mut q: VecDeque<_> = [
        (UnixNanos(10), p(1)),
        (UnixNanos(20), p(2)),
        (UnixNanos(30), p(3)),
    ]
    .into_iter()
    .collect();
    assert_eq!(take_vwap(&mut q, UnixNanos(5)), None);
    assert_eq!(take_vwap(&mut q, UnixNanos(25)), Some(p(2)));
    assert_eq!(q.len(), 2);
    assert_eq!(take_vwap(&mut q, UnixNanos(100)), Some(p(3)));
}
