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
    /// Registers the lake at `root` (its `raw/flow` directory is created if missing, so that
    /// files the desk writes later are found by every query).
    pub async fn open(root: &Path) -> anyhow::Result<Self> {
        let flow = root.join("raw").join("flow");
        std::fs::create_dir_all(&flow)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", flow.display()))?;
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
    fn catalog(&self) -> serde_json::Value {
        serde_json::to_value(NamedQuery::catalog()).unwrap_or(serde_json::Value::Null)
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
