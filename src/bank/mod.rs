//! The task bank: real subtasks with known answers, for simulated and LLM-backed workers alike.
//!
//! An [`Item`] is a question a language model can be asked: its prompt, the format of its
//! answer ([`Format`]: a number, one of K lettered options, or a short text), the true answer,
//! and a difficulty δ in [0, 1) that simulated workers use exactly as they use a subtask's
//! difficulty (competence `e · s · (1 − δ)`). Items come from *families*, each generated
//! deterministically from the run's `arrivals` stream (one file per family: [`addition`],
//! [`multiplication`], [`comparison`], [`choice`], [`multistep`]; [`FAMILIES`] is the registry),
//! or from a user's JSONL file ([`file`]). [`parse`] turns a model's reply into an answer.
//!
//! Labels. A subtask's answers are labels, as for every subtask: the true answer is the item's
//! [`Item::truth`] (the correct option's index for a lettered item, 0 otherwise), and simulated
//! workers' wrong answers and guesses are the other labels in `0..K` (K = the item's options, or
//! `tasks.answers`). A model's reply is parsed and mapped by [`Item::label_of`]: the true answer
//! gets the truth label, a lettered option its index, any other answer a label of its own from
//! K upwards (so two models that give the same wrong number agree), and a reply that cannot be
//! parsed the reserved [`UNPARSEABLE`] label, which is never correct.

pub mod addition;
pub mod choice;
pub mod comparison;
pub mod file;
pub mod multiplication;
pub mod multistep;
pub mod parquet;
pub mod parse;

use std::sync::Arc;

use crate::dist::below;
use crate::rng::SimRng;
use crate::syntax::spec::{ParamDef, SpecDef, resolve};

/// The label of a reply that could not be parsed: never correct, and an answer like any other
/// for consensus (two unparseable replies agree).
pub const UNPARSEABLE: u16 = u16::MAX;

/// How an item's answer is written, and so how a reply is parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// An integer or decimal number.
    Number,
    /// One of the item's options, answered by its letter (`A`, `B`, ...).
    Choice,
    /// A short text, compared case-insensitively after trimming.
    Text,
}

/// One question with its known answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The question as put to a model (options included, lettered, for [`Format::Choice`]).
    pub prompt: String,
    /// How the answer is written.
    pub format: Format,
    /// The true answer, canonical ([`parse::canonical`]): a number's text, an option's letter,
    /// or a lower-case text.
    pub answer: String,
    /// The options' texts, in letter order ([`Format::Choice`] only).
    pub options: Vec<String>,
    /// Difficulty δ in [0, 1).
    pub difficulty: f64,
}

impl Item {
    /// The instruction that follows the question: how to write the answer.
    pub fn instruction(&self) -> &'static str {
        match self.format {
            Format::Number => "Answer with the number only.",
            Format::Choice => "Answer with the letter of the correct option only.",
            Format::Text => "Answer with a word or a short phrase only.",
        }
    }

    /// The number of answers a simulated worker chooses among: the options of a lettered item,
    /// else `k` (`tasks.answers`).
    pub fn answers(&self, k: u32) -> u32 {
        match self.format {
            Format::Choice => self.options.len() as u32,
            _ => k,
        }
    }

    /// The label of the true answer.
    pub fn truth(&self) -> u16 {
        match self.format {
            Format::Choice => letter_index(&self.answer).unwrap_or(0) as u16,
            _ => 0,
        }
    }

    /// The label of a parsed reply (`None`: unparseable). `others` holds the wrong answers
    /// already seen on this subtask, which take the labels `k, k + 1, ...` in order of first
    /// appearance; a new one is added. When labels run out the reply counts as unparseable.
    pub fn label_of(&self, reply: Option<&str>, k: u32, others: &mut Vec<String>) -> u16 {
        let Some(reply) = reply else {
            return UNPARSEABLE;
        };
        if reply == self.answer {
            return self.truth();
        }
        if self.format == Format::Choice
            && let Some(i) = letter_index(reply)
        {
            return i as u16;
        }
        let k = self.answers(k) as usize;
        let i = match others.iter().position(|o| o == reply) {
            Some(i) => i,
            None => {
                others.push(reply.to_string());
                others.len() - 1
            }
        };
        u16::try_from(k + i)
            .ok()
            .filter(|&l| l != UNPARSEABLE)
            .unwrap_or(UNPARSEABLE)
    }
}

impl Item {
    /// The wrong answer a poisoner gives in words: a number plus one, the next option's letter
    /// (after the last, the first), or "not" and the text.
    pub fn wrong_answer(&self) -> String {
        match self.format {
            Format::Number => {
                let n: f64 = self.answer.parse().unwrap_or(0.0);
                parse::canonical(&Format::Number, &format!("{}", n + 1.0))
                    .unwrap_or_else(|| format!("{}", n + 1.0))
            }
            Format::Choice => letter((self.truth() as usize + 1) % self.options.len().max(1)),
            Format::Text => format!("not {}", self.answer),
        }
    }

    /// The text of `label`, the inverse of [`Item::label_of`]: the true answer, an option's
    /// letter, or a wrong answer a model gave (`others`); `None` for the labels of simulated
    /// wrong answers to an item that is not lettered, which have no text.
    pub fn text_of(&self, label: u16, k: u32, others: &[String]) -> Option<String> {
        if label == self.truth() {
            return Some(self.answer.clone());
        }
        let k = self.answers(k) as usize;
        match label as usize {
            l if self.format == Format::Choice && l < k => Some(letter(l)),
            l if l >= k => others.get(l - k).cloned(),
            _ => None,
        }
    }
}

/// The letter of option `i` (`A` for 0).
pub fn letter(i: usize) -> String {
    let mut s = String::new();
    let mut i = i;
    loop {
        s.insert(0, (b'A' + (i % 26) as u8) as char);
        if i < 26 {
            return s;
        }
        i = i / 26 - 1;
    }
}

/// The index of a letter written by [`letter`].
pub fn letter_index(text: &str) -> Option<usize> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let mut i = 0usize;
    for b in text.bytes() {
        i = i.checked_mul(26)?.checked_add(usize::from(b - b'A') + 1)?;
    }
    Some(i - 1)
}

/// What a family generates for one task of `m` subtasks.
pub trait Family {
    /// `m` items (independent ones, or the steps of one problem), with `k` options for lettered
    /// items.
    fn generate(&self, rng: &mut SimRng, m: u32, k: u32) -> Vec<Item>;
}

/// A family of generated items, with its parameters (the registry's entries).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FamilyKind {
    /// `a + b`.
    Addition(addition::Addition),
    /// `a × b`.
    Multiplication(multiplication::Multiplication),
    /// The larger of two numbers.
    Comparison(comparison::Comparison),
    /// Lettered multiple-choice questions computed by the generator.
    Choice(choice::Choice),
    /// A problem of m steps, one per subtask.
    Multistep(multistep::Multistep),
}

/// How each family is written, in the order of [`FamilyKind`]'s variants.
pub const FAMILIES: &[SpecDef] = &[
    SpecDef {
        name: "addition",
        doc: "a + b, each operand of 1 to max_digits digits; δ grows with the digits",
        params: &[ParamDef {
            name: "max_digits",
            min: 1.0,
            max: 9.0,
            integer: true,
            default: Some(2.0),
        }],
    },
    SpecDef {
        name: "multiplication",
        doc: "a × b, each operand of 1 to max_digits digits",
        params: &[ParamDef {
            name: "max_digits",
            min: 1.0,
            max: 4.0,
            integer: true,
            default: Some(2.0),
        }],
    },
    SpecDef {
        name: "comparison",
        doc: "the larger of two numbers of the same length (1 to max_digits digits); δ grows with their common prefix",
        params: &[ParamDef {
            name: "max_digits",
            min: 1.0,
            max: 9.0,
            integer: true,
            default: Some(4.0),
        }],
    },
    SpecDef {
        name: "choice",
        doc: "multiple choice with K lettered options: the largest, the smallest, the even one, a sum",
        params: &[ParamDef {
            name: "max_digits",
            min: 1.0,
            max: 6.0,
            integer: true,
            default: Some(2.0),
        }],
    },
    SpecDef {
        name: "multistep",
        doc: "a calculation of m steps, one per subtask, each given the true result of the last",
        params: &[ParamDef {
            name: "max_digits",
            min: 1.0,
            max: 4.0,
            integer: true,
            default: Some(1.0),
        }],
    },
];

impl FamilyKind {
    /// Parses a family written as `name(args)`.
    pub fn parse(text: &str) -> Result<FamilyKind, String> {
        let (i, v) = resolve(text, "item family", FAMILIES)?;
        let d = v[0] as u32;
        Ok(match i {
            0 => FamilyKind::Addition(addition::Addition { max_digits: d }),
            1 => FamilyKind::Multiplication(multiplication::Multiplication { max_digits: d }),
            2 => FamilyKind::Comparison(comparison::Comparison { max_digits: d }),
            3 => FamilyKind::Choice(choice::Choice { max_digits: d }),
            4 => FamilyKind::Multistep(multistep::Multistep { max_digits: d }),
            other => {
                return Err(format!(
                    "item family {other} of the registry has no arm in FamilyKind::parse"
                ));
            }
        })
    }

    /// The family's generator.
    pub fn family(&self) -> &dyn Family {
        match self {
            FamilyKind::Addition(f) => f,
            FamilyKind::Multiplication(f) => f,
            FamilyKind::Comparison(f) => f,
            FamilyKind::Choice(f) => f,
            FamilyKind::Multistep(f) => f,
        }
    }
}

/// The bank of a scenario: generated families and the user's items, each a skill domain (the
/// families in order, then the file).
#[derive(Debug, Clone, PartialEq)]
pub struct Bank {
    /// Generated families.
    pub families: Vec<FamilyKind>,
    /// The user's items file as written (relative to the scenario file), if any.
    pub file_path: Option<std::path::PathBuf>,
    /// Its items, once read ([`crate::scenario::load`] reads them after validation).
    pub file: Option<Arc<Vec<Item>>>,
}

impl Bank {
    /// Number of sources (families, plus one for the file): the skill domains items fall in.
    pub fn sources(&self) -> u32 {
        self.families.len() as u32 + u32::from(self.file_path.is_some())
    }

    /// Draws the items of one task of `m` subtasks: a source uniformly (its index is the items'
    /// domain), then its items. From the file, `m` items uniformly with replacement.
    pub fn draw(&self, rng: &mut SimRng, m: u32, k: u32) -> (u16, Vec<Item>) {
        let source = below(rng, u64::from(self.sources())) as usize;
        let items = match self.families.get(source) {
            Some(f) => f.family().generate(rng, m, k),
            None => {
                let all = self.file.as_deref().map_or(&[][..], Vec::as_slice);
                (0..m)
                    .map(|_| all[below(rng, all.len() as u64) as usize].clone())
                    .collect()
            }
        };
        (source as u16, items)
    }
}

/// A uniform whole number with exactly `d` digits (1 ≤ d ≤ 18; one digit includes 0).
pub fn number_with_digits(rng: &mut SimRng, d: u32) -> u64 {
    if d <= 1 {
        return below(rng, 10);
    }
    let lo = 10u64.pow(d - 1);
    lo + below(rng, 9 * lo)
}

/// A number of digits uniform in `1..=max`.
pub fn digits(rng: &mut SimRng, max: u32) -> u32 {
    1 + below(rng, u64::from(max)) as u32
}

/// Lettered options: `A) x` lines, one per option.
pub fn render_options(options: &[String]) -> String {
    options
        .iter()
        .enumerate()
        .map(|(i, o)| format!("{}) {o}", letter(i)))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_round_trip() {
        for i in [0, 1, 25, 26, 27, 701, 702] {
            assert_eq!(letter_index(&letter(i)), Some(i), "{i}");
        }
        assert_eq!(letter(0), "A");
        assert_eq!(letter(26), "AA");
        assert_eq!(letter_index("a"), None);
    }

    #[test]
    fn labels_of_replies() {
        let item = Item {
            prompt: "1 + 1".into(),
            format: Format::Number,
            answer: "2".into(),
            options: vec![],
            difficulty: 0.0,
        };
        let mut others = Vec::new();
        assert_eq!(item.label_of(Some("2"), 4, &mut others), 0);
        assert_eq!(item.label_of(Some("3"), 4, &mut others), 4);
        assert_eq!(item.label_of(Some("5"), 4, &mut others), 5);
        assert_eq!(item.label_of(Some("3"), 4, &mut others), 4);
        assert_eq!(item.label_of(None, 4, &mut others), UNPARSEABLE);
        let mc = Item {
            prompt: String::new(),
            format: Format::Choice,
            answer: "C".into(),
            options: vec!["1".into(), "2".into(), "3".into()],
            difficulty: 0.0,
        };
        assert_eq!(mc.truth(), 2);
        assert_eq!(mc.label_of(Some("C"), 4, &mut others), 2);
        assert_eq!(mc.label_of(Some("A"), 4, &mut others), 0);
        assert_eq!(mc.answers(4), 3);
        // Texts are the labels' inverse where a label has one.
        assert_eq!(item.text_of(0, 4, &others).as_deref(), Some("2"));
        assert_eq!(item.text_of(5, 4, &others).as_deref(), Some("5"));
        assert_eq!(item.text_of(1, 4, &others), None);
        assert_eq!(item.text_of(9, 4, &others), None);
        for l in [0u16, 4, 5] {
            let text = item.text_of(l, 4, &others).unwrap();
            assert_eq!(item.label_of(Some(&text), 4, &mut others.clone()), l);
        }
        assert_eq!(mc.text_of(2, 4, &others).as_deref(), Some("C"));
        assert_eq!(mc.text_of(0, 4, &others).as_deref(), Some("A"));
        // A poisoner's wrong answer in words.
        assert_eq!(item.wrong_answer(), "3");
        assert_eq!(mc.wrong_answer(), "A");
        let text = Item {
            format: Format::Text,
            answer: "paris".into(),
            ..item.clone()
        };
        assert_eq!(text.wrong_answer(), "not paris");
    }
}
