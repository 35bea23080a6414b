//! What the HTTP backends share: the client (rustls, timeouts), sending a request and reading
//! its reply, the generic mapping of status codes to [`BackendError`]s, and `Retry-After`.
//!
//! Each backend still reads its own error bodies and overrides the mapping where its service
//! differs (DeepL's 456, OpenAI's `insufficient_quota`). Nothing here retries: that is the
//! engine's job, so that retries are counted and bounded in one place.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{RequestBuilder, StatusCode};

use super::{BackendError, ConfigError, Secret};

/// A reply as received: status, headers and the whole body.
pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as JSON, or a malformed-reply error quoting its start.
    pub fn json<T: serde::de::DeserializeOwned>(&self, what: &str) -> Result<T, BackendError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            BackendError::Malformed(format!(
                "{what}: not the expected JSON ({e}): {}",
                snippet(&self.body)
            ))
        })
    }

    /// How long the server asked us to wait, from `Retry-After` (seconds or an HTTP date) or
    /// `retry-after-ms` (OpenAI).
    pub fn retry_after(&self) -> Option<Duration> {
        retry_after(&self.headers, SystemTime::now())
    }
}

pub(crate) fn client(timeout: Duration) -> Result<reqwest::Client, ConfigError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .user_agent(concat!("passerelle/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ConfigError::invalid("http", format!("cannot build the HTTP client: {e}")))
}

/// Checks the settings every HTTP backend shares (a timeout in seconds, batch limits of at
/// least 1) and builds the backend's client with that timeout.
pub(crate) fn checked_client(
    backend: &'static str,
    timeout_secs: f64,
    limits: &[(&str, usize)],
) -> Result<(reqwest::Client, Duration), ConfigError> {
    let timeout = super::timeout_from_secs(backend, timeout_secs)?;
    if let Some((name, _)) = limits.iter().find(|(_, value)| *value == 0) {
        return Err(ConfigError::invalid(
            backend,
            format!("{name} must be at least 1"),
        ));
    }
    Ok((client(timeout)?, timeout))
}

/// Sends a request and reads the whole reply. Transport failures (no connection, timeout, a
/// reply cut short) are transient.
pub(crate) async fn send(
    request: RequestBuilder,
    url: &str,
    timeout: Duration,
) -> Result<Reply, BackendError> {
    let response = request
        .send()
        .await
        .map_err(|e| transport_error(&e, url, timeout))?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| transport_error(&e, url, timeout))?
        .to_vec();
    Ok(Reply {
        status,
        headers,
        body,
    })
}

fn transport_error(e: &reqwest::Error, url: &str, timeout: Duration) -> BackendError {
    let message = if e.is_timeout() {
        format!("no reply from {url} within {} s", timeout.as_secs_f64())
    } else if e.is_connect() {
        format!("cannot connect to {url}: {}", root_cause(e))
    } else {
        format!("request to {url} failed: {}", root_cause(e))
    };
    BackendError::transient(message)
}

/// The innermost error's message: "connection refused" rather than a chain of wrappers.
fn root_cause(e: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let text = cause.to_string();
    match text.find(" (os error") {
        Some(p) => text[..p].to_lowercase(),
        None => text,
    }
}

/// The usual meaning of a status code, with `message` (the server's words) attached. Backends
/// call this for the codes they do not treat specially.
pub(crate) fn classify(reply: &Reply, message: String) -> BackendError {
    let status = reply.status;
    let code = status.as_u16();
    let message = if message.is_empty() {
        format!("HTTP {code}")
    } else {
        format!("HTTP {code}: {message}")
    };
    let retry_after = reply.retry_after();
    match code {
        401 | 403 => BackendError::Auth(message),
        413 => BackendError::TooLarge(message),
        429 => BackendError::RateLimited {
            retry_after,
            message,
        },
        408 | 409 | 425 | 500..=599 => BackendError::Transient {
            message,
            retry_after,
        },
        _ => BackendError::BadRequest(message),
    }
}

/// The start of a body, on one line, for error messages: servers may answer with a page of
/// HTML.
pub(crate) fn snippet(body: &[u8]) -> String {
    const MAX: usize = 200;
    let text = String::from_utf8_lossy(body);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > MAX {
        let cut: String = one_line.chars().take(MAX).collect();
        format!("{cut}…")
    } else if one_line.is_empty() {
        "(empty body)".to_string()
    } else {
        one_line
    }
}

/// A server's message, made safe to show: cut short and without the key.
pub(crate) fn clean_message(message: &str, key: Option<&Secret>) -> String {
    if message.trim().is_empty() {
        return String::new();
    }
    let short = snippet(message.as_bytes());
    match key {
        Some(k) => k.redact(&short),
        None => short,
    }
}

/// An error reply in OpenAI's shape, `{"error": {"message", "type", "param", "code"}}`, as the
/// OpenAI-compatible clients (chat, embeddings) read it. llama.cpp uses a numeric code, some
/// servers put a bare string under `error`, others answer plain text: the message is then
/// the body's start. The message is cleaned ([`clean_message`]): short, without the key.
pub(crate) struct ApiError {
    pub message: String,
    pub code: String,
    pub kind: String,
}

impl ApiError {
    pub fn read(reply: &Reply, key: Option<&Secret>) -> ApiError {
        let parsed: Option<serde_json::Value> = serde_json::from_slice(&reply.body).ok();
        let error = parsed.as_ref().and_then(|v| v.get("error"));
        let field = |name: &str| -> Option<String> {
            match error?.get(name)? {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Null => None,
                other => Some(other.to_string()),
            }
        };
        let message = match (error, field("message")) {
            (_, Some(m)) => m,
            (Some(serde_json::Value::String(s)), None) => s.clone(),
            _ => snippet(&reply.body),
        };
        ApiError {
            message: clean_message(&message, key),
            code: field("code").unwrap_or_default(),
            kind: field("type").unwrap_or_default(),
        }
    }

    /// The account is out of credit (OpenAI's `insufficient_quota`).
    pub fn is_quota(&self) -> bool {
        self.code == "insufficient_quota" || self.kind == "insufficient_quota"
    }
}

/// `error`, overridden by OpenAI's `x-should-retry` header, which OpenAI's own client obeys
/// before anything else.
pub(crate) fn obey_should_retry(reply: &Reply, error: BackendError) -> BackendError {
    match reply
        .headers
        .get("x-should-retry")
        .and_then(|v| v.to_str().ok())
    {
        Some("true") if !error.is_retryable() => BackendError::Transient {
            message: error.to_string(),
            retry_after: reply.retry_after(),
        },
        Some("false") if error.is_retryable() => {
            BackendError::Failed(format!("{error} (the server says not to retry)"))
        }
        _ => error,
    }
}

pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(ms) = headers
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|ms| ms.is_finite() && *ms >= 0.0)
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// `base` and `path` joined with exactly one slash: users write endpoints with or without a
/// trailing one.
pub(crate) fn join(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// An endpoint as the backend joins paths to it (no surrounding spaces, no final slash), once
/// it is known to be an absolute http(s) URL.
pub(crate) fn endpoint(backend: &'static str, given: &str) -> Result<String, ConfigError> {
    let endpoint = given.trim().trim_end_matches('/');
    match reqwest::Url::parse(endpoint) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
            Ok(endpoint.to_string())
        }
        _ => Err(ConfigError::invalid(
            backend,
            format!("endpoint '{endpoint}' is not an http:// or https:// URL"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(name: &'static str, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn retry_after_in_seconds_dates_and_milliseconds() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            retry_after(&headers("retry-after", " 7 "), now),
            Some(Duration::from_secs(7))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            retry_after(&headers("retry-after", &date), now),
            Some(Duration::from_secs(30))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(
            retry_after(&headers("retry-after", &past), now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            retry_after(&headers("retry-after-ms", "1500"), now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(retry_after(&headers("retry-after", "soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn urls_join_with_one_slash() {
        assert_eq!(
            join("http://h:1/v1/", "/chat/completions"),
            "http://h:1/v1/chat/completions"
        );
        assert_eq!(
            join("http://h:1", "v2/translate"),
            "http://h:1/v2/translate"
        );
        assert!(endpoint("x", "localhost:5000").is_err());
        assert_eq!(
            endpoint("x", " http://localhost:5000/ ").unwrap(),
            "http://localhost:5000"
        );
    }

    #[test]
    fn snippets_are_short_and_on_one_line() {
        assert_eq!(
            snippet(b"<html>\n  <p>Bad\ngateway</p>"),
            "<html> <p>Bad gateway</p>"
        );
        assert_eq!(snippet(b""), "(empty body)");
        assert!(snippet(&[b'x'; 1000]).chars().count() <= 201);
        let key = Secret::new("sk-secret-123");
        assert_eq!(
            clean_message("bad key sk-secret-123", Some(&key)),
            "bad key ***"
        );
    }
}
