//! The summary `lamas run` prints: the metrics by group ([`super::catalogue`]), only the groups
//! the scenario uses unless every metric is asked for, each number with four significant digits
//! ([`super::digits::sig4`]).

use serde_json::Value;

use super::catalogue::grouped;
use super::digits::sig4;
use crate::sim::metrics::Metrics;

/// The grouped table of `metrics` for the scenario `resolved`; with `all`, every metric. Ends
/// with a line saying how many metrics were left out, if any.
pub fn summary(metrics: &Metrics, resolved: &Value, all: bool) -> String {
    let groups = grouped(metrics, resolved, all);
    let rows = groups.iter().flat_map(|(_, rows)| rows);
    let name_width = rows.clone().map(|r| r.name.len()).max().unwrap_or(0);
    let value_width = rows.clone().map(|r| sig4(r.value).len()).max().unwrap_or(0);
    let mut s = String::new();
    for (group, rows) in &groups {
        s += &format!("{}\n", group.title());
        for r in rows {
            s += &format!(
                "  {:<name_width$}  {:>value_width$}\n",
                r.name,
                sig4(r.value)
            );
        }
    }
    let shown: usize = groups.iter().map(|(_, rows)| rows.len()).sum();
    let hidden = metrics.0.len() - shown;
    if hidden > 0 {
        s += &format!(
            "({hidden} metrics of features this scenario does not use left out; --all shows them)\n"
        );
    }
    s
}
