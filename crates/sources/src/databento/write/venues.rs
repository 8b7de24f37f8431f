//! Venue numbering: Polygon/Massive options exchange ids ↔ Databento `OPRA.PILLAR` publisher ids.
//!
//! Polygon/Massive numbers the options exchanges 300–325 (FORMATS.md §3.3, the `x`, `bx` and `ax`
//! fields); Databento gives each OPRA venue its own publisher id within the `OPRA.PILLAR` dataset
//! (the `publisher_id` of every record, `bid_pb`/`ask_pb` of consolidated quotes). The table below
//! pairs them by venue (MIC). It is one-to-one, so both directions are exact.
//!
//! | Polygon id | venue | MIC | Databento publisher id |
//! |---|---|---|---|
//! | 300 | NYSE American | AMXO | 20 |
//! | 301 | BOX | XBOX | 21 |
//! | 302 | Cboe Options | XCBO | 22 |
//! | 303 | MIAX Emerald | EMLD | 23 |
//! | 304 | Cboe EDGX Options | EDGO | 24 |
//! | 307 | Nasdaq GEMX | GMNI | 25 |
//! | 308 | Nasdaq ISE | XISX | 26 |
//! | 309 | Nasdaq MRX | MCRY | 27 |
//! | 312 | MIAX Options | XMIO | 28 |
//! | 313 | NYSE Arca Options | ARCO | 29 |
//! | 314 | OPRA (consolidated) | OPRA | 30 |
//! | 315 | MIAX Pearl | MPRL | 31 |
//! | 316 | Nasdaq Options Market | XNDQ | 32 |
//! | 319 | Nasdaq BX Options | XBXO | 33 |
//! | 322 | Cboe C2 | C2OX | 34 |
//! | 323 | Nasdaq PHLX | XPHL | 35 |
//! | 325 | Cboe BZX Options | BATO | 36 |
//!
//! The newer OPRA venues Databento lists (37 MEMX `MXOP`, 61 MIAX Sapphire `SPHR`, 108 `MXTO`,
//! 109 IEX Options `IEXO`) have no Polygon id in our reference, so they map to nothing in either
//! direction.

use dbn::Publisher;

/// Databento publisher id of the consolidated OPRA feed (`OPRA.PILLAR.OPRA`): the publisher of
/// consolidated quotes (cmbp-1) and of the definitions.
pub const OPRA_CONSOLIDATED_PUBLISHER: u16 = Publisher::OpraPillarOpra as u16;

/// Databento publisher id of CME Globex MDP 3.0 (`GLBX.MDP3.GLBX`), the one publisher of
/// `GLBX.MDP3`.
pub const GLBX_PUBLISHER: u16 = Publisher::GlbxMdp3Glbx as u16;

/// `(Polygon/Massive options exchange id, Databento OPRA.PILLAR publisher id)`, by venue.
const POLYGON_OPRA: [(u16, Publisher); 17] = [
    (300, Publisher::OpraPillarAmxo),
    (301, Publisher::OpraPillarXbox),
    (302, Publisher::OpraPillarXcbo),
    (303, Publisher::OpraPillarEmld),
    (304, Publisher::OpraPillarEdgo),
    (307, Publisher::OpraPillarGmni),
    (308, Publisher::OpraPillarXisx),
    (309, Publisher::OpraPillarMcry),
    (312, Publisher::OpraPillarXmio),
    (313, Publisher::OpraPillarArco),
    (314, Publisher::OpraPillarOpra),
    (315, Publisher::OpraPillarMprl),
    (316, Publisher::OpraPillarXndq),
    (319, Publisher::OpraPillarXbxo),
    (322, Publisher::OpraPillarC2Ox),
    (323, Publisher::OpraPillarXphl),
    (325, Publisher::OpraPillarBato),
];

/// The Databento `OPRA.PILLAR` publisher id of a Polygon/Massive options exchange id (302 Cboe →
/// 22 `XCBO`); `None` for an id not in the table of this module.
pub fn polygon_to_opra_publisher(polygon_id: u16) -> Option<u16> {
    POLYGON_OPRA
        .iter()
        .find(|(p, _)| *p == polygon_id)
        .map(|(_, publisher)| *publisher as u16)
}

/// The Polygon/Massive options exchange id of a Databento `OPRA.PILLAR` publisher id (22 `XCBO`
/// → 302 Cboe); `None` for a publisher not in the table of this module.
pub fn opra_publisher_to_polygon(publisher_id: u16) -> Option<u16> {
    POLYGON_OPRA
        .iter()
        .find(|(_, publisher)| *publisher as u16 == publisher_id)
        .map(|(p, _)| *p)
}

/// The publisher ids of the individual OPRA exchanges of the table (every venue except the
/// consolidated feed 30), in increasing order: the default publishers of open-interest records.
pub fn opra_exchange_publishers() -> Vec<u16> {
    POLYGON_OPRA
        .iter()
        .map(|(_, publisher)| *publisher as u16)
        .filter(|id| *id != OPRA_CONSOLIDATED_PUBLISHER)
        .collect()
}

/// `true` if `publisher_id` is any `OPRA.PILLAR` publisher Databento lists (including the venues
/// without a Polygon id).
pub fn is_opra_publisher(publisher_id: u16) -> bool {
    Publisher::try_from(publisher_id).is_ok_and(|p| p.dataset() == dbn::Dataset::OpraPillar)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_one_to_one_and_matches_the_dbn_crate_venues() {
        for (polygon, publisher) in POLYGON_OPRA {
            let id = publisher as u16;
            assert_eq!(polygon_to_opra_publisher(polygon), Some(id));
            assert_eq!(opra_publisher_to_polygon(id), Some(polygon));
            assert!(is_opra_publisher(id), "{publisher:?}");
        }
        let mut ids: Vec<u16> = POLYGON_OPRA.iter().map(|(_, p)| *p as u16).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), POLYGON_OPRA.len());
        assert_eq!(polygon_to_opra_publisher(302), Some(22));
        assert_eq!(polygon_to_opra_publisher(322), Some(34));
        assert_eq!(polygon_to_opra_publisher(301), Some(21));
        assert_eq!(polygon_to_opra_publisher(305), None);
        assert_eq!(polygon_to_opra_publisher(0), None);
        assert_eq!(opra_publisher_to_polygon(37), None);
        assert_eq!(opra_publisher_to_polygon(1), None);
        assert!(!is_opra_publisher(GLBX_PUBLISHER));
        assert_eq!(opra_exchange_publishers().len(), 16);
        assert!(!opra_exchange_publishers().contains(&30));
    }
}
