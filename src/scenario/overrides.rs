//! `--set KEY=VALUE`: overriding any key of a parsed file by its dotted path, and turning serde's
//! errors into [`Problem`]s with key paths.
//!
//! A key path is written `tasks.arrival_rate`, `population[1].count`, `population.1.count`, or
//! `population.shirkers.count` (an array element chosen by its `name`). The value is read as a
//! TOML value (`3`, `0.5`, `true`, `"text"`, `[1, 2]`); anything that is not valid TOML is taken as
//! a string, so `--set population[0].strategy=partial(0.5)` needs no quotes. Missing tables are
//! created; the result is validated exactly like the file itself.

use crate::syntax::error::{InputError, KeyPath};
use crate::syntax::key_path::Seg;
use crate::syntax::spec::suggest;

/// Applies every override to `doc`, in order. Returns, per override, the canonical key path it
/// set and the flag as written (so that problems with that key can name the flag).
pub fn apply(
    doc: &mut toml::Table,
    overrides: &[String],
) -> Result<Vec<(KeyPath, String)>, InputError> {
    let mut applied = Vec::new();
    for text in overrides {
        let flag = format!("--set {text}");
        let bad = |message: String| InputError::Flag {
            flag: flag.clone(),
            message,
        };
        let Some((key, value)) = text.split_once('=') else {
            return Err(bad(
                "expected KEY=VALUE, e.g. `--set tasks.arrival_rate=2`".into()
            ));
        };
        let segments = parse_path(key.trim()).map_err(bad)?;
        let value = parse_value(value.trim());
        let path = set(doc, &segments, value).map_err(bad)?;
        applied.push((path, flag));
    }
    Ok(applied)
}

/// Sets the value at the dotted key path `key` (any form [`apply`] accepts) to `value`, and
/// returns the canonical key path it set.
pub fn set_value(doc: &mut toml::Table, key: &str, value: toml::Value) -> Result<KeyPath, String> {
    let segments = parse_path(key.trim())?;
    set(doc, &segments, value)
}

/// A step of a key path as written on the command line: a key, or something that selects an
/// array element (an index or a name).
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

fn parse_path(key: &str) -> Result<Vec<Step>, String> {
    if key.is_empty() {
        return Err("the key path is empty".into());
    }
    let mut steps = Vec::new();
    for part in key.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if name.is_empty() && rest.is_empty() {
            return Err(format!("`{key}` has an empty key between dots"));
        }
        if !name.is_empty() {
            match name.parse::<usize>() {
                Ok(i) => steps.push(Step::Index(i)),
                Err(_) => steps.push(Step::Key(name.to_string())),
            }
        }
        while let Some(r) = rest.strip_prefix('[') {
            let Some(end) = r.find(']') else {
                return Err(format!("`{key}` has a `[` without a closing `]`"));
            };
            let idx = r[..end]
                .trim()
                .parse::<usize>()
                .map_err(|_| format!("`{key}`: `[{}]` is not an array index", &r[..end]))?;
            steps.push(Step::Index(idx));
            rest = &r[end + 1..];
        }
        if !rest.is_empty() {
            return Err(format!(
                "`{key}` is not a key path such as `population[0].count`"
            ));
        }
    }
    Ok(steps)
}

fn parse_value(text: &str) -> toml::Value {
    let wrapped = format!("v = {text}");
    match toml::from_str::<toml::Table>(&wrapped) {
        Ok(mut t) => t
            .remove("v")
            .unwrap_or_else(|| toml::Value::String(text.to_string())),
        Err(_) => toml::Value::String(text.to_string()),
    }
}

fn set(doc: &mut toml::Table, steps: &[Step], value: toml::Value) -> Result<KeyPath, String> {
    let mut root = toml::Value::Table(std::mem::take(doc));
    let mut path = KeyPath::root();
    let result = descend(&mut root, steps, value, &mut path);
    if let toml::Value::Table(t) = root {
        *doc = t;
    }
    result.map(|()| path)
}

fn descend(
    root: &mut toml::Value,
    steps: &[Step],
    value: toml::Value,
    path: &mut KeyPath,
) -> Result<(), String> {
    let mut node: &mut toml::Value = root;
    for (i, step) in steps.iter().enumerate() {
        let last = i + 1 == steps.len();
        node = match (node, step) {
            (toml::Value::Table(t), Step::Key(k)) => {
                path.0.push(Seg::Key(k.clone()));
                if last {
                    t.insert(k.clone(), value);
                    return Ok(());
                }
                t.entry(k.clone())
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()))
            }
            (toml::Value::Array(a), Step::Index(n)) => {
                let len = a.len();
                let Some(el) = a.get_mut(*n) else {
                    return Err(format!(
                        "`{path}` has {len} element(s); there is no element {n}"
                    ));
                };
                path.0.push(Seg::Index(*n));
                if last {
                    *el = value;
                    return Ok(());
                }
                el
            }
            (toml::Value::Array(a), Step::Key(name)) => {
                let names: Vec<String> = a
                    .iter()
                    .filter_map(|e| e.get("name").and_then(|n| n.as_str()).map(str::to_string))
                    .collect();
                let Some(n) = names.iter().position(|x| x == name) else {
                    let hint = suggest(name, names.iter().map(String::as_str))
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    return Err(format!(
                        "`{path}` has no element named `{name}`{hint} (names: {})",
                        names.join(", ")
                    ));
                };
                path.0.push(Seg::Index(n));
                if last {
                    a[n] = value;
                    return Ok(());
                }
                &mut a[n]
            }
            (other, _) => {
                return Err(format!(
                    "`{path}` holds a value of type {}, so `{}` cannot be set inside it",
                    other.type_str(),
                    match step {
                        Step::Key(k) => k.clone(),
                        Step::Index(n) => n.to_string(),
                    }
                ));
            }
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> toml::Table {
        toml::from_str(
            "ticks = 5\n[[population]]\nname = \"a\"\ncount = 1\n[[population]]\nname = \"b\"\n",
        )
        .unwrap()
    }

    #[test]
    fn sets_by_every_path_form() {
        let mut d = doc();
        let set =
            |d: &mut toml::Table, s: &str| apply(d, &[s.to_string()]).unwrap()[0].0.to_string();
        assert_eq!(set(&mut d, "ticks=7"), "ticks");
        assert_eq!(d["ticks"].as_integer(), Some(7));
        assert_eq!(set(&mut d, "population[1].count=3"), "population[1].count");
        assert_eq!(set(&mut d, "population.0.count=4"), "population[0].count");
        assert_eq!(
            set(&mut d, "population.b.strategy=partial(0.5)"),
            "population[1].strategy"
        );
        assert_eq!(
            d["population"][1]["strategy"].as_str(),
            Some("partial(0.5)")
        );
        assert_eq!(d["population"][1]["count"].as_integer(), Some(3));
        assert_eq!(set(&mut d, "tasks.reward=2.5"), "tasks.reward");
        assert_eq!(d["tasks"]["reward"].as_float(), Some(2.5));
    }

    #[test]
    fn rejects_bad_flags() {
        let mut d = doc();
        for (flag, expect) in [
            ("ticks", "KEY=VALUE"),
            ("population[5].count=1", "no element 5"),
            ("population.c.count=1", "no element named `c`"),
            ("ticks.x=1", "type integer"),
            ("population[x].count=1", "not an array index"),
        ] {
            let e = apply(&mut d, &[flag.to_string()]).unwrap_err().to_string();
            assert!(e.contains(expect), "{flag}: {e}");
        }
    }
}
