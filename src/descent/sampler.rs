//! The minibatch sampler of stochastic descent: rows dealt out a batch at
//! a time, reshuffled each epoch.
//!
//! Invariant: the batches are a function of the seed alone (rand's
//! `StdRng`), so a run is reproducible.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

/// The seed of minibatch sampling when `seed` is not given.
pub const DEFAULT_SEED: u64 = 0;

/// Minibatches of `batch` rows out of `n_rows`, drawn without replacement:
/// the rows are shuffled (Fisher-Yates, from a `StdRng` seeded with the
/// seed) and dealt out in order; when they run out, a new shuffle starts a
/// new epoch. The last batch of an epoch has the rows left over when
/// `batch` does not divide `n_rows` (as torch's DataLoader with
/// drop_last=False).
#[derive(Debug)]
pub struct Sampler {
    batch: usize,
    order: Vec<u32>,
    next: usize,
    rng: StdRng,
}

impl Sampler {
    /// `batch` is between 1 and `n_rows` (the caller checks).
    pub fn new(n_rows: usize, batch: usize, seed: u64) -> Sampler {
        Sampler {
            batch,
            order: (0..n_rows as u32).collect(),
            next: n_rows,
            rng: StdRng::seed_from_u64(seed),
        }
    }

    /// The rows of the next minibatch.
    pub fn next_batch(&mut self) -> &[u32] {
        if self.next >= self.order.len() {
            self.order.shuffle(&mut self.rng);
            self.next = 0;
        }
        let start = self.next;
        self.next = (start + self.batch).min(self.order.len());
        &self.order[start..self.next]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_once_per_epoch() {
        for (n, batch) in [(10, 3), (7, 7), (1, 1), (100, 32)] {
            let mut sampler = Sampler::new(n, batch, 42);
            for _epoch in 0..3 {
                let mut seen = vec![0; n];
                for _ in 0..n.div_ceil(batch) {
                    let rows = sampler.next_batch();
                    assert!(!rows.is_empty() && rows.len() <= batch);
                    for r in rows {
                        seen[*r as usize] += 1;
                    }
                }
                assert!(
                    seen.iter().all(|c| *c == 1),
                    "{n} rows, batch {batch}: {seen:?}"
                );
            }
        }
    }

    #[test]
    fn batches_depend_on_the_seed_only() {
        let draw = |seed| {
            let mut s = Sampler::new(50, 8, seed);
            (0..20).map(|_| s.next_batch().to_vec()).collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
        // Epochs are shuffled anew.
        let mut s = Sampler::new(50, 50, 1);
        let first = s.next_batch().to_vec();
        assert_ne!(first, s.next_batch().to_vec());
    }
}
