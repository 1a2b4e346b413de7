//! `shirker`: the classic free-rider. No effort, no cost, a uniform guess, and a claim of full
//! effort; its answer is correct with probability exactly 1/K.

use super::{Answering, Behaviour, Work};

/// Zero effort, a guess, claim 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shirker;

impl Behaviour for Shirker {
    fn name(&self) -> &'static str {
        "shirker"
    }
    fn work(&self) -> Work {
        Work {
            effort: 0.0,
            answering: Answering::Guess,
            claim: 1.0,
        }
    }
}
