//! A hand-written, single-threaded loop of the lamas bench workload (benches/ticks.rs, `team`):
//! plain Vecs, no ECS, the practical limit on this hardware. Same rules, phase by phase, as
//! lamas's docs/model.md for the features the bench turns on (see RULES.md next to this file):
//!
//! star topology, lossless links (latency 1), N honest workers of capacity 1 with skills
//! uniform(0.5, 1) in D = 4 domains, Poisson(N/20) tasks per tick of m = 3 subtasks (domain and
//! truth uniform, K = 4 answers, difficulty 0), best-skill routing with redundancy 1 (ties to the
//! smaller id), majority consensus, value rule `all` (R = 10), equal credit with fee 0.1, the
//! ground-truth Shapley value of every task for the fairness metrics, participation cost 0.01,
//! learning 0.01 / decay 0.01, reputation 0.1, and one time-series row per tick.
//!
//! Built as the crate's example `handloop` (`cargo build --release --example handloop`), which
//! `side_by_side.py` here times against lamas and Mesa; `tests/it/yardstick.rs` compiles it in
//! and calls [`run`] to check that it gives lamas's statistics.
//!
//! Usage: handloop N TICKS SEED [OUT_DIR]   (arrival rate N/20; OUT_DIR default: no files)
//! Writes OUT_DIR/timeseries.csv and OUT_DIR/summary.json; prints the summary.

use std::collections::VecDeque;
use std::fmt::Write as _;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

// ---------------------------------------------------------------- parameters (the bench's)
const D: usize = 4; // domains
const M: usize = 3; // subtasks per task
const K: u64 = 4; // answers
const DEADLINE: u32 = 10;
const REWARD: f64 = 10.0;
const FEE: f64 = 0.1;
const EFFORT_COST: f64 = 1.0;
const PARTICIPATION: f64 = 0.01;
const ALPHA: f64 = 0.01; // learning rate
const PHI: f64 = 0.01; // skill decay
const RHO: f64 = 0.1; // reputation rate
const REP0: f64 = 0.5;
const CAPACITY: u32 = 1;
const LATENCY: u32 = 1;
const ASSIGN_BYTES: u64 = 1024;
const ANSWER_BYTES: u64 = 256;

// ---------------------------------------------------------------- random numbers
fn stream(seed: u64, name: &str) -> ChaCha8Rng {
    // FNV-1a of the name, mixed with the seed (lamas uses SHA-256; any independent key does).
    let mut h: u64 = 0xcbf29ce484222325;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100000001b3);
    }
    let salt: u64 = std::env::var("HANDLOOP_SALT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    ChaCha8Rng::seed_from_u64(h ^ seed.wrapping_mul(0x9E3779B97F4A7C15) ^ salt)
}

#[inline]
fn unit(r: &mut ChaCha8Rng) -> f64 {
    (r.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[inline]
fn below(r: &mut ChaCha8Rng, n: u64) -> u64 {
    let threshold = n.wrapping_neg() % n;
    loop {
        let m = u128::from(r.next_u64()) * u128::from(n);
        if (m as u64) >= threshold {
            return (m >> 64) as u64;
        }
    }
}

fn ln_factorial(k: f64) -> f64 {
    if k < 10.0 {
        (2..=k as u64).map(|i| (i as f64).ln()).sum()
    } else {
        let x = k + 1.0; // ln Γ(x), Stirling series
        (x - 0.5) * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI).ln() + 1.0 / (12.0 * x)
            - 1.0 / (360.0 * x * x * x)
            + 1.0 / (1260.0 * x.powi(5))
    }
}

/// Poisson(lambda): multiplication for small means, PTRS (Hörmann 1993) otherwise.
fn poisson(r: &mut ChaCha8Rng, lambda: f64) -> u64 {
    if lambda <= 0.0 {
        return 0;
    }
    if lambda < 10.0 {
        let l = (-lambda).exp();
        let (mut k, mut p) = (0u64, 1.0);
        loop {
            p *= unit(r);
            if p <= l {
                return k;
            }
            k += 1;
        }
    }
    let slam = lambda.sqrt();
    let loglam = lambda.ln();
    let b = 0.931 + 2.53 * slam;
    let a = -0.059 + 0.02483 * b;
    let invalpha = 1.1239 + 1.1328 / (b - 3.4);
    let vr = 0.9277 - 3.6224 / (b - 2.0);
    loop {
        let u = unit(r) - 0.5;
        let v = unit(r);
        let us = 0.5 - u.abs();
        let k = ((2.0 * a / us + b) * u + lambda + 0.43).floor();
        if us >= 0.07 && v <= vr {
            return k as u64;
        }
        if k < 0.0 || (us < 0.013 && v > us) {
            continue;
        }
        if v.ln() + invalpha.ln() - (a / (us * us) + b).ln()
            <= -lambda + k * loglam - ln_factorial(k)
        {
            return k as u64;
        }
    }
}

// ---------------------------------------------------------------- state
/// A ballot as lamas carries it. Its label and reputation would break ties in a vote over
/// several ballots; with redundancy 1 (this workload) the one ballot is kept, so they are
/// written and never read.
#[derive(Clone, Copy)]
#[allow(dead_code)]
struct Answer {
    label: u8,
    agent: u32,
    correct: bool,
    reputation: f64,
}

#[derive(Clone, Copy)]
struct Sub {
    domain: u8,
    truth: u8,
    worker: Option<u32>, // redundancy 1: at most one slot
    worked: bool,        // the slot's state: Sent (false) or Worked (true)
    waiting: u8,
    answer: Option<Answer>,
    resolved: Option<bool>, // Some(kept answer truly correct)
}

struct Task {
    arrived: u32,
    deadline: u32,
    open: u8,
    done: bool,
    subs: [Sub; M],
}

#[derive(Clone, Copy)]
enum Event {
    Assignment(u64, u8),
    Answer(u64, u8, Answer),
}

#[derive(Default)]
struct Ledger {
    arrived: u64,
    completed: u64,
    succeeded: u64,
    subtasks_resolved: u64,
    subtasks_correct: u64,
    latency_sum: u64,
    messages: u64,
    bytes: u64,
    value: f64,
    fees: f64,
    credit_paid: f64,
    unallocated: f64,
    effort_costs: f64,
    participation_costs: f64,
    imbalance_sum: f64,
    imbalance_tasks: u64,
    task_error_sum: f64,
    task_error_tasks: u64,
    evaluations: u64,
}

#[derive(Default)]
struct Row {
    arrived: u64,
    completed: u64,
    succeeded: u64,
    value: f64,
    messages: u64,
    bytes: u64,
}

/// The whole state of a run: agents, tasks, the network, the streams, the ledger and the series.
pub struct World {
    n: usize,
    lambda: f64,
    // agents (struct of arrays, index = id)
    /// Per (agent, domain), at `id * D + d`: [current skill s, initial skill s0, practice
    /// factor (product of (1 - alpha e) this tick)], interleaved so one domain is one cache line.
    skills: Vec<[f64; 3]>,
    reputation: Vec<f64>,
    held: Vec<u32>,
    credit: Vec<f64>,
    effort: Vec<f64>,
    participation: Vec<f64>,
    fair_credit: Vec<f64>,
    fair_truth: Vec<f64>,
    took_part: Vec<bool>,
    // tasks
    tasks: VecDeque<Task>, // window of ids base..
    base: u64,
    pending: VecDeque<(u64, u8)>,
    net: VecDeque<Vec<Event>>, // net[k]: due at tick net_base + k
    net_base: u32,
    inbox: Vec<(u64, u8)>,
    observations: Vec<(u32, bool)>,
    // scratch
    free: Vec<u32>,
    ranked: Vec<Vec<(f64, u32)>>,
    // rng
    arrivals: ChaCha8Rng,
    work: ChaCha8Rng,
    ledger: Ledger,
    row: Row,
    series: String,
}

fn by_key_then_id(a: &(f64, u32), b: &(f64, u32)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// Agents ranked by skill (descending, ties by id), sorted lazily as deep as picking goes.
struct Ranked<'a> {
    items: &'a mut Vec<(f64, u32)>,
    sorted: usize,
    start: usize,
}

impl Ranked<'_> {
    fn ensure(&mut self, n: usize) {
        let n = n.min(self.items.len());
        if n <= self.sorted {
            return;
        }
        let rest = &mut self.items[self.sorted..];
        let k = n - self.sorted;
        if k < rest.len() {
            rest.select_nth_unstable_by(k - 1, by_key_then_id);
        }
        rest[..k].sort_unstable_by(by_key_then_id);
        self.sorted = n;
    }
    fn pick(&mut self, free: &[u32]) -> Option<u32> {
        // Redundancy 1: every agent before the one picked has no room left this tick.
        let mut i = self.start;
        while i < self.items.len() {
            if i >= self.sorted {
                self.ensure((self.sorted * 2).max(self.sorted + 18));
            }
            let id = self.items[i].1;
            if free[id as usize] > 0 {
                self.start = i;
                return Some(id);
            }
            i += 1;
        }
        self.start = i;
        None
    }
}

/// Majority over at most one ballot (redundancy 1): the ballot if its author is included.
#[inline]
fn decide(answer: &Option<Answer>, include: impl Fn(u32) -> bool) -> Option<Answer> {
    answer.filter(|a| include(a.agent))
}

impl World {
    fn new(n: usize, seed: u64) -> World {
        let mut pop = stream(seed, "population");
        let mut skills = Vec::with_capacity(n * D);
        for _ in 0..n * D {
            let s = 0.5 + 0.5 * unit(&mut pop);
            skills.push([s, s, 1.0]);
        }
        World {
            n,
            lambda: n as f64 / 20.0,
            skills,
            reputation: vec![REP0; n],
            held: vec![0; n],
            credit: vec![0.0; n],
            effort: vec![0.0; n],
            participation: vec![0.0; n],
            fair_credit: vec![0.0; n],
            fair_truth: vec![0.0; n],
            took_part: vec![false; n],
            tasks: VecDeque::new(),
            base: 0,
            pending: VecDeque::new(),
            net: VecDeque::new(),
            net_base: 0,
            inbox: Vec::new(),
            observations: Vec::new(),
            free: vec![0; n],
            ranked: vec![Vec::new(); D],
            arrivals: stream(seed, "arrivals"),
            work: stream(seed, "work"),
            ledger: Ledger::default(),
            row: Row::default(),
            series: String::from(
                "tick,tasks_arrived,tasks_completed,tasks_succeeded,value,messages,bytes,agents_up,agents_reachable,faults,share_honest,payoff_mean_honest\n",
            ),
        }
    }

    fn send(&mut self, now: u32, delay: u32, e: Event, bytes: u64) {
        let k = (now + delay - self.net_base) as usize;
        while self.net.len() <= k {
            self.net.push_back(Vec::new());
        }
        self.net[k].push(e);
        self.ledger.messages += 1;
        self.ledger.bytes += bytes;
        self.row.messages += 1;
        self.row.bytes += bytes;
    }

    fn task_mut(&mut self, id: u64) -> Option<&mut Task> {
        let i = id.checked_sub(self.base)? as usize;
        self.tasks.get_mut(i).filter(|t| !t.done)
    }

    fn step(&mut self, now: u32) {
        // Phase 1, faults: none in this workload.
        // Phase 2, arrivals.
        let k = poisson(&mut self.arrivals, self.lambda);
        for _ in 0..k {
            let id = self.base + self.tasks.len() as u64;
            let mut subs = [Sub {
                domain: 0,
                truth: 0,
                worker: None,
                worked: false,
                waiting: 0,
                answer: None,
                resolved: None,
            }; M];
            for (s, sub) in subs.iter_mut().enumerate() {
                sub.domain = below(&mut self.arrivals, D as u64) as u8;
                sub.truth = below(&mut self.arrivals, K) as u8;
                self.pending.push_back((id, s as u8));
            }
            self.tasks.push_back(Task {
                arrived: now,
                deadline: now + DEADLINE,
                open: M as u8,
                done: false,
                subs,
            });
        }
        self.ledger.arrived += k;
        self.row.arrived += k;

        // Phase 3, assign (best skill, redundancy 1).
        if !self.pending.is_empty() {
            let mut demand = [0usize; D];
            for &(id, s) in &self.pending {
                let Some(t) = id
                    .checked_sub(self.base)
                    .and_then(|i| self.tasks.get(i as usize))
                else {
                    continue;
                };
                if !t.done && t.subs[s as usize].resolved.is_none() {
                    demand[t.subs[s as usize].domain as usize] += 1;
                }
            }
            let mut available = 0usize;
            for r in &mut self.ranked {
                r.clear();
            }
            for id in 0..self.n {
                if self.held[id] < CAPACITY {
                    self.free[id] = CAPACITY - self.held[id];
                    available += 1;
                    for (d, &want) in demand.iter().enumerate() {
                        if want > 0 {
                            self.ranked[d].push((self.skills[id * D + d][0], id as u32));
                        }
                    }
                } else {
                    self.free[id] = 0;
                }
            }
            let mut ranked: Vec<Ranked> = self
                .ranked
                .iter_mut()
                .zip(demand)
                .map(|(items, want)| {
                    let mut r = Ranked {
                        items,
                        sorted: 0,
                        start: 0,
                    };
                    if want > 0 {
                        r.ensure(want);
                    }
                    r
                })
                .collect();
            let pending = std::mem::take(&mut self.pending);
            let mut again = VecDeque::new();
            let mut sends: Vec<(u64, u8)> = Vec::new();
            for (id, s) in pending {
                let Some(t) = id
                    .checked_sub(self.base)
                    .and_then(|i| self.tasks.get_mut(i as usize))
                else {
                    continue;
                };
                if t.done || t.subs[s as usize].resolved.is_some() {
                    continue;
                }
                if available == 0 {
                    again.push_back((id, s));
                    continue;
                }
                let sub = &mut t.subs[s as usize];
                let Some(w) = ranked[sub.domain as usize].pick(&self.free) else {
                    again.push_back((id, s));
                    continue;
                };
                self.free[w as usize] -= 1;
                if self.free[w as usize] == 0 {
                    available -= 1;
                }
                self.held[w as usize] += 1;
                sub.worker = Some(w);
                sub.waiting += 1;
                sends.push((id, s));
            }
            drop(ranked);
            self.pending = again;
            // One link, lossless: delivered LATENCY ticks later.
            for &(id, s) in &sends {
                self.send(now, LATENCY, Event::Assignment(id, s), ASSIGN_BYTES);
            }
        }

        // Phase 4, messages: what is due now.
        debug_assert_eq!(self.net_base, now);
        let due = self.net.pop_front().unwrap_or_default();
        self.net_base += 1;
        for e in &due {
            match *e {
                Event::Assignment(id, s) => {
                    if let Some(t) = self.task_mut(id) {
                        let sub = &t.subs[s as usize];
                        if sub.resolved.is_none() && !sub.worked {
                            self.inbox.push((id, s));
                        }
                    }
                }
                Event::Answer(id, s, a) => {
                    if let Some(t) = self.task_mut(id) {
                        let sub = &mut t.subs[s as usize];
                        if sub.resolved.is_none() {
                            sub.answer = Some(a);
                            sub.waiting = sub.waiting.saturating_sub(1);
                        }
                    }
                }
            }
        }

        // Phase 5, work: honest, effort 1, competence = skill (difficulty 0).
        let inbox = std::mem::take(&mut self.inbox);
        for &(id, s) in &inbox {
            let i = (id - self.base) as usize;
            let t = &mut self.tasks[i];
            let sub = &mut t.subs[s as usize];
            if t.done || sub.resolved.is_some() || sub.worked {
                continue;
            }
            let w = sub.worker.unwrap() as usize;
            let d = sub.domain as usize;
            self.effort[w] += EFFORT_COST;
            self.ledger.effort_costs += EFFORT_COST;
            let sk = &mut self.skills[w * D + d];
            sk[2] *= 1.0 - ALPHA;
            let competence = sk[0];
            let label = if unit(&mut self.work) < competence {
                sub.truth
            } else {
                let x = below(&mut self.work, K - 1) as u8;
                if x >= sub.truth { x + 1 } else { x }
            };
            let answer = Answer {
                label,
                agent: w as u32,
                correct: label == sub.truth,
                reputation: self.reputation[w],
            };
            sub.worked = true;
            self.held[w] -= 1;
            self.send(now, LATENCY, Event::Answer(id, s, answer), ANSWER_BYTES);
        }
        self.inbox = inbox;
        self.inbox.clear();

        // Phase 6, consensus: resolve when all answers are in or at the deadline.
        let mut finished: Vec<usize> = Vec::new();
        for (i, t) in self.tasks.iter_mut().enumerate() {
            if t.done {
                continue;
            }
            let past = now >= t.deadline;
            for sub in t.subs.iter_mut().filter(|s| s.resolved.is_none()) {
                let all_in = sub.worker.is_some() && sub.waiting == 0;
                if !(all_in || past) {
                    continue;
                }
                let kept = decide(&sub.answer, |_| true);
                let correct = kept.is_some_and(|a| a.correct);
                sub.resolved = Some(correct);
                if let (Some(w), false) = (sub.worker, sub.worked) {
                    // a slot still Sent is released
                    self.held[w as usize] -= 1;
                    sub.worked = true;
                }
                t.open -= 1;
                self.ledger.subtasks_resolved += 1;
                self.ledger.subtasks_correct += u64::from(correct);
            }
            if t.open == 0 {
                t.done = true;
                finished.push(i);
            }
        }

        // Phase 7, value; phase 8, credit (equal; truth = exact Shapley of the task's game);
        // phase 9, economy (credit paid here directly).
        let scale = REWARD * (1.0 - FEE);
        for &i in &finished {
            let t = &self.tasks[i];
            let c = t.subs.iter().filter(|s| s.resolved == Some(true)).count();
            let success = c == M;
            let value = if success { REWARD } else { 0.0 };
            self.ledger.completed += 1;
            self.ledger.succeeded += u64::from(success);
            self.ledger.latency_sum += u64::from(now - t.arrived);
            self.ledger.value += value;
            self.row.completed += 1;
            self.row.succeeded += u64::from(success);
            self.row.value += value;

            // The game: players = distinct workers, ascending.
            let mut players: [u32; M] = [u32::MAX; M];
            let mut np = 0;
            for s in &t.subs {
                if let Some(w) = s.worker {
                    players[np] = w;
                    np += 1;
                }
            }
            players[..np].sort_unstable();
            let mut n = 0;
            for j in 0..np {
                if n == 0 || players[n - 1] != players[j] {
                    players[n] = players[j];
                    n += 1;
                }
            }
            let players = &players[..n];
            for s in &t.subs {
                if let Some(a) = s.answer {
                    self.observations.push((a.agent, a.correct)); // judged by ground truth
                }
            }
            self.ledger.fees += value * FEE;
            let distributable = value * (1.0 - FEE);
            if n == 0 {
                self.ledger.unallocated += distributable;
                continue;
            }
            let v = |mask: u32| -> f64 {
                let correct = t
                    .subs
                    .iter()
                    .filter(|s| {
                        decide(&s.answer, |a| {
                            let p = players.binary_search(&a).unwrap_or(0);
                            mask >> p & 1 == 1
                        })
                        .is_some_and(|a| a.correct)
                    })
                    .count();
                scale * if correct == M { 1.0 } else { 0.0 }
            };
            let all = (1u32 << n) - 1;
            // Equal split: v(N) / n each.
            let grand = v(all);
            let share = grand / n as f64;
            // The truth: exact Shapley from the 2^n table.
            let mut table = [0.0f64; 1 << M];
            for (mask, x) in table.iter_mut().enumerate().take(1 << n) {
                *x = v(mask as u32);
            }
            self.ledger.evaluations += 1 + (1u64 << n);
            let mut w = [0.0f64; M + 2];
            w[1] = 1.0 / n as f64;
            for s in 0..n - 1 {
                w[s + 2] = w[s + 1] * (s + 1) as f64 / (n - s - 1) as f64;
            }
            let mut b = 0.0;
            for (mask, x) in table.iter_mut().enumerate().take(1 << n) {
                let s = mask.count_ones() as usize;
                b += *x * w[s + 1];
                *x *= w[s] + w[s + 1];
            }
            let mut truth = [0.0f64; M];
            for (p, tr) in truth.iter_mut().enumerate().take(n) {
                let mut acc = 0.0;
                for (mask, x) in table.iter().enumerate().take(1 << n) {
                    if mask >> p & 1 == 1 {
                        acc += x;
                    }
                }
                *tr = acc - b;
            }
            for (p, &a) in players.iter().enumerate() {
                self.fair_truth[a as usize] += truth[p];
                self.took_part[a as usize] = true;
            }
            let grand2 = v(all);
            if grand2 > 0.0 {
                self.ledger.imbalance_sum += (share * n as f64 - grand2).abs() / grand2;
                self.ledger.imbalance_tasks += 1;
            }
            let factor = if grand2 > 1e-12 {
                Some(distributable / grand2)
            } else if distributable.abs() <= 1e-12 {
                Some(1.0)
            } else {
                None
            };
            match factor {
                Some(f) => {
                    let mut error = 0.0;
                    for (p, &a) in players.iter().enumerate() {
                        let pay = share * f;
                        self.credit[a as usize] += pay;
                        self.fair_credit[a as usize] += pay;
                        self.ledger.credit_paid += pay;
                        error += (pay - truth[p]).abs();
                    }
                    if distributable > 1e-12 {
                        self.ledger.task_error_sum += error / distributable;
                        self.ledger.task_error_tasks += 1;
                    }
                }
                None => self.ledger.unallocated += distributable,
            }
        }
        while self.tasks.front().is_some_and(|t| t.done) {
            self.tasks.pop_front();
            self.base += 1;
        }
        // Economy: every agent pays its participation cost.
        for p in &mut self.participation {
            *p += PARTICIPATION;
        }
        self.ledger.participation_costs += PARTICIPATION * self.n as f64;

        // Phase 10, adaptation: off. Phase 11, experience.
        for c in &mut self.skills {
            if c[2] < 1.0 {
                c[0] = 1.0 - (1.0 - c[0]) * c[2];
                c[2] = 1.0;
            } else {
                c[0] += PHI * (c[1] - c[0]);
            }
        }
        for (a, judged) in self.observations.drain(..) {
            let r = &mut self.reputation[a as usize];
            *r = (1.0 - RHO) * *r + RHO * f64::from(u8::from(judged));
        }

        // Phase 12, record.
        let mut payoff = 0.0;
        for i in 0..self.n {
            payoff += self.credit[i] - self.effort[i] - self.participation[i];
        }
        let r = std::mem::take(&mut self.row);
        let n = self.n;
        let _ = writeln!(
            self.series,
            "{now},{},{},{},{},{},{},{n},{n},0,1,{}",
            r.arrived,
            r.completed,
            r.succeeded,
            r.value,
            r.messages,
            r.bytes,
            payoff / n as f64
        );
    }
}

fn ranks(xs: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..xs.len()).collect();
    idx.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut r = vec![0.0; xs.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && xs[idx[j + 1]] == xs[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    if a.len() < 2 {
        return f64::NAN;
    }
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    if saa == 0.0 || sbb == 0.0 {
        f64::NAN
    } else {
        sab / (saa * sbb).sqrt()
    }
}

fn gini(xs: &[f64]) -> f64 {
    let n = xs.len();
    let mean = xs.iter().sum::<f64>() / n as f64;
    if n == 0 || mean.is_nan() || mean <= 0.0 {
        return f64::NAN;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let s: f64 = v
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * i as f64 - n as f64 + 1.0) * x)
        .sum();
    s / (n as f64 * n as f64 * mean)
}

/// Runs `n` agents for `ticks` ticks from `seed`: the world at the end and the run's metrics
/// (lamas's names), in the order `main` prints them. The integration tests call it in-process.
pub fn run(n: usize, ticks: u32, seed: u64) -> (World, Vec<(&'static str, f64)>) {
    let mut w = World::new(n, seed);
    for t in 0..ticks {
        w.step(t);
    }

    let l = &w.ledger;
    let ratio = |a: f64, b: f64| if b == 0.0 { f64::NAN } else { a / b };
    let payoffs: Vec<f64> = (0..n)
        .map(|i| w.credit[i] - w.effort[i] - w.participation[i])
        .collect();
    let (paid, truth): (Vec<f64>, Vec<f64>) = (0..n)
        .filter(|&i| w.took_part[i])
        .map(|i| (w.fair_credit[i], w.fair_truth[i]))
        .unzip();
    let mae = paid
        .iter()
        .zip(&truth)
        .map(|(a, b)| (a - b).abs())
        .sum::<f64>();
    let mean_skill = w.skills.iter().map(|c| c[0]).sum::<f64>() / w.skills.len() as f64;
    let metrics: Vec<(&'static str, f64)> = vec![
        ("tasks_arrived", l.arrived as f64),
        ("tasks_completed", l.completed as f64),
        ("tasks_succeeded", l.succeeded as f64),
        (
            "task_success_rate",
            ratio(l.succeeded as f64, l.completed as f64),
        ),
        (
            "subtask_accuracy",
            ratio(l.subtasks_correct as f64, l.subtasks_resolved as f64),
        ),
        (
            "mean_latency_ticks",
            ratio(l.latency_sum as f64, l.completed as f64),
        ),
        ("messages_total", l.messages as f64),
        ("bytes_total", l.bytes as f64),
        (
            "messages_per_task",
            ratio(l.messages as f64, l.arrived as f64),
        ),
        ("value_created", l.value),
        ("welfare", l.value - l.effort_costs - l.participation_costs),
        ("platform_revenue", l.fees + l.unallocated),
        ("credit_paid", l.credit_paid),
        ("effort_costs", l.effort_costs),
        ("participation_costs", l.participation_costs),
        (
            "budget_imbalance",
            ratio(l.imbalance_sum, l.imbalance_tasks as f64),
        ),
        ("credit_truth_corr", pearson(&ranks(&paid), &ranks(&truth))),
        ("credit_truth_mae", ratio(mae, paid.len() as f64)),
        (
            "credit_task_error",
            ratio(l.task_error_sum, l.task_error_tasks as f64),
        ),
        ("credit_evaluations", l.evaluations as f64),
        ("payoff_mean_honest", payoffs.iter().sum::<f64>() / n as f64),
        ("gini_payoff", gini(&payoffs)),
        (
            "tasks_completed_per_tick",
            l.completed as f64 / f64::from(ticks),
        ),
        ("mean_skill_final", mean_skill),
    ];
    (w, metrics)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 3 && args[1] == "--poisson-check" {
        // Mean, variance and the frequency of each value, for checking the sampler.
        let lambda: f64 = args[2].parse().expect("lambda");
        let mut r = stream(1, "poisson-check");
        let draws = 2_000_000;
        let mut counts = std::collections::BTreeMap::<u64, u64>::new();
        let (mut s1, mut s2) = (0.0, 0.0);
        for _ in 0..draws {
            let k = poisson(&mut r, lambda);
            *counts.entry(k).or_default() += 1;
            s1 += k as f64;
            s2 += (k as f64) * (k as f64);
        }
        let mean = s1 / draws as f64;
        println!("mean {mean} var {}", s2 / draws as f64 - mean * mean);
        for (k, c) in counts {
            println!("{k} {c}");
        }
        return;
    }
    if args.len() < 4 {
        eprintln!("usage: handloop N TICKS SEED [OUT_DIR]");
        std::process::exit(2);
    }
    let n: usize = args[1].parse().expect("N");
    let ticks: u32 = args[2].parse().expect("TICKS");
    let seed: u64 = args[3].parse().expect("SEED");
    let out = args.get(4);

    let started = std::time::Instant::now();
    let (w, metrics) = run(n, ticks, seed);
    let wall = started.elapsed().as_secs_f64();
    let mut json = String::from("{\n");
    let mut table = String::new();
    for (i, (k, v)) in metrics.iter().enumerate() {
        let sep = if i + 1 < metrics.len() { "," } else { "" };
        if v.is_finite() {
            let _ = writeln!(json, "  \"{k}\": {v}{sep}");
        } else {
            let _ = writeln!(json, "  \"{k}\": null{sep}");
        }
        let _ = writeln!(table, "{k:<26} {v:>16.6}");
    }
    json.push_str("}\n");
    if let Some(dir) = out {
        std::fs::create_dir_all(dir).expect("out dir");
        std::fs::write(format!("{dir}/timeseries.csv"), &w.series).expect("write series");
        std::fs::write(format!("{dir}/summary.json"), &json).expect("write summary");
    }
    println!("handloop: {n} agents, {ticks} ticks, seed {seed}, {wall:.3} s");
    print!("{table}");
}
