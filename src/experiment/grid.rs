//! The grid of an experiment: axes, the cells they span, the runs of each cell and their seeds.
//!
//! Cells are the full factorial product of the axes in the order they are written, the first
//! axis varying slowest; a zipped axis contributes one position per value index, setting all its
//! keys at once. Runs are numbered cell-major: run `k` is replicate `k mod R` of cell `k div R`.
//! `--shard I/N` takes the runs with `k mod N = I` (interleaved, so that slow cells spread over
//! shards). Each run's seed is a pure function of (base seed, cell parameters, replicate):
//! see [`run_seed`].

use std::fmt;

use serde::{Deserialize, Serialize};

pub use crate::syntax::param::ParamValue;
use sha2::{Digest, Sha256};

/// One axis of the grid: one key (a factorial axis) or several that vary together (a zipped
/// axis). `values[k][i]` is the i-th value of key k.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Axis {
    /// The scenario key paths it sets.
    pub keys: Vec<String>,
    /// The values of each key, all of the same length.
    pub values: Vec<Vec<ParamValue>>,
}

impl Axis {
    /// Number of positions along the axis.
    pub fn len(&self) -> usize {
        self.values.first().map_or(0, Vec::len)
    }

    /// Whether the axis has no position (never true of a validated axis).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One cell of the grid: a value for every swept key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// Position of the cell in the grid (0-based).
    pub index: u32,
    /// (key path, value) for every key of every axis, in axis order.
    pub params: Vec<(String, ParamValue)>,
    /// Position along each axis.
    pub position: Vec<usize>,
}

impl Cell {
    /// The cell's key: `key=value` lines sorted by key, values in canonical form.
    pub fn key(&self) -> String {
        let mut pairs: Vec<String> = self
            .params
            .iter()
            .map(|(k, v)| format!("{k}={}", v.canonical()))
            .collect();
        pairs.sort();
        pairs.join("\n")
    }

    /// The value of a swept key in this cell.
    pub fn get(&self, key: &str) -> Option<&ParamValue> {
        self.params.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// `key = value, ...` for messages.
    pub fn describe(&self) -> String {
        if self.params.is_empty() {
            return "the base scenario".into();
        }
        self.params
            .iter()
            .map(|(k, v)| format!("{k} = {}", v.canonical()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The cells spanned by `axes`, first axis slowest. No axes: one cell, the base scenario.
pub fn cells(axes: &[Axis]) -> Vec<Cell> {
    let total: usize = axes.iter().map(Axis::len).product();
    (0..total)
        .map(|index| {
            let mut rest = index;
            let mut position = vec![0; axes.len()];
            for (a, axis) in axes.iter().enumerate().rev() {
                position[a] = rest % axis.len();
                rest /= axis.len();
            }
            let params = axes
                .iter()
                .zip(&position)
                .flat_map(|(axis, &p)| {
                    axis.keys
                        .iter()
                        .zip(&axis.values)
                        .map(move |(k, vs)| (k.clone(), vs[p].clone()))
                })
                .collect();
            Cell {
                index: index as u32,
                params,
                position,
            }
        })
        .collect()
}

/// How run seeds depend on cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedScheme {
    /// Every (cell, replicate) has its own seed.
    Independent,
    /// All cells share the seed of a replicate (common random numbers).
    Common,
}

/// The seed of replicate `replicate` of the cell whose key is `cell_key` ([`Cell::key`]):
/// the first 8 bytes, little-endian, of
/// `SHA-256("lamas/run-seed/v1" ‖ 0x00 ‖ base_seed as 8 bytes LE ‖ cell_key ‖ 0x00 ‖
/// replicate as 4 bytes LE)`, where `cell_key` is empty under [`SeedScheme::Common`].
/// A seed depends on the cell's parameters, not its position, so adding values to an axis does
/// not change the seeds of the cells that were already there.
pub fn run_seed(base_seed: u64, scheme: SeedScheme, cell_key: &str, replicate: u32) -> u64 {
    let mut h = Sha256::new();
    h.update(b"lamas/run-seed/v1\0");
    h.update(base_seed.to_le_bytes());
    if scheme == SeedScheme::Independent {
        h.update(cell_key.as_bytes());
    }
    h.update([0u8]);
    h.update(replicate.to_le_bytes());
    let d = h.finalize();
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_le_bytes(b)
}

/// One run of a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RunId {
    /// The cell.
    pub cell: u32,
    /// The replicate (0-based).
    pub replicate: u32,
}

impl RunId {
    /// The file stem of the run's record, e.g. `c000003-r0001`.
    pub fn stem(&self) -> String {
        format!("c{:06}-r{:04}", self.cell, self.replicate)
    }
}

/// A slice `index` of `count` of a sweep's runs (`--shard I/N`, 0 ≤ I < N).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// I.
    pub index: u32,
    /// N.
    pub count: u32,
}

impl Shard {
    /// The whole sweep.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Parses `I/N`.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not of the form I/N, e.g. `0/4`"))?;
        let i: u32 = i
            .trim()
            .parse()
            .map_err(|_| format!("`{i}` in `{text}` is not a shard index"))?;
        let n: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("`{n}` in `{text}` is not a shard count"))?;
        if n == 0 || i >= n {
            return Err(format!(
                "shard `{text}`: need 0 ≤ I < N (shards are numbered from 0, as Slurm's \
                 SLURM_ARRAY_TASK_ID with --array=0-{})",
                n.max(1) - 1
            ));
        }
        Ok(Shard { index: i, count: n })
    }

    /// Whether run number `k` (cell-major) belongs to this shard.
    pub fn owns(&self, k: u64) -> bool {
        k % u64::from(self.count) == u64::from(self.index)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The runs of `cells` × `replicates` that belong to `shard`, in run order.
pub fn runs(cells: usize, replicates: u32, shard: Shard) -> Vec<RunId> {
    let r = u64::from(replicates);
    (0..cells as u64 * r)
        .filter(|&k| shard.owns(k))
        .map(|k| RunId {
            cell: (k / r) as u32,
            replicate: (k % r) as u32,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(key: &str, values: &[i64]) -> Axis {
        Axis {
            keys: vec![key.into()],
            values: vec![values.iter().map(|&v| ParamValue::Int(v)).collect()],
        }
    }

    #[test]
    fn cells_are_the_factorial_product_first_axis_slowest() {
        let zipped = Axis {
            keys: vec!["p".into(), "q".into()],
            values: vec![
                vec![ParamValue::Int(1), ParamValue::Int(2)],
                vec![ParamValue::Float(0.5), ParamValue::Float(0.25)],
            ],
        };
        let cs = cells(&[axis("a", &[10, 20, 30]), zipped]);
        assert_eq!(cs.len(), 6);
        let show: Vec<String> = cs.iter().map(Cell::describe).collect();
        assert_eq!(show[0], "a = 10, p = 1, q = 0.5");
        assert_eq!(show[1], "a = 10, p = 2, q = 0.25");
        assert_eq!(show[2], "a = 20, p = 1, q = 0.5");
        assert_eq!(show[5], "a = 30, p = 2, q = 0.25");
        assert_eq!(cs[5].position, vec![2, 1]);
        assert_eq!(cells(&[]).len(), 1);
    }

    #[test]
    fn shards_partition_the_runs() {
        let all = runs(7, 3, Shard::ALL);
        assert_eq!(all.len(), 21);
        let mut union: Vec<RunId> = (0..4)
            .flat_map(|i| runs(7, 3, Shard { index: i, count: 4 }))
            .collect();
        union.sort();
        assert_eq!(union, all);
        assert_eq!(Shard::parse("1/4"), Ok(Shard { index: 1, count: 4 }));
        for bad in ["4/4", "1", "x/2", "0/0"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn seeds_are_stable_and_depend_on_what_they_should() {
        // Golden values (computed independently with Python's hashlib): changing the function
        // changes every published result.
        assert_eq!(
            run_seed(1, SeedScheme::Independent, "a=1", 0),
            6020105426218133873
        );
        assert_eq!(
            run_seed(1, SeedScheme::Common, "a=1", 3),
            4429611579235785101
        );
        let s = run_seed(1, SeedScheme::Independent, "a=1", 0);
        assert_ne!(s, run_seed(1, SeedScheme::Independent, "a=2", 0));
        assert_ne!(s, run_seed(1, SeedScheme::Independent, "a=1", 1));
        assert_ne!(s, run_seed(2, SeedScheme::Independent, "a=1", 0));
        assert_eq!(
            run_seed(1, SeedScheme::Common, "a=1", 3),
            run_seed(1, SeedScheme::Common, "a=2", 3)
        );
        // The cell key does not depend on the order of the axes.
        let c1 = Cell {
            index: 0,
            params: vec![
                ("b".into(), ParamValue::Int(1)),
                ("a".into(), ParamValue::Str("x".into())),
            ],
            position: vec![],
        };
        let c2 = Cell {
            index: 4,
            params: vec![
                ("a".into(), ParamValue::Str("x".into())),
                ("b".into(), ParamValue::Int(1)),
            ],
            position: vec![],
        };
        assert_eq!(c1.key(), c2.key());
        assert_eq!(c1.key(), "a=\"x\"\nb=1");
    }
}
