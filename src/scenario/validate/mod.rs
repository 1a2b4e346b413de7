//! Validation: a [`RawScenario`] becomes a [`Scenario`], or every problem with it is reported.
//!
//! Each value is checked against its range, names are looked up in their registries, and the
//! values are checked against each other (redundancy within the population, a `threshold(k)`
//! within the subtasks, one agent for the `single` topology). All problems are collected before
//! returning, so that one run of `lamas validate` shows everything wrong with a file. The
//! defaults of every key are the constants of [`defaults`], and nowhere else.

mod llm;

use super::raw::{RawDist, RawGroup, RawScenario, RawSkill};
use super::{
    Adaptation, Aggregate, Assignment, Consensus, Credit, Debug, Economy, Experience, FaultEvent,
    FaultKind, Faults, Group, Messages, Privacy, Scenario, Target, Tasks, TrafficRule, to_json,
};
use crate::credit::MechanismKind;
use crate::dist::Dist;
use crate::rules::accuracy::AccuracyCurve;
use crate::rules::consensus::ConsensusRule;
use crate::rules::value::ValueRule;
use crate::rules::{Observation, Policy, Topology};
use crate::strategy::Strategy;
use crate::syntax::error::{KeyPath, Problem};
use crate::syntax::spec::suggest;

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

    // Tasks first: the groups' skills need the number of domains.
    let t = &mut raw.tasks;
    let tp = root.key("tasks");
    let subtasks = c.int(tp.key("subtasks"), &mut t.subtasks, d::SUBTASKS, 1, 64) as u32;
    let domains = c.int(tp.key("domains"), &mut t.domains, d::DOMAINS, 1, 256) as u32;
    let difficulty = c.dist(
        tp.key("difficulty"),
        t.difficulty.get_or_insert(RawDist::Fixed(d::DIFFICULTY)),
        0.0,
        1.0,
        true,
    );
    let value_rule = c.choice(
        tp.key("value_rule"),
        &mut t.value_rule,
        d::VALUE_RULE,
        ValueRule::parse,
    );
    if let Some(ValueRule::Threshold(k)) = value_rule
        && k > subtasks
    {
        c.problems.push(
            Problem::new(
                tp.key("value_rule"),
                format!(
                    "`threshold({k})` needs {k} correct subtasks, but tasks have only {subtasks}"
                ),
            )
            .help(format!(
                "use k ≤ tasks.subtasks = {subtasks}, or raise tasks.subtasks"
            )),
        );
    }
    let tasks = Tasks {
        arrival_rate: c.num(
            tp.key("arrival_rate"),
            &mut t.arrival_rate,
            d::ARRIVAL_RATE,
            0.0,
            1e6,
        ),
        subtasks,
        domains,
        difficulty,
        answers: c.int(
            tp.key("answers"),
            &mut t.answers,
            d::ANSWERS,
            2,
            u16::MAX as i64,
        ) as u32,
        reward: c.num(
            tp.key("reward"),
            &mut t.reward,
            d::REWARD,
            0.0,
            d::MAX_AMOUNT,
        ),
        value_rule: value_rule.unwrap_or(ValueRule::All),
        deadline: c.int(
            tp.key("deadline"),
            &mut t.deadline,
            d::DEADLINE,
            1,
            1_000_000,
        ) as u32,
    };

    // Population.
    let pp = root.key("population");
    if raw.population.is_empty() {
        c.problems.push(
            Problem::new(root.clone(), "the scenario has no `[[population]]` group")
                .help("add a group, e.g.\n[[population]]\nname = \"workers\"\ncount = 10"),
        );
    }
    let mut groups = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for (i, g) in raw.population.iter_mut().enumerate() {
        let gp = pp.index(i);
        groups.push(validate_group(&mut c, g, &gp, domains, &mut names));
    }
    let population: u64 = groups
        .iter()
        .map(|g: &Group| u64::from(g.count) * u64::from(g.strategy.identities()))
        .sum();
    if population > 10_000_000 {
        c.problems.push(Problem::new(
            pp.clone(),
            format!("the population has {population} agents; at most 10000000 are supported"),
        ));
    }
    if !raw.population.is_empty() && population == 0 {
        c.problems.push(Problem::new(
            pp.clone(),
            "the population has no agents: every group has count 0",
        ));
    }

    let topology = c.choice(
        root.key("topology").key("kind"),
        &mut raw.topology.kind,
        d::TOPOLOGY,
        Topology::parse,
    );
    let failover_ticks = c.int(
        root.key("topology").key("failover_ticks"),
        &mut raw.topology.failover_ticks,
        d::FAILOVER_TICKS,
        1,
        u32::MAX as i64,
    ) as u32;

    let ap = root.key("assignment");
    let a = &mut raw.assignment;
    let policy = c.choice(ap.key("policy"), &mut a.policy, d::POLICY, Policy::parse);
    let redundancy = c.int(
        ap.key("redundancy"),
        &mut a.redundancy,
        d::REDUNDANCY,
        1,
        1_000_000,
    ) as u32;
    if population > 0 && u64::from(redundancy) > population {
        c.problems.push(
            Problem::new(
                ap.key("redundancy"),
                format!(
                    "redundancy {redundancy} is larger than the population ({population} agents)"
                ),
            )
            .help(format!("use a redundancy of at most {population}")),
        );
    }
    if let Some(Topology::Decentralized { fanout }) = topology
        && fanout < redundancy
    {
        c.problems.push(
            Problem::new(
                root.key("topology").key("kind"),
                format!("an announcement to {fanout} peers cannot find the {redundancy} workers that redundancy asks for"),
            )
            .help(format!("use `decentralized({redundancy})` or more, or a smaller redundancy")),
        );
    }
    if topology == Some(Topology::Single) {
        if population > 1 {
            c.problems.push(
                Problem::new(
                    root.key("topology").key("kind"),
                    format!("topology `single` is one generalist agent, but the population has {population}"),
                )
                .help("give the population a single group with count = 1, or use topology `star`"),
            );
        }
        if redundancy > 1 {
            c.problems.push(Problem::new(
                ap.key("redundancy"),
                format!(
                    "topology `single` has one agent, so redundancy must be 1, found {redundancy}"
                ),
            ));
        }
    }

    let cp = root.key("consensus");
    let rule = c.choice(
        cp.key("rule"),
        &mut raw.consensus.rule,
        d::CONSENSUS,
        ConsensusRule::parse,
    );
    let consensus = Consensus {
        rule: rule.unwrap_or(ConsensusRule::Majority),
        audit_cost: c.num(
            cp.key("audit_cost"),
            &mut raw.consensus.audit_cost,
            d::AUDIT_COST,
            0.0,
            d::MAX_AMOUNT,
        ),
    };

    let mp = root.key("messages");
    let m = &mut raw.messages;
    let messages = Messages {
        latency: c.int(mp.key("latency"), &mut m.latency, d::LATENCY, 1, 1_000_000) as u32,
        loss: c.prob(mp.key("loss"), &mut m.loss, d::LOSS),
        timeout: c.int(mp.key("timeout"), &mut m.timeout, d::TIMEOUT, 1, 1_000_000) as u32,
        retries: c.int(mp.key("retries"), &mut m.retries, d::RETRIES, 0, 100) as u32,
        assignment_bytes: c.int(
            mp.key("assignment_bytes"),
            &mut m.assignment_bytes,
            d::ASSIGNMENT_BYTES,
            0,
            d::MAX_MESSAGE_BYTES,
        ) as u64,
        answer_bytes: c.int(
            mp.key("answer_bytes"),
            &mut m.answer_bytes,
            d::ANSWER_BYTES,
            0,
            d::MAX_MESSAGE_BYTES,
        ) as u64,
    };

    let crp = root.key("credit");
    let mechanism = c.choice(
        crp.key("mechanism"),
        &mut raw.credit.mechanism,
        d::MECHANISM,
        |t| match MechanismKind::parse(t)? {
            MechanismKind::Nucleolus(_) => Err("`nucleolus` solves a sequence of linear programmes over all \
                 coalitions: it is for `lamas credit`, too slow to run on every task of a simulation"
                .to_string()),
            m => Ok(m),
        },
    );
    let observation = c.choice(
        crp.key("observation"),
        &mut raw.credit.observation,
        d::OBSERVATION,
        Observation::parse,
    );

    let ecp = root.key("economy");
    let traffic_rule = match raw.economy.traffic_rule.as_deref() {
        None | Some("equal") => TrafficRule::Equal,
        Some("credit") => TrafficRule::Credit,
        Some(other) => {
            let hint = suggest(other, ["equal", "credit"])
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            c.problems.push(
                Problem::new(
                    ecp.key("traffic_rule"),
                    format!("unknown traffic rule `{other}`"),
                )
                .help(format!("{hint}expected `equal` or `credit`")),
            );
            TrafficRule::Equal
        }
    };
    let economy = Economy {
        platform_fee: c.prob(
            ecp.key("platform_fee"),
            &mut raw.economy.platform_fee,
            d::PLATFORM_FEE,
        ),
        traffic_revenue: c.num(
            ecp.key("traffic_revenue"),
            &mut raw.economy.traffic_revenue,
            0.0,
            0.0,
            1e12,
        ),
        traffic_share: c.prob(
            ecp.key("traffic_share"),
            &mut raw.economy.traffic_share,
            0.0,
        ),
        traffic_rule,
    };
    // Absent traffic keys stay absent from the resolved scenario (and its hash).
    if raw.economy.traffic_revenue == Some(0.0) && raw.economy.traffic_share == Some(0.0) {
        raw.economy.traffic_revenue = None;
        raw.economy.traffic_share = None;
    }

    let ep = root.key("experience");
    let e = &mut raw.experience;
    let experience = Experience {
        learning_rate: c.prob(
            ep.key("learning_rate"),
            &mut e.learning_rate,
            d::LEARNING_RATE,
        ),
        skill_decay: c.prob(ep.key("skill_decay"), &mut e.skill_decay, d::SKILL_DECAY),
        reputation_rate: c.prob(
            ep.key("reputation_rate"),
            &mut e.reputation_rate,
            d::REPUTATION_RATE,
        ),
        initial_reputation: c.prob(
            ep.key("initial_reputation"),
            &mut e.initial_reputation,
            d::INITIAL_REPUTATION,
        ),
    };

    let population: u32 = groups.iter().map(Group::agents).sum();
    let faults = match raw.faults.as_mut() {
        Some(f) => {
            let fp = root.key("faults");
            let mttr = c.num(
                fp.key("mean_repair_ticks"),
                &mut f.mean_repair_ticks,
                0.0,
                0.0,
                1e12,
            );
            let mut events = Vec::new();
            for (i, e) in f.event.iter_mut().enumerate() {
                let ep = fp.key("event").index(i);
                let tick = match e.tick {
                    Some(_) => c.int(ep.key("tick"), &mut e.tick, 0, 0, u32::MAX as i64) as u32,
                    None => {
                        c.problems.push(
                            Problem::new(ep.clone(), "missing key `tick`")
                                .help("the tick at whose start the event fires"),
                        );
                        0
                    }
                };
                let name = e.kind.as_deref();
                let mut kind = match name {
                    Some("crash") => Some(FaultKind::Crash),
                    Some("recover") => Some(FaultKind::Recover),
                    Some("partition") => Some(FaultKind::Partition),
                    Some("heal") => Some(FaultKind::Heal),
                    Some("byzantine") => Some(FaultKind::Byzantine),
                    Some("loss_burst") => Some(FaultKind::LossBurst {
                        loss: 0.0,
                        duration: 1,
                    }),
                    Some("orchestrator_crash") => Some(FaultKind::OrchestratorCrash),
                    Some(other) => {
                        let hint = suggest(other, FaultKind::NAMES.iter().copied())
                            .map(|s| format!("did you mean `{s}`? "))
                            .unwrap_or_default();
                        c.problems.push(
                            Problem::new(ep.key("kind"), format!("unknown fault event `{other}`"))
                                .help(format!("{hint}kinds: `{}`", FaultKind::NAMES.join("`, `"))),
                        );
                        None
                    }
                    None => {
                        c.problems.push(
                            Problem::new(ep.clone(), "missing key `kind`")
                                .help(format!("one of `{}`", FaultKind::NAMES.join("`, `"))),
                        );
                        None
                    }
                };
                // `loss` and `duration` belong to `loss_burst` only.
                if let Some(FaultKind::LossBurst { loss, duration }) = &mut kind {
                    for (key, present) in [
                        ("loss", e.loss.is_some()),
                        ("duration", e.duration.is_some()),
                    ] {
                        if !present {
                            c.problems.push(
                                Problem::new(ep.clone(), format!("missing key `{key}`")).help(
                                    "a `loss_burst` needs `loss` (extra loss probability) and `duration` (ticks)",
                                ),
                            );
                        }
                    }
                    if e.loss.is_some() {
                        *loss = c.prob(ep.key("loss"), &mut e.loss, 0.0);
                    }
                    if e.duration.is_some() {
                        *duration =
                            c.int(ep.key("duration"), &mut e.duration, 1, 1, u32::MAX as i64)
                                as u32;
                    }
                } else if kind.is_some() {
                    for (key, present) in [
                        ("loss", e.loss.is_some()),
                        ("duration", e.duration.is_some()),
                    ] {
                        if present {
                            c.problems.push(
                                Problem::new(
                                    ep.key(key),
                                    format!("`{key}` belongs to `loss_burst` events only"),
                                )
                                .help("remove it, or make the event a `loss_burst`"),
                            );
                        }
                    }
                }
                let tp = ep.key("target");
                const TARGETS: &str = "a fraction in (0, 1], a group's name or a list of agent ids";
                let target = match (&e.target, kind) {
                    (None, Some(FaultKind::Heal | FaultKind::LossBurst { .. })) => {
                        Some(Target::All)
                    }
                    (None, Some(FaultKind::OrchestratorCrash)) => Some(Target::Root),
                    (
                        Some(toml::Value::String(_) | toml::Value::Array(_)),
                        Some(FaultKind::OrchestratorCrash),
                    ) => {
                        c.problems.push(
                            Problem::new(tp.clone(), "`orchestrator_crash` strikes coordinators, not agents")
                                .help("leave `target` out (the root) or give a fraction in (0, 1] of all coordinators"),
                        );
                        None
                    }
                    (Some(toml::Value::Float(x)), _) if *x > 0.0 && *x <= 1.0 => {
                        Some(Target::Fraction(*x))
                    }
                    (Some(toml::Value::Integer(1)), _) => Some(Target::Fraction(1.0)),
                    (Some(toml::Value::String(name)), _) => {
                        match groups.iter().position(|g| &g.name == name) {
                            Some(gi) => Some(Target::Group(gi as u16)),
                            None => {
                                let hint = suggest(name, groups.iter().map(|g| g.name.as_str()))
                                    .map(|s| format!("did you mean `{s}`? "))
                                    .unwrap_or_default();
                                c.problems.push(
                                    Problem::new(tp.clone(), format!("no group is named `{name}`"))
                                        .help(format!("{hint}a target is {TARGETS}")),
                                );
                                None
                            }
                        }
                    }
                    (Some(toml::Value::Array(ids)), _) => {
                        let mut out = Vec::new();
                        for (k, v) in ids.iter().enumerate() {
                            match v.as_integer() {
                                Some(id) if id >= 0 && id < i64::from(population) => {
                                    out.push(id as u32)
                                }
                                _ => c.problems.push(Problem::new(
                                    tp.index(k),
                                    format!("expected an agent id in 0..{population}, found {v}"),
                                )),
                            }
                        }
                        Some(Target::Agents(out))
                    }
                    (Some(other), _) => {
                        c.problems.push(Problem::new(
                            tp.clone(),
                            format!("expected {TARGETS}, found {other}"),
                        ));
                        None
                    }
                    (None, Some(_)) => {
                        c.problems
                            .push(Problem::new(ep.clone(), "missing key `target`").help(TARGETS));
                        None
                    }
                    (None, None) => None,
                };
                if let (Some(kind), Some(target)) = (kind, target) {
                    events.push(FaultEvent { tick, kind, target });
                }
            }
            events.sort_by_key(|e| e.tick);
            Faults {
                drop_probability: c.prob(fp.key("drop_probability"), &mut f.drop_probability, 0.0),
                crash_probability: c.prob(
                    fp.key("crash_probability"),
                    &mut f.crash_probability,
                    0.0,
                ),
                repair_probability: if mttr > 0.0 {
                    (1.0 / mttr).min(1.0)
                } else {
                    0.0
                },
                orchestrator_crash_probability: c.prob(
                    fp.key("orchestrator_crash_probability"),
                    &mut f.orchestrator_crash_probability,
                    0.0,
                ),
                byzantine_probability: c.prob(
                    fp.key("byzantine_probability"),
                    &mut f.byzantine_probability,
                    0.0,
                ),
                delay_probability: c.prob(
                    fp.key("delay_probability"),
                    &mut f.delay_probability,
                    0.0,
                ),
                link_loss: match f.link_loss.as_ref() {
                    None => None,
                    Some(d) => match c.dist(fp.key("link_loss"), d, 0.0, 1.0, false) {
                        Dist::Fixed(0.0) => None,
                        d => Some(d),
                    },
                },
                extra_latency: c.int(
                    fp.key("extra_latency"),
                    &mut f.extra_latency,
                    0,
                    0,
                    1_000_000,
                ) as u32,
                events,
            }
        }
        None => Faults::default(),
    };
    let privacy = raw.privacy.as_mut().map(|p| {
        let pp = root.key("privacy");
        let share = c.prob(pp.key("share"), &mut p.share, 1.0);
        let aggregate = match p.aggregate.get_or_insert_with(|| "sum".into()).as_str() {
            "sum" => Aggregate::Sum,
            "mean" => Aggregate::Mean,
            other => {
                let hint = suggest(other, ["sum", "mean"])
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                c.problems.push(
                    Problem::new(pp.key("aggregate"), format!("unknown aggregate `{other}`"))
                        .help(format!("{hint}`sum` or `mean`")),
                );
                Aggregate::Sum
            }
        };
        // Default: 5 participants, or the whole population when it is smaller.
        let default_participants = i64::from(population.clamp(1, 5));
        let participants = c.int(
            pp.key("participants"),
            &mut p.participants,
            default_participants,
            1,
            1_000_000,
        ) as u32;
        if population > 0 && participants > population {
            c.problems.push(
                Problem::new(
                    pp.key("participants"),
                    format!("{participants} participants per private task, but the population has {population} agents"),
                )
                .help(format!("use at most {population}")),
            );
        }
        if let Some(Topology::Decentralized { fanout }) = topology
            && fanout < participants
        {
            c.problems.push(
                Problem::new(
                    pp.key("participants"),
                    format!("an announcement to {fanout} peers cannot find {participants} participants"),
                )
                .help(format!("use `decentralized({participants})` or more")),
            );
        }
        if topology == Some(Topology::Single) && participants > 1 {
            c.problems.push(Problem::new(
                pp.key("participants"),
                "topology `single` has one agent, so a private task has 1 participant",
            ));
        }
        let values = c.dist(
            pp.key("values"),
            p.values
                .get_or_insert_with(|| RawDist::Text("uniform(0, 10)".into())),
            0.0,
            d::MAX_AMOUNT,
            false,
        );
        let tolerance = c.num(pp.key("tolerance"), &mut p.tolerance, 1.0, 0.0, f64::INFINITY);
        // `epsilon`, `delta` and `bound` keys fill the parameters the call leaves out.
        let table = [("epsilon", p.epsilon), ("delta", p.delta), ("bound", p.bound)];
        let mechanism = c
            .choice(pp.key("mechanism"), &mut p.mechanism, "none", |text| {
                crate::privacy::PrivacyKind::parse(&fill_parameters(text, &table)?).map_err(|e| {
                    match e.split_once("needs its parameter `") {
                        Some((_, rest)) => {
                            let name = rest.split('`').next().unwrap_or("");
                            format!("{e}, or set `privacy.{name}`")
                        }
                        None => e,
                    }
                })
            })
            .unwrap_or(crate::privacy::PrivacyKind::None(crate::privacy::NoPrivacy));
        let epsilon = match p.budget {
            Some(b) if !(b > 0.0 && b.is_finite()) => {
                c.problems.push(Problem::new(
                    pp.key("budget"),
                    format!("expected an ε budget > 0, found {b}"),
                ));
                f64::INFINITY
            }
            Some(b) => b,
            None => f64::INFINITY,
        };
        let delta = match p.budget_delta {
            Some(d) if !(d > 0.0 && d <= 1.0) => {
                c.problems.push(Problem::new(
                    pp.key("budget_delta"),
                    format!("expected a δ budget in (0, 1], found {d}"),
                ));
                1.0
            }
            Some(d) => d,
            None => 1.0,
        };
        let composition = c
            .choice(
                pp.key("composition"),
                &mut p.composition,
                "sequential",
                crate::privacy::accounting::Composition::parse,
            )
            .unwrap_or(crate::privacy::accounting::Composition::Sequential);
        Privacy {
            share,
            aggregate,
            participants,
            values,
            tolerance,
            mechanism,
            budget: crate::privacy::accounting::Budget {
                epsilon,
                delta,
                composition,
            },
        }
    });
    let adaptation = raw.adaptation.as_mut().map(|a| {
        let ap = root.key("adaptation");
        let every = c.int(ap.key("every"), &mut a.every, 10, 1, u32::MAX as i64) as u32;
        let beta = c.num(ap.key("beta"), &mut a.beta, 1.0, 0.0, 1e6);
        let mu = c.prob(ap.key("mu"), &mut a.mu, 0.0);
        let strategies = match &a.strategies {
            Some(list) => strategy_list(&mut c, &ap, "strategies", list),
            None => {
                let mut pool: Vec<Strategy> = Vec::new();
                for g in groups.iter().filter(|g| g.adaptive && g.count > 0) {
                    if !pool.contains(&g.strategy) {
                        pool.push(g.strategy);
                    }
                }
                pool
            }
        };
        let entry_strategies = match &a.entry_strategies {
            Some(list) => strategy_list(&mut c, &ap, "entry_strategies", list),
            None => strategies.clone(),
        };
        if let Some(t) = a.exit_threshold
            && !t.is_finite()
        {
            c.problems.push(Problem::new(
                ap.key("exit_threshold"),
                "expected a finite number",
            ));
        }
        let entry_rate = c.num(ap.key("entry_rate"), &mut a.entry_rate, 0.0, 0.0, 1e6);
        let entry_group = match &a.entry_group {
            Some(name) => match groups.iter().position(|g| &g.name == name) {
                Some(i) => i,
                None => {
                    let hint = suggest(name, groups.iter().map(|g| g.name.as_str()))
                        .map(|s| format!("did you mean `{s}`? "))
                        .unwrap_or_default();
                    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
                    c.problems.push(
                        Problem::new(ap.key("entry_group"), format!("no group is named `{name}`"))
                            .help(format!("{hint}groups: {}", names.join(", "))),
                    );
                    0
                }
            },
            None => groups.iter().position(|g| g.adaptive).unwrap_or(0),
        };
        if entry_rate > 0.0 && entry_strategies.is_empty() {
            c.problems.push(
                Problem::new(ap.key("entry_rate"), "entrants have no strategy to take")
                    .help("list `entry_strategies` (no group is adaptive)"),
            );
        }
        Adaptation {
            every,
            beta,
            mu,
            strategies,
            exit_threshold: a.exit_threshold,
            entry_rate,
            entry_strategies,
            entry_group,
        }
    });
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

    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    Ok(Scenario {
        name,
        ticks,
        seed,
        groups,
        tasks,
        topology: topology.unwrap_or(Topology::Star),
        failover_ticks,
        assignment: Assignment {
            policy: policy.unwrap_or(Policy::BestSkill),
            redundancy,
        },
        consensus,
        messages,
        credit: Credit {
            mechanism: mechanism.unwrap_or(MechanismKind::Equal(crate::credit::Equal)),
            observation: observation.unwrap_or(Observation::GroundTruth),
        },
        economy,
        experience,
        faults,
        privacy,
        adaptation,
        bank,
        llm: models,
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

/// Parses a list of strategies an agent may adopt (no `sybil(k)`), reporting each bad entry.
fn strategy_list(c: &mut Checker, at: &KeyPath, key: &str, list: &[String]) -> Vec<Strategy> {
    if list.is_empty() {
        c.problems.push(
            Problem::new(at.key(key), "the list of strategies is empty")
                .help("name at least one strategy, or remove the key"),
        );
    }
    list.iter()
        .enumerate()
        .filter_map(|(i, text)| {
            let p = at.key(key).index(i);
            match Strategy::parse(text) {
                Ok(Strategy::Sybil(_)) => {
                    c.problems.push(Problem::new(
                        p,
                        "agents cannot adopt `sybil(k)` (an owner of several identities)",
                    ));
                    None
                }
                Ok(s) => Some(s),
                Err(e) => {
                    c.problems.push(Problem::new(p, e));
                    None
                }
            }
        })
        .collect()
}

fn validate_group(
    c: &mut Checker,
    g: &mut RawGroup,
    gp: &KeyPath,
    domains: u32,
    names: &mut Vec<String>,
) -> Group {
    use defaults as d;
    let name = match &g.name {
        Some(n)
            if n.is_empty()
                || !n
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-') =>
        {
            c.problems.push(Problem::new(
                gp.key("name"),
                format!(
                    "group name `{n}` must be non-empty and use only letters, digits, `_` and `-`"
                ),
            ));
            n.clone()
        }
        Some(n) => {
            if names.contains(n) {
                c.problems.push(Problem::new(
                    gp.key("name"),
                    format!("a group named `{n}` is already defined"),
                ));
            }
            n.clone()
        }
        None => {
            c.problems.push(
                Problem::new(gp.clone(), "missing key `name`")
                    .help("every group needs a unique `name`"),
            );
            String::new()
        }
    };
    names.push(name.clone());
    let count = match g.count {
        Some(_) => c.int(gp.key("count"), &mut g.count, 1, 0, 10_000_000) as u32,
        None => {
            c.problems.push(
                Problem::new(gp.clone(), "missing key `count`")
                    .help("add `count = <number of agents>`"),
            );
            0
        }
    };
    let strategy = c.choice(
        gp.key("strategy"),
        &mut g.strategy,
        d::STRATEGY,
        Strategy::parse,
    );
    let skill_raw = g
        .skill
        .get_or_insert(RawSkill::All(RawDist::Fixed(d::SKILL)))
        .clone();
    let skill = match &skill_raw {
        RawSkill::All(dist) => {
            vec![c.dist(gp.key("skill"), dist, 0.0, 1.0, false); domains as usize]
        }
        RawSkill::PerDomain(list) => {
            if list.len() != domains as usize {
                c.problems.push(
                    Problem::new(
                        gp.key("skill"),
                        format!(
                            "expected one skill per domain ({domains}), found {}",
                            list.len()
                        ),
                    )
                    .help("give one entry per domain, or a single value for all domains"),
                );
            }
            list.iter()
                .enumerate()
                .map(|(i, dist)| c.dist(gp.key("skill").index(i), dist, 0.0, 1.0, false))
                .collect()
        }
    };
    Group {
        name,
        count,
        strategy: strategy.unwrap_or(Strategy::Honest(crate::strategy::Honest)),
        skill,
        effort_cost: c.num(
            gp.key("effort_cost"),
            &mut g.effort_cost,
            d::EFFORT_COST,
            0.0,
            d::MAX_AMOUNT,
        ),
        participation_cost: c.num(
            gp.key("participation_cost"),
            &mut g.participation_cost,
            d::PARTICIPATION_COST,
            0.0,
            d::MAX_AMOUNT,
        ),
        capacity: c.int(
            gp.key("capacity"),
            &mut g.capacity,
            d::CAPACITY,
            1,
            1_000_000,
        ) as u32,
        adaptive: match (g.adaptive, strategy) {
            (Some(true), Some(Strategy::Sybil(_))) => {
                c.problems.push(
                    Problem::new(gp.key("adaptive"), "a `sybil(k)` group cannot be adaptive")
                        .help("an owner of several identities does not revise its strategy; remove `adaptive`"),
                );
                false
            }
            (_, Some(Strategy::Sybil(_))) => false,
            (a, _) => a.unwrap_or(true),
        },
        llm: None,
        lure: match g.lure {
            Some(_) => c.prob(gp.key("lure"), &mut g.lure, d::LURE),
            None => d::LURE,
        },
        shared: match g.shared {
            Some(_) => c.prob(gp.key("shared"), &mut g.shared, d::SHARED),
            None => d::SHARED,
        },
        accuracy: match &g.accuracy {
            Some(text) => AccuracyCurve::parse(text).unwrap_or_else(|e| {
                c.problems.push(Problem::new(gp.key("accuracy"), e));
                AccuracyCurve::Linear
            }),
            None => AccuracyCurve::parse(d::ACCURACY).unwrap_or(AccuracyCurve::Linear),
        },
    }
}
