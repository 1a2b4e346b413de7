//! Simulated deciders: a `policy` that is a rule instead of a model profile, to stand in for
//! model-backed deciders at scale once calibrated on their recorded decisions
//! (`scripts/decisions.py`).
//!
//! `logit(a, b, effort)`: at a decision point an agent works (at `effort`) with probability
//!
//! ```text
//! P(work) = 1 / (1 + exp(−(a + b·d)))
//! ```
//!
//! and otherwise shirks, where d is the payoff per round shirkers earned minus the payoff per
//! round workers earned, as a model-backed agent would be shown it (`{others}`); d = 0 when
//! either took no one. A decider that ignores its payoffs has b = 0; a payoff-maximiser has a
//! large negative b (it works less the more shirking pays); b > 0 works more the more shirking
//! pays.

use crate::syntax::spec::{ParamDef, SpecDef, resolve};

use super::decision::Action;

/// A simulated decider.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decider {
    /// Works with probability σ(a + b·d), at `effort`; otherwise shirks.
    Logit {
        /// Intercept: the log-odds of working when d = 0.
        a: f64,
        /// Slope: the change of the log-odds of working per unit of d.
        b: f64,
        /// The effort of a decision to work, in (0, 1].
        effort: f64,
    },
}

/// How each simulated decider is written, in the order of [`Decider`]'s variants.
pub const DECIDERS: &[SpecDef] = &[SpecDef {
    name: "logit",
    doc: "works (at effort) with probability σ(a + b·d), d = shirkers' minus workers' pay per round; else shirks",
    params: &[
        ParamDef {
            name: "a",
            min: -100.0,
            max: 100.0,
            integer: false,
            default: None,
        },
        ParamDef {
            name: "b",
            min: -1e6,
            max: 1e6,
            integer: false,
            default: None,
        },
        ParamDef {
            name: "effort",
            min: 0.01,
            max: 1.0,
            integer: false,
            default: Some(1.0),
        },
    ],
}];

impl Decider {
    /// Parses a decider written as `name(args)`.
    pub fn parse(text: &str) -> Result<Decider, String> {
        let (i, v) = resolve(text, "simulated decider", DECIDERS)?;
        match DECIDERS[i].name {
            "logit" => Ok(Decider::Logit {
                a: v[0],
                b: v[1],
                effort: v[2],
            }),
            other => Err(format!(
                "decider `{other}` of the registry has no arm in Decider::parse"
            )),
        }
    }

    /// The probability of working when shirking was shown to pay `d` more per round than
    /// working (`None`: one of them was taken by no one, d = 0).
    pub fn p_work(&self, d: Option<f64>) -> f64 {
        match *self {
            Decider::Logit { a, b, .. } => 1.0 / (1.0 + (-(a + b * d.unwrap_or(0.0))).exp()),
        }
    }

    /// The action for a uniform draw `u` in [0, 1).
    pub fn decide(&self, d: Option<f64>, u: f64) -> Action {
        match *self {
            Decider::Logit { effort, .. } if u < self.p_work(d) => Action::Work(effort),
            Decider::Logit { .. } => Action::Shirk,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_logit_decider() {
        let l = Decider::parse("logit(0, 2, 0.5)").unwrap();
        assert_eq!(
            l,
            Decider::Logit {
                a: 0.0,
                b: 2.0,
                effort: 0.5
            }
        );
        assert_eq!(l.p_work(None), 0.5);
        assert!((l.p_work(Some(1.0)) - 1.0 / (1.0 + (-2.0f64).exp())).abs() < 1e-15);
        assert_eq!(l.decide(Some(-10.0), 0.001), Action::Shirk);
        assert_eq!(l.decide(Some(10.0), 0.999), Action::Work(0.5));
        assert_eq!(
            Decider::parse("logit(1, 0)").unwrap(),
            Decider::Logit {
                a: 1.0,
                b: 0.0,
                effort: 1.0
            }
        );
        assert!(Decider::parse("logit(1)").is_err());
        assert!(Decider::parse("logit(1, 0, 0)").is_err());
        assert!(
            Decider::parse("logistic(1, 0)")
                .unwrap_err()
                .contains("logit")
        );
    }
}
