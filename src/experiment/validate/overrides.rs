//! The fixed overrides (`set`, and `[quick] set` for `--quick`), flattened into entries of a
//! scenario key path and its value, each placed at its key in the experiment file; the seed is
//! the experiment's, never an override.

use super::super::raw::RawExperiment;
use super::Entry;
use crate::scenario::{KeyPath, Problem};

/// The fixed overrides (`set`), then, for `--quick`, the quick version's.
pub(super) fn overrides(c: &mut Vec<Problem>, raw: &RawExperiment, quick: bool) -> Vec<Entry> {
    let root = KeyPath::root();
    let mut sets: Vec<Entry> = Vec::new();
    if let Some(t) = &raw.set {
        flatten(t, &root.key("set"), "", &mut sets);
    }
    if quick && let Some(t) = raw.quick.as_ref().and_then(|q| q.set.as_ref()) {
        flatten(t, &root.key("quick").key("set"), "", &mut sets);
    }
    for (at, key, _) in &sets {
        if key == "seed" {
            c.push(seed_problem(at.clone()));
        }
    }

    sets
}

/// Appends the leaves of a table of key paths to `out`: `a.b = 1` and `[a] b = 1` both give
/// the key path `a.b`, and so does the quoted key `"a.b" = 1`.
pub(super) fn flatten(t: &toml::Table, at: &KeyPath, prefix: &str, out: &mut Vec<Entry>) {
    for (k, v) in t {
        let p = at.key(k);
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(sub) => flatten(sub, &p, &key, out),
            _ => out.push((p, key, v.clone())),
        }
    }
}

/// The seed set as an override or swept: it is the experiment's `seed`.
pub(super) fn seed_problem(at: KeyPath) -> Problem {
    Problem::new(at, "the scenario's `seed` cannot be set by an experiment").help(
        "each run's seed is derived from the experiment's own `seed`, the cell and the replicate; \
         set the top-level `seed` of the experiment instead",
    )
}
