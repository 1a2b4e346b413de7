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
//! ([`crate::strategy::decision::schema_for`]). The calls are answered with the tick's other calls
//! (recorded, replayed, keyed the same way). At the tick's adaptation phase (10,
//! [`apply_decisions`], before imitation) each usable reply sets the agent's strategy —
//! `honest`, `partial(e)`, `shirker` or `copycat` — from tick t + 1's work on; an unusable reply
//! leaves the strategy as it was (the fallback), counted in `decision_fallbacks`. Where
//! `[decisions] can_leave`, a reply may also leave: the agent leaves the population for good
//! at that tick, as adaptation's exit does (it is down from then on, keeps what it earned, and
//! is never asked again). Every deciding
//! agent pays its call's token cost (the profile's prices) as effort cost. With institutions,
//! the observation describes each one ("team") and what its members earned, the reply also
//! names the team the agent works in next, and a usable reply moves it there. A group whose
//! `policy` is a simulated decider ([`crate::strategy::decider`]) decides at the same points
//! from the same measures, with one draw per agent from stream `decide` instead of a call;
//! model-backed decisions draw nothing.

use bevy_ecs::prelude::*;

use super::agents::{Agent, Member, Roster, Wallet};
use super::credit::Fairness;
use super::observation;
use super::prompts::Prompts;
use super::resources::{Clock, Ledger, Params, Streams};
use crate::llm::Call;
use crate::scenario::{DecidedBy, Scenario};
use crate::strategy::decision::{self, Action, Class, Decision, Menu, class_of};

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
    /// This tick's decisions of simulated deciders: the agent's id and its action.
    drawn: Vec<(u32, Action)>,
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
    agents: Query<(&Agent, &Wallet, &Member)>,
    mut deciding: ResMut<Deciding>,
    mut prompts: ResMut<Prompts>,
    mut streams: ResMut<Streams>,
) {
    let sc = &params.0;
    let Some(d) = sc.decisions.as_ref() else {
        return;
    };
    let tick = clock.tick;
    let deciders: Vec<(usize, DecidedBy)> = (sc.groups.iter().enumerate())
        .filter(|(_, g)| decides_at(g.decide_every, tick))
        .filter_map(|(gi, g)| g.policy.map(|p| (gi, p)))
        .collect();
    let deciding = &mut *deciding;
    deciding.asked.clear();
    deciding.drawn.clear();
    if deciders.is_empty() {
        return;
    }
    let n = roster.entities.len();
    deciding.last_payoff.resize(n, 0.0);
    // Every agent that is up: what it played and earned since the last decision point.
    let everyone: Vec<Seen> = (0..n)
        .filter_map(|id| {
            let (a, w, m) = agents.get(roster.entities[id]).ok()?;
            let earned = w.payoff(fairness.0[id].credit) - deciding.last_payoff[id];
            a.up.then_some(Seen {
                id,
                group: a.group,
                class: class_of(&a.strategy),
                earned,
                institution: m.institution,
            })
        })
        .collect();
    let window = tick - deciding.last_point;
    let (done, paid) = (ledger.tasks_completed, ledger.tasks_succeeded);
    let team = observation::team(done - deciding.last_tasks.0, paid - deciding.last_tasks.1);
    let shared = Shared::new(sc, d, &everyone, window, team);
    for (gi, by) in deciders {
        let members = everyone.iter().filter(|m| m.group as usize == gi);
        match by {
            DecidedBy::Rule(rule) => {
                for seen in members {
                    let d = shared.difference(seen.institution);
                    let u = crate::dist::unit(&mut streams.decide);
                    deciding.drawn.push((seen.id as u32, rule.decide(d, u)));
                }
            }
            DecidedBy::Model(p) => {
                let rules = match sc.institutions.is_empty() {
                    true => observation::rules(sc, gi),
                    false => observation::rules_with_institutions(sc, gi),
                };
                for seen in members {
                    if let Some(call) = ask(sc, d, (&rules, p), &shared, seen) {
                        prompts.calls.push(call);
                        deciding
                            .asked
                            .push((seen.id as u32, prompts.calls.len() - 1));
                    }
                }
            }
        }
    }
    for seen in &everyone {
        deciding.last_payoff[seen.id] += seen.earned;
    }
    deciding.last_tasks = (done, paid);
    deciding.last_point = tick;
}

/// The decision call of `seen`, whose group's `rules` are in words and whose profile is `p`:
/// the framing and the observation (`None` without `[llm]`, which validation does not let
/// happen).
fn ask(
    sc: &Scenario,
    d: &crate::scenario::Decisions,
    (rules, p): (&str, u16),
    shared: &Shared,
    seen: &Seen,
) -> Option<Call> {
    let llm = sc.llm.as_ref()?;
    let text = observation::render(
        &d.template,
        [
            rules,
            &shared.window.to_string(),
            &shared.own(sc, seen),
            &shared.team,
            &shared.others,
            &shared.actions,
        ],
    );
    let request = llm.profiles[p as usize].decision_request(
        observation::system(d.framing),
        text,
        shared.schema.clone(),
        seen.id as u32,
    );
    Some(Call {
        profile: p,
        request,
    })
}

/// An agent as observations see it.
struct Seen {
    id: usize,
    group: u16,
    /// The class of the strategy it played.
    class: Class,
    /// Its payoff since the last decision point.
    earned: f64,
    institution: u8,
}

/// What every observation of a decision point shares: the window, the team's tasks (and,
/// with institutions, their members), what others earned, the actions and the reply's schema.
struct Shared {
    /// Per institution (one without): what workers and shirkers earned per round.
    pay: Vec<[Option<f64>; 3]>,
    window: u32,
    team: String,
    others: String,
    actions: String,
    schema: serde_json::Value,
}

impl Shared {
    fn new(
        sc: &Scenario,
        d: &crate::scenario::Decisions,
        everyone: &[Seen],
        window: u32,
        team: String,
    ) -> Self {
        let show_others = d.show_others;
        let names: Vec<&str> = sc.institutions.iter().map(|i| i.name.as_str()).collect();
        let menu = Menu {
            teams: &names,
            leave: d.can_leave,
        };
        let mean = |c: Class, k: Option<u8>| {
            let xs: Vec<f64> = (everyone.iter())
                .filter(|m| m.class == c && k.is_none_or(|k| m.institution == k))
                .map(|m| m.earned)
                .collect();
            (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64 / f64::from(window))
        };
        let by_action = |k: Option<u8>| {
            [
                mean(Class::Work, k),
                mean(Class::Shirk, k),
                mean(Class::Copy, k),
            ]
        };
        if sc.institutions.is_empty() {
            let [w, s, c] = by_action(None);
            return Shared {
                pay: vec![[w, s, c]],
                window,
                team,
                others: if show_others {
                    observation::others(w, s, c)
                } else {
                    String::new()
                },
                actions: observation::actions(menu),
                schema: decision::schema_for(menu),
            };
        }
        let size = |k: usize| {
            everyone
                .iter()
                .filter(|m| m.institution as usize == k)
                .count() as u64
        };
        let sizes: Vec<(&str, u64)> = names
            .iter()
            .enumerate()
            .map(|(k, &n)| (n, size(k)))
            .collect();
        let each: Vec<(&str, [Option<f64>; 3])> = names
            .iter()
            .enumerate()
            .map(|(k, &n)| (n, by_action(Some(k as u8))))
            .collect();
        Shared {
            pay: each.iter().map(|(_, pay)| *pay).collect(),
            window,
            team: format!("{team} {}", observation::members(&sizes)),
            others: if show_others {
                observation::others_in(&each)
            } else {
                String::new()
            },
            actions: observation::actions(menu),
            schema: decision::schema_for(menu),
        }
    }

    /// What shirkers earned per round minus what workers earned, in institution `k` (the
    /// whole world without institutions); `None` when either took no one.
    fn difference(&self, k: u8) -> Option<f64> {
        let [work, shirk, _] = self.pay.get(k as usize).or(self.pay.first())?;
        Some((*shirk)? - (*work)?)
    }

    /// What `seen` did and earned (and where, with institutions).
    fn own(&self, sc: &Scenario, seen: &Seen) -> String {
        let action = action_word(seen.class);
        match sc.institutions.get(seen.institution as usize) {
            Some(inst) if sc.institutions.len() > 1 => {
                observation::own_in(&inst.name, action, seen.earned, self.window)
            }
            _ => observation::own(action, seen.earned, self.window),
        }
    }
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
/// cost as effort cost; a usable reply sets its strategy (and team) or takes it out of the
/// population for good, an unusable one leaves it, counted as a fallback.
pub fn apply_decisions(
    params: Res<Params>,
    clock: Res<Clock>,
    roster: Res<Roster>,
    prompts: Res<Prompts>,
    mut deciding: ResMut<Deciding>,
    mut ledger: ResMut<Ledger>,
    mut agents: Query<(&mut Agent, &mut Wallet, &mut Member)>,
) {
    let sc = &params.0;
    let profiles = sc.llm.as_ref().map_or(&[][..], |l| &l.profiles[..]);
    let teams: Vec<&str> = sc.institutions.iter().map(|i| i.name.as_str()).collect();
    let menu = Menu {
        teams: &teams,
        leave: sc.decisions.as_ref().is_some_and(|d| d.can_leave),
    };
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
            if let Some((_, wallet, _)) = agent.as_mut() {
                wallet.effort_costs += cost;
            }
        }
        let Some(decision) = reply.and_then(|r| decision::read(&r.text, menu)) else {
            ledger.decision_fallbacks += 1;
            continue;
        };
        let Some((agent, _, member)) = agent.as_mut() else {
            continue;
        };
        match decision {
            Decision::Leave => {
                ledger.decided_leave += 1;
                member.left = Some(clock.tick);
                agent.up = false;
            }
            Decision::Play(action, team) => {
                count(&mut ledger, action);
                agent.strategy = Action::strategy(action);
                if let Some(k) = team.map(|k| k as u8).filter(|&k| k != member.institution) {
                    member.institution = k;
                    ledger.institution_switches += 1;
                }
            }
        }
    }
    for (id, action) in std::mem::take(&mut deciding.drawn) {
        ledger.decisions += 1;
        count(&mut ledger, action);
        if let Ok((mut agent, _, _)) = agents.get_mut(roster.entities[id as usize]) {
            agent.strategy = Action::strategy(action);
        }
    }
}

/// Counts a usable decision by its action's class.
fn count(ledger: &mut Ledger, action: Action) {
    match action.class() {
        Class::Work => ledger.decided_work += 1,
        Class::Shirk => ledger.decided_shirk += 1,
        Class::Copy => ledger.decided_copy += 1,
    }
}
