//! `fragment.toml`: the calibrated simulated groups, ready to paste into a scenario.
//!
//! One `[[population]]` group per profile, named `<profile>-calibrated`: skill per domain
//! `σ(a_d)` (domains the sample did not reach take the mean of the fitted skills), accuracy
//! curve `logistic(slope)`, shared answers κ and lure ρ (0 where the data cannot tell), and as effort cost the effort cost of the scenario's honest
//! groups backed by the profile plus the mean token cost of an answer (what a model-backed
//! worker pays per answer). Its count is the number of agents of those groups (1 if none).
//! Every value is followed by its 95% interval in a comment. The fragment belongs with the
//! scenario's `[bank]` and `tasks.answers` (K), which the fit assumed.

use std::fmt::Write;

use super::fit::Estimate;
use super::profile::ProfileFit;
use crate::scenario::Scenario;
use crate::strategy::Strategy;

fn r4(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// A skill to 4 decimals, unless that would round it to exactly 0 or 1, which the model reads
/// as "always wrong" or "always right" whatever the curve and the latent effects: then in
/// full (shortest round-trip form), so a fitted 0.99999999 stays a logistic worker.
fn skill_text(x: f64) -> String {
    let short = r4(x);
    if (short == "1" && x < 1.0) || (short == "0" && x > 0.0) {
        format!("{x}")
    } else {
        short
    }
}

fn interval(e: &Estimate) -> String {
    if e.lo.is_finite() && e.hi.is_finite() {
        format!("[{}, {}]", r4(e.lo), r4(e.hi))
    } else {
        "[no interval]".into()
    }
}

/// The skill per domain, `D` entries.
fn skills(f: &ProfileFit, domains: u32) -> Vec<f64> {
    let mean = f.skill.iter().map(|s| s.value).sum::<f64>() / f.skill.len().max(1) as f64;
    (0..domains)
        .map(|d| {
            f.sources
                .iter()
                .position(|&s| u32::from(s) == d)
                .map_or(mean, |i| f.skill[i].value)
        })
        .collect()
}

/// The agents and effort cost of the scenario's honest groups backed by profile `p`.
fn backed(sc: &Scenario, p: usize) -> (u32, f64) {
    let backs = |g: &&crate::scenario::Group| g.llm.contains(&(p as u16));
    let groups: Vec<_> = sc
        .groups
        .iter()
        .filter(|g| backs(g) && matches!(g.strategy, Strategy::Honest(_)))
        .collect();
    let count = groups
        .iter()
        .map(|g| {
            (0..g.count)
                .filter(|&m| g.profile(m) == Some(p as u16))
                .count() as u32
        })
        .sum::<u32>();
    (count.max(1), groups.first().map_or(0.0, |g| g.effort_cost))
}

/// The fragment's text for `fits` (aligned with `profiles`, indices into the scenario's
/// profiles); `header` is the comment that opens it.
pub fn fragment(sc: &Scenario, fits: &[ProfileFit], profiles: &[usize], header: &str) -> String {
    let mut s = String::new();
    for line in header.lines() {
        let _ = writeln!(s, "# {line}");
    }
    for (f, &p) in fits.iter().zip(profiles) {
        let (count, effort) = backed(sc, p);
        let sk = skills(f, sc.tasks.domains);
        let skill = if sk.len() == 1 {
            skill_text(sk[0])
        } else {
            format!(
                "[{}]",
                sk.iter()
                    .map(|x| skill_text(*x))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let per_domain: Vec<String> = f
            .sources
            .iter()
            .zip(&f.skill)
            .map(|(d, e)| format!("domain {d} {}", interval(e)))
            .collect();
        let lure = if f.lure.value.is_finite() {
            f.lure.value
        } else {
            0.0
        };
        let _ = writeln!(
            s,
            "\n# `{}`: accuracy {} {} over {} answers; correlation of two workers' correctness {} \
             {} (the calibrated worker predicts {})",
            f.profile,
            r4(f.accuracy.value),
            interval(&f.accuracy),
            f.answers,
            r4(f.correlation.0.value),
            interval(&f.correlation.0),
            r4(f.correlation_predicted)
        );
        let _ = writeln!(s, "[[population]]");
        let _ = writeln!(s, "name = \"{}-calibrated\"", f.profile);
        let _ = writeln!(s, "count = {count}");
        let _ = writeln!(s, "skill = {skill}  # {}", per_domain.join(", "));
        let slope_note = if f.slope.lo.is_finite() {
            format!("slope {}", interval(&f.slope))
        } else {
            "no slope: the items' difficulties do not vary".to_string()
        };
        let _ = writeln!(
            s,
            "accuracy = \"logistic({})\"  # {slope_note}",
            r4(f.slope.value)
        );
        if let Some(l) = &f.loadings {
            let _ = writeln!(
                s,
                "item_loading = {}  # {}",
                r4(l.item_loading.value),
                interval(&l.item_loading)
            );
            let _ = writeln!(s, "model = \"{}\"", l.model);
            let _ = writeln!(
                s,
                "model_loading = {}  # {}",
                r4(l.model_loading.value),
                interval(&l.model_loading)
            );
        }
        let shared = if f.shared.value.is_finite() {
            f.shared.value
        } else {
            0.0
        };
        let _ = writeln!(s, "shared = {}  # {}", r4(shared), interval(&f.shared));
        let _ = writeln!(s, "lure = {}  # {}", r4(lure), interval(&f.lure));
        let _ = writeln!(
            s,
            "effort_cost = {}  # {} + a mean token cost of {} per answer",
            r4(effort + f.token_cost),
            r4(effort),
            r4(f.token_cost)
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::skill_text;

    /// Skills keep 4 decimals, but never round into the model's "always right/wrong" 1 and 0.
    #[test]
    fn a_skill_is_never_rounded_to_exactly_one_or_zero() {
        assert_eq!(skill_text(0.90461), "0.9046");
        assert_eq!(skill_text(1.0), "1");
        assert_eq!(skill_text(0.0), "0");
        assert_eq!(skill_text(0.99999999999897), "0.99999999999897");
        assert_eq!(skill_text(0.00001), "0.00001");
        assert!(skill_text(0.99999999999897).parse::<f64>().unwrap() < 1.0);
    }
}
