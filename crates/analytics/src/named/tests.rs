use super::*;

fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn names_round_trip() {
    for q in NamedQuery::ALL {
        assert_eq!(NamedQuery::from_name(q.name()).unwrap(), q);
    }
    let e = NamedQuery::from_name("drop-table").unwrap_err().to_string();
    assert!(e.contains("drop-table") && e.contains("top-trades"), "{e}");
    assert_eq!(NamedQuery::catalog().len(), 7);
}

#[test]
fn values_are_bound_never_spliced() {
    let bound = NamedQuery::PremiumBySide
        .bind(&params(&[
            ("date", "2025-06-09"),
            ("root", "SPXW"),
            ("from", "09:30"),
        ]))
        .unwrap();
    assert!(
        !bound.sql.contains("SPXW") && !bound.sql.contains("2025"),
        "{}",
        bound.sql
    );
    assert!(bound.sql.contains("root = $6"), "{}", bound.sql);
    assert_eq!(bound.values[0], ScalarValue::Utf8(Some("2025".into())));
    assert_eq!(bound.values[1], ScalarValue::Utf8(Some("06".into())));
    assert_eq!(bound.values[2], ScalarValue::Utf8(Some("09".into())));
    assert_eq!(bound.values[3], utc_timestamp(1_749_475_800_000_000_000));
    assert_eq!(bound.values[5], ScalarValue::Utf8(Some("SPXW".into())));
}

#[test]
fn bad_parameters_are_named() {
    let q = NamedQuery::TopTrades;
    let e = q.bind(&params(&[])).unwrap_err().to_string();
    assert!(e.contains("missing") && e.contains("\"date\""), "{e}");
    let e = q
        .bind(&params(&[("date", "2025-06-09"), ("limit", "5000")]))
        .unwrap_err();
    assert!(e.to_string().contains("\"limit\""), "{e}");
    let e = q
        .bind(&params(&[("date", "2025-06-09"), ("color", "red")]))
        .unwrap_err();
    assert!(
        e.to_string().contains("\"color\"") && e.to_string().contains("limit"),
        "{e}"
    );
    let e = q
        .bind(&params(&[
            ("date", "2025-06-09"),
            ("from", "10:00"),
            ("to", "09:00"),
        ]))
        .unwrap_err();
    assert!(e.to_string().contains("\"to\""), "{e}");
    // An empty optional value is absent.
    assert!(
        q.bind(&params(&[("date", "2025-06-09"), ("root", "")]))
            .is_ok()
    );
}

#[test]
fn chain_queries_bind_their_values() {
    let bound = NamedQuery::ChainAt
        .bind(&params(&[
            ("date", "2025-06-09"),
            ("root", "SPXW"),
            ("at", "10:15"),
            ("expiry", "2025-06-10"),
        ]))
        .unwrap();
    assert!(!bound.sql.contains("SPXW"), "{}", bound.sql);
    assert_eq!(bound.values[3], ScalarValue::Utf8(Some("SPXW".into())));
    // 2025-06-10 is day 20249 of the Unix epoch.
    assert_eq!(bound.values[4], ScalarValue::Date32(Some(20_249)));
    assert_eq!(bound.values[5], utc_timestamp(1_749_478_500_000_000_000));
    assert_eq!(bound.values[6], ScalarValue::Int64(Some(7)));
    // strikes=0: no window, no placeholder for it.
    let all = NamedQuery::ChainAt
        .bind(&params(&[
            ("date", "2025-06-09"),
            ("root", "SPXW"),
            ("strikes", "0"),
        ]))
        .unwrap();
    assert_eq!(all.values.len(), 5);
    assert!(!all.sql.contains("side_rank <="), "{}", all.sql);
    let e = NamedQuery::ChainMinutes
        .bind(&params(&[("date", "2025-06-09")]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("\"root\""), "{e}");
    let e = NamedQuery::LakeDates
        .bind(&params(&[("date", "2025-06-09")]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("\"date\""), "{e}");
    assert!(
        NamedQuery::LakeDates
            .bind(&params(&[("limit", "3")]))
            .unwrap()
            .sql
            .contains("LIMIT 3")
    );
}

#[test]
fn the_catalog_serialises() {
    let json = serde_json::to_value(NamedQuery::catalog()).unwrap();
    assert_eq!(json[1]["name"], "flow-series");
    assert_eq!(json[1]["params"][1]["name"], "bucket");
    assert_eq!(json[1]["params"][1]["kind"]["type"], "integer");
    assert_eq!(json[0]["params"][0]["required"], true);
}
