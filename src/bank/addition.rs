//! Addition: `a + b`, each operand of 1 to `max_digits` digits (uniformly), the answer a number.
//!
//! Difficulty grows with the operands' lengths: `δ = 1 − 2 / (d_a + d_b)`, so one-digit sums
//! have δ = 0, 2 + 1 digits 1/3, 2 + 2 digits 1/2 (small models fall off a cliff there: SmolLM2-135M
//! answers 80–93% of one-digit sums and 13–33% of two-digit ones).

use super::{Family, Format, Item, digits, number_with_digits};
use crate::rng::SimRng;

/// The addition family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Addition {
    /// Largest number of digits of an operand.
    pub max_digits: u32,
}

/// The difficulty of an operation on operands of `a` and `b` digits: `1 − 2 / (a + b)`.
pub fn operand_difficulty(a: u32, b: u32) -> f64 {
    1.0 - 2.0 / f64::from(a + b)
}

/// `m` items `What is a <symbol> b?` with operands of 1 to `max` digits and answer `op(a, b)`.
pub fn operations(
    rng: &mut SimRng,
    m: u32,
    max: u32,
    symbol: char,
    op: impl Fn(u64, u64) -> u64,
) -> Vec<Item> {
    (0..m)
        .map(|_| {
            let (da, db) = (digits(rng, max), digits(rng, max));
            let (a, b) = (number_with_digits(rng, da), number_with_digits(rng, db));
            Item {
                prompt: format!("What is {a} {symbol} {b}?"),
                format: Format::Number,
                answer: op(a, b).to_string(),
                options: Vec::new(),
                difficulty: operand_difficulty(da, db),
            }
        })
        .collect()
}

impl Family for Addition {
    fn generate(&self, rng: &mut SimRng, m: u32, _k: u32) -> Vec<Item> {
        operations(rng, m, self.max_digits, '+', |a, b| a + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;

    #[test]
    fn sums_are_right_and_operands_in_range() {
        let mut rng = stream(1, "t");
        let items = Addition { max_digits: 2 }.generate(&mut rng, 500, 4);
        let mut one_digit = 0;
        for it in &items {
            let q = it
                .prompt
                .trim_start_matches("What is ")
                .trim_end_matches('?');
            let (a, b) = q.split_once(" + ").unwrap();
            let (a, b): (u64, u64) = (a.parse().unwrap(), b.parse().unwrap());
            assert!(a < 100 && b < 100);
            assert_eq!(it.answer, (a + b).to_string());
            assert!((0.0..1.0).contains(&it.difficulty));
            one_digit += usize::from(a < 10 && b < 10);
            assert_eq!(it.difficulty == 0.0, a < 10 && b < 10);
        }
        // Each operand has one digit with probability 1/2: both with 1/4.
        assert!((90..160).contains(&one_digit), "{one_digit}");
    }

    #[test]
    fn difficulty_by_digits() {
        assert_eq!(operand_difficulty(1, 1), 0.0);
        assert!((operand_difficulty(2, 1) - 1.0 / 3.0).abs() < 1e-15);
        assert_eq!(operand_difficulty(2, 2), 0.5);
    }
}
