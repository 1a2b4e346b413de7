//! Agents: the components of a worker entity, and the spawning of the population.
//!
//! Every agent is an entity with an [`Agent`] (its id and group), its [`AgentStrategy`], its
//! [`Skills`], its [`Reputation`] as the coordinator sees it, its [`Wallet`], its [`Load`] (the
//! subtasks it holds) and whether it is [`Up`]. Ids are dense (`0..N`, in the order of the
//! scenario's groups) and [`Roster`] maps them to entities, so that every loop over agents can
//! run in id order.

use bevy_ecs::prelude::*;

use crate::rng::SimRng;
use crate::scenario::Scenario;
use crate::strategy::Strategy;

/// Identity of an agent.
#[derive(Component, Debug, Clone, Copy)]
pub struct Agent {
    /// Dense id, `0..N`.
    pub id: u32,
    /// Index of its group in the scenario.
    pub group: u16,
}

/// The strategy an agent plays.
#[derive(Component, Debug, Clone, Copy)]
pub struct AgentStrategy(pub Strategy);

/// Skill per domain, its initial value, and this tick's practice.
#[derive(Component, Debug, Clone)]
pub struct Skills {
    /// Current skill `s_d` per domain, in [0, 1].
    pub now: Box<[f64]>,
    /// Initial skill per domain, toward which idle skill decays.
    pub initial: Box<[f64]>,
    /// Product of `(1 - alpha * e)` over the subtasks worked in each domain this tick; 1 when
    /// the domain was idle.
    pub practice: Box<[f64]>,
}

/// The coordinator's exponentially weighted mean of the agent's observed correctness.
#[derive(Component, Debug, Clone, Copy)]
pub struct Reputation(pub f64);

/// Money in and out of an agent.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct Wallet {
    /// Credit received.
    pub credit: f64,
    /// Effort costs paid.
    pub effort_costs: f64,
    /// Participation costs paid.
    pub participation_costs: f64,
}

impl Wallet {
    /// Profit so far: credit less all costs.
    pub fn payoff(&self) -> f64 {
        self.credit - self.effort_costs - self.participation_costs
    }
}

/// Subtasks an agent holds (assigned and not yet answered or released) and how many it can.
#[derive(Component, Debug, Clone, Copy)]
pub struct Load {
    /// Subtasks held.
    pub held: u32,
    /// Most subtasks held at once.
    pub capacity: u32,
}

impl Load {
    /// Whether it can take one more subtask.
    pub fn has_room(&self) -> bool {
        self.held < self.capacity
    }
}

/// Whether the agent is working (faults, a later issue, take agents down).
#[derive(Component, Debug, Clone, Copy)]
pub struct Up(pub bool);

/// Agent id → entity.
#[derive(Resource, Debug, Default)]
pub struct Roster {
    /// The entity of agent `id` at index `id`.
    pub entities: Vec<Entity>,
    /// The group of agent `id`.
    pub groups: Vec<u16>,
}

/// Spawns the population of `scenario`, drawing initial skills from `rng`, in id order.
pub fn spawn_population(world: &mut World, scenario: &Scenario, rng: &mut SimRng) {
    let mut roster = Roster::default();
    let mut id = 0u32;
    for (g, group) in scenario.groups.iter().enumerate() {
        for _ in 0..group.count {
            let skill: Box<[f64]> = group
                .skill
                .iter()
                .map(|d| d.sample(rng, 0.0, 1.0))
                .collect();
            let domains = skill.len();
            let e = world
                .spawn((
                    Agent {
                        id,
                        group: g as u16,
                    },
                    AgentStrategy(group.strategy),
                    Skills {
                        now: skill.clone(),
                        initial: skill,
                        practice: vec![1.0; domains].into(),
                    },
                    Reputation(scenario.experience.initial_reputation),
                    Wallet::default(),
                    Load {
                        held: 0,
                        capacity: group.capacity,
                    },
                    Up(true),
                ))
                .id();
            roster.entities.push(e);
            roster.groups.push(g as u16);
            id += 1;
        }
    }
    world.insert_resource(roster);
}
