//! Validation: a [`RawScenario`] becomes a [`Scenario`], or every problem with it is reported.
//!
//! Each value is checked against its range, names are looked up in their registries, and the
//! values are checked against each other (redundancy within the population, a `threshold(k)`
//! within the subtasks, one agent for the `single` topology). All problems are collected before
//! returning, so that one run of `lamas validate` shows everything wrong with a file. The
//! defaults of every key are the constants of [`defaults`], and nowhere else.

mod adaptation;
mod credit;
mod decisions;
mod economy;
mod exchange;
mod faults;
mod institutions;
mod judge;
mod llm;
mod population;
mod privacy;
mod tasks;
mod topology;

use super::raw::{RawDist, RawScenario};
use super::{Consensus, Debug, Faults, Group, Scenario, to_json};
use crate::dist::Dist;
use crate::syntax::error::{KeyPath, Problem};

/// The default of every scenario key (documented in `docs/model.md`).
pub mod defaults {
    /// `ticks`.
    pub const TICKS: i64 = 100;
    /// `seed`.
    pub const SEED: u64 = 1;
    /// `population[].strategy`.
    pub const STRATEGY: &str = "honest";
    /// `population[].skill`.
    pub const SKILL: f64 = 0.8;
    /// `population[].effort_cost`.
    pub const EFFORT_COST: f64 = 1.0;
    /// `population[].participation_cost`.
    pub const PARTICIPATION_COST: f64 = 0.0;
    /// `population[].capacity`.
    pub const CAPACITY: i64 = 1;
    /// The largest amount of money one key may give (a reward, a cost, a price): 10¹², so that
    /// every sum over an accepted run stays finite.
    pub const MAX_AMOUNT: f64 = 1e12;
    /// The largest message size, bytes: 1 GiB, so that byte counts stay far from wrapping.
    pub const MAX_MESSAGE_BYTES: i64 = 1 << 30;
    /// `population[].lure` (ρ: no correlated errors).
    pub const LURE: f64 = 0.0;
    /// `population[].shared` (κ: every agent answers on its own).
    pub const SHARED: f64 = 0.0;
    /// `population[].item_loading` (λ: no latent item effect).
    pub const ITEM_LOADING: f64 = 0.0;
    /// `population[].model_loading` (μ: no latent effect of the group's model).
    pub const MODEL_LOADING: f64 = 0.0;
    /// The largest loading on a latent item effect (a shift of 10 standard deviations in
    /// log-odds is already a certainty).
    pub const MAX_LOADING: f64 = 10.0;
    /// `population[].accuracy` (the curve `linear`, when the key is absent).
    pub const ACCURACY: &str = "linear";
    /// `tasks.arrival_rate`.
    pub const ARRIVAL_RATE: f64 = 1.0;
    /// `tasks.subtasks`.
    pub const SUBTASKS: i64 = 3;
    /// `tasks.domains`.
    pub const DOMAINS: i64 = 4;
    /// `tasks.difficulty`.
    pub const DIFFICULTY: f64 = 0.0;
    /// `tasks.answers`.
    pub const ANSWERS: i64 = 4;
    /// `tasks.reward`.
    pub const REWARD: f64 = 10.0;
    /// `tasks.value_rule`.
    pub const VALUE_RULE: &str = "all";
    /// `tasks.deadline`.
    pub const DEADLINE: i64 = 10;
    /// `topology.kind`.
    pub const TOPOLOGY: &str = "star";
    /// `topology.failover_ticks`.
    pub const FAILOVER_TICKS: i64 = 10;
    /// `assignment.policy`.
    pub const POLICY: &str = "best_skill";
    /// `assignment.redundancy`.
    pub const REDUNDANCY: i64 = 1;
    /// `consensus.rule`.
    pub const CONSENSUS: &str = "majority";
    /// `consensus.audit_cost`.
    pub const AUDIT_COST: f64 = 0.0;
    /// `messages.latency`.
    pub const LATENCY: i64 = 1;
    /// `messages.loss`.
    pub const LOSS: f64 = 0.0;
    /// `messages.timeout`.
    pub const TIMEOUT: i64 = 2;
    /// `messages.retries`.
    pub const RETRIES: i64 = 2;
    /// `messages.assignment_bytes`.
    pub const ASSIGNMENT_BYTES: i64 = 1024;
    /// `messages.answer_bytes`.
    pub const ANSWER_BYTES: i64 = 256;
    /// `credit.mechanism`.
    pub const MECHANISM: &str = "equal";
    /// `credit.observation`.
    pub const OBSERVATION: &str = "ground_truth";
    /// `economy.platform_fee`.
    pub const PLATFORM_FEE: f64 = 0.1;
    /// `experience.learning_rate`.
    pub const LEARNING_RATE: f64 = 0.0;
    /// `experience.skill_decay`.
    pub const SKILL_DECAY: f64 = 0.0;
    /// `experience.reputation_rate`.
    pub const REPUTATION_RATE: f64 = 0.1;
    /// `experience.initial_reputation`.
    pub const INITIAL_REPUTATION: f64 = 0.5;
    pub use super::llm::defaults::*;
}

pub use crate::syntax::short;

/// Collects problems while reading values with their defaults.
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn int(&mut self, path: KeyPath, v: &mut Option<i64>, default: i64, min: i64, max: i64) -> i64 {
        let x = *v.get_or_insert(default);
        if x < min || x > max {
            let range = if max == i64::MAX {
                format!("≥ {min}")
            } else {
                format!("in {min}..={max}")
            };
            self.problems.push(Problem::new(
                path,
                format!("expected a whole number {range}, found {x}"),
            ));
            return default.clamp(min, max);
        }
        x
    }

    fn num(&mut self, path: KeyPath, v: &mut Option<f64>, default: f64, min: f64, max: f64) -> f64 {
        let x = *v.get_or_insert(default);
        if !x.is_finite() || x < min || x > max {
            let range = if max == f64::INFINITY {
                format!("≥ {}", short(min))
            } else {
                format!("in [{}, {}]", short(min), short(max))
            };
            self.problems.push(Problem::new(
                path,
                format!("expected a number {range}, found {}", short(x)),
            ));
            return default;
        }
        x
    }

    fn prob(&mut self, path: KeyPath, v: &mut Option<f64>, default: f64) -> f64 {
        self.num(path, v, default, 0.0, 1.0)
    }

    fn choice<T>(
        &mut self,
        path: KeyPath,
        v: &mut Option<String>,
        default: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = v.get_or_insert_with(|| default.to_string()).clone();
        match parse(&text) {
            Ok(t) => Some(t),
            Err(e) => {
                self.problems.push(Problem::new(path, e));
                None
            }
        }
    }

    /// A distribution of values in `[lo, hi]`.
    fn dist(&mut self, path: KeyPath, d: &RawDist, lo: f64, hi: f64, hi_open: bool) -> Dist {
        let parsed = match d {
            RawDist::Fixed(x) => {
                let ok = x.is_finite() && *x >= lo && (if hi_open { *x < hi } else { *x <= hi });
                if ok {
                    Ok(Dist::Fixed(*x))
                } else {
                    let close = if hi_open { ")" } else { "]" };
                    Err(format!(
                        "expected a number in [{lo}, {hi}{close}, found {x}"
                    ))
                }
            }
            RawDist::Text(t) if hi > 1.0 => Dist::parse_nonnegative(t),
            RawDist::Text(t) => Dist::parse(t),
        };
        parsed.unwrap_or_else(|e| {
            self.problems.push(Problem::new(path, e));
            Dist::Fixed(lo)
        })
    }
}

/// Validates `raw`; `default_name` is used when the file has no `name`.
pub fn validate(raw: &RawScenario, default_name: &str) -> Result<Scenario, Vec<Problem>> {
    use defaults as d;
    let mut raw = raw.clone();
    let mut c = Checker {
        problems: Vec::new(),
    };
    let root = KeyPath::root();

    let name = raw
        .name
        .get_or_insert_with(|| default_name.to_string())
        .clone();
    let ticks = c.int(
        root.key("ticks"),
        &mut raw.ticks,
        d::TICKS,
        1,
        u32::MAX as i64,
    ) as u32;
    let seed = *raw.seed.get_or_insert(d::SEED);

    let tasks = tasks::tasks(&mut c, &mut raw.tasks);
    let domains = tasks.domains;

    let (mut groups, population) = population::population(&mut c, &mut raw.population, domains);

    let layout = topology::layout(&mut c, &mut raw.topology, &mut raw.assignment, population);
    let topology = layout.topology;

    let consensus = exchange::consensus(&mut c, &mut raw.consensus);
    let messages = exchange::messages(&mut c, &mut raw.messages);

    let credit = credit::credit(&mut c, &mut raw.credit);

    let economy = economy::economy(&mut c, &mut raw.economy);
    let experience = economy::experience(&mut c, &mut raw.experience);

    let agents: u32 = groups.iter().map(Group::agents).sum();
    let faults = match raw.faults.as_mut() {
        Some(f) => faults::faults(&mut c, f, &groups, agents),
        None => Faults::default(),
    };
    let privacy = raw
        .privacy
        .as_mut()
        .map(|p| privacy::privacy(&mut c, p, agents, layout.topology, layout.single));
    let adaptation = raw
        .adaptation
        .as_mut()
        .map(|a| adaptation::adaptation(&mut c, a, &groups));
    let debug = match raw.debug.as_mut().and_then(|d| d.panic_at_tick) {
        Some(t) => {
            let mut t = Some(t);
            let path = root.key("debug").key("panic_at_tick");
            Debug {
                panic_at_tick: Some(c.int(path, &mut t, 0, 0, u32::MAX as i64) as u32),
            }
        }
        None => Debug::default(),
    };

    let bank = llm::bank(&mut c, &mut raw.bank, &tasks);
    let models = llm::models(&mut c, &mut raw, &mut groups, default_name);
    let profiles = models.as_ref().map_or(&[][..], |m| &m.profiles[..]);
    let decisions = decisions::decisions(&mut c, &mut raw, &mut groups, profiles);
    let judge = judge::judge(&mut c, &raw, consensus.rule, profiles, bank.is_some());
    let consensus = Consensus { judge, ..consensus };
    let injection = judge::injection(&mut c, &mut raw, consensus.rule);
    let defense = judge::defense(&mut c, &mut raw, consensus.rule);
    let (institutions, choice) =
        institutions::institutions(&mut c, &mut raw, &mut groups, topology);

    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    Ok(Scenario {
        name,
        ticks,
        seed,
        groups,
        interleave: raw.interleave.unwrap_or(false),
        tasks,
        topology,
        failover_ticks: layout.failover_ticks,
        assignment: layout.assignment,
        consensus,
        messages,
        credit,
        economy,
        experience,
        faults,
        privacy,
        adaptation,
        bank,
        llm: models,
        decisions,
        injection,
        defense,
        institutions,
        choice,
        debug,
        resolved: to_json(&raw),
    })
}

/// `text` (a privacy mechanism's call) with the parameters it leaves out, by name or position,
/// taken from `table` where the table has them: `laplace` with `epsilon = 1`, `bound = 10`
/// becomes `laplace(epsilon = 1, bound = 10)`. Keys of parameters the mechanism does not take are
/// ignored.
fn fill_parameters(text: &str, table: &[(&str, Option<f64>)]) -> Result<String, String> {
    use crate::syntax::spec::{Arg, Spec};
    let mut spec = Spec::parse(text)?;
    let Some(def) = crate::privacy::PRIVACY_MECHANISMS
        .iter()
        .find(|d| d.name == spec.name)
    else {
        return Ok(text.to_string());
    };
    let positional = spec.args.iter().filter(|a| a.key.is_none()).count();
    for (i, param) in def.params.iter().enumerate() {
        let given = i < positional
            || spec
                .args
                .iter()
                .any(|a| a.key.as_deref() == Some(param.name));
        if given {
            continue;
        }
        if let Some((_, Some(v))) = table.iter().find(|(k, _)| *k == param.name) {
            spec.args.push(Arg {
                key: Some(param.name.to_string()),
                value: *v,
            });
        }
    }
    Ok(spec.to_string())
}
