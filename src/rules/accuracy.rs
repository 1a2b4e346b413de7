//! Accuracy curves: how a simulated worker's competence on a subtask falls with its difficulty.
//!
//! A worker of effort e and skill s in the subtask's domain, on a subtask of difficulty δ, is
//! right with probability its competence
//!
//! - `linear` (the default): `c = e · s · (1 − δ)`;
//! - `logistic(slope)`: `c = e · σ(logit(s) − slope · δ)`, with `σ(x) = 1 / (1 + e^(−x))`: skill
//!   is the accuracy on the easiest items (δ = 0) and each unit of difficulty removes `slope`
//!   from the log-odds, so accuracy falls off a cliff rather than a straight line, as a language
//!   model's does with the number of digits (skills of exactly 0 or 1 stay 0 or 1).

use crate::syntax::spec::{ParamDef, SpecDef, resolve};

/// An accuracy curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AccuracyCurve {
    /// `e · s · (1 − δ)`.
    Linear,
    /// `e · σ(logit(s) − slope · δ)`.
    Logistic {
        /// Log-odds lost per unit of difficulty.
        slope: f64,
    },
}

/// How each curve is written, in the order of [`AccuracyCurve`]'s variants.
pub const ACCURACY_CURVES: &[SpecDef] = &[
    SpecDef {
        name: "linear",
        doc: "competence e · s · (1 − δ)",
        params: &[],
    },
    SpecDef {
        name: "logistic",
        doc: "competence e · σ(logit(s) − slope · δ): skill on the easiest items, log-odds falling with difficulty",
        params: &[ParamDef {
            name: "slope",
            min: -100.0,
            max: 100.0,
            integer: false,
            default: None,
        }],
    },
];

impl AccuracyCurve {
    /// Parses a curve written as `name(args)`.
    pub fn parse(text: &str) -> Result<AccuracyCurve, String> {
        let (i, v) = resolve(text, "accuracy curve", ACCURACY_CURVES)?;
        Ok(match ACCURACY_CURVES[i].name {
            "linear" => AccuracyCurve::Linear,
            "logistic" => AccuracyCurve::Logistic { slope: v[0] },
            other => {
                return Err(format!(
                    "accuracy curve `{other}` of the registry has no arm in AccuracyCurve::parse"
                ));
            }
        })
    }

    /// The competence with the logistic curve's log-odds shifted by `shift` (a latent item
    /// effect λz + μw): `e · σ(logit(s) − slope · d + shift)`; skills of exactly 0 or 1 stay, and
    /// a shift of 0 is [`AccuracyCurve::competence`] bit for bit. The linear curve has no
    /// log-odds to shift (validation refuses loadings with it).
    pub fn competence_shifted(&self, e: f64, s: f64, d: f64, shift: f64) -> f64 {
        match *self {
            AccuracyCurve::Logistic { slope } if shift != 0.0 && s > 0.0 && s < 1.0 => {
                let logit = (s / (1.0 - s)).ln();
                e / (1.0 + (-(logit - slope * d + shift)).exp())
            }
            _ => self.competence(e, s, d),
        }
    }

    /// The competence of a worker of effort `e` and skill `s` on a subtask of difficulty `d`.
    pub fn competence(&self, e: f64, s: f64, d: f64) -> f64 {
        match *self {
            AccuracyCurve::Linear => e * s * (1.0 - d),
            AccuracyCurve::Logistic { slope } => {
                if s <= 0.0 || s >= 1.0 {
                    return e * s.clamp(0.0, 1.0);
                }
                let logit = (s / (1.0 - s)).ln();
                e / (1.0 + (-(logit - slope * d)).exp())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves_by_hand() {
        let lin = AccuracyCurve::parse("linear").unwrap();
        assert!((lin.competence(0.5, 0.8, 0.5) - 0.2).abs() < 1e-15);
        let log = AccuracyCurve::parse("logistic(4)").unwrap();
        // logit(0.8) = ln 4; at δ = 0.5: σ(ln 4 − 2) = 4 e^-2 / (1 + 4 e^-2).
        let want = 4.0 * (-2.0f64).exp() / (1.0 + 4.0 * (-2.0f64).exp());
        assert!((log.competence(1.0, 0.8, 0.5) - want).abs() < 1e-15);
        assert!(
            (log.competence(1.0, 0.8, 0.0) - 0.8).abs() < 1e-15,
            "skill at δ = 0"
        );
        assert_eq!(log.competence(1.0, 1.0, 0.9), 1.0);
        assert_eq!(log.competence(0.5, 0.0, 0.1), 0.0);
        assert!(
            AccuracyCurve::parse("logistic")
                .unwrap_err()
                .contains("slope")
        );
    }
}
