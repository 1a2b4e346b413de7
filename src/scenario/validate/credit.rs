//! `[credit]`: the mechanism that splits each task's value (any but the nucleolus, which is for
//! `lamas credit`) and what it observes.

use super::{Checker, defaults as d};
use crate::credit::MechanismKind;
use crate::rules::Observation;
use crate::scenario::Credit;
use crate::scenario::raw::RawCredit;
use crate::syntax::error::KeyPath;

/// A mechanism a world can run on every task: any but the nucleolus.
pub(super) fn mechanism(text: &str) -> Result<MechanismKind, String> {
    match MechanismKind::parse(text)? {
        MechanismKind::Nucleolus(_) => Err(
            "`nucleolus` solves a sequence of linear programmes over all \
             coalitions: it is for `lamas credit`, too slow to run on every task of a simulation"
                .to_string(),
        ),
        m => Ok(m),
    }
}

/// The validated `[credit]`.
pub(super) fn credit(c: &mut Checker, raw: &mut RawCredit) -> Credit {
    let crp = KeyPath::root().key("credit");
    let mechanism = c.choice(
        crp.key("mechanism"),
        &mut raw.mechanism,
        d::MECHANISM,
        mechanism,
    );
    let observation = c.choice(
        crp.key("observation"),
        &mut raw.observation,
        d::OBSERVATION,
        Observation::parse,
    );
    Credit {
        mechanism: mechanism.unwrap_or(MechanismKind::Equal(crate::credit::Equal)),
        observation: observation.unwrap_or(Observation::GroundTruth),
    }
}
