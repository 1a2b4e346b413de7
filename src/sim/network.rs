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

use std::collections::BTreeMap;

use bevy_ecs::prelude::*;

use super::resources::{Ledger, TickCounters};
use super::tasks::{Answer, SubRef};
use crate::dist::chance;
use crate::rng::SimRng;
use crate::scenario::Messages;

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
#[derive(Resource, Debug, Default)]
pub struct Network {
    queue: BTreeMap<u32, Vec<Event>>,
}

/// The result of sending one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    /// Transmissions made (1 to retries + 1).
    pub transmissions: u32,
    /// Delivery tick, or `None` when every transmission was lost.
    pub delivered_at: Option<u32>,
}

/// Draws the fate of one message sent at `now`.
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
    let (n, bytes) = (u64::from(transmissions), u64::from(transmissions) * size);
    ledger.messages += n;
    ledger.bytes += bytes;
    counters.messages += n;
    counters.bytes += bytes;
}

impl Network {
    /// Sends `event` at `now`; `on_loss` is what to deliver when every transmission fails (and
    /// when). Returns the transmissions made.
    pub fn send(
        &mut self,
        links: &Messages,
        now: u32,
        event: Event,
        on_loss: Option<Event>,
        rng: &mut SimRng,
    ) -> u32 {
        let sent = transmit(links, now, rng);
        match (sent.delivered_at, on_loss) {
            (Some(at), _) => self.queue.entry(at).or_default().push(event),
            (None, Some(lost)) => {
                let at = now + links.retries * links.timeout + links.timeout;
                self.queue.entry(at).or_default().push(lost);
            }
            (None, None) => {}
        }
        sent.transmissions
    }

    /// Removes and returns the events due at or before `now`, in order.
    pub fn due(&mut self, now: u32) -> Vec<Event> {
        let later = self.queue.split_off(&(now + 1));
        let due = std::mem::replace(&mut self.queue, later);
        due.into_values().flatten().collect()
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
