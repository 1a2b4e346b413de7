//! `partial(e)`: works at effort e and reports it truthfully; its competence is scaled by e.

use super::{Answering, Behaviour, Work};

/// Effort e, a worked answer, claim e.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Partial {
    /// The effort e in [0, 1].
    pub effort: f64,
}

impl Behaviour for Partial {
    fn name(&self) -> &'static str {
        "partial"
    }
    fn work(&self) -> Work {
        Work {
            effort: self.effort,
            answering: Answering::Solve,
            claim: self.effort,
        }
    }
}
