//! The raw open-interest audit of a statistics file: every publisher's record, compared.
//!
//! The decoders of `gammaflow_sources` keep the first open-interest record of each (contract,
//! `as_of`) and drop the rest, whatever their value. This pass reads the raw `stat_type` 9 records
//! (DBN through the `dbn` crate, upgraded to version 3; Databento CSV, raw or pretty, by column
//! name) and groups them by (instrument id, `ts_ref`) — within one daily file that is one group per
//! contract — to count exact duplicates and list conflicting values with their publishers.
//! Records with `update_action` 2 (delete) or an undefined quantity are ignored, as the decoders
//! do. DBN fragments (`.frag`) have no symbology and are not audited (an empty audit).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use dbn::decode::{DbnMetadata, DecodeRecordRef};
use dbn::{StatMsg, VersionUpgradePolicy};
use gammaflow_model::OptionContract;

use super::Roots;
use crate::MasterError;

/// `stat_type` of open interest.
const STAT_OPEN_INTEREST: u16 = 9;
/// `update_action` delete.
const STAT_DELETE: u8 = 2;
/// The zstd frame signature.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

/// The result of [`audit_statistics`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OiAudit {
    /// Open-interest records of the selected roots read.
    pub records: u64,
    /// Distinct (contract, `as_of`) groups: the figures kept.
    pub groups: u64,
    /// Records equal to their group's first record (the exchanges' repeats).
    pub exact_duplicates: u64,
    /// Records whose symbol could not be read as an option of the selected roots (skipped).
    pub skipped: u64,
    /// Groups whose publishers disagree, in the order of their first conflicting record.
    pub conflicts: Vec<OiConflictRecord>,
}

/// A (contract, `as_of`) group whose publishers gave different open interest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OiConflictRecord {
    /// Index (DBN, 0-based) or line (CSV, 1-based, header = line 1) of the first record that
    /// differs from the group's first.
    pub record: u64,
    /// The instrument id of the file.
    pub instrument_id: u32,
    /// The raw symbol (OCC), empty if unknown.
    pub symbol: String,
    /// `ts_ref` as written (raw nanoseconds, ISO text, or empty when undefined).
    pub ts_ref: String,
    /// Every record of the group as (publisher id, contracts), in file order.
    pub values: Vec<(u16, u64)>,
}

impl OiConflictRecord {
    /// A one-line description: symbol, id and every publisher's value.
    pub fn detail(&self) -> String {
        let values: Vec<String> = self
            .values
            .iter()
            .map(|(p, q)| format!("{q} (publisher {p})"))
            .collect();
        let first = self.values.first().map_or(0, |v| v.1);
        format!(
            "open interest of {} (instrument {}, ts_ref {}) differs across publishers: {}; {first} is kept",
            if self.symbol.is_empty() {
                "?"
            } else {
                &self.symbol
            },
            self.instrument_id,
            if self.ts_ref.is_empty() {
                "undefined"
            } else {
                &self.ts_ref
            },
            values.join(", ")
        )
    }
}

/// One group being audited.
#[derive(Debug)]
struct Group {
    first: u64,
    symbol: String,
    values: Vec<(u16, u64)>,
    conflict_at: Option<u64>,
}

/// The audit being built.
#[derive(Debug, Default)]
struct Auditor {
    audit: OiAudit,
    groups: HashMap<(u32, String), Group>,
    order: Vec<(u32, String)>,
}

impl Auditor {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        roots: &Roots,
        record: u64,
        instrument_id: u32,
        publisher: u16,
        ts_ref: String,
        quantity: u64,
        symbol: &str,
    ) {
        let keep = match OptionContract::parse_any(symbol.trim_end()) {
            Ok(c) => roots.keeps(&c.root),
            Err(_) => matches!(roots, Roots::Any),
        };
        if !keep {
            self.audit.skipped += 1;
            return;
        }
        self.audit.records += 1;
        let key = (instrument_id, ts_ref);
        match self.groups.get_mut(&key) {
            Some(g) => {
                if quantity == g.first {
                    self.audit.exact_duplicates += 1;
                } else if g.conflict_at.is_none() {
                    g.conflict_at = Some(record);
                }
                g.values.push((publisher, quantity));
            }
            None => {
                self.audit.groups += 1;
                self.order.push(key.clone());
                self.groups.insert(
                    key,
                    Group {
                        first: quantity,
                        symbol: symbol.trim_end().to_owned(),
                        values: vec![(publisher, quantity)],
                        conflict_at: None,
                    },
                );
            }
        }
    }

    fn finish(mut self) -> OiAudit {
        let mut conflicts = Vec::new();
        for key in &self.order {
            if let Some(g) = self.groups.remove(key)
                && let Some(record) = g.conflict_at
            {
                conflicts.push(OiConflictRecord {
                    record,
                    instrument_id: key.0,
                    symbol: g.symbol,
                    ts_ref: key.1.clone(),
                    values: g.values,
                });
            }
        }
        conflicts.sort_by_key(|c| c.record);
        self.audit.conflicts = conflicts;
        self.audit
    }
}

/// Audits the open-interest records of a Databento statistics file (DBN or CSV, plain or zstd)
/// for contracts of `roots`; see [`crate::opra`] (raw records grouped by instrument id and
/// `ts_ref`, publishers compared). Errors name the file (and the
/// line for CSV).
pub fn audit_statistics(path: &Path, roots: &Roots) -> Result<OiAudit, MasterError> {
    let name = path.display().to_string();
    let lower = name.to_ascii_lowercase();
    let stem = lower.strip_suffix(".zst").unwrap_or(&lower);
    if stem.ends_with(".frag") {
        return Ok(OiAudit::default());
    }
    let io = |e: std::io::Error| MasterError::Io {
        path: name.clone(),
        reason: e.to_string(),
    };
    let file = File::open(path).map_err(io)?;
    let mut raw = BufReader::with_capacity(64 * 1024, file);
    let head = raw.fill_buf().map_err(io)?;
    let compressed = head.len() >= 4 && head[..4] == ZSTD_MAGIC;
    let reader: Box<dyn BufRead> = if compressed {
        let dec = zstd::stream::read::Decoder::with_buffer(raw).map_err(io)?;
        Box::new(BufReader::with_capacity(64 * 1024, dec))
    } else {
        Box::new(raw)
    };
    if stem.ends_with(".csv") {
        audit_csv(&name, reader, roots)
    } else {
        audit_dbn(&name, reader, roots)
    }
}

/// The DBN pass.
fn audit_dbn(name: &str, reader: impl Read, roots: &Roots) -> Result<OiAudit, MasterError> {
    let err = |record: u64, e: dbn::Error| MasterError::Record {
        file: name.to_owned(),
        record: record.to_string(),
        reason: e.to_string(),
    };
    let mut dec =
        dbn::decode::DbnDecoder::with_upgrade_policy(reader, VersionUpgradePolicy::UpgradeToV3)
            .map_err(|e| MasterError::Record {
                file: name.to_owned(),
                record: "metadata".to_owned(),
                reason: e.to_string(),
            })?;
    let symbols = dec
        .metadata()
        .symbol_map()
        .map_err(|e| MasterError::Record {
            file: name.to_owned(),
            record: "metadata".to_owned(),
            reason: format!("symbology: {e}"),
        })?;
    let mut auditor = Auditor::default();
    let mut index = 0u64;
    loop {
        let rec = dec.decode_record_ref().map_err(|e| err(index, e))?;
        let Some(rec) = rec else { break };
        let this = index;
        index += 1;
        let Some(m) = rec.get::<StatMsg>() else {
            continue;
        };
        if m.stat_type != STAT_OPEN_INTEREST
            || m.update_action == STAT_DELETE
            || m.quantity == i64::MAX
        {
            continue;
        }
        let Ok(quantity) = u64::try_from(m.quantity) else {
            continue;
        };
        let ts_ref = if m.ts_ref == u64::MAX {
            String::new()
        } else {
            m.ts_ref.to_string()
        };
        let symbol = symbols
            .get_for_ts(m.ts_recv, m.hd.instrument_id)
            .map_or("", String::as_str);
        auditor.push(
            roots,
            this,
            m.hd.instrument_id,
            m.hd.publisher_id,
            ts_ref,
            quantity,
            symbol,
        );
    }
    Ok(auditor.finish())
}

/// Splits one CSV line (fields may be double-quoted; no embedded newlines).
fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// The CSV pass.
fn audit_csv(name: &str, reader: impl BufRead, roots: &Roots) -> Result<OiAudit, MasterError> {
    let mut lines = reader.lines();
    let header = match lines.next() {
        Some(h) => h.map_err(|e| MasterError::Io {
            path: name.to_owned(),
            reason: e.to_string(),
        })?,
        None => return Ok(OiAudit::default()),
    };
    let cols = split_csv(header.trim_end_matches('\r'));
    let col = |n: &str| cols.iter().position(|c| c == n);
    let bad = |line: u64, reason: String| MasterError::Record {
        file: name.to_owned(),
        record: format!("line {line}"),
        reason,
    };
    let (Some(c_pub), Some(c_id), Some(c_qty), Some(c_type)) = (
        col("publisher_id"),
        col("instrument_id"),
        col("quantity"),
        col("stat_type"),
    ) else {
        return Err(bad(
            1,
            "not a statistics file: publisher_id, instrument_id, quantity or stat_type missing"
                .to_owned(),
        ));
    };
    let (c_ref, c_action, c_sym) = (col("ts_ref"), col("update_action"), col("symbol"));
    let mut auditor = Auditor::default();
    let mut line_no = 1u64;
    for line in lines {
        line_no += 1;
        let line = line.map_err(|e| MasterError::Io {
            path: name.to_owned(),
            reason: format!("line {line_no}: {e}"),
        })?;
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        let f = split_csv(line);
        let field = |i: usize| f.get(i).map_or("", String::as_str);
        let int = |i: usize, what: &str| -> Result<u64, MasterError> {
            field(i).trim().parse::<u64>().map_err(|e| {
                bad(
                    line_no,
                    format!("column {what}: {:?} is not a count ({e})", field(i)),
                )
            })
        };
        if int(c_type, "stat_type")? != u64::from(STAT_OPEN_INTEREST) {
            continue;
        }
        if let Some(a) = c_action
            && field(a).trim() == STAT_DELETE.to_string()
        {
            continue;
        }
        let qty_text = field(c_qty).trim();
        if qty_text.is_empty() || qty_text == i64::MAX.to_string() {
            continue;
        }
        let quantity = int(c_qty, "quantity")?;
        let publisher = u16::try_from(int(c_pub, "publisher_id")?)
            .map_err(|e| bad(line_no, format!("column publisher_id: {e}")))?;
        let id = u32::try_from(int(c_id, "instrument_id")?)
            .map_err(|e| bad(line_no, format!("column instrument_id: {e}")))?;
        let ts_ref = c_ref.map(field).unwrap_or("").trim();
        let ts_ref = if ts_ref == u64::MAX.to_string() {
            ""
        } else {
            ts_ref
        };
        let symbol = c_sym.map(field).unwrap_or("");
        auditor.push(
            roots,
            line_no,
            id,
            publisher,
            ts_ref.to_owned(),
            quantity,
            symbol,
        );
    }
    Ok(auditor.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_csv() {
        assert_eq!(split_csv("a,\"b,c\",d"), ["a", "b,c", "d"]);
        assert_eq!(split_csv("\"x\"\"y\",,"), ["x\"y", "", ""]);
    }

    #[test]
    fn counts_duplicates_and_conflicts() {
        let mut a = Auditor::default();
        let sym = "SPXW  251216C05800000";
        for (i, (p, q)) in [(23u16, 10u64), (24, 10), (25, 12), (26, 10)]
            .iter()
            .enumerate()
        {
            a.push(&Roots::Spx, i as u64, 7, *p, String::new(), *q, sym);
        }
        a.push(
            &Roots::Spx,
            9,
            8,
            23,
            String::new(),
            5,
            "AAPL  250221C00250000",
        );
        let audit = a.finish();
        assert_eq!(
            (audit.records, audit.groups, audit.exact_duplicates),
            (4, 1, 2)
        );
        assert_eq!(audit.skipped, 1);
        assert_eq!(audit.conflicts.len(), 1);
        assert_eq!(audit.conflicts[0].record, 2);
        assert!(audit.conflicts[0].detail().contains("12 (publisher 25)"));
    }
}
