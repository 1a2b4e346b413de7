//! What agents played, round by round, and what it paid: kept only where strategies change
//! during a run (`policy` groups or `[adaptation]`; [`Scenario::tracks_conduct`]).
//!
//! At the record phase of each tick t, every present agent's payoff change over the tick,
//! `π_i(t) − π_i(t − 1)`, is put to the account of the class (work, shirk, copy) of the strategy
//! it played in tick t — the one it held at the end of tick t − 1 (decisions and imitation set
//! strategies at the adaptation phase, which take effect from the next tick's work); an agent
//! held at tick 0 its group's strategy, and an entrant's first tick is not counted. The
//! metrics `payoff_rate_<class>` are the sums divided by the agent-ticks: the mean payoff per
//! tick of an agent while it worked, shirked or copied. Credit paid for a subtask arrives when
//! its task finishes, so a payoff earned just before a switch can be booked just after it.
//! The series gains `work_share` (share of present agents whose strategy works) and
//! `effort_mean` (their mean effort, 1 for `honest`, e for `partial(e)`, 0 for `shirker`) at
//! the end of each tick. With institutions, the same booking by the institution the agent was
//! in gives `payoff_rate_institution_<name>`, and the series gains `share_institution_<name>`,
//! the share of present agents in each at the end of each tick (whose mean over the ticks is
//! `share_mean_institution_<name>`).
//!
//! [`Scenario::tracks_conduct`]: crate::scenario::Scenario::tracks_conduct

use bevy_ecs::prelude::*;

use super::agents::{Agent, Member, Wallet};
use super::credit::Fairness;
use super::record::Series;
use super::resources::Params;
use crate::strategy::decision::{Class, class_of};

/// The classes in the order of [`Conduct`]'s sums.
pub const CLASSES: [(Class, &str); 3] = [
    (Class::Work, "work"),
    (Class::Shirk, "shirk"),
    (Class::Copy, "copy"),
];

/// Per agent, the payoff and class at the end of the last tick; per class, the payoff earned
/// and the agent-ticks played.
#[derive(Resource, Debug, Default)]
pub struct Conduct {
    last: Vec<Option<(f64, Class, u8)>>,
    /// Per class of [`CLASSES`]: payoff earned while playing it.
    pub payoff: [f64; 3],
    /// Per class: agent-ticks played.
    pub ticks: [u64; 3],
    /// Per institution: payoff earned in it, agent-ticks spent in it, and the sum over ticks
    /// of its share of the present agents (empty without institutions).
    pub institutions: Vec<(f64, u64, f64)>,
    /// Ticks recorded.
    pub recorded: u64,
}

/// The position of a class in [`CLASSES`].
fn slot(c: Class) -> usize {
    CLASSES.iter().position(|(k, _)| *k == c).unwrap_or(0)
}

/// Books this tick's payoffs by class and appends `work_share` and `effort_mean` to the series.
pub fn record_conduct(
    params: Res<Params>,
    fairness: Res<Fairness>,
    mut conduct: ResMut<Conduct>,
    mut series: ResMut<Series>,
    agents: Query<(&Agent, &Wallet, &Member)>,
) {
    let sc = &params.0;
    if !sc.tracks_conduct() {
        return;
    }
    let c = &mut *conduct;
    let first = c.recorded == 0;
    c.recorded += 1;
    c.institutions.resize(sc.institutions.len(), (0.0, 0, 0.0));
    let mut members = vec![0u64; sc.institutions.len()];
    let (mut present, mut working, mut effort) = (0u64, 0u64, 0.0);
    for (a, w, m) in &agents {
        let id = a.id as usize;
        if c.last.len() <= id {
            c.last.resize(id + 1, None);
        }
        let now = w.payoff(fairness.0[id].credit);
        let played = if first {
            let g = &sc.groups[a.group as usize];
            Some((0.0, class_of(&g.strategy), g.institution))
        } else {
            c.last[id]
        };
        if let Some((before, class, k)) = played.filter(|_| m.present()) {
            c.payoff[slot(class)] += now - before;
            c.ticks[slot(class)] += 1;
            if let Some(at) = c.institutions.get_mut(k as usize) {
                at.0 += now - before;
                at.1 += 1;
            }
        }
        let class = class_of(&a.strategy);
        c.last[id] = Some((now, class, m.institution));
        if m.present() {
            present += 1;
            working += u64::from(class == Class::Work);
            effort += a.strategy.behaviour().work().effort;
            if let Some(k) = members.get_mut(m.institution as usize) {
                *k += 1;
            }
        }
    }
    let share = |x: f64| {
        if present > 0 {
            x / present as f64
        } else {
            f64::NAN
        }
    };
    series.push_extra("work_share", share(working as f64));
    series.push_extra("effort_mean", share(effort));
    for ((inst, &k), at) in sc
        .institutions
        .iter()
        .zip(&members)
        .zip(&mut c.institutions)
    {
        let x = share(k as f64);
        at.2 += x;
        series.push_extra(&format!("share_institution_{}", inst.name), x);
    }
}
