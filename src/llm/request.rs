//! The canonical request of a model call and its key.
//!
//! A [`ChatRequest`] is exactly what lamas sends to an OpenAI-compatible
//! `POST {base_url}/chat/completions` endpoint (plus `"stream": false`): the model, the messages
//! and the sampling parameters, serialised with its fields in a fixed order and numbers in
//! serde_json's shortest round-trip form. Its key is
//!
//! ```text
//! key = SHA-256( "lamas/llm/v1\n" || canonical JSON of the request ), in hex
//! ```
//!
//! It names the call wherever and whenever it is made: it holds no time, no agent, no tick and
//! no address (a recording made against one server replays against none), only what decides the
//! reply. Two identical requests are one call.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One chat message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    /// `system` or `user`.
    pub role: String,
    /// The text.
    pub content: String,
}

/// A chat-completions request, canonical.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatRequest {
    /// The model's name as the endpoint knows it.
    pub model: String,
    /// The system prompt (if any), then the question.
    pub messages: Vec<Message>,
    /// Sampling temperature.
    pub temperature: f64,
    /// Sampling seed.
    pub seed: u64,
    /// Most tokens of the reply.
    pub max_tokens: u32,
    /// The reply's format, when it is constrained (a decision's JSON schema, OpenAI's
    /// `{"type": "json_schema", ...}`, which llama.cpp's server and vLLM honour); absent from
    /// the canonical text when `None`, so answer calls keep their keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_format: Option<serde_json::Value>,
}

impl ChatRequest {
    /// The canonical JSON text of the request.
    pub fn canonical(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The request's key (64 hex digits).
    pub fn key(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"lamas/llm/v1\n");
        h.update(self.canonical().as_bytes());
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The body sent to the endpoint: the request with `"stream": false`.
    pub fn body(&self) -> String {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.insert("stream".into(), serde_json::Value::Bool(false));
        }
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> ChatRequest {
        ChatRequest {
            model: "m".into(),
            messages: vec![Message {
                role: "user".into(),
                content: "What is 1 + 1?".into(),
            }],
            temperature: 0.0,
            seed: 7,
            max_tokens: 16,
            response_format: None,
        }
    }

    #[test]
    fn the_key_is_pinned_and_depends_on_every_field() {
        let r = req();
        assert_eq!(
            r.canonical(),
            r#"{"model":"m","messages":[{"role":"user","content":"What is 1 + 1?"}],"temperature":0.0,"seed":7,"max_tokens":16}"#
        );
        // Golden: a change of the canonical form or the hash would orphan every cassette.
        assert_eq!(
            r.key(),
            "1c910180bd1340b9f9290eb5d0d515f53eeb798999f0c7e94420143c9a15d3f2"
        );
        let mut other = r.clone();
        other.model = "n".into();
        assert_ne!(other.key(), r.key());
        let mut other = r.clone();
        other.temperature = 0.7;
        assert_ne!(other.key(), r.key());
        let mut other = r.clone();
        other.seed = 8;
        assert_ne!(other.key(), r.key());
        let mut other = r.clone();
        other.response_format = Some(serde_json::json!({"type": "json_object"}));
        assert_ne!(other.key(), r.key());
        assert!(
            other
                .canonical()
                .ends_with(r#","response_format":{"type":"json_object"}}"#)
        );
        let back: ChatRequest = serde_json::from_str(&r.canonical()).unwrap();
        assert_eq!(back.key(), r.key());
        assert!(r.body().contains(r#""stream":false"#));
    }
}
