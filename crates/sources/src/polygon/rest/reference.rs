//! Reference lists: `/v3/reference/exchanges` and the generic page shape of list endpoints.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::polygon::PolygonError;
use crate::polygon::json;

/// One entry of `/v3/reference/exchanges` (only the fields used; others ignored).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ExchangeInfo {
    /// The id used in `x`, `bx`, `ax` and `exchange` fields.
    pub id: u16,
    /// `exchange`, `TRF`, `SIP`, … .
    #[serde(default, rename = "type")]
    pub kind: String,
    /// `stocks`, `options`, … .
    #[serde(default)]
    pub asset_class: String,
    /// Full name, e.g. `Cboe Options`.
    #[serde(default)]
    pub name: String,
    /// Short name, if any.
    #[serde(default)]
    pub acronym: Option<String>,
    /// ISO 10383 market identifier, if any.
    #[serde(default)]
    pub mic: Option<String>,
    /// The SIP's one-letter participant id, if any.
    #[serde(default)]
    pub participant_id: Option<String>,
}

/// One page of a list endpoint.
#[derive(Debug, Deserialize)]
struct RawPage {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    results: Vec<serde_json::Value>,
    #[serde(default)]
    next_url: Option<String>,
}

/// A parsed list page: the decodable items, one error per bad item, and the next page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ListPage<T> {
    pub(crate) items: Vec<T>,
    pub(crate) errors: Vec<PolygonError>,
    pub(crate) next_url: Option<String>,
}

/// Parses a page of `{"results": [...], "next_url": ...}`; `url` names it in errors.
pub(crate) fn parse_list_page<T: DeserializeOwned>(
    body: &str,
    url: &str,
) -> Result<ListPage<T>, PolygonError> {
    let invalid = |e: serde_json::Error| PolygonError::Response {
        url: url.to_owned(),
        reason: format!("not a list page: {e}; body {:?}", json::excerpt(body, 200)),
    };
    let value: serde_json::Value = serde_json::from_str(body).map_err(invalid)?;
    if !value.is_object() {
        return Err(PolygonError::Response {
            url: url.to_owned(),
            reason: format!("expected a JSON object, found {}", json::found(&value)),
        });
    }
    let raw = RawPage::deserialize(value).map_err(invalid)?;
    if raw.status.as_deref() == Some("ERROR") {
        return Err(PolygonError::Response {
            url: url.to_owned(),
            reason: format!("status ERROR: {}", json::excerpt(body, 200)),
        });
    }
    let mut page = ListPage {
        items: Vec::with_capacity(raw.results.len()),
        errors: Vec::new(),
        next_url: raw.next_url.filter(|u| !u.is_empty()),
    };
    for (index, item) in raw.results.into_iter().enumerate() {
        match serde_json::from_value::<T>(item) {
            Ok(v) => page.items.push(v),
            Err(e) => page.errors.push(PolygonError::ResultField {
                url: url.to_owned(),
                index,
                field: String::new(),
                reason: e.to_string(),
            }),
        }
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conditions::ConditionInfo;

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(gammaflow_testkit::shared_data(&format!("polygon/{name}"))).unwrap()
    }

    #[test]
    fn vendor_fixtures_parse() {
        let page: ListPage<ExchangeInfo> =
            parse_list_page(&fixture("v3_reference_exchanges.json"), "u").unwrap();
        assert!(page.errors.is_empty(), "{:?}", page.errors);
        let amex = page.items.iter().find(|e| e.id == 1).unwrap();
        assert_eq!(amex.acronym.as_deref(), Some("AMEX"));
        assert_eq!(amex.mic.as_deref(), Some("XASE"));
        let page: ListPage<ConditionInfo> = parse_list_page(
            &fixture("v3_reference_conditions_asset_class_stocks.json"),
            "u",
        )
        .unwrap();
        assert!(page.errors.is_empty(), "{:?}", page.errors);
        let first = &page.items[0];
        assert_eq!((first.id, first.name.as_str()), (1, "Acquisition"));
        assert!(first.update_rules.unwrap().consolidated.updates_volume);
    }

    #[test]
    fn bad_items_and_pages() {
        let page: ListPage<ExchangeInfo> =
            parse_list_page(r#"{"results":[{"id":1},{"id":"x"}],"next_url":""}"#, "u").unwrap();
        assert_eq!(page.items.len(), 1);
        assert!(matches!(
            &page.errors[0],
            PolygonError::ResultField { index: 1, .. }
        ));
        assert_eq!(page.next_url, None);
        assert!(parse_list_page::<ExchangeInfo>("[]", "u").is_err());
        let err = parse_list_page::<ExchangeInfo>(r#"{"status":"ERROR","error":"bad"}"#, "u");
        assert!(
            matches!(err, Err(PolygonError::Response { reason, .. }) if reason.contains("bad"))
        );
    }
}
