//! `[topology]` and `[assignment]`: who coordinates whom, how subtasks are routed, and how many
//! workers each gets (redundancy within the population and within a decentralized fanout; one
//! agent for `single`).

use super::{Checker, defaults as d};
use crate::rules::{Policy, Topology};
use crate::scenario::Assignment;
use crate::scenario::raw::{RawAssignment, RawTopology};
use crate::syntax::error::{KeyPath, Problem};

/// The validated topology and assignment.
pub(super) struct Layout {
    pub topology: Topology,
    pub failover_ticks: u32,
    pub assignment: Assignment,
    /// Whether the topology is `single` as written (one agent).
    pub single: bool,
}

/// Validates `[topology]` and `[assignment]` for a population of `population` agents.
pub(super) fn layout(
    c: &mut Checker,
    topo: &mut RawTopology,
    a: &mut RawAssignment,
    population: u64,
) -> Layout {
    let root = KeyPath::root();
    let topology = c.choice(
        root.key("topology").key("kind"),
        &mut topo.kind,
        d::TOPOLOGY,
        Topology::parse,
    );
    let failover_ticks = c.int(
        root.key("topology").key("failover_ticks"),
        &mut topo.failover_ticks,
        d::FAILOVER_TICKS,
        1,
        u32::MAX as i64,
    ) as u32;

    let ap = root.key("assignment");
    let policy = c.choice(ap.key("policy"), &mut a.policy, d::POLICY, Policy::parse);
    let redundancy = c.int(
        ap.key("redundancy"),
        &mut a.redundancy,
        d::REDUNDANCY,
        1,
        1_000_000,
    ) as u32;
    if population > 0 && u64::from(redundancy) > population {
        c.problems.push(
            Problem::new(
                ap.key("redundancy"),
                format!(
                    "redundancy {redundancy} is larger than the population ({population} agents)"
                ),
            )
            .help(format!("use a redundancy of at most {population}")),
        );
    }
    if let Some(Topology::Decentralized { fanout }) = topology
        && fanout < redundancy
    {
        c.problems.push(
            Problem::new(
                root.key("topology").key("kind"),
                format!("an announcement to {fanout} peers cannot find the {redundancy} workers that redundancy asks for"),
            )
            .help(format!("use `decentralized({redundancy})` or more, or a smaller redundancy")),
        );
    }
    if topology == Some(Topology::Single) {
        if population > 1 {
            c.problems.push(
                Problem::new(
                    root.key("topology").key("kind"),
                    format!("topology `single` is one generalist agent, but the population has {population}"),
                )
                .help("give the population a single group with count = 1, or use topology `star`"),
            );
        }
        if redundancy > 1 {
            c.problems.push(Problem::new(
                ap.key("redundancy"),
                format!(
                    "topology `single` has one agent, so redundancy must be 1, found {redundancy}"
                ),
            ));
        }
    }
    Layout {
        topology: topology.unwrap_or(Topology::Star),
        failover_ticks,
        assignment: Assignment {
            policy: policy.unwrap_or(Policy::BestSkill),
            redundancy,
        },
        single: topology == Some(Topology::Single),
    }
}
