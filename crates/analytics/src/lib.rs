//! SQL over gammaflow's Parquet lake with [DataFusion](https://datafusion.apache.org): the lake's
//! tables and decimal views, read-only ad-hoc SQL for local users (`gammaflow query "SELECT …"`),
//! and named, parameterised queries for the server ([`NamedQuery`]), which never takes SQL text
//! from the network.
//!
//! * [`Analytics`]: a DataFusion session over one lake: [`Analytics::open`], [`Analytics::sql`],
//!   [`Analytics::named`].
//! * [`tables`]: the tables (`flow`, `chain`, any `raw/<table>` directory), the functions
//!   `option_root` and `root_multiplier`, and the view `flow_v` (prices and strikes as DOUBLE,
//!   premium = price × size × multiplier as an exact DECIMAL).
//! * [`named`]: the named queries (`net-delta-by-strike`, `flow-series`, `premium-by-side`,
//!   `top-trades` over the prints; `lake-dates`, `chain-minutes`, `chain-at` over the days and the
//!   chain snapshots) and their catalog; [`params`]: their parameters.
//! * [`result`]: [`QueryResult`], with text-table, CSV and JSON forms.
//!
//! DataFusion is built without its default features (see the workspace manifest): Parquet, the
//! SQL planner, date/time, string and math functions. Its query plans run on the caller's tokio
//! runtime.
//!
//! # Example
//!
//! ```
//! use std::collections::BTreeMap;
//! use gammaflow_analytics::Analytics;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A lake without any file still has an (empty) `flow` table.
//! let root = std::env::temp_dir().join(format!("gammaflow-analytics-doc-{}", std::process::id()));
//! let analytics = Analytics::open(&root).await?;
//! let result = analytics.sql("SELECT count(*) AS n FROM flow").await?;
//! assert_eq!(result.to_json()?, serde_json::json!([{"n": 0}]));
//!
//! let params = BTreeMap::from([("date".to_owned(), "2025-06-09".to_owned())]);
//! let top = analytics.named("top-trades", &params).await?;
//! assert_eq!(top.num_rows(), 0);
//! print!("{}", top.to_table()?);
//!
//! // Bad parameters are refused before any SQL runs, naming the parameter.
//! let params = BTreeMap::from([("date".to_owned(), "June 9".to_owned())]);
//! let error = analytics.named("top-trades", &params).await.unwrap_err();
//! assert!(error.to_string().contains("\"date\""));
//! # Ok(())
//! # }
//! ```

mod error;
pub mod named;
pub mod params;
pub mod result;
pub mod tables;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::error::DataFusionError;
use datafusion::execution::cache::cache_manager::CacheManagerConfig;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{DataFrame, SQLOptions, SessionConfig, SessionContext};
use datafusion::scalar::ScalarValue;

pub use error::{AnalyticsError, Result};
pub use named::{BoundQuery, ColumnSpec, NamedQuery, QuerySpec};
pub use params::{ParamKind, ParamSpec};
pub use result::QueryResult;

/// A DataFusion session over one lake. Cheap to share (`&self` everywhere); the files are listed
/// again by every query, so rows flushed after [`Analytics::open`] are seen.
#[derive(Clone)]
pub struct Analytics {
    ctx: SessionContext,
    root: PathBuf,
    tables: Vec<String>,
}

impl Analytics {
    /// Opens the lake under `lake_root`: every directory `lake_root/raw/<table>` becomes a table
    /// (see [`tables`]), and `flow` and `chain` exist even when the lake or their directories do
    /// not (empty).
    pub async fn open(lake_root: &Path) -> Result<Analytics> {
        // No list-files cache: its default entries never expire, and the lake grows while the
        // server runs.
        let runtime = RuntimeEnvBuilder::new()
            .with_cache_manager(CacheManagerConfig::default().with_list_files_cache_limit(0))
            .build_arc()
            .map_err(|e| AnalyticsError::Table {
                table: tables::FLOW_TABLE.to_owned(),
                source: Box::new(e),
            })?;
        let config = SessionConfig::new().with_information_schema(true);
        let ctx = SessionContext::new_with_config_rt(config, runtime);
        let names = tables::register_lake(&ctx, lake_root).await?;
        Ok(Analytics {
            ctx,
            root: lake_root.to_owned(),
            tables: names,
        })
    }

    /// The lake's root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The registered tables (`chain` and `flow` always), sorted; the view `flow_v` comes on top.
    pub fn tables(&self) -> &[String] {
        &self.tables
    }

    /// The DataFusion session, for callers that build plans themselves.
    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }

    /// Runs one read-only SQL statement (`SELECT`, `EXPLAIN`, `SHOW`, `DESCRIBE`; DDL, DML and
    /// session statements are refused). Errors carry DataFusion's message (unknown column,
    /// syntax error, ...) and the query.
    pub async fn sql(&self, query: &str) -> Result<QueryResult> {
        let sql_error = |e: DataFusionError| AnalyticsError::Sql {
            query: query.to_owned(),
            source: Box::new(e),
        };
        let options = SQLOptions::new()
            .with_allow_ddl(false)
            .with_allow_dml(false)
            .with_allow_statements(false);
        let frame = self
            .ctx
            .sql_with_options(query, options)
            .await
            .map_err(sql_error)?;
        collect(frame).await.map_err(sql_error)
    }

    /// Runs the named query `name` with `params` (text values, checked and parsed first; see
    /// [`NamedQuery`] for the queries and their parameters).
    pub async fn named(
        &self,
        name: &str,
        params: &BTreeMap<String, String>,
    ) -> Result<QueryResult> {
        let bound = NamedQuery::from_name(name)?.bind(params)?;
        self.run(&bound).await
    }

    /// Runs a bound named query.
    pub async fn run(&self, bound: &BoundQuery) -> Result<QueryResult> {
        let query = bound.query.name();
        let query_error = |e: DataFusionError| AnalyticsError::Query {
            query,
            source: Box::new(e),
        };
        let frame = self.ctx.sql(&bound.sql).await.map_err(query_error)?;
        let values = placeholder_values(&frame, &bound.values).map_err(query_error)?;
        let frame = frame.with_param_values(values).map_err(query_error)?;
        collect(frame).await.map_err(query_error)
    }
}

impl std::fmt::Debug for Analytics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analytics")
            .field("root", &self.root)
            .field("tables", &self.tables)
            .field("session_id", &self.ctx.session_id())
            .finish()
    }
}

/// `values` cast to the types DataFusion inferred for the placeholders `$1`, `$2`, ... (so that a
/// string binds to a `Utf8View` column as well as a `Utf8` one).
fn placeholder_values(
    frame: &DataFrame,
    values: &[ScalarValue],
) -> Result<Vec<ScalarValue>, DataFusionError> {
    let types = frame.logical_plan().get_parameter_types()?;
    values
        .iter()
        .enumerate()
        .map(|(i, v)| match types.get(&format!("${}", i + 1)) {
            Some(Some(t)) if t != &v.data_type() => v.cast_to(t),
            _ => Ok(v.clone()),
        })
        .collect()
}

/// Runs `frame` and keeps its schema (also when there are no rows).
async fn collect(frame: DataFrame) -> Result<QueryResult, DataFusionError> {
    let schema = Arc::new(frame.schema().as_arrow().clone());
    let batches = frame.collect().await?;
    Ok(QueryResult::new(schema, batches))
}
