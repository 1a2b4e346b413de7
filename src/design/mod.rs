//! Designs of experiments: the points at which an experiment runs its base scenario when a grid
//! would be too large, and what sensitivity analysis needs to know about them.
//!
//! A design has factors (scenario key paths, each with a [`range::Range`]) and a kind:
//!
//! - `lhs`: a Latin hypercube of n points ([`lhs`]);
//! - `sobol`: Saltelli's design of N (k + 2) points for Sobol indices ([`saltelli`]);
//! - `morris`: r trajectories of k + 1 points for elementary effects ([`morris`]);
//! - `file`: the rows of a CSV or parquet file made elsewhere, one column per key path
//!   ([`samples`]).
//!
//! Generated kinds draw points in the unit hypercube from the experiment's seed and map each
//! coordinate onto its factor's range; each point is then a cell of the experiment, with its
//! replicates and seeds exactly like a grid cell. [`Design::check_size`] refuses sizes that cannot
//! give meaningful indices, naming the smallest valid one.

pub mod lhs;
pub mod morris;
pub mod range;
pub mod saltelli;
pub mod samples;

use serde::{Deserialize, Serialize};

use crate::syntax::param::ParamValue;
pub use range::Range;

/// The kinds of design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Latin hypercube.
    Lhs,
    /// Saltelli's design, for Sobol indices.
    Sobol,
    /// Morris trajectories, for elementary effects.
    Morris,
    /// Samples from a file.
    File,
}

impl Kind {
    /// The sensitivity indices the kind's points give (in the order they are written), none for
    /// `lhs` and `file`: what [`crate::sensitivity`] estimates and `sensitivity.csv` holds.
    pub fn indices(self) -> &'static [&'static str] {
        match self {
            Kind::Sobol => &["S1", "ST"],
            Kind::Morris => &["mu_star", "mu", "sigma"],
            Kind::Lhs | Kind::File => &[],
        }
    }

    /// Every kind, by name.
    pub const ALL: [(&'static str, Kind); 4] = [
        ("lhs", Kind::Lhs),
        ("sobol", Kind::Sobol),
        ("morris", Kind::Morris),
        ("file", Kind::File),
    ];

    /// The kind's name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("lhs", |(n, _)| n)
    }
}

/// One factor of a design: the scenario key it sets and its range (none for a `file` design,
/// whose values are given).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    /// The scenario key path.
    pub key: String,
    /// The range its values are drawn from.
    pub range: Option<Range>,
}

/// The default number of bootstrap resamples of the sensitivity indices.
pub const BOOTSTRAP: u32 = 1000;
/// The default number of levels of a Morris grid.
pub const LEVELS: u32 = 4;
/// The fewest base samples of a Sobol design.
pub const MIN_SOBOL: usize = 64;
/// The fewest Morris trajectories.
pub const MIN_TRAJECTORIES: usize = 4;

/// A validated design.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Design {
    /// The kind.
    pub kind: Kind,
    /// The factors, in the order written (`file`: in the file's column order).
    pub factors: Vec<Factor>,
    /// Points (`lhs`), base samples N (`sobol`), trajectories (`morris`) or rows (`file`).
    pub samples: usize,
    /// Levels of the Morris grid.
    pub levels: u32,
    /// Bootstrap resamples for the intervals of the indices.
    pub bootstrap: u32,
    /// The seed the points and the bootstrap are drawn from (the experiment's).
    pub seed: u64,
    /// The samples file as named (`file`).
    pub file: Option<String>,
}

impl Design {
    /// The number of factors.
    pub fn k(&self) -> usize {
        self.factors.len()
    }

    /// The number of points (cells) of the design.
    pub fn points(&self) -> usize {
        points(self.kind, self.samples, self.k())
    }

    /// The points in the unit hypercube, in cell order (none for `file`).
    pub fn unit_points(&self) -> Vec<Vec<f64>> {
        let (n, k) = (self.samples, self.k());
        match self.kind {
            Kind::Lhs => lhs::points(self.seed, n, k),
            Kind::Sobol => saltelli::points(self.seed, n, k),
            Kind::Morris => morris::trajectories(self.seed, n, k, self.levels).0,
            Kind::File => Vec::new(),
        }
    }

    /// The factors' values at each point, in cell order (none for `file`).
    pub fn values(&self) -> Vec<Vec<ParamValue>> {
        let ranges: Vec<&Range> = self
            .factors
            .iter()
            .filter_map(|f| f.range.as_ref())
            .collect();
        self.unit_points()
            .into_iter()
            .map(|u| ranges.iter().zip(u).map(|(r, x)| r.value(x)).collect())
            .collect()
    }

    /// The steps of each Morris trajectory.
    pub fn morris_steps(&self) -> Vec<Vec<morris::Step>> {
        morris::trajectories(self.seed, self.samples, self.k(), self.levels).1
    }
}

/// The number of points of a design of `kind` with `n` samples over `k` factors.
pub fn points(kind: Kind, n: usize, k: usize) -> usize {
    match kind {
        Kind::Lhs | Kind::File => n,
        Kind::Sobol => n.saturating_mul(k + 2),
        Kind::Morris => n.saturating_mul(k + 1),
    }
}

/// Whether `n` samples over `k` factors (and `levels`, for Morris) can give meaningful results
/// with a design of `kind`; else why not, with the smallest valid size.
pub fn check_size(kind: Kind, n: usize, k: usize, levels: u32) -> Result<(), String> {
    match kind {
        Kind::Sobol => {
            if k > saltelli::MAX_FACTORS {
                return Err(format!(
                    "a sobol design takes at most {} factors (the Sobol sequence has 256 dimensions, two per factor), found {k}",
                    saltelli::MAX_FACTORS
                ));
            }
            let least = MIN_SOBOL.max((2 * k).next_power_of_two());
            if n < least || !n.is_power_of_two() || n > saltelli::MAX_N {
                let why = if n.is_power_of_two() || n > saltelli::MAX_N {
                    ""
                } else {
                    " a Sobol sequence is balanced only over a power of two of points;"
                };
                let size = if n > saltelli::MAX_N {
                    saltelli::MAX_N
                } else {
                    n.max(least).next_power_of_two()
                };
                return Err(format!(
                    "a sobol design needs `samples` to be a power of two from {least} to {} for {k} factors, found {n};{why} the nearest valid size is {size} ({} points)",
                    saltelli::MAX_N,
                    points(kind, size, k)
                ));
            }
            Ok(())
        }
        Kind::Morris => {
            if levels < 2 || levels % 2 == 1 || levels > 64 {
                return Err(format!(
                    "a morris design needs an even number of `levels` from 2 to 64, found {levels}"
                ));
            }
            if n < MIN_TRAJECTORIES {
                return Err(format!(
                    "a morris design needs at least {MIN_TRAJECTORIES} trajectories to estimate σ and an interval for μ*, found {n}; the smallest valid size is {MIN_TRAJECTORIES} ({} points)",
                    points(kind, MIN_TRAJECTORIES, k)
                ));
            }
            Ok(())
        }
        Kind::Lhs => {
            if n < 2 {
                return Err(format!(
                    "a latin hypercube needs at least 2 points, found {n}"
                ));
            }
            Ok(())
        }
        Kind::File => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::{Kind, check_size};

    #[test]
    fn sizes_that_cannot_work_are_refused_with_the_nearest_valid_one() {
        assert!(check_size(Kind::Sobol, 64, 3, 4).is_ok());
        let e = check_size(Kind::Sobol, 100, 3, 4).unwrap_err();
        assert!(
            e.contains("power of two") && e.contains("nearest valid size is 128"),
            "{e}"
        );
        let e = check_size(Kind::Sobol, 32, 3, 4).unwrap_err();
        assert!(e.contains("nearest valid size is 64 (320 points)"), "{e}");
        let e = check_size(Kind::Sobol, 64, 40, 4).unwrap_err();
        assert!(e.contains("from 128") && e.contains("size is 128"), "{e}");
        assert!(
            check_size(Kind::Sobol, 64, 129, 4)
                .unwrap_err()
                .contains("at most 128")
        );
        assert!(
            check_size(Kind::Morris, 3, 5, 4)
                .unwrap_err()
                .contains("smallest valid size is 4 (24 points)")
        );
        assert!(
            check_size(Kind::Morris, 10, 5, 5)
                .unwrap_err()
                .contains("even")
        );
        assert!(check_size(Kind::Lhs, 1, 5, 4).is_err());
    }
}
