//! Agents: the components of a worker entity, and the spawning of the population.
//!
//! Every agent is an entity with components laid out for the loops that touch them: its
//! [`Agent`] (identity, strategy, reputation as the coordinator sees it, capacity, whether it is
//! up: everything the assign and work phases read when they look an agent up, in one cache
//! line), its [`Skills`] (inline for up to [`INLINE_DOMAINS`] domains, so a lookup chases no
//! pointer), its [`Wallet`] (costs and traffic revenue, touched by work and economy; credit
//! received is by id in the fairness ledger) and its [`Member`]ship (when it
//! joined and left). Ids are dense (`0..N`, in the order of the scenario's groups) and [`Roster`]
//! maps them to entities, so that every loop over agents can run in id order. The subtasks each
//! agent holds are the coordinator's count, [`Loads`], indexed by id: the four phases that
//! assign and release work change it by id without finding the agent's entity.

use bevy_ecs::prelude::*;
use smallvec::SmallVec;

use crate::rng::SimRng;
use crate::scenario::Scenario;
use crate::strategy::Strategy;

/// An agent's identity and the state the coordinator and the work phase use at every
/// assignment: one component, so that looking an agent up touches one cache line.
#[derive(Component, Debug, Clone, Copy)]
pub struct Agent {
    /// Dense id, `0..N`.
    pub id: u32,
    /// The id of the agent whose owner collects this agent's payoff: its own id, except for the
    /// identities of a `sybil(k)` owner, which all name the owner's lead identity.
    pub owner: u32,
    /// Index of its group in the scenario.
    pub group: u16,
    /// Whether the agent is working (faults take agents down, exit for good).
    pub up: bool,
    /// Most subtasks held at once.
    pub capacity: u32,
    /// The coordinator's exponentially weighted mean of the agent's observed correctness.
    pub reputation: f64,
    /// The strategy it plays.
    pub strategy: Strategy,
}

impl Agent {
    /// A new agent of group `group` of `sc` with ids `(id, owner)`, playing `strategy`: up, at
    /// the initial reputation.
    pub fn new(sc: &Scenario, (id, owner): (u32, u32), group: u16, strategy: Strategy) -> Self {
        Agent {
            id,
            owner,
            group,
            up: true,
            capacity: sc.groups[group as usize].capacity,
            reputation: sc.experience.initial_reputation,
            strategy,
        }
    }
}

/// Domains whose skills are held inside the component (more spill to the heap).
pub const INLINE_DOMAINS: usize = 4;

/// Skill per domain, its initial value, and this tick's practice, interleaved
/// (`[s_0, s0_0, p_0], [s_1, s0_1, p_1], ...`) so that touching a domain touches one cache line;
/// inline up to [`INLINE_DOMAINS`] domains.
#[derive(Component, Debug, Clone)]
pub struct Skills {
    data: SmallVec<[[f64; 3]; INLINE_DOMAINS]>,
}

impl Skills {
    /// Skills starting at `initial`, with no practice yet.
    pub fn new(initial: &[f64]) -> Self {
        Skills {
            data: initial.iter().map(|&s| [s, s, 1.0]).collect(),
        }
    }

    /// Current skill `s_d`, in [0, 1].
    #[inline]
    pub fn now(&self, d: usize) -> f64 {
        self.data[d][0]
    }

    /// Current skill in every domain, in domain order.
    #[inline]
    pub fn all_now(&self) -> impl Iterator<Item = f64> + '_ {
        self.data.iter().map(|c| c[0])
    }

    /// Initial skill `s0_d`, toward which idle skill decays.
    #[inline]
    pub fn initial(&self, d: usize) -> f64 {
        self.data[d][1]
    }

    /// Records practice in domain `d` at effort `e` with learning rate `alpha`: the practice
    /// factor (product of `1 - alpha * e` over this tick's subtasks of `d`) is multiplied.
    #[inline]
    pub fn practise(&mut self, d: usize, alpha: f64, e: f64) {
        self.data[d][2] *= 1.0 - alpha * e;
    }

    /// Applies the tick's learning (practised domains) or decay (idle domains) and clears the
    /// practice: `1 - s <- (1 - s) * factor` if practised, else `s += phi * (s0 - s)`.
    #[inline]
    pub fn update(&mut self, phi: f64) {
        if let Ok(four) = <&mut [[f64; 3]; INLINE_DOMAINS]>::try_from(&mut self.data[..]) {
            // The usual case, in a loop of known length.
            four.iter_mut().for_each(|c| Self::update_domain(c, phi));
            return;
        }
        self.data
            .iter_mut()
            .for_each(|c| Self::update_domain(c, phi));
    }

    /// One domain's learning or decay, its practice cleared.
    #[inline]
    fn update_domain(c: &mut [f64; 3], phi: f64) {
        // Both computed and one kept, without a branch (which domain was practised is random);
        // an idle domain's practice factor is 1 already.
        let learnt = 1.0 - (1.0 - c[0]) * c[2];
        let decayed = c[0] + phi * (c[1] - c[0]);
        c[0] = if c[2] < 1.0 { learnt } else { decayed };
        c[2] = 1.0;
    }
}

/// Money in and out of an agent, but for the credit it received: the credit phase pays that by
/// agent id into the fairness ledger ([`crate::sim::credit::Fairness`], whose `credit` is what
/// the agent was paid), with no lookup of the agent's entity and no second booking.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct Wallet {
    /// Effort costs paid.
    pub effort_costs: f64,
    /// Participation costs paid.
    pub participation_costs: f64,
    /// Traffic revenue received.
    pub traffic: f64,
}

impl Wallet {
    /// Profit so far, given the `credit` received: credit and traffic revenue less all costs.
    #[inline]
    pub fn payoff(&self, credit: f64) -> f64 {
        credit + self.traffic - self.effort_costs - self.participation_costs
    }
}

/// When the agent joined the population and, if it has, when it left (adaptation's exit). An
/// agent that left is also down and is never up again.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct Member {
    /// Tick it joined (0 for the initial population).
    pub joined: u32,
    /// Tick it left, if it has.
    pub left: Option<u32>,
    /// The institution it works in (0 without institutions).
    pub institution: u8,
}

impl Member {
    /// Whether the agent is still in the population.
    pub fn present(&self) -> bool {
        self.left.is_none()
    }
}

/// Subtasks each agent holds (assigned and not yet answered or released), by agent id.
#[derive(Resource, Debug, Default, Clone)]
pub struct Loads(pub Vec<u32>);

impl Loads {
    /// Subtasks `agent` can still take.
    #[inline]
    pub fn room(&self, agent: &Agent) -> u32 {
        agent.capacity.saturating_sub(self.0[agent.id as usize])
    }

    /// Agent `id` takes a subtask.
    #[inline]
    pub fn take(&mut self, id: u32) {
        self.0[id as usize] += 1;
    }

    /// Agent `id` is done with a subtask (answered, or released unanswered).
    #[inline]
    pub fn release(&mut self, id: u32) {
        self.0[id as usize] -= 1;
    }
}

/// Agent id → entity.
#[derive(Resource, Debug, Default, Clone)]
pub struct Roster {
    /// The entity of agent `id` at index `id`.
    pub entities: Vec<Entity>,
    /// The group of agent `id`.
    pub groups: Vec<u16>,
    /// The id of each group's first agent (an entrant's index in its group is its id minus it).
    pub first: Vec<u32>,
    /// The index of agent `id` among its group's agents (from 0; `id − first[g]` when agents
    /// are numbered group by group).
    pub members: Vec<u32>,
}

/// The (group, agent index within the group) of every initial agent, in id order: group by
/// group, or with `interleave` one member of each group in turn (a `sybil(k)` member's k
/// identities together), skipping groups that have run out.
pub fn id_order(scenario: &Scenario) -> Vec<(usize, u32)> {
    let groups = &scenario.groups;
    if !scenario.interleave {
        return groups
            .iter()
            .enumerate()
            .flat_map(|(g, group)| (0..group.agents()).map(move |j| (g, j)))
            .collect();
    }
    let rounds = groups.iter().map(|g| g.count).max().unwrap_or(0);
    let mut order = Vec::new();
    for m in 0..rounds {
        for (g, group) in groups.iter().enumerate().filter(|(_, g)| m < g.count) {
            let k = group.strategy.identities();
            order.extend((m * k..(m + 1) * k).map(|j| (g, j)));
        }
    }
    order
}

/// Spawns the population of `scenario`, drawing initial skills from `rng`, in id order.
pub fn spawn_population(world: &mut World, scenario: &Scenario, rng: &mut SimRng) {
    let order = id_order(scenario);
    let mut roster = Roster {
        first: first_ids(scenario, &order),
        ..Roster::default()
    };
    for (id, &(g, j)) in order.iter().enumerate() {
        let (id, group) = (id as u32, &scenario.groups[g]);
        let identities = group.strategy.identities();
        let skill: SmallVec<[f64; INLINE_DOMAINS]> = group
            .skill
            .iter()
            .map(|d| d.sample(rng, 0.0, 1.0))
            .collect();
        let strategy = group.strategy.identity(j % identities);
        // An owner's identities are consecutive ids in either order: the lead is j mod k back.
        let agent = Agent::new(scenario, (id, id - j % identities), g as u16, strategy);
        let e = world
            .spawn((
                agent,
                Skills::new(&skill),
                Wallet::default(),
                Member {
                    institution: group.institution,
                    ..Member::default()
                },
            ))
            .id();
        roster.entities.push(e);
        roster.groups.push(g as u16);
        roster.members.push(j);
    }
    world.insert_resource(Loads(vec![0; roster.entities.len()]));
    world.insert_resource(roster);
}

/// The id of each group's first agent in `order`. A group without agents: group by group, the
/// id its first agent would have had; interleaved, the number of agents (where entrants start).
fn first_ids(scenario: &Scenario, order: &[(usize, u32)]) -> Vec<u32> {
    if !scenario.interleave {
        let counts = scenario.groups.iter().map(|g| g.agents());
        return counts
            .scan(0u32, |next, n| {
                *next += n;
                Some(*next - n)
            })
            .collect();
    }
    let mut first = vec![order.len() as u32; scenario.groups.len()];
    for (id, &(g, j)) in order.iter().enumerate().rev() {
        if j == 0 {
            first[g] = id as u32;
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::Skills;

    /// Interleaved numbering: one member of each group in turn, skipping groups that have run
    /// out, a sybil(2) owner's two identities together; each agent knows its index in its group
    /// and its owner; group by group is the default and is what it was.
    #[test]
    fn interleaved_ids_take_one_member_of_each_group_in_turn() {
        use super::{Agent, Roster, spawn_population};
        let text = |interleave: bool| {
            format!(
                "interleave = {interleave}\n\
                 [[population]]\nname = \"a\"\ncount = 2\n\
                 [[population]]\nname = \"empty\"\ncount = 0\n\
                 [[population]]\nname = \"b\"\ncount = 3\n\
                 [[population]]\nname = \"s\"\ncount = 1\nstrategy = \"sybil(2)\"\n"
            )
        };
        let spawn = |interleave: bool| {
            let path = std::path::Path::new("interleave.toml");
            let sc = crate::scenario::from_str(&text(interleave), path, &[]).unwrap();
            let mut world = bevy_ecs::world::World::new();
            spawn_population(&mut world, &sc, &mut crate::rng::stream(1, "population"));
            let roster = world.resource::<Roster>().clone();
            let owners: Vec<u32> = roster
                .entities
                .iter()
                .map(|&e| world.get::<Agent>(e).unwrap().owner)
                .collect();
            (roster, owners)
        };
        let (r, owners) = spawn(true);
        assert_eq!(r.groups, [0, 2, 3, 3, 0, 2, 2]);
        assert_eq!(r.members, [0, 0, 0, 1, 1, 1, 2]);
        assert_eq!(owners, [0, 1, 2, 2, 4, 5, 6]);
        assert_eq!(r.first, [0, 7, 1, 2]);
        let (r, owners) = spawn(false);
        assert_eq!(r.groups, [0, 0, 2, 2, 2, 3, 3]);
        assert_eq!(r.members, [0, 1, 0, 1, 2, 0, 1]);
        assert_eq!(owners, [0, 1, 2, 3, 4, 5, 5]);
        assert_eq!(r.first, [0, 2, 2, 5]);
    }

    #[test]
    fn learning_and_decay_by_hand() {
        // Two subtasks of domain 0 at full effort with alpha = 0.2: 1 - s = 0.5 * 0.8 * 0.8,
        // so s = 0.68. Domain 1 is idle and decays halfway (phi = 0.5) toward its initial 0.3;
        // it starts there, so it stays.
        let mut s = Skills::new(&[0.5, 0.3]);
        s.practise(0, 0.2, 1.0);
        s.practise(0, 0.2, 1.0);
        s.update(0.5);
        assert!((s.now(0) - 0.68).abs() < 1e-12);
        assert_eq!(s.now(1), 0.3);
        // Next tick domain 0 is idle: s += 0.5 * (0.5 - 0.68) = 0.59. Zero effort is no practice.
        s.practise(0, 0.2, 0.0);
        s.update(0.5);
        assert!((s.now(0) - 0.59).abs() < 1e-12);
        assert_eq!(s.initial(0), 0.5);
    }
}
