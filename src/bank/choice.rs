//! Multiple choice: K lettered options (K = `tasks.answers`, 2 to 26), one of them right, the
//! answer a letter. Four kinds of question, drawn uniformly, all computed by the generator:
//! which number is the largest, which is the smallest, which is the even one (the others odd),
//! and what `a + b` is (the others near misses, `a + b ± 1..K+5`). Numbers have d digits, d
//! uniform in 1 to `max_digits` (raised when fewer numbers of that length would not give K
//! different options); the correct option's place is uniform. `δ = 1 − 1/d`.
//!
//! Small models find lettered options much harder than free-form answers: SmolLM2-135M is at
//! chance on four options (it answers `A` on 58 of 60 items).

use super::{Family, Format, Item, digits, letter, number_with_digits, render_options};
use crate::dist::below;
use crate::rng::SimRng;

/// The multiple-choice family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// Largest number of digits of a number in a question.
    pub max_digits: u32,
}

/// The smallest length whose numbers give `k` different odd ones (and so `k` different ones).
fn min_digits(k: u32) -> u32 {
    let mut d = 1;
    while 4 * 10u64.pow(d - 1) < u64::from(k) {
        d += 1;
    }
    d
}

/// `n` different numbers of `d` digits satisfying `keep`, by rejection.
fn distinct(rng: &mut SimRng, n: u32, d: u32, keep: impl Fn(u64) -> bool) -> Vec<u64> {
    let mut out: Vec<u64> = Vec::with_capacity(n as usize);
    while out.len() < n as usize {
        let x = number_with_digits(rng, d);
        if keep(x) && !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

/// The question, the options and the index of the right one, for question kind `kind`.
fn question(rng: &mut SimRng, kind: u64, k: u32, d: u32) -> (String, Vec<u64>, usize) {
    match kind {
        0 | 1 => {
            let xs = distinct(rng, k, d, |_| true);
            let pick = if kind == 0 {
                xs.iter().max()
            } else {
                xs.iter().min()
            };
            let right = xs.iter().position(|x| Some(x) == pick).unwrap_or(0);
            let word = if kind == 0 { "largest" } else { "smallest" };
            (format!("Which of these numbers is the {word}?"), xs, right)
        }
        2 => {
            let mut xs = distinct(rng, k - 1, d, |x| !x.is_multiple_of(2));
            let even = distinct(rng, 1, d, |x| x.is_multiple_of(2))[0];
            let right = below(rng, u64::from(k)) as usize;
            xs.insert(right, even);
            ("Which of these numbers is even?".to_string(), xs, right)
        }
        _ => {
            let (a, b) = (number_with_digits(rng, d), number_with_digits(rng, d));
            let sum = a + b;
            let mut xs = vec![sum];
            let spread = u64::from(k) + 5;
            while xs.len() < k as usize {
                let off = 1 + below(rng, spread);
                let x = if below(rng, 2) == 0 || off > sum {
                    sum + off
                } else {
                    sum - off
                };
                if !xs.contains(&x) {
                    xs.push(x);
                }
            }
            let right = below(rng, u64::from(k)) as usize;
            xs.swap(0, right);
            (format!("What is {a} + {b}?"), xs, right)
        }
    }
}

impl Family for Choice {
    fn generate(&self, rng: &mut SimRng, m: u32, k: u32) -> Vec<Item> {
        (0..m)
            .map(|_| {
                let kind = below(rng, 4);
                let d = digits(rng, self.max_digits).max(min_digits(k));
                let (q, xs, right) = question(rng, kind, k, d);
                let options: Vec<String> = xs.iter().map(u64::to_string).collect();
                Item {
                    prompt: format!("{q}\n{}", render_options(&options)),
                    format: Format::Choice,
                    answer: letter(right),
                    options,
                    difficulty: 1.0 - 1.0 / f64::from(d),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::letter_index;
    use crate::rng::stream;

    #[test]
    fn the_lettered_answer_is_right() {
        let mut rng = stream(4, "t");
        let mut places = [0usize; 4];
        for it in (Choice { max_digits: 2 }).generate(&mut rng, 800, 4) {
            assert_eq!(it.options.len(), 4);
            let right = letter_index(&it.answer).unwrap();
            places[right] += 1;
            let xs: Vec<u64> = it.options.iter().map(|o| o.parse().unwrap()).collect();
            let x = xs[right];
            let mut dedup = xs.clone();
            dedup.sort();
            dedup.dedup();
            assert_eq!(dedup.len(), 4, "{}", it.prompt);
            if it.prompt.contains("largest") {
                assert_eq!(Some(&x), xs.iter().max());
            } else if it.prompt.contains("smallest") {
                assert_eq!(Some(&x), xs.iter().min());
            } else if it.prompt.contains("even") {
                assert!(
                    x.is_multiple_of(2) && xs.iter().filter(|v| v.is_multiple_of(2)).count() == 1
                );
            } else {
                let q = it.prompt.lines().next().unwrap();
                let q = q.trim_start_matches("What is ").trim_end_matches('?');
                let (a, b) = q.split_once(" + ").unwrap();
                assert_eq!(x, a.parse::<u64>().unwrap() + b.parse::<u64>().unwrap());
            }
            assert!(it.prompt.contains("\nA) ") && it.prompt.contains("\nD) "));
        }
        // The right option's place is uniform-ish for every kind but `largest`/`smallest`,
        // whose place is where the extreme happened to be drawn (also uniform).
        assert!(
            places.iter().all(|&p| (150..250).contains(&p)),
            "{places:?}"
        );
    }

    #[test]
    fn enough_digits_for_many_options() {
        assert_eq!(min_digits(4), 1);
        assert_eq!(min_digits(5), 2);
        let mut rng = stream(5, "t");
        for it in (Choice { max_digits: 1 }).generate(&mut rng, 100, 26) {
            assert_eq!(it.options.len(), 26);
        }
    }
}
