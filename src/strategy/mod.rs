//! Agent strategies: how much effort a worker puts into a subtask, how it answers, what it claims.
//!
//! A strategy is plain data in, plain data out ([`Behaviour::work`] returns a [`Work`]); it knows
//! nothing of the ECS. The simulation turns a [`Work`] into an answer: with [`Answering::Solve`]
//! the answer is correct with probability `effort * skill * (1 - difficulty)`, with
//! [`Answering::Guess`] it is uniform over the K answers. [`Strategy`] is the registry: one
//! variant per strategy, one file per strategy, and [`STRATEGIES`] lists how each is written.

mod honest;
mod partial;
mod shirker;

pub use honest::Honest;
pub use partial::Partial;
pub use shirker::Shirker;

use crate::scenario::spec::{ParamDef, SpecDef, resolve};

/// How a worker produces its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answering {
    /// Work on it: correct with probability equal to the worker's competence.
    Solve,
    /// Pick one of the K answers uniformly without working.
    Guess,
}

/// What a worker does with one subtask.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Work {
    /// Effort e in [0, 1]; the worker pays `effort_cost * e`.
    pub effort: f64,
    /// How the answer is produced.
    pub answering: Answering,
    /// The effort the worker reports to the coordinator.
    pub claim: f64,
}

/// The behaviour of one strategy.
pub trait Behaviour {
    /// The strategy's name as written in scenario files and metric names.
    fn name(&self) -> &'static str;
    /// What the worker does with a subtask it has received.
    fn work(&self) -> Work;
    /// Whether the strategy counts as honest in `freerider_payoff_ratio`.
    fn is_honest(&self) -> bool {
        false
    }
}

/// The strategies (the registry). Adding one: a file, a variant, a line in [`STRATEGIES`] and
/// in [`Strategy::from_index`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Strategy {
    /// Full effort, truthful claim.
    Honest(Honest),
    /// No effort, a guess, a claim of full effort.
    Shirker(Shirker),
    /// Effort e, truthful claim.
    Partial(Partial),
}

/// How each strategy is written in a scenario file, in the order of [`Strategy`]'s variants.
pub const STRATEGIES: &[SpecDef] = &[
    SpecDef {
        name: "honest",
        doc: "full effort, truthful claim",
        params: &[],
    },
    SpecDef {
        name: "shirker",
        doc: "zero effort, submits a guess, claims full effort",
        params: &[],
    },
    SpecDef {
        name: "partial",
        doc: "effort e, truthful claim",
        params: &[ParamDef {
            name: "effort",
            min: 0.0,
            max: 1.0,
            integer: false,
            default: None,
        }],
    },
];

impl Strategy {
    /// Parses `honest`, `shirker`, `partial(0.5)`.
    pub fn parse(text: &str) -> Result<Strategy, String> {
        let (i, v) = resolve(text, "strategy", STRATEGIES)?;
        Ok(Self::from_index(i, &v))
    }

    fn from_index(i: usize, v: &[f64]) -> Strategy {
        match i {
            0 => Strategy::Honest(Honest),
            1 => Strategy::Shirker(Shirker),
            _ => Strategy::Partial(Partial { effort: v[0] }),
        }
    }

    /// The behaviour behind the variant.
    pub fn behaviour(&self) -> &dyn Behaviour {
        match self {
            Strategy::Honest(s) => s,
            Strategy::Shirker(s) => s,
            Strategy::Partial(s) => s,
        }
    }

    /// The strategy's name (`partial` for every `partial(e)`).
    pub fn name(&self) -> &'static str {
        self.behaviour().name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_parses_every_strategy() {
        assert_eq!(Strategy::parse("honest").unwrap(), Strategy::Honest(Honest));
        assert_eq!(
            Strategy::parse("shirker").unwrap(),
            Strategy::Shirker(Shirker)
        );
        assert_eq!(
            Strategy::parse("partial(0.4)").unwrap(),
            Strategy::Partial(Partial { effort: 0.4 })
        );
        for def in STRATEGIES {
            let text = if def.params.is_empty() {
                def.name.to_string()
            } else {
                format!("{}(0.5)", def.name)
            };
            assert_eq!(Strategy::parse(&text).unwrap().name(), def.name);
        }
    }
}
