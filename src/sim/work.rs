//! Phase 5, work: each worker that received an assignment and is up works on it.
//!
//! The worker's strategy gives its effort e, how it answers, and its claim. It pays
//! `effort_cost * e`. Working (`solve`), its competence is `c = e * s_d * (1 - delta)` (or the
//! group's other accuracy curve, [`crate::rules::accuracy`]) and its answer is correct with
//! probability `c`, otherwise the subtask's lure with the group's probability ρ, or one of the K-1
//! wrong answers uniformly; with the group's probability κ (`shared`, drawn only when κ > 0) it
//! gives instead the group's shared answer to the subtask, the same draw for every agent of the
//! group that takes it;
//! guessing, the answer is uniform over all K (correct with probability 1/K); copying, it is the
//! first answer given to the subtask by anyone (a guess if none); poisoning, `(truth + 1) mod K`;
//! colluding, the label of the first member of its group on the subtask, at no effort (solving,
//! if it is the first). Practice is noted
//! for the experience phase. The answer goes back to the root coordinator as a message over the
//! worker's path (one link in `star`, `d` in `hierarchical`), straight to the subtask (`single`),
//! or in `decentralized` to the announcer and, as copies, to the subtask's other workers (one
//! message each); unless a transient fault (`faults.drop_probability`, stream `faults`) loses it
//! or the worker is cut off by a partition. A worker that is down drops the assignment.
//! A model-backed worker whose assignment was planned to ask its model ([`super::prompts`])
//! answers with its model's reply instead, read as a label by the subtask's bank item, and pays
//! the reply's token cost on top of `effort_cost * e`; one planned to guess guesses.

use bevy_ecs::prelude::*;

use super::agents::{Agent, AgentStrategy, Load, Reputation, Roster, Skills, Up, Wallet};
use super::assign::route_to_worker;
use super::network::{Event, Network, Route, book, travel};
use super::private::{self, PrivacyAccounts};
use super::prompts::{Plan, Prompts};
use super::reach::Reach;
use super::resources::{Clock, Ledger, Params, Streams, TickCounters};
use super::tasks::{Answer, Board, SlotState, SubRef};
use crate::dist::{chance, unit};
use crate::privacy::accounting::spent;
use crate::rules::Topology;
use crate::strategy::Answering;
use crate::strategy::answer::{draw_label, shared_label};

/// Assignments delivered this tick, waiting to be worked, in delivery order.
#[derive(Resource, Debug, Default)]
pub struct Inbox(pub Vec<(SubRef, u8)>);

/// Works every delivered assignment.
#[allow(clippy::too_many_arguments)]
pub fn do_work(
    params: Res<Params>,
    clock: Res<Clock>,
    roster: Res<Roster>,
    mut streams: ResMut<Streams>,
    mut inbox: ResMut<Inbox>,
    mut board: ResMut<Board>,
    mut network: ResMut<Network>,
    mut ledger: ResMut<Ledger>,
    mut counters: ResMut<TickCounters>,
    reach: Res<Reach>,
    mut accounts: ResMut<PrivacyAccounts>,
    prompts: Res<Prompts>,
    mut agents: Query<(
        &Agent,
        &AgentStrategy,
        &mut Skills,
        &Reputation,
        &mut Wallet,
        &mut Load,
        &Up,
    )>,
) {
    let sc = &params.0;
    let alpha = sc.experience.learning_rate;
    let n = roster.entities.len();
    // A private report's extra bytes and delay depend only on the scenario and the team size.
    let report_cost = sc
        .privacy
        .as_ref()
        .map(|p| private::report_cost(p, &sc.topology, n, sc.messages.latency));
    for (i, (sub, slot)) in std::mem::take(&mut inbox.0).into_iter().enumerate() {
        let Some(st) = board.subtask_mut(sub) else {
            continue;
        };
        if st.resolution.is_some() || st.slots[slot as usize].state != SlotState::Sent {
            continue;
        }
        let id = st.slots[slot as usize].agent;
        let Ok((agent, strategy, mut skills, rep, mut wallet, mut load, up)) =
            agents.get_mut(roster.entities[id as usize])
        else {
            continue;
        };
        if !up.0 {
            continue;
        }
        let mut work = strategy.0.behaviour().work();
        // A private task: the participant releases its private value (module `private`).
        if let (Some(held), Some(p)) = (st.private.as_mut(), sc.privacy.as_ref()) {
            let cost = sc.groups[agent.group as usize].effort_cost * work.effort;
            wallet.effort_costs += cost;
            ledger.effort_costs += cost;
            let x = p.values.sample(&mut streams.privacy, 0.0, f64::MAX);
            held.push((id, x));
            let report = release(p, id, x, &mut accounts, &mut streams, &mut ledger);
            st.slots[slot as usize].state = SlotState::Worked;
            load.held -= 1;
            let answer = Answer {
                label: 0,
                agent: id,
                correct: false,
                reputation: rep.0,
                claim: work.claim,
                report,
            };
            let (extra, delay) = report_cost.unwrap_or((0, 0));
            send_answer(
                sc,
                &reach,
                (sub, slot, answer),
                (clock.tick, delay, sc.messages.answer_bytes + extra, 0),
                n,
                &mut network,
                &mut streams,
                &mut ledger,
                &mut counters,
                st,
            );
            continue;
        }
        // A colluder whose group already answered this subtask copies that label at no effort.
        let agreed = agreed_label(st, work.answering);
        if agreed.is_some() {
            work.effort = 0.0;
        }
        let d = st.domain as usize;
        let cost = sc.groups[agent.group as usize].effort_cost * work.effort;
        wallet.effort_costs += cost;
        ledger.effort_costs += cost;
        skills.practise(d, alpha, work.effort);
        let group = &sc.groups[agent.group as usize];
        let competence = group
            .accuracy
            .competence(work.effort, skills.now(d), st.difficulty);
        let plan = prompts.plans.get(i).copied().unwrap_or(Plan::Simulated);
        let label = match (agreed, plan) {
            (Some(label), _) => label,
            (None, Plan::Ask(call)) => {
                let (label, cost) = model_label(sc, st, &prompts, call, &mut ledger);
                wallet.effort_costs += cost;
                label
            }
            (None, plan) => simulated_label(
                sc,
                st,
                agent.group,
                (work.answering, competence),
                plan,
                &mut streams.work,
            ),
        };
        st.first_label.get_or_insert(label);
        if let (Answering::Collude { group }, None) = (work.answering, agreed) {
            st.collusion.push((group, label));
        }
        let answer = Answer {
            label,
            agent: id,
            correct: label == st.truth,
            reputation: rep.0,
            claim: work.claim,
            report: None,
        };
        st.slots[slot as usize].state = SlotState::Worked;
        load.held -= 1;
        // In `decentralized`, copies go to the subtask's other workers (replicated consensus).
        let copies = st.slots.len() as u32 - 1;
        send_answer(
            sc,
            &reach,
            (sub, slot, answer),
            (clock.tick, 0, sc.messages.answer_bytes, copies),
            n,
            &mut network,
            &mut streams,
            &mut ledger,
            &mut counters,
            st,
        );
    }
}

/// A simulated worker's label: its group's shared answer with probability κ when it solves,
/// else its own draw (a guess when its plan says so).
fn simulated_label(
    sc: &crate::scenario::Scenario,
    st: &mut crate::sim::tasks::Subtask,
    group: u16,
    (answering, competence): (Answering, f64),
    plan: Plan,
    rng: &mut crate::rng::SimRng,
) -> u16 {
    let g = &sc.groups[group as usize];
    let answers = st.answers(sc.tasks.answers);
    if plan == Plan::Simulated && answering == Answering::Solve && chance(rng, g.shared) {
        let u = shared_uniforms(st, group, rng);
        return shared_label(u, (competence, g.lure), st.truth, answers);
    }
    let answering = if plan == Plan::Guess {
        Answering::Guess
    } else {
        answering
    };
    draw_label(
        rng,
        answering,
        (competence, g.lure),
        st.truth,
        answers,
        st.first_label,
    )
}

/// The uniforms of `group`'s shared answer to the subtask: drawn (from the work stream) by the
/// first of its agents that takes it, kept for the others.
fn shared_uniforms(
    st: &mut crate::sim::tasks::Subtask,
    group: u16,
    rng: &mut crate::rng::SimRng,
) -> [f64; 3] {
    if let Some((_, u)) = st.shared.iter().find(|(g, _)| *g == group) {
        return *u;
    }
    let u = [unit(rng), unit(rng), unit(rng)];
    st.shared.push((group, u));
    u
}

/// The label a colluder's group already gave the subtask, if it is a colluder and one has.
fn agreed_label(st: &crate::sim::tasks::Subtask, answering: Answering) -> Option<u16> {
    match answering {
        Answering::Collude { group } => st
            .collusion
            .iter()
            .find(|(g, _)| *g == group)
            .map(|(_, label)| *label),
        _ => None,
    }
}

/// What participant `id` releases of its private value `x`: the mechanism's report if its budget
/// allows one more release (which is then spent), else nothing (a refusal).
fn release(
    p: &crate::scenario::Privacy,
    id: u32,
    x: f64,
    accounts: &mut PrivacyAccounts,
    streams: &mut Streams,
    ledger: &mut Ledger,
) -> Option<f64> {
    let (eps, delta) = p.mechanism.mechanism().cost();
    accounts.reserve(id);
    let i = id as usize;
    if !p.budget.allows(accounts.releases[i], eps, delta) {
        ledger.privacy_refusals += 1;
        return None;
    }
    accounts.releases[i] += 1;
    let (e, d) = spent(p.budget.composition, accounts.releases[i], eps, delta);
    accounts.epsilon[i] = e;
    accounts.delta[i] = d;
    let r = p.mechanism.release(x, &mut streams.privacy);
    ledger.values_exposed += u64::from(r.exposed);
    Some(r.reported)
}

/// The label of a model's reply to the subtask's item ([`crate::bank::Item::label_of`]), with
/// the reply booked in the ledger: its tokens, its token cost (also an effort cost), its
/// latency, whether it was parsed and whether it was right.
/// Returns the label and the token cost.
fn model_label(
    sc: &crate::scenario::Scenario,
    st: &mut crate::sim::tasks::Subtask,
    prompts: &Prompts,
    call: usize,
    ledger: &mut Ledger,
) -> (u16, f64) {
    let reply = &prompts.replies[call];
    let cost = sc.llm.as_ref().map_or(0.0, |l| {
        l.profiles[prompts.calls[call].profile as usize].cost(reply)
    });
    let Some(item) = st.item.clone() else {
        return (crate::bank::UNPARSEABLE, cost);
    };
    let parsed = crate::bank::parse::parse(&item.format, &item.options, &reply.text);
    let label = item.label_of(parsed.as_deref(), sc.tasks.answers, &mut st.others);
    ledger.llm_answers += 1;
    ledger.llm_correct += u64::from(label == st.truth);
    ledger.llm_unparseable += u64::from(parsed.is_none());
    ledger.llm_prompt_tokens += reply.prompt_tokens;
    ledger.llm_completion_tokens += reply.completion_tokens;
    ledger.llm_cost += cost;
    ledger.effort_costs += cost;
    ledger.llm_latency_ms += reply.latency_ms;
    (label, cost)
}

/// Sends a worked answer to the coordinator: `(now, delay, bytes, copies)` are the tick, the
/// ticks before it leaves, its size, and (in `decentralized`) the copies sent to other workers.
/// A transient fault (`faults.drop_probability`) loses it before it leaves, unnoticed: the
/// coordinator waits for it until the subtask resolves otherwise; a worker cut off by a
/// partition cannot send it.
#[allow(clippy::too_many_arguments)]
fn send_answer(
    sc: &crate::scenario::Scenario,
    reach: &Reach,
    (sub, slot, answer): (SubRef, u8, Answer),
    (now, delay, bytes, copies): (u32, u32, u64, u32),
    n: usize,
    network: &mut Network,
    streams: &mut Streams,
    ledger: &mut Ledger,
    counters: &mut TickCounters,
    st: &mut crate::sim::tasks::Subtask,
) {
    let p = sc.faults.drop_probability;
    if p > 0.0 && chance(&mut streams.faults, p) {
        ledger.faults_fired += 1;
        counters.faults += 1;
        return;
    }
    let id = answer.agent;
    if reach.is_cut(id) {
        return;
    }
    let links = reach.links(&sc.messages, id, now);
    let event = Event::Answer { sub, slot, answer };
    match sc.topology {
        Topology::Single => {
            st.answers.push(answer);
            st.waiting = st.waiting.saturating_sub(1);
        }
        Topology::Star | Topology::Hierarchical { .. } => {
            let sent = network.send(
                &links,
                route_to_worker(sc, n),
                now + delay,
                event,
                None,
                &mut streams.network,
            );
            book(ledger, counters, sent, bytes);
        }
        Topology::Decentralized { .. } => {
            let route = Route {
                hops: 1,
                delay_probability: sc.faults.delay_probability,
                extra_latency: sc.faults.extra_latency,
            };
            let mut sent = network.send(
                &links,
                route,
                now + delay,
                event,
                None,
                &mut streams.network,
            );
            for _ in 0..copies {
                sent += travel(&links, route, now, &mut streams.network).transmissions;
            }
            book(ledger, counters, sent, bytes);
        }
    }
}
