//! `misreporter(inflate, effort)`: works like `partial(effort)` (full effort by default) and
//! answers truthfully, but claims `inflate` times its effort. Only mechanisms that read claims
//! (`proportional_claim`) can be fooled by it.

use super::{Answering, Behaviour, Work};

/// Effort e, a worked answer, claim `inflate * e`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Misreporter {
    /// The factor by which the claim exceeds the effort (≥ 1).
    pub inflate: f64,
    /// The effort e in [0, 1].
    pub effort: f64,
}

impl Behaviour for Misreporter {
    fn name(&self) -> &'static str {
        "misreporter"
    }
    fn work(&self) -> Work {
        Work {
            effort: self.effort,
            answering: Answering::Solve,
            claim: self.inflate * self.effort,
        }
    }
}
