//! `colluder(group)`: members of one colluding group vote together and praise each other. On a
//! subtask, the first member of the group to work solves it at full effort (claiming it); every
//! later member of the same group on that subtask submits the same label at no effort (the group
//! coordinates out of band), claiming full effort. In `peer_review` a colluder rates the members
//! of its group 1 and every other participant 0.

use super::{Answering, Behaviour, Work};

/// A member of colluding group `group`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colluder {
    /// The group's number.
    pub group: u32,
}

impl Behaviour for Colluder {
    fn name(&self) -> &'static str {
        "colluder"
    }
    fn work(&self) -> Work {
        Work {
            effort: 1.0,
            answering: Answering::Collude { group: self.group },
            claim: 1.0,
        }
    }
    fn colluding_group(&self) -> Option<u32> {
        Some(self.group)
    }
}
