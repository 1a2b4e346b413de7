//! Phase 9, economy (monetisation): wallets receive their traffic revenue and pay the
//! participation cost of the tick (agents that left pay none). The platform's income (fees,
//! unallocated credit, traffic revenue kept), the agents' credit (paid by id into the fairness
//! ledger, which is their record of it) and their effort costs were booked by the credit and
//! work phases; finished tasks leave the pipeline here.
//!
//! Payments reach the wallets in one pass over the agents ([`ByAgent`]); each wallet receives
//! its payments in the order the credit phase made them.

use bevy_ecs::prelude::*;

use super::agents::{Agent, Member, Roster, Wallet};
use super::by_agent::ByAgent;
use super::credit::TrafficPayouts;
use super::resources::{Ledger, Params};
use super::tasks::FinishedTasks;

/// Pays traffic revenue and charges participation costs.
pub fn settle_accounts(
    params: Res<Params>,
    roster: Res<Roster>,
    mut traffic: ResMut<TrafficPayouts>,
    mut finished: ResMut<FinishedTasks>,
    mut ledger: ResMut<Ledger>,
    mut grouped: Local<ByAgent<f64>>,
    mut wallets: Query<(&Agent, &mut Wallet, &Member)>,
) {
    let n = roster.entities.len();
    grouped.group(n, &traffic.0);
    traffic.0.clear();
    finished.0.clear();
    let groups = &params.0.groups;
    let mut total = 0.0;
    for (agent, mut w, member) in &mut wallets {
        // No system reads change ticks: writing them would only cost memory traffic.
        let w = w.bypass_change_detection();
        for &amount in grouped.of(agent.id) {
            w.traffic += amount;
        }
        if !member.present() {
            continue;
        }
        let c = groups[agent.group as usize].participation_cost;
        w.participation_costs += c;
        total += c;
    }
    ledger.participation_costs += total;
}
