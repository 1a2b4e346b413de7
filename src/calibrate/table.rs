//! `calibration.csv`: every fitted parameter with its 95% interval, and the goodness of fit.
//!
//! One row per (profile, parameter), columns `profile, parameter, value, lo, hi, n, predicted,
//! predicted_independent`: `value` with its interval `[lo, hi]` is what was measured or fitted,
//! `n` the observations behind it, and where a model makes a prediction of a measured quantity
//! (accuracy by difficulty, the correlation of correctness, coinciding wrong answers, the
//! log-likelihood), `predicted` is the calibrated worker's and `predicted_independent` that of
//! today's independent-error worker with the same mean accuracy. Rows of two profiles name
//! both, `a+b`. Numbers are written in full (shortest round-trip form); an undefined one is
//! empty.

use super::fit::Estimate;
use super::profile::ProfileFit;
use super::together::Pairing;

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The profile (or `a+b`).
    pub profile: String,
    /// The parameter.
    pub parameter: String,
    /// Its value and interval.
    pub value: Estimate,
    /// Observations.
    pub n: usize,
    /// The calibrated worker's prediction (NaN: none).
    pub predicted: f64,
    /// The independent worker's prediction (NaN: none).
    pub predicted_independent: f64,
}

fn row(profile: &str, parameter: impl Into<String>, value: Estimate, n: usize) -> Row {
    Row {
        profile: profile.to_string(),
        parameter: parameter.into(),
        value,
        n,
        predicted: f64::NAN,
        predicted_independent: f64::NAN,
    }
}

fn point(v: f64) -> Estimate {
    Estimate {
        value: v,
        lo: f64::NAN,
        hi: f64::NAN,
    }
}

/// The rows of one profile's fit (`skill[d]`: the skill in domain d).
pub fn profile_rows(f: &ProfileFit) -> Vec<Row> {
    let p = f.profile.as_str();
    let mut rows = vec![
        row(p, "answers", point(f.answers as f64), f.answers),
        row(p, "accuracy", f.accuracy, f.answers),
        row(p, "unparseable", f.unparseable, f.answers),
    ];
    for (i, s) in f.sources.iter().enumerate() {
        rows.push(row(p, format!("skill[{s}]"), f.skill[i], f.answers));
    }
    rows.push(row(p, "slope", f.slope, f.answers));
    if let Some(l) = &f.loadings {
        rows.push(row(p, "item_loading", l.item_loading, f.answers));
        rows.push(row(p, "model_loading", l.model_loading, f.answers));
    }
    for (i, s) in f.sources.iter().enumerate() {
        rows.push(row(
            p,
            format!("independent_skill[{s}]"),
            point(f.linear_skill[i]),
            f.answers,
        ));
    }
    rows.push(row(p, "shared", f.shared, f.correlation.1));
    rows.push(row(p, "lure", f.lure, f.coincidence.1));
    rows.push(row(p, "coincidence", f.coincidence.0, f.coincidence.1));
    let mut r = row(p, "correlation", f.correlation.0, f.correlation.1);
    r.predicted = f.correlation_predicted;
    r.predicted_independent = f.correlation_independent;
    rows.push(r);
    let mut r = row(
        p,
        "log_likelihood",
        point(f.curve.log_likelihood),
        f.answers,
    );
    r.predicted = f.curve.log_likelihood;
    r.predicted_independent = f.linear_log_likelihood;
    rows.push(r);
    for b in &f.bins {
        let name = if (b.hi - b.lo).abs() < 1e-9 {
            format!("accuracy_at[{}]", round(b.lo))
        } else {
            format!("accuracy_at[{}..{}]", round(b.lo), round(b.hi))
        };
        let mut r = row(p, name, b.observed, b.n);
        r.predicted = b.logistic;
        r.predicted_independent = b.linear;
        rows.push(r);
    }
    for (name, s) in [
        ("prompt_tokens", &f.prompt_tokens),
        ("completion_tokens", &f.completion_tokens),
        ("latency_ms", &f.latency_ms),
    ] {
        rows.push(row(p, format!("{name}_mean"), s.mean, f.answers));
        rows.push(row(p, format!("{name}_p50"), s.p50, f.answers));
        rows.push(row(p, format!("{name}_p90"), s.p90, f.answers));
    }
    rows.push(row(p, "token_cost_mean", point(f.token_cost), f.answers));
    rows
}

/// The rows of two profiles.
pub fn pairing_rows(p: &Pairing) -> Vec<Row> {
    let name = format!("{}+{}", p.profiles.0, p.profiles.1);
    let mut c = row(&name, "correlation", p.correlation.0, p.correlation.1);
    c.predicted = p.correlation_predicted;
    let mut w = row(&name, "coincidence", p.coincidence.0, p.coincidence.1);
    w.predicted = p.coincidence_predicted;
    vec![c, w]
}

fn round(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

/// The table as CSV text.
pub fn csv(rows: &[Row]) -> String {
    let mut s = String::from("profile,parameter,value,lo,hi,n,predicted,predicted_independent\n");
    for r in rows {
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            r.profile,
            r.parameter,
            num(r.value.value),
            num(r.value.lo),
            num(r.value.hi),
            r.n,
            num(r.predicted),
            num(r.predicted_independent)
        ));
    }
    s
}
