//! The experiment's own keys: its id (by default its folder's name) and title, the base
//! scenario's name, its replicates (and the quick version's) and its seed scheme.

use std::path::Path;

use super::super::grid::SeedScheme;
use super::super::raw::RawExperiment;
use crate::scenario::{KeyPath, Problem};
use crate::syntax::spec::suggest;

/// The experiment's own keys: its id and title, the base scenario's name, replicates and seeds.
pub(super) struct Header {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) scenario: String,
    pub(super) replicates: u32,
    pub(super) quick_replicates: Option<u32>,
    pub(super) seeds: SeedScheme,
}

/// The experiment's own keys, checked.
pub(super) fn header(c: &mut Vec<Problem>, raw: &RawExperiment, path: &Path) -> Header {
    let root = KeyPath::root();
    let id = raw.id.clone().unwrap_or_else(|| default_id(path));
    if id.is_empty()
        || !id
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
    {
        c.push(Problem::new(
            root.key("id"),
            format!(
                "experiment id `{id}` must be non-empty and use only letters, digits, `_` and `-`"
            ),
        ));
    }
    let title = raw.title.clone().unwrap_or_else(|| id.clone());
    let scenario = match &raw.scenario {
        Some(s) => s.clone(),
        None => {
            c.push(
                Problem::new(root.clone(), "missing key `scenario`")
                    .help("name the base scenario file, e.g. `scenario = \"../../scenarios/quickstart.toml\"`"),
            );
            String::new()
        }
    };
    let replicates = count(c, root.key("replicates"), raw.replicates, 1);
    let quick_replicates = raw.quick.as_ref().map(|q| {
        count(
            c,
            root.key("quick").key("replicates"),
            q.replicates,
            replicates,
        )
    });
    let seeds = match raw.seeds.as_deref() {
        None | Some("independent") => SeedScheme::Independent,
        Some("common") => SeedScheme::Common,
        Some(other) => {
            let hint = suggest(other, ["independent", "common"])
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            c.push(
                Problem::new(root.key("seeds"), format!("unknown seed scheme `{other}`"))
                    .help(format!("{hint}expected `independent` or `common`")),
            );
            SeedScheme::Independent
        }
    };

    Header {
        id,
        title,
        scenario,
        replicates,
        quick_replicates,
        seeds,
    }
}

/// The default id of the experiment in `path`: its folder's name for `…/<id>/experiment.toml`,
/// else the file name without extension.
pub(super) fn default_id(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "experiment".into());
    if stem == "experiment"
        && let Some(dir) = path
            .canonicalize()
            .ok()
            .as_deref()
            .and_then(Path::parent)
            .and_then(Path::file_name)
    {
        return dir.to_string_lossy().into_owned();
    }
    stem
}

/// A count from 1 to 1,000,000 at `at` (replicates), else `default`.
fn count(c: &mut Vec<Problem>, at: KeyPath, v: Option<i64>, default: u32) -> u32 {
    match v {
        None => default,
        Some(n) if (1..=1_000_000).contains(&n) => n as u32,
        Some(n) => {
            c.push(Problem::new(
                at,
                format!("expected a count from 1 to 1000000, found {n}"),
            ));
            default
        }
    }
}
