//! `copycat`: zero effort (no cost); submits a copy of the first answer another worker gave to
//! the same subtask, if one has been given by the time it works, else a uniform guess. It claims
//! full effort. Judged by consensus it looks as good as whoever it copies; its marginal
//! contribution is nil, since the answer it copies is there without it.

use super::{Answering, Behaviour, Work};

/// Zero effort, a copy of the first answer seen (else a guess), claim 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copycat;

impl Behaviour for Copycat {
    fn name(&self) -> &'static str {
        "copycat"
    }
    fn work(&self) -> Work {
        Work {
            effort: 0.0,
            answering: Answering::CopyFirst,
            claim: 1.0,
        }
    }
}
