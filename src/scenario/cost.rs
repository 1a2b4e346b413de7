//! The cost model: the memory a run needs, estimated from its scenario before anything is
//! allocated, and refused when it exceeds the memory budget.
//!
//! A run holds its agents, one time-series row per tick, the tasks in flight, and the agents
//! that enter by adaptation. Each term is a count from the scenario times a size per item
//! measured as peak resident memory with `/usr/bin/time -v` (see the constants), rounded up.
//! Tasks in flight count the arrivals of `deadline + 1` ticks at the Poisson rate plus six
//! standard deviations; entrants the same over the run. The budget is a quarter of the memory
//! the process may use ([`default_budget`]: the machine's, or a control group's or
//! `ulimit -v`'s limit when lower) unless `--max-memory` says otherwise. A scenario over budget
//! is bad input, placed at the key of its largest term, before the run allocates anything.

use super::Scenario;
use crate::syntax::error::{KeyPath, Problem};

/// Peak bytes per agent of a running world, with room: measured 458 MB peak for 10⁶ agents of
/// `scenarios/tiny.toml` (about 450 B each), and 514–928 B held per agent by a new world of the
/// bench's team with 4 domains (`benches/ticks.rs`).
pub const AGENT_BYTES: u64 = 1_024;
/// Bytes of one time-series row (ten counters and the shares and payoffs per strategy).
pub const TICK_BYTES: u64 = 256;
/// Bytes of a subtask in flight, without its slots (measured: 4.0 GB peak for about 1.4·10⁷
/// subtasks in flight, `tasks.arrival_rate = 1000000` in `scenarios/tiny.toml`: about 290 B
/// each with one slot).
pub const SUBTASK_BYTES: u64 = 256;
/// Bytes of one slot (assignment) of a subtask in flight.
pub const SLOT_BYTES: u64 = 64;
/// Bytes the process needs whatever the scenario (code, allocator, buffers).
pub const BASE_BYTES: u64 = 64 << 20;

/// One term of an estimate: the key that drives it, what it counts, and its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// The key to lower to shrink the term.
    pub key: KeyPath,
    /// What is counted, e.g. `10000000 agents`.
    pub what: String,
    /// Bytes.
    pub bytes: u64,
}

/// A Poisson count's high end: the mean plus six standard deviations.
fn high(rate: f64) -> f64 {
    rate + 6.0 * rate.sqrt()
}

fn bytes(x: f64) -> u64 {
    if x.is_finite() && x < u64::MAX as f64 {
        x.ceil() as u64
    } else {
        u64::MAX
    }
}

/// The terms of the memory a run of `sc` needs.
pub fn run_terms(sc: &Scenario) -> Vec<Term> {
    let root = KeyPath::root();
    let agents = u64::from(sc.population());
    let t = &sc.tasks;
    let in_flight = high(t.arrival_rate) * f64::from(t.deadline + 1) * f64::from(t.subtasks);
    let per_subtask = SUBTASK_BYTES + SLOT_BYTES * u64::from(sc.assignment.redundancy);
    let mut terms = vec![
        Term {
            key: root.key("population"),
            what: format!("{agents} agents × {AGENT_BYTES} B"),
            bytes: agents.saturating_mul(AGENT_BYTES),
        },
        Term {
            key: root.key("ticks"),
            what: format!("{} ticks of time series × {TICK_BYTES} B", sc.ticks),
            bytes: u64::from(sc.ticks).saturating_mul(TICK_BYTES),
        },
        Term {
            key: root.key("tasks").key("arrival_rate"),
            what: format!("about {in_flight:.0} subtasks in flight × {per_subtask} B"),
            bytes: bytes(in_flight * per_subtask as f64),
        },
    ];
    if let Some(a) = sc.adaptation.as_ref().filter(|a| a.entry_rate > 0.0) {
        let rounds = f64::from(sc.ticks / a.every.max(1));
        let entrants = high(a.entry_rate * rounds);
        terms.push(Term {
            key: root.key("adaptation").key("entry_rate"),
            what: format!("about {entrants:.0} entrants × {AGENT_BYTES} B"),
            bytes: bytes(entrants * AGENT_BYTES as f64),
        });
    }
    terms
}

/// The total of `terms`, with the process's base.
pub fn total(terms: &[Term]) -> u64 {
    terms
        .iter()
        .fold(BASE_BYTES, |s, t| s.saturating_add(t.bytes))
}

/// `n` bytes for people: `9.5 GiB`, `640 MiB`, `12 KiB`.
pub fn human(n: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut x = n as f64;
    let mut u = 0;
    while x >= 1024.0 && u + 1 < units.len() {
        x /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{x:.1} {}", units[u])
    }
}

/// Parses a memory size: a number of bytes, or with a suffix `K`, `M`, `G`, `T` (powers of
/// 1024; `KiB`, `GB`, ... accepted alike).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("expected a size such as 64G or 512M, found `{text}`"))?;
    let shift = match unit
        .trim()
        .to_ascii_uppercase()
        .trim_end_matches("IB")
        .trim_end_matches('B')
    {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => return Err(format!("unknown unit in `{text}`: use K, M, G or T")),
    };
    let v = n * (1u64 << shift) as f64;
    if !(v >= 1.0 && v < u64::MAX as f64) {
        return Err(format!(
            "expected a size of at least 1 byte, found `{text}`"
        ));
    }
    Ok(v as u64)
}

static BUDGET: std::sync::OnceLock<u64> = std::sync::OnceLock::new();

/// Sets the memory budget of this process (`--max-memory`); the first call wins.
pub fn set_budget(bytes: u64) {
    let _ = BUDGET.set(bytes);
}

/// The memory budget: `--max-memory`, else [`default_budget`].
pub fn budget() -> u64 {
    *BUDGET.get_or_init(default_budget)
}

/// The default budget: a quarter of the memory this process may use — the machine's
/// (`MemTotal`), or less under a control group's limit (cgroup v2 `memory.max`, v1
/// `memory.limit_in_bytes`) or an address-space limit (`ulimit -v`) — so that a sweep, a notebook
/// and the system fit beside a run; 1 GiB when none can be read.
pub fn default_budget() -> u64 {
    [mem_total(), cgroup_limit(), address_space_limit()]
        .into_iter()
        .flatten()
        .min()
        .map_or(1 << 30, |bytes| bytes / 4)
}

/// `MemTotal` of `/proc/meminfo`, in bytes.
fn mem_total() -> Option<u64> {
    let m = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kb = m.lines().find(|l| l.starts_with("MemTotal:"))?;
    Some(kb.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
}

/// The memory limit of this process's control group, if it has one.
fn cgroup_limit() -> Option<u64> {
    let groups = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let mut files = Vec::new();
    for line in groups.lines() {
        let mut parts = line.splitn(3, ':');
        let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
        if controllers.is_empty() {
            files.push(format!("/sys/fs/cgroup{path}/memory.max"));
        } else if controllers.split(',').any(|c| c == "memory") {
            files.push(format!("/sys/fs/cgroup/memory{path}/memory.limit_in_bytes"));
        }
    }
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok()?.trim().parse::<u64>().ok())
        .filter(|&b| b < 1 << 60) // "no limit" is written as max or a huge number
        .min()
}

/// The soft address-space limit of this process (`Max address space` of `/proc/self/limits`).
fn address_space_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max address space"))?;
    line.trim_start_matches("Max address space")
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The problem of a scenario whose run needs more than `budget` bytes (`jobs` runs at once), at
/// the key of its largest term; `None` when it fits.
pub fn over_budget(sc: &Scenario, budget: u64, jobs: usize) -> Option<Problem> {
    let terms = run_terms(sc);
    let need = total(&terms).saturating_mul(jobs.max(1) as u64);
    if need <= budget {
        return None;
    }
    let largest = terms.iter().max_by_key(|t| t.bytes)?;
    let parts: Vec<String> = terms
        .iter()
        .filter(|t| t.bytes > 0)
        .map(|t| format!("{}: {}", t.what, human(t.bytes)))
        .collect();
    let runs = if jobs > 1 {
        format!(" for {jobs} runs at once")
    } else {
        String::new()
    };
    Some(
        Problem::new(
            largest.key.clone(),
            format!(
                "this run needs about {}{runs} ({}), more than the memory budget of {}",
                human(need),
                parts.join("; "),
                human(budget)
            ),
        )
        .help("lower this value, or raise the budget with --max-memory (e.g. --max-memory 64G) on a machine that has the memory"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_print() {
        assert_eq!(parse_size("64G").unwrap(), 64 << 30);
        assert_eq!(parse_size("512MiB").unwrap(), 512 << 20);
        assert_eq!(parse_size("1.5k").unwrap(), 1536);
        assert_eq!(parse_size("4096").unwrap(), 4096);
        assert!(
            parse_size("lots").is_err() && parse_size("0").is_err() && parse_size("5X").is_err()
        );
        assert_eq!(human(10 * (1 << 30) + (1 << 29)), "10.5 GiB");
        assert_eq!(human(12), "12 B");
    }
}
