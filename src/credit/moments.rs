//! Running means and standard errors of sampled allocations (Welford's algorithm, which stays
//! accurate when the variance is small next to the mean).

/// Per player: the mean of the observations so far and the sum of squared deviations.
#[derive(Debug, Clone)]
pub(super) struct Moments {
    mean: Vec<f64>,
    m2: Vec<f64>,
    count: f64,
}

impl Moments {
    /// No observations of `n` players yet.
    pub(super) fn new(n: usize) -> Self {
        Moments {
            mean: vec![0.0; n],
            m2: vec![0.0; n],
            count: 0.0,
        }
    }

    /// Adds one observation per player.
    pub(super) fn push(&mut self, x: &[f64]) {
        self.count += 1.0;
        for ((m, s), &xi) in self.mean.iter_mut().zip(&mut self.m2).zip(x) {
            let delta = xi - *m;
            *m += delta / self.count;
            *s += delta * (xi - *m);
        }
    }

    /// The means and their standard errors `sd / sqrt(count)` (NaN with fewer than two
    /// observations).
    pub(super) fn finish(self) -> (Vec<f64>, Vec<f64>) {
        let c = self.count;
        let se = self
            .m2
            .iter()
            .map(|s| {
                if c > 1.0 {
                    (s / (c - 1.0) / c).sqrt()
                } else {
                    f64::NAN
                }
            })
            .collect();
        (self.mean, se)
    }
}

#[cfg(test)]
mod tests {
    use super::Moments;

    #[test]
    fn mean_and_standard_error_by_hand() {
        // Observations 1, 2, 3, 4: mean 2.5, sample variance 5/3, se = sqrt(5/3 / 4).
        let mut m = Moments::new(1);
        for x in [1.0, 2.0, 3.0, 4.0] {
            m.push(&[x]);
        }
        let (mean, se) = m.finish();
        assert!((mean[0] - 2.5).abs() < 1e-15);
        assert!((se[0] - (5.0f64 / 3.0 / 4.0).sqrt()).abs() < 1e-15);
    }
}
