//! The HTTP client: one blocking `POST {base_url}/chat/completions` per call, with bounded
//! retries. The one place where lamas talks to a network.
//!
//! lamas is synchronous (bevy_ecs systems, rayon sweeps), so the client is the blocking `ureq`
//! (rustls for `https` endpoints) rather than an async stack: the calls of a tick go out on
//! scoped threads, up to each profile's concurrency bound ([`super::responder`]).
//!
//! A call is tried at most `1 + retries` times. It is tried again, after 0.25 s, 0.5 s, 1 s, ...
//! (doubling, at most 4 s), when the endpoint cannot be reached, the call times out (the
//! profile's `timeout`, for the whole call), or the answer is HTTP 429 or 5xx. Any other HTTP
//! error (a wrong model name, a bad key) and a reply that is not a chat completion fail at once.
//! The API key, read from the environment variable the profile names, is sent as a bearer token
//! and appears in no message, file or manifest.

use std::time::{Duration, Instant};

use super::cassette::Reply;
use super::request::ChatRequest;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// The endpoint could not be reached (connection refused, reset, unknown host).
    Unreachable(String),
    /// No complete answer within the timeout.
    Timeout(f64),
    /// An HTTP error status, with the start of the body.
    Status(u16, String),
    /// A 200 answer that is not a chat completion.
    Garbage(String),
}

impl CallError {
    /// Whether trying again may help.
    pub fn transient(&self) -> bool {
        match self {
            CallError::Unreachable(_) | CallError::Timeout(_) => true,
            CallError::Status(s, _) => *s == 429 || *s >= 500,
            CallError::Garbage(_) => false,
        }
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Unreachable(e) => write!(f, "the endpoint cannot be reached ({e})"),
            CallError::Timeout(s) => write!(f, "no answer within the timeout of {s} s"),
            CallError::Status(s, body) => write!(f, "HTTP {s}: {body}"),
            CallError::Garbage(e) => write!(f, "the answer is not a chat completion ({e})"),
        }
    }
}

/// A chat-completions endpoint.
pub struct Endpoint {
    agent: ureq::Agent,
    url: String,
    api_key: Option<String>,
    retries: u32,
    timeout: f64,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.debug_struct("Endpoint")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Endpoint {
    /// The endpoint at `base_url` (`.../v1`), with a timeout per call in seconds.
    pub fn new(base_url: &str, api_key: Option<String>, timeout: f64, retries: u32) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs_f64(timeout)))
            .http_status_as_error(false)
            .build();
        Endpoint {
            agent: config.into(),
            url: format!("{}/chat/completions", base_url.trim_end_matches('/')),
            api_key,
            retries,
            timeout,
        }
    }

    /// The URL calls are posted to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Makes the call, trying again on transient failures. On failure, the last error and the
    /// number of attempts.
    pub fn call(&self, request: &ChatRequest) -> Result<Reply, (CallError, u32)> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.once(request) {
                Ok(r) => return Ok(r),
                Err(e) if e.transient() && attempt <= self.retries => {
                    let pause = 0.25 * f64::from(1u32 << (attempt - 1).min(4));
                    std::thread::sleep(Duration::from_secs_f64(pause.min(4.0)));
                }
                Err(e) => return Err((e, attempt)),
            }
        }
    }

    fn once(&self, request: &ChatRequest) -> Result<Reply, CallError> {
        let start = Instant::now();
        let mut post = self
            .agent
            .post(&self.url)
            .header("Content-Type", "application/json");
        if let Some(key) = &self.api_key {
            post = post.header("Authorization", &format!("Bearer {key}"));
        }
        let mut response = post
            .send(request.body().as_bytes())
            .map_err(|e| self.transport(e))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| self.transport(e))?;
        let latency_ms = start.elapsed().as_secs_f64() * 1000.0;
        if status != 200 {
            return Err(CallError::Status(status, excerpt(&body)));
        }
        completion(&body, latency_ms)
    }

    fn transport(&self, e: ureq::Error) -> CallError {
        match e {
            ureq::Error::Timeout(_) => CallError::Timeout(self.timeout),
            other => CallError::Unreachable(other.to_string()),
        }
    }
}

/// The first 200 characters of a body, on one line.
fn excerpt(body: &str) -> String {
    let one: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match one.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &one[..i]),
        None => one,
    }
}

/// Reads a chat completion: the first choice's content, `usage`'s token counts (0 when the
/// endpoint reports none) and the finish reason.
pub fn completion(body: &str, latency_ms: f64) -> Result<Reply, CallError> {
    let v: serde_json::Value = serde_json::from_str(body)
        .map_err(|e| CallError::Garbage(format!("{e}: {}", excerpt(body))))?;
    let choice = v
        .get("choices")
        .and_then(|c| c.get(0))
        .ok_or_else(|| CallError::Garbage(format!("no `choices`: {}", excerpt(body))))?;
    let message = choice.get("message").ok_or_else(|| {
        CallError::Garbage(format!(
            "no `message` in the first choice: {}",
            excerpt(body)
        ))
    })?;
    let text = match message.get("content") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => {
            return Err(CallError::Garbage(format!(
                "`content` is not text: {other}"
            )));
        }
    };
    let usage = |k: &str| {
        v.get("usage")
            .and_then(|u| u.get(k))
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0)
    };
    Ok(Reply {
        text,
        prompt_tokens: usage("prompt_tokens"),
        completion_tokens: usage("completion_tokens"),
        latency_ms,
        finish_reason: choice
            .get("finish_reason")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
            .to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_completions_and_refuses_garbage() {
        let body = r#"{"choices":[{"finish_reason":"stop","index":0,"message":{"role":"assistant","content":"23 + 45 = 68"}}],"usage":{"completion_tokens":12,"prompt_tokens":45,"total_tokens":57}}"#;
        let r = completion(body, 3.0).unwrap();
        assert_eq!(
            (
                r.text.as_str(),
                r.prompt_tokens,
                r.completion_tokens,
                r.finish_reason.as_str()
            ),
            ("23 + 45 = 68", 45, 12, "stop")
        );
        assert!(matches!(
            completion("<html>", 1.0),
            Err(CallError::Garbage(_))
        ));
        assert!(matches!(
            completion("{\"choices\": []}", 1.0),
            Err(CallError::Garbage(_))
        ));
        let e = completion(r#"{"choices":[{"message":{"content":5}}]}"#, 1.0).unwrap_err();
        assert!(e.to_string().contains("not text"), "{e}");
        assert!(CallError::Status(503, String::new()).transient());
        assert!(!CallError::Status(404, String::new()).transient());
        assert!(!CallError::Garbage(String::new()).transient());
    }
}
