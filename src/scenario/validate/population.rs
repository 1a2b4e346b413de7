//! `[[population]]`: every group (name, count, strategy, skills, adaptivity) and the
//! population's size (at least one agent, at most 10^7).

use super::{Checker, defaults};
use crate::dist::Dist;
use crate::rules::accuracy::AccuracyCurve;
use crate::scenario::Group;
use crate::scenario::raw::{RawDist, RawGroup, RawSkill};
use crate::strategy::Strategy;
use crate::syntax::error::{KeyPath, Problem};

/// The validated groups and the number of agents they make (a `sybil(k)` member is k).
pub(super) fn population(c: &mut Checker, raw: &mut [RawGroup], domains: u32) -> (Vec<Group>, u64) {
    let root = KeyPath::root();
    let pp = root.key("population");
    if raw.is_empty() {
        c.problems.push(
            Problem::new(root.clone(), "the scenario has no `[[population]]` group")
                .help("add a group, e.g.\n[[population]]\nname = \"workers\"\ncount = 10"),
        );
    }
    let mut groups = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut models: Vec<String> = Vec::new();
    for (i, g) in raw.iter_mut().enumerate() {
        let gp = pp.index(i);
        let mut group = validate_group(c, g, &gp, domains, &mut names);
        latent(c, g, &gp, &mut group, &mut models);
        groups.push(group);
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
    if !raw.is_empty() && population == 0 {
        c.problems.push(Problem::new(
            pp.clone(),
            "the population has no agents: every group has count 0",
        ));
    }
    (groups, population)
}

/// Parses a list of strategies an agent may adopt (no `sybil(k)`), reporting each bad entry.
pub(super) fn strategy_list(
    c: &mut Checker,
    at: &KeyPath,
    key: &str,
    list: &[String],
) -> Vec<Strategy> {
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
    let name = group_name(c, g, gp, names);
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
    let skill = skills(c, g, gp, domains);
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
        llm: Vec::new(),
        policy: None,
        decide_every: super::decisions::defaults::DECIDE_EVERY as u32,
        institution: 0,
        item_loading: d::ITEM_LOADING,
        model: None,
        model_loading: d::MODEL_LOADING,
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

/// The latent item effects of a group: `item_loading` λ, `model` and `model_loading` μ (read only
/// when given, so that a scenario without them resolves as before); the model's name becomes an
/// index into `models`. A loading shifts the log-odds of the logistic curve, so it needs one.
fn latent(
    c: &mut Checker,
    g: &mut RawGroup,
    gp: &KeyPath,
    group: &mut Group,
    models: &mut Vec<String>,
) {
    use defaults as d;
    let loading = |c: &mut Checker, key: &str, v: &mut Option<f64>, default: f64| match v {
        Some(_) => c.num(gp.key(key), v, default, 0.0, d::MAX_LOADING),
        None => default,
    };
    group.item_loading = loading(c, "item_loading", &mut g.item_loading, d::ITEM_LOADING);
    group.model_loading = loading(c, "model_loading", &mut g.model_loading, d::MODEL_LOADING);
    if let Some(name) = &g.model {
        if name.is_empty()
            || !name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "_-./:".contains(ch))
        {
            c.problems.push(Problem::new(
                gp.key("model"),
                format!(
                    "model name `{name}` must be non-empty and use only letters, digits and `_-./:`"
                ),
            ));
        }
        let i = models.iter().position(|m| m == name).unwrap_or_else(|| {
            models.push(name.clone());
            models.len() - 1
        });
        group.model = Some(i as u16);
    } else if group.model_loading > 0.0 {
        c.problems.push(
            Problem::new(gp.key("model_loading"), "a loading on a model's item effect needs the model")
                .help("name the model the group stands for, e.g. `model = \"qwen2.5-coder-1.5b\"`: groups of one model share its item effect"),
        );
    }
    let loaded = group.item_loading > 0.0 || group.model_loading > 0.0;
    if loaded && !matches!(group.accuracy, AccuracyCurve::Logistic { .. }) {
        let key = if g.item_loading.is_some_and(|l| l > 0.0) {
            "item_loading"
        } else {
            "model_loading"
        };
        c.problems.push(
            Problem::new(gp.key(key), "a latent item effect shifts the log-odds of the logistic accuracy curve, but the group's curve is `linear`")
                .help("set `accuracy = \"logistic(slope)\"` (`logistic(0)` for no fall with difficulty)"),
        );
    }
}

/// The group's `name`: present, of letters, digits, `_` and `-`, and not taken by an earlier
/// group of `names`.
fn group_name(c: &mut Checker, g: &RawGroup, gp: &KeyPath, names: &[String]) -> String {
    match &g.name {
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
    }
}

/// The group's skill in each of the `domains`: one distribution for all, or one per domain.
fn skills(c: &mut Checker, g: &mut RawGroup, gp: &KeyPath, domains: u32) -> Vec<Dist> {
    use defaults as d;
    let skill_raw = g
        .skill
        .get_or_insert(RawSkill::All(RawDist::Fixed(d::SKILL)))
        .clone();
    match &skill_raw {
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
    }
}
