//! The label a simulated worker's answer takes, from how its strategy answers
//! ([`super::Answering`]): solved (right with probability its competence, else the subtask's lure
//! with probability ρ, else a uniform wrong label; or its group's shared answer,
//! [`shared_label`]), guessed, copied, poisoned. Plain data in,
//! plain data out, with the portable draws of [`crate::dist`].

use crate::dist::{below, chance};

use super::Answering;

/// The answer label a worker gives: correct with probability `competence` when solving, else
/// the subtask's lure ([`lure_label`]) with probability `lure` (ρ) and otherwise uniform over
/// the K-1 wrong answers (the lure among them); uniform over all K when guessing; a copy of
/// `first` (the first label another worker gave) when copying, a guess if there is none;
/// `(truth + 1) mod K` when poisoning. Copying a label and poisoning draw nothing, and ρ = 0
/// draws nothing either (so it is the independent-error model draw for draw).
pub fn draw_label<R: rand::Rng + ?Sized>(
    rng: &mut R,
    answering: Answering,
    (competence, lure): (f64, f64),
    truth: u16,
    k: u32,
    first: Option<u16>,
) -> u16 {
    match answering {
        Answering::Guess => below(rng, u64::from(k)) as u16,
        Answering::Collude { .. } => {
            draw_label(rng, Answering::Solve, (competence, lure), truth, k, first)
        }
        Answering::CopyFirst => first.unwrap_or_else(|| below(rng, u64::from(k)) as u16),
        Answering::Poison => ((u32::from(truth) + 1) % k) as u16,
        Answering::Solve => {
            if chance(rng, competence) {
                truth
            } else if chance(rng, lure) {
                lure_label(truth, k)
            } else {
                let w = below(rng, u64::from(k - 1)) as u16;
                if w >= truth { w + 1 } else { w }
            }
        }
    }
}

/// The label of a solving worker of competence `c` and lure ρ drawn from the uniforms
/// `u = [u₀, u₁, u₂]` in [0, 1): the truth if `u₀ < c`, else the lure if `u₁ < ρ`, else the
/// wrong label `⌊u₂·(K − 1)⌋` (counting the labels other than the truth). Its law is
/// [`draw_label`]'s for `Solve`; workers of one group that take their group's shared answer to a
/// subtask use the same uniforms, so with the same competence they give the same label (and with
/// different ones, the most alike labels their competences allow).
pub fn shared_label(u: [f64; 3], (competence, lure): (f64, f64), truth: u16, k: u32) -> u16 {
    if u[0] < competence {
        truth
    } else if u[1] < lure {
        lure_label(truth, k)
    } else {
        let w = ((u[2] * f64::from(k - 1)) as u32).min(k - 2) as u16;
        if w >= truth { w + 1 } else { w }
    }
}

/// The lure of a subtask with true label `truth` among `k`: the wrong answer that wrong workers
/// drift to, `(truth + K − 1) mod K` (uniform over the wrong labels as the truth is, and never
/// the byzantine workers' `(truth + 1) mod K` when K > 2).
pub fn lure_label(truth: u16, k: u32) -> u16 {
    ((u32::from(truth) + k - 1) % k) as u16
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;

    #[test]
    fn a_shared_label_has_the_law_of_a_drawn_one() {
        // Over uniforms, P(truth) = c, P(lure) = (1-c)(ρ + (1-ρ)/(K-1)), every other wrong label
        // (1-c)(1-ρ)/(K-1).
        let (k, truth, c, rho) = (5u32, 3u16, 0.4f64, 0.3f64);
        let mut rng = stream(4, "t");
        let n = 200_000;
        let mut counts = [0usize; 5];
        for _ in 0..n {
            let u = [
                crate::dist::unit(&mut rng),
                crate::dist::unit(&mut rng),
                crate::dist::unit(&mut rng),
            ];
            counts[shared_label(u, (c, rho), truth, k) as usize] += 1;
        }
        let u = (1.0 - c) * (1.0 - rho) / 4.0;
        for (label, &hits) in counts.iter().enumerate() {
            let p = match label as u16 {
                l if l == truth => c,
                l if l == lure_label(truth, k) => (1.0 - c) * rho + u,
                _ => u,
            };
            let se = (p * (1.0 - p) / n as f64).sqrt();
            assert!(
                (hits as f64 / n as f64 - p).abs() < 4.5 * se,
                "label {label}: {hits}"
            );
        }
        assert_eq!(
            shared_label([0.9, 0.9, 0.999_999], (0.0, 0.0), 0, 4),
            3,
            "the last wrong label"
        );
    }

    #[test]
    fn two_wrong_answers_coincide_as_the_lure_says() {
        // Wrong answers (competence 0) over K = 5 with lure ρ: each is the lure with probability
        // ρ + (1-ρ)/4 and each other wrong label with (1-ρ)/4, so two coincide with probability
        // c = (ρ + (1-ρ)/4)^2 + 3 ((1-ρ)/4)^2.
        let (k, truth, rho) = (5u32, 2u16, 0.3f64);
        let mut rng = stream(9, "t");
        let n = 200_000;
        let (mut same, mut lure) = (0usize, 0usize);
        for _ in 0..n {
            let a = draw_label(&mut rng, Answering::Solve, (0.0, rho), truth, k, None);
            let b = draw_label(&mut rng, Answering::Solve, (0.0, rho), truth, k, None);
            assert!(a != truth && b != truth);
            same += usize::from(a == b);
            lure += usize::from(a == lure_label(truth, k));
        }
        let c = (rho + (1.0 - rho) / 4.0).powi(2) + 3.0 * ((1.0 - rho) / 4.0).powi(2);
        let se = (c * (1.0 - c) / n as f64).sqrt();
        assert!((same as f64 / n as f64 - c).abs() < 4.5 * se, "{same}");
        let pl = rho + (1.0 - rho) / 4.0;
        let se = (pl * (1.0 - pl) / n as f64).sqrt();
        assert!((lure as f64 / n as f64 - pl).abs() < 4.5 * se, "{lure}");
        assert_eq!(lure_label(0, 4), 3);
        assert_ne!(lure_label(1, 4), 2, "never the byzantine label when K > 2");
    }
}
