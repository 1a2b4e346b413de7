//! `[[institution]]` and `[choice]`: two or more teams in one world, each with its own credit
//! mechanism and fee, the institution each group starts in, and how agents without a `policy`
//! choose between them. Without institutions, a group's `institution` and `[choice]` are
//! mistakes; with them, the decentralized topology and private tasks are refused (their
//! protocols do not know institutions yet).

use super::Checker;
use crate::rules::Topology;
use crate::scenario::raw::RawScenario;
use crate::scenario::{Choice, Group, Institution};
use crate::syntax::error::{KeyPath, Problem};
use crate::syntax::spec::suggest;

/// The defaults of `[choice]` (documented in `docs/model.md`).
pub mod defaults {
    /// `choice.every`, ticks.
    pub const EVERY: i64 = 10;
    /// `choice.beta`.
    pub const BETA: f64 = 1.0;
    /// `choice.inertia`.
    pub const INERTIA: f64 = 0.0;
}

/// The most institutions a world may have.
pub const MAX_INSTITUTIONS: usize = 16;

/// The validated institutions and `[choice]`; sets each group's starting institution.
pub(super) fn institutions(
    c: &mut Checker,
    raw: &mut RawScenario,
    groups: &mut [Group],
    topology: Topology,
) -> (Vec<Institution>, Option<Choice>) {
    let at = KeyPath::root().key("institution");
    if raw.institution.is_empty() {
        refuse_without(c, raw);
        return (Vec::new(), None);
    }
    let n = raw.institution.len();
    if !(2..=MAX_INSTITUTIONS).contains(&n) {
        c.problems.push(
            Problem::new(at.clone(), format!("{n} institution(s); expected 2 to {MAX_INSTITUTIONS}"))
                .help("institutions are teams agents choose between: give two or more, or remove `[[institution]]` for one team under `[credit]`"),
        );
    }
    if matches!(topology, Topology::Decentralized { .. }) {
        c.problems.push(
            Problem::new(KeyPath::root().key("topology").key("kind"), "institutions need a coordinator")
                .help("the decentralized announce–bid–award does not know institutions yet: use `star`, `hierarchical` or `single`, or remove `[[institution]]`"),
        );
    }
    if raw.privacy.is_some() {
        c.problems.push(
            Problem::new(
                KeyPath::root().key("privacy"),
                "private tasks with institutions are not supported",
            )
            .help("remove `[privacy]` or `[[institution]]`"),
        );
    }
    let list = each(c, raw);
    starts(c, raw, groups, &list);
    let ch = raw.choice.get_or_insert_with(Default::default);
    let cp = KeyPath::root().key("choice");
    let choice = Choice {
        every: c.int(
            cp.key("every"),
            &mut ch.every,
            defaults::EVERY,
            1,
            1_000_000,
        ) as u32,
        beta: c.num(cp.key("beta"), &mut ch.beta, defaults::BETA, 0.0, 1e6),
        inertia: c.prob(cp.key("inertia"), &mut ch.inertia, defaults::INERTIA),
    };
    (list, Some(choice))
}

/// Each `[[institution]]`: a unique name of letters, digits, `-` and `_`, its mechanism
/// (default `credit.mechanism`) and fee (default `economy.platform_fee`).
fn each(c: &mut Checker, raw: &mut RawScenario) -> Vec<Institution> {
    let mechanism = raw.credit.mechanism.clone().unwrap_or_default();
    let fee = raw.economy.platform_fee.unwrap_or(0.0);
    let mut list: Vec<Institution> = Vec::new();
    for (i, r) in raw.institution.iter_mut().enumerate() {
        let at = KeyPath::root().key("institution").index(i);
        let name = r.name.clone().unwrap_or_default();
        let fine = (1..=32).contains(&name.len())
            && name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
        if !fine {
            c.problems.push(
                Problem::new(at.key("name"), format!("expected a name of 1 to 32 letters, digits, `-` or `_`, found `{name}`"))
                    .help("e.g. name = \"sanctioning\"; it names the institution in metrics and in what models are told"),
            );
        } else if list.iter().any(|k| k.name == name) {
            c.problems.push(
                Problem::new(
                    at.key("name"),
                    format!("a second institution named `{name}`"),
                )
                .help("give each institution its own name"),
            );
        }
        let m = c.choice(
            at.key("mechanism"),
            &mut r.mechanism,
            &mechanism,
            super::credit::mechanism,
        );
        let fee = c.prob(at.key("fee"), &mut r.fee, fee);
        if let Some(mechanism) = m {
            list.push(Institution {
                name,
                mechanism,
                fee,
            });
        }
    }
    list
}

/// Each group's `institution`: a name of `list` (default the first).
fn starts(c: &mut Checker, raw: &mut RawScenario, groups: &mut [Group], list: &[Institution]) {
    let first = list.first().map(|k| k.name.clone()).unwrap_or_default();
    for (i, (g, group)) in raw.population.iter_mut().zip(groups.iter_mut()).enumerate() {
        let name = g.institution.get_or_insert_with(|| first.clone());
        match list.iter().position(|k| &k.name == name) {
            Some(k) => group.institution = k as u8,
            None => {
                let hint = suggest(name, list.iter().map(|k| k.name.as_str()))
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                let names: Vec<&str> = list.iter().map(|k| k.name.as_str()).collect();
                c.problems.push(
                    Problem::new(
                        KeyPath::root()
                            .key("population")
                            .index(i)
                            .key("institution"),
                        format!("unknown institution `{name}`"),
                    )
                    .help(format!("{hint}institutions: {}", names.join(", "))),
                );
            }
        }
    }
}

/// Without institutions: a group's `institution` and `[choice]` are mistakes.
fn refuse_without(c: &mut Checker, raw: &RawScenario) {
    for (i, g) in raw.population.iter().enumerate() {
        if g.institution.is_some() {
            c.problems.push(
                Problem::new(
                    KeyPath::root().key("population").index(i).key("institution"),
                    "`institution` without `[[institution]]`",
                )
                .help("define the institutions in `[[institution]]` tables (a name, a mechanism, a fee), or remove `institution`"),
            );
        }
    }
    if raw.choice.is_some() {
        c.problems.push(
            Problem::new(KeyPath::root().key("choice"), "`[choice]` without `[[institution]]`")
                .help("agents choose between institutions: define two or more in `[[institution]]` tables, or remove `[choice]`"),
        );
    }
}
