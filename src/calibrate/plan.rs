//! The calls of a calibration: every profile asked every item of a sample of the bank, by a few
//! replica workers.
//!
//! The sample is `items` draws of one item each from the scenario's bank ([`Bank::draw`], so a
//! source uniformly, then its item), from the stream `calibrate` of the seed. Each profile is
//! asked each item by `replicas` workers, replica r sending the request of agent id r
//! ([`crate::llm::Profile::request`]): with `seed_by = "agent"` the replicas sample
//! independently, as a team's agents do; with `seed_by = "profile"` they send one request and
//! give one reply, as a team's agents of that profile do. The calls are in the order (profile,
//! item, replica), and identical requests are one call when answered.

use crate::bank::{Bank, Item};
use crate::llm::{Call, LlmSetup};
use crate::rng::stream;

/// One item of the sample, with its source (the skill domain).
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// Index of the source in the bank: the item's skill domain.
    pub source: u16,
    /// The item.
    pub item: Item,
}

/// The calls of a calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The sampled items.
    pub probes: Vec<Probe>,
    /// The profiles asked (indices into the scenario's profiles).
    pub profiles: Vec<usize>,
    /// Workers asking each item per profile.
    pub replicas: u32,
    /// The calls, in the order (profile, item, replica).
    pub calls: Vec<Call>,
}

impl Plan {
    /// Samples `items` items of `bank` (K = `answers` for generated choices) with `seed` and
    /// lays out the calls of `profiles` of `setup`.
    pub fn new(
        bank: &Bank,
        answers: u32,
        setup: &LlmSetup,
        profiles: &[usize],
        (items, replicas): (usize, u32),
        seed: u64,
    ) -> Plan {
        let mut rng = stream(seed, "calibrate");
        let probes: Vec<Probe> = (0..items)
            .map(|_| {
                let (source, mut one) = bank.draw(&mut rng, 1, answers);
                Probe {
                    source,
                    item: one.remove(0),
                }
            })
            .collect();
        let mut calls = Vec::with_capacity(profiles.len() * items * replicas as usize);
        for &p in profiles {
            for probe in &probes {
                for r in 0..replicas {
                    calls.push(Call {
                        profile: p as u16,
                        request: setup.profiles[p].request(&probe.item, r),
                    });
                }
            }
        }
        Plan {
            probes,
            profiles: profiles.to_vec(),
            replicas,
            calls,
        }
    }

    /// The index in [`Plan::calls`] of the call of the `i`-th profile asked, item `item`,
    /// replica `r`.
    pub fn index(&self, i: usize, item: usize, r: u32) -> usize {
        (i * self.probes.len() + item) * self.replicas as usize + r as usize
    }

    /// Distinct requests among the calls (what the endpoints are asked at most).
    pub fn distinct(&self) -> usize {
        let keys: std::collections::BTreeSet<String> =
            self.calls.iter().map(|c| c.request.key()).collect();
        keys.len()
    }
}
