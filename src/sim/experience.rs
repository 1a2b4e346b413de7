//! Phase 11, experience (experience management): skills learn and decay, reputations follow
//! observed correctness.
//!
//! For each domain d: if the agent worked subtasks of d this tick at efforts `e_1, e_2, ...`,
//! each raised the skill by `alpha * e * (1 - s_d)`, so `1 - s_d` is multiplied by
//! `Π (1 - alpha * e_j)`; otherwise the skill moves toward its initial value,
//! `s_d += phi * (s0_d - s_d)`. Each judged answer updates its author's reputation,
//! `rep = (1 - rho) * rep + rho * judged`, in the order the answers were judged.

use bevy_ecs::prelude::*;

use super::agents::{Agent, Roster, Skills};
use super::by_agent::ByAgent;
use super::credit::Observations;
use super::resources::Params;

/// Updates skills and reputations, in one pass over the agents: each agent's judgements are
/// applied in the order they were made ([`ByAgent`]).
pub fn update_experience(
    params: Res<Params>,
    roster: Res<Roster>,
    mut observations: ResMut<Observations>,
    mut judged: Local<ByAgent<bool>>,
    mut agents: Query<(&mut Agent, &mut Skills)>,
) {
    let x = &params.0.experience;
    let learns = x.learning_rate > 0.0 || x.skill_decay > 0.0;
    let rho = x.reputation_rate;
    judged.group(roster.entities.len(), &observations.0);
    observations.0.clear();
    if !learns && judged.is_empty() {
        return;
    }
    for (mut agent, mut s) in &mut agents {
        // No system reads change ticks: writing them would only cost memory traffic.
        let (agent, s) = (agent.bypass_change_detection(), s.bypass_change_detection());
        if learns {
            s.update(x.skill_decay);
        }
        let mine = judged.of(agent.id);
        if !mine.is_empty() {
            let mut r = agent.reputation;
            for &j in mine {
                r = (1.0 - rho) * r + rho * f64::from(j);
            }
            agent.reputation = r;
        }
    }
}
