//! Topologies: how agents are organised, and so which coordinators exist and how many links a
//! message crosses.
//!
//! - `single`: one generalist agent is its own coordinator; nothing is sent over links.
//! - `star`: one orchestrator (the root coordinator) and the workers around it; an assignment or
//!   an answer crosses one link.
//! - `hierarchical(branching)`: a tree of coordinators. With `n` workers and branching `b`, the
//!   workers are led in id order by `⌈n/b⌉` level-1 coordinators (worker `i` by coordinator
//!   `⌊i/b⌋`), those by `⌈n/b²⌉` level-2 coordinators (level-1 coordinator `j` by `⌊j/b⌋`), and
//!   so on up to one root: the tree has `d = max(1, ⌈log_b n⌉)` levels (the smallest `d ≥ 1`
//!   with `b^d ≥ n`), and a message between the root and a worker crosses `d` links. Every
//!   coordinator is a point of failure for its subtree. With `n ≤ b` it is a star.
//! - `decentralized(fanout)`: no coordinator. A subtask is announced to `fanout` peers (at most
//!   the population), those able to take it bid, the announcer awards it to `r` bidders chosen by
//!   the assignment policy, and each worker sends its answer to the announcer and to the other
//!   `r − 1` workers (consensus is replicated among the participants). Nothing is a single point
//!   of failure.
//!
//! The simulation's message phases follow these patterns; `docs/model.md` counts them.

use crate::syntax::spec::{ParamDef, SpecDef, resolve};

/// How agents are organised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topology {
    /// One orchestrator assigns subtasks to workers over message links.
    Star,
    /// One generalist agent does every subtask itself, without messages.
    Single,
    /// A tree of coordinators with this branching factor (≥ 2).
    Hierarchical {
        /// Children per coordinator.
        branching: u32,
    },
    /// Peers announce subtasks to `fanout` peers, which bid; no coordinator.
    Decentralized {
        /// Peers an announcement reaches.
        fanout: u32,
    },
}

/// How each topology is written, in the order of [`Topology`]'s variants.
pub const TOPOLOGIES: &[SpecDef] = &[
    SpecDef {
        name: "star",
        doc: "one orchestrator, workers around it",
        params: &[],
    },
    SpecDef {
        name: "single",
        doc: "one generalist agent does everything",
        params: &[],
    },
    SpecDef {
        name: "hierarchical",
        doc: "a tree of sub-orchestrators with `branching` children each",
        params: &[ParamDef {
            name: "branching",
            min: 2.0,
            max: 1_000_000.0,
            integer: true,
            default: Some(4.0),
        }],
    },
    SpecDef {
        name: "decentralized",
        doc: "no orchestrator: subtasks announced to `fanout` peers, who bid",
        params: &[ParamDef {
            name: "fanout",
            min: 1.0,
            max: 10_000_000.0,
            integer: true,
            default: Some(8.0),
        }],
    },
];

/// A coordinator of a tree: (level, index), level 1 leading workers, the root at the top level.
pub type Node = (u8, u32);

impl Topology {
    /// Parses `star`, `single`, `hierarchical(branching)`, `decentralized(fanout)`.
    pub fn parse(text: &str) -> Result<Topology, String> {
        let (i, v) = resolve(text, "topology", TOPOLOGIES)?;
        Ok(match TOPOLOGIES[i].name {
            "star" => Topology::Star,
            "single" => Topology::Single,
            "hierarchical" => Topology::Hierarchical {
                branching: v[0] as u32,
            },
            "decentralized" => Topology::Decentralized {
                fanout: v[0] as u32,
            },
            other => {
                return Err(format!(
                    "topology `{other}` of the registry has no arm in Topology::parse"
                ));
            }
        })
    }

    /// Whether the topology has coordinators (every one but `decentralized`).
    pub fn has_coordinators(&self) -> bool {
        !matches!(self, Topology::Decentralized { .. })
    }

    /// Levels of coordinators above `n` workers: 1 for `single` and `star`, the depth `d` of the
    /// tree for `hierarchical`, 0 for `decentralized`.
    pub fn levels(&self, n: usize) -> u8 {
        match *self {
            Topology::Single | Topology::Star => 1,
            Topology::Decentralized { .. } => 0,
            Topology::Hierarchical { branching } => {
                let b = branching as usize;
                let (mut d, mut span) = (1u8, b);
                while span < n {
                    d += 1;
                    span = span.saturating_mul(b);
                }
                d
            }
        }
    }

    /// Links a message between the root and a worker crosses (0 for `single`, where the agent
    /// is its own coordinator).
    pub fn hops(&self, n: usize) -> u32 {
        match self {
            Topology::Single => 0,
            _ => u32::from(self.levels(n)),
        }
    }

    /// The coordinators on the path from worker `id` to the root (level 1 first), among `n`
    /// workers.
    pub fn path(&self, id: u32, n: usize) -> impl Iterator<Item = Node> {
        let b = match *self {
            Topology::Hierarchical { branching } => u64::from(branching),
            _ => u64::MAX,
        };
        let levels = self.levels(n);
        let mut index = u64::from(id);
        (1..=levels).map(move |level| {
            index = if b == u64::MAX { 0 } else { index / b };
            (level, index as u32)
        })
    }

    /// Every coordinator of the tree over `n` workers, level by level from the root.
    pub fn nodes(&self, n: usize) -> Vec<Node> {
        let levels = self.levels(n);
        let mut out = Vec::new();
        for level in (1..=levels).rev() {
            let count = match *self {
                Topology::Hierarchical { branching } => {
                    let span = (branching as usize).saturating_pow(u32::from(level));
                    n.div_ceil(span).max(1)
                }
                _ => 1,
            };
            out.extend((0..count as u32).map(|j| (level, j)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_topology() {
        assert_eq!(Topology::parse("star").unwrap(), Topology::Star);
        assert_eq!(Topology::parse("single").unwrap(), Topology::Single);
        assert_eq!(
            Topology::parse("hierarchical(3)").unwrap(),
            Topology::Hierarchical { branching: 3 }
        );
        assert_eq!(
            Topology::parse("hierarchical").unwrap(),
            Topology::Hierarchical { branching: 4 }
        );
        assert_eq!(
            Topology::parse("decentralized(fanout = 5)").unwrap(),
            Topology::Decentralized { fanout: 5 }
        );
        assert!(Topology::parse("hierarchical(1)").is_err());
        assert!(
            Topology::parse("decentralised")
                .unwrap_err()
                .contains("decentralized")
        );
    }

    #[test]
    fn tree_depth_is_the_smallest_d_with_b_to_the_d_at_least_n() {
        let h = |b| Topology::Hierarchical { branching: b };
        assert_eq!(h(4).levels(1), 1);
        assert_eq!(h(4).levels(4), 1);
        assert_eq!(h(4).levels(5), 2);
        assert_eq!(h(4).levels(16), 2);
        assert_eq!(h(4).levels(17), 3);
        assert_eq!(h(2).levels(1000), 10);
        assert_eq!(Topology::Star.levels(1000), 1);
        assert_eq!(Topology::Single.hops(1), 0);
        assert_eq!(Topology::Decentralized { fanout: 3 }.levels(50), 0);
    }

    #[test]
    fn paths_climb_to_the_root() {
        let t = Topology::Hierarchical { branching: 4 };
        // 20 workers: 5 level-1 coordinators, 2 at level 2, the root at level 3.
        assert_eq!(t.path(0, 20).collect::<Vec<_>>(), [(1, 0), (2, 0), (3, 0)]);
        assert_eq!(t.path(19, 20).collect::<Vec<_>>(), [(1, 4), (2, 1), (3, 0)]);
        assert_eq!(t.path(9, 20).collect::<Vec<_>>(), [(1, 2), (2, 0), (3, 0)]);
        assert_eq!(
            t.nodes(20),
            [
                (3, 0),
                (2, 0),
                (2, 1),
                (1, 0),
                (1, 1),
                (1, 2),
                (1, 3),
                (1, 4)
            ]
        );
        assert_eq!(Topology::Star.path(7, 20).collect::<Vec<_>>(), [(1, 0)]);
        assert_eq!(Topology::Star.nodes(20), [(1, 0)]);
    }
}
