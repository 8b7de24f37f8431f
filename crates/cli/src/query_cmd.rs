//! `gammaflow query`: SQL over the Parquet lake (DataFusion, through `gammaflow-analytics`).
//!
//! * `gammaflow query "SELECT …"`: one read-only statement over the lake's tables (`flow`, the
//!   view `flow_v`, `chain`, and any other `raw/<table>` directory).
//! * `gammaflow query --named NAME --param k=v …`: one of the server's named queries.
//! * `gammaflow query --list`: the named queries, their parameters and columns.
//!
//! Output: an aligned table (default), CSV or JSON (an array of objects).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use gammaflow_analytics::{Analytics, NamedQuery, QueryResult};

use crate::Format;

/// Arguments of `gammaflow query`.
#[derive(Debug, Args)]
#[command(after_help = "\
Tables: flow (one row per enriched print, prices as raw integers x 1e9), flow_v (the same with \
strike and price as DOUBLE, root, multiplier (100; 50 for ES options) and premium as an exact \
DECIMAL), chain (one-minute chain snapshots) and every other directory under LAKE/raw. The partition columns year, month and \
day are strings: filter a day with year = '2025' AND month = '06' AND day = '09' so only its files \
are read. Only SELECT, EXPLAIN, SHOW and DESCRIBE run.

Examples:
  gammaflow query \"SELECT root, count(*), sum(premium) FROM flow_v GROUP BY root\"
  gammaflow query --named top-trades --param date=2025-06-09 --param limit=10
  gammaflow query --list")]
pub struct QueryArgs {
    /// The SQL statement.
    #[arg(value_name = "SQL", required_unless_present_any = ["named", "list"], conflicts_with_all = ["named", "list"])]
    sql: Option<String>,
    /// Run this named query instead (see --list).
    #[arg(long, value_name = "NAME", conflicts_with = "list")]
    named: Option<String>,
    /// A parameter of the named query, `name=value` (repeatable).
    #[arg(long = "param", value_name = "K=V", requires = "named", value_parser = parse_param)]
    params: Vec<(String, String)>,
    /// List the named queries and their parameters.
    #[arg(long)]
    list: bool,
    /// The lake's root directory.
    #[arg(long, value_name = "DIR", default_value = "data")]
    lake: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

fn parse_param(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("expected name=value, got {text:?}")),
    }
}

/// Runs `gammaflow query`.
pub fn run(args: &QueryArgs) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.list {
        write_catalog(&mut out, args.format)?;
        return out.flush().context("cannot write the output");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(async {
        let analytics = Analytics::open(&args.lake)
            .await
            .with_context(|| format!("cannot open the lake in {}", args.lake.display()))?;
        match (&args.sql, &args.named) {
            (_, Some(name)) => {
                let mut params = BTreeMap::new();
                for (k, v) in &args.params {
                    if params.insert(k.clone(), v.clone()).is_some() {
                        bail!("parameter {k:?} given twice");
                    }
                }
                Ok(analytics.named(name, &params).await?)
            }
            (Some(sql), None) => Ok(analytics.sql(sql).await?),
            (None, None) => bail!("give a SQL statement, --named NAME or --list"),
        }
    })?;
    write_result(&mut out, &result, args.format)?;
    out.flush().context("cannot write the output")
}

fn write_result(out: &mut impl Write, result: &QueryResult, format: Format) -> Result<()> {
    match format {
        Format::Table => out.write_all(result.to_table()?.as_bytes())?,
        Format::Csv => result.write_csv(&mut *out)?,
        Format::Json => result.write_json(&mut *out)?,
    }
    Ok(())
}

fn write_catalog(out: &mut impl Write, format: Format) -> Result<()> {
    let catalog = NamedQuery::catalog();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &catalog)?;
            writeln!(out)?;
        }
        Format::Table | Format::Csv => {
            for spec in catalog {
                writeln!(out, "{}: {}", spec.name, spec.summary)?;
                for p in spec.params {
                    let need = match (p.required, p.default) {
                        (true, _) => "required".to_owned(),
                        (false, Some(d)) => format!("default {d}"),
                        (false, None) => "optional".to_owned(),
                    };
                    writeln!(out, "  --param {}=…  ({need}) {}", p.name, p.description)?;
                }
                let columns: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
                writeln!(out, "  columns: {}", columns.join(", "))?;
                writeln!(out, "  order: {}", spec.order)?;
                writeln!(out)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn params_split_at_the_first_equals_sign() {
        assert_eq!(
            parse_param("date=2025-06-09").unwrap(),
            ("date".into(), "2025-06-09".into())
        );
        assert_eq!(parse_param("x=a=b").unwrap(), ("x".into(), "a=b".into()));
        assert_eq!(
            parse_param("root=").unwrap(),
            ("root".into(), String::new())
        );
        assert!(parse_param("=1").is_err());
        assert!(parse_param("date").is_err());
    }

    #[test]
    fn the_catalog_lists_every_query() {
        let mut text = Vec::new();
        write_catalog(&mut text, Format::Table).unwrap();
        let text = String::from_utf8(text).unwrap();
        for q in NamedQuery::ALL {
            assert!(text.contains(q.name()), "{text}");
        }
    }
}
