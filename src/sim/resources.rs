//! The run-wide resources: parameters, clock, random streams, and the ledgers that the phases
//! write and the record phase and the final summary read.

use bevy_ecs::prelude::*;

use crate::rng::{SimRng, stream};
use crate::scenario::Scenario;

/// The validated scenario of the run.
#[derive(Resource, Debug)]
pub struct Params(pub Scenario);

/// The current tick, starting at 0.
#[derive(Resource, Debug, Default)]
pub struct Clock {
    /// The tick being simulated.
    pub tick: u32,
}

/// The named random streams of the run (see [`crate::rng`]). One stream per phase that draws,
/// so that a change to one phase's draws never shifts another's.
#[derive(Resource, Debug)]
pub struct Streams {
    /// Initial skills (`"population"`).
    pub population: SimRng,
    /// Task arrivals and their subtasks (`"arrivals"`).
    pub arrivals: SimRng,
    /// Random assignment (`"assign"`).
    pub assign: SimRng,
    /// Message loss (`"network"`).
    pub network: SimRng,
    /// Answers (`"work"`).
    pub work: SimRng,
    /// Strategy revision (`"adaptation"`).
    pub adaptation: SimRng,
    /// Faults (`"faults"`).
    pub faults: SimRng,
    /// Each agent's link loss (`"links"`).
    pub links: SimRng,
    /// Private values and privacy noise (`"privacy"`).
    pub privacy: SimRng,
    /// Whether a model-backed worker of effort e < 1 asks its model (`"llm"`).
    pub llm: SimRng,
    /// Each task's institution and the agents' choice of one (`"choice"`).
    pub choice: SimRng,
    /// Simulated deciders' decisions (`"decide"`).
    pub decide: SimRng,
    /// The order in which a model judge is shown the answers (`"judge"`).
    pub judge: SimRng,
}

impl Streams {
    /// The streams of the run with `seed`.
    pub fn new(seed: u64) -> Self {
        Streams {
            population: stream(seed, "population"),
            arrivals: stream(seed, "arrivals"),
            assign: stream(seed, "assign"),
            network: stream(seed, "network"),
            work: stream(seed, "work"),
            adaptation: stream(seed, "adaptation"),
            faults: stream(seed, "faults"),
            links: stream(seed, "links"),
            privacy: stream(seed, "privacy"),
            llm: stream(seed, "llm"),
            choice: stream(seed, "choice"),
            decide: stream(seed, "decide"),
            judge: stream(seed, "judge"),
        }
    }
}

/// Counts and money over the whole run.
#[derive(Resource, Debug, Default, Clone)]
pub struct Ledger {
    /// Tasks that arrived.
    pub tasks_arrived: u64,
    /// Tasks whose subtasks were all resolved.
    pub tasks_completed: u64,
    /// Completed tasks that realised their full reward (`f = 1`).
    pub tasks_succeeded: u64,
    /// Sum over completed tasks of (completion tick - arrival tick).
    pub latency_sum: u64,
    /// Subtasks resolved, and of those, resolved with a correct answer.
    pub subtasks_resolved: u64,
    /// Subtasks resolved correct.
    pub subtasks_correct: u64,
    /// Message transmissions and their bytes.
    pub messages: u64,
    /// Bytes sent.
    pub bytes: u64,
    /// Value realised by completed tasks.
    pub value_created: f64,
    /// Platform fee income.
    pub platform_fees: f64,
    /// Audit costs paid by the platform under `verified`.
    pub audit_costs: f64,
    /// Effort costs paid by agents.
    pub effort_costs: f64,
    /// Participation costs paid by agents.
    pub participation_costs: f64,
    /// Credit paid to agents.
    pub credit_paid: f64,
    /// Distributable value that the mechanism could not allocate (kept by the platform).
    pub credit_unallocated: f64,
    /// Tasks whose credit was allocated (finished tasks with participants).
    pub tasks_credited: u64,
    /// Coalition values computed by the mechanism and the truth.
    pub credit_evaluations: u64,
    /// Tasks whose allocation was sampled rather than exact.
    pub credit_sampled_tasks: u64,
    /// Tasks whose mechanism failed (their value stayed with the platform).
    pub credit_failures: u64,
    /// Sum over tasks with `v(N) > 0` of `|Σ raw shares - v(N)| / v(N)`.
    pub imbalance_sum: f64,
    /// Number of tasks in `imbalance_sum`.
    pub imbalance_tasks: u64,
    /// Faults fired.
    pub faults_fired: u64,
    /// Decisions asked of model-backed policies.
    pub decisions: u64,
    /// Decisions whose reply was unusable (the agent kept its strategy).
    pub decision_fallbacks: u64,
    /// Usable decisions to work (at any effort).
    pub decided_work: u64,
    /// Usable decisions to shirk.
    pub decided_shirk: u64,
    /// Usable decisions to copy.
    pub decided_copy: u64,
    /// Usable decisions to leave for good.
    pub decided_leave: u64,
    /// Calls to the model judge (`judge` rule).
    pub judge_calls: u64,
    /// Judge calls whose reply was unusable (the majority was kept).
    pub judge_fallbacks: u64,
    /// Usable judge calls that picked the answer shown first.
    pub judge_first_picks: u64,
    /// The judge calls' token cost (a platform cost, in `audit_costs`).
    pub judge_cost: f64,
    /// Judge calls shown an injected (byzantine) answer among others.
    pub injections: u64,
    /// Of those, the usable picks of the injected answer.
    pub injections_adopted: u64,
    /// Prompt tokens of the decisions (each agent's, even when identical requests were one call).
    pub decision_prompt_tokens: u64,
    /// Reply tokens of the decisions.
    pub decision_completion_tokens: u64,
    /// Their token cost (paid by the deciding agents as effort cost).
    pub decision_cost: f64,
    /// Moves of agents from one institution to another (by choice or by decision).
    pub institution_switches: u64,
    /// Private tasks resolved, and of those, succeeded.
    pub private_tasks: u64,
    /// Private tasks that succeeded.
    pub private_succeeded: u64,
    /// Sum over private tasks with at least one report of |aggregate - true aggregate|.
    pub privacy_error_sum: f64,
    /// Private tasks in `privacy_error_sum`.
    pub privacy_error_tasks: u64,
    /// Private values the coordinator saw in the clear.
    pub values_exposed: u64,
    /// Participants that shared nothing, their budget spent.
    pub privacy_refusals: u64,
    /// Extra messages of the privacy protocols (included in `messages`).
    pub privacy_messages: u64,
    /// Modelled compute of the privacy protocols, seconds.
    pub privacy_compute_seconds: f64,
    /// Ticks that began with the root coordinator down.
    pub orchestrator_down_ticks: u64,
    /// Coordinators replaced after a crash.
    pub failovers: u64,
    /// Sum over ticks of the share of present agents that were reachable (up, not cut off,
    /// their coordinators up) at the end of the tick.
    pub reachable_share_sum: f64,
    /// Traffic revenue earned by the platform (per task served).
    pub traffic_revenue: f64,
    /// Traffic revenue passed on to agents.
    pub traffic_paid: f64,
    /// What model-backed workers' answers amounted to, in all.
    pub llm: LlmTally,
    /// The same per model profile, by the profile's index (grown as profiles answer).
    pub llm_by_profile: Vec<LlmTally>,
    /// Sum over paid tasks with `D > 0` of `Σ_i |paid_i - φ_i| / D` (φ: true Shapley values).
    pub task_error_sum: f64,
    /// Number of tasks in `task_error_sum`.
    pub task_error_tasks: u64,
}

/// The answers model-backed workers got from their models: in all, or of one profile.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct LlmTally {
    /// Answers workers got from their models.
    pub answers: u64,
    /// Of those, answers that were truly correct.
    pub correct: u64,
    /// Of those, replies that could not be parsed.
    pub unparseable: u64,
    /// Prompt tokens of those answers (from the endpoint's `usage`).
    pub prompt_tokens: u64,
    /// Reply tokens of those answers.
    pub completion_tokens: u64,
    /// Their token cost (paid by the workers as effort cost).
    pub cost: f64,
    /// Sum of their recorded latencies, milliseconds.
    pub latency_ms: f64,
}

impl LlmTally {
    /// Books one answer: whether it was right and parsed, its reply's tokens and latency, and
    /// its token cost.
    pub fn book(&mut self, right: bool, parsed: bool, reply: &crate::llm::Reply, cost: f64) {
        self.answers += 1;
        self.correct += u64::from(right);
        self.unparseable += u64::from(!parsed);
        self.prompt_tokens += reply.prompt_tokens;
        self.completion_tokens += reply.completion_tokens;
        self.cost += cost;
        self.latency_ms += reply.latency_ms;
    }
}

/// What happened during the current tick (reset by the record phase).
#[derive(Resource, Debug, Default, Clone)]
pub struct TickCounters {
    /// Tasks arrived.
    pub arrived: u64,
    /// Tasks completed.
    pub completed: u64,
    /// Tasks succeeded.
    pub succeeded: u64,
    /// Messages sent.
    pub messages: u64,
    /// Bytes sent.
    pub bytes: u64,
    /// Value realised.
    pub value: f64,
    /// Faults fired.
    pub faults: u64,
}
