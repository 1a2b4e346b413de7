//! The range of one factor of a design, and how a point of the unit interval maps onto it.
//!
//! Written in an experiment's `[design.parameters]` as a call or a list:
//!
//! - `"uniform(a, b)"`: a number, `a + u (b − a)`;
//! - `"log_uniform(a, b)"` (0 < a ≤ b): a number, `a (b / a)^u`, uniform in its logarithm;
//! - `"int(a, b)"`: an integer of `a..=b`, each with probability 1 / (b − a + 1):
//!   `a + ⌊u (b − a + 1)⌋`;
//! - a list `["equal", "shapley", …]` (or of numbers or booleans): a categorical factor, choice
//!   `⌊u m⌋` of its m values.
//!
//! u = 1 (the top level of a Morris grid) maps to `b` and to the last choice.

use serde::{Deserialize, Serialize};

use crate::syntax::param::ParamValue;
use crate::syntax::spec::{ParamDef, SpecDef, resolve};

/// A factor's range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Range {
    /// A number uniform on [low, high].
    Uniform {
        /// Lower end.
        low: f64,
        /// Upper end.
        high: f64,
    },
    /// A number whose logarithm is uniform on [ln low, ln high].
    LogUniform {
        /// Lower end (> 0).
        low: f64,
        /// Upper end.
        high: f64,
    },
    /// An integer uniform on low..=high.
    Int {
        /// Lowest value.
        low: i64,
        /// Highest value.
        high: i64,
    },
    /// One of a list of values, equally likely.
    Choice {
        /// The values.
        values: Vec<ParamValue>,
    },
}

const ANY: ParamDef = ParamDef {
    name: "",
    min: f64::NEG_INFINITY,
    max: f64::INFINITY,
    integer: false,
    default: None,
};

/// The range calls, as written in experiment files.
pub const RANGES: &[SpecDef] = &[
    SpecDef {
        name: "uniform",
        doc: "a number uniform on [low, high]",
        params: &[
            ParamDef { name: "low", ..ANY },
            ParamDef {
                name: "high",
                ..ANY
            },
        ],
    },
    SpecDef {
        name: "log_uniform",
        doc: "a number whose logarithm is uniform (0 < low ≤ high)",
        params: &[
            ParamDef {
                name: "low",
                min: f64::MIN_POSITIVE,
                ..ANY
            },
            ParamDef {
                name: "high",
                min: f64::MIN_POSITIVE,
                ..ANY
            },
        ],
    },
    SpecDef {
        name: "int",
        doc: "an integer uniform on low..=high",
        params: &[
            ParamDef {
                name: "low",
                integer: true,
                min: -1e15,
                max: 1e15,
                default: None,
            },
            ParamDef {
                name: "high",
                integer: true,
                min: -1e15,
                max: 1e15,
                default: None,
            },
        ],
    },
];

impl Range {
    /// Parses a range call (`uniform(0, 0.3)`); checks that low ≤ high.
    pub fn parse(text: &str) -> Result<Range, String> {
        let (i, v) = resolve(text, "range", RANGES)?;
        if v[0] > v[1] {
            return Err(format!(
                "`{}(low, high)` needs low ≤ high, found low = {} and high = {}",
                RANGES[i].name, v[0], v[1]
            ));
        }
        Ok(match RANGES[i].name {
            "uniform" => Range::Uniform {
                low: v[0],
                high: v[1],
            },
            "log_uniform" => Range::LogUniform {
                low: v[0],
                high: v[1],
            },
            _ => Range::Int {
                low: v[0] as i64,
                high: v[1] as i64,
            },
        })
    }

    /// A categorical range of `values` (at least one, none repeated).
    pub fn choice(values: Vec<ParamValue>) -> Result<Range, String> {
        if values.is_empty() {
            return Err("a list of choices must not be empty".into());
        }
        for (i, v) in values.iter().enumerate() {
            if values[..i].iter().any(|w| w.same(v)) {
                return Err(format!("the choice `{}` is listed twice", v.canonical()));
            }
        }
        Ok(Range::Choice { values })
    }

    /// The value at `u` in [0, 1].
    pub fn value(&self, u: f64) -> ParamValue {
        let u = u.clamp(0.0, 1.0);
        match self {
            Range::Uniform { low, high } => ParamValue::Float(low + u * (high - low)),
            Range::LogUniform { low, high } => {
                let x = (low.ln() + u * (high.ln() - low.ln())).exp();
                ParamValue::Float(x.clamp(*low, *high))
            }
            Range::Int { low, high } => {
                let span = (high - low + 1) as f64;
                let k = ((u * span) as i64).min(high - low);
                ParamValue::Int(low + k)
            }
            Range::Choice { values } => {
                let m = values.len();
                values[((u * m as f64) as usize).min(m - 1)].clone()
            }
        }
    }

    /// The values the range reaches at its ends (and every choice): what validation tries on
    /// the base scenario.
    pub fn extremes(&self) -> Vec<ParamValue> {
        match self {
            Range::Choice { values } => values.clone(),
            _ => vec![self.value(0.0), self.value(1.0)],
        }
    }

    /// Whether the factor is categorical.
    pub fn is_categorical(&self) -> bool {
        matches!(self, Range::Choice { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::{ParamValue, Range};

    #[test]
    fn parses_and_maps_each_kind() {
        let r = Range::parse("uniform(0, 0.5)").unwrap();
        assert_eq!(r.value(0.5), ParamValue::Float(0.25));
        assert_eq!(r.value(1.0), ParamValue::Float(0.5));
        let r = Range::parse("log_uniform(0.001, 0.1)").unwrap();
        let ParamValue::Float(x) = r.value(0.5) else {
            panic!()
        };
        assert!((x - 0.01).abs() < 1e-12);
        assert_eq!(r.value(1.0), ParamValue::Float(0.1));
        let r = Range::parse("int(2, 5)").unwrap();
        let got: Vec<ParamValue> = [0.0, 0.2499, 0.25, 0.74, 0.75, 0.9999, 1.0]
            .iter()
            .map(|&u| r.value(u))
            .collect();
        let want = [2, 2, 3, 4, 5, 5, 5].map(ParamValue::Int);
        assert_eq!(got, want);
        let r = Range::choice(vec![
            ParamValue::Str("a".into()),
            ParamValue::Str("b".into()),
        ]);
        let r = r.unwrap();
        assert_eq!(r.value(0.49), ParamValue::Str("a".into()));
        assert_eq!(r.value(0.5), ParamValue::Str("b".into()));
        assert_eq!(r.value(1.0), ParamValue::Str("b".into()));
    }

    #[test]
    fn refuses_malformed_ranges() {
        let err = |t: &str| Range::parse(t).unwrap_err();
        assert!(
            err("uniform(1, 0)").contains("low ≤ high"),
            "{}",
            err("uniform(1, 0)")
        );
        assert!(
            err("log_uniform(0, 1)").contains("low"),
            "{}",
            err("log_uniform(0, 1)")
        );
        assert!(
            err("int(0.5, 2)").contains("whole number"),
            "{}",
            err("int(0.5, 2)")
        );
        assert!(err("unifrom(0, 1)").contains("did you mean `uniform`"));
        assert!(err("uniform(0)").contains("high"), "{}", err("uniform(0)"));
        let twice = Range::choice(vec![ParamValue::Int(1), ParamValue::Float(1.0)]);
        assert!(twice.unwrap_err().contains("twice"));
    }
}
