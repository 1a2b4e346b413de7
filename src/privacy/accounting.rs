//! Privacy budgets: what an agent has spent after k releases of (ε, δ) each, and whether it may
//! share once more.
//!
//! - `sequential` (basic composition): k releases spend `(k ε, k δ)`.
//! - `advanced(delta_slack)` (Dwork, Rothblum and Vadhan 2010): k releases spend
//!   `(ε √(2k ln(1/δ')) + k ε (e^ε − 1), k δ + δ')` for the stated slack δ'. Both bounds hold, so
//!   an agent is charged the smaller ε of the two (with the δ of the one chosen).
//!
//! An agent may release once more when what it would have spent after that release stays within
//! its budget `(E, D)`: it stops sharing exactly before the release that would exceed it (a
//! relative tolerance of 1e-12 absorbs rounding, so 10 releases of 0.1 fit a budget of 1).

/// How releases compose.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Composition {
    /// Basic composition.
    Sequential,
    /// The advanced composition theorem with slack δ'.
    Advanced {
        /// δ' in (0, 1).
        delta_slack: f64,
    },
}

impl Composition {
    /// Parses `sequential` or `advanced(delta_slack)`.
    pub fn parse(text: &str) -> Result<Composition, String> {
        use crate::syntax::spec::{ParamDef, SpecDef, resolve};
        const DEFS: &[SpecDef] = &[
            SpecDef {
                name: "sequential",
                doc: "k releases of ε spend kε",
                params: &[],
            },
            SpecDef {
                name: "advanced",
                doc: "the advanced composition theorem with slack δ'",
                params: &[ParamDef {
                    name: "delta_slack",
                    min: 0.0,
                    max: 1.0,
                    integer: false,
                    default: Some(1e-6),
                }],
            },
        ];
        let (i, v) = resolve(text, "composition", DEFS)?;
        if i == 0 {
            return Ok(Composition::Sequential);
        }
        if !(v[0] > 0.0 && v[0] < 1.0) {
            return Err(format!(
                "`delta_slack` of `advanced` must be in (0, 1), found {}",
                v[0]
            ));
        }
        Ok(Composition::Advanced { delta_slack: v[0] })
    }
}

/// An agent's budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// Total ε.
    pub epsilon: f64,
    /// Total δ.
    pub delta: f64,
    /// The composition theorem used.
    pub composition: Composition,
}

/// (ε, δ) spent by `k` releases of `(eps, delta)` each.
pub fn spent(composition: Composition, k: u64, eps: f64, delta: f64) -> (f64, f64) {
    let kf = k as f64;
    let basic = (kf * eps, kf * delta);
    match composition {
        Composition::Sequential => basic,
        Composition::Advanced { delta_slack } => {
            if k == 0 {
                return (0.0, 0.0);
            }
            let adv = eps * (2.0 * kf * (1.0 / delta_slack).ln()).sqrt() + kf * eps * eps.exp_m1();
            if adv < basic.0 {
                (adv, kf * delta + delta_slack)
            } else {
                basic
            }
        }
    }
}

impl Budget {
    /// Whether an agent that made `k` releases of `(eps, delta)` may make one more.
    pub fn allows(&self, k: u64, eps: f64, delta: f64) -> bool {
        if eps == 0.0 && delta == 0.0 {
            return true;
        }
        let (e, d) = spent(self.composition, k + 1, eps, delta);
        e <= self.epsilon * (1.0 + 1e-12) && d <= self.delta * (1.0 + 1e-12)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_spends_k_epsilon_and_stops_exactly_at_the_budget() {
        let b = Budget {
            epsilon: 1.0,
            delta: 0.0,
            composition: Composition::Sequential,
        };
        let mut k = 0;
        while b.allows(k, 0.1, 0.0) {
            k += 1;
        }
        assert_eq!(k, 10);
        assert_eq!(spent(Composition::Sequential, 7, 0.25, 1e-6), (1.75, 7e-6));
        // 0.3 three times fits 1.0; a fourth would make 1.2.
        let mut k = 0;
        while b.allows(k, 0.3, 0.0) {
            k += 1;
        }
        assert_eq!(k, 3);
        // δ counts too.
        let bd = Budget {
            epsilon: 100.0,
            delta: 1e-5,
            composition: Composition::Sequential,
        };
        assert!(bd.allows(9, 0.1, 1e-6));
        assert!(!bd.allows(10, 0.1, 1e-6));
        // Exact mechanisms spend nothing.
        assert!(b.allows(1_000_000, 0.0, 0.0));
    }

    #[test]
    fn advanced_composition_lets_many_small_releases_through() {
        // k = 1000 releases of ε = 0.01 with δ' = 1e-6: √(2000 ln 1e6) · 0.01 + 1000 · 0.01 ·
        // (e^0.01 − 1) = 1.6625 + 0.1005 = 1.763, against 10 sequentially.
        let (e, d) = spent(Composition::Advanced { delta_slack: 1e-6 }, 1000, 0.01, 0.0);
        let expect = 0.01 * (2000.0 * 1e6f64.ln()).sqrt() + 10.0 * 0.01f64.exp_m1();
        assert!((e - expect).abs() < 1e-12);
        assert!((e - 1.763).abs() < 1e-3);
        assert_eq!(d, 1e-6);
        // For few large releases the basic bound is smaller and is used.
        let (e, _) = spent(Composition::Advanced { delta_slack: 1e-6 }, 2, 1.0, 0.0);
        assert_eq!(e, 2.0);
    }
}
