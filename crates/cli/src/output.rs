//! Output tables and their three renderings: aligned text, CSV and JSON.
//!
//! A report is a list of [`Section`]s; each is either a key/value list (the summary) or a table.
//! Numbers keep full precision in CSV and JSON (shortest round-trip decimal, empty/`null` when
//! undefined) and are rounded to a per-column number of decimals in the text table.

use std::io::Write;

use anyhow::{Context, Result};
use gammaflow_model::Price;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// One value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A number shown with this many decimals in a text table; `None` (or non-finite) = undefined.
    Float(Option<f64>, usize),
    /// A whole number.
    Int(u64),
    /// An exact price.
    Price(Price),
    /// A list of numbers (e.g. the largest-GEX strikes).
    List(Vec<f64>),
}

impl Cell {
    /// A float, undefined when not finite.
    pub fn float(value: f64, decimals: usize) -> Cell {
        Cell::Float(value.is_finite().then_some(value), decimals)
    }

    /// An optional float.
    pub fn opt(value: Option<f64>, decimals: usize) -> Cell {
        Cell::Float(value.filter(|v| v.is_finite()), decimals)
    }

    /// Text from anything displayable.
    pub fn text(value: impl ToString) -> Cell {
        Cell::Text(value.to_string())
    }

    /// Full-precision text (CSV, and the raw form of text cells).
    fn full(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Float(Some(v), _) => v.to_string(),
            Cell::Float(None, _) => String::new(),
            Cell::Int(n) => n.to_string(),
            Cell::Price(p) => p.to_string(),
            Cell::List(v) => v.iter().map(f64::to_string).collect::<Vec<_>>().join(" "),
        }
    }

    /// Rounded text for the terminal table (`-` when undefined).
    fn display(&self) -> String {
        match self {
            Cell::Float(Some(v), d) => format!("{v:.d$}"),
            Cell::Float(None, _) => "-".to_owned(),
            Cell::Text(t) if t.is_empty() => "-".to_owned(),
            Cell::List(v) if v.is_empty() => "-".to_owned(),
            other => other.full(),
        }
    }

    fn is_numeric(&self) -> bool {
        matches!(self, Cell::Float(..) | Cell::Int(_) | Cell::Price(_))
    }
}

/// A column: its name (also the CSV header and JSON key) and whether the terminal table shows it.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Name.
    pub name: &'static str,
    /// Shown in `--format table` (CSV and JSON always have every column).
    pub in_table: bool,
}

/// A table of rows.
#[derive(Debug, Clone)]
pub struct Table {
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows (each as long as `columns`).
    pub rows: Vec<Vec<Cell>>,
}

/// A part of the output.
#[derive(Debug, Clone)]
pub enum Body {
    /// Key, value, unit.
    KeyValue(Vec<(&'static str, Cell, &'static str)>),
    /// Rows.
    Table(Table),
}

/// A named part of the output (`summary`, `expiries`, `strikes`, `contracts`, ...).
#[derive(Debug, Clone)]
pub struct Section {
    /// JSON key and table title.
    pub name: &'static str,
    /// Content.
    pub body: Body,
}

/// Writes `sections` as aligned text tables.
pub fn write_table(out: &mut dyn Write, sections: &[Section]) -> Result<()> {
    for (i, section) in sections.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "== {} ==", section.name)?;
        match &section.body {
            Body::KeyValue(items) => {
                let width = items.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
                for (key, value, unit) in items {
                    let value = value.display();
                    let line = format!("{key:<width$}  {value} {unit}");
                    writeln!(out, "{}", line.trim_end())?;
                }
            }
            Body::Table(table) => write_text_table(out, table)?,
        }
    }
    Ok(())
}

fn write_text_table(out: &mut dyn Write, table: &Table) -> Result<()> {
    let shown: Vec<usize> = (0..table.columns.len())
        .filter(|&c| table.columns[c].in_table)
        .collect();
    let texts: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|row| {
            shown
                .iter()
                .map(|&c| row.get(c).map_or_else(String::new, Cell::display))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = shown
        .iter()
        .enumerate()
        .map(|(j, &c)| {
            texts
                .iter()
                .map(|r| r[j].chars().count())
                .chain([table.columns[c].name.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    // Numeric columns right-aligned (judged by the first row that has the column).
    let right: Vec<bool> = shown
        .iter()
        .map(|&c| {
            table
                .rows
                .first()
                .and_then(|r| r.get(c))
                .is_some_and(Cell::is_numeric)
        })
        .collect();
    let line = |cells: &mut dyn Iterator<Item = (usize, String)>| -> String {
        let mut s = String::new();
        for (j, text) in cells {
            if j > 0 {
                s.push_str("  ");
            }
            let pad = widths[j].saturating_sub(text.chars().count());
            if right[j] {
                s.push_str(&" ".repeat(pad));
                s.push_str(&text);
            } else {
                s.push_str(&text);
                s.push_str(&" ".repeat(pad));
            }
        }
        s.trim_end().to_owned()
    };
    let header = line(
        &mut shown
            .iter()
            .enumerate()
            .map(|(j, &c)| (j, table.columns[c].name.to_owned())),
    );
    writeln!(out, "{header}")?;
    for row in texts {
        writeln!(out, "{}", line(&mut row.into_iter().enumerate()))?;
    }
    Ok(())
}

/// Writes one section as CSV (a key/value section becomes `field,value,unit` rows).
pub fn write_csv(out: &mut dyn Write, section: &Section) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    match &section.body {
        Body::KeyValue(items) => {
            w.write_record(["field", "value", "unit"])?;
            for (key, value, unit) in items {
                w.write_record([*key, value.full().as_str(), *unit])?;
            }
        }
        Body::Table(table) => {
            w.write_record(table.columns.iter().map(|c| c.name))?;
            for row in &table.rows {
                w.write_record(row.iter().map(Cell::full))?;
            }
        }
    }
    w.flush().context("writing CSV")?;
    Ok(())
}

/// A cell as a JSON value (numbers as numbers, undefined as `null`).
impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        fn number<S: Serializer>(v: f64, serializer: S) -> Result<S::Ok, S::Error> {
            if v.is_finite() {
                serializer.serialize_f64(v)
            } else {
                serializer.serialize_none()
            }
        }
        match self {
            Cell::Text(t) => serializer.serialize_str(t),
            Cell::Float(Some(v), _) => number(*v, serializer),
            Cell::Float(None, _) => serializer.serialize_none(),
            Cell::Int(n) => serializer.serialize_u64(*n),
            Cell::Price(p) => number(p.to_f64(), serializer),
            Cell::List(v) => {
                let mut seq = serializer.serialize_seq(Some(v.len()))?;
                for x in v {
                    seq.serialize_element(&Cell::Float(Some(*x).filter(|x| x.is_finite()), 0))?;
                }
                seq.end()
            }
        }
    }
}

/// One table row as a JSON object, keys in column order.
struct JsonRow<'a>(&'a [Column], &'a [Cell]);

impl Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (c, v) in self.0.iter().zip(self.1) {
            map.serialize_entry(c.name, v)?;
        }
        map.end()
    }
}

/// A section's body as JSON: key/value sections become objects, tables arrays of objects.
impl Serialize for Body {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Body::KeyValue(items) => {
                let mut map = serializer.serialize_map(Some(items.len()))?;
                for (k, v, _) in items {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Body::Table(table) => {
                let mut seq = serializer.serialize_seq(Some(table.rows.len()))?;
                for row in &table.rows {
                    seq.serialize_element(&JsonRow(&table.columns, row))?;
                }
                seq.end()
            }
        }
    }
}

/// All sections as one JSON object, in order.
struct JsonSections<'a>(&'a [Section]);

impl Serialize for JsonSections<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for section in self.0 {
            map.serialize_entry(section.name, &section.body)?;
        }
        map.end()
    }
}

/// Writes `sections` as one pretty-printed JSON object (keys in output order) and a newline.
pub fn write_json(out: &mut dyn Write, sections: &[Section]) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, &JsonSections(sections))?;
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Section> {
        vec![
            Section {
                name: "summary",
                body: Body::KeyValue(vec![
                    ("spot", Cell::Price("599.48".parse().unwrap()), "US$"),
                    ("zero_gamma", Cell::opt(None, 2), "US$"),
                ]),
            },
            Section {
                name: "rows",
                body: Body::Table(Table {
                    columns: vec![
                        Column {
                            name: "name",
                            in_table: true,
                        },
                        Column {
                            name: "x",
                            in_table: true,
                        },
                        Column {
                            name: "hidden",
                            in_table: false,
                        },
                    ],
                    rows: vec![
                        vec![Cell::text("a"), Cell::float(1.23456, 2), Cell::Int(7)],
                        vec![Cell::text("bbb"), Cell::float(f64::NAN, 2), Cell::Int(8)],
                    ],
                }),
            },
        ]
    }

    #[test]
    fn renders_text_csv_and_json() {
        let mut text = Vec::new();
        write_table(&mut text, &sample()).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert_eq!(
            text,
            "== summary ==\nspot        599.48 US$\nzero_gamma  - US$\n\n== rows ==\nname     x\na     1.23\nbbb      -\n"
        );
        let mut csv = Vec::new();
        write_csv(&mut csv, &sample()[1]).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "name,x,hidden\na,1.23456,7\nbbb,,8\n"
        );
        let mut json = Vec::new();
        write_json(&mut json, &sample()).unwrap();
        let text = String::from_utf8(json).unwrap();
        assert!(text.find("\"name\"").unwrap() < text.find("\"hidden\"").unwrap());
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["summary"]["spot"], 599.48);
        assert!(json["summary"]["zero_gamma"].is_null());
        assert_eq!(json["rows"][1]["hidden"], 8);
        assert!(json["rows"][1]["x"].is_null());
    }
}
