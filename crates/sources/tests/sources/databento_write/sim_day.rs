//! A day of the built-in simulator written and read back.

use super::*;

/// A small simulated day (every product) written and read back: every written event returns,
/// equal field by field up to the documented losses.
#[test]
fn a_simulated_day_round_trips() {
    use gammaflow_sources::sim::{Products, SimConfig, Simulator};
    let config = SimConfig {
        activity: 0.002,
        spxw_strikes: 2,
        spy_strikes: 1,
        expiries: 1,
        reprice_bp: 50.0,
        products: Products {
            spx_index: false,
            spy: false,
            // Options on futures need the definition file to be read back: see below.
            es_options: false,
            ..Products::ALL
        },
        ..SimConfig::default()
    };
    let date = config.start;
    let events: Vec<Event> = Simulator::new(config).unwrap().collect();
    let dir = temp_dir("sim");
    let written = write_day(&dir, date, &events, &WriteOptions::default()).unwrap();
    assert_eq!(written.len(), 16);
    let sym = DaySymbology::new(date, &events).unwrap();
    assert!(sym.options().count() >= 8 && sym.futures().count() == 1);
    for format in [FileFormat::Dbn, FileFormat::Csv] {
        let mut got = Vec::new();
        for file in DayFile::ALL {
            got.extend(read_events(&file.path(&dir, date, format)));
        }
        let mut want: Vec<Event> = events
            .iter()
            .filter(|e| !matches!(e, Event::Quote(q) if !q.bid.is_defined() && !q.ask.is_defined()))
            .filter_map(|e| as_read_back(&sym, e))
            .collect();
        // Definitions the events lack are synthesized; bars are built from the futures trades.
        let defined: Vec<Instrument> = want
            .iter()
            .filter_map(|e| match e {
                Event::Definition(d) => Some(d.instrument),
                _ => None,
            })
            .collect();
        got.retain(|e| match e {
            Event::Definition(d) => defined.contains(&d.instrument),
            Event::Bar(_) => false,
            _ => true,
        });
        assert!(want.iter().any(
            |e| matches!(e, Event::Trade(t) if matches!(t.instrument, Instrument::Option(_)))
        ));
        assert!(want.iter().any(|e| matches!(e, Event::OpenInterest(_))));
        got.sort_by_key(sort_key);
        want.sort_by_key(sort_key);
        assert_eq!(got.len(), want.len(), "{format:?}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "{format:?}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A small simulated day with ES options: written to GLBX.MDP3, read back by `Replay` (which
/// seeds its instrument map from the definition file) as the same ES option trades, quotes and
/// definitions. Only the DBN files: the CSV `symbol` column of an option on futures
/// (`E2AM5 C6000`) does not resolve without its definition in the reader (see the report).
#[test]
fn es_options_round_trip_through_replay_with_definitions() {
    use gammaflow_sources::sim::{Products, SimConfig, Simulator};
    let config = SimConfig {
        activity: 0.002,
        es_strikes: 2,
        expiries: 2,
        reprice_bp: 50.0,
        products: Products {
            spx_index: false,
            spy: false,
            spxw_options: false,
            spy_options: false,
            ..Products::ALL
        },
        ..SimConfig::default()
    };
    let date = config.start;
    let events: Vec<Event> = Simulator::new(config).unwrap().collect();
    let dir = temp_dir("sim-es-options");
    let written = write_day(&dir, date, &events, &WriteOptions::default()).unwrap();
    // GLBX only: four schemas, DBN and CSV.
    assert_eq!(written.len(), 8);
    assert!(
        written
            .iter()
            .all(|p| p.display().to_string().contains("GLBX.MDP3"))
    );
    let sym = DaySymbology::new(date, &events).unwrap();
    assert_eq!(sym.options().count(), 0);
    assert_eq!(sym.futures_options().count(), 2 * 2 * 5);
    let raw: Vec<&str> = sym
        .futures_options()
        .filter_map(|c| sym.raw_symbol(&Instrument::Option(*c)))
        .collect();
    // 2025-06-09 (Monday of week 2) and Tuesday 06-10: E2A and E2B June options on ESM5.
    assert!(raw.iter().any(|r| r.starts_with("E2AM5 C")), "{raw:?}");
    assert!(raw.iter().any(|r| r.starts_with("E2BM5 P")), "{raw:?}");
    // The day's files as the layout names them (`Replay` seeds its instrument map from the
    // `definition/` directory), in both encodings: the CSV `symbol` text of an option on futures
    // (`E2AM5 C6000`) resolves through the definitions too.
    let es_option =
        |e: &Event| matches!(e.instrument(), Instrument::Option(c) if c.root.is_futures_option());
    let mut want: Vec<Event> = events
        .iter()
        .filter(|e| es_option(e) && !matches!(e, Event::OpenInterest(_)))
        .filter_map(|e| as_read_back(&sym, e))
        .collect();
    let count = |v: &[Event], f: fn(&Event) -> bool| v.iter().filter(|e| f(e)).count();
    assert!(count(&want, |e| matches!(e, Event::Trade(_))) > 20);
    assert!(count(&want, |e| matches!(e, Event::Quote(_))) > 100);
    assert_eq!(count(&want, |e| matches!(e, Event::Definition(_))), 20);
    want.sort_by_key(sort_key);
    for format in [FileFormat::Dbn, FileFormat::Csv] {
        let paths = [
            DayFile::GlbxDefinition,
            DayFile::GlbxTrades,
            DayFile::GlbxMbp1,
        ]
        .map(|f| f.path(&dir, date, format));
        let mut got: Vec<Event> = databento::Replay::open(&paths)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        got.retain(es_option);
        got.sort_by_key(sort_key);
        assert_eq!(got.len(), want.len(), "{format:?}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "{format:?}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
