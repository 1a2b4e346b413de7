//! Agent strategies: how much effort a worker puts into a subtask, how it answers, what it claims.
//!
//! A strategy is plain data in, plain data out ([`Behaviour::work`] returns a [`Work`]); it knows
//! nothing of the ECS. The simulation turns a [`Work`] into an answer: with [`Answering::Solve`]
//! the answer is correct with probability the worker's competence (by its group's accuracy curve,
//! [`crate::rules::accuracy`]; `effort * skill * (1 - difficulty)` by default), with
//! [`Answering::Guess`] it is uniform over the K answers, with [`Answering::CopyFirst`] it is the
//! first answer another worker gave to the subtask (a guess if there is none yet), with
//! [`Answering::Poison`] it is the coordinated wrong answer `(truth + 1) mod K`. [`Strategy`] is the registry: one
//! variant per strategy, one file per strategy, and [`STRATEGIES`] lists how each is written.

pub mod answer;
mod byzantine;
mod colluder;
mod copycat;
pub mod decider;
pub mod decision;
mod honest;
mod misreporter;
mod partial;
mod shirker;
mod sybil;

pub use byzantine::Byzantine;
pub use colluder::Colluder;
pub use copycat::Copycat;
pub use honest::Honest;
pub use misreporter::Misreporter;
pub use partial::Partial;
pub use shirker::Shirker;
pub use sybil::Sybil;

use crate::syntax::spec::{ParamDef, SpecDef, resolve};

/// How a worker produces its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answering {
    /// Work on it: correct with probability equal to the worker's competence.
    Solve,
    /// Pick one of the K answers uniformly without working.
    Guess,
    /// Copy the first answer another worker gave to the subtask; guess if there is none yet.
    CopyFirst,
    /// Give the wrong answer all poisoners agree on, `(truth + 1) mod K`.
    Poison,
    /// Give the label a member of the colluding group already gave to the subtask, at no
    /// effort; solve (at the strategy's effort) if none has.
    Collude {
        /// The colluding group.
        group: u32,
    },
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
    /// The colluding group the agent belongs to, if any (how it rates peers in `peer_review`).
    fn colluding_group(&self) -> Option<u32> {
        None
    }
}

/// The strategies (the registry). Adding one: a file, a variant, an entry in [`STRATEGIES`] and
/// an arm in [`Strategy::from_index`] and [`Strategy::behaviour`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Strategy {
    /// Full effort, truthful claim.
    Honest(Honest),
    /// No effort, a guess, a claim of full effort.
    Shirker(Shirker),
    /// Effort e, truthful claim.
    Partial(Partial),
    /// No effort, a copy of another worker's answer.
    Copycat(Copycat),
    /// Effort e, claim `inflate * e`.
    Misreporter(Misreporter),
    /// No effort, the coordinated wrong answer.
    Byzantine(Byzantine),
    /// One identity of an owner with k: the lead works, the others shirk.
    Sybil(Sybil),
    /// A member of a colluding group.
    Colluder(Colluder),
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
    SpecDef {
        name: "copycat",
        doc: "zero effort, copies the first answer another worker gave (else guesses), claims full effort",
        params: &[],
    },
    SpecDef {
        name: "misreporter",
        doc: "effort e (default 1), truthful answer, claims `inflate` times its effort",
        params: &[
            ParamDef {
                name: "inflate",
                min: 1.0,
                max: 1000.0,
                integer: false,
                default: None,
            },
            ParamDef {
                name: "effort",
                min: 0.0,
                max: 1.0,
                integer: false,
                default: Some(1.0),
            },
        ],
    },
    SpecDef {
        name: "byzantine",
        doc: "zero effort, answers the wrong answer all byzantine workers agree on",
        params: &[],
    },
    SpecDef {
        name: "sybil",
        doc: "one owner behind k identities: one works honestly, the others shirk; the owner collects all their credit",
        params: &[ParamDef {
            name: "k",
            min: 1.0,
            max: 1000.0,
            integer: true,
            default: None,
        }],
    },
    SpecDef {
        name: "colluder",
        doc: "members of a group vote together (later members copy the first at no effort) and rate each other 1, others 0, in peer review",
        params: &[ParamDef {
            name: "group",
            min: 0.0,
            max: 1_000_000.0,
            integer: true,
            default: Some(0.0),
        }],
    },
];

impl Strategy {
    /// Parses `honest`, `shirker`, `partial(0.5)`, `misreporter(2)`, ...
    pub fn parse(text: &str) -> Result<Strategy, String> {
        let (i, v) = resolve(text, "strategy", STRATEGIES)?;
        Self::from_index(i, &v)
    }

    /// The variant of registry entry `i`: an explicit arm per name, and an error for a name of
    /// [`STRATEGIES`] without one (a test parses every entry), never another strategy.
    fn from_index(i: usize, v: &[f64]) -> Result<Strategy, String> {
        Ok(match STRATEGIES[i].name {
            "honest" => Strategy::Honest(Honest),
            "shirker" => Strategy::Shirker(Shirker),
            "partial" => Strategy::Partial(Partial { effort: v[0] }),
            "copycat" => Strategy::Copycat(Copycat),
            "misreporter" => Strategy::Misreporter(Misreporter {
                inflate: v[0],
                effort: v[1],
            }),
            "byzantine" => Strategy::Byzantine(Byzantine),
            "colluder" => Strategy::Colluder(Colluder { group: v[0] as u32 }),
            "sybil" => Strategy::Sybil(Sybil {
                k: v[0] as u32,
                lead: true,
            }),
            other => {
                return Err(format!(
                    "strategy `{other}` of the registry has no arm in Strategy::parse"
                ));
            }
        })
    }

    /// Agents per member of a group playing this strategy: k for `sybil(k)`, else 1.
    pub fn identities(&self) -> u32 {
        match self {
            Strategy::Sybil(s) => s.k,
            _ => 1,
        }
    }

    /// The strategy of identity `j` (0-based) of a member: for `sybil(k)`, the lead is identity
    /// 0; every other strategy has one identity, itself.
    pub fn identity(&self, j: u32) -> Strategy {
        match self {
            Strategy::Sybil(s) => Strategy::Sybil(Sybil {
                k: s.k,
                lead: j == 0,
            }),
            other => *other,
        }
    }

    /// The behaviour behind the variant.
    pub fn behaviour(&self) -> &dyn Behaviour {
        match self {
            Strategy::Honest(s) => s,
            Strategy::Shirker(s) => s,
            Strategy::Partial(s) => s,
            Strategy::Copycat(s) => s,
            Strategy::Misreporter(s) => s,
            Strategy::Byzantine(s) => s,
            Strategy::Sybil(s) => s,
            Strategy::Colluder(s) => s,
        }
    }

    /// The strategy's name (`partial` for every `partial(e)`).
    pub fn name(&self) -> &'static str {
        self.behaviour().name()
    }

    /// Its position in [`STRATEGIES`] (the variant's), without comparing names.
    #[inline]
    pub fn index(&self) -> usize {
        match self {
            Strategy::Honest(_) => 0,
            Strategy::Shirker(_) => 1,
            Strategy::Partial(_) => 2,
            Strategy::Copycat(_) => 3,
            Strategy::Misreporter(_) => 4,
            Strategy::Byzantine(_) => 5,
            Strategy::Sybil(_) => 6,
            Strategy::Colluder(_) => 7,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_the_position_of_the_name() {
        for (i, def) in STRATEGIES.iter().enumerate() {
            let text = match def.params.first() {
                Some(p) if p.default.is_none() => format!("{}({})", def.name, p.min.max(1.0)),
                _ => def.name.to_string(),
            };
            let s = Strategy::parse(&text).unwrap();
            assert_eq!(s.index(), i, "{text}");
            assert_eq!(STRATEGIES[s.index()].name, s.name());
        }
    }

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
        assert_eq!(
            Strategy::parse("misreporter(3)").unwrap(),
            Strategy::Misreporter(Misreporter {
                inflate: 3.0,
                effort: 1.0
            })
        );
        let m = Strategy::parse("misreporter(2, 0.5)").unwrap();
        assert_eq!(m.behaviour().work().claim, 1.0);
        assert!(Strategy::parse("misreporter(0.5)").is_err());
        let s = Strategy::parse("sybil(3)").unwrap();
        assert_eq!(s.identities(), 3);
        assert_eq!(s.identity(0).behaviour().work().effort, 1.0);
        assert_eq!(s.identity(2).behaviour().work().answering, Answering::Guess);
        assert_eq!(Strategy::Honest(Honest).identities(), 1);
        assert_eq!(
            Strategy::parse("colluder(2)")
                .unwrap()
                .behaviour()
                .colluding_group(),
            Some(2)
        );
        assert_eq!(
            Strategy::parse("colluder").unwrap(),
            Strategy::Colluder(Colluder { group: 0 })
        );
        for def in STRATEGIES {
            let text = if def.params.is_empty() {
                def.name.to_string()
            } else {
                let args: Vec<String> = def
                    .params
                    .iter()
                    .map(|p| {
                        if p.integer {
                            p.min.max(1.0).to_string()
                        } else {
                            p.min.max(0.5).to_string()
                        }
                    })
                    .collect();
                format!("{}({})", def.name, args.join(", "))
            };
            assert_eq!(Strategy::parse(&text).unwrap().name(), def.name);
        }
    }
}
