//! The metrics an experiment summarises: each a metric of the base scenario (or a timing),
//! checked against the names the runs report, and the tolerances that name one.

use super::super::Check;
use super::super::raw::RawExperiment;
use crate::scenario::{KeyPath, Problem, Scenario};
use crate::syntax::spec::suggest;

/// The metrics the experiment summarises (all a run of `base` reports, by default), each named
/// once; the tolerances of `check` must name some of them.
pub(super) fn metrics(
    c: &mut Vec<Problem>,
    raw: &RawExperiment,
    base: &Scenario,
    check: &Check,
) -> Vec<String> {
    let root = KeyPath::root();
    let all_metrics = crate::sim::metric_names(base);
    let metrics = match &raw.metrics {
        None => all_metrics.clone(),
        Some(list) => {
            let mut out: Vec<String> = Vec::new();
            for (i, m) in list.iter().enumerate() {
                let at = root.key("metrics").index(i);
                if !all_metrics.contains(m) {
                    c.push(unknown_metric(at, m, &all_metrics));
                } else if out.contains(m) {
                    c.push(Problem::new(at, format!("`{m}` is listed twice")));
                } else {
                    out.push(m.clone());
                }
            }
            out
        }
    };
    for m in check.metrics.keys() {
        if !metrics.contains(m) {
            c.push(unknown_metric(
                root.key("check").key("metrics").key(m),
                m,
                &metrics,
            ));
        }
    }
    metrics
}

/// A metric name that no run reports, with the nearest known name.
pub(super) fn unknown_metric(at: KeyPath, m: &str, known: &[String]) -> Problem {
    let hint = suggest(m, known.iter().map(String::as_str))
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    Problem::new(at, format!("unknown metric `{m}`"))
        .help(format!("{hint}metrics: {}", known.join(", ")))
}
