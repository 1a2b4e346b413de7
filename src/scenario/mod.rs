//! Scenario files: from TOML text to the validated [`Scenario`] that the simulation accepts.
//!
//! Loading goes in three steps, each reporting [`Problem`]s with their key path: the text is
//! parsed as TOML (syntax errors), `--set` overrides are applied to the parsed document
//! ([`overrides`]), the document is read into the serde mirror [`raw::RawScenario`] (unknown keys,
//! wrong types), and [`validate`] checks ranges and consistency and fills in the defaults,
//! collecting every problem before reporting them together. A [`Scenario`] is therefore always
//! valid: the simulation never checks its input again and cannot fail.

pub mod cost;
pub mod overrides;
pub mod raw;
pub mod validate;

use std::path::Path;

use serde::Serialize;

use crate::credit::MechanismKind;
use crate::dist::Dist;
use crate::rules::consensus::ConsensusRule;
use crate::rules::value::ValueRule;
use crate::rules::{Observation, Policy, Topology};
use crate::strategy::Strategy;
pub use crate::syntax::error::{InputError, KeyPath, LineProblem, Problem};
use crate::syntax::input;
use raw::RawScenario;

/// A valid scenario: every parameter of a run but the seed's override.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Short name.
    pub name: String,
    /// Number of ticks to simulate (≥ 1).
    pub ticks: u32,
    /// Seed of the random streams.
    pub seed: u64,
    /// The groups of agents, in file order.
    pub groups: Vec<Group>,
    /// Whether agents are numbered one member of each group in turn (else group by group).
    pub interleave: bool,
    /// The work.
    pub tasks: Tasks,
    /// The organisation.
    pub topology: Topology,
    /// Ticks a crashed coordinator stays down before a new one takes over (failover).
    pub failover_ticks: u32,
    /// Routing of subtasks.
    pub assignment: Assignment,
    /// Combination of answers.
    pub consensus: Consensus,
    /// Message links.
    pub messages: Messages,
    /// Credit allocation.
    pub credit: Credit,
    /// Money.
    pub economy: Economy,
    /// Learning and reputation.
    pub experience: Experience,
    /// Faults.
    pub faults: Faults,
    /// Private aggregation tasks, if on.
    pub privacy: Option<Privacy>,
    /// Strategy revision, if on.
    pub adaptation: Option<Adaptation>,
    /// The task bank, if subtasks are real items.
    pub bank: Option<crate::bank::Bank>,
    /// The model profiles and the cassette, if any group is backed by a model.
    pub llm: Option<crate::llm::LlmSetup>,
    /// How `policy` groups decide (`[decisions]`); `None` without a `policy` group.
    pub decisions: Option<Decisions>,
    /// Prompt injection by the byzantine workers, if any.
    pub injection: Option<Injection>,
    /// Defenses of the judge (`[defense]`).
    pub defense: Defense,
    /// The institutions agents choose between (empty: one team, under `credit` and `economy`).
    pub institutions: Vec<Institution>,
    /// How agents without a `policy` choose their institution; `Some` exactly with institutions.
    pub choice: Option<Choice>,
    /// Test aids.
    pub debug: Debug,
    /// The scenario as resolved (defaults filled in, overrides applied), for manifests.
    pub resolved: serde_json::Value,
}

/// A group of identical agents.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Unique name.
    pub name: String,
    /// Number of members (agents, or owners of k identities for `sybil(k)`).
    pub count: u32,
    /// Behaviour.
    pub strategy: Strategy,
    /// Skill distribution per domain (one entry per domain).
    pub skill: Vec<Dist>,
    /// Cost of a subtask at full effort.
    pub effort_cost: f64,
    /// Cost per tick of being in the population.
    pub participation_cost: f64,
    /// Subtasks held at once.
    pub capacity: u32,
    /// Whether its agents revise their strategy (adaptation).
    pub adaptive: bool,
    /// The indices of the model profiles that answer for its agents, taken in turn by its
    /// members (member m: entry m mod the length); empty: simulated workers.
    pub llm: Vec<u16>,
    /// ρ: the probability that a wrong answer of its (simulated) agents is the subtask's lure.
    pub lure: f64,
    /// κ: the probability that a (simulated) agent solving a subtask gives the group's shared
    /// answer to it.
    pub shared: f64,
    /// λ: the loading of its (simulated) agents' log-odds of being right on the item's latent
    /// effect z, shared by every group (0: none).
    pub item_loading: f64,
    /// The model it stands for (an index among the scenario's model names), whose item effect
    /// w its agents share with the other groups of that model.
    pub model: Option<u16>,
    /// μ: the loading on the item effect w of its model (0: none).
    pub model_loading: f64,
    /// How its agents' competence falls with a subtask's difficulty.
    pub accuracy: crate::rules::accuracy::AccuracyCurve,
    /// What decides its agents' strategies (`policy`), if anything.
    pub policy: Option<DecidedBy>,
    /// Ticks between two decisions of a `policy` group's agents.
    pub decide_every: u32,
    /// The institution its agents start in (0 without institutions).
    pub institution: u8,
}

/// What decides a `policy` group's strategies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DecidedBy {
    /// The model profile at this index.
    Model(u16),
    /// A simulated decider.
    Rule(crate::strategy::decider::Decider),
}

impl DecidedBy {
    /// The model profile, if a model decides.
    pub fn model(&self) -> Option<u16> {
        match *self {
            DecidedBy::Model(p) => Some(p),
            DecidedBy::Rule(_) => None,
        }
    }
}

/// One institution of a world with several: its name, credit mechanism and fee.
#[derive(Debug, Clone, PartialEq)]
pub struct Institution {
    /// Its name.
    pub name: String,
    /// The mechanism that splits its tasks' value.
    pub mechanism: crate::credit::MechanismKind,
    /// The share of each of its tasks' value its platform keeps.
    pub fee: f64,
}

/// How agents without a `policy` choose their institution (logit choice every `every` ticks).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choice {
    /// Ticks between rounds.
    pub every: u32,
    /// Choice strength β.
    pub beta: f64,
    /// Probability of keeping one's institution without looking.
    pub inertia: f64,
}

impl Group {
    /// Agents of the group: `count` members times the identities of each (k for `sybil(k)`).
    pub fn agents(&self) -> u32 {
        self.count.saturating_mul(self.strategy.identities())
    }

    /// The model profile of the group's agent `member` (its index among the group's agents,
    /// from 0 at the first), or `None` for simulated workers.
    pub fn profile(&self, member: u32) -> Option<u16> {
        let turns = self.llm.len();
        (turns > 0).then(|| self.llm[member as usize % turns])
    }

    /// Whether any of its agents is model-backed.
    pub fn model_backed(&self) -> bool {
        !self.llm.is_empty()
    }
}

/// The arrival process and the shape of tasks.
#[derive(Debug, Clone, PartialEq)]
pub struct Tasks {
    /// Poisson mean of arrivals per tick.
    pub arrival_rate: f64,
    /// Subtasks per task, m.
    pub subtasks: u32,
    /// Skill domains, D.
    pub domains: u32,
    /// Subtask difficulty.
    pub difficulty: Dist,
    /// Answers per subtask, K.
    pub answers: u32,
    /// Reward R.
    pub reward: f64,
    /// Value rule f.
    pub value_rule: ValueRule,
    /// Ticks from arrival to deadline.
    pub deadline: u32,
}

/// Routing of subtasks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assignment {
    /// Assignment policy.
    pub policy: Policy,
    /// Workers per subtask, r.
    pub redundancy: u32,
}

/// Combination of answers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Consensus {
    /// The rule.
    pub rule: ConsensusRule,
    /// Platform cost per answer checked under `verified`.
    pub audit_cost: f64,
    /// Under `judge`: the profile that judges.
    pub judge: Option<u16>,
}

/// Message links.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Messages {
    /// Ticks from send to delivery (≥ 1).
    pub latency: u32,
    /// Loss probability per transmission.
    pub loss: f64,
    /// Ticks before a retransmission (≥ 1).
    pub timeout: u32,
    /// Retransmissions after the first attempt.
    pub retries: u32,
    /// Bytes per assignment message.
    pub assignment_bytes: u64,
    /// Bytes per answer message.
    pub answer_bytes: u64,
}

/// Credit allocation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Credit {
    /// The mechanism.
    pub mechanism: MechanismKind,
    /// How answers are judged.
    pub observation: Observation,
}

/// Money.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Economy {
    /// Platform's share of each task's value.
    pub platform_fee: f64,
    /// Traffic revenue per task served.
    pub traffic_revenue: f64,
    /// Share of it passed on to the task's participants.
    pub traffic_share: f64,
    /// How that share is split.
    pub traffic_rule: TrafficRule,
}

/// How a task's traffic share is split among its participants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrafficRule {
    /// Equally.
    Equal,
    /// In proportion to the credit each was paid for the task (equally if none was positive).
    Credit,
}

/// Learning and reputation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Experience {
    /// Skill learning rate alpha.
    pub learning_rate: f64,
    /// Skill decay phi toward the initial skill.
    pub skill_decay: f64,
    /// Reputation update weight rho.
    pub reputation_rate: f64,
    /// Initial reputation.
    pub initial_reputation: f64,
}

/// Faults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Probability that a worked answer is never delivered.
    pub drop_probability: f64,
    /// Probability per tick that an up agent crashes.
    pub crash_probability: f64,
    /// Probability per tick that a crashed agent is repaired (1 / mean time to repair; 0: never).
    pub repair_probability: f64,
    /// Probability per tick that an up coordinator crashes (replaced after the failover time).
    pub orchestrator_crash_probability: f64,
    /// Probability per tick that an agent not yet byzantine is taken over (turns `byzantine`).
    pub byzantine_probability: f64,
    /// Probability that a transmission over a link is delayed by `extra_latency` ticks.
    pub delay_probability: f64,
    /// The delay of a delayed transmission, in ticks.
    pub extra_latency: u32,
    /// The distribution of each agent's link's extra loss probability (`None`: no extra loss).
    pub link_loss: Option<Dist>,
    /// Scheduled events, by tick then file order.
    pub events: Vec<FaultEvent>,
}

/// A scheduled fault event.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultEvent {
    /// The tick at whose start it fires.
    pub tick: u32,
    /// What it does.
    pub kind: FaultKind,
    /// Whom it strikes.
    pub target: Target,
}

/// What a scheduled event does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FaultKind {
    /// The targets go down.
    Crash,
    /// The targets come back up.
    Recover,
    /// The targets are cut off from the rest (unreachable) until healed.
    Partition,
    /// The targets are reachable again.
    Heal,
    /// The targets are taken over: they play `byzantine` from now on.
    Byzantine,
    /// Every transmission to or from a target is also lost with probability `loss`, for
    /// `duration` ticks.
    LossBurst {
        /// The extra loss probability.
        loss: f64,
        /// Ticks it lasts.
        duration: u32,
    },
    /// Coordinators crash (the root, or a fraction of all coordinators).
    OrchestratorCrash,
}

impl FaultKind {
    /// The kinds as written in scenario files.
    pub const NAMES: &[&str] = &[
        "crash",
        "recover",
        "partition",
        "heal",
        "byzantine",
        "loss_burst",
        "orchestrator_crash",
    ];
}

/// Whom an event strikes.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// This fraction of the present agents (rounded down), drawn uniformly.
    Fraction(f64),
    /// Every agent of a group.
    Group(u16),
    /// These agents.
    Agents(Vec<u32>),
    /// Every present agent (the default of `heal` and `loss_burst`).
    All,
    /// The root coordinator (the default, and only agent-free target, of `orchestrator_crash`).
    Root,
}

/// Private aggregation tasks.
#[derive(Debug, Clone, PartialEq)]
pub struct Privacy {
    /// Share of arriving tasks that are private.
    pub share: f64,
    /// Sum or mean.
    pub aggregate: Aggregate,
    /// Participants per private task.
    pub participants: u32,
    /// Distribution of a participant's private value.
    pub values: Dist,
    /// Largest error of a successful task.
    pub tolerance: f64,
    /// The privacy mechanism.
    pub mechanism: crate::privacy::PrivacyKind,
    /// Each agent's budget.
    pub budget: crate::privacy::accounting::Budget,
}

/// What a private task computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    /// The sum of the participants' values.
    Sum,
    /// Their mean.
    Mean,
}

/// Strategy revision by pairwise imitation (the Fermi rule) with mutation.
#[derive(Debug, Clone, PartialEq)]
pub struct Adaptation {
    /// Ticks between revision rounds.
    pub every: u32,
    /// Selection strength.
    pub beta: f64,
    /// Mutation probability.
    pub mu: f64,
    /// The strategies mutation draws from.
    pub strategies: Vec<Strategy>,
    /// Profit per round below which an adaptive agent leaves.
    pub exit_threshold: Option<f64>,
    /// Mean entrants per round.
    pub entry_rate: f64,
    /// Entrants' strategies.
    pub entry_strategies: Vec<Strategy>,
    /// Index of the group whose parameters entrants take.
    pub entry_group: usize,
}

/// The system prompt of a decision (`decisions.framing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// A worker told the rules, asked nothing about its goals.
    Neutral,
    /// A worker told to earn as much as it can for itself.
    SelfInterested,
    /// A worker told to care about the team's tasks.
    TeamMinded,
}

/// How `policy` groups decide (`[decisions]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Decisions {
    /// The system prompt.
    pub framing: Framing,
    /// The observation's template.
    pub template: String,
    /// Whether agents see what the group's agents earned by action.
    pub show_others: bool,
    /// Whether a model-backed agent may leave for good (`{"action": "leave"}`).
    pub can_leave: bool,
}

/// Defenses of the model that reads the answers (`[defense]`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Defense {
    /// Answers fenced and marked as data, and the judge told not to follow them.
    pub spotlight: bool,
}

/// Prompt injection by the `byzantine` workers (`[injection]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Injection {
    /// The payload's name (`custom` for a template of the user's).
    pub name: String,
    /// The text a byzantine answer carries, `{answer}` standing for its wrong answer.
    pub template: String,
}

/// Test aids: never set in a real scenario.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Debug {
    /// Abort the run with an internal error (a panic) when this tick starts.
    pub panic_at_tick: Option<u32>,
}

impl Scenario {
    /// Whether any group is backed by a model, to answer or to decide (then runs need the
    /// `[llm]` models).
    pub fn model_backed(&self) -> bool {
        (self.groups.iter())
            .any(|g| g.model_backed() || g.policy.is_some_and(|p| p.model().is_some()))
    }

    /// Whether any group's strategies are decided by a model (`policy`).
    pub fn decides(&self) -> bool {
        self.groups.iter().any(|g| g.policy.is_some())
    }

    /// Whether agents' strategies can change during a run (`policy` groups or `[adaptation]`),
    /// so that what each played, and what it paid, is kept ([`crate::sim::conduct`]).
    pub fn tracks_conduct(&self) -> bool {
        self.decides() || self.adaptation.is_some() || self.choice.is_some()
    }

    /// The credit mechanism and fee of the tasks of institution `k` (the scenario's own without
    /// institutions).
    pub fn terms(&self, k: u8) -> (&crate::credit::MechanismKind, f64) {
        match self.institutions.get(k as usize) {
            Some(i) => (&i.mechanism, i.fee),
            None => (&self.credit.mechanism, self.economy.platform_fee),
        }
    }

    /// Total number of agents (a `sybil(k)` member is k agents).
    pub fn population(&self) -> u32 {
        self.groups.iter().map(Group::agents).sum()
    }

    /// A hash of the resolved scenario (SHA-256 of its canonical JSON), hex.
    pub fn hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let bytes = serde_json::to_vec(&self.resolved).unwrap_or_default();
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Reads, overrides and validates the scenario file at `path`. `overrides` are `KEY=VALUE`
/// texts as given to `--set`.
pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, InputError> {
    let text = input::read_text(path, input::MAX_TOML)?;
    from_str(&text, path, overrides)
}

/// Like [`load`], for a scenario whose text is already in memory; `path` names it in messages.
pub fn from_str(text: &str, path: &Path, overrides: &[String]) -> Result<Scenario, InputError> {
    let mut doc: toml::Table = match toml::from_str(text) {
        Ok(doc) => doc,
        Err(e) => return Err(InputError::syntax(path, text, &e)),
    };
    let applied = overrides::apply(&mut doc, overrides)?;
    from_doc(doc, text, path, &applied)
}

/// Reads a parsed scenario document, already overridden, into a [`Scenario`]. `text` and `path`
/// are those of the file it was parsed from; `applied` names the key paths that were overridden
/// and by what (problems with them name that instead of a place in the file).
pub fn from_doc(
    doc: toml::Table,
    text: &str,
    path: &Path,
    applied: &[(KeyPath, String)],
) -> Result<Scenario, InputError> {
    let de = toml::Value::Table(doc);
    let raw: RawScenario = match serde_path_to_error::deserialize(de) {
        Ok(raw) => raw,
        Err(e) => {
            let problem = crate::syntax::error::problem_from_serde(&e);
            return Err(InputError::located(path, text, vec![problem], applied));
        }
    };
    let default_name = path.file_stem().map_or_else(
        || "scenario".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let mut scenario = validate::validate(&raw, &default_name)
        .map_err(|problems| InputError::located(path, text, problems, applied))?;
    attach_files(&mut scenario, path, text, applied)?;
    Ok(scenario)
}

/// A problem found after loading (with a file the scenario names), placed in the scenario file
/// at `problem`'s key path, or at the `--set` flag that gave the key.
pub fn problem_in(path: &Path, overrides: &[String], problem: Problem) -> InputError {
    let text = input::read_text(path, input::MAX_TOML).unwrap_or_default();
    let applied = toml::from_str::<toml::Table>(&text)
        .ok()
        .and_then(|mut doc| overrides::apply(&mut doc, overrides).ok())
        .unwrap_or_default();
    InputError::located(path, &text, vec![problem], &applied)
}

/// Reads the files a scenario names, relative to its own folder: the bank's items (every
/// problem placed in the items file; a file that cannot be read, at the `bank.file` key) and
/// the cassette's path (read later, by the command that runs the scenario).
fn attach_files(
    scenario: &mut Scenario,
    path: &Path,
    text: &str,
    applied: &[(KeyPath, String)],
) -> Result<(), InputError> {
    let dir = path.parent().unwrap_or(Path::new(""));
    if let Some(bank) = scenario.bank.as_mut()
        && let Some(file) = &bank.file_path
    {
        let items_path = dir.join(file);
        let items = match crate::bank::file::load(&items_path) {
            Ok(items) => items,
            Err(InputError::Read { reason, .. }) => {
                let at = KeyPath::root().key("bank").key("file");
                let problem = Problem::new(
                    at,
                    format!(
                        "cannot read the items file {}: {reason}",
                        items_path.display()
                    ),
                )
                .help("give a JSONL file's path relative to the scenario file");
                return Err(InputError::located(path, text, vec![problem], applied));
            }
            Err(e) => return Err(e),
        };
        bank.file = Some(std::sync::Arc::new(items));
    }
    if let Some(llm) = scenario.llm.as_mut() {
        llm.cassette = dir.join(&llm.cassette);
    }
    Ok(())
}

/// The JSON Schema of scenario files, for editors (`#:schema` in the first line of a file).
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(RawScenario);
    serde_json::to_value(schema).unwrap_or_default()
}

/// Serialises a value for the resolved-scenario record.
pub(crate) fn to_json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}
