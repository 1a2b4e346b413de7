//! Multiplication: `a × b` (written `a * b`), each operand of 1 to `max_digits` digits, the
//! answer a number; difficulty `δ = 1 − 2 / (d_a + d_b)` as for addition.

use super::addition::operations;
use super::{Family, Item};
use crate::rng::SimRng;

/// The multiplication family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Multiplication {
    /// Largest number of digits of an operand.
    pub max_digits: u32,
}

impl Family for Multiplication {
    fn generate(&self, rng: &mut SimRng, m: u32, _k: u32) -> Vec<Item> {
        operations(rng, m, self.max_digits, '*', |a, b| a * b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;

    #[test]
    fn products_are_right() {
        let mut rng = stream(2, "t");
        for it in (Multiplication { max_digits: 3 }).generate(&mut rng, 200, 4) {
            let q = it
                .prompt
                .trim_start_matches("What is ")
                .trim_end_matches('?');
            let (a, b) = q.split_once(" * ").unwrap();
            let (a, b): (u64, u64) = (a.parse().unwrap(), b.parse().unwrap());
            assert!(a < 1000 && b < 1000);
            assert_eq!(it.answer, (a * b).to_string());
        }
    }
}
