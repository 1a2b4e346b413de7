//! The call syntax of parameterised names: `honest`, `partial(0.5)`, `threshold(k = 2)`.
//!
//! Strategies, value rules, credit mechanisms, distributions and the other pluggable choices of a
//! scenario are written as a name, optionally followed by arguments in parentheses, positional or
//! `key = value`. [`Spec::parse`] reads that text; [`SpecDef::bind`] checks it against one entry of
//! a registry (its name, its parameters, their ranges and defaults) and returns the values in
//! declaration order. Every failure is a sentence that names what was expected, and unknown names
//! come with the nearest valid one ([`suggest`]).

use std::fmt;

/// A parsed `name(args...)` text, not yet checked against any registry.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// The name before the parentheses, trimmed.
    pub name: String,
    /// The arguments in the order written.
    pub args: Vec<Arg>,
}

/// One argument of a [`Spec`]: positional (`0.5`) or named (`effort = 0.5`).
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// The parameter name when written as `key = value`.
    pub key: Option<String>,
    /// The numeric value.
    pub value: f64,
}

impl Spec {
    /// Parses `name` or `name(a, b, key = c)`. Arguments are numbers.
    pub fn parse(text: &str) -> Result<Spec, String> {
        let text = text.trim();
        let (name, rest) = match text.find('(') {
            Some(open) => (&text[..open], Some(&text[open + 1..])),
            None => (text, None),
        };
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(
                "`{text}` is not a name or a call such as `name(1, 2)` (names use letters, digits and `_`)"
            ));
        }
        let mut args = Vec::new();
        if let Some(rest) = rest {
            let Some(inner) = rest.trim_end().strip_suffix(')') else {
                return Err(format!("`{text}` has an opening `(` without a closing `)`"));
            };
            if !inner.trim().is_empty() {
                for piece in inner.split(',') {
                    args.push(parse_arg(piece, text)?);
                }
            }
        }
        Ok(Spec {
            name: name.to_string(),
            args,
        })
    }
}

fn parse_arg(piece: &str, whole: &str) -> Result<Arg, String> {
    let (key, value) = match piece.split_once('=') {
        Some((k, v)) => (Some(k.trim().to_string()), v.trim()),
        None => (None, piece.trim()),
    };
    let value: f64 = value
        .parse()
        .map_err(|_| format!("argument `{}` of `{whole}` is not a number", piece.trim()))?;
    if !value.is_finite() {
        return Err(format!(
            "argument `{}` of `{whole}` is not a finite number",
            piece.trim()
        ));
    }
    Ok(Arg { key, value })
}

impl fmt::Display for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if !self.args.is_empty() {
            f.write_str("(")?;
            for (i, a) in self.args.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                if let Some(k) = &a.key {
                    write!(f, "{k} = ")?;
                }
                write!(f, "{}", a.value)?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// The declaration of one parameter of a [`SpecDef`].
#[derive(Debug, Clone, Copy)]
pub struct ParamDef {
    /// Its name, usable as `name = value`.
    pub name: &'static str,
    /// Smallest allowed value (inclusive).
    pub min: f64,
    /// Largest allowed value (inclusive).
    pub max: f64,
    /// Whether the value must be a whole number.
    pub integer: bool,
    /// The value taken when the argument is left out; `None` makes it required.
    pub default: Option<f64>,
}

/// One entry of a registry: a name, what it means, and its parameters.
#[derive(Debug, Clone, Copy)]
pub struct SpecDef {
    /// The name as written in scenario files.
    pub name: &'static str,
    /// One line saying what it is.
    pub doc: &'static str,
    /// Its parameters, in positional order.
    pub params: &'static [ParamDef],
}

impl SpecDef {
    /// How the entry is written, e.g. `partial(effort)`.
    pub fn signature(&self) -> String {
        if self.params.is_empty() {
            self.name.to_string()
        } else {
            let names: Vec<_> = self.params.iter().map(|p| p.name).collect();
            format!("{}({})", self.name, names.join(", "))
        }
    }

    /// Checks `spec`'s arguments against the parameters and returns their values in
    /// declaration order (defaults filled in).
    pub fn bind(&self, spec: &Spec) -> Result<Vec<f64>, String> {
        let mut values: Vec<Option<f64>> = vec![None; self.params.len()];
        let mut positional = 0;
        for arg in &spec.args {
            let slot = match &arg.key {
                Some(k) => match self.params.iter().position(|p| p.name == k) {
                    Some(i) => i,
                    None => {
                        let names: Vec<_> = self.params.iter().map(|p| p.name).collect();
                        let hint = suggest(k, names.iter().copied())
                            .map(|s| format!("; did you mean `{s}`?"))
                            .unwrap_or_default();
                        return Err(format!(
                            "`{}` has no parameter `{k}` (it takes {}){hint}",
                            self.name,
                            self.signature()
                        ));
                    }
                },
                None => {
                    let i = positional;
                    positional += 1;
                    i
                }
            };
            if slot >= self.params.len() {
                return Err(format!(
                    "`{}` takes {} argument{}, written `{}`; found `{spec}`",
                    self.name,
                    self.params.len(),
                    if self.params.len() == 1 { "" } else { "s" },
                    self.signature()
                ));
            }
            if values[slot].is_some() {
                return Err(format!(
                    "parameter `{}` of `{}` is given twice",
                    self.params[slot].name, self.name
                ));
            }
            values[slot] = Some(arg.value);
        }
        let mut out = Vec::with_capacity(self.params.len());
        for (p, v) in self.params.iter().zip(values) {
            let v = match v.or(p.default) {
                Some(v) => v,
                None => {
                    return Err(format!(
                        "`{}` needs its parameter `{}`: write `{}`",
                        self.name,
                        p.name,
                        self.signature()
                    ));
                }
            };
            if v < p.min || v > p.max || (p.integer && v.fract() != 0.0) {
                return Err(format!(
                    "parameter `{}` of `{}` must be {}, found {v}",
                    p.name,
                    self.name,
                    describe_range(p)
                ));
            }
            out.push(v);
        }
        Ok(out)
    }
}

fn describe_range(p: &ParamDef) -> String {
    let kind = if p.integer {
        "a whole number"
    } else {
        "a number"
    };
    match (p.min.is_finite(), p.max.is_finite()) {
        (true, true) => format!("{kind} in [{}, {}]", p.min, p.max),
        (true, false) => format!("{kind} ≥ {}", p.min),
        (false, true) => format!("{kind} ≤ {}", p.max),
        (false, false) => kind.to_string(),
    }
}

/// Looks `text` up in a registry: parses it, finds the entry by name (suggesting the nearest
/// name when there is none), binds the arguments. Returns the entry's index and the values.
pub fn resolve(text: &str, what: &str, registry: &[SpecDef]) -> Result<(usize, Vec<f64>), String> {
    let spec = Spec::parse(text)?;
    let Some(index) = registry.iter().position(|d| d.name == spec.name) else {
        let hint = suggest(&spec.name, registry.iter().map(|d| d.name))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        let all: Vec<_> = registry
            .iter()
            .map(|d| format!("`{}`", d.signature()))
            .collect();
        return Err(format!(
            "unknown {what} `{}`{hint} (expected one of {})",
            spec.name,
            all.join(", ")
        ));
    };
    let values = registry[index].bind(&spec)?;
    Ok((index, values))
}

/// The nearest of `candidates` to `word`, if one is near enough to be a likely typo: at most two
/// edits away (for words of three letters or more), or very similar by Jaro-Winkler. The fewest
/// edits win; ties go to the higher similarity.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_l = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let c_l = c.to_ascii_lowercase();
            (
                strsim::levenshtein(&word_l, &c_l),
                strsim::jaro_winkler(&word_l, &c_l),
                c,
            )
        })
        .filter(|&(edits, similarity, _)| (edits <= 2 && word.len() >= 3) || similarity >= 0.85)
        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)))
        .map(|(.., c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFS: &[SpecDef] = &[
        SpecDef {
            name: "honest",
            doc: "",
            params: &[],
        },
        SpecDef {
            name: "partial",
            doc: "",
            params: &[ParamDef {
                name: "effort",
                min: 0.0,
                max: 1.0,
                integer: false,
                default: None,
            }],
        },
    ];

    #[test]
    fn parses_names_and_calls() {
        assert_eq!(
            Spec::parse(" honest ").unwrap(),
            Spec {
                name: "honest".into(),
                args: vec![]
            }
        );
        let s = Spec::parse("partial(effort = 0.25)").unwrap();
        assert_eq!(
            s.args,
            vec![Arg {
                key: Some("effort".into()),
                value: 0.25
            }]
        );
        assert_eq!(Spec::parse("uniform(0.5, 1)").unwrap().args.len(), 2);
        assert!(Spec::parse("partial(0.5").unwrap_err().contains("closing"));
        assert!(
            Spec::parse("partial(x)")
                .unwrap_err()
                .contains("not a number")
        );
        assert!(Spec::parse("").is_err());
    }

    #[test]
    fn binds_against_a_registry() {
        assert_eq!(
            resolve("partial(0.3)", "strategy", DEFS).unwrap(),
            (1, vec![0.3])
        );
        assert_eq!(
            resolve("partial(effort=0.3)", "strategy", DEFS).unwrap(),
            (1, vec![0.3])
        );
        let e = resolve("partial", "strategy", DEFS).unwrap_err();
        assert!(e.contains("needs its parameter `effort`"), "{e}");
        let e = resolve("partial(1.5)", "strategy", DEFS).unwrap_err();
        assert!(e.contains("in [0, 1]"), "{e}");
        let e = resolve("honest(1)", "strategy", DEFS).unwrap_err();
        assert!(e.contains("takes 0 arguments"), "{e}");
        let e = resolve("honset", "strategy", DEFS).unwrap_err();
        assert!(e.contains("did you mean `honest`"), "{e}");
    }

    #[test]
    fn suggests_only_near_names() {
        assert_eq!(
            suggest("shaply", ["shapley", "equal", "loo"]),
            Some("shapley")
        );
        assert_eq!(suggest("cnt", ["name", "count", "capacity"]), Some("count"));
        assert_eq!(
            suggest("arival_rate", ["arrival_rate", "subtasks"]),
            Some("arrival_rate")
        );
        assert_eq!(suggest("zzz", ["shapley", "equal", "loo"]), None);
        assert_eq!(suggest("mechanisms", ["policy", "redundancy"]), None);
    }
}
