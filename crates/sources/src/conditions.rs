//! Option trade condition codes (Polygon/Massive ids, OPRA letters) and what the flow desk does with
//! each.
//!
//! A trade's condition ids (the WebSocket `c` array, REST `conditions`; Polygon/Massive numbers the
//! OPRA letters `A`–`J` as 201–210, `K`–`Z` as 211–226 and `a`–`v` as 227–248) map to a
//! [`TradeTreatment`] through a [`ConditionTable`]: one array lookup per code, no I/O, no
//! allocation. The built-in table is FORMATS §3.2:
//!
//! | ids | treatment |
//! |---|---|
//! | 201 CANC, 203 CNCL, 205 CNCO, 207 CNOL (cancels) | **excluded**: no volume, no last price |
//! | 247 MCTP (compression) | **excluded** |
//! | 202 OSEQ, 206 OPEN (late, out of sequence) | volume, **not** last price; `late` |
//! | 204 LATE, 208 OPNL (late, in sequence) | volume and last price; `late` |
//! | 209 AUTO, 210 REOP | regular |
//! | 219 ISOI | regular; `sweep` |
//! | 227 SLAN / 228 SLAI | `auction` (228 also `sweep`) |
//! | 229 SLCN / 230 SLCI | `cross` (230 also `sweep`) |
//! | 231 SLFT | `floor` |
//! | 232–236, 238, 239, 246 | `multi_leg` (+ `auction` 233/238, `cross` 234, `floor` 235/239/246) |
//! | 237, 240–245 | `stock_tied` (+ `auction` 237/244, `cross` 241, `floor` 242/245) |
//! | 248 EXHT | regular; `extended_hours` |
//! | 211–218, 220–226 | `legacy` (old OPRA spread/straddle codes): volume, not last price |
//!
//! Multi-leg and stock-tied prints count in volume and the last price (that is what the SIP does);
//! flow analysis should use the flags to keep them out of directional single-leg flow.
//!
//! The vendor's reference list (`/v3/reference/conditions?asset_class=options`) is authoritative at
//! runtime: [`ConditionTable::apply_reference`] overrides `counts_volume` (from
//! `update_rules.consolidated.updates_volume`), `updates_last` (from `updates_open_close`) and
//! `legacy` wherever the vendor differs from the built-in table, and returns the differences.
//!
//! ```
//! use gammaflow_model::event::Conditions;
//! use gammaflow_sources::conditions::ConditionTable;
//!
//! let table = ConditionTable::builtin();
//! let t = table.treatment(&Conditions::try_from_slice(&[209, 219])?);
//! assert!(t.counts_volume && t.updates_last && t.sweep && !t.excluded);
//! assert!(table.treatment(&Conditions::try_from_slice(&[201])?).excluded);
//! # Ok::<(), gammaflow_model::ModelError>(())
//! ```

use gammaflow_model::event::Conditions;

mod reference;

pub use reference::{ConditionInfo, UpdateRule, UpdateRules};

/// How the flow desk treats a trade, from all its condition codes.
///
/// `counts_volume` and `updates_last` hold only if **every** code allows it; the flags hold if
/// **any** code sets them. A trade without conditions is regular (counts, updates, no flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TradeTreatment {
    /// Add the size to volume and premium totals.
    pub counts_volume: bool,
    /// Use the price as the last (and open/high/low/close) price.
    pub updates_last: bool,
    /// Neither counts nor updates: drop the print (cancels, compression trades).
    pub excluded: bool,
    /// Intermarket sweep order (ISO): urgency marker.
    pub sweep: bool,
    /// Part of a multi-leg (spread) order: not directional single-leg flow.
    pub multi_leg: bool,
    /// Tied to a stock leg (buy-write, delta-neutral): not directional single-leg flow.
    pub stock_tied: bool,
    /// Reported late (in or out of sequence).
    pub late: bool,
    /// Executed in extended (global trading) hours.
    pub extended_hours: bool,
    /// Executed in an auction.
    pub auction: bool,
    /// A negotiated cross.
    pub cross: bool,
    /// Executed on a trading floor.
    pub floor: bool,
    /// A legacy code the SIP no longer sends.
    pub legacy: bool,
    /// At least one code is in neither the built-in table nor the reference list (treated as
    /// regular, so that an unknown new code cannot hide volume).
    pub unknown: bool,
}

/// One condition's rule as bit flags.
type Rule = u16;

const VOLUME: Rule = 1;
const LAST: Rule = 1 << 1;
const SWEEP: Rule = 1 << 2;
const MULTI_LEG: Rule = 1 << 3;
const STOCK_TIED: Rule = 1 << 4;
const LATE: Rule = 1 << 5;
const EXTENDED: Rule = 1 << 6;
const AUCTION: Rule = 1 << 7;
const CROSS: Rule = 1 << 8;
const FLOOR: Rule = 1 << 9;
const LEGACY: Rule = 1 << 10;
/// The id is defined (built in or from the reference list).
const KNOWN: Rule = 1 << 11;

/// A regular print.
const REGULAR: Rule = KNOWN | VOLUME | LAST;
/// An excluded print.
const EXCLUDED: Rule = KNOWN;

/// Ids at or above this are not stored (a reference entry with such an id is reported, not used).
pub const MAX_CONDITION_ID: u16 = 1024;

/// The built-in options table: (id, OPRA letter, abbreviation, rule).
const BUILTIN: &[(u16, char, &str, Rule)] = &[
    (201, 'A', "CANC", EXCLUDED),
    (202, 'B', "OSEQ", KNOWN | VOLUME | LATE),
    (203, 'C', "CNCL", EXCLUDED),
    (204, 'D', "LATE", REGULAR | LATE),
    (205, 'E', "CNCO", EXCLUDED),
    (206, 'F', "OPEN", KNOWN | VOLUME | LATE),
    (207, 'G', "CNOL", EXCLUDED),
    (208, 'H', "OPNL", REGULAR | LATE),
    (209, 'I', "AUTO", REGULAR),
    (210, 'J', "REOP", REGULAR),
    (211, 'K', "", KNOWN | VOLUME | LEGACY),
    (212, 'L', "", KNOWN | VOLUME | LEGACY),
    (213, 'M', "", KNOWN | VOLUME | LEGACY),
    (214, 'N', "", KNOWN | VOLUME | LEGACY),
    (215, 'O', "", KNOWN | VOLUME | LEGACY),
    (216, 'P', "", KNOWN | VOLUME | LEGACY),
    (217, 'Q', "", KNOWN | VOLUME | LEGACY),
    (218, 'R', "", KNOWN | VOLUME | LEGACY),
    (219, 'S', "ISOI", REGULAR | SWEEP),
    (220, 'T', "", KNOWN | VOLUME | LEGACY),
    (221, 'U', "", KNOWN | VOLUME | LEGACY),
    (222, 'V', "", KNOWN | VOLUME | LEGACY),
    (223, 'W', "", KNOWN | VOLUME | LEGACY),
    (224, 'X', "", KNOWN | VOLUME | LEGACY),
    (225, 'Y', "", KNOWN | VOLUME | LEGACY),
    (226, 'Z', "", KNOWN | VOLUME | LEGACY),
    (227, 'a', "SLAN", REGULAR | AUCTION),
    (228, 'b', "SLAI", REGULAR | AUCTION | SWEEP),
    (229, 'c', "SLCN", REGULAR | CROSS),
    (230, 'd', "SLCI", REGULAR | CROSS | SWEEP),
    (231, 'e', "SLFT", REGULAR | FLOOR),
    (232, 'f', "MLET", REGULAR | MULTI_LEG),
    (233, 'g', "MLAT", REGULAR | MULTI_LEG | AUCTION),
    (234, 'h', "MLCT", REGULAR | MULTI_LEG | CROSS),
    (235, 'i', "MLFT", REGULAR | MULTI_LEG | FLOOR),
    (236, 'j', "MESL", REGULAR | MULTI_LEG),
    (237, 'k', "TLAT", REGULAR | STOCK_TIED | AUCTION),
    (238, 'l', "MASL", REGULAR | MULTI_LEG | AUCTION),
    (239, 'm', "MFSL", REGULAR | MULTI_LEG | FLOOR),
    (240, 'n', "TLET", REGULAR | STOCK_TIED),
    (241, 'o', "TLCT", REGULAR | STOCK_TIED | CROSS),
    (242, 'p', "TLFT", REGULAR | STOCK_TIED | FLOOR),
    (243, 'q', "TESL", REGULAR | STOCK_TIED),
    (244, 'r', "TASL", REGULAR | STOCK_TIED | AUCTION),
    (245, 's', "TFSL", REGULAR | STOCK_TIED | FLOOR),
    (246, 't', "CBMO", REGULAR | MULTI_LEG | FLOOR),
    (247, 'u', "MCTP", EXCLUDED),
    (248, 'v', "EXHT", REGULAR | EXTENDED),
];

/// A built-in condition: its id, OPRA letter and abbreviation (empty for legacy codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinCondition {
    /// Polygon/Massive id.
    pub id: u16,
    /// OPRA condition letter.
    pub opra: char,
    /// Vendor abbreviation, e.g. `ISOI`.
    pub abbreviation: &'static str,
}

/// The built-in entry for a Polygon/Massive id.
pub fn builtin(id: u16) -> Option<BuiltinCondition> {
    BUILTIN
        .iter()
        .find(|(i, ..)| *i == id)
        .map(|&(id, opra, abbreviation, _)| BuiltinCondition {
            id,
            opra,
            abbreviation,
        })
}

/// The Polygon/Massive id of an OPRA condition letter (`A`–`Z` → 201–226, `a`–`v` → 227–248).
pub fn id_for_opra_letter(letter: char) -> Option<u16> {
    BUILTIN.iter().find(|e| e.1 == letter).map(|e| e.0)
}

/// One place where the vendor's reference list differs from the built-in table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionOverride {
    /// The condition id.
    pub id: u16,
    /// `counts_volume`, `updates_last`, `legacy`, `added` (an id missing from the built-in table)
    /// or `skipped` (id ≥ [`MAX_CONDITION_ID`], not stored).
    pub what: &'static str,
    /// The built-in value (`false` for `added` / `skipped`).
    pub built_in: bool,
    /// The value now in the table.
    pub reference: bool,
}

/// Condition id → rule, as a flat array (cheap per trade).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionTable {
    rules: Vec<Rule>,
}

impl Default for ConditionTable {
    fn default() -> Self {
        Self::builtin()
    }
}

impl ConditionTable {
    /// The built-in options table (module documentation).
    pub fn builtin() -> Self {
        let len = BUILTIN
            .iter()
            .map(|e| usize::from(e.0) + 1)
            .max()
            .unwrap_or(0);
        let mut rules = vec![0; len];
        for &(id, _, _, rule) in BUILTIN {
            if let Some(slot) = rules.get_mut(usize::from(id)) {
                *slot = rule;
            }
        }
        Self { rules }
    }

    /// The built-in table overridden by the vendor's reference list (see
    /// [`ConditionTable::apply_reference`]).
    pub fn from_reference(reference: &[ConditionInfo]) -> (Self, Vec<ConditionOverride>) {
        let mut table = Self::builtin();
        let diffs = table.apply_reference(reference);
        (table, diffs)
    }

    /// Overrides the table with the vendor's reference list: for every **options** condition that
    /// applies to trades and has `update_rules`, `counts_volume` ← `consolidated.updates_volume`,
    /// `updates_last` ← `consolidated.updates_open_close`, `legacy` ← `legacy`. Category flags
    /// (sweep, multi-leg, …) stay those of the built-in table; an id missing from it is added with
    /// no flags. Returns every difference applied, in input order.
    pub fn apply_reference(&mut self, reference: &[ConditionInfo]) -> Vec<ConditionOverride> {
        let mut diffs = Vec::new();
        for info in reference {
            if info.asset_class != "options" || !info.applies_to_trades() {
                continue;
            }
            if info.id >= MAX_CONDITION_ID {
                diffs.push(ConditionOverride {
                    id: info.id,
                    what: "skipped",
                    built_in: false,
                    reference: false,
                });
                continue;
            }
            let index = usize::from(info.id);
            if index >= self.rules.len() {
                self.rules.resize(index + 1, 0);
            }
            let Some(slot) = self.rules.get_mut(index) else {
                continue;
            };
            let mut rule = *slot;
            if rule & KNOWN == 0 {
                diffs.push(ConditionOverride {
                    id: info.id,
                    what: "added",
                    built_in: false,
                    reference: true,
                });
                rule = KNOWN | VOLUME | LAST;
            }
            let mut set = |bit: Rule, what: &'static str, value: bool| {
                let old = rule & bit != 0;
                if old != value {
                    diffs.push(ConditionOverride {
                        id: info.id,
                        what,
                        built_in: old,
                        reference: value,
                    });
                    rule = if value { rule | bit } else { rule & !bit };
                }
            };
            if let Some(rules) = info.update_rules {
                set(VOLUME, "counts_volume", rules.consolidated.updates_volume);
                set(LAST, "updates_last", rules.consolidated.updates_open_close);
            }
            set(LEGACY, "legacy", info.legacy);
            *slot = rule;
        }
        diffs
    }

    /// The rule of one id (unknown ids: regular, flagged unknown).
    #[inline]
    fn rule(&self, id: u16) -> Rule {
        match self.rules.get(usize::from(id)) {
            Some(&rule) if rule & KNOWN != 0 => rule,
            _ => VOLUME | LAST,
        }
    }

    /// `true` if the id is in the table.
    pub fn is_known(&self, id: u16) -> bool {
        self.rule(id) & KNOWN != 0
    }

    /// The treatment of a trade with these condition ids.
    #[inline]
    pub fn treatment(&self, conditions: &Conditions) -> TradeTreatment {
        self.treatment_of_ids(conditions.as_slice())
    }

    /// The treatment of a trade with these condition ids (any number of them).
    pub fn treatment_of_ids(&self, ids: &[u16]) -> TradeTreatment {
        let mut all: Rule = VOLUME | LAST;
        let mut any: Rule = 0;
        let mut unknown = false;
        for &id in ids {
            let rule = self.rule(id);
            all &= rule;
            any |= rule;
            unknown |= rule & KNOWN == 0;
        }
        let counts_volume = all & VOLUME != 0;
        let updates_last = all & LAST != 0;
        TradeTreatment {
            counts_volume,
            updates_last,
            excluded: !counts_volume && !updates_last,
            sweep: any & SWEEP != 0,
            multi_leg: any & MULTI_LEG != 0,
            stock_tied: any & STOCK_TIED != 0,
            late: any & LATE != 0,
            extended_hours: any & EXTENDED != 0,
            auction: any & AUCTION != 0,
            cross: any & CROSS != 0,
            floor: any & FLOOR != 0,
            legacy: any & LEGACY != 0,
            unknown,
        }
    }
}

#[cfg(test)]
mod tests;
