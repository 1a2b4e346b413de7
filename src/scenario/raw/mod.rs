//! The raw scenario file: a serde mirror of the TOML, exactly as written.
//!
//! Every section rejects unknown keys, and every field is optional here: defaults, ranges and
//! cross-field consistency are the business of [`super::validate`], which turns a
//! [`RawScenario`] into the [`super::Scenario`] that the simulation accepts. Counts are read as
//! signed integers so that a negative count gets a sentence rather than a type error. Names with
//! parameters (`partial(0.5)`, `threshold(2)`) are kept as strings and parsed during validation.
//! The doc comments of these types are the descriptions of the JSON Schema (`lamas schema`).

mod either;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use either::{RawDist, RawProfiles, RawSkill};

/// A lamas scenario: who the agents are, what work arrives, how it is organised and paid.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Short name of the scenario (default: the file name without extension).
    pub name: Option<String>,
    /// What the scenario is for.
    pub description: Option<String>,
    /// Number of ticks to simulate (≥ 1; default 100).
    pub ticks: Option<i64>,
    /// Seed of the run's random streams (default 1); `lamas run --seed` overrides it.
    pub seed: Option<u64>,
    /// The groups of agents, in order; agent ids are numbered across groups in this order.
    #[serde(default)]
    pub population: Vec<RawGroup>,
    /// Number the agents taking one member of each group in turn (file order, skipping groups
    /// that have run out; a `sybil(k)` member's k identities together) rather than group by
    /// group, so that consecutive ids — the workers `round_robin` gives one subtask — come from
    /// different groups (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interleave: Option<bool>,
    /// The work that arrives.
    #[serde(default)]
    pub tasks: RawTasks,
    /// How agents are organised.
    #[serde(default)]
    pub topology: RawTopology,
    /// How subtasks are given to workers.
    #[serde(default)]
    pub assignment: RawAssignment,
    /// How the answers to one subtask are combined.
    #[serde(default)]
    pub consensus: RawConsensus,
    /// The links that carry assignments and answers.
    #[serde(default)]
    pub messages: RawMessages,
    /// How a task's value is split among its participants.
    #[serde(default)]
    pub credit: RawCredit,
    /// Money: the platform's fee.
    #[serde(default)]
    pub economy: RawEconomy,
    /// Learning and reputation.
    #[serde(default)]
    pub experience: RawExperience,
    /// Faults (phase 1 and the phases they strike).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faults: Option<RawFaults>,
    /// Private aggregation tasks (phase 2 onwards); off unless this table is present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy: Option<RawPrivacy>,
    /// Strategy revision by imitation (phase 10); off unless this table is present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adaptation: Option<RawAdaptation>,
    /// The task bank: subtasks drawn from real items with known answers (generated families or
    /// the user's own file), which language models can answer; off unless this table is present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank: Option<RawBank>,
    /// Language models: the profiles that back LLM workers (`population[].llm`) and the cassette
    /// their calls are recorded in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub llm: Option<RawLlm>,
    /// Prompt injection: the text `byzantine` workers' answers carry to the model that reads them
    /// (only with the `judge` consensus rule, the reader).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injection: Option<RawInjection>,
    /// Defenses of the model that reads the answers (only with the `judge` consensus rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defense: Option<RawDefense>,
    /// How `policy` groups decide (only with a `policy` group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decisions: Option<RawDecisions>,
    /// Institutions: two or more teams in one world, each with its own credit mechanism and
    /// fee, between which agents choose (`[[institution]]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub institution: Vec<RawInstitution>,
    /// How agents choose their institution (only with institutions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<RawChoice>,
    /// Test aids. `panic_at_tick` deliberately aborts the run with an internal error when that
    /// tick starts, to test how `lamas sweep` handles a run that fails; never set it otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debug: Option<RawDebug>,
}

/// Strategy revision: every `every` ticks each adaptive agent compares its profit since the last
/// round with that of a random other adaptive agent and imitates it by the Fermi rule.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAdaptation {
    /// Ticks between revision rounds (≥ 1; default 10).
    pub every: Option<i64>,
    /// Selection strength beta ≥ 0 (default 1): agent i adopts the strategy of j with
    /// probability `1 / (1 + exp(-beta (profit_j - profit_i)))`.
    pub beta: Option<f64>,
    /// Mutation probability mu in [0, 1] (default 0): a reviser instead adopts a strategy drawn
    /// uniformly from `strategies`.
    pub mu: Option<f64>,
    /// The strategies mutation draws from (default: those the adaptive groups start with).
    pub strategies: Option<Vec<String>>,
    /// An adaptive agent whose profit over the last round is below this leaves the population
    /// for good (default: nobody leaves).
    pub exit_threshold: Option<f64>,
    /// Mean number of agents that join at each round (Poisson; ≥ 0; default 0).
    pub entry_rate: Option<f64>,
    /// The strategies of entrants, drawn uniformly (default: `strategies`).
    pub entry_strategies: Option<Vec<String>>,
    /// The group whose parameters (skills, costs, capacity) entrants take (default: the first
    /// adaptive group).
    pub entry_group: Option<String>,
}

/// The task bank.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBank {
    /// Generated item families: `addition(max_digits)`, `multiplication(max_digits)`,
    /// `comparison(max_digits)`, `choice(max_digits)` (K lettered options) or
    /// `multistep(max_digits)` (one step per subtask). Each task draws one source (a family, or
    /// the file) uniformly; each source is a skill domain, in this order, the file last.
    /// Default `["addition(2)"]` without a file, none with one.
    pub families: Option<Vec<String>>,
    /// A JSONL or parquet file of the user's items (`prompt`, `answer`, optional `options`,
    /// `format`, `difficulty`), relative to the scenario file.
    pub file: Option<String>,
}

/// Language models.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLlm {
    /// The cassette that records every model call (JSONL), relative to the scenario file
    /// (default: `<scenario file name>.cassette.jsonl` beside it).
    pub cassette: Option<String>,
    /// The model profiles; a group names one with `llm = "name"`.
    #[serde(default)]
    pub profile: Vec<RawProfile>,
}

/// A model profile: an OpenAI-compatible endpoint, a model, a persona and sampling parameters.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
    /// Name, unique among the profiles (required).
    pub name: Option<String>,
    /// Base URL of the endpoint, e.g. `http://127.0.0.1:8080/v1` (required); calls go to
    /// `{base_url}/chat/completions`.
    pub base_url: Option<String>,
    /// Name of the environment variable that holds the API key, if the endpoint needs one. The
    /// key itself never goes in a file.
    pub api_key_env: Option<String>,
    /// Not allowed: API keys are read from the environment (`api_key_env`).
    #[serde(default, skip_serializing)]
    #[schemars(skip)]
    pub api_key: Option<toml::Value>,
    /// The model's name as the endpoint knows it (required).
    pub model: Option<String>,
    /// The system prompt: the agent's persona or "skill" (default: none).
    pub system: Option<String>,
    /// The user message; `{question}` is replaced by the item's question and `{instruction}` by
    /// how to write the answer (default `"{question}\n{instruction}"`).
    pub template: Option<String>,
    /// Sampling temperature in [0, 2] (default 0).
    pub temperature: Option<f64>,
    /// Sampling seed (default 1).
    pub seed: Option<u64>,
    /// `profile` (every agent sends the profile's seed: identical agents make identical calls)
    /// or `agent` (the seed plus the agent's id: agents sample independently) (default
    /// `profile`).
    pub seed_by: Option<String>,
    /// Most tokens of a reply (1..=32768; default 32).
    pub max_tokens: Option<i64>,
    /// Seconds a call may take, in (0, 3600] (default 60).
    pub timeout: Option<f64>,
    /// Calls of this profile in flight at once (1..=256; default 4).
    pub concurrency: Option<i64>,
    /// Attempts after the first when the endpoint is unreachable, times out or answers HTTP 429
    /// or 5xx (0..=10; default 2).
    pub retries: Option<i64>,
    /// Cost of one prompt token, in the economy's money, added to the worker's effort cost
    /// (0 to 10¹²; default 0).
    pub cost_per_input_token: Option<f64>,
    /// Cost of one reply token (0 to 10¹²; default 0).
    pub cost_per_output_token: Option<f64>,
}

/// Faults.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFaults {
    /// Transient fault: each worked answer fails to be delivered (the worker worked and paid for
    /// it, but the answer never reaches the coordinator) with this probability, independently,
    /// in [0, 1] (default 0).
    pub drop_probability: Option<f64>,
    /// Probability that an up agent crashes (goes down) in a tick, in [0, 1] (default 0).
    pub crash_probability: Option<f64>,
    /// Mean time to repair, in ticks: a crashed agent comes back up with probability
    /// `1 / mean_repair_ticks` each tick (≥ 0; 0, the default, means never).
    pub mean_repair_ticks: Option<f64>,
    /// Probability that an up coordinator (the orchestrator, or a sub-orchestrator of a
    /// hierarchy) crashes in a tick, in [0, 1] (default 0); a new one takes over after
    /// `topology.failover_ticks`.
    pub orchestrator_crash_probability: Option<f64>,
    /// Probability that an agent is taken over in a tick and plays `byzantine` from then on, in
    /// [0, 1] (default 0).
    pub byzantine_probability: Option<f64>,
    /// Probability that a transmission over a link is delayed by `extra_latency` ticks, in
    /// [0, 1] (default 0).
    pub delay_probability: Option<f64>,
    /// Extra ticks of a delayed transmission (≥ 0; default 0).
    pub extra_latency: Option<i64>,
    /// Extra loss probability of each agent's link, drawn once per agent (stream `links`): a
    /// number or a distribution on [0, 1] such as `uniform(0, 0.2)` (default 0).
    pub link_loss: Option<RawDist>,
    /// Scheduled fault events, fired at the start of their tick in the order written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event: Vec<RawFaultEvent>,
}

/// Private aggregation tasks.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPrivacy {
    /// Share of arriving tasks that are private, in [0, 1] (default 1).
    pub share: Option<f64>,
    /// `sum` (a `private_sum` task) or `mean` (`private_mean`) (default `sum`).
    pub aggregate: Option<String>,
    /// Participants (data holders) per private task (≥ 1, at most the population; default 5, or
    /// the population if smaller).
    pub participants: Option<i64>,
    /// Each participant's private value: a number ≥ 0 or a distribution such as
    /// `uniform(0, 10)` (default `uniform(0, 10)`).
    pub values: Option<RawDist>,
    /// A private task succeeds when the aggregate the coordinator computes is within this of the
    /// true aggregate (≥ 0; default 1).
    pub tolerance: Option<f64>,
    /// `none`, `laplace(epsilon, bound)`, `gaussian(epsilon, delta, bound)`,
    /// `secure_aggregation` or `homomorphic(ciphertext_bytes, encrypt_ms, add_ms, decrypt_ms)`
    /// (default `none`).
    pub mechanism: Option<String>,
    /// ε of a mechanism that takes one and does not state it in its call (so that ε can be
    /// swept as a number: `mechanism = "laplace"`, `epsilon = 0.5`, `bound = 10`).
    pub epsilon: Option<f64>,
    /// δ of a mechanism that takes one and does not state it.
    pub delta: Option<f64>,
    /// Clipping bound of a mechanism that takes one and does not state it.
    pub bound: Option<f64>,
    /// Each agent's ε budget (> 0; default: unlimited).
    pub budget: Option<f64>,
    /// Each agent's δ budget, in (0, 1] (default 1).
    pub budget_delta: Option<f64>,
    /// How releases compose: `sequential` or `advanced(delta_slack)` (default `sequential`).
    pub composition: Option<String>,
}

/// A scheduled fault event.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFaultEvent {
    /// The tick at whose start it fires (≥ 0).
    pub tick: Option<i64>,
    /// `crash` (the targets go down), `recover` (they come back up), `partition` (they are cut
    /// off), `heal` (reachable again), `byzantine` (taken over), `loss_burst` (their links lose
    /// messages with probability `loss` for `duration` ticks) or `orchestrator_crash` (the root
    /// coordinator, or a fraction of all coordinators, crash).
    pub kind: Option<String>,
    /// Whom it strikes: a fraction of the present agents in (0, 1] (drawn at random), a group's
    /// name, or a list of agent ids. Optional for `heal` and `loss_burst` (every agent) and for
    /// `orchestrator_crash` (the root; a fraction strikes that share of all coordinators).
    #[schemars(with = "Option<serde_json::Value>")]
    pub target: Option<toml::Value>,
    /// `loss_burst` only: the extra loss probability per transmission, in [0, 1] (required).
    pub loss: Option<f64>,
    /// `loss_burst` only: how many ticks it lasts (≥ 1, required).
    pub duration: Option<i64>,
}

/// Test aids (see [`RawScenario::debug`]).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDebug {
    /// Abort the run with an internal error when this tick starts (≥ 0; a tick beyond the run
    /// never fires).
    pub panic_at_tick: Option<i64>,
}

/// A group of identical agents.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    /// Name of the group, unique in the scenario (required).
    pub name: Option<String>,
    /// Number of agents (≥ 0; the population needs at least one agent in all).
    pub count: Option<i64>,
    /// Behaviour: `honest`, `shirker`, `partial(effort)`, `copycat`, `misreporter(inflate, effort)`,
    /// `byzantine`, `sybil(k)` or `colluder(group)` (default `honest`).
    pub strategy: Option<String>,
    /// Skill per domain in [0, 1]: one value or distribution for every domain, or a list with one
    /// entry per domain (default 0.8).
    pub skill: Option<RawSkill>,
    /// Cost of one subtask worked at full effort; effort e costs `effort_cost * e` (0 to 10¹²;
    /// default 1).
    pub effort_cost: Option<f64>,
    /// Cost paid by each agent every tick it is in the population (0 to 10¹²; default 0).
    pub participation_cost: Option<f64>,
    /// Number of subtasks an agent can hold at once (≥ 1; default 1).
    pub capacity: Option<i64>,
    /// Correlated errors: the probability ρ in [0, 1] that a wrong answer of the group's
    /// simulated agents is the subtask's lure, a wrong answer shared by every worker (otherwise
    /// it is uniform over the wrong answers) (default 0: independent errors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lure: Option<f64>,
    /// Shared answers: the probability κ in [0, 1] that a simulated agent of the group, solving
    /// a subtask, gives the group's shared answer to it (one draw per subtask and group, as the
    /// agents of one model profile that send one request get one reply) instead of an answer of
    /// its own (default 0: every agent draws its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared: Option<f64>,
    /// Correlated correctness: the loading λ ≥ 0 of the group's simulated agents on the item's
    /// latent effect z ~ N(0, 1), one draw per subtask shared by every group: competence becomes
    /// `e · σ(logit(s) − slope · δ + λ z + μ w)` (needs `accuracy = "logistic(slope)"`), so
    /// groups err on the same items beyond what δ explains (default 0: no latent effect).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_loading: Option<f64>,
    /// The model the group stands for (a name): groups of one model share, besides z, the
    /// item's latent effect w ~ N(0, 1) of that model, with loading `model_loading` (default:
    /// none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The loading μ ≥ 0 of the group's simulated agents on the latent effect w of its `model`
    /// (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_loading: Option<f64>,
    /// How competence falls with a subtask's difficulty δ: `linear` (`e · s · (1 − δ)`) or
    /// `logistic(slope)` (`e · σ(logit(s) − slope · δ)`, a cliff as for language models)
    /// (default `linear`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy: Option<String>,
    /// The model profile (`[[llm.profile]]` name) that answers for the group's agents, or a list
    /// of profiles its agents take in turn (member m, counted from the group's first agent, is
    /// backed by the list's entry m mod its length: a team of personas, or of models, in one
    /// group); without it, they are simulated workers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub llm: Option<RawProfiles>,
    /// Whether the group's agents revise their strategy in the adaptation phase (default true;
    /// `sybil(k)` groups never do). Only matters when `[adaptation]` is present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adaptive: Option<bool>,
    /// The model profile (`[[llm.profile]]` name) that decides, for each of the group's agents,
    /// whether it works (and at what effort), shirks or copies: every `decide_every` ticks it is
    /// shown the rules and the agent's payoffs in words (`[decisions]`) and answers in JSON. The
    /// group's `strategy` is where its agents start (default: none, the strategy is fixed or
    /// revised by `[adaptation]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// Ticks between two decisions of a `policy` group's agents (1 to 10⁶; default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decide_every: Option<i64>,
    /// The institution (`[[institution]]` name) the group's agents start in (default: the
    /// first; only with institutions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution: Option<String>,
}

/// One of two or more institutions in one world: a team with its own credit mechanism and
/// fee. Each arriving task goes to one institution, with probability proportional to its
/// present members, and is worked and credited there; agents choose where to work (`[choice]`,
/// or their `policy` model).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawInstitution {
    /// Its name (letters, digits, `-` and `_`; unique).
    pub name: Option<String>,
    /// The credit mechanism that splits its tasks' value (default: `credit.mechanism`).
    pub mechanism: Option<String>,
    /// The share in [0, 1] of each task's value its platform keeps (default:
    /// `economy.platform_fee`).
    pub fee: Option<f64>,
}

/// How agents without a `policy` choose their institution: every `every` ticks each present
/// agent picks institution k with probability proportional to `exp(beta · p_k)`, p_k the mean
/// payoff per tick of k's present members since the last round (logit choice).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawChoice {
    /// Ticks between choice rounds (1 to 10⁶; default 10).
    pub every: Option<i64>,
    /// Choice strength beta ≥ 0 (default 1): 0 picks uniformly, a large beta the best-paid.
    pub beta: Option<f64>,
    /// Probability in [0, 1] that an agent keeps its institution without looking in a round
    /// (default 0).
    pub inertia: Option<f64>,
}

/// Defenses of the model that reads workers' answers (the judge).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDefense {
    /// Spotlighting: each answer is shown fenced between `<<<` and `>>>` and marked as data,
    /// and the judge is told never to follow instructions inside the answers (default false).
    pub spotlight: Option<bool>,
}

/// Prompt injection by the `byzantine` workers.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawInjection {
    /// The payload each byzantine answer carries after its wrong answer: `none`, `ignore`,
    /// `system` or `roleplay` (the bundled ones, in docs/model.md), or a template of your own
    /// in which `{answer}` is the wrong answer (default `ignore`).
    pub payload: Option<String>,
}

/// How model-backed policies decide (`policy` groups): what they are told and shown.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDecisions {
    /// The system prompt of every decision: `neutral`, `self_interested` or `team_minded`
    /// (default `neutral`; the texts are in docs/model.md).
    pub framing: Option<String>,
    /// The observation, in words, with `{rules}`, `{window}`, `{own}`, `{team}`, `{others}` and
    /// `{actions}` replaced (default: all six in that order; `{rules}`, `{own}` and `{actions}`
    /// are required).
    pub template: Option<String>,
    /// Whether an agent is shown what the group's agents earned by action (working, shirking,
    /// copying) since the last decision (default true).
    pub show_others: Option<bool>,
    /// Whether a deciding agent may leave the population for good, answering
    /// `{"action": "leave"}` (default false: the action is not offered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_leave: Option<bool>,
}

/// The arrival process and the shape of tasks.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTasks {
    /// Mean number of tasks arriving per tick, Poisson (≥ 0; default 1).
    pub arrival_rate: Option<f64>,
    /// Subtasks per task, m (1..=64; default 3).
    pub subtasks: Option<i64>,
    /// Number of skill domains, D (1..=256; default 4).
    pub domains: Option<i64>,
    /// Difficulty of a subtask in [0, 1): a number or a distribution (default 0).
    pub difficulty: Option<RawDist>,
    /// Possible answers per subtask, K, one of them correct (2..=65535; default 4).
    pub answers: Option<i64>,
    /// Reward R of a fully successful task (0 to 10¹²; default 10).
    pub reward: Option<f64>,
    /// Value rule: `all`, `additive` or `threshold(k)` (default `all`).
    pub value_rule: Option<String>,
    /// Ticks after arrival by which every subtask must be answered (≥ 1; default 10).
    pub deadline: Option<i64>,
}

/// The organisation of the agents.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTopology {
    /// `star` (one orchestrator, the workers around it), `single` (one generalist agent does
    /// everything; the population must be one agent), `hierarchical(branching)` (a tree of
    /// sub-orchestrators; default branching 4) or `decentralized(fanout)` (no orchestrator:
    /// subtasks are announced to `fanout` peers, who bid; default fanout 8) (default `star`).
    pub kind: Option<String>,
    /// Ticks a crashed coordinator stays down before a new one takes over (≥ 1; default 10).
    pub failover_ticks: Option<i64>,
}

/// Routing of subtasks to workers.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAssignment {
    /// `best_skill`, `reputation`, `random` or `round_robin` (default `best_skill`).
    pub policy: Option<String>,
    /// Workers per subtask, r (≥ 1, at most the population; default 1).
    pub redundancy: Option<i64>,
}

/// Combination of the answers to a subtask.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawConsensus {
    /// `first`, `majority`, `verified`, `reputation_weighted` or `judge` (default `majority`).
    pub rule: Option<String>,
    /// Cost to the platform of checking one answer under `verified` (0 to 10¹²; default 0).
    pub audit_cost: Option<f64>,
    /// Under `judge`: the model profile (`[[llm.profile]]`) that reads the answers and picks one
    /// (required with `judge`, and only with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judge: Option<String>,
}

/// The message links between the coordinator and the workers.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMessages {
    /// Ticks from sending to delivery (≥ 1; default 1).
    pub latency: Option<i64>,
    /// Probability that one transmission is lost, in [0, 1] (default 0).
    pub loss: Option<f64>,
    /// Ticks after which an unacknowledged transmission is sent again (≥ 1; default 2).
    pub timeout: Option<i64>,
    /// Retransmissions after the first attempt (0..=100; default 2).
    pub retries: Option<i64>,
    /// Size of an assignment message in bytes (0 to 2³⁰; default 1024).
    pub assignment_bytes: Option<i64>,
    /// Size of an answer message in bytes (0 to 2³⁰; default 256).
    pub answer_bytes: Option<i64>,
}

/// Credit allocation.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCredit {
    /// `equal`, `proportional_claim`, `proportional_quality`, `loo`, `shapley(limit, samples)`,
    /// `shapley_mc(samples, antithetic)`, `banzhaf(limit, samples)` or `peer_review`
    /// (default `equal`).
    pub mechanism: Option<String>,
    /// How the coordinator judges answers: `ground_truth`, `consensus` or `audit(p)` (default
    /// `ground_truth`).
    pub observation: Option<String>,
}

/// Monetisation.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEconomy {
    /// Share of each task's value kept by the platform, in [0, 1] (default 0.1).
    pub platform_fee: Option<f64>,
    /// Traffic revenue: what the platform earns from outside (users, advertisers) per task it
    /// serves, whatever the task's value (≥ 0; default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic_revenue: Option<f64>,
    /// Share of each task's traffic revenue passed on to the agents that served it, in [0, 1]
    /// (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic_share: Option<f64>,
    /// How that share is split among the task's participants: `equal` (default) or `credit`
    /// (in proportion to the credit each was paid for the task; equally if none was positive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic_rule: Option<String>,
}

/// Experience management.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExperience {
    /// Skill learning rate alpha: working at effort e raises skill by `alpha * e * (1 - s)`, in
    /// [0, 1] (default 0).
    pub learning_rate: Option<f64>,
    /// Skill decay phi: an idle domain's skill moves `phi * (s0 - s)` toward its initial value each
    /// tick, in [0, 1] (default 0).
    pub skill_decay: Option<f64>,
    /// Weight rho of a new observation in the reputation's exponentially weighted mean, in
    /// [0, 1] (default 0.1).
    pub reputation_rate: Option<f64>,
    /// Reputation of a new agent, in [0, 1] (default 0.5).
    pub initial_reputation: Option<f64>,
}
