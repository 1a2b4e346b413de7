//! `honest`: works at full effort and reports it truthfully.

use super::{Answering, Behaviour, Work};

/// Full effort (e = 1), a worked answer, claim 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Honest;

impl Behaviour for Honest {
    fn name(&self) -> &'static str {
        "honest"
    }
    fn work(&self) -> Work {
        Work {
            effort: 1.0,
            answering: Answering::Solve,
            claim: 1.0,
        }
    }
    fn is_honest(&self) -> bool {
        true
    }
}
