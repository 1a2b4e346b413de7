//! `[faults]`: random drops, crashes, repairs, Byzantine turns, delays and link loss, and the
//! scheduled `[[faults.event]]`s (crash, recover, partition, heal, byzantine, loss_burst,
//! orchestrator_crash) with their targets.

use super::Checker;
use crate::dist::Dist;
use crate::scenario::raw::{RawFaultEvent, RawFaults};
use crate::scenario::{FaultEvent, FaultKind, Faults, Group, Target};
use crate::syntax::error::{KeyPath, Problem};
use crate::syntax::spec::suggest;

/// The validated `[faults]` of a population of `population` agents in `groups`.
pub(super) fn faults(
    c: &mut Checker,
    f: &mut RawFaults,
    groups: &[Group],
    population: u32,
) -> Faults {
    let fp = KeyPath::root().key("faults");
    let mttr = c.num(
        fp.key("mean_repair_ticks"),
        &mut f.mean_repair_ticks,
        0.0,
        0.0,
        1e12,
    );
    let mut events: Vec<FaultEvent> = Vec::new();
    for (i, e) in f.event.iter_mut().enumerate() {
        let ep = fp.key("event").index(i);
        events.extend(event(c, e, &ep, groups, population));
    }
    events.sort_by_key(|e| e.tick);
    Faults {
        drop_probability: c.prob(fp.key("drop_probability"), &mut f.drop_probability, 0.0),
        crash_probability: c.prob(fp.key("crash_probability"), &mut f.crash_probability, 0.0),
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
        delay_probability: c.prob(fp.key("delay_probability"), &mut f.delay_probability, 0.0),
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

/// One `[[faults.event]]`, or `None` (with its problems) when it cannot be read.
fn event(
    c: &mut Checker,
    e: &mut RawFaultEvent,
    ep: &KeyPath,
    groups: &[Group],
    population: u32,
) -> Option<FaultEvent> {
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
    let kind = kind(c, e, ep);
    let target = target(c, e, ep, kind, groups, population);
    Some(FaultEvent {
        tick,
        kind: kind?,
        target: target?,
    })
}

/// The event's kind, with `loss` and `duration` read for a `loss_burst` (and refused on others).
fn kind(c: &mut Checker, e: &mut RawFaultEvent, ep: &KeyPath) -> Option<FaultKind> {
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
            *duration = c.int(ep.key("duration"), &mut e.duration, 1, 1, u32::MAX as i64) as u32;
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
    kind
}

/// The event's target: a fraction, a group's name or agent ids (the root coordinator for an
/// `orchestrator_crash` without one; everyone for `heal` and `loss_burst`).
fn target(
    c: &mut Checker,
    e: &RawFaultEvent,
    ep: &KeyPath,
    kind: Option<FaultKind>,
    groups: &[Group],
    population: u32,
) -> Option<Target> {
    let tp = ep.key("target");
    const TARGETS: &str = "a fraction in (0, 1], a group's name or a list of agent ids";
    match (&e.target, kind) {
        (None, Some(FaultKind::Heal | FaultKind::LossBurst { .. })) => Some(Target::All),
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
        (Some(toml::Value::Float(x)), _) if *x > 0.0 && *x <= 1.0 => Some(Target::Fraction(*x)),
        (Some(toml::Value::Integer(1)), _) => Some(Target::Fraction(1.0)),
        (Some(toml::Value::String(name)), _) => match groups.iter().position(|g| &g.name == name) {
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
        },
        (Some(toml::Value::Array(ids)), _) => {
            let mut out = Vec::new();
            for (k, v) in ids.iter().enumerate() {
                match v.as_integer() {
                    Some(id) if id >= 0 && id < i64::from(population) => out.push(id as u32),
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
    }
}
