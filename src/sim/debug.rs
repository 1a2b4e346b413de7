//! A deliberate failure, for testing how callers handle a run that fails: with
//! `debug.panic_at_tick = t` in the scenario, the run panics when tick `t` starts (in the faults
//! phase, before anything else happens that tick). Real scenarios never set it.

use bevy_ecs::prelude::*;

use super::resources::{Clock, Params};

/// Panics when the scenario's `debug.panic_at_tick` is the current tick.
pub fn fail_on_purpose(params: Res<Params>, clock: Res<Clock>) {
    if params.0.debug.panic_at_tick == Some(clock.tick) {
        panic!(
            "deliberate failure at tick {} (debug.panic_at_tick)",
            clock.tick
        );
    }
}
