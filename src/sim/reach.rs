//! Who can be reached: coordinators that are down, agents cut off by a partition, and links in a
//! loss burst.
//!
//! A worker is *reachable* when it is in the population, up, not cut off, and (in the `single`,
//! `star` and `hierarchical` topologies) every coordinator on its path to the root is up. Only
//! reachable workers are assigned work (are *available* when they also have room), and a message
//! to or from a worker that is no longer reachable when it is delivered is lost. A crashed
//! coordinator is replaced by a new one `failover_ticks` after its crash; while the root is down
//! nothing is assigned and no subtask is resolved (the team halts). In `decentralized` there is
//! no coordinator to lose.

use std::collections::BTreeMap;

use bevy_ecs::prelude::*;

use crate::rules::Topology;
use crate::rules::topology::Node;
use crate::scenario::Messages;

/// Outages and degraded links.
#[derive(Resource, Debug, Default)]
pub struct Reach {
    /// Coordinators down, with the tick at whose start their replacement takes over.
    down: BTreeMap<Node, u32>,
    /// Agents cut off by a partition, by id (missing ids are not cut).
    cut: Vec<bool>,
    /// Per agent id: (extra loss probability, first tick without it) of a loss burst.
    burst: Vec<(f64, u32)>,
    /// Per agent id: the extra loss probability of its link (`faults.link_loss`), drawn once.
    link_loss: Vec<f64>,
}

impl Reach {
    /// Whether coordinator `node` is down.
    #[inline]
    pub fn node_down(&self, node: Node) -> bool {
        self.down.contains_key(&node)
    }

    /// Takes `node` down until `until` (a node already down keeps its earlier failover).
    pub fn crash_node(&mut self, node: Node, until: u32) {
        self.down.entry(node).or_insert(until);
    }

    /// Replaces the coordinators whose failover time has come; returns how many.
    pub fn fail_over(&mut self, now: u32) -> usize {
        let before = self.down.len();
        self.down.retain(|_, until| *until > now);
        before - self.down.len()
    }

    /// Whether the root coordinator of `topology` over `n` workers is down (never for
    /// `decentralized`).
    #[inline]
    pub fn root_down(&self, topology: &Topology, n: usize) -> bool {
        topology.has_coordinators() && !self.down.is_empty() && {
            let levels = topology.levels(n);
            self.node_down((levels, 0))
        }
    }

    /// Whether every agent can be reached (no coordinator down, nobody cut off): the loops over
    /// all agents then skip [`Reach::reachable`].
    pub fn everyone_reachable(&self) -> bool {
        self.down.is_empty() && !self.cut.contains(&true)
    }

    /// Whether agent `id` is cut off.
    #[inline]
    pub fn is_cut(&self, id: u32) -> bool {
        self.cut.get(id as usize).copied().unwrap_or(false)
    }

    /// Cuts agent `id` off, or reconnects it.
    pub fn set_cut(&mut self, id: u32, cut: bool) {
        let i = id as usize;
        if i >= self.cut.len() {
            if !cut {
                return;
            }
            self.cut.resize(i + 1, false);
        }
        self.cut[i] = cut;
    }

    /// Starts a loss burst of probability `loss` on agent `id`'s links, lasting until `until`.
    pub fn set_burst(&mut self, id: u32, loss: f64, until: u32) {
        let i = id as usize;
        if i >= self.burst.len() {
            self.burst.resize(i + 1, (0.0, 0));
        }
        self.burst[i] = (loss, until);
    }

    /// Draws the link loss of the agents `link_loss` does not cover yet, in id order, up to
    /// `n` agents.
    pub fn draw_link_losses(
        &mut self,
        dist: &crate::dist::Dist,
        n: usize,
        rng: &mut crate::rng::SimRng,
    ) {
        while self.link_loss.len() < n {
            self.link_loss.push(dist.sample(rng, 0.0, 1.0));
        }
    }

    /// Whether worker `id` can be reached through the coordinators of `topology` (it is not cut
    /// off and its path to the root is up); whether it is up is the caller's business.
    #[inline]
    pub fn reachable(&self, topology: &Topology, id: u32, n: usize) -> bool {
        !self.is_cut(id)
            && (self.down.is_empty() || !topology.path(id, n).any(|node| self.node_down(node)))
    }

    /// The links to and from agent `id` at tick `now`: its link's own loss ℓ and a loss burst
    /// b add independent losses, so a transmission gets through with probability
    /// `(1 - loss) (1 - ℓ) (1 - b)`.
    #[inline]
    pub fn links(&self, base: &Messages, id: u32, now: u32) -> Messages {
        let mut through = 1.0;
        if let Some(&(extra, until)) = self.burst.get(id as usize)
            && now < until
        {
            through *= 1.0 - extra;
        }
        if let Some(&own) = self.link_loss.get(id as usize) {
            through *= 1.0 - own;
        }
        if through == 1.0 {
            return *base;
        }
        Messages {
            loss: 1.0 - (1.0 - base.loss) * through,
            ..*base
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sub_orchestrator_cuts_off_its_subtree_only() {
        let t = Topology::Hierarchical { branching: 4 };
        let mut r = Reach::default();
        // 16 workers: level-1 coordinators 0..4, the root at level 2.
        r.crash_node((1, 2), 10);
        let reachable: Vec<u32> = (0..16).filter(|&i| r.reachable(&t, i, 16)).collect();
        assert_eq!(reachable, [0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15]);
        assert!(!r.root_down(&t, 16));
        r.crash_node((2, 0), 12);
        assert!(r.root_down(&t, 16));
        assert!((0..16).all(|i| !r.reachable(&t, i, 16)));
        assert_eq!(r.fail_over(9), 0);
        assert_eq!(r.fail_over(10), 1);
        assert_eq!(r.fail_over(12), 1);
        assert!((0..16).all(|i| r.reachable(&t, i, 16)));
    }

    #[test]
    fn a_burst_adds_an_independent_loss_until_it_ends() {
        let base = Messages {
            latency: 1,
            loss: 0.2,
            timeout: 2,
            retries: 0,
            assignment_bytes: 1,
            answer_bytes: 1,
        };
        let mut r = Reach::default();
        r.set_burst(3, 0.5, 20);
        assert!((r.links(&base, 3, 19).loss - 0.6).abs() < 1e-12);
        assert_eq!(r.links(&base, 3, 20).loss, 0.2);
        assert_eq!(r.links(&base, 2, 19).loss, 0.2);
        r.set_cut(7, true);
        assert!(r.is_cut(7) && !r.is_cut(6) && !r.is_cut(100));
        r.set_cut(7, false);
        assert!(!r.is_cut(7));
    }
}
