//! `lamas reproduce --check`: a recomputed summary compared with the committed one, metric by
//! metric, within the tolerances the experiment states.
//!
//! Rows are matched by (cell, metric). A row matches when both have the same `n` and their means
//! are both undefined or satisfy `|committed − recomputed| ≤ abs + rel · |committed|`. Every
//! difference is reported, including rows present on one side only.

use std::path::Path;

use polars::prelude::*;

use crate::experiment::{Check, Plan};
use crate::table::read_csv;

/// One summary row: (cell, metric) → (n, mean).
type Row = ((i64, String), (i64, Option<f64>));

fn rows(df: &DataFrame) -> PolarsResult<Vec<Row>> {
    if df.height() == 0 {
        return Ok(Vec::new());
    }
    let cell: Vec<Option<i64>> = df
        .column("cell")?
        .cast(&DataType::Int64)?
        .i64()?
        .iter()
        .collect();
    let metric_col = df.column("metric")?.cast(&DataType::String)?;
    let metric: Vec<Option<&str>> = metric_col.str()?.iter().collect();
    let n: Vec<Option<i64>> = df
        .column("n")?
        .cast(&DataType::Int64)?
        .i64()?
        .iter()
        .collect();
    let mean: Vec<Option<f64>> = df
        .column("mean")?
        .cast(&DataType::Float64)?
        .f64()?
        .iter()
        .collect();
    Ok((0..df.height())
        .map(|i| {
            (
                (
                    cell[i].unwrap_or(-1),
                    metric[i].unwrap_or_default().to_string(),
                ),
                (n[i].unwrap_or(0), mean[i].filter(|m| m.is_finite())),
            )
        })
        .collect())
}

/// The differences between the committed summary and the recomputed one, as sentences; empty
/// when they agree.
pub fn compare(plan: &Plan, committed: &Path, recomputed: &Path) -> Result<Vec<String>, String> {
    let read = |p: &Path| {
        read_csv(p)
            .and_then(|df| rows(&df))
            .map_err(|e| format!("cannot read `{}`: {e}", p.display()))
    };
    let (old, new) = (read(committed)?, read(recomputed)?);
    Ok(differences(plan, &plan.check, &old, &new))
}

fn describe(plan: &Plan, cell: i64) -> String {
    plan.cells.get(cell as usize).map_or_else(
        || format!("cell {cell}"),
        |c| format!("cell {cell} ({})", c.describe()),
    )
}

fn differences(plan: &Plan, check: &Check, old: &[Row], new: &[Row]) -> Vec<String> {
    let mut out = Vec::new();
    for ((cell, metric), (n0, m0)) in old {
        let Some((_, (n1, m1))) = new.iter().find(|(k, _)| k.0 == *cell && k.1 == *metric) else {
            out.push(format!(
                "{}, {metric}: in the committed summary only",
                describe(plan, *cell)
            ));
            continue;
        };
        let (abs, rel) = check.tolerance(metric);
        let problem = match (m0, m1) {
            _ if n0 != n1 => Some(format!("n = {n1}, committed {n0}")),
            (None, None) => None,
            (Some(a), Some(b)) => {
                let allowed = abs + rel * a.abs();
                ((a - b).abs() > allowed).then(|| {
                    format!(
                        "mean {b} vs committed {a} (|Δ| = {:.3e} > tolerance {allowed:.3e})",
                        (a - b).abs()
                    )
                })
            }
            (Some(a), None) => Some(format!("mean undefined, committed {a}")),
            (None, Some(b)) => Some(format!("mean {b}, committed undefined")),
        };
        if let Some(p) = problem {
            out.push(format!("{}, {metric}: {p}", describe(plan, *cell)));
        }
    }
    for ((cell, metric), _) in new {
        if !old.iter().any(|(k, _)| k.0 == *cell && k.1 == *metric) {
            out.push(format!(
                "{}, {metric}: in the recomputed summary only",
                describe(plan, *cell)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::{Check, SeedScheme};

    fn plan() -> Plan {
        Plan {
            id: "t".into(),
            title: "t".into(),
            quick: false,
            file: String::new(),
            file_hash: String::new(),
            scenario_file: String::new(),
            scenario_hash: String::new(),
            seed: 1,
            seeds: SeedScheme::Independent,
            replicates: 2,
            set: vec![],
            axes: vec![],
            design: None,
            cells: crate::experiment::grid::cells(&[]),
            cell_hashes: vec![String::new()],
            metrics: vec!["a".into(), "b".into()],
            timeseries: false,
            plots: vec![],
            check: Check {
                abs: 0.01,
                rel: 0.0,
                metrics: [("b".to_string(), (0.0, 0.1))].into_iter().collect(),
            },
        }
    }

    fn row(metric: &str, n: i64, mean: Option<f64>) -> Row {
        ((0, metric.into()), (n, mean))
    }

    #[test]
    fn tolerances_are_absolute_plus_relative_per_metric() {
        let p = plan();
        let old = [row("a", 2, Some(1.0)), row("b", 2, Some(10.0))];
        // a within 0.01 absolute, b within 10% relative.
        let ok = [row("a", 2, Some(1.009)), row("b", 2, Some(10.9))];
        assert!(differences(&p, &p.check, &old, &ok).is_empty());
        let bad = [row("a", 2, Some(1.02)), row("b", 2, Some(11.2))];
        let d = differences(&p, &p.check, &old, &bad);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(
            d[0].contains("cell 0 (the base scenario), a: mean 1.02 vs committed 1"),
            "{}",
            d[0]
        );
    }

    #[test]
    fn counts_undefined_means_and_missing_rows_are_differences() {
        let p = plan();
        let old = [row("a", 2, None), row("b", 2, Some(1.0))];
        assert!(differences(&p, &p.check, &old, &old).is_empty());
        let new = [row("a", 1, None), row("c", 2, Some(1.0))];
        let d = differences(&p, &p.check, &old, &new);
        assert_eq!(d.len(), 3, "{d:?}");
        assert!(d[0].contains("n = 1, committed 2"));
        assert!(d[1].contains("committed summary only"));
        assert!(d[2].contains("recomputed summary only"));
    }
}
