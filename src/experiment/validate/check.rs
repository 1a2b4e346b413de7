//! The tolerances of `reproduce --check`: absolute and relative, for all metrics and per
//! metric.

use super::super::Check;
use super::super::raw::RawExperiment;
use crate::scenario::{KeyPath, Problem};

/// The tolerances of `reproduce --check`.
pub(super) fn check(c: &mut Vec<Problem>, raw: &RawExperiment) -> Check {
    let root = KeyPath::root();
    let mut check = Check {
        abs: Check::DEFAULT,
        rel: Check::DEFAULT,
        metrics: Default::default(),
    };
    if let Some(ch) = &raw.check {
        let cp = root.key("check");
        check.abs = tolerance(c, cp.key("abs"), ch.abs, Check::DEFAULT);
        check.rel = tolerance(c, cp.key("rel"), ch.rel, Check::DEFAULT);
        for (m, t) in &ch.metrics {
            let mp = cp.key("metrics").key(m);
            let abs = tolerance(c, mp.key("abs"), t.abs, check.abs);
            let rel = tolerance(c, mp.key("rel"), t.rel, check.rel);
            check.metrics.insert(m.clone(), (abs, rel));
        }
    }
    check
}

/// A tolerance ≥ 0 at `at`, else `default`.
fn tolerance(c: &mut Vec<Problem>, at: KeyPath, v: Option<f64>, default: f64) -> f64 {
    match v {
        None => default,
        Some(x) if x >= 0.0 && x.is_finite() => x,
        Some(x) => {
            c.push(Problem::new(
                at,
                format!("expected a tolerance ≥ 0, found {x}"),
            ));
            default
        }
    }
}
