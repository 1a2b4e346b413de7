//! Reading a model's reply as an answer, by the item's [`Format`].
//!
//! First, if the reply contains `answer:` (any case), only the text after its last occurrence is
//! read. Then:
//! - a number: the *last* number in the text (digits with optional `,` thousands separators, an
//!   optional fraction and sign), as is usual for free-form arithmetic (`23 + 45 = 68` → `68`),
//!   written canonically (no separators, no leading `+` or zeros, no trailing fractional zeros,
//!   `-0` as `0`);
//! - a letter: the first standalone capital letter among the options' letters (`B`, `(B)`,
//!   `B)`, `B.`), else the option whose text appears alone in the reply as a standalone word;
//! - a text: the first non-empty line, trimmed of spaces, quotes and final punctuation, in lower
//!   case.
//!
//! Anything else is unparseable (`None`): it counts as a wrong answer, and in the metric
//! `llm_unparseable`.

use super::Format;
use super::{letter, letter_index};

/// The answer in `reply` for an item of `format` with `options` (lettered items), canonical.
pub fn parse(format: &Format, options: &[String], reply: &str) -> Option<String> {
    let text = after_answer_marker(reply);
    match format {
        Format::Number => numbers(text).last().map(|n| canonical_number(n)),
        Format::Choice => choice(text, options),
        Format::Text => canonical_text(text),
    }
}

/// The canonical form of a true answer written by a user (a number, a letter or a text).
pub fn canonical(format: &Format, answer: &str) -> Option<String> {
    match format {
        Format::Number => {
            let ns = numbers(answer);
            (ns.len() == 1 && ns[0].len() == answer.trim().len()).then(|| canonical_number(ns[0]))
        }
        Format::Choice => letter_index(answer.trim()).map(|_| answer.trim().to_string()),
        Format::Text => canonical_text(answer),
    }
}

fn after_answer_marker(reply: &str) -> &str {
    let lower = reply.to_ascii_lowercase();
    match lower.rfind("answer:") {
        Some(i) => &reply[i + "answer:".len()..],
        None => reply,
    }
}

/// The numbers in `text`, as written (with sign and separators), in order.
fn numbers(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut start = i;
        if start > 0 && (b[start - 1] == b'-' || b[start - 1] == b'+') {
            let before = start.checked_sub(2).map(|j| b[j]);
            if before.is_none_or(|c| !c.is_ascii_alphanumeric()) {
                start -= 1;
            }
        }
        let mut end = i;
        loop {
            while end < b.len() && b[end].is_ascii_digit() {
                end += 1;
            }
            // A separator or point continues the number only if a digit follows.
            let sep = end + 1 < b.len()
                && (b[end] == b',' || b[end] == b'.')
                && b[end + 1].is_ascii_digit();
            if !sep {
                break;
            }
            end += 1;
        }
        out.push(&text[start..end]);
        i = end;
    }
    out
}

fn canonical_number(n: &str) -> String {
    let negative = n.starts_with('-');
    let digits: String = n
        .trim_start_matches(['-', '+'])
        .chars()
        .filter(|&c| c != ',')
        .collect();
    // A single `.` followed by digits is a fraction; several are read as separators.
    let (int, frac) = match digits.matches('.').count() {
        1 => digits.split_once('.').unwrap_or((&digits, "")),
        _ => (digits.as_str(), ""),
    };
    let int: String = int.chars().filter(|&c| c != '.').collect();
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let frac = frac.trim_end_matches('0');
    let body = if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    };
    if negative && body != "0" {
        format!("-{body}")
    } else {
        body
    }
}

fn choice(text: &str, options: &[String]) -> Option<String> {
    let b = text.as_bytes();
    let standalone = |s: usize, e: usize| {
        (s == 0 || !b[s - 1].is_ascii_alphanumeric())
            && (e == b.len() || !b[e].is_ascii_alphanumeric())
    };
    for (i, &c) in b.iter().enumerate() {
        if c.is_ascii_uppercase() && usize::from(c - b'A') < options.len() && standalone(i, i + 1) {
            return Some((c as char).to_string());
        }
    }
    let found: Vec<usize> = (0..options.len())
        .filter(|&j| {
            let o = options[j].as_str();
            !o.is_empty()
                && text
                    .match_indices(o)
                    .any(|(s, m)| standalone(s, s + m.len()))
        })
        .collect();
    match found.as_slice() {
        [j] => Some(letter(*j)),
        _ => None,
    }
}

fn canonical_text(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let t = line
        .trim_matches(|c: char| c.is_whitespace() || "\"'`*".contains(c))
        .trim_end_matches(['.', '!', '?', ',', ';', ':'])
        .trim();
    (!t.is_empty()).then(|| t.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Option<String> {
        parse(&Format::Number, &[], s)
    }

    #[test]
    fn numbers_take_the_last_one() {
        assert_eq!(num("68").as_deref(), Some("68"));
        assert_eq!(num("23 + 45 = 68").as_deref(), Some("68"));
        assert_eq!(num("The answer is 1,234.").as_deref(), Some("1234"));
        assert_eq!(num("x = -7").as_deref(), Some("-7"));
        assert_eq!(
            num("3-4").as_deref(),
            Some("4"),
            "a hyphen after a digit is no sign"
        );
        assert_eq!(num("12.50").as_deref(), Some("12.5"));
        assert_eq!(num("007").as_deref(), Some("7"));
        assert_eq!(num("-0").as_deref(), Some("0"));
        assert_eq!(
            num("Answer: 12, I think 13 is wrong").as_deref(),
            Some("13")
        );
        assert_eq!(num("It is 5. Answer: 9").as_deref(), Some("9"));
        assert_eq!(num("no idea"), None);
        assert_eq!(num(""), None);
    }

    #[test]
    fn letters_and_option_texts() {
        let opts: Vec<String> = ["12", "15", "18", "21"].map(String::from).to_vec();
        let c = |s: &str| parse(&Format::Choice, &opts, s);
        assert_eq!(c("B").as_deref(), Some("B"));
        assert_eq!(c("(C) 18").as_deref(), Some("C"));
        assert_eq!(c("The answer is D.").as_deref(), Some("D"));
        assert_eq!(c("E"), None, "no such option");
        assert_eq!(c("18").as_deref(), Some("C"), "an option's text");
        assert_eq!(c("12 or 15"), None, "two options");
        assert_eq!(c("118"), None, "not standalone");
    }

    #[test]
    fn texts_and_canonical_answers() {
        assert_eq!(
            parse(&Format::Text, &[], "  \"Paris.\"\nmore").as_deref(),
            Some("paris")
        );
        assert_eq!(parse(&Format::Text, &[], " \n "), None);
        assert_eq!(canonical(&Format::Number, "1,000").as_deref(), Some("1000"));
        assert_eq!(canonical(&Format::Number, "10 apples"), None);
        assert_eq!(canonical(&Format::Choice, "B").as_deref(), Some("B"));
        assert_eq!(canonical(&Format::Choice, "b"), None);
    }
}
