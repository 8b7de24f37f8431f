//! Decoding the written DBN files with the `dbn` crate itself: metadata and every record field.

use super::*;

fn dbn_records<T: dbn::HasRType<Header = dbn::RecordHeader> + Clone>(
    path: &Path,
) -> (Metadata, Vec<T>) {
    let bytes = zstd_bytes(path);
    let mut decoder =
        DbnDecoder::with_upgrade_policy(bytes.as_slice(), VersionUpgradePolicy::AsIs).unwrap();
    let metadata = decoder.metadata().clone();
    let mut records = Vec::new();
    while let Some(r) = decoder.decode_record::<T>().unwrap() {
        records.push(r.clone());
    }
    (metadata, records)
}

fn id(sym: &DaySymbology, instrument: &Instrument) -> u32 {
    sym.instrument_id(instrument).unwrap()
}

#[test]
fn dbn_files_decode_with_the_dbn_crate() {
    let events = day_events();
    let options = WriteOptions {
        csv: false,
        ..WriteOptions::default()
    };
    let (dir, written) = write("dbn-crate", &events, &options);
    assert_eq!(written.len(), 8);
    let sym = DaySymbology::new(DATE, &events).unwrap();
    let c5800 = option("SPXW  251216C05800000");
    let p5790 = option("SPXW  251216P05790000");
    let spy = option("SPY   251216C00600000");
    // Ids: one block per date, in contract order: root ("SPXW" < "SPY"), expiry, right, strike.
    let base = opra_id_base(DATE);
    assert_eq!(
        [id(&sym, &c5800), id(&sym, &p5790), id(&sym, &spy)],
        [base, base + 1, base + 2]
    );
    let path = |f: DayFile| f.path(&dir, DATE, FileFormat::Dbn);

    let (meta, trades) = dbn_records::<TradeMsg>(&path(DayFile::OpraTrades));
    assert_eq!((meta.version, meta.dataset.as_str()), (3, "OPRA.PILLAR"));
    assert_eq!(meta.schema, Some(Schema::Trades));
    assert_eq!(
        (meta.stype_in, meta.stype_out),
        (Some(SType::RawSymbol), SType::InstrumentId)
    );
    // Midnight UTC of the first date (the OI was published the same UTC day) to the next day.
    assert_eq!(meta.start, 1_765_843_200_000_000_000);
    assert_eq!(
        meta.end.map(|e| e.get()),
        Some(1_765_843_200_000_000_000 + 86_400 * SEC)
    );
    let mapped: BTreeMap<&str, &str> = meta
        .mappings
        .iter()
        .map(|m| (m.raw_symbol.as_str(), m.intervals[0].symbol.as_str()))
        .collect();
    assert_eq!(mapped.len(), 3);
    assert_eq!(mapped["SPXW  251216C05800000"], base.to_string());
    assert_eq!(
        meta.mappings[0].intervals[0].start_date.to_string(),
        "2025-12-16"
    );
    assert_eq!(
        meta.mappings[0].intervals[0].end_date.to_string(),
        "2025-12-17"
    );
    assert_eq!(trades.len(), 3);
    let t = &trades[0];
    assert_eq!(t.hd.instrument_id, base);
    assert_eq!(
        t.hd.publisher_id, 22,
        "Polygon 302 (Cboe) is OPRA.PILLAR.XCBO"
    );
    assert_eq!(
        (t.hd.ts_event, t.ts_recv),
        (OPEN + SEC, OPEN + SEC + 150_000)
    );
    assert_eq!((t.price, t.size, t.sequence), (4_850_000_000, 5, 900_001));
    assert_eq!(
        (t.action as u8, t.side as u8, t.flags.raw()),
        (b'T', b'N', 194)
    );
    assert_eq!(trades[1].hd.publisher_id, 34, "Polygon 322 is C2OX");
    assert_eq!(trades[2].hd.publisher_id, 29, "Polygon 313 is ARCO");
    assert_eq!(trades[2].sequence, 7, "the low 32 bits of the sequence");

    let (meta, quotes) = dbn_records::<Cmbp1Msg>(&path(DayFile::OpraCbbo));
    assert_eq!(meta.schema, Some(Schema::Cmbp1));
    assert_eq!(quotes.len(), 3);
    let q = &quotes[1];
    assert_eq!((q.hd.publisher_id, q.hd.instrument_id), (30, base));
    let l = &q.levels[0];
    assert_eq!(
        (l.bid_px, l.ask_px, l.bid_sz, l.ask_sz),
        (4_850_000_000, 4_900_000_000, 3, 12)
    );
    assert_eq!((l.bid_pb, l.ask_pb), (21, 34));
    // Only the bid changed since the first quote of the contract.
    assert_eq!((q.side as u8, q.price, q.size), (b'B', 4_850_000_000, 3));
    assert_eq!((quotes[0].side as u8, quotes[0].price), (b'N', i64::MAX));
    let empty_bid = &quotes[2].levels[0];
    assert_eq!(
        (empty_bid.bid_px, empty_bid.bid_sz, empty_bid.bid_pb),
        (i64::MAX, 0, 0)
    );

    let (_, stats) = dbn_records::<StatMsg>(&path(DayFile::OpraStatistics));
    let publishers = venues::opra_exchange_publishers();
    assert_eq!(stats.len(), 2 * publishers.len());
    let first: Vec<&StatMsg> = stats
        .iter()
        .filter(|s| s.hd.instrument_id == base)
        .collect();
    assert_eq!(
        first.iter().map(|s| s.hd.publisher_id).collect::<Vec<_>>(),
        publishers
    );
    for s in &first {
        assert_eq!((s.stat_type, s.quantity, s.price), (9, 57_924, i64::MAX));
        assert_eq!(
            s.ts_ref, 1_765_756_800_000_000_000,
            "midnight UTC of 2025-12-15"
        );
    }
    let sequences: Vec<u32> = stats.iter().map(|s| s.sequence).collect();
    assert!(sequences.windows(2).all(|w| w[0] < w[1]), "{sequences:?}");

    let (_, defs) = dbn_records::<InstrumentDefMsg>(&path(DayFile::OpraDefinition));
    let by_symbol: BTreeMap<String, &InstrumentDefMsg> = defs
        .iter()
        .map(|d| (d.raw_symbol().unwrap().to_owned(), d))
        .collect();
    assert_eq!(
        by_symbol.len(),
        3,
        "one definition for every option of the day"
    );
    for (instrument, d) in [
        (c5800, by_symbol["SPXW  251216C05800000"]),
        (spy, by_symbol["SPY   251216C00600000"]),
    ] {
        let Instrument::Option(c) = instrument else {
            unreachable!()
        };
        assert_eq!(d.hd.instrument_id, id(&sym, &instrument));
        assert_eq!(d.strike_price, c.strike.raw());
        assert_eq!(d.instrument_class as u8, b'C');
        assert_eq!(d.security_type().unwrap(), "OPT");
    }
    let put = by_symbol["SPXW  251216P05790000"];
    assert_eq!(put.instrument_class as u8, b'P');
    assert_eq!(
        put.expiration, 1_765_843_200_000_000_000,
        "midnight UTC of the expiry"
    );
    assert_eq!(put.underlying().unwrap(), "SPX");
    assert_eq!(put.asset().unwrap(), "SPXW");
    let call = by_symbol["SPXW  251216C05800000"];
    assert_eq!(
        call.min_price_increment, 50_000_000,
        "from the Definition event"
    );
    assert_eq!(call.unit_of_measure_qty, 100_000_000_000);
    assert_eq!(call.expiration, OPEN + 23_400 * SEC);
    assert_eq!(call.ts_recv, OPEN - 4 * 3600 * SEC + 10);

    let (meta, es_trades) = dbn_records::<TradeMsg>(&path(DayFile::GlbxTrades));
    assert_eq!(meta.dataset, "GLBX.MDP3");
    assert_eq!(meta.mappings[0].raw_symbol, "ESZ5");
    let es = id(&sym, &esz5());
    let sides: Vec<(u64, u8, u16)> = es_trades
        .iter()
        .map(|t| (t.ts_recv, t.side as u8, t.hd.publisher_id))
        .collect();
    assert_eq!(
        sides,
        [
            (OPEN + 2 * SEC + 150_000, b'B', 1),
            (OPEN + 30 * SEC + 150_000, b'N', 1),
            (OPEN + 61 * SEC + 150_000, b'A', 1)
        ],
        "sorted by ts_recv, aggressor kept"
    );
    assert!(es_trades.iter().all(|t| t.hd.instrument_id == es));

    let (_, books) = dbn_records::<Mbp1Msg>(&path(DayFile::GlbxMbp1));
    assert_eq!(books.len(), 2);
    let l = &books[1].levels[0];
    assert_eq!(
        (l.bid_px, l.ask_px, l.bid_sz, l.ask_sz),
        (5_801_000_000_000, 5_801_500_000_000, 38, 7)
    );
    assert_eq!(books[1].side as u8, b'N', "both sides changed");

    let (_, bars) = dbn_records::<OhlcvMsg>(&path(DayFile::GlbxOhlcv1m));
    let ohlcv: Vec<(u64, i64, i64, i64, i64, u64)> = bars
        .iter()
        .map(|b| (b.hd.ts_event, b.open, b.high, b.low, b.close, b.volume))
        .collect();
    assert_eq!(
        ohlcv,
        [
            (
                OPEN,
                5_801_250_000_000,
                5_802_000_000_000,
                5_801_250_000_000,
                5_802_000_000_000,
                4
            ),
            (
                OPEN + 60 * SEC,
                5_800_750_000_000,
                5_800_750_000_000,
                5_800_750_000_000,
                5_800_750_000_000,
                2
            ),
        ]
    );

    let (_, fut_defs) = dbn_records::<InstrumentDefMsg>(&path(DayFile::GlbxDefinition));
    assert_eq!(fut_defs.len(), 1);
    assert_eq!(fut_defs[0].raw_symbol().unwrap(), "ESZ5");
    assert_eq!(
        (
            fut_defs[0].min_price_increment,
            fut_defs[0].unit_of_measure_qty
        ),
        (250_000_000, 50_000_000_000)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn dbn_version_2_files_read_back_like_version_3() {
    let events = day_events();
    let v2 = WriteOptions {
        dbn_version: DbnVersion::V2,
        csv: false,
        ..WriteOptions::default()
    };
    let (dir2, _) = write("v2", &events, &v2);
    let (dir3, _) = write(
        "v3",
        &events,
        &WriteOptions {
            csv: false,
            ..WriteOptions::default()
        },
    );
    let stats = DayFile::OpraStatistics.path(&dir2, DATE, FileFormat::Dbn);
    let (meta, records) = dbn_records::<dbn::v2::StatMsg>(&stats);
    assert_eq!(meta.version, 2);
    assert_eq!(records[0].quantity, 57_924);
    let (meta, defs) = dbn_records::<dbn::v2::InstrumentDefMsg>(&DayFile::OpraDefinition.path(
        &dir2,
        DATE,
        FileFormat::Dbn,
    ));
    assert_eq!(meta.version, 2);
    assert_eq!(defs.len(), 3);
    for file in DayFile::ALL {
        let a = read_events(&file.path(&dir2, DATE, FileFormat::Dbn));
        let b = read_events(&file.path(&dir3, DATE, FileFormat::Dbn));
        assert_eq!(a, b, "{file:?}");
    }
    std::fs::remove_dir_all(&dir2).unwrap();
    std::fs::remove_dir_all(&dir3).unwrap();
}
