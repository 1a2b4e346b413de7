//! Validation of model-backed policies: each group's `policy` (a profile of `[llm]`) and
//! `decide_every`, and the `[decisions]` table (framing, observation template, whether others'
//! earnings are shown, whether agents may leave). Without a `policy` group, `[decisions]` is a mistake, and nothing is
//! added to the resolved scenario.

use super::Checker;
use crate::llm::Profile;
use crate::scenario::raw::RawScenario;
use crate::scenario::{DecidedBy, Decisions, Framing, Group};
use crate::strategy::Strategy;
use crate::strategy::decider::Decider;
use crate::syntax::error::{KeyPath, Problem};
use crate::syntax::spec::suggest;

/// The defaults of `policy` groups and `[decisions]` (documented in `docs/model.md`).
pub mod defaults {
    /// `population[].decide_every`, ticks.
    pub const DECIDE_EVERY: i64 = 10;
    /// `decisions.framing`.
    pub const FRAMING: &str = "neutral";
    /// `decisions.template`.
    pub const TEMPLATE: &str = "{rules}\n\n{own}\n{team}\n{others}\n\n{actions}";
    /// `decisions.show_others`.
    pub const SHOW_OTHERS: bool = true;
}

/// The framings by name, in the order of [`Framing`]'s variants.
pub const FRAMINGS: [(&str, Framing); 3] = [
    ("neutral", Framing::Neutral),
    ("self_interested", Framing::SelfInterested),
    ("team_minded", Framing::TeamMinded),
];

/// The fields of the observation's template (`{rules}`, ...), and whether each is required.
const FIELDS: [(&str, bool); 6] = [
    ("{rules}", true),
    ("{window}", false),
    ("{own}", true),
    ("{team}", false),
    ("{others}", false),
    ("{actions}", true),
];

/// Resolves each group's `policy` against `profiles` and reads its `decide_every`; then the
/// `[decisions]` table, which only a scenario with a `policy` group may have.
pub(super) fn decisions(
    c: &mut Checker,
    raw: &mut RawScenario,
    groups: &mut [Group],
    profiles: &[Profile],
) -> Option<Decisions> {
    for (i, (g, group)) in raw.population.iter_mut().zip(groups.iter_mut()).enumerate() {
        let at = KeyPath::root().key("population").index(i);
        let Some(name) = g.policy.clone() else {
            if g.decide_every.is_some() {
                c.problems.push(
                    Problem::new(at.key("decide_every"), "`decide_every` without a `policy`")
                        .help("name the profile that decides, e.g. policy = \"careful\", or remove `decide_every`"),
                );
            }
            continue;
        };
        match profiles.iter().position(|p| p.name == name) {
            Some(k) => group.policy = Some(DecidedBy::Model(k as u16)),
            None if name.contains('(') => match Decider::parse(&name) {
                Ok(d) => group.policy = Some(DecidedBy::Rule(d)),
                Err(e) => c.problems.push(
                    Problem::new(at.key("policy"), e)
                        .help("a simulated decider is written `logit(a, b, effort)`; a model is a profile's name"),
                ),
            },
            None => c.problems.push(super::llm::unknown_profile(
                at.key("policy"),
                &name,
                profiles,
            )),
        }
        if matches!(group.strategy, Strategy::Sybil(_)) {
            c.problems.push(
                Problem::new(at.key("policy"), "a `sybil(k)` group cannot have a `policy`")
                    .help("an owner of several identities plays them all; decide for a group of single agents, or remove `policy`"),
            );
        }
        if g.adaptive == Some(true) {
            c.problems.push(
                Problem::new(at.key("adaptive"), "a group with a `policy` cannot be adaptive")
                    .help("its model decides its agents' strategies, so they do not imitate; remove `adaptive`"),
            );
        }
        group.adaptive = false;
        group.decide_every = c.int(
            at.key("decide_every"),
            &mut g.decide_every,
            defaults::DECIDE_EVERY,
            1,
            1_000_000,
        ) as u32;
    }
    let deciding = groups.iter().any(|g| g.policy.is_some());
    let at = KeyPath::root().key("decisions");
    match (deciding, raw.decisions.as_mut()) {
        (false, Some(_)) => {
            c.problems.push(
                Problem::new(at, "`[decisions]` without a group that decides")
                    .help("give a group a `policy` (a model profile that decides its agents' strategies), or remove `[decisions]`"),
            );
            None
        }
        (false, None) => None,
        (true, d) => {
            let d = match d {
                Some(d) => d,
                None => raw.decisions.insert(Default::default()),
            };
            let framing = framing(c, &at, &mut d.framing);
            let template = d
                .template
                .get_or_insert_with(|| defaults::TEMPLATE.to_string())
                .clone();
            for (field, required) in FIELDS {
                if required && !template.contains(field) {
                    c.problems.push(
                        Problem::new(at.key("template"), format!("the template has no `{field}`"))
                            .help("the observation needs `{rules}`, `{own}` and `{actions}`; e.g. template = \"{rules}\\n{own}\\n{actions}\""),
                    );
                }
            }
            let models = groups
                .iter()
                .any(|g| g.policy.is_some_and(|p| p.model().is_some()));
            if d.can_leave == Some(true) && !models {
                c.problems.push(
                    Problem::new(at.key("can_leave"), "`can_leave` without a model that decides")
                        .help("only a model-backed `policy` is offered leaving (simulated deciders never leave); name a profile as `policy`, or remove `can_leave`"),
                );
            }
            Some(Decisions {
                framing,
                template,
                show_others: *d.show_others.get_or_insert(defaults::SHOW_OTHERS),
                // Not written when left out, so scenarios without it resolve as before.
                can_leave: d.can_leave.unwrap_or(false),
            })
        }
    }
}

/// `decisions.framing`, by name.
fn framing(c: &mut Checker, at: &KeyPath, v: &mut Option<String>) -> Framing {
    let name = v
        .get_or_insert_with(|| defaults::FRAMING.to_string())
        .clone();
    if let Some((_, f)) = FRAMINGS.iter().find(|(n, _)| *n == name) {
        return *f;
    }
    let hint = suggest(&name, FRAMINGS.iter().map(|(n, _)| *n))
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    c.problems.push(
        Problem::new(at.key("framing"), format!("unknown framing `{name}`")).help(format!(
            "{hint}expected `neutral`, `self_interested` or `team_minded`"
        )),
    );
    Framing::Neutral
}
