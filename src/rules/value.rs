//! Value rules: the fraction `f` of the reward R that a task realises from its subtasks'
//! outcomes. With `c` correct subtasks out of `m`:
//!
//! - `all` (a pipeline): `f = 1` if `c = m`, else 0;
//! - `additive`: `f = c / m`;
//! - `threshold(k)`: `f = 1` if `c ≥ k`, else 0.
//!
//! A task *succeeds* when `f = 1`.

use crate::syntax::spec::{ParamDef, SpecDef, resolve};

/// A value rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueRule {
    /// Every subtask must be correct.
    All,
    /// R/m per correct subtask.
    Additive,
    /// At least k subtasks correct.
    Threshold(u32),
}

/// How each rule is written.
pub const VALUE_RULES: &[SpecDef] = &[
    SpecDef {
        name: "all",
        doc: "every subtask correct (a pipeline)",
        params: &[],
    },
    SpecDef {
        name: "additive",
        doc: "R/m per correct subtask",
        params: &[],
    },
    SpecDef {
        name: "threshold",
        doc: "at least k subtasks correct",
        params: &[ParamDef {
            name: "k",
            min: 1.0,
            max: 64.0,
            integer: true,
            default: None,
        }],
    },
];

impl ValueRule {
    /// Parses `all`, `additive`, `threshold(k)`.
    pub fn parse(text: &str) -> Result<ValueRule, String> {
        let (i, v) = resolve(text, "value rule", VALUE_RULES)?;
        Ok(match VALUE_RULES[i].name {
            "all" => ValueRule::All,
            "additive" => ValueRule::Additive,
            "threshold" => ValueRule::Threshold(v[0] as u32),
            other => {
                return Err(format!(
                    "value rule `{other}` of the registry has no arm in ValueRule::parse"
                ));
            }
        })
    }

    /// The fraction of the reward realised with `correct` of `m` subtasks correct.
    pub fn fraction(&self, correct: usize, m: usize) -> f64 {
        match *self {
            ValueRule::All => f64::from(correct == m),
            ValueRule::Additive => correct as f64 / m as f64,
            ValueRule::Threshold(k) => f64::from(correct >= k as usize),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions() {
        assert_eq!(ValueRule::All.fraction(3, 3), 1.0);
        assert_eq!(ValueRule::All.fraction(2, 3), 0.0);
        assert_eq!(ValueRule::Additive.fraction(1, 4), 0.25);
        assert_eq!(ValueRule::Threshold(2).fraction(2, 3), 1.0);
        assert_eq!(ValueRule::Threshold(2).fraction(1, 3), 0.0);
        assert_eq!(
            ValueRule::parse("threshold(2)").unwrap(),
            ValueRule::Threshold(2)
        );
        assert!(ValueRule::parse("threshold(1.5)").is_err());
    }
}
