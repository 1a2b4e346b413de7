//! Phase 7, value: a finished task realises `R * f(outcomes)` by the value rule, where a
//! subtask's outcome is whether its kept answer is truly correct. The task succeeds when `f = 1`;
//! its latency is the finishing tick minus the arrival tick. A private task realises R when its
//! aggregate was within tolerance, else nothing.

use bevy_ecs::prelude::*;

use super::resources::{Clock, Ledger, Params, TickCounters};
use super::tasks::FinishedTasks;

/// Computes the realised value of each task finished this tick.
pub fn realise_value(
    params: Res<Params>,
    clock: Res<Clock>,
    mut finished: ResMut<FinishedTasks>,
    mut ledger: ResMut<Ledger>,
    mut counters: ResMut<TickCounters>,
) {
    let t = &params.0.tasks;
    for f in &mut finished.0 {
        let m = f.task.subtasks.len();
        let correct = f
            .task
            .subtasks
            .iter()
            .filter(|s| s.resolution.is_some_and(|r| r.correct))
            .count();
        // A private task (one subtask) is worth its reward when its aggregate is accurate.
        let fraction = if f.task.private {
            correct as f64
        } else {
            t.value_rule.fraction(correct, m)
        };
        f.value = t.reward * fraction;
        f.success = fraction >= 1.0;
        ledger.tasks_completed += 1;
        ledger.tasks_succeeded += u64::from(f.success);
        ledger.latency_sum += u64::from(clock.tick - f.task.arrived);
        ledger.value_created += f.value;
        counters.completed += 1;
        counters.succeeded += u64::from(f.success);
        counters.value += f.value;
    }
}
