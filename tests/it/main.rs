//! The integration tests of lamas, as one binary: the model against hand-computed answers, the
//! determinism of runs, the schedule, and the command line's behaviour on good and bad input.

mod adaptation;
mod calibrate;
mod cli;
mod credit;
mod decisions;
mod design;
mod determinism;
mod fake_model;
mod faults;
mod floors;
mod fuzz;
mod institutions;
mod judge;
mod llm;
mod llm_live;
mod llm_models;
mod model;
mod privacy;
mod registries;
mod robustness;
mod strategies;
mod summary;
mod support;
mod sweep;
mod topologies;
mod yardstick;
