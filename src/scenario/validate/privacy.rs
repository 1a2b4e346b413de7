//! `[privacy]`: which tasks are private, how many take part, their values, the mechanism that
//! protects them (its parameters filled from `epsilon`, `delta`, `bound`), and the budget.

use super::{Checker, defaults as d, fill_parameters};
use crate::privacy::PrivacyKind;
use crate::privacy::accounting::{Budget, Composition};
use crate::rules::Topology;
use crate::scenario::raw::{RawDist, RawPrivacy};
use crate::scenario::{Aggregate, Privacy};
use crate::syntax::error::{KeyPath, Problem};
use crate::syntax::spec::suggest;

/// The validated `[privacy]` of `population` agents under `topology` (`single`: one agent).
pub(super) fn privacy(
    c: &mut Checker,
    p: &mut RawPrivacy,
    population: u32,
    topology: Topology,
    single: bool,
) -> Privacy {
    let pp = KeyPath::root().key("privacy");
    let share = c.prob(pp.key("share"), &mut p.share, 1.0);
    let aggregate = aggregate(c, p, &pp);
    let participants = participants(c, p, &pp, population, topology, single);
    let values = c.dist(
        pp.key("values"),
        p.values
            .get_or_insert_with(|| RawDist::Text("uniform(0, 10)".into())),
        0.0,
        d::MAX_AMOUNT,
        false,
    );
    let tolerance = c.num(
        pp.key("tolerance"),
        &mut p.tolerance,
        1.0,
        0.0,
        f64::INFINITY,
    );
    Privacy {
        share,
        aggregate,
        participants,
        values,
        tolerance,
        mechanism: mechanism(c, p, &pp),
        budget: budget(c, p, &pp),
    }
}

/// `privacy.aggregate`: `sum` or `mean`.
fn aggregate(c: &mut Checker, p: &mut RawPrivacy, pp: &KeyPath) -> Aggregate {
    match p.aggregate.get_or_insert_with(|| "sum".into()).as_str() {
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
    }
}

/// `privacy.participants`: at most the population, the fanout of a decentralized topology, and
/// one for `single`; 5 (or the whole population when smaller) by default.
fn participants(
    c: &mut Checker,
    p: &mut RawPrivacy,
    pp: &KeyPath,
    population: u32,
    topology: Topology,
    single: bool,
) -> u32 {
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
    if let Topology::Decentralized { fanout } = topology
        && fanout < participants
    {
        c.problems.push(
            Problem::new(
                pp.key("participants"),
                format!(
                    "an announcement to {fanout} peers cannot find {participants} participants"
                ),
            )
            .help(format!("use `decentralized({participants})` or more")),
        );
    }
    if single && participants > 1 {
        c.problems.push(Problem::new(
            pp.key("participants"),
            "topology `single` has one agent, so a private task has 1 participant",
        ));
    }
    participants
}

/// `privacy.mechanism`, its parameters filled from the `epsilon`, `delta` and `bound` keys.
fn mechanism(c: &mut Checker, p: &mut RawPrivacy, pp: &KeyPath) -> PrivacyKind {
    // `epsilon`, `delta` and `bound` keys fill the parameters the call leaves out.
    let table = [
        ("epsilon", p.epsilon),
        ("delta", p.delta),
        ("bound", p.bound),
    ];
    c.choice(pp.key("mechanism"), &mut p.mechanism, "none", |text| {
        PrivacyKind::parse(&fill_parameters(text, &table)?).map_err(|e| {
            match e.split_once("needs its parameter `") {
                Some((_, rest)) => {
                    let name = rest.split('`').next().unwrap_or("");
                    format!("{e}, or set `privacy.{name}`")
                }
                None => e,
            }
        })
    })
    .unwrap_or(PrivacyKind::None(crate::privacy::NoPrivacy))
}

/// `privacy.budget`, `budget_delta` and `composition`: unlimited by default.
fn budget(c: &mut Checker, p: &mut RawPrivacy, pp: &KeyPath) -> Budget {
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
            Composition::parse,
        )
        .unwrap_or(Composition::Sequential);
    Budget {
        epsilon,
        delta,
        composition,
    }
}
