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
