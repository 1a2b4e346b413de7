//! Language models as workers: profiles, the calls a tick needs, and how they are answered.
//!
//! A population group may be backed by a model [`Profile`]: an OpenAI-compatible endpoint (vLLM,
//! Ollama, llama.cpp's server, a cloud API), a model, a system prompt (the agent's persona), a
//! prompt template and sampling parameters. When such a worker solves a subtask, the world asks
//! for a [`Call`]: the profile's [`request::ChatRequest`] for the subtask's bank item. The calls
//! of a tick are answered together, between the messages and the work phases, by [`Models`]
//! ([`responder`]), in one of three [`Mode`]s:
//!
//! - `replay` (the default): every reply comes from the scenario's [`cassette::Cassette`]; a call
//!   that is not in it stops the run. A replayed run is a pure function of (scenario, seed,
//!   cassette).
//! - `record`: calls missing from the cassette go to the endpoint ([`client`]) and are appended
//!   to the cassette as they come back; the rest are replayed.
//! - `live`: every call goes to the endpoint; nothing is recorded.
//!
//! Replies are matched to calls by the calls' order, never by when they arrive, so a tick's
//! results do not depend on the order of the replies.

pub mod cassette;
pub mod client;
pub mod request;
pub mod responder;

use std::path::PathBuf;

pub use cassette::{Cassette, Reply};
pub use request::{ChatRequest, Message};
pub use responder::{Models, Stop};

use crate::bank::Item;

/// How model calls are answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Mode {
    /// From the cassette only; a missing call is an error.
    #[default]
    Replay,
    /// From the cassette, and from the endpoint for calls it lacks (appended to it).
    Record,
    /// From the endpoint, with no cassette.
    Live,
}

impl Mode {
    /// The mode as written on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Replay => "replay",
            Mode::Record => "record",
            Mode::Live => "live",
        }
    }
}

/// Which seed a profile's requests carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedBy {
    /// The profile's seed: every agent of the profile sends the same request for an item (one
    /// call, one reply, as a deterministic server would give).
    Profile,
    /// The profile's seed plus the agent's id: agents sample independently (at temperature > 0).
    Agent,
}

/// A model profile (`[llm.profile.NAME]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Its name.
    pub name: String,
    /// The endpoint's base URL, e.g. `http://127.0.0.1:8080/v1`.
    pub base_url: String,
    /// The environment variable that holds the API key, if the endpoint needs one.
    pub api_key_env: Option<String>,
    /// The model's name as the endpoint knows it.
    pub model: String,
    /// The system prompt (empty: none).
    pub system: String,
    /// The user message, with `{question}` and `{instruction}` replaced by the item's.
    pub template: String,
    /// Sampling temperature.
    pub temperature: f64,
    /// Sampling seed.
    pub seed: u64,
    /// Which seed each request carries.
    pub seed_by: SeedBy,
    /// Most tokens of a reply.
    pub max_tokens: u32,
    /// Seconds a call may take.
    pub timeout: f64,
    /// Calls of this profile in flight at once.
    pub concurrency: u32,
    /// Attempts after the first on a transient failure.
    pub retries: u32,
    /// Cost of one prompt token, in the economy's money (added to the effort cost).
    pub cost_per_input_token: f64,
    /// Cost of one reply token.
    pub cost_per_output_token: f64,
}

impl Profile {
    /// The request a worker with id `agent` sends for `item`.
    pub fn request(&self, item: &Item, agent: u32) -> ChatRequest {
        let question = self
            .template
            .replace("{question}", &item.prompt)
            .replace("{instruction}", item.instruction());
        self.chat(&self.system, question, agent)
    }

    /// The request an agent with id `agent` sends to decide: `system` (the framing), then the
    /// observation, with the reply constrained to `schema` (a JSON schema) and at least 48 tokens
    /// to write it.
    pub fn decision_request(
        &self,
        system: &str,
        observation: String,
        schema: serde_json::Value,
        agent: u32,
    ) -> ChatRequest {
        self.constrained_request(system, observation, ("decision", schema), agent)
    }

    /// The profile's request of `user` after `system` whose reply is constrained to the JSON
    /// schema `schema` named `name` (`response_format`), with at least 48 tokens to write it.
    pub fn constrained_request(
        &self,
        system: &str,
        user: String,
        (name, schema): (&str, serde_json::Value),
        agent: u32,
    ) -> ChatRequest {
        let mut request = self.chat(system, user, agent);
        request.max_tokens = request.max_tokens.max(48);
        request.response_format = Some(serde_json::json!({
            "type": "json_schema",
            "json_schema": {"name": name, "strict": true, "schema": schema},
        }));
        request
    }

    /// The profile's request of `user` after the system prompt `system` (none when empty), with
    /// its sampling parameters and the seed of agent `agent`.
    fn chat(&self, system: &str, user: String, agent: u32) -> ChatRequest {
        let message = |role: &str, content: String| Message {
            role: role.into(),
            content,
        };
        let mut messages = Vec::with_capacity(2);
        if !system.is_empty() {
            messages.push(message("system", system.to_string()));
        }
        messages.push(message("user", user));
        ChatRequest {
            model: self.model.clone(),
            messages,
            temperature: self.temperature,
            seed: match self.seed_by {
                SeedBy::Profile => self.seed,
                SeedBy::Agent => self.seed.wrapping_add(u64::from(agent)),
            },
            max_tokens: self.max_tokens,
            response_format: None,
        }
    }

    /// The token cost of a reply.
    pub fn cost(&self, reply: &Reply) -> f64 {
        reply.prompt_tokens as f64 * self.cost_per_input_token
            + reply.completion_tokens as f64 * self.cost_per_output_token
    }
}

/// The models of a scenario (`[llm]`).
#[derive(Debug, Clone, PartialEq)]
pub struct LlmSetup {
    /// The profiles, in file order (groups refer to them by index).
    pub profiles: Vec<Profile>,
    /// The cassette file, resolved against the scenario file's folder.
    pub cassette: PathBuf,
}

/// One call a tick needs answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Index of the profile.
    pub profile: u16,
    /// The request.
    pub request: ChatRequest,
}
