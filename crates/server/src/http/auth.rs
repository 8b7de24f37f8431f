//! The token check and the request counter (middleware).

use axum::extract::{Query, Request, State};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{ApiError, Shared};
use crate::metrics::inc;

/// Counts every request in `http_requests_total`.
pub(crate) async fn count_requests(
    State(shared): State<Shared>,
    request: Request,
    next: Next,
) -> Response {
    inc(&shared.app.metrics.http_requests);
    next.run(request).await
}

/// Lets the request through when no token is configured or when it carries the token, as
/// `Authorization: Bearer <token>` or `?token=<token>`; answers 401 otherwise.
pub(crate) async fn require_token(
    State(shared): State<Shared>,
    request: Request,
    next: Next,
) -> Response {
    let Some(expected) = shared.app.http.token.as_deref() else {
        return next.run(request).await;
    };
    if authorized(&request, expected) {
        return next.run(request).await;
    }
    inc(&shared.app.metrics.http_unauthorized);
    let mut response =
        ApiError::new(StatusCode::UNAUTHORIZED, "missing or wrong token").into_response();
    response
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// Whether `request` carries `expected` (never for an empty `expected`).
fn authorized(request: &Request, expected: &str) -> bool {
    if expected.is_empty() {
        return false;
    }
    let header = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(bearer);
    if let Some(given) = header
        && constant_time_eq(given.as_bytes(), expected.as_bytes())
    {
        return true;
    }
    if request.uri().query().is_none() {
        return false;
    }
    let Ok(Query(pairs)) = Query::<Vec<(String, String)>>::try_from_uri(request.uri()) else {
        return false;
    };
    // Look at every `token` parameter without stopping early.
    pairs
        .iter()
        .filter(|(key, _)| key == "token")
        .fold(false, |ok, (_, given)| {
            constant_time_eq(given.as_bytes(), expected.as_bytes()) | ok
        })
}

/// The credentials of a `Bearer` authorization header (the scheme is case-insensitive).
fn bearer(value: &str) -> Option<&str> {
    let (scheme, credentials) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| credentials.trim())
}

/// Compares two byte strings in time that depends only on their lengths, not on where they
/// differ.
pub(crate) fn constant_time_eq(given: &[u8], expected: &[u8]) -> bool {
    let mut diff = u8::from(given.len() != expected.len());
    for (i, &e) in expected.iter().enumerate() {
        let g = given.get(i).copied().unwrap_or(!e);
        diff |= std::hint::black_box(g ^ e);
    }
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn request(uri: &str, authorization: Option<&str>) -> Request {
        let mut builder = Request::builder().uri(uri);
        if let Some(value) = authorization {
            builder = builder.header(AUTHORIZATION, value);
        }
        builder.body(Body::empty()).unwrap_or_default()
    }

    #[test]
    fn compares_whole_strings() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secreT", b"secret"));
        assert!(!constant_time_eq(b"secret!", b"secret"));
        assert!(!constant_time_eq(b"secre", b"secret"));
        assert!(!constant_time_eq(b"", b"secret"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn accepts_the_header_or_the_query_parameter() {
        assert!(authorized(
            &request("/api/window", Some("Bearer s3cret")),
            "s3cret"
        ));
        assert!(authorized(
            &request("/api/window", Some("bearer  s3cret ")),
            "s3cret"
        ));
        assert!(!authorized(
            &request("/api/window", Some("Basic s3cret")),
            "s3cret"
        ));
        assert!(!authorized(
            &request("/api/window", Some("Bearer nope")),
            "s3cret"
        ));
        assert!(!authorized(&request("/api/window", None), "s3cret"));
        assert!(authorized(
            &request("/ws/stream?token=s3cret", None),
            "s3cret"
        ));
        assert!(authorized(
            &request("/ws/stream?a=1&token=s%33cret", None),
            "s3cret"
        ));
        assert!(!authorized(
            &request("/ws/stream?token=s3cre", None),
            "s3cret"
        ));
        assert!(!authorized(&request("/ws/stream?token=", None), ""));
        assert!(!authorized(
            &request("/ws/stream?token=%zz", None),
            "s3cret"
        ));
    }
}
