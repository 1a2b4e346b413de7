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

use super::agents::{Agent, Loads, Roster, Skills, Wallet};
use super::by_agent::ByAgent;
use super::network::{Event, Network, Route, book, route_to_worker, travel};
use super::private::{self, PrivacyAccounts};
use super::prompts::{Plan, Prompts};
use super::reach::Reach;
use super::resources::{Clock, Ledger, Params, Streams, TickCounters};
use super::tasks::{Answer, Board, Inbox, SlotState, SubRef, Subtask};
use crate::dist::{chance, unit};
use crate::privacy::accounting::spent;
use crate::rules::Topology;
use crate::strategy::answer::{draw_label, shared_label};
use crate::strategy::{Answering, Strategy};

/// What working reads of a worker: its state when the phase starts, which working does not
/// change (it changes only wallets, practice and loads, which it never reads).
#[derive(Debug, Clone, Copy)]
struct Worker {
    up: bool,
    group: u16,
    reputation: f64,
    /// Current skill in the subtask's domain.
    skill: f64,
    strategy: Strategy,
}

/// What working one assignment does to its worker: effort costs paid (in order), practice in a
/// domain at an effort, and whether its load is released.
#[derive(Debug, Clone, Copy, Default)]
struct Effect {
    costs: [f64; 2],
    paid: u8,
    practice: Option<(u16, f64)>,
    released: bool,
}

impl Effect {
    fn pay(&mut self, cost: f64) {
        self.costs[self.paid as usize] = cost;
        self.paid += 1;
    }
}

/// The buffers of the work phase, reused from tick to tick.
#[derive(Debug, Default)]
pub struct Scratch {
    /// (worker, (inbox position, domain)) of each assignment to an open subtask.
    pairs: Vec<(u32, (u32, u16))>,
    by_worker: ByAgent<(u32, u16)>,
    workers: Vec<Option<Worker>>,
    effects: Vec<Effect>,
}

/// Works every delivered assignment, in three steps: the workers' state is read in one pass
/// through the agents' storage (ascending ids), the assignments are worked in delivery order
/// (every draw in that order), and their effects on the workers are written in a second pass
/// (each worker's in delivery order). Random lookups of 10^5 agents were the phase's cost.
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
    mut scratch: Local<Scratch>,
    mut loads: ResMut<Loads>,
    mut agents: Query<(&Agent, &mut Skills, &mut Wallet)>,
) {
    let scratch = &mut *scratch;
    let items = std::mem::take(&mut inbox.0);
    read_workers(&items, &board, &roster, &agents, scratch);
    let mut ctx = Context {
        sc: &params.0,
        now: clock.tick,
        n: roster.entities.len(),
        streams: &mut streams,
        network: &mut network,
        ledger: &mut ledger,
        counters: &mut counters,
        reach: &reach,
        accounts: &mut accounts,
        prompts: &prompts,
        report_cost: params.0.privacy.as_ref().map_or((0, 0), |p| {
            let sc = &params.0;
            private::report_cost(p, &sc.topology, roster.entities.len(), sc.messages.latency)
        }),
    };
    for (i, &(sub, slot)) in items.iter().enumerate() {
        let Some(st) = board.subtask_mut(sub) else {
            continue;
        };
        if st.resolution.is_some() || st.slots[slot as usize].state != SlotState::Sent {
            continue;
        }
        let Some(worker) = scratch.workers[i].filter(|w| w.up) else {
            continue;
        };
        scratch.effects[i] = work_one(&mut ctx, i, (sub, slot), st, worker);
    }
    write_effects(
        &roster,
        (&mut agents, &mut loads),
        scratch,
        ctx.sc.experience.learning_rate,
    );
    inbox.0 = items;
    inbox.0.clear();
}

/// What working an assignment needs besides its subtask and worker.
struct Context<'a> {
    sc: &'a crate::scenario::Scenario,
    now: u32,
    /// Agents in the population.
    n: usize,
    streams: &'a mut Streams,
    network: &'a mut Network,
    ledger: &'a mut Ledger,
    counters: &'a mut TickCounters,
    reach: &'a Reach,
    accounts: &'a mut PrivacyAccounts,
    prompts: &'a Prompts,
    /// A private report's extra bytes and delay: they depend only on the scenario and the team
    /// size, so they are computed once per phase.
    report_cost: (u64, u32),
}

/// Reads, in one ascending pass, the state of every worker holding one of `items` (`None`
/// where the subtask is gone or the agent is missing), and clears the effects.
fn read_workers(
    items: &[(SubRef, u8)],
    board: &Board,
    roster: &Roster,
    agents: &Query<(&Agent, &mut Skills, &mut Wallet)>,
    scratch: &mut Scratch,
) {
    scratch.pairs.clear();
    for (i, &(sub, slot)) in items.iter().enumerate() {
        if let Some(st) = board.subtask(sub) {
            let id = st.slots[slot as usize].agent;
            scratch.pairs.push((id, (i as u32, st.domain)));
        }
    }
    scratch
        .by_worker
        .group(roster.entities.len(), &scratch.pairs);
    scratch.workers.clear();
    scratch.workers.resize(items.len(), None);
    scratch.effects.clear();
    scratch.effects.resize(items.len(), Effect::default());
    for (id, mine) in scratch.by_worker.runs() {
        let Ok((agent, skills, _)) = agents.get(roster.entities[id as usize]) else {
            continue;
        };
        for &(i, d) in mine {
            scratch.workers[i as usize] = Some(Worker {
                up: agent.up,
                group: agent.group,
                reputation: agent.reputation,
                skill: skills.now(d as usize),
                strategy: agent.strategy,
            });
        }
    }
}

/// Writes, in one ascending pass, each worker's effects in delivery order: effort costs into
/// its wallet, practice into its skills, released loads.
fn write_effects(
    roster: &Roster,
    (agents, loads): (&mut Query<(&Agent, &mut Skills, &mut Wallet)>, &mut Loads),
    scratch: &Scratch,
    alpha: f64,
) {
    for (id, mine) in scratch.by_worker.runs() {
        let Ok((_, mut skills, mut wallet)) = agents.get_mut(roster.entities[id as usize]) else {
            continue;
        };
        // No system reads change ticks: writing them would only cost memory traffic.
        let (skills, wallet) = (
            skills.bypass_change_detection(),
            wallet.bypass_change_detection(),
        );
        for &(i, _) in mine {
            let e = &scratch.effects[i as usize];
            for &c in &e.costs[..e.paid as usize] {
                wallet.effort_costs += c;
            }
            if let Some((d, effort)) = e.practice {
                skills.practise(d as usize, alpha, effort);
            }
            if e.released {
                loads.release(id);
            }
        }
    }
}

/// Works the assignment at inbox position `i` (`(sub, slot)` of subtask `st`) by `worker`: its
/// answer goes out, and what it does to the worker is returned.
fn work_one(
    ctx: &mut Context,
    i: usize,
    (sub, slot): (SubRef, u8),
    st: &mut Subtask,
    worker: Worker,
) -> Effect {
    let sc = ctx.sc;
    let id = st.slots[slot as usize].agent;
    let mut effect = Effect::default();
    let mut work = worker.strategy.behaviour().work();
    let group = &sc.groups[worker.group as usize];
    // A private task: the participant releases its private value (module `private`).
    if let (Some(held), Some(p)) = (st.private.as_mut(), sc.privacy.as_ref()) {
        let cost = group.effort_cost * work.effort;
        effect.pay(cost);
        ctx.ledger.effort_costs += cost;
        let x = p.values.sample(&mut ctx.streams.privacy, 0.0, f64::MAX);
        held.push((id, x));
        let report = release(p, id, x, ctx.accounts, ctx.streams, ctx.ledger);
        st.slots[slot as usize].state = SlotState::Worked;
        effect.released = true;
        let answer = Answer {
            label: 0,
            agent: id,
            correct: false,
            reputation: worker.reputation,
            claim: work.claim,
            report,
            picked: false,
        };
        let (extra, delay) = ctx.report_cost;
        let out = (ctx.now, delay, sc.messages.answer_bytes + extra, 0);
        send_answer(ctx, (sub, slot, answer), out, st);
        return effect;
    }
    // A colluder whose group already answered this subtask copies that label at no effort.
    let agreed = agreed_label(st, work.answering);
    if agreed.is_some() {
        work.effort = 0.0;
    }
    let cost = group.effort_cost * work.effort;
    effect.pay(cost);
    ctx.ledger.effort_costs += cost;
    effect.practice = Some((st.domain, work.effort));
    let plan = ctx.prompts.plans.get(i).copied().unwrap_or(Plan::Simulated);
    let label = match (agreed, plan) {
        (Some(label), _) => label,
        (None, Plan::Ask(call)) => {
            let (label, cost) = model_label(sc, st, ctx.prompts, call, ctx.ledger);
            effect.pay(cost);
            label
        }
        (None, plan) => {
            let solving = plan == Plan::Simulated
                && matches!(work.answering, Answering::Solve | Answering::Collude { .. });
            let rng = &mut ctx.streams.work;
            let competence = competence(
                sc,
                st,
                worker.group,
                (work.effort, worker.skill),
                solving,
                rng,
            );
            simulated_label(
                sc,
                st,
                worker.group,
                (work.answering, competence),
                plan,
                rng,
            )
        }
    };
    let (label, injected) = inject(sc, st, work.answering, label);
    st.first_label.get_or_insert(label);
    if sc.consensus.rule == crate::rules::consensus::ConsensusRule::Judge {
        let text = match (agreed, plan, injected) {
            (_, _, Some(text)) => text,
            (None, Plan::Ask(call), None) => ctx.prompts.replies[call].text.clone(),
            _ => (st.item.as_ref())
                .and_then(|item| item.text_of(label, sc.tasks.answers, &st.others))
                .unwrap_or_default(),
        };
        st.texts.push((id, text.into()));
    }
    if let (Answering::Collude { group }, None) = (work.answering, agreed) {
        st.collusion.push((group, label));
    }
    let answer = Answer {
        label,
        agent: id,
        correct: label == st.truth,
        reputation: worker.reputation,
        claim: work.claim,
        report: None,
        picked: false,
    };
    st.slots[slot as usize].state = SlotState::Worked;
    effect.released = true;
    // In `decentralized`, copies go to the subtask's other workers (replicated consensus).
    let copies = st.slots.len() as u32 - 1;
    let out = (ctx.now, 0, sc.messages.answer_bytes, copies);
    send_answer(ctx, (sub, slot, answer), out, st);
    effect
}

/// A simulated worker's competence on the subtask: its group's accuracy curve at its effort and
/// skill, the log-odds shifted by `λ z + μ w` when its group loads on the subtask's latent
/// effects and it solves (they are drawn then, by the first agent that needs them: nothing is
/// drawn for a guess, or for a group without loadings).
fn competence(
    sc: &crate::scenario::Scenario,
    st: &mut Subtask,
    group: u16,
    (effort, skill): (f64, f64),
    solving: bool,
    rng: &mut crate::rng::SimRng,
) -> f64 {
    let g = &sc.groups[group as usize];
    let mut shift = 0.0;
    if solving && g.item_loading > 0.0 {
        shift += g.item_loading * st.latent(crate::sim::tasks::COMMON, rng);
    }
    if let (true, Some(m)) = (solving && g.model_loading > 0.0, g.model) {
        shift += g.model_loading * st.latent(m, rng);
    }
    g.accuracy
        .competence_shifted(effort, skill, st.difficulty, shift)
}

/// A simulated worker's label: its group's shared answer with probability κ when it solves,
/// else its own draw (a guess when its plan says so).
fn simulated_label(
    sc: &crate::scenario::Scenario,
    st: &mut Subtask,
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
fn shared_uniforms(st: &mut Subtask, group: u16, rng: &mut crate::rng::SimRng) -> [f64; 3] {
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

/// With `[injection]`, a poisoner's answer to a bank item: the item's wrong answer in words
/// ([`crate::bank::Item::wrong_answer`]), its label, and the text it carries (the payload with
/// `{answer}` replaced); otherwise `label` as it was.
fn inject(
    sc: &crate::scenario::Scenario,
    st: &mut Subtask,
    answering: Answering,
    label: u16,
) -> (u16, Option<String>) {
    let (Some(inj), Answering::Poison) = (&sc.injection, answering) else {
        return (label, None);
    };
    let Some(item) = st.item.clone() else {
        return (label, None);
    };
    let wrong = item.wrong_answer();
    let label = item.label_of(Some(&wrong), sc.tasks.answers, &mut st.others);
    st.injected = Some(label);
    (label, Some(inj.template.replace("{answer}", &wrong)))
}

/// The label of a model's reply to the subtask's item ([`crate::bank::Item::label_of`]), with
/// the reply booked in the ledger: its tokens, its token cost (also an effort cost), its
/// latency, whether it was parsed and whether it was right.
/// Returns the label and the token cost.
fn model_label(
    sc: &crate::scenario::Scenario,
    st: &mut Subtask,
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
    let (right, parsed) = (label == st.truth, parsed.is_some());
    ledger.llm.book(right, parsed, reply, cost);
    let profile = prompts.calls[call].profile as usize;
    if ledger.llm_by_profile.len() <= profile {
        ledger
            .llm_by_profile
            .resize(profile + 1, Default::default());
    }
    ledger.llm_by_profile[profile].book(right, parsed, reply, cost);
    ledger.effort_costs += cost;
    (label, cost)
}

/// Sends a worked answer to the coordinator: `(now, delay, bytes, copies)` are the tick, the
/// ticks before it leaves, its size, and (in `decentralized`) the copies sent to other workers.
/// A transient fault (`faults.drop_probability`) loses it before it leaves, unnoticed: the
/// coordinator waits for it until the subtask resolves otherwise; a worker cut off by a
/// partition cannot send it.
fn send_answer(
    ctx: &mut Context,
    (sub, slot, answer): (SubRef, u8, Answer),
    (now, delay, bytes, copies): (u32, u32, u64, u32),
    st: &mut Subtask,
) {
    let Context {
        sc,
        n,
        streams,
        network,
        ledger,
        counters,
        reach,
        ..
    } = ctx;
    let (sc, n) = (*sc, *n);
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
