//! The vendor's condition reference list (`GET /v3/reference/conditions`), as data.

use std::collections::BTreeMap;

use serde::Deserialize;

/// One entry of `/v3/reference/conditions` (only the fields the flow desk uses; others ignored).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ConditionInfo {
    /// The condition id used in trade `c` / `conditions` arrays.
    pub id: u16,
    /// Short code, e.g. `ISOI` (absent for some stock conditions).
    #[serde(default)]
    pub abbreviation: Option<String>,
    /// Readable name, e.g. `Intermarket Sweep Order`.
    #[serde(default)]
    pub name: String,
    /// `sale_condition`, `quote_condition`, … .
    #[serde(default, rename = "type")]
    pub kind: String,
    /// `options`, `stocks`, … .
    #[serde(default)]
    pub asset_class: String,
    /// Which data the condition appears on (`trade`, `bbo`, `nbbo`).
    #[serde(default)]
    pub data_types: Vec<String>,
    /// The condition's code per SIP, e.g. `{"OPRA": "S"}`.
    #[serde(default)]
    pub sip_mapping: BTreeMap<String, String>,
    /// `true` for conditions no longer sent by the SIP.
    #[serde(default)]
    pub legacy: bool,
    /// Whether a trade with this condition updates the consolidated and per-venue statistics.
    #[serde(default)]
    pub update_rules: Option<UpdateRules>,
}

/// `update_rules` of a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct UpdateRules {
    /// Rules for the consolidated (all venues) statistics: what the flow desk follows.
    pub consolidated: UpdateRule,
    /// Rules for the executing venue's own statistics.
    #[serde(default)]
    pub market_center: Option<UpdateRule>,
}

/// Which statistics a trade with a condition updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct UpdateRule {
    /// Updates the session high and low.
    pub updates_high_low: bool,
    /// Updates the open and the close (last price).
    pub updates_open_close: bool,
    /// Counts in volume.
    pub updates_volume: bool,
}

impl ConditionInfo {
    /// `true` if the condition applies to trades (its `data_types` list `trade`, or is empty).
    pub fn applies_to_trades(&self) -> bool {
        self.data_types.is_empty() || self.data_types.iter().any(|d| d == "trade")
    }
}
