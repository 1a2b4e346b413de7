//! `[economy]` and `[experience]`: the platform's fee and traffic revenue, and how agents learn
//! and are reputed.

use super::{Checker, defaults as d};
use crate::scenario::raw::{RawEconomy, RawExperience};
use crate::scenario::{Economy, Experience, TrafficRule};
use crate::syntax::error::{KeyPath, Problem};
use crate::syntax::spec::suggest;

/// The validated `[economy]`; absent traffic keys stay absent from the resolved scenario (and
/// its hash).
pub(super) fn economy(c: &mut Checker, raw: &mut RawEconomy) -> Economy {
    let ecp = KeyPath::root().key("economy");
    let traffic_rule = match raw.traffic_rule.as_deref() {
        None | Some("equal") => TrafficRule::Equal,
        Some("credit") => TrafficRule::Credit,
        Some(other) => {
            let hint = suggest(other, ["equal", "credit"])
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            c.problems.push(
                Problem::new(
                    ecp.key("traffic_rule"),
                    format!("unknown traffic rule `{other}`"),
                )
                .help(format!("{hint}expected `equal` or `credit`")),
            );
            TrafficRule::Equal
        }
    };
    // Absent traffic keys stay absent from the resolved scenario (and its hash).
    if raw.traffic_revenue == Some(0.0) && raw.traffic_share == Some(0.0) {
        raw.traffic_revenue = None;
        raw.traffic_share = None;
    }

    Economy {
        platform_fee: c.prob(
            ecp.key("platform_fee"),
            &mut raw.platform_fee,
            d::PLATFORM_FEE,
        ),
        traffic_revenue: c.num(
            ecp.key("traffic_revenue"),
            &mut raw.traffic_revenue,
            0.0,
            0.0,
            1e12,
        ),
        traffic_share: c.prob(ecp.key("traffic_share"), &mut raw.traffic_share, 0.0),
        traffic_rule,
    }
}

/// The validated `[experience]`.
pub(super) fn experience(c: &mut Checker, e: &mut RawExperience) -> Experience {
    let ep = KeyPath::root().key("experience");
    Experience {
        learning_rate: c.prob(
            ep.key("learning_rate"),
            &mut e.learning_rate,
            d::LEARNING_RATE,
        ),
        skill_decay: c.prob(ep.key("skill_decay"), &mut e.skill_decay, d::SKILL_DECAY),
        reputation_rate: c.prob(
            ep.key("reputation_rate"),
            &mut e.reputation_rate,
            d::REPUTATION_RATE,
        ),
        initial_reputation: c.prob(
            ep.key("initial_reputation"),
            &mut e.initial_reputation,
            d::INITIAL_REPUTATION,
        ),
    }
}
