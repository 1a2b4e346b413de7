//! Multi-step problems: a calculation of m steps (m = the task's subtasks), decomposed by the
//! orchestrator into one subtask per step. It starts from a number of 1 to `max_digits` digits;
//! each step adds or subtracts a number of 1 to `max_digits` digits, or multiplies by 2 to 9
//! (uniformly; a subtraction that would go below zero adds instead). Each step's prompt states
//! the whole problem and gives the step the *true* result of the previous one, so that steps are
//! independent subtasks and a pipeline task (`value_rule = "all"`) succeeds when every step is
//! right. `δ = 1 − 2 / (d_x + d_c)` for the step's two operands, as for addition.

use super::addition::operand_difficulty;
use super::{Family, Format, Item, digits, number_with_digits};
use crate::dist::below;
use crate::rng::SimRng;

/// The multi-step family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Multistep {
    /// Largest number of digits of the start and of an added or subtracted number.
    pub max_digits: u32,
}

/// One step: its symbol, its words, its operand.
struct Step {
    symbol: char,
    words: &'static str,
    operand: u64,
}

fn len(x: u64) -> u32 {
    x.to_string().len() as u32
}

impl Family for Multistep {
    fn generate(&self, rng: &mut SimRng, m: u32, _k: u32) -> Vec<Item> {
        let d = digits(rng, self.max_digits);
        let start = number_with_digits(rng, d);
        let mut x = start;
        let mut steps = Vec::new();
        let mut values = vec![start];
        for _ in 0..m {
            let op = below(rng, 3);
            let step = if op == 2 {
                let c = 2 + below(rng, 8);
                x *= c;
                Step {
                    symbol: '*',
                    words: "multiply by",
                    operand: c,
                }
            } else {
                let d = digits(rng, self.max_digits);
                let c = number_with_digits(rng, d);
                if op == 1 && c <= x {
                    x -= c;
                    Step {
                        symbol: '-',
                        words: "subtract",
                        operand: c,
                    }
                } else {
                    x += c;
                    Step {
                        symbol: '+',
                        words: "add",
                        operand: c,
                    }
                }
            };
            steps.push(step);
            values.push(x);
        }
        let plan: Vec<String> = steps
            .iter()
            .map(|s| format!("{} {}", s.words, s.operand))
            .collect();
        let problem = format!("Start from {start}, then {}.", plan.join(", then "));
        steps
            .iter()
            .enumerate()
            .map(|(j, s)| Item {
                prompt: format!(
                    "{problem}\nStep {} of {m}: the result so far is {}. What is {} {} {}?",
                    j + 1,
                    values[j],
                    values[j],
                    s.symbol,
                    s.operand
                ),
                format: Format::Number,
                answer: values[j + 1].to_string(),
                options: Vec::new(),
                difficulty: operand_difficulty(len(values[j]), len(s.operand)),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;

    #[test]
    fn each_step_continues_the_last() {
        let mut rng = stream(6, "t");
        for _ in 0..100 {
            let items = (Multistep { max_digits: 2 }).generate(&mut rng, 4, 4);
            assert_eq!(items.len(), 4);
            let mut prev: Option<u64> = None;
            for it in &items {
                let q = it.prompt.lines().nth(1).unwrap();
                let expr = q.rsplit("What is ").next().unwrap().trim_end_matches('?');
                let parts: Vec<&str> = expr.split(' ').collect();
                let (a, op, c): (u64, &str, u64) = (
                    parts[0].parse().unwrap(),
                    parts[1],
                    parts[2].parse().unwrap(),
                );
                if let Some(p) = prev {
                    assert_eq!(a, p);
                }
                let want = match op {
                    "+" => a + c,
                    "-" => a - c,
                    _ => a * c,
                };
                assert_eq!(it.answer, want.to_string());
                prev = Some(want);
            }
        }
    }
}
