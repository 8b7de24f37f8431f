use super::*;

fn t(ids: &[u16]) -> TradeTreatment {
    ConditionTable::builtin().treatment_of_ids(ids)
}

#[test]
fn regular_and_empty_trades() {
    let regular = t(&[]);
    assert!(regular.counts_volume && regular.updates_last && !regular.excluded);
    assert_eq!(regular, t(&[209]));
    assert_eq!(regular, t(&[210]));
    assert_eq!(
        TradeTreatment {
            counts_volume: true,
            updates_last: true,
            ..TradeTreatment::default()
        },
        regular
    );
}

#[test]
fn cancels_and_compression_are_excluded() {
    for id in [201, 203, 205, 207, 247] {
        let x = t(&[id]);
        assert!(x.excluded && !x.counts_volume && !x.updates_last, "{id}");
    }
    // One excluding code excludes the whole print.
    assert!(t(&[209, 201]).excluded);
}

#[test]
fn late_prints_are_kept_and_flagged() {
    let oseq = t(&[202]);
    assert!(oseq.counts_volume && !oseq.updates_last && oseq.late && !oseq.excluded);
    let late = t(&[204]);
    assert!(late.counts_volume && late.updates_last && late.late);
    assert!(!t(&[206]).updates_last && t(&[208]).updates_last);
    let gth = t(&[248]);
    assert!(gth.extended_hours && gth.counts_volume && gth.updates_last);
}

#[test]
fn categories() {
    assert!(t(&[219]).sweep && t(&[228]).sweep && t(&[230]).sweep);
    assert!(t(&[228]).auction && t(&[229]).cross && t(&[231]).floor);
    for id in [232, 233, 234, 235, 236, 238, 239, 246] {
        let x = t(&[id]);
        assert!(x.multi_leg && !x.stock_tied && x.counts_volume, "{id}");
    }
    for id in [237, 240, 241, 242, 243, 244, 245] {
        let x = t(&[id]);
        assert!(x.stock_tied && !x.multi_leg, "{id}");
    }
    let legacy = t(&[215]);
    assert!(legacy.legacy && legacy.counts_volume && !legacy.updates_last);
    let unknown = t(&[999, 219]);
    assert!(unknown.unknown && unknown.counts_volume && unknown.sweep);
    assert!(!ConditionTable::builtin().is_known(999));
    assert!(ConditionTable::builtin().is_known(233));
}

#[test]
fn opra_letters() {
    assert_eq!(id_for_opra_letter('A'), Some(201));
    assert_eq!(id_for_opra_letter('S'), Some(219));
    assert_eq!(id_for_opra_letter('a'), Some(227));
    assert_eq!(id_for_opra_letter('v'), Some(248));
    assert_eq!(id_for_opra_letter('w'), None);
    let isoi = builtin(219).unwrap();
    assert_eq!((isoi.opra, isoi.abbreviation), ('S', "ISOI"));
    assert_eq!(builtin(200), None);
}

fn entry(id: u16, volume: bool, last: bool, legacy: bool) -> String {
    format!(
        r#"{{"id":{id},"abbreviation":"X{id}","name":"n","type":"sale_condition","asset_class":"options","sip_mapping":{{"OPRA":"Z"}},"legacy":{legacy},"data_types":["trade"],"update_rules":{{"consolidated":{{"updates_high_low":{last},"updates_open_close":{last},"updates_volume":{volume}}},"market_center":{{"updates_high_low":true,"updates_open_close":true,"updates_volume":true}}}}}}"#
    )
}

#[test]
fn the_reference_list_overrides_where_it_differs() {
    let body = format!(
        "[{},{},{},{},{}]",
        entry(209, true, true, false),   // same as built in
        entry(202, false, false, false), // vendor: out-of-sequence counts no volume
        entry(215, true, false, false),  // vendor: not legacy
        entry(260, true, true, false),   // new id
        entry(2000, true, true, false)   // too large
    );
    let infos: Vec<ConditionInfo> = serde_json::from_str(&body).unwrap();
    let (table, diffs) = ConditionTable::from_reference(&infos);
    let what: Vec<(u16, &str, bool)> = diffs.iter().map(|d| (d.id, d.what, d.reference)).collect();
    assert_eq!(
        what,
        [
            (202, "counts_volume", false),
            (215, "legacy", false),
            (260, "added", true),
            (2000, "skipped", false)
        ]
    );
    assert!(table.treatment_of_ids(&[202]).excluded);
    assert!(table.treatment_of_ids(&[202]).late, "category flags stay");
    assert!(!table.treatment_of_ids(&[215]).legacy);
    assert!(table.is_known(260) && !table.treatment_of_ids(&[260]).unknown);
    assert_eq!(table.treatment_of_ids(&[209]), t(&[209]));
}

#[test]
fn stock_conditions_from_the_vendor_fixture_are_ignored() {
    let path =
        gammaflow_testkit::shared_data("polygon/v3_reference_conditions_asset_class_stocks.json");
    let text = std::fs::read_to_string(&path).unwrap();
    #[derive(serde::Deserialize)]
    struct Page {
        results: Vec<ConditionInfo>,
    }
    let page: Page = serde_json::from_str(&text).unwrap();
    assert!(page.results.len() > 5);
    assert!(page.results.iter().all(|c| c.asset_class == "stocks"));
    let (table, diffs) = ConditionTable::from_reference(&page.results);
    assert!(diffs.is_empty());
    assert_eq!(table, ConditionTable::builtin());
}
