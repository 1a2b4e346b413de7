//! The rules of the model that are pure functions of plain data: how a task's value follows from
//! its subtasks' outcomes ([`value`]), how the answers to a subtask are combined ([`consensus`]),
//! how a worker's competence falls with difficulty ([`accuracy`]),
//! and the choices that are only a name (topology, assignment policy, observation mode).
//! The simulation and the credit games both call these, so the game `v(S)` of a task is computed
//! by exactly the rules that decided the task.

pub mod accuracy;
pub mod consensus;
pub mod topology;
pub mod value;

pub use topology::{TOPOLOGIES, Topology};

use crate::syntax::spec::{ParamDef, SpecDef, resolve};

/// Declares a registry enum whose variants take no parameters.
macro_rules! named_choice {
    ($(#[$m:meta])* $name:ident, $what:literal, $list:ident, [$($(#[$vm:meta])* $var:ident = $text:literal : $doc:literal),+ $(,)?]) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($(#[$vm])* $var),+ }

        /// How each choice is written, in the order of the enum's variants.
        pub const $list: &[SpecDef] = &[$(SpecDef { name: $text, doc: $doc, params: &[] }),+];

        impl $name {
            /// Parses the name as written in a scenario file.
            pub fn parse(text: &str) -> Result<Self, String> {
                let (i, _) = resolve(text, $what, $list)?;
                const ALL: &[$name] = &[$($name::$var),+];
                Ok(ALL[i])
            }
            /// The name as written in a scenario file.
            pub fn name(&self) -> &'static str {
                match self { $($name::$var => $text),+ }
            }
        }
    };
}

named_choice!(
    /// How the coordinator picks workers for a subtask.
    Policy, "assignment policy", POLICIES, [
        /// The available workers with the highest skill in the subtask's domain.
        BestSkill = "best_skill": "highest skill in the subtask's domain",
        /// The available workers with the highest reputation.
        Reputation = "reputation": "highest reputation",
        /// Uniformly random available workers.
        Random = "random": "uniformly at random",
        /// The next available workers in id order, cyclically.
        RoundRobin = "round_robin": "cyclically in id order",
    ]
);

/// How the coordinator judges whether an answer is correct, for credit and reputation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Observation {
    /// An oracle: the true correctness (the upper bound).
    GroundTruth,
    /// An answer is correct if it agrees with the consensus answer of its subtask.
    Consensus,
    /// Each answer is checked against the truth with probability p; a label any of whose answers
    /// was checked is judged by the truth, the others by agreement with the consensus answer.
    Audit(f64),
}

/// How each observation mode is written, in the order of [`Observation`]'s variants.
pub const OBSERVATIONS: &[SpecDef] = &[
    SpecDef {
        name: "ground_truth",
        doc: "true correctness (an oracle)",
        params: &[],
    },
    SpecDef {
        name: "consensus",
        doc: "agreement with the consensus answer",
        params: &[],
    },
    SpecDef {
        name: "audit",
        doc: "ground truth for a fraction p of answers, consensus for the rest",
        params: &[ParamDef {
            name: "p",
            min: 0.0,
            max: 1.0,
            integer: false,
            default: None,
        }],
    },
];

impl Observation {
    /// Whether every answer is judged by the truth (`ground_truth`, or `audit(p)` with p = 1), so
    /// that the coordinator's game is the truth game.
    pub fn is_ground_truth(&self) -> bool {
        match *self {
            Observation::GroundTruth => true,
            Observation::Audit(p) => p >= 1.0,
            Observation::Consensus => false,
        }
    }

    /// Parses `ground_truth`, `consensus`, `audit(p)`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (i, v) = resolve(text, "observation", OBSERVATIONS)?;
        Ok(match OBSERVATIONS[i].name {
            "ground_truth" => Observation::GroundTruth,
            "consensus" => Observation::Consensus,
            "audit" => Observation::Audit(v[0]),
            other => {
                return Err(format!(
                    "observation `{other}` of the registry has no arm in Observation::parse"
                ));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in [
            Policy::BestSkill,
            Policy::Reputation,
            Policy::Random,
            Policy::RoundRobin,
        ] {
            assert_eq!(Policy::parse(p.name()).unwrap(), p);
        }
        assert_eq!(Topology::parse("single").unwrap(), Topology::Single);
        assert!(
            Observation::parse("grund_truth")
                .unwrap_err()
                .contains("ground_truth")
        );
    }
}
