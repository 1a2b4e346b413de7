//! `byzantine`: a poisoner. It knows the correct answer (the worst case) and submits the one
//! wrong answer that every byzantine worker agrees on, `(truth + 1) mod K`, at no effort cost,
//! claiming full effort. Byzantine workers who are a majority of a subtask's workers therefore
//! decide a `majority` vote; `verified` consensus, which checks answers, is not fooled. With
//! `[injection]` (under the `judge` rule) its answer to a bank item is the item's wrong answer
//! in words, followed by a payload aimed at the judge that reads it (`crate::sim::work`).

use super::{Answering, Behaviour, Work};

/// Zero effort, the coordinated wrong answer, claim 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Byzantine;

impl Behaviour for Byzantine {
    fn name(&self) -> &'static str {
        "byzantine"
    }
    fn work(&self) -> Work {
        Work {
            effort: 0.0,
            answering: Answering::Poison,
            claim: 1.0,
        }
    }
}
