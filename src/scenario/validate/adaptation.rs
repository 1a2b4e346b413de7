//! `[adaptation]`: strategies imitated by the Fermi rule every `every` ticks, mutation, exits
//! below a threshold, and entrants (their rate, strategies and group).

use super::Checker;
use super::population::strategy_list;
use crate::scenario::raw::RawAdaptation;
use crate::scenario::{Adaptation, Group};
use crate::strategy::Strategy;
use crate::syntax::error::{KeyPath, Problem};
use crate::syntax::spec::suggest;

/// The validated `[adaptation]` of `groups`.
pub(super) fn adaptation(c: &mut Checker, a: &mut RawAdaptation, groups: &[Group]) -> Adaptation {
    let ap = KeyPath::root().key("adaptation");
    let every = c.int(ap.key("every"), &mut a.every, 10, 1, u32::MAX as i64) as u32;
    let beta = c.num(ap.key("beta"), &mut a.beta, 1.0, 0.0, 1e6);
    let mu = c.prob(ap.key("mu"), &mut a.mu, 0.0);
    let strategies = match &a.strategies {
        Some(list) => strategy_list(c, &ap, "strategies", list),
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
        Some(list) => strategy_list(c, &ap, "entry_strategies", list),
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
}
