//! The simulation: one bevy_ecs [`World`] per run, stepped tick by tick by one [`Schedule`].
//!
//! The phases of a tick are the system sets of [`Phase`], chained in the design's order, one
//! system (a verb) per phase in its own file. Agents are entities ([`agents`]); parameters,
//! random streams, tasks, the network and the ledgers are resources. A run's results are a pure
//! function of (scenario, seed): no IO, no unseeded randomness, no iteration whose order depends
//! on anything but the scenario, and the one clock read (timing the credit phase) never feeds
//! back into the run. [`Simulation::new`] cannot fail: a [`Scenario`] is
//! valid by construction. With model-backed workers, a tick runs in two halves
//! ([`TickSchedule`]) and the calls the first half plans are answered in between by
//! [`crate::llm::Models`]: from a cassette (replay: still a pure function, of the cassette too)
//! or from endpoints (record, live: the one place where a run does IO). Only there can a run
//! stop ([`RunStop`]).

pub mod adaptation;
pub mod agents;
mod announce;
mod arrivals;
mod assign;
pub mod by_agent;
pub mod choice;
pub mod conduct;
mod consensus;
pub mod credit;
mod debug;
pub mod decide;
mod economy;
mod experience;
mod faults;
pub mod judge;
mod messages;
pub mod metrics;
pub mod network;
pub mod observation;
pub mod private;
pub mod prompts;
mod ranked;
pub mod reach;
pub mod record;
pub mod resources;
pub mod task_game;
pub mod tasks;
mod value;
pub mod work;

use std::sync::Arc;

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings};

use crate::llm::{Models, Stop};
use crate::scenario::Scenario;
use agents::spawn_population;
use metrics::{Metrics, summarise};
use record::Series;
use resources::{Clock, Ledger, Params, Streams, TickCounters};

/// The phases of a tick, in order (design section 2).
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Scheduled and random faults.
    Faults,
    /// Task arrivals (instruction processing).
    Arrivals,
    /// Decomposition and routing.
    Assign,
    /// Message exchange.
    Messages,
    /// The model calls the work needs (answered between the two halves of the tick).
    Prompts,
    /// Workers work.
    Work,
    /// Consensus formation.
    Consensus,
    /// Realised value.
    Value,
    /// Credit allocation.
    Credit,
    /// Monetisation.
    Economy,
    /// Exit, strategy revision by imitation, entry.
    Adaptation,
    /// Experience management.
    Experience,
    /// Per-tick metrics.
    Record,
}

/// The schedules of one tick: phases 1 to 5a (faults to prompts), then 5 to 12 (work to
/// record). Between them, [`Simulation::try_step`] answers the tick's model calls: the only
/// place where a run waits on anything outside the world.
pub struct TickSchedule {
    /// Faults, arrivals, assign, messages, prompts.
    pub before: Schedule,
    /// Work, consensus, value, credit, economy, adaptation, experience, record.
    pub after: Schedule,
}

fn strict_schedule(strict: bool) -> Schedule {
    let mut s = Schedule::default();
    if strict {
        s.set_build_settings(ScheduleBuildSettings {
            ambiguity_detection: LogLevel::Error,
            ..Default::default()
        });
    }
    s
}

/// The schedules of one tick. With `strict`, an ambiguity between systems (two systems whose
/// order is not fixed and whose data overlap) is an error when a schedule is initialised.
pub fn schedule(strict: bool) -> TickSchedule {
    let mut before = strict_schedule(strict);
    before.configure_sets(
        (
            Phase::Faults,
            Phase::Arrivals,
            Phase::Assign,
            Phase::Messages,
            Phase::Prompts,
        )
            .chain(),
    );
    before.add_systems((
        (debug::fail_on_purpose, faults::inject_faults)
            .chain()
            .in_set(Phase::Faults),
        arrivals::spawn_tasks.in_set(Phase::Arrivals),
        assign::assign_subtasks.in_set(Phase::Assign),
        messages::deliver_messages.in_set(Phase::Messages),
        (
            prompts::plan_calls,
            decide::plan_decisions,
            judge::plan_judging,
        )
            .chain()
            .in_set(Phase::Prompts),
    ));
    let mut after = strict_schedule(strict);
    after.configure_sets(
        (
            Phase::Work,
            Phase::Consensus,
            Phase::Value,
            Phase::Credit,
            Phase::Economy,
            Phase::Adaptation,
            Phase::Experience,
            Phase::Record,
        )
            .chain(),
    );
    after.add_systems((
        work::do_work.in_set(Phase::Work),
        consensus::form_consensus.in_set(Phase::Consensus),
        value::realise_value.in_set(Phase::Value),
        credit::allocate_credit.in_set(Phase::Credit),
        economy::settle_accounts.in_set(Phase::Economy),
        (
            decide::apply_decisions,
            adaptation::revise_strategies,
            adaptation::admit_entrants,
            choice::choose_institutions,
        )
            .chain()
            .in_set(Phase::Adaptation),
        experience::update_experience.in_set(Phase::Experience),
        (record::record_tick, conduct::record_conduct)
            .chain()
            .in_set(Phase::Record),
    ));
    TickSchedule { before, after }
}

/// A run that stopped before its end: at a tick whose model calls could not be answered.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStop {
    /// The tick.
    pub tick: u32,
    /// Why.
    pub stop: Box<Stop>,
}

impl std::fmt::Display for RunStop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the run stopped at tick {}: {}", self.tick, self.stop)
    }
}

/// One run in progress.
pub struct Simulation {
    /// The world (public for tests and tools that inspect it).
    pub world: World,
    schedule: TickSchedule,
    ticks: u32,
    models: Option<Arc<Models>>,
    stopped: Option<RunStop>,
}

/// What a finished run produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOutput {
    /// The run's metrics, in a fixed order (a pure function of scenario and seed).
    pub metrics: Metrics,
    /// Its time series.
    pub series: Series,
    /// Wall time the mechanism spent allocating, seconds (a measurement, not reproducible: it
    /// goes to manifests and timings, never to the tables).
    pub credit_seconds: f64,
    /// Tasks whose credit was allocated (for the time per allocation).
    pub tasks_credited: u64,
}

impl Simulation {
    /// A world for `scenario` with random streams seeded by `seed`.
    pub fn new(scenario: &Scenario, seed: u64) -> Self {
        Self::with_schedule(scenario, seed, schedule(false))
    }

    /// A world for `scenario` whose model-backed workers are answered by `models`.
    pub fn with_models(scenario: &Scenario, seed: u64, models: Arc<Models>) -> Self {
        let mut sim = Self::new(scenario, seed);
        sim.models = Some(models);
        sim
    }

    /// Like [`Simulation::new`] with a given schedule (tests use a strict one).
    pub fn with_schedule(scenario: &Scenario, seed: u64, schedule: TickSchedule) -> Self {
        let mut world = World::new();
        let mut streams = Streams::new(seed);
        spawn_population(&mut world, scenario, &mut streams.population);
        world.insert_resource(streams);
        world.insert_resource(Params(scenario.clone()));
        world.insert_resource(Clock::default());
        world.insert_resource(Ledger::default());
        world.insert_resource(TickCounters::default());
        world.insert_resource(Series::default());
        world.init_resource::<tasks::Board>();
        world.init_resource::<tasks::FinishedTasks>();
        world.init_resource::<network::Network>();
        world.init_resource::<reach::Reach>();
        world.init_resource::<private::PrivacyAccounts>();
        world.init_resource::<tasks::Inbox>();
        world.init_resource::<assign::RoundRobin>();
        world.init_resource::<credit::TrafficPayouts>();
        world.init_resource::<adaptation::Revisions>();
        world.insert_resource(credit::CreditStreams::new(seed));
        world.init_resource::<credit::CreditTime>();
        let n = scenario.population() as usize;
        world.insert_resource(credit::Fairness(vec![credit::FairShare::default(); n]));
        world.init_resource::<credit::Observations>();
        world.init_resource::<prompts::Prompts>();
        world.init_resource::<decide::Deciding>();
        world.init_resource::<judge::Judges>();
        world.init_resource::<conduct::Conduct>();
        world.init_resource::<choice::Choosing>();
        Simulation {
            world,
            schedule,
            ticks: scenario.ticks,
            models: None,
            stopped: None,
        }
    }

    /// Initialises the schedule, reporting ambiguities when it is strict.
    pub fn check_schedule(&mut self) -> Result<(), String> {
        for s in [&mut self.schedule.before, &mut self.schedule.after] {
            s.initialize(&mut self.world)
                .map_err(|e| format!("{e:?}"))?;
        }
        Ok(())
    }

    /// Simulates one tick. A run without model-backed workers cannot stop; with them, it stops
    /// at a tick whose calls cannot be answered (a call missing from the cassette, an endpoint
    /// that fails), before that tick's work phase, and every later call returns the same stop.
    pub fn try_step(&mut self) -> Result<(), RunStop> {
        if let Some(stop) = &self.stopped {
            return Err(stop.clone());
        }
        self.schedule.before.run(&mut self.world);
        let calls = std::mem::take(&mut self.world.resource_mut::<prompts::Prompts>().calls);
        if !calls.is_empty() {
            let answered = match &self.models {
                Some(m) => m.answer(&calls),
                None => Err(Stop::NoModels),
            };
            let mut p = self.world.resource_mut::<prompts::Prompts>();
            p.calls = calls;
            match answered {
                Ok(replies) => p.replies = replies,
                Err(stop) => {
                    let stop = RunStop {
                        tick: self.tick(),
                        stop: Box::new(stop),
                    };
                    self.stopped = Some(stop.clone());
                    return Err(stop);
                }
            }
        }
        self.schedule.after.run(&mut self.world);
        self.world.resource_mut::<Clock>().tick += 1;
        Ok(())
    }

    /// Simulates one tick of a run that cannot stop: one without model-backed workers.
    ///
    /// # Panics
    ///
    /// If the run stops ([`Simulation::try_step`]), which only a run with model-backed workers
    /// can do; such runs use [`Simulation::try_step`] and [`Simulation::try_finish`].
    pub fn step(&mut self) {
        if let Err(stop) = self.try_step() {
            panic!("{stop}");
        }
    }

    /// The tick about to be simulated.
    pub fn tick(&self) -> u32 {
        self.world.resource::<Clock>().tick
    }

    /// Simulates the remaining ticks and summarises the run, unless it stops or a metric
    /// overflows ([`overflowed`]).
    pub fn try_finish(mut self) -> Result<RunOutput, RunStop> {
        while self.tick() < self.ticks {
            self.try_step()?;
        }
        let tick = self.tick();
        let output = self.summary();
        match overflowed(&output.metrics) {
            Some(metric) => Err(RunStop {
                tick,
                stop: Box::new(Stop::Overflow {
                    metric: metric.to_string(),
                }),
            }),
            None => Ok(output),
        }
    }

    /// Simulates the remaining ticks of a run that cannot stop and summarises it.
    ///
    /// # Panics
    ///
    /// As [`Simulation::step`].
    pub fn finish(mut self) -> RunOutput {
        while self.tick() < self.ticks {
            self.step();
        }
        self.summary()
    }

    fn summary(mut self) -> RunOutput {
        let metrics = summarise(&mut self.world);
        let series = self.world.resource::<Series>().clone();
        let credit_seconds = self.world.resource::<credit::CreditTime>().0;
        let tasks_credited = self.world.resource::<Ledger>().tasks_credited;
        RunOutput {
            metrics,
            series,
            credit_seconds,
            tasks_credited,
        }
    }
}

/// The first metric that is ±∞, if any. An undefined metric (a ratio over zero) is NaN and
/// written `null`; an infinite one overflowed, and is an error instead.
pub fn overflowed(metrics: &Metrics) -> Option<&str> {
    metrics
        .0
        .iter()
        .find(|(_, v)| v.is_infinite())
        .map(|(k, _)| k.as_str())
}

/// The names of the metrics a run of `scenario` reports, in order.
pub fn metric_names(scenario: &Scenario) -> Vec<String> {
    let mut sim = Simulation::new(scenario, 0);
    summarise(&mut sim.world)
        .0
        .into_iter()
        .map(|(k, _)| k)
        .collect()
}

/// Runs `scenario` with `seed` to the end (a scenario without model-backed workers; see
/// [`Simulation::finish`]).
pub fn run(scenario: &Scenario, seed: u64) -> RunOutput {
    Simulation::new(scenario, seed).finish()
}

/// Runs `scenario` with `seed` to the end, its model-backed workers answered by `models`.
pub fn try_run(
    scenario: &Scenario,
    seed: u64,
    models: Option<Arc<Models>>,
) -> Result<RunOutput, RunStop> {
    match models {
        Some(m) => Simulation::with_models(scenario, seed, m).try_finish(),
        None => Simulation::new(scenario, seed).try_finish(),
    }
}
