//! Phase 9, economy (monetisation): wallets receive their credit and their traffic revenue and
//! pay the participation cost of the tick (agents that left pay none). The platform's income (fees, unallocated credit,
//! traffic revenue kept) and the agents' effort costs were booked by the credit and work phases;
//! finished tasks leave the pipeline here.

use bevy_ecs::prelude::*;

use super::agents::{Agent, Member, Roster, Wallet};
use super::credit::{Payouts, TrafficPayouts};
use super::resources::{Ledger, Params};
use super::tasks::FinishedTasks;

/// Pays credit and charges participation costs.
pub fn settle_accounts(
    params: Res<Params>,
    roster: Res<Roster>,
    mut payouts: ResMut<Payouts>,
    mut traffic: ResMut<TrafficPayouts>,
    mut finished: ResMut<FinishedTasks>,
    mut ledger: ResMut<Ledger>,
    mut wallets: Query<(&Agent, &mut Wallet, &Member)>,
) {
    for (agent, amount) in payouts.0.drain(..) {
        if let Ok((_, mut w, _)) = wallets.get_mut(roster.entities[agent as usize]) {
            w.credit += amount;
        }
    }
    for (agent, amount) in traffic.0.drain(..) {
        if let Ok((_, mut w, _)) = wallets.get_mut(roster.entities[agent as usize]) {
            w.traffic += amount;
        }
    }
    finished.0.clear();
    let groups = &params.0.groups;
    let mut total = 0.0;
    for (agent, mut w, member) in &mut wallets {
        if !member.present() {
            continue;
        }
        let c = groups[agent.group as usize].participation_cost;
        w.participation_costs += c;
        total += c;
    }
    ledger.participation_costs += total;
}
