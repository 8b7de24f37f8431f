//! The server's history queries (`GET /api/history/{name}`) answered by the analytics crate's
//! named queries over the lake. The glue lives in the binary so that the server crate does not
//! depend on DataFusion.

use std::collections::BTreeMap;
use std::path::Path;

use gammaflow_analytics::{Analytics, AnalyticsError, NamedQuery};
use gammaflow_server::state::{HistoryError, HistoryFuture, HistoryQueries};

/// The lake's named queries.
pub struct LakeHistory {
    analytics: Analytics,
}

impl LakeHistory {
    /// Registers the lake at `root` (its `raw/flow` and `raw/chain` directories are created if
    /// missing, so that files the desk writes later are found by every query).
    pub async fn open(root: &Path) -> anyhow::Result<Self> {
        for table in ["flow", "chain"] {
            let dir = root.join("raw").join(table);
            std::fs::create_dir_all(&dir)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
        }
        Ok(Self {
            analytics: Analytics::open(root).await?,
        })
    }
}

fn history_error(e: AnalyticsError) -> HistoryError {
    match e {
        AnalyticsError::UnknownQuery { .. } => HistoryError::UnknownQuery(e.to_string()),
        AnalyticsError::UnknownParameter { .. }
        | AnalyticsError::MissingParameter { .. }
        | AnalyticsError::InvalidParameter { .. } => HistoryError::BadParameter(e.to_string()),
        other => HistoryError::Failed(other.to_string()),
    }
}

impl HistoryQueries for LakeHistory {
    /// The analytics catalog, each entry with a `description` (= its `summary`), the field the
    /// dashboard reads.
    fn catalog(&self) -> serde_json::Value {
        let mut catalog =
            serde_json::to_value(NamedQuery::catalog()).unwrap_or(serde_json::Value::Null);
        if let serde_json::Value::Array(entries) = &mut catalog {
            for entry in entries {
                if let serde_json::Value::Object(fields) = entry
                    && let Some(summary) = fields.get("summary").cloned()
                {
                    fields.insert("description".to_owned(), summary);
                }
            }
        }
        catalog
    }

    fn run<'a>(&'a self, name: &'a str, params: &'a BTreeMap<String, String>) -> HistoryFuture<'a> {
        Box::pin(async move {
            let result = self
                .analytics
                .named(name, params)
                .await
                .map_err(history_error)?;
            result.to_json().map_err(history_error)
        })
    }
}
