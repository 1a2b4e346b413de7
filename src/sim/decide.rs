//! Model-backed policies: agents of a `policy` group decide, through their model, what strategy
//! to play.
//!
//! A group's decision points are the ticks t > 0 with `t mod decide_every = 0`. At such a
//! tick's prompts phase (5a, [`plan_decisions`], after the answer calls), each of the group's
//! agents that is up, in id order, is one call: the framing as system prompt, and the
//! observation ([`super::observation`]) of what happened since the scenario's previous decision
//! point (of any group; the window is the ticks since): the agent's payoff and the action it
//! played, the team's finished and fully paid tasks, and, with `show_others`, what the present
//! agents of every group earned per round by the action they played, all up to the end of tick
//! t − 1. Its reply is constrained to the action schema
//! ([`crate::strategy::decision::schema`]). The calls are answered with the tick's other calls
//! (recorded, replayed, keyed the same way). At the tick's adaptation phase (10,
//! [`apply_decisions`], before imitation) each usable reply sets the agent's strategy —
//! `honest`, `partial(e)`, `shirker` or `copycat` — from tick t + 1's work on; an unusable reply
//! leaves the strategy as it was (the fallback), counted in `decision_fallbacks`. Every deciding
//! agent pays its call's token cost (the profile's prices) as effort cost. Nothing is
//! drawn from any stream.

use bevy_ecs::prelude::*;

use super::agents::{Agent, Roster, Wallet};
use super::credit::Fairness;
use super::observation;
use super::prompts::Prompts;
use super::resources::{Clock, Ledger, Params};
use crate::llm::Call;
use crate::strategy::decision::{self, Action, Class, class_of};

/// The state decisions are measured from, and this tick's decision calls.
#[derive(Resource, Debug, Default)]
pub struct Deciding {
    /// Each agent's payoff at the last decision point, by id.
    last_payoff: Vec<f64>,
    /// The team's finished and fully paid tasks at the last decision point.
    last_tasks: (u64, u64),
    /// The last decision point (0: the start).
    last_point: u32,
    /// This tick's decisions: the agent's id and the index of its call.
    asked: Vec<(u32, usize)>,
}

/// Whether a group deciding every `every` ticks decides at `tick`.
fn decides_at(every: u32, tick: u32) -> bool {
    tick > 0 && tick.is_multiple_of(every)
}

/// Plans the decision calls of this tick (after [`super::prompts::plan_calls`]).
#[allow(clippy::too_many_arguments)]
pub fn plan_decisions(
    params: Res<Params>,
    clock: Res<Clock>,
    roster: Res<Roster>,
    ledger: Res<Ledger>,
    fairness: Res<Fairness>,
    agents: Query<(&Agent, &Wallet)>,
    mut deciding: ResMut<Deciding>,
    mut prompts: ResMut<Prompts>,
) {
    let sc = &params.0;
    let (Some(d), Some(llm)) = (sc.decisions.as_ref(), sc.llm.as_ref()) else {
        return;
    };
    let tick = clock.tick;
    let deciders: Vec<(usize, u16)> = (sc.groups.iter().enumerate())
        .filter(|(_, g)| decides_at(g.decide_every, tick))
        .filter_map(|(gi, g)| g.policy.map(|p| (gi, p)))
        .collect();
    let deciding = &mut *deciding;
    deciding.asked.clear();
    if deciders.is_empty() {
        return;
    }
    let n = roster.entities.len();
    deciding.last_payoff.resize(n, 0.0);
    // Every present agent: its group, action and payoff since the last decision point.
    let everyone: Vec<(usize, u16, Class, f64)> = (0..n)
        .filter_map(|id| {
            let (a, w) = agents.get(roster.entities[id]).ok()?;
            let earned = w.payoff(fairness.0[id].credit) - deciding.last_payoff[id];
            a.up.then_some((id, a.group, class_of(&a.strategy), earned))
        })
        .collect();
    let window = tick - deciding.last_point;
    let mean = |c: Class| {
        let xs: Vec<f64> = everyone.iter().filter(|m| m.2 == c).map(|m| m.3).collect();
        (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64 / f64::from(window))
    };
    let others = if d.show_others {
        observation::others(mean(Class::Work), mean(Class::Shirk), mean(Class::Copy))
    } else {
        String::new()
    };
    let (done, paid) = (ledger.tasks_completed, ledger.tasks_succeeded);
    let team = observation::team(done - deciding.last_tasks.0, paid - deciding.last_tasks.1);
    for (gi, p) in deciders {
        let rules = observation::rules(sc, gi);
        for &(id, _, class, earned) in everyone.iter().filter(|m| m.1 as usize == gi) {
            let own = observation::own(action_word(class), earned, window);
            let text = observation::render(
                &d.template,
                [
                    &rules,
                    &window.to_string(),
                    &own,
                    &team,
                    &others,
                    observation::ACTIONS,
                ],
            );
            let request = llm.profiles[p as usize].decision_request(
                observation::system(d.framing),
                text,
                decision::schema(),
                id as u32,
            );
            prompts.calls.push(Call {
                profile: p,
                request,
            });
            deciding.asked.push((id as u32, prompts.calls.len() - 1));
        }
    }
    for &(id, _, _, earned) in &everyone {
        deciding.last_payoff[id] += earned;
    }
    deciding.last_tasks = (done, paid);
    deciding.last_point = tick;
}

/// How an observation names an action class.
fn action_word(class: Class) -> &'static str {
    match class {
        Class::Work => "work",
        Class::Shirk => "shirk",
        Class::Copy => "copy",
    }
}

/// Applies this tick's decisions (before imitation): each deciding agent pays its call's token
/// cost as effort cost; a usable reply sets its strategy, an unusable one leaves it, counted as
/// a fallback.
pub fn apply_decisions(
    params: Res<Params>,
    roster: Res<Roster>,
    prompts: Res<Prompts>,
    mut deciding: ResMut<Deciding>,
    mut ledger: ResMut<Ledger>,
    mut agents: Query<(&mut Agent, &mut Wallet)>,
) {
    let profiles = params.0.llm.as_ref().map_or(&[][..], |l| &l.profiles[..]);
    for (id, call) in std::mem::take(&mut deciding.asked) {
        ledger.decisions += 1;
        let mut agent = agents.get_mut(roster.entities[id as usize]).ok();
        let reply = prompts.replies.get(call);
        if let (Some(r), Some(c)) = (reply, prompts.calls.get(call)) {
            let cost = profiles.get(c.profile as usize).map_or(0.0, |p| p.cost(r));
            ledger.decision_prompt_tokens += r.prompt_tokens;
            ledger.decision_completion_tokens += r.completion_tokens;
            ledger.decision_cost += cost;
            ledger.effort_costs += cost;
            if let Some((_, wallet)) = agent.as_mut() {
                wallet.effort_costs += cost;
            }
        }
        let Some(action) = reply.and_then(|r| decision::parse(&r.text)) else {
            ledger.decision_fallbacks += 1;
            continue;
        };
        match action.class() {
            Class::Work => ledger.decided_work += 1,
            Class::Shirk => ledger.decided_shirk += 1,
            Class::Copy => ledger.decided_copy += 1,
        }
        if let Some((agent, _)) = agent.as_mut() {
            agent.strategy = Action::strategy(action);
        }
    }
}
