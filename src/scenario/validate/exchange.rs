//! `[consensus]` and `[messages]`: how answers are agreed on, and how messages travel
//! (latency, loss, timeouts, retries, sizes).

use super::{Checker, defaults as d};
use crate::rules::consensus::ConsensusRule;
use crate::scenario::raw::{RawConsensus, RawMessages};
use crate::scenario::{Consensus, Messages};
use crate::syntax::error::KeyPath;

/// The validated `[consensus]`.
pub(super) fn consensus(c: &mut Checker, raw: &mut RawConsensus) -> Consensus {
    let cp = KeyPath::root().key("consensus");
    let rule = c.choice(
        cp.key("rule"),
        &mut raw.rule,
        d::CONSENSUS,
        ConsensusRule::parse,
    );
    Consensus {
        rule: rule.unwrap_or(ConsensusRule::Majority),
        audit_cost: c.num(
            cp.key("audit_cost"),
            &mut raw.audit_cost,
            d::AUDIT_COST,
            0.0,
            d::MAX_AMOUNT,
        ),
        judge: None, // set with the models (`super::judge`)
    }
}

/// The validated `[messages]`.
pub(super) fn messages(c: &mut Checker, m: &mut RawMessages) -> Messages {
    let mp = KeyPath::root().key("messages");
    Messages {
        latency: c.int(mp.key("latency"), &mut m.latency, d::LATENCY, 1, 1_000_000) as u32,
        loss: c.prob(mp.key("loss"), &mut m.loss, d::LOSS),
        timeout: c.int(mp.key("timeout"), &mut m.timeout, d::TIMEOUT, 1, 1_000_000) as u32,
        retries: c.int(mp.key("retries"), &mut m.retries, d::RETRIES, 0, 100) as u32,
        assignment_bytes: c.int(
            mp.key("assignment_bytes"),
            &mut m.assignment_bytes,
            d::ASSIGNMENT_BYTES,
            0,
            d::MAX_MESSAGE_BYTES,
        ) as u64,
        answer_bytes: c.int(
            mp.key("answer_bytes"),
            &mut m.answer_bytes,
            d::ANSWER_BYTES,
            0,
            d::MAX_MESSAGE_BYTES,
        ) as u64,
    }
}
