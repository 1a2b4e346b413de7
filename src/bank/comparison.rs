//! Comparison: the larger of two different numbers of the same length d (uniform in 1 to
//! `max_digits`), the answer a number. Numbers that share a longer prefix are harder to tell
//! apart: `δ = (length of the common prefix) / d`.

use super::{Family, Format, Item, digits, number_with_digits};
use crate::rng::SimRng;

/// The comparison family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comparison {
    /// Largest number of digits.
    pub max_digits: u32,
}

/// The number of leading characters `a` and `b` share.
fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

impl Family for Comparison {
    fn generate(&self, rng: &mut SimRng, m: u32, _k: u32) -> Vec<Item> {
        (0..m)
            .map(|_| {
                let d = digits(rng, self.max_digits);
                let a = number_with_digits(rng, d);
                let mut b = number_with_digits(rng, d);
                while b == a {
                    b = number_with_digits(rng, d);
                }
                let (sa, sb) = (a.to_string(), b.to_string());
                Item {
                    prompt: format!("Which number is larger, {a} or {b}?"),
                    format: Format::Number,
                    answer: a.max(b).to_string(),
                    options: Vec::new(),
                    difficulty: common_prefix(&sa, &sb) as f64 / f64::from(d),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;

    #[test]
    fn the_larger_is_the_answer() {
        let mut rng = stream(3, "t");
        for it in (Comparison { max_digits: 4 }).generate(&mut rng, 300, 4) {
            let q = it.prompt.trim_start_matches("Which number is larger, ");
            let (a, b) = q.trim_end_matches('?').split_once(" or ").unwrap();
            assert_eq!(a.len(), b.len());
            let (x, y): (u64, u64) = (a.parse().unwrap(), b.parse().unwrap());
            assert_ne!(x, y);
            assert_eq!(it.answer, x.max(y).to_string());
            assert!((0.0..1.0).contains(&it.difficulty));
        }
        assert_eq!(common_prefix("4821", "4812"), 2);
    }
}
