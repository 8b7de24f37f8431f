//! `GET /openapi.json`: the OpenAPI 3.1 document, written by hand in `openapi.json` beside this
//! file; the history queries' names are filled in from the catalog at request time.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::Value;

use super::{ApiError, Shared};

/// The hand-written document.
const DOCUMENT: &str = include_str!("openapi.json");

/// The OpenAPI document, with `history_names` as the enum of the history query name parameter
/// (left open when empty).
pub fn openapi_document(history_names: &[String]) -> Result<Value, serde_json::Error> {
    let mut document: Value = serde_json::from_str(DOCUMENT)?;
    if let Some(info) = document.get_mut("info").and_then(Value::as_object_mut) {
        info.insert("version".to_owned(), env!("CARGO_PKG_VERSION").into());
    }
    if !history_names.is_empty()
        && let Some(schema) = document
            .pointer_mut("/components/parameters/HistoryQueryName/schema")
            .and_then(Value::as_object_mut)
    {
        schema.insert("enum".to_owned(), history_names.into());
    }
    Ok(document)
}

/// The query names of a history catalog: an array of names or of objects with a `name`, an
/// object keyed by name, or either under a `queries` key.
pub(crate) fn query_names(catalog: &Value) -> Vec<String> {
    match catalog {
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(name) => Some(name.clone()),
                Value::Object(fields) => fields.get("name")?.as_str().map(str::to_owned),
                _ => None,
            })
            .collect(),
        Value::Object(fields) => match fields.get("queries") {
            Some(queries) => query_names(queries),
            None => fields.keys().cloned().collect(),
        },
        _ => Vec::new(),
    }
}

/// `GET /openapi.json`.
pub(crate) async fn openapi(State(shared): State<Shared>) -> Result<Json<Value>, ApiError> {
    let names = shared
        .app
        .history
        .as_ref()
        .map(|history| query_names(&history.catalog()))
        .unwrap_or_default();
    openapi_document(&names).map(Json).map_err(|error| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the OpenAPI document does not parse: {error}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Health;
    use crate::wire::*;
    use std::collections::BTreeSet;

    fn schema_properties(document: &Value, name: &str) -> BTreeSet<String> {
        document
            .pointer(&format!("/components/schemas/{name}/properties"))
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn keys(value: &impl serde::Serialize) -> BTreeSet<String> {
        match serde_json::to_value(value) {
            Ok(Value::Object(fields)) => fields.keys().cloned().collect(),
            _ => BTreeSet::new(),
        }
    }

    #[test]
    fn schemas_name_exactly_the_fields_on_the_wire() -> Result<(), serde_json::Error> {
        let document = openapi_document(&[])?;
        let message = StreamMessage {
            schema: SCHEMA_VERSION,
            kind: MessageKind::Update,
            desk: DeskView::default(),
        };
        let health = Health::of(
            &DeskView::default(),
            &crate::metrics::Metrics::default(),
            true,
        );
        let cases: [(&str, BTreeSet<String>); 20] = [
            ("StreamMessage", keys(&message)),
            ("DeskView", keys(&DeskView::default())),
            ("SourceStatus", keys(&SourceStatus::default())),
            ("ProductView", keys(&ProductView::default())),
            ("FlowTotals", keys(&FlowTotals::default())),
            ("StrikeView", keys(&StrikeView::default())),
            ("SideView", keys(&SideView::default())),
            ("ChainView", keys(&ChainView::default())),
            ("ChainContractView", keys(&ChainContractView::default())),
            ("Health", keys(&health)),
            ("HealthErrors", keys(&health.errors)),
            ("Error", ["error".to_owned()].into()),
            ("MarketView", keys(&MarketView::default())),
            ("RangeView", keys(&RangeView::default())),
            ("BandLevel", keys(&BandLevel::default())),
            ("RealizedVolView", keys(&RealizedVolView::default())),
            ("IntradayView", keys(&IntradayView::default())),
            ("IntradayPoint", keys(&IntradayPoint::default())),
            ("MarketBarsView", keys(&MarketBarsView::default())),
            ("MarketBar", keys(&MarketBar::default())),
        ];
        for (name, expected) in cases {
            assert_eq!(
                schema_properties(&document, name),
                expected,
                "schema {name}"
            );
        }
        Ok(())
    }

    #[test]
    fn the_events_schemas_name_exactly_the_fields_on_the_wire() -> Result<(), serde_json::Error> {
        let document = openapi_document(&[])?;
        let view = crate::events::EventsView::default();
        let event = crate::events::MacroEvent::default();
        assert_eq!(schema_properties(&document, "EventsView"), keys(&view));
        assert_eq!(schema_properties(&document, "MacroEvent"), keys(&event));
        let operation = document.pointer("/paths/~1api~1events/get");
        let parameters: Vec<&str> = operation
            .and_then(|o| o["parameters"].as_array())
            .map(|p| p.iter().filter_map(|p| p["name"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(parameters, ["from", "days"]);
        Ok(())
    }

    #[test]
    fn every_reference_resolves() -> Result<(), serde_json::Error> {
        fn walk(value: &Value, document: &Value, missing: &mut Vec<String>) {
            match value {
                Value::Object(fields) => {
                    if let Some(Value::String(target)) = fields.get("$ref")
                        && document.pointer(target.trim_start_matches('#')).is_none()
                    {
                        missing.push(target.clone());
                    }
                    fields.values().for_each(|v| walk(v, document, missing));
                }
                Value::Array(items) => items.iter().for_each(|v| walk(v, document, missing)),
                _ => {}
            }
        }
        let document = openapi_document(&["top_trades".to_owned()])?;
        let mut missing = Vec::new();
        walk(&document, &document, &mut missing);
        assert!(missing.is_empty(), "{missing:?}");
        assert_eq!(
            document.pointer("/components/parameters/HistoryQueryName/schema/enum"),
            Some(&serde_json::json!(["top_trades"]))
        );
        Ok(())
    }

    #[test]
    fn finds_query_names_in_any_catalog_shape() {
        let expected = vec!["a".to_owned(), "b".to_owned()];
        for catalog in [
            serde_json::json!(["a", "b"]),
            serde_json::json!([{"name": "a"}, {"name": "b", "params": []}]),
            serde_json::json!({"a": {}, "b": {}}),
            serde_json::json!({"queries": [{"name": "a"}, {"name": "b"}]}),
        ] {
            assert_eq!(query_names(&catalog), expected, "{catalog}");
        }
        assert!(query_names(&serde_json::json!(3)).is_empty());
    }
}
