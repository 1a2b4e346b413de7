//! `[tasks]`: arrivals, subtasks, domains, difficulty, answers, reward, the value rule and the
//! deadline (a `threshold(k)` rule within the subtasks).

use super::{Checker, defaults as d};
use crate::rules::value::ValueRule;
use crate::scenario::Tasks;
use crate::scenario::raw::{RawDist, RawTasks};
use crate::syntax::error::{KeyPath, Problem};

/// The validated `[tasks]` (the groups' skills need its number of domains).
pub(super) fn tasks(c: &mut Checker, t: &mut RawTasks) -> Tasks {
    let tp = KeyPath::root().key("tasks");
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
    Tasks {
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
    }
}
