//! Game files for `lamas credit`: a cooperative game in TOML or JSON (by extension).
//!
//! ```toml
//! kind = "table"                 # or "weighted_voting", "airport", "bankruptcy"
//! players = ["a", "b", "c"]
//! default = 0.0                  # table only: the value of coalitions not listed
//! [values]                       # table only: members joined by "+"
//! "a" = 0.0
//! "a+b" = 1.0
//! ```
//!
//! `weighted_voting` takes `weights` and `quota`, `airport` takes `costs`, `bankruptcy` takes
//! `claims` and `estate`. Every problem is reported with its key path (and, in TOML, its line
//! and column) before any game is built: an unknown kind, a coalition naming an unknown player,
//! duplicate players, lists of the wrong length, a quota that is not positive, a table that lists
//! the same coalition twice or misses one without a `default`, a table too large to enumerate.
//! Files are read up to [`MAX_GAME_FILE`] bytes, and checked in time linear in their size.

use std::path::Path;

use serde::Deserialize;

use crate::credit::games::{Airport, Bankruptcy, ExplicitGame, WeightedVoting};
use crate::credit::{Game, MAX_ENUMERATED_PLAYERS};
use crate::syntax::error::{InputError, KeyPath, Problem};
use crate::syntax::error::{MAX_MESSAGE, MAX_PATH, clip, problem_from_serde};
use crate::syntax::short;
use crate::syntax::spec::suggest;

/// Largest game file read: 4 MiB, about 300,000 players with their weights — far more than any
/// mechanism but the closed forms can share among, and parsed in about 160 MB (TOML's parser
/// holds about 40 bytes per byte of a long list).
pub const MAX_GAME_FILE: u64 = 4 << 20;

/// A game file as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGameFile {
    /// `table`, `weighted_voting`, `airport` or `bankruptcy`.
    pub kind: Option<String>,
    /// Player names, unique.
    pub players: Option<Vec<String>>,
    /// table: coalition ("a+b") → value.
    pub values: Option<std::collections::BTreeMap<String, f64>>,
    /// table: value of coalitions not listed.
    pub default: Option<f64>,
    /// weighted_voting: weight per player.
    pub weights: Option<Vec<f64>>,
    /// weighted_voting: weight needed to win.
    pub quota: Option<f64>,
    /// airport: cost per player.
    pub costs: Option<Vec<f64>>,
    /// bankruptcy: claim per player.
    pub claims: Option<Vec<f64>>,
    /// bankruptcy: the estate.
    pub estate: Option<f64>,
}

/// The kinds of game file.
pub const KINDS: &[&str] = &["table", "weighted_voting", "airport", "bankruptcy"];

/// A game read from a file, with its players' names.
pub struct LoadedGame {
    /// Player names, in order.
    pub players: Vec<String>,
    /// The game.
    pub game: Box<dyn Game>,
    /// The file's path and text, to place problems found later (the cost of a mechanism).
    source: (std::path::PathBuf, String),
}

impl LoadedGame {
    /// `problems` of this game (found after loading it) as bad input placed in its file.
    pub fn refuse(&self, problems: Vec<Problem>) -> InputError {
        InputError::located(&self.source.0, &self.source.1, problems, &[])
    }
}

/// Reads and validates the game file at `path`.
pub fn load(path: &Path) -> Result<LoadedGame, InputError> {
    let text = crate::syntax::input::read_text(path, MAX_GAME_FILE)?;
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let raw: RawGameFile = if is_json {
        let mut de = serde_json::Deserializer::from_str(&text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let inner = e.inner();
            InputError::At {
                place: format!("{}:{}:{}", path.display(), inner.line(), inner.column()),
                message: {
                    let text = inner.to_string();
                    let what = text
                        .rsplit_once(" at line ")
                        .map_or(text.as_str(), |(w, _)| w);
                    let path = e.path().to_string();
                    format!(
                        "{}: {}",
                        clip(&path, MAX_PATH),
                        clip(what, MAX_MESSAGE - MAX_PATH - 2)
                    )
                },
            }
        })?
    } else {
        // Straight into the raw struct, without a tree of values in between (a tenth of the
        // memory for long lists).
        let de = toml::de::Deserializer::parse(&text)
            .map_err(|e| InputError::syntax(path, &text, &e))?;
        serde_path_to_error::deserialize(de)
            .map_err(|e| InputError::located(path, &text, vec![problem_from_serde(&e)], &[]))?
    };
    let mut loaded =
        validate(&raw).map_err(|problems| InputError::located(path, &text, problems, &[]))?;
    loaded.source = (path.to_path_buf(), text);
    Ok(loaded)
}

fn list_len(
    problems: &mut Vec<Problem>,
    key: &str,
    v: &Option<Vec<f64>>,
    n: usize,
    min: f64,
) -> Vec<f64> {
    let root = KeyPath::root();
    match v {
        None => {
            problems.push(Problem::new(
                root,
                format!("missing key `{key}`: one number per player"),
            ));
            Vec::new()
        }
        Some(list) => {
            if list.len() != n {
                problems.push(Problem::new(
                    root.key(key),
                    format!(
                        "`{key}` has {} entries but there are {n} players",
                        list.len()
                    ),
                ));
            }
            for (i, x) in list.iter().enumerate() {
                if !x.is_finite() || *x < min {
                    problems.push(Problem::new(
                        root.key(key).index(i),
                        format!("expected a number ≥ {min}, found {x}"),
                    ));
                }
            }
            list.clone()
        }
    }
}

/// Checks a raw game file and builds its game.
pub fn validate(raw: &RawGameFile) -> Result<LoadedGame, Vec<Problem>> {
    let kind = kind_of(raw)?;
    let mut p = Vec::new();
    let players = player_names(raw, &mut p);
    let n = players.len();
    unused_keys(raw, kind, &mut p);
    let game: Option<Box<dyn Game>> = match kind {
        "table" => table(raw, &players, &mut p),
        "weighted_voting" => Some(Box::new(weighted_voting(raw, n, &mut p))),
        "airport" => Some(Box::new(Airport {
            costs: list_len(&mut p, "costs", &raw.costs, n, 0.0),
        })),
        "bankruptcy" => Some(Box::new(bankruptcy(raw, n, &mut p))),
        other => {
            p.push(Problem::new(
                KeyPath::root().key("kind"),
                format!("game kind `{other}` is listed but has no arm in gamefile::validate"),
            ));
            None
        }
    };
    match game {
        Some(game) if p.is_empty() => Ok(LoadedGame {
            players,
            game,
            source: Default::default(),
        }),
        _ => Err(p),
    }
}

/// The game's `kind`, one of [`KINDS`].
fn kind_of(raw: &RawGameFile) -> Result<&str, Vec<Problem>> {
    let root = KeyPath::root();
    match raw.kind.as_deref() {
        Some(k) if KINDS.contains(&k) => Ok(k),
        Some(k) => {
            let hint = suggest(k, KINDS.iter().copied())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            Err(vec![Problem::new(
                root.key("kind"),
                format!(
                    "unknown game kind `{k}`{hint} (expected one of `table`, `weighted_voting`, `airport`, `bankruptcy`)"
                ),
            )])
        }
        None => Err(vec![Problem::new(
            root,
            "missing key `kind` (`table`, `weighted_voting`, `airport` or `bankruptcy`)",
        )]),
    }
}

/// The `players`' names: given, non-empty, without `+`, each once.
fn player_names(raw: &RawGameFile, p: &mut Vec<Problem>) -> Vec<String> {
    let root = KeyPath::root();
    let players = raw.players.clone().unwrap_or_default();
    if raw.players.is_none() {
        p.push(Problem::new(
            root.clone(),
            "missing key `players`: the list of player names",
        ));
    }
    let mut names = std::collections::BTreeSet::new();
    for (i, name) in players.iter().enumerate() {
        if name.is_empty() || name.contains('+') {
            p.push(Problem::new(
                root.key("players").index(i),
                format!("player name `{name}` must be non-empty and without `+`"),
            ));
        }
        if !names.insert(name.as_str()) {
            p.push(Problem::new(
                root.key("players").index(i),
                format!("player `{name}` is listed twice"),
            ));
        }
    }
    players
}

/// Keys that belong to other kinds of game are mistakes, not silently ignored.
fn unused_keys(raw: &RawGameFile, kind: &str, p: &mut Vec<Problem>) {
    let root = KeyPath::root();
    let used: &[&str] = match kind {
        "table" => &["values", "default"],
        "weighted_voting" => &["weights", "quota"],
        "airport" => &["costs"],
        "bankruptcy" => &["claims", "estate"],
        _ => &[], // a kind without an arm is refused by `validate`
    };
    let present = [
        ("values", raw.values.is_some()),
        ("default", raw.default.is_some()),
        ("weights", raw.weights.is_some()),
        ("quota", raw.quota.is_some()),
        ("costs", raw.costs.is_some()),
        ("claims", raw.claims.is_some()),
        ("estate", raw.estate.is_some()),
    ];
    for (key, there) in present {
        if there && !used.contains(&key) {
            p.push(Problem::new(
                root.key(key),
                format!(
                    "`{key}` is not used by games of kind `{kind}` (they take {})",
                    used.join(", ")
                ),
            ));
        }
    }
}

/// A weighted voting game's `weights` (one per player) and positive `quota`.
fn weighted_voting(raw: &RawGameFile, n: usize, p: &mut Vec<Problem>) -> WeightedVoting {
    let root = KeyPath::root();
    let weights = list_len(p, "weights", &raw.weights, n, 0.0);
    let quota = match raw.quota {
        Some(q) if q.is_finite() && q > 0.0 => q,
        Some(q) => {
            p.push(Problem::new(
                root.key("quota"),
                format!("the quota must be a positive number, found {q}"),
            ));
            1.0
        }
        None => {
            p.push(Problem::new(
                root.clone(),
                "missing key `quota`: the weight a coalition needs to win",
            ));
            1.0
        }
    };
    if let Some(problem) = quota_problem(&weights, quota) {
        p.push(problem);
    }
    WeightedVoting { weights, quota }
}

/// A bankruptcy game's `claims` (one per player) and `estate` ≥ 0.
fn bankruptcy(raw: &RawGameFile, n: usize, p: &mut Vec<Problem>) -> Bankruptcy {
    let root = KeyPath::root();
    let claims = list_len(p, "claims", &raw.claims, n, 0.0);
    let estate = match raw.estate {
        Some(e) if e.is_finite() && e >= 0.0 => e,
        Some(e) => {
            p.push(Problem::new(
                root.key("estate"),
                format!("the estate must be a number ≥ 0, found {e}"),
            ));
            0.0
        }
        None => {
            p.push(Problem::new(root.clone(), "missing key `estate`"));
            0.0
        }
    };
    Bankruptcy { claims, estate }
}

fn table(raw: &RawGameFile, players: &[String], p: &mut Vec<Problem>) -> Option<Box<dyn Game>> {
    let root = KeyPath::root();
    let n = players.len();
    let values = raw.values.clone().unwrap_or_default();
    if raw.default.is_none() && n > MAX_ENUMERATED_PLAYERS {
        p.push(
            Problem::new(
                root.key("players"),
                format!("a table of {n} players would list 2^{n} coalitions, more than can be enumerated"),
            )
            .help("give a `default` value for the coalitions not listed"),
        );
        return None;
    }
    let index: std::collections::BTreeMap<&str, usize> = players
        .iter()
        .enumerate()
        .map(|(i, x)| (x.as_str(), i))
        .collect();
    let mut coalitions: Vec<(Vec<usize>, f64)> = Vec::new();
    let mut seen: std::collections::BTreeSet<Vec<usize>> = std::collections::BTreeSet::new();
    for (name, &v) in &values {
        let path = root.key("values").key(name);
        let mut members = Vec::new();
        let mut named = std::collections::BTreeSet::new();
        for m in name.split('+').map(str::trim) {
            match index.get(m).copied() {
                Some(i) if named.insert(i) => members.push(i),
                Some(_) => p.push(Problem::new(
                    path.clone(),
                    format!("coalition `{name}` names `{m}` twice"),
                )),
                None => {
                    let hint = suggest(m, players.iter().map(String::as_str))
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    let mut problem = Problem::new(
                        path.clone(),
                        format!("coalition `{name}` names an unknown player `{m}`{hint}"),
                    );
                    problem.at_key = true; // point at the coalition's name
                    p.push(problem);
                }
            }
        }
        members.sort_unstable();
        if !seen.insert(members.clone()) {
            p.push(Problem::new(
                path.clone(),
                format!("coalition `{name}` is listed twice (in another order)"),
            ));
        }
        if !v.is_finite() {
            p.push(Problem::new(
                path,
                format!("expected a finite number, found {v}"),
            ));
        }
        coalitions.push((members, v));
    }
    if raw.default.is_none() && n <= MAX_ENUMERATED_PLAYERS && p.is_empty() {
        let expected = (1u64 << n) - 1;
        if (coalitions.len() as u64) < expected {
            // Name the first missing coalition.
            let listed: std::collections::BTreeSet<u64> = coalitions
                .iter()
                .map(|(m, _)| m.iter().fold(0u64, |a, &i| a | 1 << i))
                .collect();
            if let Some(missing) = (1..=expected).find(|m| !listed.contains(m)) {
                let names: Vec<&str> = (0..n)
                    .filter(|i| missing >> i & 1 == 1)
                    .map(|i| players[i].as_str())
                    .collect();
                p.push(
                    Problem::new(
                        root.key("values"),
                        format!(
                            "the table lists {} of the {expected} non-empty coalitions; `{}` is missing",
                            coalitions.len(),
                            names.join("+")
                        ),
                    )
                    .help("list every coalition, or give a `default` value for the others"),
                );
            }
        }
    }
    Some(Box::new(ExplicitGame::new(
        n,
        &coalitions,
        raw.default.unwrap_or(0.0),
    )))
}

/// Why a weighted voting game's quota cannot be used: above the total weight, no coalition
/// could win. (How much memory its exact power indices need is the mechanisms' cost, checked by
/// `lamas credit` against the budget.)
fn quota_problem(weights: &[f64], quota: f64) -> Option<Problem> {
    let total: f64 = weights.iter().sum();
    (quota > total).then(|| {
        Problem::new(
            KeyPath::root().key("quota"),
            format!(
                "the quota {} is above the total weight {}: no coalition can win",
                short(quota),
                short(total)
            ),
        )
        .help("a quota is at most the sum of the weights")
    })
}
