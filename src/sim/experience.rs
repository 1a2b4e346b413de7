//! Phase 11, experience (experience management): skills learn and decay, reputations follow
//! observed correctness.
//!
//! For each domain d: if the agent worked subtasks of d this tick at efforts `e_1, e_2, ...`,
//! each raised the skill by `alpha * e * (1 - s_d)`, so `1 - s_d` is multiplied by
//! `Π (1 - alpha * e_j)`; otherwise the skill moves toward its initial value,
//! `s_d += phi * (s0_d - s_d)`. Each judged answer updates its author's reputation,
//! `rep = (1 - rho) * rep + rho * judged`, in the order the answers were judged.

use bevy_ecs::prelude::*;

use super::agents::{Reputation, Roster, Skills};
use super::credit::Observations;
use super::resources::Params;

/// Updates skills and reputations.
pub fn update_experience(
    params: Res<Params>,
    roster: Res<Roster>,
    mut observations: ResMut<Observations>,
    mut skills: Query<&mut Skills>,
    mut reputations: Query<&mut Reputation>,
) {
    let x = &params.0.experience;
    if x.learning_rate > 0.0 || x.skill_decay > 0.0 {
        for mut s in &mut skills {
            s.update(x.skill_decay);
        }
    }
    let rho = x.reputation_rate;
    for (agent, judged) in observations.0.drain(..) {
        if let Ok(mut r) = reputations.get_mut(roster.entities[agent as usize]) {
            r.0 = (1.0 - rho) * r.0 + rho * f64::from(judged);
        }
    }
}
