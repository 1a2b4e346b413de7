//! Validation of the model judge: `[consensus] judge`, the profile that reads a subtask's
//! answers and picks one under `rule = "judge"`. The rule needs the profile, and the answers
//! need text (a `[bank]` of real items); a judge without the rule is a mistake.

use super::Checker;
use crate::llm::Profile;
use crate::rules::consensus::ConsensusRule;
use crate::scenario::raw::RawScenario;
use crate::syntax::error::{KeyPath, Problem};

/// The judge's profile index, checked against `rule`, the `profiles` and whether the scenario
/// has a bank.
pub(super) fn judge(
    c: &mut Checker,
    raw: &RawScenario,
    rule: ConsensusRule,
    profiles: &[Profile],
    bank: bool,
) -> Option<u16> {
    let at = KeyPath::root().key("consensus");
    let name = raw.consensus.judge.as_deref();
    match (rule, name) {
        (ConsensusRule::Judge, None) => {
            c.problems.push(
                Problem::new(at.key("rule"), "`judge` without a `judge` profile")
                    .help("name the model that reads the answers, e.g. judge = \"careful\" under [consensus]"),
            );
            None
        }
        (ConsensusRule::Judge, Some(name)) => {
            if !bank {
                c.problems.push(
                    Problem::new(at.key("rule"), "a judge needs answers it can read")
                        .help("add a [bank] of real items (e.g. families = [\"addition(2)\"]) so that answers have text"),
                );
            }
            match profiles.iter().position(|p| p.name == name) {
                Some(k) => Some(k as u16),
                None => {
                    c.problems
                        .push(super::llm::unknown_profile(at.key("judge"), name, profiles));
                    None
                }
            }
        }
        (_, Some(_)) => {
            c.problems.push(
                Problem::new(
                    at.key("judge"),
                    "a `judge` profile without `rule = \"judge\"`",
                )
                .help("set rule = \"judge\" under [consensus], or remove `judge`"),
            );
            None
        }
        (_, None) => None,
    }
}
