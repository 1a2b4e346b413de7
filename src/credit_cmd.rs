//! `lamas credit GAME_FILE`: the allocations of one cooperative game by each credit mechanism.
//!
//! Without `--mechanism`, every mechanism that applies is computed: those that need only the game
//! (not claims, quality or ratings), with exact Shapley and Banzhaf only where the game can be
//! enumerated or has a closed form, and the nucleolus only for small games; each one left out
//! for the game's size is named on stderr with the reason. A mechanism asked for
//! by name that cannot apply is bad input (exit code 2) with the mechanism's own reason (it needs
//! facts a game file does not have, or, e.g., exact Shapley on a
//! game too large to enumerate, refused before any memory is allocated, suggesting `shapley_mc`).
//! In the command line, `shapley` and `banzhaf` are exact (no sampling fallback) and plain
//! `shapley_mc` takes its sample count from `--samples`.
//!
//! Before computing anything, each mechanism's cost on the game ([`crate::credit::cost`]) is
//! checked against the work budget (`--max-work`, default [`DEFAULT_MAX_WORK`] steps, for each
//! mechanism and for all of them together) and the memory budget (`--max-memory`, for each);
//! mechanisms over either are bad input, all named at once at the game's `players`, with their
//! estimates, whether they were asked for or are in the default set.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::json;

use crate::command::{Failure, Format, Message};
use crate::credit::{
    Allocation, Banzhaf, Coalition, Cost, CreditError, Facts, MechanismKind, Needs, Shapley,
    ShapleyMc,
};
use crate::gamefile::{self, LoadedGame};
use crate::report::digits::sig4;
use crate::rng::stream;
use crate::scenario::cost::{budget, human};
use crate::syntax::error::{KeyPath, Problem};

/// The default work budget of one `lamas credit`: 10^10 steps, 6 to 16 s on one core.
pub const DEFAULT_MAX_WORK: f64 = 1e10;

fn bad(msg: String) -> Failure {
    Failure::Input(Box::new(Message(msg)))
}

/// The mechanism as the command line runs it.
fn for_cli(kind: MechanismKind, text: &str, samples: u32) -> MechanismKind {
    match kind {
        MechanismKind::Shapley(_) => MechanismKind::Shapley(Shapley {
            limit: 28,
            fallback_samples: None,
        }),
        MechanismKind::Banzhaf(_) => MechanismKind::Banzhaf(Banzhaf {
            limit: 28,
            fallback_samples: None,
        }),
        MechanismKind::ShapleyMc(m) if !text.contains('(') => MechanismKind::ShapleyMc(ShapleyMc {
            samples,
            antithetic: m.antithetic,
        }),
        k => k,
    }
}

/// Runs the command.
pub fn run(
    path: &Path,
    requested: &[String],
    samples: u32,
    seed: u64,
    max_work: f64,
    format: Format,
) -> Result<(), Failure> {
    let loaded = gamefile::load(path)?;
    if samples < 2 {
        return Err(bad(format!(
            "--samples must be at least 2, found {samples}"
        )));
    }
    let explicit = !requested.is_empty();
    let list: Vec<(String, MechanismKind)> = if explicit {
        requested
            .iter()
            .map(|t| {
                MechanismKind::parse(t)
                    .map(|k| (t.clone(), for_cli(k, t, samples)))
                    .map_err(|e| bad(format!("--mechanism {t}: {e}")))
            })
            .collect::<Result<_, _>>()?
    } else {
        MechanismKind::all()
            .into_iter()
            .filter(|k| k.mechanism().needs() == Needs::Game)
            .map(|k| (k.mechanism().name().to_string(), for_cli(k, "", samples)))
            .collect()
    };
    check_costs(&loaded, &list, samples, max_work)?;
    let game = loaded.game.as_ref();
    let n = game.players();
    let mut results: Vec<(String, Allocation)> = Vec::new();
    let mut left_out: Vec<String> = Vec::new();
    for (label, kind) in list {
        let m = kind.mechanism();
        let mut rng = stream(seed, &format!("credit/{}", m.name()));
        match m.allocate(game, &Facts::default(), &mut rng) {
            Ok(a) => results.push((label, without_negative_zeros(a))),
            Err(e @ (CreditError::TooLarge { .. } | CreditError::NotApplicable { .. }))
                if explicit =>
            {
                return Err(bad(format!("`{label}`: {e}")));
            }
            // Does not apply to a game this large: said on stderr, the table stays parseable.
            Err(e @ CreditError::TooLarge { .. }) => left_out.push(format!("`{label}`: {e}")),
            Err(e) => return Err(Failure::Run(format!("`{label}`: {e}"))),
        }
    }
    let grand = game.value(&Coalition::all(n));
    print!("{}", render(&loaded.players, grand, &results, format));
    for why in left_out {
        eprintln!("note: left out {why}");
    }
    Ok(())
}

/// `a` with every -0 written as 0 (adding +0 does exactly that).
fn without_negative_zeros(mut a: Allocation) -> Allocation {
    let fix = |xs: &mut Vec<f64>| xs.iter_mut().for_each(|x| *x += 0.0);
    fix(&mut a.shares);
    a.std_errors.as_mut().map(fix);
    a.raw.as_mut().map(fix);
    a
}

/// Refuses the game if any mechanism of `list` needs more than `max_work` steps or more memory
/// than the budget, or if together they need more than `max_work` steps (they run one after
/// the other, so their memory does not add up), naming each with its estimate.
fn check_costs(
    loaded: &LoadedGame,
    list: &[(String, MechanismKind)],
    samples: u32,
    max_work: f64,
) -> Result<(), Failure> {
    let game = loaded.game.as_ref();
    let (memory, n) = (budget(), game.players());
    let costs: Vec<(String, Cost)> = list
        .iter()
        .map(|(label, kind)| {
            let sampled = matches!(kind, MechanismKind::ShapleyMc(_)) && !label.contains('(');
            let with = if sampled {
                format!(" with --samples {samples}")
            } else {
                String::new()
            };
            (format!("`{label}`{with}"), kind.mechanism().cost(game))
        })
        .collect();
    let work = |steps: f64| {
        format!(
            "about {steps:.1e} steps, more than the work budget of {max_work:.1e} steps (--max-work)"
        )
    };
    let mut over: Vec<String> = costs
        .iter()
        .filter_map(|(what, c)| {
            if c.steps > max_work {
                Some(format!("{what} on this game of {n} players needs {}", work(c.steps)))
            } else if c.bytes > memory as f64 {
                let bytes = human(c.bytes.min(u64::MAX as f64) as u64);
                Some(format!(
                    "{what} on this game of {n} players needs about {bytes}, more than the memory budget of {} (--max-memory)",
                    human(memory)
                ))
            } else {
                None
            }
        })
        .collect();
    let total: f64 = costs.iter().map(|(_, c)| c.steps).sum();
    if over.is_empty() && total > max_work {
        let parts: Vec<String> = costs
            .iter()
            .map(|(what, c)| format!("{what}: {:.1e}", c.steps))
            .collect();
        over.push(format!(
            "the {} mechanisms together need {} ({})",
            costs.len(),
            work(total),
            parts.join(", ")
        ));
    }
    if over.is_empty() {
        return Ok(());
    }
    let help = "ask for the mechanisms that fit with --mechanism (e.g. `equal`, or `shapley_mc` with fewer --samples), or raise the budget (e.g. --max-work 1e12) to wait for it";
    let problems = over
        .into_iter()
        .map(|m| Problem::new(KeyPath::root().key("players"), m).help(help))
        .collect();
    Err(Failure::Input(Box::new(loaded.refuse(problems))))
}

fn render(
    players: &[String],
    grand: f64,
    results: &[(String, Allocation)],
    format: Format,
) -> String {
    match format {
        Format::Json => {
            let per_player = |xs: &[f64]| -> BTreeMap<String, f64> {
                players.iter().cloned().zip(xs.iter().copied()).collect()
            };
            let allocations: BTreeMap<&str, _> = results
                .iter()
                .map(|(l, a)| (l.as_str(), per_player(&a.shares)))
                .collect();
            let errors: BTreeMap<&str, _> = results
                .iter()
                .filter_map(|(l, a)| a.std_errors.as_ref().map(|se| (l.as_str(), per_player(se))))
                .collect();
            let raw: BTreeMap<&str, _> = results
                .iter()
                .filter_map(|(l, a)| a.raw.as_ref().map(|r| (l.as_str(), per_player(r))))
                .collect();
            let v = json!({
                "players": players,
                "grand_value": grand,
                "allocations": allocations,
                "standard_errors": errors,
                "raw": raw,
            });
            format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
        }
        Format::Csv | Format::Table => {
            let mut header = vec!["player".to_string()];
            let mut columns: Vec<&[f64]> = Vec::new();
            for (l, a) in results {
                header.push(l.clone());
                columns.push(&a.shares);
                if let Some(se) = &a.std_errors {
                    header.push(format!("{l}_se"));
                    columns.push(se);
                }
                if let Some(raw) = &a.raw {
                    header.push(format!("{l}_raw"));
                    columns.push(raw);
                }
            }
            // People read four significant digits; CSV (like JSON) keeps every digit.
            let number = |v: f64| {
                if format == Format::Csv {
                    format!("{v}")
                } else {
                    sig4(v)
                }
            };
            let rows: Vec<Vec<String>> = players
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    std::iter::once(p.clone())
                        .chain(columns.iter().map(|c| number(c[i])))
                        .collect()
                })
                .collect();
            if format == Format::Csv {
                let mut s = header.join(",") + "\n";
                for r in rows {
                    s += &(r.join(",") + "\n");
                }
                s
            } else {
                aligned(&sig4(grand), &header, &rows)
            }
        }
    }
}

/// Widest cell of the aligned table, in characters; a longer name is cut with `…` (JSON and CSV
/// keep it whole).
pub const MAX_CELL: usize = 40;

/// `text` cut to [`MAX_CELL`] characters.
fn cell(text: &str) -> String {
    if text.chars().count() <= MAX_CELL {
        text.to_string()
    } else {
        text.chars().take(MAX_CELL - 1).chain(['…']).collect()
    }
}

/// The table for people: the grand value, then header and rows right-aligned in columns.
fn aligned(grand: &str, header: &[String], rows: &[Vec<String>]) -> String {
    let cut = |r: &[String]| r.iter().map(|c| cell(c)).collect::<Vec<_>>();
    let header = cut(header);
    let rows: Vec<Vec<String>> = rows.iter().map(|r| cut(r)).collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|j| {
            rows.iter()
                .chain([&header])
                .map(|r| r[j].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| " ".repeat(w - c.chars().count()) + c)
            .collect::<Vec<_>>()
            .join("  ")
            + "\n"
    };
    let mut s = format!("grand value v(N) = {grand}\n");
    s += &line(&header);
    for r in &rows {
        s += &line(r);
    }
    s
}
