//! Tasks in flight: the board of open tasks, their subtasks, who holds them, what was answered.
//!
//! A task arrives with `m` subtasks; each subtask is assigned to up to `r` workers (its
//! [`Slot`]s), collects [`Answer`]s in arrival order, and is resolved once by consensus. A task
//! whose subtasks are all resolved leaves the board as a [`Finished`] task and flows through the
//! value, credit and economy phases of the same tick.

use std::collections::VecDeque;
use std::sync::Arc;

use bevy_ecs::prelude::*;
use smallvec::SmallVec;

use crate::bank::Item;
use crate::rules::consensus::Ballot;

/// Assignments delivered this tick, waiting to be worked, in delivery order.
#[derive(Resource, Debug, Default)]
pub struct Inbox(pub Vec<(SubRef, u8)>);

/// A reference to one subtask: (task id, subtask index).
pub type SubRef = (u64, u8);

/// What became of one assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotState {
    /// Sent; the worker has not answered yet.
    Sent,
    /// The worker answered (its load was released then).
    Worked,
    /// Released without an answer: lost for good, or the subtask was resolved first.
    Released,
}

/// One assignment of a subtask to a worker.
#[derive(Debug, Clone, Copy)]
pub struct Slot {
    /// The worker.
    pub agent: u32,
    /// Its state.
    pub state: SlotState,
}

/// One answer as it reached the coordinator.
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    /// The answer given, in `0..K`.
    pub label: u16,
    /// The worker.
    pub agent: u32,
    /// Whether it is truly correct.
    pub correct: bool,
    /// The worker's reputation when it answered.
    pub reputation: f64,
    /// The effort the worker claimed.
    pub claim: f64,
    /// Private tasks: what the participant released for the aggregate (`None`: it shared
    /// nothing, its budget being spent).
    pub report: Option<f64>,
    /// Whether a model judge picked this answer (`judge` rule; set by consensus).
    pub picked: bool,
}

impl Answer {
    /// The view of it that consensus rules need.
    pub fn ballot(&self) -> Ballot {
        Ballot {
            label: self.label,
            agent: self.agent,
            reputation: self.reputation,
            correct: self.correct,
            picked: self.picked,
        }
    }
}

/// How a subtask was resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolution {
    /// Index of the kept answer in `answers`, if any.
    pub kept: Option<usize>,
    /// Whether the kept answer is truly correct.
    pub correct: bool,
}

/// A subtask.
#[derive(Debug, Clone)]
pub struct Subtask {
    /// Skill domain.
    pub domain: u16,
    /// Difficulty delta in [0, 1).
    pub difficulty: f64,
    /// The correct answer.
    pub truth: u16,
    /// Its assignments (empty until assigned; inline up to two, the usual redundancy).
    pub slots: SmallVec<[Slot; 2]>,
    /// Answers received before resolution, in arrival order (inline up to one).
    pub answers: SmallVec<[Answer; 1]>,
    /// The label of the first answer any worker gave (what a `copycat` copies).
    pub first_label: Option<u16>,
    /// (colluding group, label) of the first member of each colluding group that answered.
    pub collusion: Vec<(u32, u16)>,
    /// (group, its three uniforms) of each group with shared answers (`population[].shared`)
    /// whose agents took the shared answer, drawn by the first of them ([`crate::strategy::answer::shared_label`]).
    pub shared: Vec<(u16, [f64; 3])>,
    /// The subtask's latent item effects drawn so far (`population[].item_loading`, `model`):
    /// (`COMMON`, z) for the effect every group shares, (m, w) for model m's, each drawn by the
    /// first agent that needs it ([`Subtask::latent`]).
    pub latent: Vec<(u16, f64)>,
    /// Answers the coordinator still expects (sent slots not known to be lost).
    pub waiting: u32,
    /// Answers already checked under `verified`.
    pub checked: usize,
    /// `decentralized`: the tick before which the subtask is not announced again.
    pub announce_after: u32,
    /// Workers wanted: the redundancy, or a private task's participants.
    pub want: u32,
    /// Private tasks: (participant, its true private value) of every participant that worked,
    /// in working order; `None` for an ordinary subtask.
    pub private: Option<Vec<(u32, f64)>>,
    /// Set once, by consensus.
    pub resolution: Option<Resolution>,
    /// The bank item it asks, when the scenario has a bank.
    pub item: Option<Arc<Item>>,
    /// Wrong answers models gave it, in order of first appearance (their labels are K, K+1, ...:
    /// see [`Item::label_of`]).
    pub others: Vec<String>,
    /// Under the `judge` rule: what each worker wrote, by agent id, as a reader sees it (a
    /// model's reply; a simulated answer's text where its label has one).
    pub texts: Vec<(u32, Box<str>)>,
    /// Under the `judge` rule: the answers disagreed and the judge has yet to pick one.
    pub judging: bool,
    /// With `[injection]`: the label of the byzantine answers, which carry the payload.
    pub injected: Option<u16>,
}

/// The key of the common latent item effect z in [`Subtask::latent`].
pub const COMMON: u16 = u16::MAX;

impl Subtask {
    /// The latent effect `key` of the subtask (z for [`COMMON`], else model `key`'s w): drawn
    /// from `rng` as a standard normal the first time it is asked for, then kept.
    pub fn latent(&mut self, key: u16, rng: &mut crate::rng::SimRng) -> f64 {
        if let Some((_, x)) = self.latent.iter().find(|(k, _)| *k == key) {
            return *x;
        }
        let x: f64 = rand_distr::Distribution::sample(&rand_distr::StandardNormal, rng);
        self.latent.push((key, x));
        x
    }

    /// A subtask not yet assigned, wanting `want` workers.
    pub fn new(domain: u16, difficulty: f64, truth: u16, want: u32) -> Self {
        Subtask {
            domain,
            difficulty,
            truth,
            slots: SmallVec::new(),
            answers: SmallVec::new(),
            first_label: None,
            collusion: Vec::new(),
            shared: Vec::new(),
            latent: Vec::new(),
            waiting: 0,
            checked: 0,
            announce_after: 0,
            want,
            private: None,
            resolution: None,
            item: None,
            others: Vec::new(),
            texts: Vec::new(),
            judging: false,
            injected: None,
        }
    }

    /// A subtask asking the bank item `item` (domain `domain`), wanting `want` workers: its
    /// difficulty and true label are the item's.
    pub fn asking(item: Item, domain: u16, want: u32) -> Self {
        let (difficulty, truth) = (item.difficulty, item.truth());
        Subtask {
            item: Some(Arc::new(item)),
            ..Subtask::new(domain, difficulty, truth, want)
        }
    }

    /// The number of answers simulated workers choose among: the item's options for a lettered
    /// item, else `k` (`tasks.answers`).
    pub fn answers(&self, k: u32) -> u32 {
        self.item.as_ref().map_or(k, |i| i.answers(k))
    }

    /// A private task's subtask for `participants` data holders (domain 0, difficulty 0).
    pub fn private(participants: u32) -> Self {
        Subtask {
            private: Some(Vec::new()),
            ..Subtask::new(0, 0.0, 0, participants)
        }
    }
}

/// A task.
#[derive(Debug, Clone)]
pub struct Task {
    /// Id, in arrival order.
    pub id: u64,
    /// Tick of arrival.
    pub arrived: u32,
    /// Last tick at which answers are accepted.
    pub deadline: u32,
    /// Its subtasks.
    pub subtasks: Vec<Subtask>,
    /// Subtasks not yet resolved.
    pub open: u32,
    /// Whether it is a private aggregation task (one subtask whose participants hold data).
    pub private: bool,
    /// The institution it is worked and credited in (0 without institutions).
    pub institution: u8,
}

/// Open tasks and the queue of subtasks waiting for workers.
///
/// Task ids are consecutive, so open tasks are kept in a window indexed by `id - base`: lookup
/// is O(1) and iteration is in id order. A finished task leaves a hole until every older task
/// has finished too.
#[derive(Resource, Debug, Default)]
pub struct Board {
    window: VecDeque<Option<Task>>,
    base: u64,
    /// Subtasks not yet assigned, first come first served.
    pub pending: VecDeque<SubRef>,
}

impl Task {
    /// A task arriving at `arrived` with its deadline `deadline` and `subtasks`, none resolved.
    pub fn new(
        id: u64,
        arrived: u32,
        deadline: u32,
        subtasks: Vec<Subtask>,
        private: bool,
    ) -> Self {
        Task {
            id,
            arrived,
            deadline,
            open: subtasks.len() as u32,
            subtasks,
            private,
            institution: 0,
        }
    }
}

impl Board {
    /// The id the next task will get.
    pub fn next_id(&self) -> u64 {
        self.base + self.window.len() as u64
    }

    /// Adds a task; its id must be [`Board::next_id`].
    pub fn insert(&mut self, task: Task) {
        debug_assert_eq!(task.id, self.next_id());
        self.window.push_back(Some(task));
    }

    /// The open task `id`.
    pub fn get(&self, id: u64) -> Option<&Task> {
        let i = id.checked_sub(self.base)?;
        self.window.get(usize::try_from(i).ok()?)?.as_ref()
    }

    /// The subtask `r`, if its task is still open.
    pub fn subtask(&self, r: SubRef) -> Option<&Subtask> {
        self.get(r.0).and_then(|t| t.subtasks.get(r.1 as usize))
    }

    /// The open task `id`, mutably.
    pub fn get_mut(&mut self, id: u64) -> Option<&mut Task> {
        let i = id.checked_sub(self.base)?;
        self.window.get_mut(usize::try_from(i).ok()?)?.as_mut()
    }

    /// Takes the open task `id` off the board.
    pub fn remove(&mut self, id: u64) -> Option<Task> {
        let i = usize::try_from(id.checked_sub(self.base)?).ok()?;
        let task = self.window.get_mut(i)?.take();
        while let Some(None) = self.window.front() {
            self.window.pop_front();
            self.base += 1;
        }
        task
    }

    /// The open tasks, in id order.
    pub fn tasks(&self) -> impl Iterator<Item = &Task> {
        self.window.iter().flatten()
    }

    /// The open tasks, mutably, in id order.
    pub fn tasks_mut(&mut self) -> impl Iterator<Item = &mut Task> {
        self.window.iter_mut().flatten()
    }

    /// The subtask `r`, if its task is still open.
    pub fn subtask_mut(&mut self, r: SubRef) -> Option<&mut Subtask> {
        self.get_mut(r.0)
            .and_then(|t| t.subtasks.get_mut(r.1 as usize))
    }
}

/// A task that finished this tick, with what the value phase found.
#[derive(Debug, Clone)]
pub struct Finished {
    /// The task.
    pub task: Task,
    /// Realised value `R * f`.
    pub value: f64,
    /// Whether `f = 1`.
    pub success: bool,
}

/// Tasks finished this tick (filled by consensus, consumed by economy).
#[derive(Resource, Debug, Default)]
pub struct FinishedTasks(pub Vec<Finished>);
