//! Message links: latency, loss, timeouts and retries, and the count of every transmission.
//!
//! A message sent at tick `t` is transmitted at `t, t + timeout, ..., t + retries * timeout`
//! until one transmission gets through; each is lost independently with probability `loss`. The
//! first successful transmission, at `t + k * timeout`, is delivered in the messages phase of
//! tick `t + k * timeout + latency`. So a message is delivered with probability
//! `1 - loss^(retries + 1)`, after `k` failures with probability `loss^k * (1 - loss)`. The
//! transmissions are drawn and counted when the message is sent. When every transmission of an
//! assignment fails, the coordinator learns it one timeout after the last one and releases the
//! worker; a lost answer is noticed by no one (the subtask waits for its deadline).
//!
//! A message that crosses several links (a [`Route`] of `hops` links: the levels of a hierarchy)
//! is relayed hop by hop, each hop drawn as above from the tick the previous one delivered; it is
//! lost when any hop is. With `faults.delay_probability` > 0, each delivered hop is delayed by
//! `faults.extra_latency` more ticks with that probability.

use std::collections::{BTreeMap, VecDeque};

use bevy_ecs::prelude::*;

use super::resources::{Ledger, TickCounters};
use super::tasks::{Answer, SubRef};
use crate::dist::chance;
use crate::rng::SimRng;
use crate::scenario::Messages;

/// The route from the root coordinator to a worker among `n` (or back).
pub fn route_to_worker(sc: &crate::scenario::Scenario, n: usize) -> Route {
    Route {
        hops: sc.topology.hops(n),
        delay_probability: sc.faults.delay_probability,
        extra_latency: sc.faults.extra_latency,
    }
}

/// Something the network delivers at a tick.
#[derive(Debug, Clone)]
pub enum Event {
    /// An assignment reaches its worker.
    Assignment {
        /// The subtask.
        sub: SubRef,
        /// The slot of the subtask.
        slot: u8,
    },
    /// An answer reaches the coordinator.
    Answer {
        /// The subtask.
        sub: SubRef,
        /// The slot of the subtask.
        slot: u8,
        /// The answer.
        answer: Answer,
    },
    /// The coordinator gives up on an assignment that never got through.
    AssignmentLost {
        /// The subtask.
        sub: SubRef,
        /// The slot of the subtask.
        slot: u8,
    },
}

/// The messages in flight, by delivery tick, in sending order within a tick.
///
/// Delivery ticks from the next one to be delivered (`base`) on are a ring of buckets whose
/// buffers are reused (a steady state allocates nothing); a message for an earlier tick (never,
/// with latencies of at least one tick) waits in `overdue` and is delivered first, in tick order.
#[derive(Resource, Debug, Default)]
pub struct Network {
    /// `ring[k]`: the events due at tick `base + k`.
    ring: VecDeque<Vec<Event>>,
    base: u32,
    overdue: BTreeMap<u32, Vec<Event>>,
    /// Emptied buffers, for new buckets.
    spare: Vec<Vec<Event>>,
}

/// The result of sending one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    /// Transmissions made (1 to retries + 1).
    pub transmissions: u32,
    /// Delivery tick, or `None` when every transmission was lost.
    pub delivered_at: Option<u32>,
}

/// The links a message crosses and the random delays on them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Route {
    /// Links crossed (≥ 1).
    pub hops: u32,
    /// Probability that a delivered hop is delayed.
    pub delay_probability: f64,
    /// Ticks of such a delay.
    pub extra_latency: u32,
}

impl Route {
    /// One link without delays.
    pub const DIRECT: Route = Route {
        hops: 1,
        delay_probability: 0.0,
        extra_latency: 0,
    };
}

/// The fate of a message over a [`Route`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trip {
    /// Transmissions made over all hops.
    pub transmissions: u32,
    /// `Ok(delivery tick)`, or `Err(tick at which the sender gives up)` when a hop lost it.
    pub arrival: Result<u32, u32>,
}

/// Draws the fate of one message sent at `now` over `route`, hop by hop.
pub fn travel(links: &Messages, route: Route, now: u32, rng: &mut SimRng) -> Trip {
    let mut t = now;
    let mut transmissions = 0;
    for _ in 0..route.hops.max(1) {
        let sent = transmit(links, t, rng);
        transmissions += sent.transmissions;
        match sent.delivered_at {
            Some(at) => {
                t = at
                    + if chance(rng, route.delay_probability) {
                        route.extra_latency
                    } else {
                        0
                    };
            }
            None => {
                return Trip {
                    transmissions,
                    arrival: Err(t + links.retries * links.timeout + links.timeout),
                };
            }
        }
    }
    Trip {
        transmissions,
        arrival: Ok(t),
    }
}

/// Draws the fate of one message sent at `now` over one link.
pub fn transmit(links: &Messages, now: u32, rng: &mut SimRng) -> Sent {
    for k in 0..=links.retries {
        if !chance(rng, links.loss) {
            return Sent {
                transmissions: k + 1,
                delivered_at: Some(now + k * links.timeout + links.latency),
            };
        }
    }
    Sent {
        transmissions: links.retries + 1,
        delivered_at: None,
    }
}

/// Books `transmissions` messages of `size` bytes each, in the run's ledger and the tick's
/// counters.
pub fn book(ledger: &mut Ledger, counters: &mut TickCounters, transmissions: u32, size: u64) {
    // Saturating: byte counts cannot wrap (a message is at most 1 GiB, so they stay exact below
    // 1.8e19 bytes).
    let (n, bytes) = (
        u64::from(transmissions),
        u64::from(transmissions).saturating_mul(size),
    );
    ledger.messages += n;
    ledger.bytes = ledger.bytes.saturating_add(bytes);
    counters.messages += n;
    counters.bytes = counters.bytes.saturating_add(bytes);
}

impl Network {
    /// Sends `event` at `now` over `route`; `on_loss` is what to deliver when the message is
    /// lost (when the sender gives up). Returns the transmissions made.
    pub fn send(
        &mut self,
        links: &Messages,
        route: Route,
        now: u32,
        event: Event,
        on_loss: Option<Event>,
        rng: &mut SimRng,
    ) -> u32 {
        let trip = travel(links, route, now, rng);
        self.deliver(trip.arrival, event, on_loss);
        trip.transmissions
    }

    /// Queues `event` for `Ok(tick)`, or `on_loss` (if any) for `Err(tick)`.
    pub fn deliver(&mut self, arrival: Result<u32, u32>, event: Event, on_loss: Option<Event>) {
        match (arrival, on_loss) {
            (Ok(at), _) => self.queue(at, event),
            (Err(at), Some(lost)) => self.queue(at, lost),
            (Err(_), None) => {}
        }
    }

    fn queue(&mut self, at: u32, event: Event) {
        let Some(k) = at.checked_sub(self.base) else {
            self.overdue.entry(at).or_default().push(event);
            return;
        };
        let k = k as usize;
        while self.ring.len() <= k {
            let bucket = self.spare.pop().unwrap_or_default();
            self.ring.push_back(bucket);
        }
        self.ring[k].push(event);
    }

    /// Removes and returns the events due at or before `now`, in order. Hand the buffer back
    /// with [`Network::recycle`] once read.
    pub fn due(&mut self, now: u32) -> Vec<Event> {
        let mut due = std::mem::take(&mut self.overdue)
            .into_values()
            .flatten()
            .collect::<Vec<_>>();
        while self.base <= now {
            self.base += 1;
            let Some(bucket) = self.ring.pop_front() else {
                self.base = now + 1;
                break;
            };
            if due.is_empty() {
                self.recycle(std::mem::replace(&mut due, bucket));
            } else {
                due.extend_from_slice(&bucket);
                self.recycle(bucket);
            }
        }
        due
    }

    /// Takes back a buffer [`Network::due`] returned, for reuse.
    pub fn recycle(&mut self, mut buffer: Vec<Event>) {
        buffer.clear();
        if buffer.capacity() > 0 {
            self.spare.push(buffer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;

    fn links(loss: f64, retries: u32) -> Messages {
        Messages {
            latency: 2,
            loss,
            timeout: 3,
            retries,
            assignment_bytes: 1,
            answer_bytes: 1,
        }
    }

    #[test]
    fn lossless_links_deliver_after_latency() {
        let mut rng = stream(1, "t");
        assert_eq!(
            transmit(&links(0.0, 2), 10, &mut rng),
            Sent {
                transmissions: 1,
                delivered_at: Some(12)
            }
        );
        assert_eq!(
            transmit(&links(1.0, 2), 10, &mut rng),
            Sent {
                transmissions: 3,
                delivered_at: None
            }
        );
    }

    #[test]
    fn delivery_probability_is_one_minus_loss_to_the_retries_plus_one() {
        // P(delivered) = 1 - p^(n+1); P(k losses before success) = p^k (1 - p).
        let mut rng = stream(5, "t");
        for (p, n) in [(0.3, 0u32), (0.5, 1), (0.6, 3), (0.9, 2)] {
            let trials = 40_000;
            let mut delivered = 0;
            let mut first_try = 0;
            for _ in 0..trials {
                let s = transmit(&links(p, n), 0, &mut rng);
                delivered += u32::from(s.delivered_at.is_some());
                first_try += u32::from(s.delivered_at == Some(2));
            }
            let expect = 1.0 - p.powi(n as i32 + 1);
            let se = (expect * (1.0 - expect) / f64::from(trials)).sqrt();
            let got = f64::from(delivered) / f64::from(trials);
            assert!(
                (got - expect).abs() < 4.5 * se,
                "p={p} n={n}: {got} vs {expect}"
            );
            let got1 = f64::from(first_try) / f64::from(trials);
            let se1 = ((1.0 - p) * p / f64::from(trials)).sqrt();
            assert!(
                (got1 - (1.0 - p)).abs() < 4.5 * se1,
                "first try: {got1} vs {}",
                1.0 - p
            );
        }
    }

    #[test]
    fn a_route_is_lost_when_any_hop_is_and_adds_up_its_delays() {
        // Each of h hops gets through with probability 1 - p^(n+1), so the route with
        // probability (1 - p^(n+1))^h; without loss it arrives after h latencies plus, per hop,
        // extra_latency with probability q: mean h (latency + q extra).
        let mut rng = stream(9, "t");
        let (p, n, h) = (0.4, 1u32, 3u32);
        let route = Route {
            hops: h,
            delay_probability: 0.0,
            extra_latency: 0,
        };
        let trials = 40_000;
        let ok = (0..trials)
            .filter(|_| travel(&links(p, n), route, 0, &mut rng).arrival.is_ok())
            .count();
        let expect = (1.0 - p.powi(n as i32 + 1)).powi(h as i32);
        let se = (expect * (1.0 - expect) / f64::from(trials)).sqrt();
        let got = ok as f64 / f64::from(trials);
        assert!((got - expect).abs() < 4.5 * se, "{got} vs {expect}");

        let delayed = Route {
            hops: h,
            delay_probability: 0.25,
            extra_latency: 8,
        };
        let mut sum = 0u64;
        for _ in 0..trials {
            let trip = travel(&links(0.0, 0), delayed, 0, &mut rng);
            assert_eq!(trip.transmissions, h);
            sum += u64::from(trip.arrival.unwrap());
        }
        let mean = sum as f64 / f64::from(trials);
        // Latency 2 per hop; delay 8 with probability 1/4: mean 3 * (2 + 2) = 12, sd per hop
        // 8 * sqrt(3/16) ≈ 3.46, of the mean 3.46 * sqrt(3 / trials).
        assert!((mean - 12.0).abs() < 4.5 * 3.4641 * (3.0 / f64::from(trials)).sqrt());
    }

    #[test]
    fn retries_wait_a_timeout_each() {
        let mut rng = stream(3, "t");
        for _ in 0..1000 {
            let s = transmit(&links(0.5, 4), 0, &mut rng);
            if let Some(at) = s.delivered_at {
                assert_eq!(at, (s.transmissions - 1) * 3 + 2);
            }
        }
    }
}
