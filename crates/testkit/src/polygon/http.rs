//! The fake's REST side: a minimal HTTP/1.1 responder (one request per connection,
//! `Connection: close`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::State;

/// Largest request head read.
const MAX_HEAD: usize = 16 * 1024;

/// Accepts connections forever.
pub(super) async fn serve(listener: TcpListener, state: Arc<State>) {
    let requests = Arc::new(AtomicUsize::new(0));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let state = Arc::clone(&state);
        let requests = Arc::clone(&requests);
        tokio::spawn(async move {
            let _ = handle(stream, state, requests).await;
        });
    }
}

/// Reads one request and answers it.
async fn handle(
    mut stream: TcpStream,
    state: Arc<State>,
    requests: Arc<AtomicUsize>,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 || head.len() > MAX_HEAD {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head);
    let target = head
        .lines()
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .unwrap_or("/")
        .to_owned();
    state.record(|log| log.http_requests.push(target.clone()));
    let (status, extra, body) = respond(&state, &target, requests.fetch_add(1, Ordering::SeqCst));
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Status",
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// (status, extra header lines, body) for a request target.
fn respond(state: &State, target: &str, number: usize) -> (u16, String, String) {
    let config = &state.config;
    if let Some(failure) = config.rest_failures.get(number) {
        let extra = failure
            .retry_after
            .map_or_else(String::new, |s| format!("Retry-After: {s}\r\n"));
        let body = r#"{"status":"ERROR","error":"scripted failure"}"#.to_owned();
        return (failure.status, extra, body);
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let param = |name: &str| {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    };
    if param("apiKey").as_deref() != Some(config.api_key.as_str()) {
        let body = r#"{"status":"ERROR","request_id":"fake","error":"Unknown API Key"}"#;
        return (401, String::new(), body.to_owned());
    }
    let Some(pages) = config.rest_pages.get(path) else {
        let body = r#"{"status":"NOT_FOUND","request_id":"fake","message":"no such path"}"#;
        return (404, String::new(), body.to_owned());
    };
    let index: usize = param("cursor").and_then(|c| c.parse().ok()).unwrap_or(0);
    let Some(page) = pages.get(index) else {
        let body = r#"{"status":"ERROR","request_id":"fake","error":"bad cursor"}"#;
        return (400, String::new(), body.to_owned());
    };
    let filters = if path.starts_with(SNAPSHOT_PREFIX) {
        snapshot_filters(query)
    } else {
        Vec::new()
    };
    let last = index + 1 >= pages.len();
    if last && filters.is_empty() {
        return (200, String::new(), page.clone());
    }
    let body = match serde_json::from_str::<serde_json::Value>(page) {
        Ok(serde_json::Value::Object(mut obj)) => {
            if let Some(serde_json::Value::Array(results)) = obj.get_mut("results") {
                results.retain(|r| admits(r, &filters));
            }
            if !last {
                // The vendor's cursor remembers the filters; the fake spells them out.
                let mut next = format!("{}{path}?cursor={}", state.rest_base, index + 1);
                for (k, v) in &filters {
                    next.push_str(&format!("&{k}={v}"));
                }
                obj.insert("next_url".to_owned(), serde_json::Value::String(next));
            }
            serde_json::Value::Object(obj).to_string()
        }
        _ => page.clone(),
    };
    (200, String::new(), body)
}

/// Paths of the option-chain snapshot, whose filters the fake honours.
const SNAPSHOT_PREFIX: &str = "/v3/snapshot/options/";

/// The snapshot filter parameters of a query: `expiration_date`, `strike_price` (exact or with
/// `.gt`, `.gte`, `.lt`, `.lte`) and `contract_type`.
fn snapshot_filters(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(k, _)| {
            k.starts_with("expiration_date")
                || k.starts_with("strike_price")
                || *k == "contract_type"
        })
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Whether a snapshot result passes the filters, judged from its `details.ticker`
/// (`O:<root><yymmdd><C|P><strike × 1000, 8 digits>`). A result without a readable ticker passes
/// (the client's handling of malformed results is tested with them).
fn admits(result: &serde_json::Value, filters: &[(String, String)]) -> bool {
    let Some((date, right, strike)) = result
        .pointer("/details/ticker")
        .and_then(serde_json::Value::as_str)
        .and_then(ticker_parts)
    else {
        return true;
    };
    filters.iter().all(|(key, value)| {
        let (field, op) = key.split_once('.').unwrap_or((key.as_str(), "eq"));
        let order = match field {
            "expiration_date" => Some(date.as_str().cmp(value.as_str())),
            "strike_price" => value
                .parse::<f64>()
                .ok()
                .and_then(|v| strike.partial_cmp(&v)),
            "contract_type" => return (value == "call") == (right == 'C'),
            _ => return true,
        };
        let Some(order) = order else { return false };
        match op {
            "eq" => order.is_eq(),
            "gt" => order.is_gt(),
            "gte" => order.is_ge(),
            "lt" => order.is_lt(),
            "lte" => order.is_le(),
            _ => true,
        }
    })
}

/// (`YYYY-MM-DD`, `C` or `P`, strike) of a Polygon option ticker.
fn ticker_parts(ticker: &str) -> Option<(String, char, f64)> {
    let body = ticker.strip_prefix("O:")?;
    let tail = body.get(body.len().checked_sub(15)?..)?;
    let (yy, mm, dd) = (tail.get(0..2)?, tail.get(2..4)?, tail.get(4..6)?);
    let right = tail.chars().nth(6).filter(|c| matches!(c, 'C' | 'P'))?;
    let strike = tail.get(7..)?.parse::<u64>().ok()? as f64 / 1000.0;
    Some((format!("20{yy}-{mm}-{dd}"), right, strike))
}
