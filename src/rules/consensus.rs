//! Consensus rules: which of the answers to a subtask the coordinator keeps.
//!
//! The answers are given in arrival order. [`decide`] looks only at the answers for which
//! `include` is true, so the same function decides the real subtask (everyone included) and
//! every coalition's counterfactual in the credit game.
//!
//! - `first`: the earliest answer.
//! - `majority`: the most frequent answer (plurality); a tie goes to the answer whose supporters
//!   have the larger total reputation, then to the answer given by the smallest agent id.
//! - `reputation_weighted`: the answer whose supporters have the largest total reputation (each
//!   answer weighs its author's reputation when it answered); a tie goes to the more frequent
//!   answer, then to the smallest agent id.
//! - `verified`: the coordinator checks answers against the truth in arrival order and keeps the
//!   first correct one; with no correct answer there is no result.
//! - `judge`: a language model (the `[consensus]` `judge` profile) reads the answers as text and
//!   picks one; every ballot with the picked answer is `picked`. The kept answer is the first
//!   included picked ballot; when none is included (a coalition without the picked answer, or
//!   no pick: the answers agreed, or the judge's reply was unusable) the rule is `majority`.

use crate::syntax::spec::{SpecDef, resolve};

/// A consensus rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsensusRule {
    /// The earliest answer.
    First,
    /// Plurality, ties by reputation then id.
    Majority,
    /// The first answer that checks out.
    Verified,
    /// Plurality weighted by reputation, ties by count then id.
    ReputationWeighted,
    /// The answer a model judge picked; else plurality.
    Judge,
}

/// How each rule is written.
pub const CONSENSUS_RULES: &[SpecDef] = &[
    SpecDef {
        name: "first",
        doc: "the earliest answer",
        params: &[],
    },
    SpecDef {
        name: "majority",
        doc: "plurality; ties by reputation, then by id",
        params: &[],
    },
    SpecDef {
        name: "verified",
        doc: "the coordinator checks answers and keeps a correct one",
        params: &[],
    },
    SpecDef {
        name: "reputation_weighted",
        doc: "the answer with the largest total reputation of its supporters; ties by count, then by id",
        params: &[],
    },
    SpecDef {
        name: "judge",
        doc: "a model (`[consensus] judge`) reads the answers and picks one; majority when it picks none",
        params: &[],
    },
];

impl ConsensusRule {
    /// Parses a rule name.
    pub fn parse(text: &str) -> Result<ConsensusRule, String> {
        let (i, _) = resolve(text, "consensus rule", CONSENSUS_RULES)?;
        Ok([
            ConsensusRule::First,
            ConsensusRule::Majority,
            ConsensusRule::Verified,
            ConsensusRule::ReputationWeighted,
            ConsensusRule::Judge,
        ][i])
    }
}

/// What the rule needs to know of one answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ballot {
    /// The answer given, in `0..K`.
    pub label: u16,
    /// The id of the agent that gave it.
    pub agent: u32,
    /// The agent's reputation when it answered.
    pub reputation: f64,
    /// Whether the answer is truly correct (used only by `verified`).
    pub correct: bool,
    /// Whether a judge picked this answer (used only by `judge`).
    pub picked: bool,
}

/// The index (into `ballots`) of the answer kept, among those with `include(i)` true; `None` when
/// there is no answer to keep.
pub fn decide(
    rule: ConsensusRule,
    ballots: &[Ballot],
    include: impl Fn(usize) -> bool,
) -> Option<usize> {
    if let [only] = ballots {
        // One ballot (redundancy 1, the common case): kept if included (and correct under
        // `verified`), whatever the rule.
        let kept = include(0) && (rule != ConsensusRule::Verified || only.correct);
        return kept.then_some(0);
    }
    match rule {
        ConsensusRule::First => (0..ballots.len()).find(|&i| include(i)),
        ConsensusRule::Verified => (0..ballots.len()).find(|&i| include(i) && ballots[i].correct),
        ConsensusRule::Judge => (0..ballots.len())
            .find(|&i| include(i) && ballots[i].picked)
            .or_else(|| plurality(ConsensusRule::Majority, ballots, include)),
        ConsensusRule::Majority | ConsensusRule::ReputationWeighted => {
            plurality(rule, ballots, include)
        }
    }
}

/// `majority` or `reputation_weighted` over the included ballots.
fn plurality(
    rule: ConsensusRule,
    ballots: &[Ballot],
    include: impl Fn(usize) -> bool,
) -> Option<usize> {
    // (count, reputation sum, smallest id) per label, over the included ballots; the
    // winner's first ballot is returned.
    let mut best: Option<(usize, usize, f64, u32)> = None; // (index, count, rep, min id)
    for i in (0..ballots.len()).filter(|&i| include(i)) {
        let label = ballots[i].label;
        if (0..i).any(|j| include(j) && ballots[j].label == label) {
            continue; // this label was tallied at its first ballot
        }
        let (mut count, mut rep, mut min_id) = (0usize, 0.0f64, u32::MAX);
        for b in (i..ballots.len())
            .filter(|&j| include(j))
            .map(|j| &ballots[j])
        {
            if b.label == label {
                count += 1;
                rep += b.reputation;
                min_id = min_id.min(b.agent);
            }
        }
        let better = match best {
            None => true,
            Some((_, c, r, id)) if rule == ConsensusRule::Majority => {
                count > c || (count == c && (rep > r || (rep == r && min_id < id)))
            }
            Some((_, c, r, id)) => {
                rep > r || (rep == r && (count > c || (count == c && min_id < id)))
            }
        };
        if better {
            best = Some((i, count, rep, min_id));
        }
    }
    best.map(|(i, ..)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(label: u16, agent: u32, reputation: f64) -> Ballot {
        Ballot {
            label,
            agent,
            reputation,
            correct: label == 0,
            picked: false,
        }
    }

    #[test]
    fn first_and_verified() {
        let ballots = [b(2, 5, 0.5), b(0, 3, 0.5), b(0, 1, 0.5)];
        assert_eq!(decide(ConsensusRule::First, &ballots, |_| true), Some(0));
        assert_eq!(decide(ConsensusRule::First, &ballots, |i| i > 0), Some(1));
        assert_eq!(decide(ConsensusRule::Verified, &ballots, |_| true), Some(1));
        assert_eq!(decide(ConsensusRule::Verified, &ballots, |i| i == 0), None);
        assert_eq!(decide(ConsensusRule::First, &ballots, |_| false), None);
    }

    #[test]
    fn majority_with_ties() {
        // Plurality wins.
        let ballots = [b(2, 5, 0.9), b(0, 3, 0.1), b(0, 1, 0.1)];
        assert_eq!(decide(ConsensusRule::Majority, &ballots, |_| true), Some(1));
        // A tie goes to the larger reputation...
        let ballots = [b(2, 5, 0.9), b(0, 3, 0.1)];
        assert_eq!(decide(ConsensusRule::Majority, &ballots, |_| true), Some(0));
        // ...then to the smallest agent id.
        let ballots = [b(2, 5, 0.5), b(0, 3, 0.5)];
        assert_eq!(decide(ConsensusRule::Majority, &ballots, |_| true), Some(1));
        // Excluded ballots do not vote.
        let ballots = [b(2, 5, 0.5), b(0, 3, 0.5), b(0, 1, 0.5)];
        assert_eq!(
            decide(ConsensusRule::Majority, &ballots, |i| i != 2),
            Some(1)
        );
        assert_eq!(
            decide(ConsensusRule::Majority, &ballots, |i| i == 0),
            Some(0)
        );
    }

    #[test]
    fn reputation_weighted_follows_total_reputation() {
        use ConsensusRule::ReputationWeighted as W;
        // One trusted answer (0.9) beats two doubtful ones (0.3 + 0.3 = 0.6), which would win a
        // plurality.
        let ballots = [b(2, 5, 0.9), b(0, 3, 0.3), b(0, 1, 0.3)];
        assert_eq!(decide(W, &ballots, |_| true), Some(0));
        assert_eq!(decide(ConsensusRule::Majority, &ballots, |_| true), Some(1));
        // Equal totals: the more frequent answer, then the smallest id.
        let ballots = [b(2, 5, 0.5), b(0, 3, 0.25), b(0, 1, 0.25)];
        assert_eq!(decide(W, &ballots, |_| true), Some(1));
        let ballots = [b(2, 5, 0.5), b(0, 3, 0.5)];
        assert_eq!(decide(W, &ballots, |_| true), Some(1));
        // Coalitions: only included ballots weigh.
        let ballots = [b(2, 5, 0.9), b(0, 3, 0.3), b(0, 1, 0.3)];
        assert_eq!(decide(W, &ballots, |i| i != 0), Some(1));
        assert_eq!(ConsensusRule::parse("reputation_weighted"), Ok(W));
    }

    #[test]
    fn the_judges_pick_in_every_coalition_that_has_it_else_majority() {
        let picked = |mut x: Ballot| {
            x.picked = true;
            x
        };
        // The judge picked label 2 (agents 5 and 7) against a majority for 0.
        let ballots = [
            b(0, 3, 0.5),
            picked(b(2, 5, 0.5)),
            b(0, 1, 0.5),
            picked(b(2, 7, 0.5)),
        ];
        let j = ConsensusRule::Judge;
        assert_eq!(decide(j, &ballots, |_| true), Some(1));
        assert_eq!(decide(j, &ballots, |i| i != 1), Some(3));
        // Without the picked answer: the majority of the rest.
        assert_eq!(decide(j, &ballots, |i| i == 0 || i == 2), Some(0));
        assert_eq!(decide(j, &ballots, |_| false), None);
        // No pick at all: majority.
        let ballots = [b(2, 5, 0.5), b(0, 3, 0.5), b(0, 1, 0.5)];
        assert_eq!(decide(j, &ballots, |_| true), Some(1));
        assert_eq!(ConsensusRule::parse("judge"), Ok(j));
    }
}
